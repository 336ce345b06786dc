from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from crm.reminders.jobs import build_scheduler, log, run_pass

scheduler_cli = AppGroup("scheduler", help="The reminder scheduler.")
reminders_cli = AppGroup("reminders", help="Reminder passes.")


@scheduler_cli.command("run")
def run_scheduler():
    """Run the scheduler in the foreground (the production process, next to gunicorn)."""
    scheduler = build_scheduler(current_app._get_current_object())
    log.info("scheduler started")
    click.echo("Zubia reminder scheduler started; Ctrl+C stops it.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@reminders_cli.command("run")
@click.option("--now", "instant", help="Act as if it were this instant (ISO 8601 with offset).")
def run_once(instant):
    """One pass: enqueue what is due at NOW and send what is pending (for cron and tests)."""
    now = None
    if instant:
        now = datetime.fromisoformat(instant)
        if now.tzinfo is None:
            raise click.BadParameter(
                "give an offset, e.g. 2026-11-25T08:00:00+09:00", param_hint="--now"
            )
    enqueued, counts = run_pass(now)
    click.echo(f"enqueued {enqueued}; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
