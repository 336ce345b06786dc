"""Turning an outbox row into an email, in the recipient's language and time zone.

Rows hold ids, not text: each message is rendered when it is sent, from the records as they
are then, so a reminder never reports an action that was closed or a record in the trash.
``None`` means the reminder no longer applies (MAIL-9).
"""

from datetime import date, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time, get_timezone_location
from flask import render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.actions.oneclick import ticket_url
from crm.clock import now_utc
from crm.extensions import db
from crm.matching.models import STUCK_DAYS, Match, Stage
from crm.meetings.models import Meeting
from crm.notifications.emails import notification_context
from crm.organizations.models import Organization, Region
from crm.reminders.headers import add_headers
from crm.reminders.models import Kind
from crm.reminders.planning import contact_due, quiet_clauses
from crm.urls import external_url


def _live(model, ids, *options):
    if not ids:
        return []
    found = db.session.scalars(
        select(model).where(model.id.in_(ids), model.deleted_at.is_(None)).options(*options)
    ).all()
    order = {record_id: n for n, record_id in enumerate(ids)}
    return sorted(found, key=lambda item: order[item.id])


def still_quiet(row, user, now):
    """The quiet relationships of the row that are still quiet and the user's, grouped by
    region (quietest first in each), and how many more there are: the list's link shows them."""
    ids = row.payload.get("quiet", [])
    if not ids:
        return {"quiet": [], "quiet_groups": [], "quiet_more": 0}
    mine = (Organization.owner_id == user.id, *quiet_clauses(now))
    listed = select(Organization).where(Organization.id.in_(ids), *mine)
    found = {o.id: o for o in db.session.scalars(listed)}
    quiet = [found[i] for i in ids if i in found]
    total = db.session.scalar(select(func.count(Organization.id)).where(*mine))
    groups = {}
    for org in sorted(quiet, key=lambda o: list(Region).index(o.region)):
        groups.setdefault(org.region, []).append(org)
    return {
        "quiet": quiet,
        "quiet_groups": list(groups.items()),
        "quiet_more": max(total - len(quiet), 0),
        "quiet_url": external_url("organizations.index", quiet=1, owner=user.id),
    }


def digest_context(row, user, now):
    day = date.fromisoformat(row.payload["date"])
    actions = [
        a
        for a in _live(Action, row.payload.get("actions", []), selectinload(Action.organization))
        if a.status is Status.OPEN and a.owner_id == user.id
    ]
    context = {
        "day": day,
        "overdue": [a for a in actions if a.due_date < day],
        "today": [a for a in actions if a.due_date == day],
        "upcoming": [a for a in actions if a.due_date > day],
        "meetings": _live(
            Meeting, row.payload.get("meetings", []), selectinload(Meeting.organizations)
        ),
        "visits": travelling(row.payload.get("visits", []), user),
        "done_url": lambda action: ticket_url(action, "done", now),
        "snooze_url": lambda action: ticket_url(action, "snooze", now),
        **still_quiet(row, user, now),
    }
    lists = ("overdue", "today", "upcoming", "meetings", "visits", "quiet")
    if not any(context[k] for k in lists):
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
    """One email a day with all the quiet relationships of someone who turned the digest off."""
    if "date" not in row.payload or user.digest_enabled:  # a nudge of the old, per-record kind
        return None
    context = still_quiet(row, user, now)
    if not context["quiet"]:
        return None
    count = len(context["quiet"]) + context["quiet_more"]
    return ngettext(
        "%(num)s of your relationships went quiet",
        "%(num)s of your relationships went quiet",
        count,
    ), context


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
        .where(*quiet_clauses(now))
        .order_by(contact_due(), Organization.id)
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


def travelling(ids, user):
    """The live visits of ``ids`` that ``user`` still travels on, with stops and travellers."""
    from crm.visits.models import Visit, VisitStop

    visits = _live(
        Visit,
        ids,
        selectinload(Visit.stops).selectinload(VisitStop.host),
        selectinload(Visit.users),
    )
    return [visit for visit in visits if user.id in {u.id for u in visit.users}]


def upcoming(model, row, user, now):
    """The visit or event of a reminder, if it is still ahead and live, else None."""
    item = db.session.get(model, row.payload["record"])
    today = now.astimezone(ZoneInfo(user.timezone)).date()
    if item is None or item.is_deleted or item.start_date < today:
        return None
    return item


def visit_context(row, user, now):
    from crm.visits.models import Visit

    visit = upcoming(Visit, row, user, now)
    visits = travelling([visit.id], user) if visit is not None else []
    if not visits:
        return None
    subject = _(
        "Visit on %(date)s: %(title)s",
        date=format_date(visit.start_date, "medium", locale=user.language),
        title=visit.title,
    )
    return subject, {"visit": visits[0]}


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


def local_time(instant, zone, language, city=False):
    """ "Thu, Dec 10 5:00 PM": the day and the time without seconds, with the zone's city."""
    text = "{} {}".format(
        format_skeleton("MMMEd", instant, tzinfo=zone, locale=language),
        format_time(instant, "short", tzinfo=zone, locale=language),
    )
    if city:
        text += " " + get_timezone_location(zone, locale=language, return_city=True)
    return text


def counterpart_times(meeting, user):
    """The meeting's time where its organizations are, for each zone other than the reader's."""
    here = meeting.starts_at.astimezone(ZoneInfo(user.timezone)).utcoffset()
    zones = []
    for org in meeting.organizations:
        zone = org.zone
        if (
            zone
            and zone not in zones
            and meeting.starts_at.astimezone(ZoneInfo(zone)).utcoffset() != here
        ):
            zones.append(zone)
    return [local_time(meeting.starts_at, ZoneInfo(z), user.language, city=True) for z in zones]


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
    Kind.NOTIFICATION: notification_context,
    Kind.SIGN_IN_ALERT: sign_in_alert_context,
}


# Kinds whose recipients have no account: kind -> build(row, now), registered by their area.
EXTERNAL = {}


def build(row, now=None):
    """The email for ``row``, or None when it no longer applies to its recipient."""
    now = now or now_utc()
    if row.kind in EXTERNAL:
        return EXTERNAL[row.kind](row, now)
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
            "fdatetime": lambda dt: local_time(dt, zone, user.language),
            "flocal": lambda dt, there: local_time(dt, ZoneInfo(there), user.language, city=True),
            "counterpart": lambda meeting: counterpart_times(meeting, user),
            "preferences_url": external_url("reminders.preferences"),
        }
        text = render_template(f"emails/{row.kind.value}.txt", **context, **helpers)
        html = render_template(f"emails/{row.kind.value}.html", **context, **helpers)
    message = EmailMessage()
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return add_headers(message, row, user, subject=subject, now=now)
