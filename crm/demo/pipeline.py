"""The demo's matches: opened at B2B events, accepted from the engine's proposals, moved along.

Matches move one stage at a time, weeks or months apart, and stop wherever their story ends
(or when today comes first): so the board holds every stage, the stage history reads like
months of work, and the programme's "companies exploring collaboration" grows quarter by
quarter. The success-story pair is taken to "collaborating"; the story itself
(``programme``) takes it the last step.
"""

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

from crm.accounts.models import Role
from crm.demo.programme import STORY_PAIR
from crm.matching import services as matching
from crm.matching.models import PIPELINE, Stage
from crm.organizations.models import Kind, Region

EXPLORING, ACTIONS_DEFINED, COLLABORATING = (
    Stage.EXPLORING, Stage.ACTIONS_DEFINED, Stage.COLLABORATING,
)  # fmt: skip
# Where matches end up, in turn: most go on exploring; a few stall, a few are closed.
FATES = (
    EXPLORING, ACTIONS_DEFINED, COLLABORATING, EXPLORING, Stage.INTRODUCED, ACTIONS_DEFINED,
    EXPLORING, Stage.CLOSED, ACTIONS_DEFINED, EXPLORING, COLLABORATING, Stage.SUGGESTED,
)  # fmt: skip
# Days from one stage to the next.
GAPS = {
    Stage.INTRODUCED: (7, 21),
    EXPLORING: (20, 60),
    ACTIONS_DEFINED: (40, 100),
    COLLABORATING: (60, 140),
    Stage.CLOSED: (30, 90),
}
CLOSED_BECAUSE = (
    "No capacity for a new project this year.",
    "The Japanese partner chose a supplier in Thailand.",
    "Volumes too small for both sides.",
)
SCREENED = 9  # Basque companies matched from the engine's proposals, beyond the events
# Basque institutions matched with their best Mie counterpart, in catalogue order (Tecnalia,
# Ideko, HEGAN, Mondragon, BRTA, Innobasque, the Basque Government), and how far each went.
INSTITUTION_FATES = (
    COLLABORATING, EXPLORING, ACTIONS_DEFINED, COLLABORATING, Stage.SUGGESTED, Stage.INTRODUCED,
    EXPLORING,
)  # fmt: skip


def create_matches(builder, opened):
    """Move the matches the events opened; accept and move more; return how many in all."""
    rng = builder.plan_rng
    fates = itertools.cycle(FATES)
    by_name = {org.entry.name: org for org in builder.orgs}
    story = {by_name[name].record.id for name in STORY_PAIR}
    for match, since, actor in opened:
        fate = COLLABORATING if {match.basque_id, match.mie_id} == story else next(fates)
        progress(builder, rng, match, fate, since, actor)
    manager = next(u for u in builder.users if u.role is Role.MANAGER)
    count = len(opened) + accept_screened(builder, rng, fates, manager)
    return count + accept_institutional(builder, rng, manager)


def accept_screened(builder, rng, fates, manager):
    """Basque companies not matched at an event: the best Mie company proposed for each.

    Every third one the manager first declines the top proposal (the engine will not propose
    that pair again), as happens when a partner is known not to fit.
    """
    mie_companies = {o.record.id: o for o in builder.side("jp") if o.entry.kind is Kind.COMPANY}
    waiting = [
        o for o in builder.side("eu") if o.entry.kind is Kind.COMPANY and o not in builder.matched
    ]
    made = 0
    for n, org in enumerate(waiting[:SCREENED]):
        since = working_day(builder, builder.now - timedelta(days=rng.randint(90, 420)), manager)
        builder.travel(since)
        proposals = [
            p
            for p in matching.proposals(org.record.id, limit=40)
            if p.mie_id in mie_companies and mie_companies[p.mie_id] not in builder.matched
        ]
        if n % 3 == 2 and len(proposals) > 1:
            matching.decline(org.record.id, proposals.pop(0).mie_id, actor=manager)
        if not proposals:
            continue
        partner = mie_companies[proposals[0].mie_id]
        match = matching.accept(org.record.id, partner.record.id, actor=manager)
        builder.matched.update((org, partner))
        progress(builder, rng, match, next(fates), since, manager)
        made += 1
    return made


def accept_institutional(builder, rng, manager):
    """Technology centres, clusters and governments with their best counterpart in Mie."""
    institutions = [
        o
        for o in builder.side("eu")
        if o.entry.kind is not Kind.COMPANY and o.entry.region is Region.BASQUE_COUNTRY
    ]
    taken, made = set(), 0
    for org, fate in zip(institutions, INSTITUTION_FATES, strict=False):
        since = working_day(builder, builder.now - timedelta(days=rng.randint(300, 480)), manager)
        builder.travel(since)
        proposal = next(
            (p for p in matching.proposals(org.record.id, limit=10) if p.mie_id not in taken),
            None,
        )
        if proposal is None:
            continue
        taken.add(proposal.mie_id)
        match = matching.accept(proposal.basque_id, proposal.mie_id, actor=manager)
        progress(builder, rng, match, fate, since, manager)
        made += 1
    return made


def progress(builder, rng, match, fate, since, actor):
    """Move ``match`` stage by stage towards ``fate``, stopping if the next step would be today
    or later: a match opened last month is still being introduced."""
    last = PIPELINE.index(fate) if fate in PIPELINE else 1  # closed after the introduction
    steps = PIPELINE[match.stage.rank + 1 : last + 1] + ([fate] if fate is Stage.CLOSED else [])
    at = since
    for stage in steps:
        at = working_day(builder, at + timedelta(days=rng.randint(*GAPS[stage])), actor)
        if at >= builder.now - timedelta(days=1):
            return
        builder.travel(at)
        reason = rng.choice(CLOSED_BECAUSE) if stage is Stage.CLOSED else None
        matching.move(match, stage, actor=actor, reason=reason)


def working_day(builder, instant, user):
    """10:30 where ``user`` lives, on the day of ``instant`` or the Monday after a weekend."""
    day = instant.astimezone(ZoneInfo(user.timezone)).date()
    day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() > 4 else 0)
    return builder.at(day, (10, 30), user)
