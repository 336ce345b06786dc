"""Mail in: your sending addresses, the participants to review, a logged email's privacy, and
the admins' page of refused and failed messages."""

from datetime import timedelta, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.authorization import forbid
from crm.contacts.models import Contact
from crm.extensions import db
from crm.mailin import reviews
from crm.mailin.folding import fold
from crm.mailin.forms import AddressForm, ContactFromMailForm, LinkForm, MailinSettingsForm
from crm.mailin.models import (
    LoggedEmail,
    MailboxMessage,
    MailinSettings,
    Outcome,
    ParticipantReview,
    ReviewStatus,
    UserAddress,
)
from crm.mailin.senders import addresses_of
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.records import live_or_404

bp = Blueprint("mailin", __name__)


@bp.app_context_processor
def inject():
    return {
        "logged_email": logged_email,
        "mailin_address": mailin_address,
        "mail_addresses": lambda: addresses_of(current_user),
        "address_form": AddressForm,
        "sender_time": sender_time,
    }


def sender_time(instant, offset_minutes):
    """``instant`` on the writer's clock: "7 Dec 2026, 10:02 (UTC+01:00)"."""
    zone = timezone(timedelta(minutes=offset_minutes))
    local = instant.astimezone(zone)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    shown = format_datetime(local.replace(tzinfo=None), "medium", rebase=False)
    return f"{shown} (UTC{sign}{hours:02d}:{minutes:02d})"


def mailin_address():
    return current_app.config.get("MAILIN_ADDRESS", "")


def logged_email(meeting):
    """What the meeting page shows of the email it was logged from, or None."""
    email = db.session.get(LoggedEmail, meeting.id)
    if email is None:
        return None
    may_read = not email.private or current_user.is_manager or current_user.id == meeting.owner_id
    text, folded = fold(email.body) if email.body and may_read else ("", "")
    thread_root = email.thread_root_id or meeting.id
    thread = db.session.scalars(
        select(Meeting)
        .join(LoggedEmail, LoggedEmail.meeting_id == Meeting.id)
        .where(
            (LoggedEmail.thread_root_id == thread_root) | (Meeting.id == thread_root),
            Meeting.deleted_at.is_(None),
        )
        .order_by(Meeting.starts_at)
    ).all()
    return {
        "email": email,
        "may_read": may_read,
        "text": text,
        "folded": folded,
        "thread": thread if len(thread) > 1 else [],
        "can_mark": current_user.id == meeting.owner_id or current_user.is_manager,
    }


# Your addresses -----------------------------------------------------------------------------


@bp.route("/account/addresses", methods=["POST"])
def add_address():
    form = AddressForm()
    if form.validate_on_submit():
        address = form.email.data.lower()
        taken = (
            db.session.scalar(
                select(func.count()).select_from(UserAddress).where(UserAddress.email == address)
            )
            or address == current_user.email.lower()
        )
        if taken:
            message = _("%(address)s is already someone's address in Zubia.", address=address)
            flash(message, "danger")
        else:
            db.session.add(UserAddress(user_id=current_user.id, email=address))
            db.session.commit()
            flash(_("Mail you send from %(address)s is now yours.", address=address), "success")
    else:
        for error in form.email.errors:
            flash(error, "danger")
    return redirect(url_for("accounts.profile", _anchor="mail-in"))


@bp.route("/account/addresses/<id:address_id>/remove", methods=["POST"])
def remove_address(address_id):
    address = db.get_or_404(UserAddress, address_id)
    if address.user_id != current_user.id:
        forbid(f"address {address.id} is not user {current_user.id}'s")
    db.session.delete(address)
    db.session.commit()
    flash(_("%(address)s is removed.", address=address.email), "success")
    return redirect(url_for("accounts.profile", _anchor="mail-in"))


# Participants to review ---------------------------------------------------------------------


@bp.route("/mail/review")
def reviews_page():
    return render_template("mailin/reviews.html", reviews=reviews.open_reviews(current_user))


def _review(review_id):
    review = db.session.scalar(
        select(ParticipantReview)
        .where(ParticipantReview.id == review_id)
        .options(selectinload(ParticipantReview.meeting))
    )
    if review is None or review.meeting.is_deleted:
        abort(404)
    if review.user_id != current_user.id and not current_user.is_manager:
        forbid(f"review {review.id} is not user {current_user.id}'s")
    return review


def _done(message):
    flash(message, "success")
    return redirect(url_for("mailin.reviews_page"))


def _organization_choices(review):
    orgs = db.session.scalars(
        select(Organization).where(Organization.deleted_at.is_(None)).order_by(Organization.name)
    ).all()
    return [(org.id, org.display_name) for org in orgs]


@bp.route("/mail/review/<id:review_id>/contact", methods=["GET", "POST"])
def create_contact(review_id):
    review = _review(review_id)
    defaults = {**reviews.prefill(review), "organization_id": review.organization_id}
    form = ContactFromMailForm(data=defaults if request.method == "GET" else None)
    form.organization_id.choices = _organization_choices(review)
    if review.status is ReviewStatus.OPEN and form.validate_on_submit():
        data = {
            key: form.data[key]
            for key in ("given_name", "family_name", "name_order", "organization_id", "job_title")
        }
        contact = reviews.create_contact(review, data, actor=current_user)
        db.session.commit()
        return _done(_("%(name)s is a contact now, on this email.", name=contact.display_name))
    return render_template("mailin/contact_form.html", form=form, review=review)


@bp.route("/mail/review/<id:review_id>/link", methods=["GET", "POST"])
def link(review_id):
    review = _review(review_id)
    form = LinkForm()
    query = select(Contact).where(Contact.deleted_at.is_(None))
    if review.organization_id:
        query = query.where(Contact.organization_id == review.organization_id)
    people = db.session.scalars(query.order_by(Contact.family_name).limit(500)).all()
    form.contact_id.choices = [(c.id, c.display_name) for c in people]
    if review.status is ReviewStatus.OPEN and form.validate_on_submit():
        contact = live_or_404(Contact, form.contact_id.data)
        reviews.link(review, contact, actor=current_user)
        db.session.commit()
        return _done(_("%(address)s is %(name)s's now.", address=review.email, name=contact))
    return render_template("mailin/link.html", form=form, review=review)


@bp.route("/mail/review/<id:review_id>/dismiss", methods=["POST"])
def dismiss(review_id):
    review = _review(review_id)
    reviews.dismiss(review)
    db.session.commit()
    return _done(_("%(address)s is dismissed.", address=review.email))


# A logged email's privacy -------------------------------------------------------------------


@bp.route("/meetings/<id:meeting_id>/email/private", methods=["POST"])
def set_private(meeting_id):
    meeting = live_or_404(Meeting, meeting_id)
    # Who logged it, or a manager: attendees may edit the meeting, not hide its text.
    if current_user.id != meeting.owner_id and not current_user.is_manager:
        forbid(f"meeting {meeting.id}'s email is not user {current_user.id}'s")
    email = db.session.get(LoggedEmail, meeting.id)
    if email is None:
        flash(_("This meeting was not logged from an email."), "info")
    else:
        email.private = request.form.get("private") == "1"
        db.session.commit()
        flash(
            _("Only you, managers and admins see this email's text now.")
            if email.private
            else _("Everyone sees this email's text now."),
            "success",
        )
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


# The admins' page ---------------------------------------------------------------------------


@bp.route("/admin/mail", methods=["GET", "POST"])
def admin():
    settings = db.session.get(MailinSettings, 1)
    form = MailinSettingsForm(obj=settings) if settings else MailinSettingsForm(store_bodies=True)
    if form.validate_on_submit():
        if settings is None:
            settings = MailinSettings(id=1, poll_lease_holder="")
            db.session.add(settings)
        settings.store_bodies = form.store_bodies.data
        db.session.commit()
        flash(_("Mail settings saved."), "success")
        return redirect(url_for("mailin.admin"))
    problems = db.session.scalars(
        select(MailboxMessage)
        .where(MailboxMessage.outcome.in_([Outcome.REFUSED, Outcome.FAILED]))
        .order_by(MailboxMessage.received_at.desc())
        .limit(200)
    ).all()
    counts = dict(
        db.session.execute(
            select(MailboxMessage.outcome, func.count()).group_by(MailboxMessage.outcome)
        ).all()
    )
    return render_template(
        "mailin/admin.html", form=form, problems=problems, counts=counts, Outcome=Outcome
    )
