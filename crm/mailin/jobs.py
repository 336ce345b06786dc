"""The scheduler's mailbox pass: every MAILIN_TICK_SECONDS (a minute), when a mailbox is set."""

import logging

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


def schedule(app):
    """The pass as the scheduler runs it (crm.reminders.jobs.build_scheduler): ``(job, id,
    seconds)``, or None while no mailbox is configured."""
    if not app.config.get("MAILIN_IMAP_HOST"):
        return None
    return tick, JOB_ID, app.config["MAILIN_TICK_SECONDS"]
