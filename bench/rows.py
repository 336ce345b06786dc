"""The generated records, as plain dicts for SQLAlchemy Core inserts (ids are given here).

Random but seeded, so every build gives the same data set.
"""

import random
import secrets
from datetime import timedelta
from functools import cache
from itertools import islice

from bench import names
from bench.sizes import (
    BENCH_EMAIL,
    BENCH_MANAGER_EMAIL,
    BENCH_MANAGER_ID,
    BENCH_TIMEZONE,
    BENCH_USER_ID,
    DELETED_SHARE,
    FOCUS_ORG_ID,
    SPAN_DAYS,
)
from crm.text import search_key


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


cached_key = cache(search_key)
# How the matches are shared out among the stages (weights): most never get far.
MATCH_STAGES = {
    "suggested": 30,
    "introduced": 20,
    "exploring": 15,
    "actions_defined": 10,
    "collaborating": 8,
    "success_story": 5,
    "closed": 12,
}


class Generator:
    """Builds every row; remembers what later tables need (contacts per organization...)."""

    def __init__(self, sizes, now, today, password_hash, seed=2024):
        self.sizes, self.now, self.today = sizes, now, today
        self.password_hash = password_hash
        self.rng = random.Random(seed)
        self.regions = {}  # organization id -> region
        self.titles = {}  # organization id -> the name a meeting title quotes
        self.org_contacts = {}  # organization id -> contact ids
        self.cadences = {}  # organization id -> days between contacts
        self.last_contact = {}  # organization id -> latest meeting that has begun

    def pick(self, weights):
        """A key of ``weights`` (a dict key -> weight)."""
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def other_org(self):
        """Any organization but the focus one."""
        return self.rng.randint(FOCUS_ORG_ID + 1, self.sizes.organizations)

    def user(self):
        return self.rng.randint(1, self.sizes.users)

    def past(self):
        return self.now - timedelta(seconds=self.rng.randint(0, SPAN_DAYS * 86400))

    def spread(self, index, count):
        """The ``index``-th of ``count`` instants evenly spread back over the history."""
        return self.now - timedelta(seconds=SPAN_DAYS * 86400 * index // count + 60)

    def deleted(self):
        """The trash columns of one record in a hundred; None for the others."""
        if self.rng.random() < DELETED_SHARE:
            return {"deleted_at": self.now, "deleted_by_id": self.user()}
        return None

    def record(self, created_at, deleted=None):
        """The columns every Record shares."""
        return {
            "created_at": created_at,
            "updated_at": created_at,
            "version": 1,
            **(deleted or {"deleted_at": None, "deleted_by_id": None}),
        }

    def users(self):
        special = {
            BENCH_USER_ID: (BENCH_EMAIL, "Bench User", "point_of_contact"),
            BENCH_MANAGER_ID: (BENCH_MANAGER_EMAIL, "Bench Manager", "manager"),
        }
        for user_id in range(1, self.sizes.users + 1):
            bench = user_id in special
            role = "manager" if user_id % 10 == 0 else "point_of_contact"
            email, name, role = special.get(
                user_id, (f"user{user_id}@zubia.example", f"User {user_id}", role)
            )
            yield {
                "id": user_id,
                "email": email,
                "name": name,
                "role": role,
                "language": "en",
                "timezone": BENCH_TIMEZONE
                if bench
                else self.rng.choice(["Europe/Madrid", "Asia/Tokyo"]),
                "active": True,
                "password_hash": self.password_hash,
                "session_token": secrets.token_urlsafe(32),
                "created_at": self.now,
                "last_login_at": None,
            }

    def organizations(self):
        for org_id in range(1, self.sizes.organizations + 1):
            focus = org_id == FOCUS_ORG_ID
            region = "basque_country" if focus else self.pick(names.REGION_SHARES)
            kind = "company" if focus else self.pick(names.KINDS)
            _, countries, cities = names.REGIONS[region]
            city = self.rng.choice(cities)
            name, native = names.organization_name(self.rng, region, kind, city)
            self.regions[org_id] = region
            self.titles[org_id] = native or name
            self.org_contacts[org_id] = []
            self.cadences[org_id] = self.rng.choice([30, 60, 90, 180])
            yield {
                "id": org_id,
                "name": name,
                "native_name": native,
                "kind": kind,
                "region": region,
                "country": self.rng.choice(countries),
                "city": city,
                "size": self.rng.choice(names.SIZES),
                "website": f"https://www.org{org_id}.example",
                "description": " ".join(self.rng.sample(names.SENTENCES, 2)),
                "capabilities": self.rng.choice(names.SENTENCES),
                "interests": self.rng.choice(names.SENTENCES),
                "owner_id": BENCH_USER_ID if focus else self.user(),
                "cadence_days": self.cadences[org_id],
                "last_contact_at": None,  # set by last_contacts() once the meetings exist
                "contact_due_at": None,
                "search_key": cached_key(name, native),
                **self.record(self.past(), None if focus else self.deleted()),
            }

    def organization_sectors(self, sector_ids):
        for org_id in range(1, self.sizes.organizations + 1):
            for sector_id in self.rng.sample(sector_ids, self.rng.randint(1, 3)):
                yield {"organization_id": org_id, "sector_id": sector_id}

    def organization_links(self):
        kinds = ("member_of", "subsidiary_of", "partner_of")
        for n in range(self.sizes.focus_links):
            yield {
                "id": n + 1,
                "from_id": FOCUS_ORG_ID,
                "to_id": FOCUS_ORG_ID + 1 + n,
                "kind": kinds[n % len(kinds)],
                "since": self.today - timedelta(days=400 * (n + 1)),
                "until": None,
                "note": None,
            }

    def contacts(self):
        organizations = self.sizes.organizations
        for contact_id in range(1, self.sizes.contacts + 1):
            if contact_id <= organizations:  # every organization has its primary contact
                org_id = contact_id
            elif contact_id <= organizations + self.sizes.focus_contacts:
                org_id = FOCUS_ORG_ID
            else:
                org_id = self.other_org()
            primary = contact_id <= organizations
            self.org_contacts[org_id].append(contact_id)
            yield {
                "id": contact_id,
                "organization_id": org_id,
                **self.person(self.regions[org_id], contact_id),
                "job_title": self.rng.choice(names.JOB_TITLES),
                "phone": None,
                "mobile": None,
                "language": None,
                "timezone": None,
                "owner_id": self.user(),
                "is_primary": primary,
                "notes": self.rng.choice(names.SENTENCES),
                **self.record(self.past(), None if primary else self.deleted()),
            }

    def person(self, region, contact_id):
        """The name columns, e-mail and search key of a contact from ``region``."""
        row = names.person(self.rng, region)
        row["email"] = f"{cached_key(row['given_name'])}.{contact_id}@zubia-contact.example"
        row["search_key"] = search_key(
            *(row[k] for k in ("given_name", "family_name", "second_family_name")),
            row["native_name"],
            row["reading"],
            row["email"],
        )
        return row

    def meetings(self):
        """([meeting], its organizations, its contact): one list per table.

        Its attendee is its owner (meeting_attendees is filled from the meetings table).
        """
        focus = self.sizes.focus_meetings
        for meeting_id in range(1, self.sizes.meetings + 1):
            if meeting_id <= focus:
                orgs = [FOCUS_ORG_ID]
                starts_at, deleted = self.spread(meeting_id - 1, focus), None
            else:
                orgs = list({self.other_org() for _ in range(self.rng.randint(1, 2))})
                starts_at, deleted = self.past(), self.deleted()
                if self.rng.random() < 0.03:
                    starts_at = self.now + timedelta(days=self.rng.randint(1, 60))
            title = f"{self.rng.choice(names.MEETING_TOPICS)} — {self.titles[orgs[0]]}"
            location = self.rng.choice(names.LOCATIONS[self.regions[orgs[0]]])
            if deleted is None and starts_at <= self.now:
                for org_id in orgs:
                    self.last_contact[org_id] = max(
                        self.last_contact.get(org_id, starts_at), starts_at
                    )
            meeting = {
                "id": meeting_id,
                "kind": self.rng.choice(names.MEETING_KINDS),
                "title": title,
                "starts_at": starts_at,
                "duration_minutes": self.rng.choice((30, 60, 90)),
                "location": location,
                "summary": " ".join(self.rng.sample(names.SENTENCES, 2)),
                "outcomes": self.rng.choice(names.SENTENCES),
                "owner_id": self.user(),
                "search_key": cached_key(title, location),
                **self.record(starts_at, deleted),
            }
            contact = self.rng.choice(self.org_contacts[orgs[0]])
            yield (
                [meeting],
                [{"meeting_id": meeting_id, "organization_id": o} for o in orgs],
                [{"meeting_id": meeting_id, "contact_id": contact}],
            )

    def last_contacts(self):
        """Rows to update organizations.last_contact_at and contact_due_at with."""
        for org_id, instant in self.last_contact.items():
            due = instant + timedelta(days=self.cadences[org_id])
            yield {"org_id": org_id, "last": instant, "due": due}

    def actions(self):
        mine, focus = self.sizes.my_open_actions, self.sizes.focus_actions
        for action_id in range(1, self.sizes.actions + 1):
            org_id = self.other_org() if self.rng.random() < 0.9 else None
            row = {
                "owner_id": self.user(),
                "status": self.pick({"open": 25, "done": 65, "cancelled": 10}),
                "due_date": self.today + timedelta(days=self.rng.randint(-SPAN_DAYS, 90)),
                "created_at": self.past(),
            }
            deleted = self.deleted()
            if action_id <= mine:
                org_id, deleted = self.other_org(), None
                row.update(owner_id=BENCH_USER_ID, status="open", due_date=self.my_due(action_id))
            elif action_id <= mine + focus:
                org_id, deleted = FOCUS_ORG_ID, None
                row["created_at"] = self.spread(action_id - mine - 1, focus)
            elif row["owner_id"] == BENCH_USER_ID:
                row["status"] = "done"  # the bench user's open actions are exactly `mine`
            contacts = self.org_contacts[org_id] if org_id else ()
            about = self.titles.get(org_id, "a partner")
            yield {
                "id": action_id,
                **row,
                "title": f"{self.rng.choice(names.ACTION_VERBS)} {about}",
                "details": self.rng.choice(names.SENTENCES),
                "created_by_id": self.user(),
                "priority": self.rng.choice(["low", "normal", "normal", "high"]),
                "completed_at": row["created_at"] if row["status"] == "done" else None,
                "organization_id": org_id,
                "contact_id": self.rng.choice(contacts) if contacts else None,
                "meeting_id": None,
                "repeat_every": None,
                "repeat_unit": None,
                **self.record(row["created_at"], deleted),
            }

    def my_due(self, n):
        """The bench user's open actions: 1/4 overdue, 1/20 today, 1/5 this week, then later."""
        share = n / self.sizes.my_open_actions
        if share <= 0.25:
            return self.today - timedelta(days=self.rng.randint(1, 60))
        if share <= 0.30:
            return self.today
        if share <= 0.50:
            return self.today + timedelta(days=self.rng.randint(1, 7))
        return self.today + timedelta(days=self.rng.randint(8, 180))

    def matches(self):
        """Basque–Mie pairs in every stage, each in it since a day after it was proposed.

        The focus organization has none, so its page times the same as before.
        """
        basque = [o for o, r in self.regions.items() if r == "basque_country" and o != FOCUS_ORG_ID]
        mie = [o for o, r in self.regions.items() if r == "mie"]
        pairs = set()
        while len(pairs) < self.sizes.matches:
            pairs.add((self.rng.choice(basque), self.rng.choice(mie)))
        for match_id, (basque_id, mie_id) in enumerate(sorted(pairs), start=1):
            created_at = self.past()
            stage = self.pick(MATCH_STAGES)
            since = created_at + (self.now - created_at) * self.rng.random()
            yield {
                "id": match_id,
                "basque_id": basque_id,
                "mie_id": mie_id,
                "stage": stage,
                "stage_since": since,
                "closed_reason": "No budget this year" if stage == "closed" else None,
                "owner_id": self.user(),
                "score": round(self.rng.uniform(0.2, 1.0), 3),
                "reasons": {},
                "notes": None,
                **self.record(created_at, self.deleted()),
            }

    def audit_events(self):
        for n in range(self.sizes.focus_changes):
            yield {
                "id": n + 1,
                "at": self.spread(n, self.sizes.focus_changes),
                "actor_id": self.user(),
                "action": "update",
                "entity_type": "organization",
                "entity_id": FOCUS_ORG_ID,
                "changes": {"cadence_days": [90, 60]},
                "ip": None,
            }
