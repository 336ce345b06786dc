"""Matches and their stages. They flush; the caller commits."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.audit.services import record
from crm.clock import now_utc
from crm.extensions import db
from crm.matching import engine
from crm.matching.models import Decline, Match, Stage, StageChange
from crm.organizations.models import Organization


class StageRefused(ValueError):
    """The move is not allowed as asked (backwards without a reason, closing without one)."""


def linked_match(match_id):
    """The live match a new meeting or action is about (``?match_id=``), or None."""
    if match_id is None:
        return None
    return db.session.scalar(
        select(Match)
        .where(Match.id == match_id, Match.deleted_at.is_(None))
        .options(selectinload(Match.basque), selectinload(Match.mie))
    )


def excluded_pairs():
    """Pairs never to propose again: declined ones and those that are already matches."""
    pairs = {tuple(row) for row in db.session.execute(select(Decline.basque_id, Decline.mie_id))}
    pairs |= {tuple(row) for row in db.session.execute(select(Match.basque_id, Match.mie_id))}
    return frozenset(pairs)


def proposals(organization_id, limit=10):
    return engine.propose(organization_id, limit=limit, excluded=excluded_pairs())


def sides(first_id, second_id):
    """(Basque-side, Japanese-side) organizations, or ValueError for two of the same side."""
    orgs = db.session.scalars(
        select(Organization).where(
            Organization.id.in_([first_id, second_id]), Organization.deleted_at.is_(None)
        )
    ).all()
    by_side = {org.region.side: org for org in orgs}
    if len(orgs) != 2 or set(by_side) != {"eu", "jp"}:
        raise ValueError("a match joins one organization of each side of the bridge")
    return by_side["eu"], by_side["jp"]


def accept(first_id, second_id, *, actor):
    """Turn a proposal into a match at the "suggested" stage, with its score and reasons."""
    basque, mie = sides(first_id, second_id)
    found = next((p for p in engine.propose(basque.id, limit=10_000) if p.mie_id == mie.id), None)
    match = Match(
        basque_id=basque.id,
        mie_id=mie.id,
        owner_id=actor.id,
        score=found.score if found else 0.0,
        reasons=found.reasons if found else {},
        stage=Stage.SUGGESTED,
        stage_since=now_utc(),
    )
    db.session.add(match)
    db.session.flush()
    db.session.add(StageChange(match_id=match.id, to_stage=Stage.SUGGESTED, by_id=actor.id))
    record("create", match, actor=actor, changes={"stage": [None, "suggested"]})
    return match


def decline(first_id, second_id, *, actor):
    basque, mie = sides(first_id, second_id)
    db.session.add(Decline(basque_id=basque.id, mie_id=mie.id, by_id=actor.id))
    record("decline", Match, None, actor=actor, changes={"pair": [None, f"{basque.id}-{mie.id}"]})


def move(match, stage, *, actor, reason=None):
    """Move a match to ``stage``; going back or closing needs a reason, kept in the history."""
    if stage is match.stage:
        return None
    backwards = (
        stage.rank is not None and match.stage.rank is not None and stage.rank < match.stage.rank
    )
    if (backwards or stage is Stage.CLOSED) and not reason:
        raise StageRefused
    change = StageChange(
        match_id=match.id, from_stage=match.stage, to_stage=stage, by_id=actor.id, reason=reason
    )
    db.session.add(change)
    record(
        "update",
        match,
        actor=actor,
        changes={
            "stage": [match.stage.value, stage.value],
            **({"reason": [None, reason]} if reason else {}),
        },
    )
    match.stage, match.stage_since = stage, now_utc()
    match.closed_reason = reason if stage is Stage.CLOSED else None
    return change
