"""Backups of the app's database: `flask --app portal backup PATH` and `restore PATH`.

SQLite: the online backup API (a consistent copy while the site runs and writes; WAL files
included). PostgreSQL: pg_dump in its custom format and pg_restore --clean, run with the app's
own connection settings; the password goes through PGPASSWORD, never the command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


def backup(engine: Engine, path: Path) -> str:
    """Write a backup of the database behind `engine` to `path`; returns a one-line summary."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        return _sqlite_backup(_sqlite_file(engine), path)
    if engine.dialect.name == "postgresql":
        return _pg_dump(engine, path)
    raise BackupError(f"Backups are not supported for {engine.dialect.name}.")


def restore(engine: Engine, path: Path) -> str:
    """Replace the database behind `engine` with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    if engine.dialect.name == "sqlite":
        engine.dispose()  # no pooled connection of ours keeps the old database open
        return _sqlite_restore(path, _sqlite_file(engine))
    if engine.dialect.name == "postgresql":
        return _pg_restore(engine, path)
    raise BackupError(f"Restores are not supported for {engine.dialect.name}.")


# ---- SQLite ------------------------------------------------------------------------------------


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("The database is in memory; there is nothing to back up.")
    return Path(database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # pages=-1: the whole database in one step, so the copy is one consistent snapshot even
    # while other connections write (they are not blocked: the database runs in WAL mode).
    source.backup(target, pages=-1)


def _sqlite_backup(source_path: Path, path: Path) -> str:
    if not source_path.exists():
        raise BackupError(f"The database file {source_path} does not exist.")
    if path.exists():
        path.unlink()
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(path)
    try:
        _copy(source, target)
        target.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()
    return f"Backed up {source_path} to {path} ({path.stat().st_size} bytes)."


def check_sqlite_file(path: Path) -> None:
    """Refuse anything but an intact SQLite database."""
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    connection = sqlite3.connect(path)
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
        connection.execute("SELECT 1 FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable backup of this site: {error}.") from error
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(f"{path} is damaged: {result}.")


def _sqlite_restore(path: Path, target_path: Path) -> str:
    check_sqlite_file(path)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(path)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        # The backup API writes through SQLite, so the target's WAL and locks stay coherent
        # (copying the file over a database with a -wal file beside it would not).
        _copy(source, target)
    finally:
        target.close()
        source.close()
    return f"Restored {target_path} from {path}."


# ---- PostgreSQL --------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools of the server's major version "
            f"(Debian/Ubuntu: apt-get install postgresql-client).")
    return found


def _pg_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    url = make_url(engine.url)
    args = ["--dbname", url.database or "postgres", "--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _current_schema(engine: Engine) -> str:
    with engine.connect() as connection:
        return connection.execute(text("SELECT current_schema()")).scalar_one()


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.returncode}")


def _pg_dump(engine: Engine, path: Path) -> str:
    pg_dump = _tool("pg_dump")
    args, env = _pg_args(engine)
    schema = _current_schema(engine)
    command = [pg_dump, "--format=custom", "--file", str(path), *args]
    if schema != "public":  # the app lives in a schema of its own (search_path): dump only that one
        command += ["--schema", schema]
    _run(command, env)
    return f"Backed up PostgreSQL database {engine.url.database} (schema {schema}) to {path} ({path.stat().st_size} bytes)."


def _pg_restore(engine: Engine, path: Path) -> str:
    pg_restore = _tool("pg_restore")
    args, env = _pg_args(engine)
    _run([pg_restore, "--list", str(path)], env)  # refuses a file that is not a pg_dump archive
    engine.dispose()
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          *args, str(path)], env)
    return f"Restored PostgreSQL database {engine.url.database} from {path}."
