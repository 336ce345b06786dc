"""The due buckets of actions (overdue, this week, later, done) and the options of the filter
forms of the pipeline and the action list."""

from datetime import timedelta

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.extensions import db
from crm.organizations.filters import PERIODS
from crm.organizations.models import Region, Sector

BUCKETS = {
    "overdue": _l("Overdue"),
    "week": _l("Due this week"),
    "later": _l("Later"),
    "done": _l("Done in the period"),
}


def due_conditions(today):
    """The open buckets' conditions on the due date: "this week" is today and 7 days on."""
    week_end = today + timedelta(days=7)
    return {
        "overdue": Action.due_date < today,
        "week": Action.due_date.between(today, week_end),
        "later": Action.due_date > week_end,
    }


def bucket_clauses(bucket, today, since):
    """WHERE clauses on actions for one of ``BUCKETS``."""
    if bucket == "done":
        return [Action.status == Status.DONE, Action.completed_at >= since]
    return [Action.status == Status.OPEN, due_conditions(today)[bucket]]


def bucket_arg():
    """``?bucket=`` (or the older ``?overdue=1``) as a key of ``BUCKETS``, or None."""
    bucket = request.args.get("bucket")
    if bucket in BUCKETS:
        return bucket
    return "overdue" if request.args.get("overdue") == "1" else None


def filter_choices():
    """The options of the filter forms, as (value, label) pairs."""
    locale = str(get_locale())
    sectors = db.session.scalars(select(Sector).order_by(Sector.id))
    return {
        "regions": [(region.value, region.label) for region in Region],
        "sectors": [(sector.id, sector.name(locale)) for sector in sectors],
        "people": db.session.execute(select(User.id, User.name).order_by(User.name)).all(),
        "periods": list(PERIODS.items()),
        "buckets": list(BUCKETS.items()),
    }
