"""The full-text index on postings, created by migrations (it differs by database).

Both databases index the same tokens (portal/jobs/textindex.py): SQLite through an FTS5 table kept
in step by triggers, PostgreSQL through a GIN index on to_tsvector('simple', search_tokens).
A batch migration that recreates `postings` on SQLite drops the triggers: such a migration calls
drop_search_index() before and create_search_index() after it.
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
