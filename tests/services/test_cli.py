"""`flask --app portal …` commands."""

from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.passwords import verify_password


def test_users_create_staff_reads_password_from_stdin(app, db):
    result = app.test_cli_runner().invoke(args=["users", "create", "Officer@Example.com", "--role", "staff"],
                                          input="a strong staff password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "officer@example.com"))
    assert user.role == "staff" and verify_password(user.password_hash, "a strong staff password")
    assert "a strong staff password" not in result.output


def test_users_create_refuses_a_weak_password(app, db):
    result = app.test_cli_runner().invoke(args=["users", "create", "x@example.com", "--role", "staff"], input="short\n")
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_seed_demo_if_empty_and_synthetic(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty", "--postings", "50"])
    assert first.exit_code == 0, first.output
    assert "demo-staff-password" in first.output and "Generated 50 synthetic postings." in first.output
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in second.output


def test_translate_check_passes(app):
    result = app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output
