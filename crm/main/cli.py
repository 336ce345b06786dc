import click
from flask import current_app
from werkzeug.serving import run_simple

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
        # Flask refuses app.run() inside a `flask` command; Werkzeug's server is the same one.
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)
