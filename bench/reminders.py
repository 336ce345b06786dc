"""Time one reminder pass that plans the digests of 1,000 users over the large data set.

Everything happens in one transaction that is rolled back: the data set stays as it was.
"""

import re
from datetime import UTC, datetime
from time import perf_counter

from sqlalchemy import func, insert, select, update

from bench.measure import QueryCounter
from crm.accounts.models import User
from crm.actions.models import Action
from crm.extensions import db
from crm.organizations.models import Organization
from crm.reminders.models import Kind, OutboxMessage
from crm.reminders.planning import plan

ZONES = ("Europe/Madrid", "Asia/Tokyo", "UTC")
INSTANT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday: morning passed everywhere
PASS_LIMIT_S = 5
INSERTS = re.compile(r"\s*INSERT", re.IGNORECASE)


def spread_over(users):
    """Add users up to ``users`` and share the actions and organizations out among them."""
    have = db.session.scalar(select(func.count()).select_from(User))
    db.session.execute(
        insert(User),
        [
            {
                "email": f"reminder{n}@zubia.example",
                "name": f"Reminder {n}",
                "role": "point_of_contact",
                "password_hash": "-",
                "session_token": f"bench-reminder-{n}",
                "timezone": ZONES[n % len(ZONES)],
            }
            for n in range(have, users)
        ],
    )
    ids = db.session.scalars(select(User.id).order_by(User.id).limit(users)).all()
    low, count = min(ids), len(ids)
    for model in (Action, Organization):
        db.session.execute(update(model).values(owner_id=low + model.id % count))
    db.session.execute(update(User).values(digest_minute=0, digest_days="1,2,3,4,5,6,7"))
    db.session.flush()


def time_pass(app, users):
    """(seconds, reads, insert batches, digests) of one planning pass for ``users`` users."""
    with app.app_context():
        try:
            spread_over(users)
            reads = QueryCounter(db.engine, skip=INSERTS)
            writes = QueryCounter(db.engine, only=INSERTS)
            started = perf_counter()
            plan(INSTANT)
            seconds = perf_counter() - started
            digests = db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == Kind.DIGEST)
            )
            return seconds, reads.count, writes.count, digests
        finally:
            db.session.rollback()


def report(app, small_app, users=1000, small_users=100):
    seconds, reads, batches, digests = time_pass(app, users)
    _, small_reads, small_batches, _ = time_pass(small_app, small_users)
    verdict = "PASS" if seconds < PASS_LIMIT_S and reads == small_reads else "FAIL"
    return (
        f"reminder pass: {digests:,} digests planned for {users:,} users in {seconds:.2f} s "
        f"with {reads} reading queries ({small_reads} for {small_users} users on the small data "
        f"set) and {batches} multi-row INSERTs of up to 1,000 outbox rows ({small_batches} on "
        f"the small set) — < {PASS_LIMIT_S} s and reads independent of users: **{verdict}**"
    ), verdict == "PASS"
