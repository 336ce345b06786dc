"""Rows of the mail-in area for tests that need one (the authorization walk)."""

from crm.extensions import db
from crm.mailin.models import ParticipantReview, ReviewStatus, UserAddress


def review_of(app, records, owner, org):
    """An open review of an unknown participant of an email ``owner`` logged about ``org``,
    with a contact at ``org`` to link to."""
    meeting = records.meeting(owner, [org], kind="email", title="Workshop")
    records.contact(owner, org, given_name="Jon", family_name="Ugarte")
    with app.app_context():
        review = ParticipantReview(
            meeting_id=meeting,
            user_id=owner.id,
            email=f"jon.ugarte.{meeting}@tecnalia.com",
            name="Jon Ugarte",
            organization_id=org,
            status=ReviewStatus.OPEN,
        )
        db.session.add(review)
        db.session.commit()
        return review.id


def address_of(app, owner):
    with app.app_context():
        address = UserAddress(user_id=owner.id, email=f"other.{owner.id}@spri.eus")
        db.session.add(address)
        db.session.commit()
        return address.id
