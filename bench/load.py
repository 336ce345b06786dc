"""``python -m bench.load``: many signed-in people reading and writing at once, over HTTP.

gunicorn (4 sync workers by default) serves the large data set — ``BENCH_DATABASE_URL`` for
PostgreSQL, else the SQLite file — to 50 simulated people for 60 s. Each person, in a
thread of their own, is signed in as one of the data set's users and loops: a pause (5 s on
average, ``--think``), then a page (home, the lists, an organization or contact page, a
search, their actions) or, one time in five, a write (a new action, or marking one of their
actions done). A write is correct when it answers the redirect its form answers in a
browser; any other status, or no answer, is an error. Prints the counts, p50 and p95.
"""

import argparse
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from math import ceil
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

from sqlalchemy import select

from bench import dataset, http
from bench.measure import SEARCH_TERMS
from bench.sizes import LARGE
from crm.accounts.models import User
from crm.clock import now_utc
from crm.contacts.models import Contact
from crm.extensions import db
from crm.organizations.models import Organization

SAMPLE = 2_000  # the organizations and contacts people open, drawn from the live ones
PICKED = {"organizations": Organization, "contacts": Contact}
STATUS_FORM = re.compile(r"/actions/(\d+)/status")


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = build_opener(NoRedirect)


def live_ids(model, count):
    statement = select(model.id).where(model.deleted_at.is_(None)).order_by(model.id)
    return list(db.session.scalars(statement.limit(count)))


class Person(threading.Thread):
    def __init__(self, base, user_id, cookie, ids, until, think, seed):
        super().__init__(daemon=True)
        self.base, self.user_id, self.cookie, self.ids = base, user_id, cookie, ids
        self.until, self.think = until, think
        self.rng = random.Random(seed)
        self.timings = []  # (kind, milliseconds, ok)
        self.errors = Counter()

    def request(self, path, data=None, expected=200):
        body = urlencode(data).encode() if data is not None else None
        headers = {"Cookie": self.cookie}
        request = Request(self.base + path, data=body, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with OPENER.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except HTTPError as error:
            status, text = error.code, ""
        except (URLError, OSError) as error:
            status, text = type(error).__name__, ""
        elapsed = (time.perf_counter() - started) * 1000
        ok = status == expected
        self.timings.append(("write" if data is not None else "read", elapsed, ok))
        if not ok:
            self.errors[f"{path.split('?')[0]} → {status}"] += 1
        return text

    def read(self):
        organization = self.rng.choice(self.ids["organizations"])
        contact = self.rng.choice(self.ids["contacts"])
        path = self.rng.choice(
            [
                "/",
                "/organizations/",
                "/contacts/",
                f"/organizations/{organization}",
                f"/contacts/{contact}",
                "/actions/mine",
                f"/search/?{urlencode({'q': self.rng.choice(SEARCH_TERMS)})}",
            ]
        )
        self.request(path)

    def write(self):
        if self.rng.random() < 0.5:
            due = now_utc().date() + timedelta(days=self.rng.randint(1, 30))
            form = {"title": "Call back about the B2B event", "owner_id": self.user_id,
                    "due_date": due.isoformat(), "priority": "normal"}  # fmt: skip
            self.request("/actions/new", form, expected=302)
            return
        open_ids = STATUS_FORM.findall(self.request("/actions/mine"))
        if open_ids:
            action = self.rng.choice(open_ids)
            self.request(f"/actions/{action}/status", {"status": "done"}, expected=302)

    def run(self):
        while time.monotonic() < self.until:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
            self.write() if self.rng.random() < 0.2 else self.read()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[ceil(share * len(ordered)) - 1] if ordered else 0.0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause in seconds")
    args = parser.parse_args(argv)
    path = dataset.DATA_DIR / "bench.sqlite3"
    uri = dataset.large_uri(path)
    app = dataset.make_app(uri)
    dataset.ensure(app, path, LARGE)
    with app.app_context():
        ids = {
            "organizations": live_ids(Organization, SAMPLE),
            "contacts": live_ids(Contact, SAMPLE),
        }
        people = list(db.session.execute(select(User.id, User.email).order_by(User.id)))
        db.session.remove()
    people = (people * ceil(args.users / len(people)))[: args.users]
    cookies = [(user_id, http.session_cookie(app, email)) for user_id, email in people]
    port = http.free_port()
    server = http.start_server(uri, port, args.workers)
    until = time.monotonic() + args.seconds
    threads = [
        Person(f"http://127.0.0.1:{port}", user_id, cookie, ids, until, args.think, seed)
        for seed, (user_id, cookie) in enumerate(cookies)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    timings = [t for thread in threads for t in thread.timings]
    errors = sum((thread.errors for thread in threads), Counter())
    where = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    print(f"{args.users} people, {args.seconds} s, gunicorn {args.workers} workers, {where}")
    print("| requests | kind | p50 ms | p95 ms | errors |\n|---:|---|---:|---:|---:|")
    for kind in ("read", "write"):
        times = [ms for k, ms, _ in timings if k == kind]
        failed = sum(1 for k, _, ok in timings if k == kind and not ok)
        print(
            f"| {len(times)} | {kind} | {statistics.median(times) if times else 0:.1f} | "
            f"{percentile(times, 0.95):.1f} | {failed} |"
        )
    for what, count in errors.most_common():
        print(f"error: {what} ×{count}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
