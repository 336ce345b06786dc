"""``python -m bench --http``: Zubia's pages over HTTP, each next to a floor in the same run.

The app runs under gunicorn (2 sync workers) on the large data set — the SQLite file, or
``BENCH_DATABASE_URL`` — with two floor views beside it: a bare Flask + SQLAlchemy + Jinja
list of 50 contacts with their organizations, and one contact's page. wrk (2 threads, 2
connections) loads one URL at a time; every round measures both floors and then each page,
so a change of load on the machine reaches the page and its floor alike. A page's figure is
its median over the rounds, as a ratio to its floor's median in the same rounds.
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from sqlalchemy import select

from bench.measure import FLOOR_LIST_PATH, SEARCH_TERMS, signed_in_client
from bench.sizes import BENCH_MANAGER_EMAIL, FOCUS_ORG_ID
from crm.contacts.models import Contact
from crm.extensions import db

HERE = Path(__file__).resolve().parent
REPORT_SCRIPT = HERE / "wrk_report.lua"
WORKERS = 2


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    floor: str  # "list" or "detail": the floor it is compared with
    target: float | None = None  # the least share of the floor's requests per second
    manager: bool = False


def pages(contact_id, organization_id):
    detail = f"/bench-floor/contacts/{contact_id}"
    return {
        "floor list": Page("floor: 50 contacts + organizations, Jinja", FLOOR_LIST_PATH, "list"),
        "floor detail": Page("floor: one contact + organization, Jinja", detail, "detail"),
    }, [
        Page("contact list, 50 rows", "/contacts/?per_page=50", "list", 0.60),
        Page("contact list, 25 rows", "/contacts/", "list"),
        Page("organization list", "/organizations/", "list"),
        Page("contact page", f"/contacts/{contact_id}", "detail", 0.40),
        Page("organization page", f"/organizations/{organization_id}", "detail", 0.40),
        Page("my actions", "/actions/mine", "list"),
        *(
            Page(f"search “{term}”", f"/search/?{urlencode({'q': term})}", "list")
            for term in SEARCH_TERMS
        ),
        Page("pipeline", "/pipeline/", "list", manager=True),
    ]


def typical_contact(app):
    """A live contact of an ordinary organization (not the focus one with the long timeline)."""
    with app.app_context():
        row = db.session.execute(
            select(Contact.id, Contact.organization_id)
            .where(Contact.deleted_at.is_(None), Contact.organization_id != FOCUS_ORG_ID)
            .order_by(Contact.id)
            .limit(1)
        ).one()
        db.session.remove()
    return row


def session_cookie(app, email=None):
    """The session cookie of a signed-in user, as a Cookie header value."""
    client = signed_in_client(app, email) if email else signed_in_client(app)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return f"{cookie.key}={cookie.value}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(uri, port, workers=WORKERS):
    """gunicorn with the bench app; waits until it answers."""
    env = {**os.environ, "BENCH_SERVER_URI": uri, "PYTHONPATH": str(HERE.parent)}
    command = [
        sys.executable, "-m", "gunicorn", "bench.server:app", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=HERE.parent)  # noqa: S603 - our own argv
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: gunicorn stopped with status {server.returncode}")
        try:
            urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            return server
        except (URLError, OSError):
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("bench: gunicorn did not answer within 120 s")


def load(url, cookie, seconds, connections):
    """One wrk run against ``url``: {"rps", "p50", "p95", "requests", "errors"}."""
    command = [
        "wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s",
        "--timeout", "10s", "--header", f"Cookie: {cookie}", "--script", str(REPORT_SCRIPT), url,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def check(url, cookie):
    """Fail loudly on a page that does not answer 200 to the signed-in user."""
    request = Request(url, headers={"Cookie": cookie})  # noqa: S310 - http://127.0.0.1 only
    with urlopen(request, timeout=60) as response:  # noqa: S310
        if response.status != 200 or response.url != url:
            raise SystemExit(f"bench: GET {url} answered {response.status} at {response.url}")


@dataclass
class Figures:
    page: Page
    runs: list

    def median(self, key):
        return statistics.median(run[key] for run in self.runs)

    @property
    def errors(self):
        return sum(run["errors"] for run in self.runs)


def run(app, uri, seconds, rounds, connections):
    if shutil.which("wrk") is None:
        raise SystemExit("bench: --http needs wrk (apt-get install wrk)")
    contact_id, organization_id = typical_contact(app)
    floors, page_list = pages(contact_id, organization_id)
    cookies = {False: session_cookie(app), True: session_cookie(app, BENCH_MANAGER_EMAIL)}
    port = free_port()
    server = start_server(uri, port)
    base = f"http://127.0.0.1:{port}"
    try:
        everything = [*floors.values(), *page_list]
        for page in everything:
            check(base + page.path, cookies[page.manager])
        figures = {page: Figures(page, []) for page in everything}
        for number in range(rounds):
            print(f"bench: HTTP round {number + 1} of {rounds}", flush=True)
            for page in everything:
                url = base + page.path
                figures[page].runs.append(load(url, cookies[page.manager], seconds, connections))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures, floors, page_list


def report(figures, floors, page_list, described):
    """The Markdown table and whether every target was met."""
    lines = [
        f"Over HTTP: gunicorn {WORKERS} sync workers, wrk 2 threads × 2 connections; {described}. "
        "Medians of the rounds; each page's requests per second as a share of its floor's.",
        "",
        "| page | req/s | p50 ms | p95 ms | share of floor | target | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    passed = True
    floor_rps = {f.floor: figures[f].median("rps") for f in floors.values()}
    for page in [*floors.values(), *page_list]:
        found = figures[page]
        share = found.median("rps") / floor_rps[page.floor]
        met = page.target is None or share >= page.target
        passed = passed and met and found.errors == 0
        target = "" if page.target is None else f"≥ {page.target:.0%}" + ("" if met else " ✗")
        lines.append(
            f"| {page.name} | {found.median('rps'):.0f} | {found.median('p50'):.1f} | "
            f"{found.median('p95'):.1f} | {share:.0%} | {target} | {found.errors} |"
        )
    return "\n".join(lines), passed
