"""One reminder pass, and the APScheduler process that runs it every minute."""

import logging
import os
import socket
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app

from crm.clock import now_utc
from crm.database import insert_for
from crm.extensions import db
from crm.mailin import jobs as mailin
from crm.reminders.models import SchedulerHeartbeat
from crm.reminders.planning import plan
from crm.reminders.sending import send_due

log = logging.getLogger("crm.reminders")
HEARTBEAT = "reminders"


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"


def run_pass(now=None, worker=None):
    """Plan what is due at ``now``, send what is pending, and record the heartbeat."""
    now = now or now_utc()
    enqueued = plan(now)
    db.session.commit()
    counts = send_due(now, worker or worker_name())
    beat = {"last_pass_at": now, "enqueued": enqueued, "sent": counts["sent"]}
    beat["failed"] = counts["failed"]
    # An upsert: two schedulers finishing a pass at once must not both try to insert the row.
    db.session.execute(
        insert_for(db.session, SchedulerHeartbeat.__table__)
        .values(name=HEARTBEAT, **beat)
        .on_conflict_do_update(index_elements=["name"], set_=beat)
    )
    db.session.commit()
    return enqueued, counts


def health(now=None):
    """The last pass and whether it is stale: older than twice the interval (SCH-8), or ahead
    of ``now`` by more than the interval — a `reminders run --now` into the future would
    otherwise make a dead scheduler look alive until that instant."""
    now = now or now_utc()
    beat = db.session.get(SchedulerHeartbeat, HEARTBEAT)
    interval = timedelta(seconds=current_app.config["REMINDER_TICK_SECONDS"])
    age = now - beat.last_pass_at if beat is not None else None
    stale = age is None or age > 2 * interval or -age > interval
    return {"last_pass_at": beat.last_pass_at if beat else None, "stale": stale, "beat": beat}


def tick(app):
    with app.app_context():
        try:
            enqueued, counts = run_pass()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
    if enqueued or any(counts.values()):
        log.info("reminder pass: %s enqueued, %s", enqueued, counts)


def expire_requests(app, now=None):
    """Expire the B2B requests past their deadline; the outbox tells the requesters."""
    from crm.public_events.services import expire_requests as expire

    with app.app_context():
        try:
            count = expire(now or now_utc())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
    if count:
        log.info("%s B2B meeting requests expired", count)
    return count


def on_event(event):
    if event.exception:
        log.error("reminder pass failed: %r", event.exception, exc_info=event.exception)
    else:
        log.warning("reminder pass %s missed its time", event.job_id)


def build_scheduler(app, background=False):
    """The scheduler: in UTC, its jobs defined in code, no persistent job store (SCH-1, SCH-7)."""
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone=UTC)
    from crm.api.webhooks import tick as webhooks_tick  # the integration API's outbox

    tick_seconds = app.config["REMINDER_TICK_SECONDS"]
    now = {"next_run_time": datetime.now(UTC)}  # a first pass at start, then every tick
    jobs = [
        (tick, "reminders-pass", tick_seconds, now),
        (webhooks_tick, "webhooks-pass", tick_seconds, now),
        # Unanswered B2B meeting requests expire at their event's deadline (crm.public_events).
        (expire_requests, "b2b-requests-expire", tick_seconds, {}),
    ]
    if mailbox := mailin.schedule(app):  # the mailbox pass, when a mailbox is configured
        jobs.append((*mailbox, now))
    for job, job_id, seconds, first in jobs:
        scheduler.add_job(
            job,
            "interval",
            args=[app],
            seconds=seconds,
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            **first,
        )
    scheduler.add_listener(on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler
