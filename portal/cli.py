"""`flask --app portal …` commands."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.db import writing
from portal.security import DATABASE_DOWN_ERRORS, cannot_write, driver_message


users_cli = AppGroup("users", help="Manage accounts.")
reference_cli = AppGroup("reference", help="Reference data (prefectures, fields, minimum wages).")
translate_cli = AppGroup("translate", help="Translation catalogs: extract, update, compile, check.")
sources_cli = AppGroup("sources", help="External job sources to import from.")


@sources_cli.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--kind", type=click.Choice(["jsonld", "indeed-xml", "feed", "json", "csv"]), required=True)
@click.option("--trusted", is_flag=True, help="Publish without review (red-flagged postings are still held).")
@click.option("--mapping", "mapping_file", type=click.File("r", encoding="utf-8"),
              help="JSON file mapping fields to dotted paths (kind json).")
@click.option("--every", "every_hours", type=click.FloatRange(min=0.1), default=24.0, show_default=True,
              help="Hours between imports.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=2, show_default=True,
              help="Parallel requests to the source's site.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between requests to the source's site.")
def sources_add(name, url, kind, trusted, mapping_file, every_hours, concurrency, delay):
    """Add a source."""
    import json

    from portal.feeds.services import SourceError, add_source

    mapping = None
    if mapping_file is not None:
        try:
            mapping = json.load(mapping_file)
        except json.JSONDecodeError as error:
            raise click.ClickException(f"The mapping file is not valid JSON: {error}") from error
    try:
        source = add_source(name, url, kind, trusted=trusted, mapping=mapping, every_hours=every_hours,
                            max_concurrency=concurrency, delay_seconds=delay)
    except SourceError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Added source {source.name} ({source.kind}{', trusted' if source.trusted else ''}).")


@sources_cli.command("list")
def sources_list():
    """Every source with its health."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.feeds.models import ImportSource

    sources = db.session.scalars(select(ImportSource).order_by(ImportSource.name)).all()
    if not sources:
        click.echo("No sources.")
    for source in sources:
        state = "enabled" if source.enabled else "disabled"
        health = f"{source.consecutive_failures} failures, last error: {source.last_error}" \
            if source.consecutive_failures else "ok"
        click.echo(f"{source.name}\t{source.kind}\t{state}\t{'trusted' if source.trusted else 'reviewed'}\t"
                   f"next {source.next_run_at:%Y-%m-%d %H:%M}\t{health}\t{source.url}"
                   if source.next_run_at else f"{source.name}\t{source.kind}\t{state}\t{health}\t{source.url}")


def _set_enabled(name: str, enabled: bool) -> None:
    from portal.feeds.services import SourceError, set_enabled

    try:
        set_enabled(name, enabled)
    except SourceError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"{'Enabled' if enabled else 'Disabled'} {name}.")


@sources_cli.command("disable")
@click.argument("name")
def sources_disable(name):
    """Stop importing a source (its postings stay)."""
    _set_enabled(name, False)


@sources_cli.command("enable")
@click.argument("name")
def sources_enable(name):
    """Import a source again, starting at the next run."""
    _set_enabled(name, True)


def _database_problem(error) -> str:
    """One line for the operator: what the database said, without SQL or values."""
    detail = driver_message(error)
    if cannot_write(error):
        return f"the database cannot be written (disk full or read-only): {detail}"
    return f"the database is unavailable: {detail}"


@click.command("import")
@click.option("--source", "source_name", help="Import this source now, due or not.")
@click.option("--file", "upload", type=click.File("rb"), help="The file for a csv source.")
def import_command(source_name, upload):
    """Import all due sources (or one). Safe to run from cron on several hosts at once."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.feeds.http import fetcher_from_config
    from portal.feeds.models import ImportSource
    from portal.feeds.services import due_sources, run_source

    fetcher = fetcher_from_config(current_app.config)
    if source_name:
        source = db.session.scalar(select(ImportSource).where(ImportSource.name == source_name))
        if source is None:
            raise click.ClickException(f"No source named {source_name}.")
        sources = [source]
    else:
        sources = due_sources()
    content = upload.read() if upload else None
    failed = 0
    summaries = []
    with click.progressbar(sources, label="Importing", file=sys.stderr if sys.stderr.isatty() else None,
                           item_show_func=lambda s: s.name if s else "") as bar:
        for source in bar:
            name = source.name
            try:
                run = run_source(source.id, fetcher, upload=content)
            except DATABASE_DOWN_ERRORS as error:
                # Full disk, read-only file, server gone: what is stored so far stays, this source changed nothing.
                for line in summaries:
                    click.echo(line)
                raise click.ClickException(f"{name}: not imported: {_database_problem(error)}") from error
            if run is None:
                summaries.append(f"{name}: skipped, another process is importing it")
                continue
            failed += run.status == "failed"
            summaries.append(
                f"{name}: {run.status} in {run.duration_ms / 1000:.1f}s — fetched {run.fetched}, new {run.new}, "
                f"updated {run.updated}, unchanged {run.unchanged}, closed {run.closed}, skipped {run.skipped}, "
                f"errors {run.errors}" + (f" ({run.error})" if run.error else ""))
    for line in summaries:
        click.echo(line)
    if not sources:
        click.echo("No source is due.")
    if failed:
        raise SystemExit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["staff", "recruiter", "seeker"]), required=True)
@click.option("--name", "display_name", default=None, help="Display name.")
def create_user(email: str, role: str, display_name: str | None) -> None:
    """Create an account. The password is read from standard input, or asked for on a terminal."""
    from portal.accounts.services import AccountError, create_user as create

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create(email, password, role, display_name=display_name, confirmed=True)  # made by an operator
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {user.role} account {user.email}.")


@reference_cli.command("load")
def load_reference() -> None:
    """Load or refresh the shipped reference data."""
    from portal.taxonomy.services import load_reference_data

    counts = load_reference_data()
    from portal.guidance.services import load_default_parameters, load_shipped_guides  # issue 8

    counts.update({"new guides": load_shipped_guides(), "new pay parameters": load_default_parameters()})
    click.echo(", ".join(f"{count} {name}" for name, count in counts.items()))


@click.command("seed-demo")
@click.option("--postings", "synthetic", type=click.IntRange(min=0), default=0,
              help="Also generate this many synthetic published postings (for benchmarks).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
def seed_demo(synthetic: int, if_empty: bool) -> None:
    """Load the demo world: accounts, organisations and bilingual postings. Demo use only."""
    from portal.jobs import demo

    if if_empty and not demo.database_is_empty():
        click.echo("The database already has data; demo data not loaded.")
        return
    accounts = demo.seed_world()
    if accounts:
        click.echo("Demo accounts (for local demonstration only; never use these on a public site):")
        for account in accounts:
            click.echo(f"  {account.role:<10} {account.email:<40} password: {account.password}")
    if synthetic:
        with click.progressbar(length=synthetic, label="Synthetic postings",
                               file=sys.stderr if sys.stderr.isatty() else None) as bar:
            demo.seed_synthetic(synthetic, progress=bar.update)
        click.echo(f"Generated {synthetic} synthetic postings.")


@translate_cli.command("extract")
def translate_extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    from portal import translations

    translations.extract()


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into every language's catalog."""
    from portal import translations

    translations.extract()
    translations.update()


@translate_cli.command("compile")
def translate_compile() -> None:
    from portal import translations

    translations.compile_catalogs()


@translate_cli.command("check")
def translate_check() -> None:
    """Fail when messages.pot is stale or a catalog has an empty or fuzzy entry."""
    from portal import translations

    problems = translations.check(current_app.config["LANGUAGES"])
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Catalogs are complete and up to date.")


alerts_cli = AppGroup("alerts", help="E-mail digests of new jobs for saved searches.")


@alerts_cli.command("send")
def alerts_send():
    """Send each seeker one digest of new matching jobs (at most daily; never a job twice). For cron."""
    from portal.jobs.alerts import send_digests

    counts = send_digests()
    click.echo(f"{counts['sent']} digests sent with {counts['postings']} jobs ({counts['seekers']} seekers checked).")


postings_cli = AppGroup("postings", help="Recruiters' postings.")


@postings_cli.command("expire")
def postings_expire():
    """Expire published and closed postings whose closing date has passed (one audit row each). For cron."""
    from portal.moderation.services import expire_due

    click.echo(f"{expire_due()} postings expired.")


@postings_cli.command("reindex")
def postings_reindex():
    """Recompute every posting's search tokens (after the names of fields, prefectures or occupations
    change; synonyms need no reindex, they widen queries). Running
    web processes see the new tokens at their next full snapshot reload (within 10 minutes)."""
    from portal.extensions import db
    from portal.jobs.indexing import reindex

    with writing():
        changed = reindex()
        db.session.commit()
    click.echo(f"{changed} postings reindexed.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path):
    """Back up the database to PATH while the site runs (SQLite: online backup; PostgreSQL: pg_dump -Fc)."""
    from portal.backup import BackupError, backup
    from portal.extensions import db

    try:
        click.echo(backup(db.engine, path))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace the database with the backup at PATH. Stop the web workers and cron jobs first."""
    from portal.backup import BackupError, restore
    from portal.extensions import db

    if not yes:
        click.confirm(f"This replaces everything in {db.engine.url.render_as_string(hide_password=True)} "
                      f"with {path}. Are the web workers and cron jobs stopped?", abort=True)
    try:
        click.echo(restore(db.engine, path))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


def _writes(command: click.Command) -> click.Command:
    """Run a command's transactions with BEGIN IMMEDIATE (see portal.db)."""
    callback = command.callback

    def wrapped(*args, **kwargs):
        with writing():
            return callback(*args, **kwargs)

    command.callback = wrapped
    return command


def init_app(app) -> None:
    for command in (create_user, load_reference, seed_demo, sources_add, sources_disable, sources_enable, alerts_send,
                    postings_expire):
        _writes(command)
    app.cli.add_command(users_cli)
    app.cli.add_command(reference_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(sources_cli)
    app.cli.add_command(import_command)
    app.cli.add_command(alerts_cli)
    app.cli.add_command(postings_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
