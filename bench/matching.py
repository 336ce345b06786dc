"""Time the matching engine: one organization's proposals, and the best pairs of all."""

import statistics
from time import perf_counter

from bench.sizes import FOCUS_ORG_ID
from crm.matching import engine

ONE_LIMIT_MS = 200
ALL_LIMIT_S = 60
RUNS = 7


def report(app):
    with app.app_context():
        times = []
        for _ in range(RUNS):
            started = perf_counter()
            found = engine.propose(FOCUS_ORG_ID, limit=10)
            times.append((perf_counter() - started) * 1000)
        started = perf_counter()
        pairs = engine.best_pairs(per_organization=5)
        all_seconds = perf_counter() - started
    one = statistics.median(times)
    ok = one < ONE_LIMIT_MS and all_seconds < ALL_LIMIT_S
    text = (
        f"matching: proposals for one organization in {one:.0f} ms median "
        f"(first call {times[0]:.0f} ms, {len(found)} found); the best 5 partners of all "
        f"{len(pairs):,} Basque-side organizations in {all_seconds:.1f} s — "
        f"< {ONE_LIMIT_MS} ms and < {ALL_LIMIT_S} s: **{'PASS' if ok else 'FAIL'}**"
    )
    return text, ok
