"""Agreements and success stories. They flush; the caller commits."""

from sqlalchemy import select

from crm.audit.services import diff, plain, record
from crm.extensions import db
from crm.matching import services as matching
from crm.matching.models import Match, Stage
from crm.organizations.models import Organization, Sector
from crm.programme.models import Agreement, SuccessStory

AGREEMENT_FIELDS = ("title", "status", "signed_on", "document_url", "summary")
STORY_FIELDS = ("title", "achievement", "achieved_on", "match_id", "summary")


def _set_many(item, attribute, model, ids, changes):
    old = {x.id for x in getattr(item, attribute)}
    if old != set(ids):
        setattr(item, attribute, db.session.scalars(select(model).where(model.id.in_(ids))).all())
        changes[attribute] = [plain(old), plain(set(ids))]


def save_agreement(agreement, data, *, actor):
    new = agreement is None
    agreement = agreement or Agreement(owner_id=actor.id, parties=[], sectors=[])
    changes = diff(agreement, data, AGREEMENT_FIELDS)
    _set_many(agreement, "parties", Organization, data["party_ids"], changes)
    _set_many(agreement, "sectors", Sector, data["sector_ids"], changes)
    db.session.add(agreement)
    db.session.flush()
    if changes:
        record("create" if new else "update", agreement, actor=actor, changes=changes)
    return agreement


def save_story(story, data, *, actor):
    """Create or edit a success story; its match reaches the "success story" stage."""
    new = story is None
    story = story or SuccessStory(owner_id=actor.id, organizations=[])
    changes = diff(story, data, STORY_FIELDS)
    ids = data["organization_ids"]
    match = db.session.get(Match, story.match_id) if story.match_id else None
    if not ids and match is not None:
        ids = [match.basque_id, match.mie_id]
    _set_many(story, "organizations", Organization, ids, changes)
    db.session.add(story)
    db.session.flush()
    if changes:
        record("create" if new else "update", story, actor=actor, changes=changes)
    if match is not None and match.stage is not Stage.SUCCESS_STORY:
        matching.move(match, Stage.SUCCESS_STORY, actor=actor, reason=story.title[:300])
    return story
