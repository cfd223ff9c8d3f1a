"""`flask --app portal …` commands."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.db import writing


users_cli = AppGroup("users", help="Manage accounts.")
reference_cli = AppGroup("reference", help="Reference data (prefectures, fields, minimum wages).")
translate_cli = AppGroup("translate", help="Translation catalogs: extract, update, compile, check.")


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
        user = create(email, password, role, display_name=display_name)
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {user.role} account {user.email}.")


@reference_cli.command("load")
def load_reference() -> None:
    """Load or refresh the shipped reference data."""
    from portal.taxonomy.services import load_reference_data

    counts = load_reference_data()
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


def _writes(command: click.Command) -> click.Command:
    """Run a command's transactions with BEGIN IMMEDIATE (see portal.db)."""
    callback = command.callback

    def wrapped(*args, **kwargs):
        with writing():
            return callback(*args, **kwargs)

    command.callback = wrapped
    return command


def init_app(app) -> None:
    for command in (create_user, load_reference, seed_demo):
        _writes(command)
    app.cli.add_command(users_cli)
    app.cli.add_command(reference_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(seed_demo)
