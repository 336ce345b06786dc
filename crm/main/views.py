from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, render_template
from flask_babel import format_date, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select, text

from crm.actions.models import Action, Status
from crm.authorization import may_reach
from crm.clock import now_utc
from crm.extensions import db
from crm.organizations.models import Organization
from crm.reminders.jobs import health as reminder_health
from crm.reminders.planning import contact_due, quiet_clauses
from crm.timezones import local_clock, local_today, quick_dates

bp = Blueprint("main", __name__)

# The two ends of the bridge, shown side by side so nobody calls Tsu at 3 a.m.
PARTNER_CLOCKS = (("Bilbao", "Europe/Madrid"), ("Tsu", "Asia/Tokyo"))
HOME_ITEMS = 10


@bp.route("/")
def index():
    """Where a point of contact starts the day: what is due and which relationships went quiet."""
    now = now_utc()
    clocks = [
        (city, local_clock(zone, now, current_user.timezone)) for city, zone in PARTNER_CLOCKS
    ]
    today = local_today(current_user.timezone)
    due = db.session.scalars(
        select(Action)
        .where(
            Action.owner_id == current_user.id,
            Action.status == Status.OPEN,
            Action.deleted_at.is_(None),
            Action.due_date <= today,
        )
        .order_by(Action.due_date, Action.id)
        .limit(HOME_ITEMS)
        .options(*Action.listed())
    ).all()
    quiet = db.session.scalars(
        select(Organization)
        .where(Organization.owner_id == current_user.id, *quiet_clauses(now))
        .order_by(contact_due(), Organization.id)
        .limit(HOME_ITEMS)
    ).all()
    return render_template(
        "main/index.html", clocks=clocks, user=current_user, due=due, quiet=quiet, today=today
    )


@bp.route("/health")
def health():
    """For monitoring: 200 while the database answers, with the reminder pass's freshness."""
    try:
        db.session.execute(text("SELECT 1"))
        scheduler = reminder_health()
    except Exception:  # any failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    last = scheduler["last_pass_at"]
    return jsonify(
        status="ok",
        database="ok",
        time=now_utc().isoformat(),
        last_reminder_pass=last.isoformat() if last else None,
        reminders_stale=scheduler["stale"],
    )


NAVIGATION = [
    ("main.index", _l("Home")),
    ("pipeline.index", _l("Pipeline")),
    ("actions.mine", _l("My actions")),
    ("organizations.index", _l("Organizations")),
    ("contacts.index", _l("Contacts")),
    ("meetings.index", _l("Meetings")),
    # Visits, B2B events, matches, agreements, stories and the guide open from here.
    ("dashboard.index", _l("Programme")),
]
# Kept out of the bar, in its "More" menu, so the bar fits every role from 360 px up.
SECONDARY = [
    ("trash.index", _l("Trash")),
    ("duplicates.index", _l("Duplicates")),
    ("admin.users", _l("Accounts")),
    ("reminders.delivery", _l("Delivery")),
    ("mailin.reviews_page", _l("Email participants to review")),
    ("mailin.admin", _l("Mailbox")),
    ("api.webhooks", _l("Webhooks")),
]


def nav_items(items=None):
    """The areas in the navigation that the signed-in user may reach (the MATRIX says)."""
    return [item for item in items or NAVIGATION if may_reach(current_user, item[0])]


@bp.app_context_processor
def inject_navigation():
    return {
        "nav_items": nav_items,
        "more_items": lambda: nav_items(SECONDARY),
        "current_locale": lambda: str(get_locale()),
        "quick_date_choices": lambda: quick_dates(current_user.timezone),
    }


@bp.app_template_filter("time_in")
def time_in(instant, zone):
    """The local time of ``instant`` in ``zone``, in the reader's locale."""
    return format_time(
        instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None), "short", rebase=False
    )


@bp.app_template_filter("date_in")
def date_in(instant, zone):
    return format_date(instant.astimezone(ZoneInfo(zone)).date(), "full")
