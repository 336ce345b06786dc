import click
from flask import current_app

from crm.reminders.jobs import build_scheduler


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def dev(host, port):
    """The development server with the reminder scheduler in the same process (`make run`)."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app, background=True)
    scheduler.start()
    try:
        app.run(host=host, port=port, use_reloader=False)
    finally:
        scheduler.shutdown(wait=False)
