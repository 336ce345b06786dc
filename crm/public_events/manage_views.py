"""The organizer's pages for the public side: settings, registrations, scheduling, check-in."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.audit.services import diff, record
from crm.authorization import require_edit
from crm.clock import now_utc
from crm.events import services as events
from crm.events.blueprint import event_participants, get_event, get_meeting
from crm.events.models import Attendance, B2BMeeting, Registration
from crm.events.services import Refused
from crm.events.wording import refusal
from crm.extensions import db
from crm.organizations.models import Organization
from crm.public_events import services
from crm.public_events.blueprint import bp
from crm.public_events.forms import SettingsForm
from crm.public_events.models import Registrant


def _local(instant, zone):
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if instant else None


def _utc(naive, zone):
    return naive.replace(tzinfo=ZoneInfo(zone)) if naive else None


@bp.route("/manage/<id:event_id>", methods=["GET", "POST"])
def manage(event_id):
    event = get_event(event_id)
    require_edit(event)
    zone = event.timezone
    form = SettingsForm(
        data={
            "slug": event.slug,
            "registration_open": event.registration_open,
            "registration_deadline": _local(event.registration_deadline, zone),
            "request_deadline": _local(event.request_deadline, zone),
            "request_cap": event.request_cap,
        }
    )
    if form.validate_on_submit():
        values = {
            "slug": form.slug.data,
            "registration_open": form.registration_open.data,
            "registration_deadline": _utc(form.registration_deadline.data, zone),
            "request_deadline": _utc(form.request_deadline.data, zone),
            "request_cap": form.request_cap.data,
        }
        changes = diff(event, values, list(values))
        try:
            if changes:
                db.session.flush()
                record("update", event, actor=current_user, changes=_plain(changes))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.slug.errors.append(_("Another event has this address."))
        else:
            flash(_("Public page settings saved."), "success")
            return redirect(url_for("public_events.manage", event_id=event.id))
    registrants = services.registrations(event.id)
    return render_template(
        "public_events/manage.html",
        event=event,
        form=form,
        registrants=registrants,
        candidates={
            r.id: services.candidates(r) for r in registrants if r.status.value == "pending"
        },
    )


def _plain(changes):
    return {
        name: [v.isoformat() if isinstance(v, datetime) else v for v in values]
        for name, values in changes.items()
    }


@bp.route("/manage/registrations/<id:registration_id>", methods=["POST"])
def decide_registration(registration_id):
    """Approve into an organization the organizer confirmed ("organization" = its id), into a
    new one ("new"), or decline."""
    registrant = db.session.get(Registrant, registration_id)
    if registrant is None:
        abort(404)
    event = get_event(registrant.event_id)
    require_edit(event)
    decision, chosen = request.form.get("decision"), request.form.get("organization", "new")
    now = now_utc()
    try:
        if decision == "approve":
            organization = None
            if chosen != "new":
                if not chosen.isdigit():
                    abort(400)
                organization = db.session.get(Organization, int(chosen))
                if organization is None or organization.is_deleted:
                    abort(400)
            services.approve(registrant, organization, actor=current_user, now=now)
        elif decision == "decline":
            services.decline(registrant, actor=current_user, now=now)
        else:
            flash(_("Approve or decline."), "danger")
            return redirect(url_for("public_events.manage", event_id=event.id))
        db.session.commit()
    except Refused as error:
        db.session.rollback()
        flash(refusal(error), "danger")
    else:
        flash(
            _("Registration approved.") if decision == "approve" else _("Registration declined."),
            "success",
        )
    return redirect(url_for("public_events.manage", event_id=event.id, _anchor="registrations"))


@bp.route("/manage/<id:event_id>/check-in", methods=["GET", "POST"])
def check_in(event_id):
    """On the day, on a phone: who has arrived, and which meetings were held."""
    event = get_event(event_id)
    require_edit(event)
    participants = event_participants(event.id)
    if request.method == "POST":
        wanted = request.form.get("participant", "")
        found = next((p for p in participants if str(p.id) == wanted), None)
        if found is None:
            flash(_("Choose a participant of this event."), "danger")
            return redirect(url_for("public_events.check_in", event_id=event.id))
        arrived = request.form.get("present") != "0"
        status = Registration.ATTENDED if arrived else Registration.REGISTERED
        name = found.organization.display_name  # not reloaded after the commit
        events.update_participant(found, {"status": status}, actor=current_user)
        db.session.commit()
        flash(_("%(name)s: %(status)s.", name=name, status=status.label), "success")
        return redirect(url_for("public_events.check_in", event_id=event.id))
    meetings = db.session.scalars(
        select(B2BMeeting)
        .where(B2BMeeting.event_id == event.id)
        .order_by(B2BMeeting.slot_start, B2BMeeting.table_number)
        .options(selectinload(B2BMeeting.request))
    ).all()
    names = {p.id: p.organization.display_name for p in participants}
    return render_template(
        "public_events/check_in.html",
        event=event,
        participants=participants,
        meetings=[(m, m.request) for m in meetings],
        names=names,
        attended=Registration.ATTENDED,
    )


@bp.route("/manage/b2b/<id:b2b_id>/attendance", methods=["POST"])
def attendance(b2b_id):
    meeting = get_meeting(b2b_id)
    require_edit(meeting.event)
    value = request.form.get("attendance")
    if value not in (Attendance.HELD.value, Attendance.NO_SHOW.value):
        flash(_("Held or no-show?"), "danger")
        return redirect(url_for("public_events.check_in", event_id=meeting.event_id))
    events.record_outcome(
        meeting, {"attendance": Attendance(value), "outcome": meeting.outcome}, actor=current_user
    )
    db.session.commit()
    return redirect(
        url_for("public_events.check_in", event_id=meeting.event_id, _anchor="meetings")
    )


@bp.route("/manage/<id:event_id>/follow-up", methods=["POST"])
def ask_follow_up(event_id):
    """After the event: mail every approved participant a link to say how each meeting went."""
    event = get_event(event_id)
    require_edit(event)
    count = services.ask_follow_up(event, now_utc())
    db.session.commit()
    flash(_("%(count)s participants asked how their meetings went.", count=count), "success")
    return redirect(url_for("public_events.manage", event_id=event.id))
