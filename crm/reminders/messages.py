"""Turning an outbox row into an email, in the recipient's language and time zone.

Rows hold ids, not text: each message is rendered when it is sent, from the records as they
are then, so a reminder never reports an action that was closed or a record in the trash.
``None`` means the reminder no longer applies (MAIL-9).
"""

from datetime import date, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.clock import now_utc
from crm.extensions import db
from crm.matching.models import STUCK_DAYS, Match, Stage
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.reminders.headers import add_headers
from crm.reminders.models import Kind
from crm.urls import external_url


def _live(model, ids, *options):
    if not ids:
        return []
    found = db.session.scalars(
        select(model).where(model.id.in_(ids), model.deleted_at.is_(None)).options(*options)
    ).all()
    order = {record_id: n for n, record_id in enumerate(ids)}
    return sorted(found, key=lambda item: order[item.id])


def digest_context(row, user, now):
    day = date.fromisoformat(row.payload["date"])
    actions = [
        a
        for a in _live(Action, row.payload.get("actions", []), selectinload(Action.organization))
        if a.status is Status.OPEN and a.owner_id == user.id
    ]
    quiet = [o for o in _live(Organization, row.payload.get("quiet", [])) if o.is_quiet(now)]
    context = {
        "day": day,
        "overdue": [a for a in actions if a.due_date < day],
        "today": [a for a in actions if a.due_date == day],
        "upcoming": [a for a in actions if a.due_date > day],
        "meetings": _live(Meeting, row.payload.get("meetings", [])),
        "quiet": quiet,
    }
    if not any(context[k] for k in ("overdue", "today", "upcoming", "meetings", "quiet")):
        return None
    return _(
        "Your Zubia day: %(date)s", date=format_date(day, "full", locale=user.language)
    ), context


def assignment_context(row, user, now):
    action = db.session.get(Action, row.payload["action"])
    if action is None or action.is_deleted or not action.is_open or action.owner_id != user.id:
        return None
    giver = db.session.get(User, row.payload["by"]) if row.payload.get("by") else None
    organization = (
        db.session.get(Organization, action.organization_id) if action.organization_id else None
    )
    subject = _("New action for you: %(title)s", title=action.title)
    return subject, {"action": action, "giver": giver, "organization": organization}


def nudge_context(row, user, now):
    org = db.session.get(Organization, row.payload["organization"])
    since = row.payload["since"]
    current = org.last_contact_at.isoformat() if org and org.last_contact_at else "never"
    if (
        org is None
        or org.is_deleted
        or org.owner_id != user.id
        or current != since
        or not org.is_quiet(now)
    ):
        return None
    return _("%(name)s has gone quiet", name=org.display_name), {"org": org}


def summary_context(row, user, now):
    today = now.astimezone(ZoneInfo(user.timezone)).date()
    overdue = db.session.execute(
        select(User.name, func.count(Action.id))
        .join(Action, Action.owner_id == User.id)
        .where(Action.status == Status.OPEN, Action.deleted_at.is_(None), Action.due_date < today)
        .group_by(User.name)
        .order_by(func.count(Action.id).desc())
    ).all()
    quiet = db.session.scalars(
        select(Organization)
        .where(Organization.deleted_at.is_(None), Organization.contact_due_at < now)
        .order_by(Organization.contact_due_at)
        .limit(20)
        .options(selectinload(Organization.owner))
    ).all()
    stuck = db.session.scalars(
        select(Match)
        .where(
            Match.deleted_at.is_(None),
            Match.stage.not_in([Stage.CLOSED, Stage.SUCCESS_STORY]),
            Match.stage_since < now - timedelta(days=STUCK_DAYS),
        )
        .order_by(Match.stage_since)
        .limit(20)
        .options(selectinload(Match.basque), selectinload(Match.mie))
    ).all()
    if not overdue and not quiet and not stuck:
        return None
    return _("Follow-up pipeline for the week %(week)s", week=row.payload["week"]), {
        "overdue_by_owner": overdue,
        "quiet": quiet,
        "stuck": stuck,
        "now": now,
    }


def upcoming(model, row, user, now):
    """The visit or event of a reminder, if it is still ahead and live, else None."""
    item = db.session.get(model, row.payload["record"])
    today = now.astimezone(ZoneInfo(user.timezone)).date()
    if item is None or item.is_deleted or item.start_date < today:
        return None
    return item


def visit_context(row, user, now):
    from crm.visits.models import Visit, visit_users

    visit = upcoming(Visit, row, user, now)
    still_in = visit is not None and db.session.scalar(
        select(func.count())
        .select_from(visit_users)
        .where(visit_users.c.visit_id == visit.id, visit_users.c.user_id == user.id)
    )
    if not still_in:
        return None
    subject = _(
        "Visit on %(date)s: %(title)s",
        date=format_date(visit.start_date, "medium", locale=user.language),
        title=visit.title,
    )
    return subject, {"visit": visit}


def event_context(row, user, now):
    from crm.events.models import Event

    event = upcoming(Event, row, user, now)
    if event is None:
        return None
    subject = _(
        "B2B event on %(date)s: %(name)s",
        date=format_date(event.start_date, "medium", locale=user.language),
        name=event.name,
    )
    return subject, {"event": event}


def sign_in_alert_context(row, user, now):
    """A burst of wrong passwords throttled the account (crm/accounts/throttle.py)."""
    from datetime import datetime

    context = {**row.payload, "at": datetime.fromisoformat(row.payload["at"])}
    return _("Someone tried to sign in to your Zubia account"), context


CONTEXTS = {
    Kind.DIGEST: digest_context,
    Kind.ASSIGNMENT: assignment_context,
    Kind.NUDGE: nudge_context,
    Kind.MANAGER_SUMMARY: summary_context,
    Kind.VISIT: visit_context,
    Kind.EVENT: event_context,
    Kind.SIGN_IN_ALERT: sign_in_alert_context,
}


def build(row, now=None):
    """The email for ``row``, or None when it no longer applies to its recipient."""
    now = now or now_utc()
    user = db.session.get(User, row.recipient_id)
    if user is None or not user.active:
        return None
    with force_locale(user.language):
        made = CONTEXTS[row.kind](row, user, now)
        if made is None:
            return None
        subject, context = made
        zone = ZoneInfo(user.timezone)
        helpers = {
            "user": user,
            "url": external_url,
            "fdate": lambda d: format_date(d, "medium", locale=user.language),
            "fdatetime": lambda dt: format_datetime(
                dt, "medium", tzinfo=zone, locale=user.language
            ),
            "preferences_url": external_url("reminders.preferences"),
        }
        text = render_template(f"emails/{row.kind.value}.txt", **context, **helpers)
        html = render_template(f"emails/{row.kind.value}.html", **context, **helpers)
    message = EmailMessage()
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return add_headers(message, row, user, subject=subject, now=now)
