"""Next actions. They flush; the caller commits."""

import calendar
from datetime import date, timedelta

from crm.actions.fields import FIELDS
from crm.actions.models import Action, RepeatUnit, Status
from crm.audit.services import diff, record
from crm.clock import now_utc
from crm.extensions import db


def create_action(data, *, actor):
    values = FIELDS.new_row(data)
    action = Action(created_by_id=actor.id, status=Status.OPEN)
    changes = diff(action, values, FIELDS.written)
    db.session.add(action)
    db.session.flush()
    # Given to someone else: the history's signal tells them (crm.notifications, "assigned").
    record("create", action, actor=actor, changes=changes)
    return action


def update_action(action, data, *, actor):
    changes = diff(action, data, [f for f in FIELDS.written if f in data])
    if changes:
        db.session.flush()
        record("update", action, actor=actor, changes=changes)
    return changes


def next_due(due: date, every: int, unit: RepeatUnit) -> date:
    """N weeks later, or N months later on the same day (or that month's last day)."""
    if unit is RepeatUnit.WEEKS:
        return due + timedelta(weeks=every)
    month_index = due.month - 1 + every
    year, month = due.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(due.day, calendar.monthrange(year, month)[1]))


def set_status(action, status, *, actor):
    """Mark done, cancelled or open again. Completing a repeating action creates the next one."""
    if action.status is status:
        return None
    old = action.status
    action.status = status
    action.completed_at = now_utc() if status is not Status.OPEN else None
    record("update", action, actor=actor, changes={"status": [old.value, status.value]})
    if status is Status.DONE and action.repeat_every and action.repeat_unit:
        data = {f: getattr(action, f) for f in FIELDS.written}
        data["due_date"] = next_due(action.due_date, action.repeat_every, action.repeat_unit)
        return create_action(data, actor=actor)
    return None
