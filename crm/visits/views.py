from itertools import groupby
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.actions.models import Action, Status
from crm.authorization import can_edit, require_edit
from crm.contacts.models import Contact
from crm.deleting import trash_and_redirect
from crm.editing import edit_record
from crm.extensions import db
from crm.listing import choice_arg, int_arg, paginate, query_args
from crm.records import live_or_404
from crm.timezones import local_today
from crm.visits import services
from crm.visits.forms import StopForm, VisitForm
from crm.visits.models import Direction, Visit, VisitStop

bp = Blueprint("visits", __name__, url_prefix="/visits")

LEAD_ACTIONS_SHOWN = 20
PEOPLE = (selectinload(Visit.users), selectinload(Visit.contacts))
ITINERARY = selectinload(Visit.stops).options(
    selectinload(VisitStop.host), selectinload(VisitStop.meeting)
)


def get_live(visit_id, *options):
    return live_or_404(Visit, visit_id, *options)


def get_stop(stop_id):
    """A stop of a live visit, with what editing it and logging it need (SEC-5)."""
    stop = db.session.scalar(
        select(VisitStop)
        .join(Visit, Visit.id == VisitStop.visit_id)
        .where(VisitStop.id == stop_id, Visit.deleted_at.is_(None))
        .options(selectinload(VisitStop.visit).options(*PEOPLE), selectinload(VisitStop.host))
    )
    if stop is None:
        abort(404)
    return stop


@bp.route("/")
def index():
    """Upcoming visits (not over yet, soonest first) or past ones (latest first)."""
    past = request.args.get("when") == "past"
    direction = choice_arg("direction", Direction)
    today = local_today(current_user.timezone)
    statement = select(Visit).where(Visit.deleted_at.is_(None))
    if past:
        statement = statement.where(Visit.end_date < today).order_by(
            Visit.start_date.desc(), Visit.id.desc()
        )
    else:
        statement = statement.where(Visit.end_date >= today).order_by(Visit.start_date, Visit.id)
    if direction:
        statement = statement.where(Visit.direction == direction)
    page = paginate(
        statement.options(
            selectinload(Visit.lead_organization),
            selectinload(Visit.users),
            selectinload(Visit.stops),
        )
    )
    return render_template(
        "visits/index.html",
        page=page,
        past=past,
        direction=direction,
        directions=list(Direction),
        query_args=query_args,
    )


@bp.route("/<id:visit_id>")
def detail(visit_id):
    visit = get_live(
        visit_id,
        ITINERARY,
        selectinload(Visit.lead_organization),
        selectinload(Visit.owner),
        selectinload(Visit.users),
        selectinload(Visit.contacts).selectinload(Contact.organization),
    )
    zone = ZoneInfo(visit.zone)
    days = [
        (day, list(stops))
        for day, stops in groupby(visit.stops, key=lambda s: s.starts_at.astimezone(zone).date())
    ]
    meeting_ids = [s.meeting_id for s in visit.stops if s.meeting_id]
    follow_up = (
        db.session.scalars(
            select(Action)
            .where(Action.meeting_id.in_(meeting_ids), Action.deleted_at.is_(None))
            .order_by(Action.due_date, Action.id)
            .options(*Action.listed())
        ).all()
        if meeting_ids
        else []
    )
    lead_actions = (
        db.session.scalars(
            select(Action)
            .where(
                Action.organization_id == visit.lead_organization_id,
                Action.status == Status.OPEN,
                Action.deleted_at.is_(None),
                Action.id.not_in([a.id for a in follow_up]),
            )
            .order_by(Action.due_date, Action.id)
            .limit(LEAD_ACTIONS_SHOWN)
            .options(*Action.listed())
        ).all()
        if visit.lead_organization_id
        else []
    )
    return render_template(
        "visits/detail.html",
        visit=visit,
        days=days,
        follow_up=follow_up,
        lead_actions=lead_actions,
        can_edit=can_edit(current_user, visit),
        today=local_today(current_user.timezone),
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    preset = int_arg("organization_id", None, 1, 2**31 - 1)
    form = VisitForm(data={"lead_organization_id": preset, "user_ids": [current_user.id]})
    if form.validate_on_submit():
        visit = services.create_visit(form.values(), actor=current_user)
        db.session.commit()
        flash(_("Visit planned. Add the stops of its itinerary."), "success")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    return render_template("visits/form.html", form=form, visit=None)


def visit_form(visit, **kwargs):
    zone = ZoneInfo(visit.zone)
    return VisitForm(
        obj=visit,
        data={
            "user_ids": [u.id for u in visit.users],
            "contact_ids": [c.id for c in visit.contacts],
        },
        host_ids={s.host_organization_id for s in visit.stops}
        | {c.organization_id for c in visit.contacts},
        stop_days={s.starts_at.astimezone(zone).date() for s in visit.stops},
        **kwargs,
    )


def load_for_edit(visit_id):
    return get_live(visit_id, *PEOPLE, selectinload(Visit.stops))


@bp.route("/<id:visit_id>/edit", methods=["GET", "POST"])
def edit(visit_id):
    visit = load_for_edit(visit_id)
    require_edit(visit)
    return edit_record(
        visit,
        build_form=visit_form,
        save=lambda visit, form: services.update_visit(visit, form.values(), actor=current_user),
        template="visits/form.html",
        saved=lambda visit: _("Visit saved."),
        reload=load_for_edit,
        context=lambda visit: {"visit": visit},
    )


@bp.route("/<id:visit_id>/delete", methods=["POST"])
def delete(visit_id):
    visit = get_live(visit_id, *PEOPLE)  # its stops and meetings stay as they are
    return trash_and_redirect(
        visit, _("The visit was moved to the trash."), url_for("visits.index")
    )


def stop_form(visit, **kwargs):
    return StopForm(zone=visit.zone, first_day=visit.start_date, last_day=visit.end_date, **kwargs)


@bp.route("/<id:visit_id>/stops/new", methods=["GET", "POST"])
def add_stop(visit_id):
    visit = get_live(visit_id, *PEOPLE)
    require_edit(visit)
    form = stop_form(visit, data={"date": visit.start_date})
    if form.validate_on_submit():
        stop = services.add_stop(visit, form.values(), actor=current_user)
        db.session.commit()
        flash(_("Stop added to the itinerary."), "success")
        return redirect(url_for("visits.detail", visit_id=visit.id, _anchor=f"stop-{stop.id}"))
    return render_template("visits/stop_form.html", form=form, visit=visit, stop=None)


def stop_edit_form(stop, **kwargs):
    local = stop.starts_at.astimezone(ZoneInfo(stop.visit.zone))
    data = {"date": local.date(), "time": local.time().replace(tzinfo=None)}
    return stop_form(stop.visit, obj=stop, data={**data, "occurrence": str(local.fold)}, **kwargs)


def stop_url(stop):
    return url_for("visits.detail", visit_id=stop.visit_id, _anchor=f"stop-{stop.id}")


@bp.route("/stops/<id:stop_id>/edit", methods=["GET", "POST"])
def edit_stop(stop_id):
    stop = get_stop(stop_id)
    require_edit(stop.visit)
    return edit_record(
        stop,
        build_form=stop_edit_form,
        save=lambda stop, form: services.update_stop(stop, form.values(), actor=current_user),
        template="visits/stop_form.html",
        done=stop_url,
        saved=lambda stop: _("Stop saved."),
        reload=get_stop,
        context=lambda stop: {"visit": stop.visit, "stop": stop},
    )


@bp.route("/stops/<id:stop_id>/delete", methods=["POST"])
def delete_stop(stop_id):
    stop = get_stop(stop_id)
    visit = stop.visit
    require_edit(visit)
    services.delete_stop(stop, actor=current_user)
    db.session.commit()
    flash(_("Stop removed from the itinerary."), "info")
    return redirect(url_for("visits.detail", visit_id=visit.id))


@bp.route("/stops/<id:stop_id>/meeting", methods=["POST"])
def log_stop(stop_id):
    """One click: the stop becomes a logged meeting, linked from the itinerary."""
    stop = get_stop(stop_id)
    visit_id = stop.visit_id  # still readable after a rollback expires the objects
    require_edit(stop.visit)
    try:
        services.log_stop_as_meeting(stop, actor=current_user)
    except services.AlreadyLogged:
        db.session.rollback()
        flash(_("This stop was logged as a meeting already."), "warning")
    except services.HostGone:
        db.session.rollback()
        flash(_("The host of this stop is in the trash: restore it first."), "danger")
    else:
        db.session.commit()
        flash(_("Meeting logged."), "success")
    return redirect(url_for("visits.detail", visit_id=visit_id, _anchor=f"stop-{stop_id}"))
