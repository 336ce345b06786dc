import click
from flask import current_app
from flask.cli import AppGroup

from crm.mailin.polling import MailboxError, poll

mailin_cli = AppGroup("mailin", help="The mailbox people BCC or forward their email to.")


@mailin_cli.command("run")
def run_once():
    """Read the mailbox once (for cron, or by hand)."""
    if not current_app.config.get("MAILIN_IMAP_HOST"):
        raise click.ClickException("MAILIN_IMAP_HOST is not set: there is no mailbox to read.")
    try:
        counts = poll()
    except MailboxError as error:
        raise click.ClickException(str(error)) from error
    if counts.busy:
        click.echo("Another pass is reading the mailbox; nothing done.")
        return
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.outcomes.items())) or "nothing"
    click.echo(f"{counts.seen} messages: {summary}")
