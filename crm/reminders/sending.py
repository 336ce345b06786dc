"""Sending what the outbox holds, exactly once per row as far as SMTP allows.

A row is claimed with a conditional UPDATE (status pending -> sending, rowcount 1) that is
committed before any SMTP traffic, so two processes never send the same row. If a process dies
after the relay accepted a message and before the row says "sent", the reaper puts the row
back after the lease and it may go out once more, with the same Message-ID: at-least-once,
limited to rows that were in flight (SCH-3, MAIL-4).
"""

import random
import smtplib
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from crm.extensions import db
from crm.reminders import messages, unsubscribe
from crm.reminders.models import Delivery, OutboxMessage

# Minutes to wait after each temporary failure; then every 3 hours, up to about 48 hours.
BACKOFF_MINUTES = [1, 5, 15, 60] + [180] * 15
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def smtp_send(message):
    """Send over SMTP with a bounded time for every step (MAIL-2), raising classified errors."""
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    connect = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with connect(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise classify(min(code for code, _ in error.recipients.values()), error) from error
    except smtplib.SMTPResponseException as error:
        raise classify(error.smtp_code, error) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    if refused:  # some recipients refused: ours is the only one, so this is about it
        code = min(code for code, _ in refused.values())
        raise classify(code, refused)


def classify(code, error):
    kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return kind(f"{code}: {error}")


def reap(now):
    """Rows stuck in "sending" past the lease (their sender died) go back to the queue."""
    lease = timedelta(minutes=current_app.config["OUTBOX_LEASE_MINUTES"])
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == Delivery.SENDING, OutboxMessage.claimed_at < now - lease)
        .values(status=Delivery.PENDING, claimed_by=None, claimed_at=None)
    )
    db.session.commit()


def claim(row_id, worker, now):
    """True when this worker won the row; committed at once so no other sender takes it."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == Delivery.PENDING)
        .values(status=Delivery.SENDING, claimed_by=worker, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def send_due(now, worker, limit=None):
    """Send up to ``limit`` due rows; return counts of what happened to them."""
    limit = limit or current_app.config["MAIL_MAX_PER_PASS"]
    reap(now)
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == Delivery.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    for row_id in ids:
        if claim(row_id, worker, now):
            counts[deliver(db.session.get(OutboxMessage, row_id), now)] += 1
    return counts


def deliver(row, now):
    message = messages.build(row, now) if unsubscribe.still_wanted(row) else None
    outcome = "sent"
    if message is None:
        row.status, outcome = Delivery.CANCELLED, "cancelled"
    else:
        row.subject = str(message["Subject"])[:300]
        row.attempts += 1
        try:
            smtp_send(message)
        except TemporaryFailure as error:
            outcome = retry_later(row, now, error)
        except PermanentFailure as error:
            row.status, row.last_error, outcome = Delivery.FAILED, str(error)[:2000], "failed"
        else:
            row.status, row.sent_at, row.last_error = Delivery.SENT, now, None
    row.claimed_by = row.claimed_at = None
    db.session.commit()
    if outcome == "failed":
        current_app.logger.warning("Reminder %s failed for good: %s", row.id, row.last_error)
    return outcome


def retry_later(row, now, error):
    row.last_error = str(error)[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = Delivery.FAILED
        return "failed"
    wait = BACKOFF_MINUTES[row.attempts - 1] * random.uniform(0.9, 1.1)  # jitter spreads retries
    row.status, row.next_attempt_at = Delivery.PENDING, now + timedelta(minutes=wait)
    return "retry"
