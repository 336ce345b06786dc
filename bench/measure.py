"""Time pages with a signed-in test client and count the SQL each one runs."""

import re
import statistics
from dataclasses import dataclass, field
from functools import cache
from math import ceil
from time import perf_counter
from urllib.parse import urlencode

from flask import abort, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import joinedload, selectinload

from bench.sizes import BENCH_EMAIL, BENCH_MANAGER_EMAIL, BENCH_PASSWORD, FOCUS_ORG_ID
from crm.accounts.models import User
from crm.authorization import EVERYONE, MATRIX
from crm.contacts.models import Contact
from crm.extensions import db
from crm.organizations.models import Organization

FLOOR_PATH = "/bench-floor"
WARMUP = 3
PAGE_LIMIT_MS = 50
SEARCH_LIMIT_MS = 100
PIPELINE_LIMIT_MS = 150
PIPELINE_SECTOR = 1  # R&D and innovation: about one organization in seven is in it
SEARCH_TERMS = ("etxe", "山田")  # part of a Basque family name, and of a Japanese one


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    limit_ms: float | None  # None: the floor, which has no target of its own
    relative: bool = True  # the median must also stay within a multiple of the floor's
    manager: bool = False  # read by the bench manager (the pipeline is for managers only)


def pages(sizes):
    return [
        Page("floor: 50 organizations + owners, one select", FLOOR_PATH, None, relative=False),
        Page("organization list", "/organizations/", PAGE_LIMIT_MS),
        Page("contact list", "/contacts/", PAGE_LIMIT_MS),
        Page(
            f"organization with {sizes.focus_timeline:,} timeline entries",
            f"/organizations/{FOCUS_ORG_ID}",
            PAGE_LIMIT_MS,
        ),
        Page("my actions", "/actions/mine", PAGE_LIMIT_MS),
        *(
            Page(f"search “{term}”", f"/search/?{urlencode({'q': term})}", SEARCH_LIMIT_MS, False)
            for term in SEARCH_TERMS
        ),
        Page("pipeline", "/pipeline/", PIPELINE_LIMIT_MS, relative=False, manager=True),
        Page(
            "pipeline, one sector, 90 days",
            f"/pipeline/?{urlencode({'sector': PIPELINE_SECTOR, 'period': 90})}",
            PIPELINE_LIMIT_MS,
            relative=False,
            manager=True,
        ),
    ]


def floor():
    """The least a list page can cost: one select of 50 organizations joined to their owner."""
    rows = db.session.execute(
        select(Organization, User)
        .join(User, Organization.owner_id == User.id)
        .where(Organization.deleted_at.is_(None))
        .order_by(Organization.name, Organization.id)
        .limit(50)
    ).all()
    body = "\n".join(f"{org.name}\t{owner.name}" for org, owner in rows)
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}


# The HTTP floors: what a bare Flask + SQLAlchemy + Jinja page costs, a list and a detail.
FLOOR_LIST_PATH = "/bench-floor/contacts"
FLOOR_DETAIL_PATH = "/bench-floor/contacts/<int:contact_id>"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contacts</title>
</head><body><h1>Contacts</h1>%s</body></html>"""
FLOOR_LIST = (
    PAGE
    % """<table><tr><th>Name</th><th>Email</th><th>Organization</th></tr>
{% for contact in contacts %}<tr><td>{{ contact.given_name }} {{ contact.family_name }}</td>
<td>{{ contact.email or "" }}</td><td>{{ contact.organization.name }}</td></tr>{% endfor %}
</table>"""
)
FLOOR_DETAIL = (
    PAGE
    % """<h2>{{ contact.given_name }} {{ contact.family_name }}</h2><dl>
<dt>Email</dt><dd>{{ contact.email or "" }}</dd><dt>Job title</dt><dd>{{ contact.job_title or ""
}}</dd><dt>Organization</dt><dd>{{ org.name }}</dd><dt>Country</dt><dd>{{ org.country }}</dd>
</dl>"""
)


@cache
def compiled(source):
    """The template compiled once, as a template file is."""
    return current_app.jinja_env.from_string(source)


def floor_list():
    """50 contacts in name order and their organizations (two selects), a Jinja table."""
    contacts = db.session.scalars(
        select(Contact)
        .where(Contact.deleted_at.is_(None))
        .order_by(Contact.family_name, Contact.given_name, Contact.id)
        .limit(50)
        .options(selectinload(Contact.organization))
    ).all()
    return compiled(FLOOR_LIST).render(contacts=contacts)


def floor_detail(contact_id):
    """One contact and its organization, one select, a Jinja page."""
    contact = db.session.scalar(
        select(Contact)
        .where(Contact.id == contact_id, Contact.deleted_at.is_(None))
        .options(joinedload(Contact.organization))
    )
    if contact is None:
        abort(404)
    return compiled(FLOOR_DETAIL).render(contact=contact, org=contact.organization)


def add_floor(app):
    """Register the floor views; every endpoint needs its row in the authorization matrix."""
    for endpoint, path, view in (
        ("bench_floor", FLOOR_PATH, floor),
        ("bench_floor_list", FLOOR_LIST_PATH, floor_list),
        ("bench_floor_detail", FLOOR_DETAIL_PATH, floor_detail),
    ):
        MATRIX[endpoint] = EVERYONE
        app.add_url_rule(path, endpoint, view)


class QueryCounter:
    """Counts the SQL statements the engine runs (transaction control excluded)."""

    SKIPPED = re.compile(r"\s*(SAVEPOINT|RELEASE|PRAGMA)", re.IGNORECASE)

    def __init__(self, engine, skip=None, only=None):
        self.count = 0
        self.skip, self.only = skip, only
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, *args):
        if self.SKIPPED.match(statement) or (self.skip and self.skip.match(statement)):
            return
        if self.only is None or self.only.match(statement):
            self.count += 1


@dataclass
class Result:
    page: Page
    times_ms: list = field(default_factory=list)
    queries: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.times_ms)

    @property
    def p95(self):
        ordered = sorted(self.times_ms)
        return ordered[ceil(0.95 * len(ordered)) - 1]

    @property
    def query_count(self):
        """The queries per request: one number, or "low–high" when it varied."""
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


def signed_in_client(app, email=BENCH_EMAIL):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": BENCH_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"bench: signing in answered {response.status_code}, not 302")
    return client


def check(response, path):
    """Fail loudly: a page that does not answer 200 has no meaningful timing."""
    if response.status_code != 200:
        body = response.get_data(as_text=True)[:500]
        raise SystemExit(f"bench: GET {path} answered {response.status_code}, not 200:\n{body}")


def measure(app, page_list, requests):
    """Warm every page up, then time ``requests`` rounds of one request per page.

    Rounds interleave the pages, so a change of load on the machine hits them all alike.
    """
    clients = {False: signed_in_client(app), True: signed_in_client(app, BENCH_MANAGER_EMAIL)}
    with app.app_context():
        counter = QueryCounter(db.engine)
    for _ in range(WARMUP):
        for page in page_list:
            check(clients[page.manager].get(page.path), page.path)
    results = [Result(page) for page in page_list]
    for _ in range(requests):
        for result in results:
            client = clients[result.page.manager]
            counter.count = 0
            started = perf_counter()
            response = client.get(result.page.path)
            result.times_ms.append((perf_counter() - started) * 1000)
            check(response, result.page.path)
            result.queries.append(counter.count)
    return results
