"""The database behaves as documented on both engines: migrations match models, SQLite is tuned."""

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from portal.accounts.models import User
from portal.db import include_object
from portal.extensions import db as _db

from tests.conftest import make_user


def test_migrations_match_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"render_as_batch": True, "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_engine_is_tuned_for_its_database(db):
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            # Japanese search (pg_trgm) needs a UTF-8 character type; pre-ping survives restarts.
            assert "UTF-8" in connection.exec_driver_sql("SHOW lc_ctype").scalar().upper().replace("UTF8", "UTF-8")
            assert db.engine.pool._pre_ping is True


def test_concurrent_read_then_write_requests_queue_instead_of_failing(app, db):
    """Each thread reads, then writes, as a form POST does. With BEGIN IMMEDIATE no request fails
    with "database is locked"; with deferred transactions on SQLite some would."""
    user_id = make_user("seeker").id
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            with app.test_request_context("/en/account/language", method="POST"):
                for round_ in range(10):
                    row = _db.session.get(User, user_id)  # read
                    row.display_name = f"writer {index}-{round_}"  # then write
                    _db.session.commit()
                _db.session.remove()
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_get_requests_do_not_block_writers(app, db):
    make_user("seeker", email="reader@example.com")
    with app.test_request_context("/en/", method="GET"):
        _db.session.execute(text("SELECT count(*) FROM users")).scalar()  # a read transaction is open
        with db.engine.connect() as other:
            if other.dialect.name == "sqlite":
                other.exec_driver_sql("PRAGMA busy_timeout=0")  # fail at once instead of waiting
            other.execute(text("UPDATE users SET display_name = 'written' WHERE email = 'reader@example.com'"))
            other.commit()
        _db.session.rollback()
