"""After the event: each participant says how each of their meetings went."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crm.clock import now_utc
from crm.events.models import B2BMeeting
from crm.events.services import Refused
from crm.extensions import db, limiter
from crm.public_events import services
from crm.public_events.blueprint import bp
from crm.public_events.forms import FollowUpForm


def _form_limit():
    from flask import current_app

    return current_app.config["PUBLIC_FORM_LIMIT"]


@bp.route("/<event_slug>/me/follow-up", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def follow_up(event_slug):
    from crm.public_events.views import participant_or_403, refusal

    event, registrant, participant = participant_or_403(event_slug)
    agenda = services.agenda(participant)
    # One form per meeting, each with its own prefix so that every label is unique.
    chosen = request.form.get("meeting", "") if request.method == "POST" else ""
    if request.method == "POST" and not chosen.isdigit():
        flash(_("Choose a meeting to answer about."), "danger")
        return redirect(url_for("public_events.follow_up", event_slug=event.slug))
    form = FollowUpForm(prefix=f"m{chosen}") if chosen else None
    if form is not None and form.validate_on_submit():
        meeting = db.session.get(B2BMeeting, int(chosen))
        if meeting is None or meeting.id not in {m.id for m, _other in agenda}:
            abort(404)
        try:
            services.answer_follow_up(meeting, participant, form.data, now_utc())
            db.session.commit()
        except Refused as error:
            db.session.rollback()
            flash(refusal(error), "danger")
        else:
            flash(_("Thank you: your answer is saved."), "success")
        return redirect(url_for("public_events.follow_up", event_slug=event.slug))
    answered = services.follow_ups_of(participant.id)
    return render_template(
        "public_events/follow_up.html",
        event=event,
        registrant=registrant,
        agenda=agenda,
        answered=answered,
        forms={
            m.id: form if chosen == str(m.id) else FollowUpForm(prefix=f"m{m.id}", formdata=None)
            for m, _o in agenda
        },
    )
