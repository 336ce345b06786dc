"""Event pages: the list, the event itself and its form.

Participants and requests are in participant_views, the schedule in schedule_views; importing
them here registers their routes on the one blueprint.
"""

from collections import defaultdict
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.authorization import can_edit, require_edit
from crm.deleting import trash_and_redirect
from crm.editing import Refused, edit_record
from crm.events import participant_views, schedule_views, services
from crm.events.blueprint import SECTIONS, bp, event_participants, get_event
from crm.events.forms import EventForm, StatusForm
from crm.events.models import B2BMeeting, Event, MeetingRequest, Participant, RequestStatus
from crm.events.wording import refusal
from crm.extensions import db
from crm.listing import paginate
from crm.organizations.forms import organization_label
from crm.timezones import local_today

__all__ = ["bp", "participant_views", "schedule_views"]


@bp.route("/")
def index():
    past = request.args.get("when") == "past"
    today = local_today(current_user.timezone)
    statement = select(Event).where(Event.deleted_at.is_(None))
    if past:
        statement = statement.where(Event.end_date < today).order_by(Event.start_date.desc())
    else:
        statement = statement.where(Event.end_date >= today).order_by(Event.start_date)
    page = paginate(statement.order_by(Event.id).options(selectinload(Event.organizer)))
    ids = [event.id for event in page.items]
    counts = dict(
        db.session.execute(
            select(Participant.event_id, func.count())
            .where(Participant.event_id.in_(ids))
            .group_by(Participant.event_id)
        ).all()
    )
    return render_template("events/index.html", page=page, past=past, counts=counts)


@bp.route("/<id:event_id>")
def detail(event_id):
    """Participants, requests or the grid of slots × tables (one section at a time, so the page
    stays readable for an event of a hundred companies), in a constant number of queries."""
    event = get_event(event_id)
    section = request.args.get("section")
    if section not in SECTIONS:
        section = SECTIONS[0]
    participants = event_participants(event.id)
    requests = db.session.scalars(
        select(MeetingRequest)
        .where(MeetingRequest.event_id == event.id)
        .order_by(MeetingRequest.created_at, MeetingRequest.id)
    ).all()
    meetings = db.session.scalars(
        select(B2BMeeting)
        .where(B2BMeeting.event_id == event.id)
        .order_by(B2BMeeting.slot_start, B2BMeeting.table_number)
    ).all()
    editable = can_edit(current_user, event)
    placed = {m.request_id: m for m in meetings}
    return render_template(
        "events/detail.html",
        event=event,
        section=section,
        participants=participants,
        by_id={p.id: p for p in participants},
        requests=requests,
        requests_by_id={r.id: r for r in requests},
        placed=placed,
        waiting=[r for r in requests if r.status is RequestStatus.ACCEPTED and r.id not in placed],
        days=grid(services.event_slots(event), meetings, event.timezone),
        can_edit=editable,
        deciders=participant_views.deciders(requests, participants, editable),
        status_form=StatusForm() if editable else None,
    )


def grid(slots, meetings, zone):
    """[(local day, [(slot, {table: meeting})])]: the schedule, day by day."""
    cells = defaultdict(dict)
    for meeting in meetings:
        cells[meeting.slot_start][meeting.table_number] = meeting
    days = defaultdict(list)
    for slot in sorted(set(slots) | set(cells)):
        days[slot.astimezone(ZoneInfo(zone)).date()].append((slot, cells.get(slot, {})))
    return sorted(days.items())


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = EventForm()
    if form.validate_on_submit():
        event = services.create_event(form.values(), actor=current_user)
        db.session.commit()
        flash(_("Event %(name)s created. Now add its participants.", name=event.name), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


def event_form(event, **kwargs):
    organizer = organization_label(event.organizer) if event.organizer else ""
    return EventForm(obj=event, data={"organizer_name": organizer}, **kwargs)


def save_event(event, form):
    try:
        services.update_event(event, form.values(), actor=current_user)
    except services.Refused as error:
        raise Refused(refusal(error)) from error


@bp.route("/<id:event_id>/edit", methods=["GET", "POST"])
def edit(event_id):
    event = get_event(event_id)
    require_edit(event)
    return edit_record(
        event,
        build_form=event_form,
        save=save_event,
        template="events/form.html",
        saved=lambda event: _("Event saved."),
        reload=get_event,
        context=lambda event: {"event": event},
    )


@bp.route("/<id:event_id>/delete", methods=["POST"])
def delete(event_id):
    return trash_and_redirect(
        get_event(event_id), _("The event was moved to the trash."), url_for("events.index")
    )
