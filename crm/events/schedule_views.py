"""The schedule: running the scheduler, one B2B meeting, moves, outcomes and the printouts."""

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from crm.authorization import can_edit, require_edit
from crm.events import services
from crm.events.blueprint import bp, get_event, get_meeting, get_participant, section_url
from crm.events.forms import MoveForm, OutcomeForm
from crm.events.wording import refusal, slot_choices, slot_label
from crm.extensions import db


@bp.route("/<id:event_id>/schedule", methods=["POST"])
def schedule(event_id):
    event = get_event(event_id)
    require_edit(event)
    try:
        plan = services.schedule(event, actor=current_user)
        db.session.commit()
    except IntegrityError:  # someone changed the grid at the same instant
        db.session.rollback()
        flash(_("The schedule changed meanwhile; run the scheduler again."), "warning")
        return redirect(section_url(event.id, "schedule"))
    flash(_("%(count)s meetings placed.", count=len(plan.placed)), "success")
    if plan.unplaced:
        flash(
            _(
                "%(count)s accepted requests did not fit: add tables or slots, or move meetings"
                " by hand, then run the scheduler again.",
                count=len(plan.unplaced),
            ),
            "warning",
        )
    return redirect(section_url(event.id, "schedule"))


def forms_for(meeting):
    event = meeting.event
    move = MoveForm(
        prefix="move",
        slots=slot_choices(services.event_slots(event), event.timezone),
        tables=event.tables,
        data={"slot": meeting.slot_start.isoformat(), "table": meeting.table_number},
    )
    outcome = OutcomeForm(prefix="outcome", obj=meeting)
    return move, outcome


def meeting_page(meeting, move, outcome, status=200):
    request_ = meeting.request
    return render_template(
        "events/meeting.html",
        meeting=meeting,
        event=meeting.event,
        parties=(request_.requester, request_.requested),
        move_form=move,
        outcome_form=outcome,
        can_edit=can_edit(current_user, meeting.event),
        ends_at=meeting.slot_start + timedelta(minutes=meeting.event.slot_minutes),
    ), status


@bp.route("/b2b/<id:b2b_id>")
def meeting(b2b_id):
    meeting = get_meeting(b2b_id)
    return meeting_page(meeting, *forms_for(meeting))


@bp.route("/b2b/<id:b2b_id>/move", methods=["POST"])
def move_meeting(b2b_id):
    meeting = get_meeting(b2b_id)
    require_edit(meeting.event)
    move, outcome = forms_for(meeting)
    if not move.validate_on_submit():
        return meeting_page(meeting, move, outcome)
    # Read before a rollback expires them.
    names = {p.id: str(p) for p in (meeting.request.requester, meeting.request.requested)}
    zone = meeting.event.timezone
    try:
        services.move_meeting(meeting, move.slot_start(), move.table.data, actor=current_user)
        db.session.commit()
    except services.Refused as error:
        db.session.rollback()
        flash(refusal(error, zone=zone, names=names), "danger")
    except IntegrityError:  # the table was taken by someone else at the same instant
        db.session.rollback()
        flash(_("That table was just taken. Nothing was changed."), "danger")
    else:
        when = slot_label(meeting.slot_start, meeting.event.timezone)
        flash(_("Moved to %(when)s, table %(table)s.", when=when, table=meeting.table_number))
    return redirect(url_for("events.meeting", b2b_id=b2b_id))


@bp.route("/b2b/<id:b2b_id>/outcome", methods=["POST"])
def record_outcome(b2b_id):
    meeting = get_meeting(b2b_id)
    require_edit(meeting.event)
    move, outcome = forms_for(meeting)
    if not outcome.validate_on_submit():
        return meeting_page(meeting, move, outcome)
    services.record_outcome(meeting, outcome.values(), actor=current_user)
    db.session.commit()
    flash(_("Attendance and outcome saved."), "success")
    return redirect(url_for("events.meeting", b2b_id=b2b_id))


@bp.route("/b2b/<id:b2b_id>/match", methods=["POST"])
def open_match(b2b_id):
    """Open (or join) the match of the meeting's two organizations, one from each side."""
    meeting = get_meeting(b2b_id)
    require_edit(meeting.event)
    organizations = [
        meeting.request.requester.organization_id,
        meeting.request.requested.organization_id,
    ]
    try:
        match, created = services.open_match(meeting, organizations, actor=current_user)
        db.session.commit()
    except services.Refused as error:
        db.session.rollback()
        flash(refusal(error), "danger")
        return redirect(url_for("events.meeting", b2b_id=b2b_id))
    if created:
        flash(_("Match opened from this meeting."), "success")
    else:
        flash(_("These two organizations already had a match: the meeting is now linked to it."))
    return redirect(url_for("matching.detail", match_id=match.id))


@bp.route("/participants/<id:participant_id>/schedule")
def print_schedule(participant_id):
    """One participant's meetings in time order, with table and counterpart, to print."""
    participant = get_participant(participant_id)
    rows = services.participant_meetings(participant)
    return render_template(
        "events/print.html",
        participant=participant,
        event=participant.event,
        rows=rows,
        length=timedelta(minutes=participant.event.slot_minutes),
    )
