"""The full-text index on postings, created by migrations (it differs by database).

Both databases index the same tokens (portal/jobs/textindex.py). SQLite: an FTS5 table kept in step
by triggers; a batch migration that recreates `postings` on SQLite drops the triggers, so such a
migration calls drop_search_index() before and create_search_index() after it.

PostgreSQL: until migration 0013, a GIN index on to_tsvector('simple', postings.search_tokens)
(create_search_index() still makes that one, for the migrations before 0013). From 0013 the terms
live in a narrow table of their own, posting_terms (posting id, tsvector without positions), kept
in step by a trigger: a common word matches ten thousand postings, and PostgreSQL must visit the
table row of each match to read its id; postings rows are wide (about 3.5 kB, two to a page),
posting_terms rows are narrow, so the same search reads several times fewer pages.
"""

from alembic import op

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE postings_fts USING fts5(search_tokens, content='postings', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER postings_fts_ai AFTER INSERT ON postings BEGIN "
    "INSERT INTO postings_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER postings_fts_ad AFTER DELETE ON postings BEGIN "
    "INSERT INTO postings_fts(postings_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER postings_fts_au AFTER UPDATE OF search_tokens ON postings BEGIN "
    "INSERT INTO postings_fts(postings_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens); "
    "INSERT INTO postings_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "INSERT INTO postings_fts(postings_fts) VALUES ('rebuild')",
]
POSTGRES_INDEX = ["CREATE INDEX ix_postings_search ON postings USING gin (to_tsvector('simple', search_tokens))"]


def create_search_index():
    statements = SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else POSTGRES_INDEX
    for statement in statements:
        op.execute(statement)


def drop_search_index():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("postings_fts_ai", "postings_fts_ad", "postings_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS postings_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_postings_search")


POSTGRES_TERMS = [
    "CREATE TABLE posting_terms (posting_id integer PRIMARY KEY REFERENCES postings (id) ON DELETE CASCADE, "
    "terms tsvector NOT NULL)",
    "CREATE FUNCTION posting_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO posting_terms (posting_id, terms) VALUES (NEW.id, strip(to_tsvector('simple', NEW.search_tokens))) "
    "ON CONFLICT (posting_id) DO UPDATE SET terms = EXCLUDED.terms; RETURN NULL; END $$",
    "CREATE TRIGGER posting_terms_ai AFTER INSERT ON postings FOR EACH ROW EXECUTE FUNCTION posting_terms_sync()",
    "CREATE TRIGGER posting_terms_au AFTER UPDATE OF search_tokens ON postings FOR EACH ROW "
    "WHEN (OLD.search_tokens IS DISTINCT FROM NEW.search_tokens) EXECUTE FUNCTION posting_terms_sync()",
    "INSERT INTO posting_terms (posting_id, terms) SELECT id, strip(to_tsvector('simple', search_tokens)) FROM postings",
    "CREATE INDEX ix_posting_terms ON posting_terms USING gin (terms)",
    # The ids of the postings matching a query, always through the GIN index. A tsvector of a posting
    # is about 3 kB, so it is stored out of line (TOAST) and the table itself is small; the planner
    # then prefers reading the whole table for a broad query, not knowing that testing each row means
    # fetching its vector from TOAST (0.7 s instead of 10 ms for 100,000 postings). The setting
    # applies only while the function runs.
    "CREATE FUNCTION posting_ids_matching(query tsquery) RETURNS text LANGUAGE sql STABLE "
    "SET enable_seqscan = off AS "
    "$$ SELECT string_agg(posting_id::text, ',') FROM posting_terms WHERE terms @@ query $$",
]


def create_postgres_terms():
    """PostgreSQL only (migration 0013): the narrow terms table replaces the GIN index on postings."""
    drop_search_index()
    for statement in POSTGRES_TERMS:
        op.execute(statement)


def drop_postgres_terms():
    op.execute("DROP FUNCTION IF EXISTS posting_ids_matching(tsquery)")
    op.execute("DROP TABLE IF EXISTS posting_terms")
    op.execute("DROP FUNCTION IF EXISTS posting_terms_sync() CASCADE")
    create_search_index()
