"""The follow-up pipeline: what is stuck, and who needs help (managers' Monday question)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.filters import BUCKETS, bucket_arg, filter_choices
from crm.clock import now_utc
from crm.exports import csv_response, export_list
from crm.extensions import db
from crm.matching.models import STUCK_DAYS
from crm.organizations.filters import Filters
from crm.organizations.models import Organization
from crm.pipeline import figures
from crm.pipeline import reassign as moves
from crm.pipeline.forms import ReassignForm
from crm.timezones import local_today

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")
PRINTED_QUIET = 200


def overview(filters, quiet_limit):
    """Everything the pipeline page shows, for the page and for its printout."""
    now, zone = now_utc(), current_user.timezone
    today = local_today(zone)
    loads = figures.workload(filters, today)
    quiet, quiet_total = figures.quiet(filters, now, quiet_limit)
    trends = figures.trends(filters, now, zone)
    return {
        "filters": filters,
        "now": now,
        "loads": loads,
        "totals": figures.totals(loads),
        "stages": figures.stages(filters, now),
        "quiet": quiet,
        "quiet_total": quiet_total,
        "health": figures.health(
            filters, today, now, loads=loads, meetings=trends.meetings_by_owner
        ),
        "trends": trends,
        "days_past": figures.days_past_cadence,
        "stuck_days": STUCK_DAYS,
        **filter_choices(),
    }


@bp.route("/")
def index():
    return render_template(
        "pipeline/index.html", **overview(Filters.from_request(), figures.QUIET_SHOWN)
    )


@bp.route("/print")
def print_view():
    """The same figures on paper: no navigation, no forms, a longer list of quiet ones."""
    return render_template("pipeline/print.html", **overview(Filters.from_request(), PRINTED_QUIET))


@bp.route("/health")
def health():
    """Coordination health: a point of contact sees their own, managers everyone's."""
    filters = Filters.from_request()
    now, today = now_utc(), local_today(current_user.timezone)
    only = None if current_user.is_manager else current_user.id
    return render_template(
        "pipeline/health.html",
        filters=filters,
        rows=figures.health(filters, today, now, only=only),
        **filter_choices(),
    )


HEALTH_COLUMNS = [
    (_l("Person"), lambda h: h.name),
    (_l("Overdue actions"), lambda h: h.overdue),
    (_l("Organizations"), lambda h: h.organizations),
    (_l("Never contacted"), lambda h: h.never_contacted),
    (_l("Median days since last contact"), lambda h: h.median_days_since_contact),
    (_l("Actions completed in the period"), lambda h: h.completed),
    (_l("Meetings in the period"), lambda h: h.meetings),
]


@bp.route("/health.csv")
def health_export():
    filters = Filters.from_request()
    only = None if current_user.is_manager else current_user.id
    rows = figures.health(filters, local_today(current_user.timezone), now_utc(), only=only)
    return table_csv("coordination-health", HEALTH_COLUMNS, rows, filters)


def table_csv(name, columns, rows, filters):
    return csv_response(
        name,
        [header for header, _ in columns],
        ([value(row) for _, value in columns] for row in rows),
        filters=filters.plain(),
    )


def stage_name(row):
    return _("In no match yet") if row.stage == figures.UNMATCHED else row.stage.label


LISTINGS = {
    "workload": [
        (_l("Person"), lambda load: load.name),
        (_l("Overdue"), lambda load: load.counts["overdue"]),
        (_l("Due this week"), lambda load: load.counts["week"]),
        (_l("Later"), lambda load: load.counts["later"]),
        (_l("Done in the period"), lambda load: load.counts["done"]),
    ],
    "stages": [
        (_l("Stage"), stage_name),
        (_l("Matches"), lambda row: row.matches),
        (_l("Median days in the stage"), lambda row: row.median_days),
        (_l("Longest in the stage (days)"), lambda row: row.longest_days),
        (_l("Organizations at this stage"), lambda row: row.organizations),
        (_l("Their median days in the stage"), lambda row: row.org_median_days),
        (_l("Their longest in the stage (days)"), lambda row: row.org_longest_days),
    ],
    "quiet": [
        (_l("Organization"), lambda org: org.display_name),
        (_l("Region"), lambda org: org.region),
        (_l("Owner"), lambda org: org.owner.name if org.owner else None),
        (_l("Last contact"), lambda org: org.last_contact_at),
        (_l("Contact every (days)"), lambda org: org.cadence_days),
        (_l("Days past the cadence"), lambda org: figures.days_past_cadence(org, now_utc())),
    ],
}


@bp.route("/export/<any(workload, stages, quiet):listing>.csv")
def export(listing):
    """One of the page's lists, with the page's filters, as CSV (SEC-10)."""
    filters = Filters.from_request()
    columns = LISTINGS[listing]
    name = f"pipeline-{listing}"
    if listing == "quiet":
        statement = figures.quiet_statement(filters, now_utc())
        statement = statement.options(selectinload(Organization.owner))
        return export_list(name, statement, columns, filters=filters.plain())
    now, today = now_utc(), local_today(current_user.timezone)
    rows = (
        figures.workload(filters, today) if listing == "workload" else figures.stages(filters, now)
    )
    return table_csv(name, columns, rows, filters)


@bp.route("/reassign", methods=["GET", "POST"])
def reassign():
    """Move one person's work to another: choose, see exactly what moves, confirm.

    With a bucket, region or sector in the address (from a filtered action list) only those
    open actions move; otherwise all open actions, organizations and matches under way.
    """
    filters, bucket = Filters.from_request(), bucket_arg()
    if bucket == "done":
        abort(404)  # done actions stay with whoever did them
    posted = request.method == "POST"
    form = ReassignForm() if posted else ReassignForm(request.args, meta={"csrf": False})
    # Arriving with only "from_user" preset (from a list) shows the form, not an error on "To".
    chosen = (posted or "to_user" in request.args) and form.validate()
    moving, status = None, 200
    if chosen:
        today = local_today(current_user.timezone)
        moving = moves.parts(form.from_user.data, filters, bucket, today)
        if posted:
            source, target = (db.session.get(User, form[f].data) for f in ("from_user", "to_user"))
            try:
                moved = moves.move(moving, form.fingerprint.data, source, target, current_user)
            except moves.PreviewOutdated:
                db.session.rollback()
                flash(_("What would move has changed since the preview. Check it again."),
                      "warning")  # fmt: skip
                status = 409
            else:
                db.session.commit()
                flash(moved_message(moved, source, target), "success")
                return redirect(after_move(target, filters, bucket))
        form.fingerprint.data = moves.preview(moving)
    elif posted:
        status = 400
    scope = filters.args(owner=None, bucket=bucket)
    return render_template(
        "pipeline/reassign.html", form=form, moving=moving, scope=scope, buckets=BUCKETS
    ), status


def moved_message(moved, source, target):
    names = {"source": source.name, "target": target.name, "actions": moved["action"]}
    if moved.keys() == {"action"}:  # only the actions of a filtered list
        return _("Moved from %(source)s to %(target)s: %(actions)s open actions.", **names)
    return _(
        "Moved from %(source)s to %(target)s: %(actions)s open actions, "
        "%(organizations)s organizations, %(matches)s matches under way.",
        organizations=moved["organization"],
        matches=moved["match"],
        **names,
    )


def after_move(target, filters, bucket):
    """The new owner's actions, with the list's filters when only a list moved."""
    if bucket or filters.region or filters.sector:
        return url_for("actions.index", **filters.args(owner=target.id, bucket=bucket))
    return url_for("pipeline.index", owner=target.id)
