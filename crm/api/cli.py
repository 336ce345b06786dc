import click
from flask.cli import AppGroup

from crm.accounts.cli import existing_user
from crm.api import tokens
from crm.api.models import Scope
from crm.extensions import db

token_cli = AppGroup("token", help="Personal access tokens of the integration API.")


@token_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'BI dashboard'.")
@click.option("--scope", type=click.Choice([s.value for s in Scope]), required=True)
@click.option("--expires-days", type=click.IntRange(1, 3650), help="Expire after N days.")
def create(email, name, scope, expires_days):
    """Create a token for the account EMAIL and print it: it is shown only this once."""
    user = existing_user(email)
    if not user.active:
        raise click.ClickException(f"The account {email} is deactivated.")
    _, secret = tokens.issue(user, name[:100], scope, expires_days=expires_days, actor=None)
    db.session.commit()
    click.echo(secret)


webhooks_cli = AppGroup("webhooks", help="Webhook deliveries of the integration API.")


@webhooks_cli.command("run")
@click.option("--now", "instant", help="Deliver as at this ISO instant (e.g. after downtime).")
def run(instant):
    """One delivery pass now, as the scheduler makes every minute."""
    from datetime import datetime

    from crm.api.webhooks import deliver_due

    now = datetime.fromisoformat(instant) if instant else None
    if now is not None and now.tzinfo is None:
        raise click.BadParameter("give the offset, e.g. +09:00", param_hint="--now")
    counts = deliver_due(now)
    click.echo(", ".join(f"{count} {name}" for name, count in counts.items()))
