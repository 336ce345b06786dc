from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.audit.services import diff, record
from crm.clock import now_utc
from crm.extensions import csrf, db
from crm.reminders import unsubscribe as unsubscribing
from crm.reminders.forms import PreferencesForm
from crm.reminders.jobs import health
from crm.reminders.models import Delivery, OutboxMessage

bp = Blueprint("reminders", __name__)
SHOWN = 100


@bp.route("/account/reminders", methods=["GET", "POST"])
def preferences():
    form = PreferencesForm(
        obj=current_user,
        data={
            "digest_days": sorted(current_user.digest_weekdays),
            "emailed_kinds": [
                kind.value
                for kind in unsubscribing.OPTIONAL
                if unsubscribing.wants(current_user, kind)
            ],
        },
    )
    if form.validate_on_submit():
        changes = diff(current_user, form.values(), list(form.values()))
        if changes:
            record("update", "user", current_user.id, actor=current_user, changes=changes)
        db.session.commit()
        flash(_("Your reminder settings are saved."), "success")
        return redirect(url_for("reminders.preferences"))
    return render_template("reminders/preferences.html", form=form)


# RFC 8058: the mail client POSTs here without a session or a CSRF token; the signed link is
# the credential, and it can only turn one kind of reminder off for one person.
@bp.route("/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(unsubscribe_token):
    found = unsubscribing.read(unsubscribe_token)
    if found is None:
        abort(400)
    user, kind = found
    if request.method == "POST":
        if unsubscribing.wants(user, kind):
            unsubscribing.turn_off(user, kind)
            record("unsubscribe", "user", user.id, actor=user, changes={"kind": [None, kind.value]})
            db.session.commit()
        return render_template("reminders/unsubscribed.html", kind=kind)
    return render_template("reminders/unsubscribe.html", kind=kind)


@bp.route("/account/emails")
def sent():
    """The emails Zubia sent me (or could not): not those it decided against in the end."""
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.recipient_id == current_user.id,
            OutboxMessage.status.in_([Delivery.SENT, Delivery.FAILED]),
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(SHOWN)
    ).all()
    return render_template("reminders/sent.html", rows=rows)


@bp.route("/admin/delivery")
def delivery():
    """Admins: the scheduler's health and every message that failed or waits."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status.in_([Delivery.FAILED, Delivery.PENDING, Delivery.SENDING]))
        .order_by(OutboxMessage.status, OutboxMessage.next_attempt_at)
        .limit(SHOWN)
        .options(selectinload(OutboxMessage.recipient))
    ).all()
    return render_template(
        "reminders/delivery.html",
        counts=counts,
        rows=rows,
        health=health(),
        now=now_utc(),
        statuses=list(Delivery),
    )


@bp.route("/admin/delivery/<id:message_id>/retry", methods=["POST"])
def retry(message_id):
    row = db.get_or_404(OutboxMessage, message_id)
    if row.status in (Delivery.FAILED, Delivery.PENDING, Delivery.CANCELLED):
        row.status, row.attempts, row.next_attempt_at = Delivery.PENDING, 0, now_utc()
        record("retry", "outbox", row.id, actor=current_user)
        db.session.commit()
        flash(_("The message will be sent on the next pass."), "success")
    return redirect(url_for("reminders.delivery"))
