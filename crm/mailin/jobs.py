"""The scheduler's mailbox pass: every MAILIN_TICK_SECONDS (a minute), when a mailbox is set."""

import logging
from datetime import UTC, datetime

from crm.extensions import db
from crm.mailin.polling import MailboxError, poll

log = logging.getLogger("crm.mailin")
JOB_ID = "mailin-poll"


def tick(app):
    with app.app_context():
        try:
            counts = poll()
        except MailboxError as error:
            log.warning("mailbox pass: %s", error)  # the next pass tries again
            return
        except Exception:  # the database, most likely: nothing was moved, the next pass retries
            db.session.rollback()
            log.exception("mailbox pass failed")
            return
        finally:
            db.session.remove()
    if counts.seen:
        log.info("mailbox pass: %s messages, %s", counts.seen, counts.outcomes)


def add_job(scheduler, app):
    """Register the pass on ``scheduler`` (crm.reminders.jobs.build_scheduler) if configured."""
    if not app.config.get("MAILIN_IMAP_HOST"):
        return None
    return scheduler.add_job(
        tick,
        "interval",
        args=[app],
        seconds=app.config["MAILIN_TICK_SECONDS"],
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=datetime.now(UTC),
    )
