import secrets
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from crm.accounts import services
from crm.accounts.models import Role, User
from crm.accounts.passwords import password_problem
from crm.extensions import db

user_cli = AppGroup("user", help="Manage Zubia accounts.")


def read_password():
    """The password from standard input when it is piped, otherwise from a hidden prompt."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    return password


def existing_user(email):
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    return user


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--language", default="en", help="A code of LANGUAGES: en, ja, es, eu.")
@click.option("--timezone", help="IANA time zone, e.g. Asia/Tokyo (default: DEFAULT_TIMEZONE).")
def create(email, name, role, language, timezone):
    """Create an account; the password is read from stdin or prompted for."""
    if language not in current_app.config["LANGUAGES"]:
        choices = ", ".join(current_app.config["LANGUAGES"])
        raise click.BadParameter(f"{language!r} is not one of {choices}.", param_hint="--language")
    if services.find_user(email) is not None:
        raise click.ClickException(f"An account with the email {email} already exists.")
    user = services.create_user(
        email=email,
        name=name,
        role=role,
        password=read_password(),
        language=language,
        timezone=timezone,
        actor=None,
    )
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@user_cli.command("list")
def list_users():
    """List every account."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{user.timezone}\t{state}")


@user_cli.command("set-password")
@click.argument("email")
def set_password(email):
    """Set a new password (stdin or prompt); the user's sessions end."""
    user = existing_user(email)
    services.set_password(user, read_password(), actor=None)
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


@user_cli.command("ensure-admin")
@click.option("--email", default="admin@zubia.example", show_default=True)
def ensure_admin(email):
    """Create an admin with a generated password, printed once, if there is no active admin."""
    if services.active_admin_count():
        return
    password = secrets.token_urlsafe(12)
    services.create_user(
        email=email, name="Zubia admin", role=Role.ADMIN, password=password, actor=None
    )
    db.session.commit()
    click.echo(
        "\n  An admin account was created. Sign in at the address below with\n"
        f"    email:    {email}\n    password: {password}\n"
        "  This password is shown only once: change it under 'Account'.\n"
    )
