import click
from flask.cli import AppGroup

from crm.mailin.polling import MailboxError, poll

mailin_cli = AppGroup("mailin", help="The mailbox people BCC or forward their email to.")


@mailin_cli.command("run")
def run_once():
    """Read the mailbox once (for cron, or by hand)."""
    try:
        counts = poll()
    except MailboxError as error:
        raise click.ClickException(str(error)) from error
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.outcomes.items())) or "nothing"
    click.echo(f"{counts.seen} messages: {summary}")
