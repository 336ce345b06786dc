"""The participants of logged emails that Zubia could not tie to a contact, for the sender to
resolve: create the contact, link an existing one, or dismiss. They flush; the view commits."""

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.contacts import services as contacts
from crm.extensions import db
from crm.mailin.models import ParticipantReview, ReviewStatus
from crm.meetings import services as meetings
from crm.meetings.models import Meeting

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def open_reviews(user):
    return db.session.scalars(
        select(ParticipantReview)
        .where(ParticipantReview.user_id == user.id, ParticipantReview.status == ReviewStatus.OPEN)
        .order_by(ParticipantReview.created_at.desc(), ParticipantReview.id.desc())
        .options(
            selectinload(ParticipantReview.meeting), selectinload(ParticipantReview.organization)
        )
    ).all()


def prefill(review):
    """The new contact's name as the header writes it: 伊藤 健 family name first, Jon Ugarte
    given name first; without a name, the address's local part."""
    name = review.name.strip() or review.email.partition("@")[0].replace(".", " ").title()
    parts = name.replace(",", " ").split()
    rest = " ".join(parts[1:]) or parts[0]
    if _CJK.search(name):
        return {"name_order": "japanese", "family_name": parts[0], "given_name": rest}
    if "," in review.name:  # "Agirre, Mikel": Outlook's family-name-first
        return {"name_order": "western", "family_name": parts[0], "given_name": rest}
    return {
        "name_order": "western",
        "given_name": parts[0],
        "family_name": " ".join(parts[1:]) or parts[0],
    }


def _meeting(review):
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == review.meeting_id)
        .options(selectinload(Meeting.contacts), selectinload(Meeting.organizations))
    )


def _add_to_meeting(review, contact, actor):
    meeting = _meeting(review)
    meetings.update_meeting(
        meeting,
        {
            "contact_ids": [c.id for c in meeting.contacts] + [contact.id],
            "organization_ids": list(
                dict.fromkeys([o.id for o in meeting.organizations] + [contact.organization_id])
            ),
        },
        actor=actor,
    )


def create_contact(review, data, *, actor):
    contact = contacts.create_contact({**data, "email": review.email}, actor=actor)
    _add_to_meeting(review, contact, actor)
    review.status, review.contact_id = ReviewStatus.CREATED, contact.id
    _resolve_same_address(review, contact, actor)
    db.session.flush()
    return contact


def link(review, contact, *, actor):
    """Tie the participant to ``contact``: the address joins the contact's other addresses."""
    known = {a.strip().lower() for a in (contact.other_emails or "").split(";") if a.strip()}
    if review.email != (contact.email or "").lower() and review.email not in known:
        contacts.update_contact(
            contact,
            {"other_emails": "; ".join([*sorted(known), review.email])},
            actor=actor,
        )
    _add_to_meeting(review, contact, actor)
    review.status, review.contact_id = ReviewStatus.LINKED, contact.id
    _resolve_same_address(review, contact, actor)
    db.session.flush()


def dismiss(review):
    review.status = ReviewStatus.DISMISSED
    db.session.flush()


def _resolve_same_address(review, contact, actor):
    """The same person's other open reviews (other emails of theirs) are resolved with it."""
    for other in db.session.scalars(
        select(ParticipantReview).where(
            ParticipantReview.email == review.email,
            ParticipantReview.status == ReviewStatus.OPEN,
            ParticipantReview.id != review.id,
        )
    ):
        _add_to_meeting(other, contact, actor)
        other.status, other.contact_id = ReviewStatus.LINKED, contact.id
