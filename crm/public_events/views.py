"""The public side of a B2B event (/e/<slug>): the page, registration, mailed links and what an
approved participant does there. The organizer's pages for it live in ``manage_views``.

Who is who: a Zubia user signs in as ever; a company representative holds, in the session,
the registration their last mailed link opened (``session["b2b"]``: event id -> registrant id).
Participant routes (``PARTICIPANT`` in the matrix) answer 403 to anyone else.
"""

from datetime import timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse
from sqlalchemy import select

from crm.clock import now_utc
from crm.events import services as events
from crm.events.models import Event, MeetingRequest, Participant, RequestStatus
from crm.events.services import Refused
from crm.events.wording import refusal as event_refusal
from crm.events.wording import slot_label
from crm.extensions import db, limiter
from crm.organizations.models import Organization

# manage_views and follow_up_views add their routes to bp; mail registers its builder.
from crm.public_events import follow_up_views, links, mail, manage_views, services  # noqa: F401
from crm.public_events.blueprint import bp
from crm.public_events.forms import (
    AnswerForm,
    AvailabilityForm,
    ContinueForm,
    LinkRequestForm,
    RegistrationForm,
    RequestForm,
)
from crm.public_events.models import Decision, LinkPurpose, Registrant
from crm.public_events.sessions import forget, remember, session_registrant_id


def _form_limit():
    return current_app.config["PUBLIC_FORM_LIMIT"]


def _address_limit():
    return parse(current_app.config["PUBLIC_LINK_LIMIT_PER_ADDRESS"])


def refusal(error):
    messages = {
        "registration_closed": lambda: _("Registration for this event is closed."),
        "requests_closed": lambda: _("Meeting requests for this event are closed."),
        "request_cap": lambda: _(
            "You have sent as many requests as the event allows (%(cap)s).",
            cap=error.details.get("cap"),
        ),
        "not_yours": lambda: _("This request was not sent to you."),
    }
    if error.reason in messages:
        return messages[error.reason]()
    return event_refusal(error)


def get_public_event(event_slug):
    event = db.session.scalar(
        select(Event).where(Event.slug == event_slug, Event.deleted_at.is_(None))
    )
    if event is None:
        abort(404)
    return event


def viewer(event):
    """The registrant this browser holds for ``event`` (a mailed link opened it), or None."""
    registrant_id = session_registrant_id(event.id)
    if registrant_id is None:
        return None
    registrant = db.session.get(Registrant, registrant_id)
    if registrant is None or registrant.event_id != event.id:
        return None
    return registrant


def participant_or_403(event_slug, approved=True):
    """The event and the signed-in registrant (approved, with its participant, unless
    ``approved`` is False); 403 for anyone else."""
    event = get_public_event(event_slug)
    registrant = viewer(event)
    if registrant is None or registrant.status is Decision.DECLINED:
        abort(403)
    if approved and not registrant.approved:
        abort(403)
    participant = (
        db.session.get(Participant, registrant.participant_id) if registrant.approved else None
    )
    return event, registrant, participant


def may_see_directory(event):
    if current_user.is_authenticated:
        return True
    registrant = viewer(event)
    return registrant is not None and registrant.approved


@bp.route("/<event_slug>")
def event_page(event_slug):
    event = get_public_event(event_slug)
    if not event.registration_open and not current_user.is_authenticated:
        abort(404)  # not published yet
    listed = services.directory(event.id) if may_see_directory(event) else None
    return render_template(
        "public_events/event.html",
        event=event,
        listed=listed,
        people=services.people_of([p.id for p in listed or []]),
        registrant=viewer(event),
        is_open=services.is_open(event, now_utc()),
        locale=str(get_locale()),
    )


@bp.route("/<event_slug>/register", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def register(event_slug):
    event = get_public_event(event_slug)
    now = now_utc()
    if not services.is_open(event, now):
        return render_template("public_events/closed.html", event=event), 410
    locale = str(get_locale())
    form = RegistrationForm(locale=locale, data={"language": locale, "timezone": event.timezone})
    if form.validate_on_submit():
        try:
            services.register(event, form.values(), now)
            db.session.commit()
        except Refused as error:
            db.session.rollback()
            flash(refusal(error), "danger")
        else:
            return sent_page(event)
    return render_template("public_events/register.html", event=event, form=form)


def sent_page(event):
    """One answer whether the address was new, known or unknown: no enumeration."""
    flash(
        _(
            "If this address can use %(name)s, a link is on its way to it. The link works once"
            " and for a limited time.",
            name=event.name,
        ),
        "info",
    )
    return redirect(url_for("public_events.event_page", event_slug=event.slug))


@bp.route("/<event_slug>/link", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def request_link(event_slug):
    event = get_public_event(event_slug)
    form = LinkRequestForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        key = (current_app.config["RATELIMIT_KEY_PREFIX"], "b2b-link", str(event.id), email)
        if limiter.limiter.hit(_address_limit(), *key):
            services.request_link(event, email, now_utc())
            db.session.commit()
        return sent_page(event)
    return render_template("public_events/link.html", event=event, form=form)


@bp.route("/link/<link_token>", methods=["GET", "POST"])
@limiter.limit(_form_limit)
def follow_link(link_token):
    now = now_utc()
    link = links.find(link_token, now)
    if link is None:
        return render_template("public_events/link_spent.html"), 410
    form = ContinueForm()
    if request.method == "POST" and form.validate_on_submit():
        registrant = services.follow(link, now)
        if registrant is None:
            db.session.rollback()
            return render_template("public_events/link_spent.html"), 410
        event = link.registrant.event
        db.session.commit()
        remember(event.id, registrant.id)
        session["language"] = registrant.language
        where = "follow_up" if link.purpose is LinkPurpose.FOLLOW_UP else "home"
        return redirect(url_for(f"public_events.{where}", event_slug=event.slug))
    return render_template(
        "public_events/continue.html", form=form, event=link.registrant.event, link=link
    )


@bp.route("/<event_slug>/me")
def home(event_slug):
    event, registrant, participant = participant_or_403(event_slug, approved=False)
    context = {"event": event, "registrant": registrant, "participant": participant}
    if participant is not None:
        listed = services.directory(event.id)
        requests = services.requests_of(participant)
        names = {p.id: p.organization.display_name for p in listed}
        agenda = services.agenda(participant)
        slots = events.event_slots(event)
        availability = AvailabilityForm(data={"unavailable": list(registrant.unavailable or [])})
        availability.unavailable.choices = [
            (s.isoformat(), slot_label(s, event.timezone)) for s in slots
        ]
        asked = {r.requested_id for r in requests if r.requester_id == participant.id}
        asked |= {r.requester_id for r in requests if r.requested_id == participant.id}
        context.update(
            listed=listed,
            people=services.people_of([p.id for p in listed]),
            suggestions=services.suggestions(participant, listed),
            requests=requests,
            names=names,
            asked=asked,
            agenda=agenda,
            length=timedelta(minutes=event.slot_minutes),
            request_form=RequestForm(),
            answer_form=AnswerForm(),
            availability=availability,
            statuses=RequestStatus,
        )
    return render_template("public_events/home.html", **context)


@bp.route("/<event_slug>/me/requests", methods=["POST"])
@limiter.limit(_form_limit)
def send_request(event_slug):
    event, _registrant, participant = participant_or_403(event_slug)
    form = RequestForm()
    if form.validate_on_submit():
        requested = db.session.get(Participant, int(form.requested_id.data))
        if requested is None or requested.event_id != event.id:
            abort(404)
        try:
            services.send_request(event, participant, requested, form.message.data, now_utc())
            db.session.commit()
        except Refused as error:
            db.session.rollback()
            flash(refusal(error), "danger")
        else:
            flash(_("Request sent."), "success")
    else:
        flash(_("The request could not be sent: keep the message under 500 characters."), "danger")
    return redirect(url_for("public_events.home", event_slug=event.slug, _anchor="requests"))


@bp.route("/<event_slug>/me/answer", methods=["POST"])
@limiter.limit(_form_limit)
def answer_request(event_slug):
    event, _registrant, participant = participant_or_403(event_slug)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Choose a request to answer."), "danger")
        return redirect(url_for("public_events.home", event_slug=event.slug, _anchor="requests"))
    meeting_request = db.session.get(MeetingRequest, int(form.request_id.data))
    if meeting_request is None or meeting_request.requested_id != participant.id:
        abort(404)  # another participant's request is not even there
    accept = form.decision.data == "accept"
    try:
        services.answer_request(meeting_request, participant, accept, now_utc())
        db.session.commit()
    except Refused as error:
        db.session.rollback()
        flash(refusal(error), "danger")
    else:
        flash(_("Request accepted.") if accept else _("Request declined."), "success")
    return redirect(url_for("public_events.home", event_slug=event.slug, _anchor="requests"))


@bp.route("/<event_slug>/me/availability", methods=["POST"])
@limiter.limit(_form_limit)
def availability(event_slug):
    event, registrant, _participant = participant_or_403(event_slug)
    form = AvailabilityForm()
    form.unavailable.choices = [(s.isoformat(), s.isoformat()) for s in events.event_slots(event)]
    if form.validate_on_submit():
        services.set_unavailable(registrant, form.unavailable.data or [], event)
        db.session.commit()
        flash(_("Your availability is saved."), "success")
    else:
        flash(_("Choose among the event's slots."), "danger")
    return redirect(url_for("public_events.home", event_slug=event.slug, _anchor="availability"))


@bp.route("/<event_slug>/me/agenda.ics")
def agenda_file(event_slug):
    from crm.calendar import ical

    event, registrant, participant = participant_or_403(event_slug)
    calendar = ical.new_calendar(event.name, registrant.timezone)
    me = db.session.get(Organization, participant.organization_id)
    for meeting, other in services.agenda(participant):
        calendar.add_component(ical.b2b_event(meeting, event, me, other.organization))
    body = ical.finish(calendar, event.start_date, event.end_date)
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{event.slug}-agenda.ics"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/<event_slug>/me/sign-out", methods=["POST"])
def sign_out(event_slug):
    event = get_public_event(event_slug)
    forget(event.id)
    return redirect(url_for("public_events.event_page", event_slug=event.slug))
