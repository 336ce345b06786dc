"""Participants of an event and the meeting requests between them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from crm.authorization import can_edit, require_edit
from crm.editing import edit_record, one_click, who_was_first
from crm.events import services
from crm.events.blueprint import (
    bp,
    event_participants,
    get_event,
    get_participant,
    get_request,
    section_url,
)
from crm.events.forms import AddParticipantForm, ParticipantForm, RequestForm, StatusForm
from crm.events.models import Registration, RequestStatus
from crm.events.wording import refusal
from crm.extensions import db


@bp.route("/<id:event_id>/participants", methods=["GET", "POST"])
def add_participant(event_id):
    event = get_event(event_id)
    require_edit(event)
    form = AddParticipantForm(data={"status": Registration.REGISTERED.value})
    if form.validate_on_submit():
        org = form.organization_org
        try:
            services.add_participant(event, org, form.values(), actor=current_user)
            db.session.commit()
        except (services.Refused, IntegrityError):
            db.session.rollback()
            form.organization.errors.append(_("This organization already takes part."))
        else:
            flash(_("%(name)s takes part in the event.", name=org.display_name), "success")
            return redirect(url_for("events.add_participant", event_id=event.id))
    return render_template(
        "events/participant_form.html",
        form=form,
        event=event,
        participants=event_participants(event.id),
    )


def participants_url(participant):
    return section_url(participant.event_id, "participants")


@bp.route("/participants/<id:participant_id>/edit", methods=["GET", "POST"])
def edit_participant(participant_id):
    participant = get_participant(participant_id)
    require_edit(participant.event)
    return edit_record(
        participant,
        build_form=lambda participant, **kwargs: ParticipantForm(obj=participant, **kwargs),
        save=lambda participant, form: services.update_participant(
            participant, form.values(), actor=current_user
        ),
        template="events/participant_form.html",
        done=participants_url,
        saved=lambda participant: _("Participation saved."),
        reload=get_participant,
        context=lambda participant: {"event": participant.event, "participant": participant},
    )


@bp.route("/participants/<id:participant_id>/status", methods=["POST"])
def set_status(participant_id):
    participant = get_participant(participant_id)
    require_edit(participant.event)
    form = StatusForm()
    if form.validate_on_submit():
        status = Registration(form.status.data)
        name = str(participant)  # its organization is not reloaded after the commit
        changed, _changes, participant = one_click(
            participant,
            lambda p: services.update_participant(p, {"status": status}, actor=current_user),
            get_participant,
        )
        if changed:
            message = _("%(name)s: %(status)s.", name=name, status=status.label)
            flash(message, "success")
        else:
            message = _("%(name)s was changed meanwhile.", name=name)
            flash(f"{message} {who_was_first(participant)}", "warning")
    else:
        flash(_("Choose a registration status."), "danger")
    return redirect(section_url(participant.event_id, "participants"))


# Meeting requests


@bp.route("/<id:event_id>/requests/new", methods=["GET", "POST"])
def new_request(event_id):
    """Participants ask each other for meetings: organizers for anyone, others for their own."""
    event = get_event(event_id)
    participants = event_participants(event.id)
    requesters = (
        participants
        if can_edit(current_user, event)
        else [p for p in participants if p.organization.owner_id == current_user.id]
    )
    form = RequestForm(requesters=requesters, participants=participants)
    if form.validate_on_submit():
        by_id = {p.id: p for p in participants}
        try:
            services.request_meeting(
                event,
                by_id[form.requester_id.data],
                by_id[form.requested_id.data],
                actor=current_user,
            )
            db.session.commit()
        except services.Refused as error:
            db.session.rollback()
            form.requested_id.errors.append(refusal(error))
        except IntegrityError:
            db.session.rollback()
            form.requested_id.errors.append(_("This meeting has already been requested."))
        else:
            flash(_("Meeting requested."), "success")
            return redirect(section_url(event.id, "requests"))
    return render_template(
        "events/request_form.html", form=form, event=event, requesters=requesters
    )


@bp.route("/requests/<id:request_id>/decide", methods=["POST"])
def decide_request(request_id):
    """Accept or decline: the requested organization's owner, the organizer or a manager."""
    meeting_request = get_request(request_id)
    require_edit(meeting_request)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    try:
        services.decide_request(meeting_request, decision == "accept", actor=current_user)
        db.session.commit()
    except services.Refused as error:
        db.session.rollback()
        flash(refusal(error), "danger")
    else:
        flash(_("Request accepted.") if decision == "accept" else _("Request declined."), "success")
    return redirect(section_url(meeting_request.event_id, "requests"))


def deciders(requests, participants, editable):
    """The ids of the requests the signed-in user may accept or decline (pending ones)."""
    pending = [r for r in requests if r.status is RequestStatus.PENDING]
    if editable:
        return {r.id for r in pending}
    mine = {p.id for p in participants if p.organization.owner_id == current_user.id}
    return {r.id for r in pending if r.requested_id in mine}
