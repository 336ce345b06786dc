"""``python -m bench [--requests N] [--rebuild] [--database PATH] [--check]
[--http [--seconds S] [--rounds R]]``; ``BENCH_DATABASE_URL`` puts the large data set on
PostgreSQL instead of the SQLite file."""

import argparse
import sys
from pathlib import Path

from bench import dataset, http, matching, measure, reminders, report
from bench.sizes import LARGE, SMALL


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Time Zubia's main pages on a large data set."
    )
    parser.add_argument(
        "--requests", type=int, default=30, help="timed requests per page (default 30)"
    )
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data set")
    parser.add_argument(
        "--database",
        type=Path,
        default=dataset.DATA_DIR / "bench.sqlite3",
        help="the SQLite file of the large data set (default bench/data/bench.sqlite3)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is missed"
    )
    parser.add_argument(
        "--http", action="store_true", help="measure over HTTP (gunicorn and wrk) instead"
    )
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run (--http)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every page (--http)")
    parser.add_argument(
        "--connections", type=int, default=2, help="wrk connections (--http, default 2)"
    )
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def prepare(path, sizes, rebuild, uri=None):
    """An app on the data set of ``sizes`` (built if needed) with the floor views added."""
    app = dataset.make_app(uri or dataset.sqlite_uri(path))
    measure.add_floor(app)
    return app, dataset.ensure(app, path, sizes, rebuild)


def describe(sizes):
    return (
        f"{sizes.organizations:,} organizations, {sizes.contacts:,} contacts, "
        f"{sizes.meetings:,} meetings, {sizes.actions:,} actions, {sizes.matches:,} matches"
    )


def where(uri):
    return "PostgreSQL" if uri.startswith("postgresql") else "SQLite"


def main(argv=None):
    args = parse_args(argv)
    args.database.parent.mkdir(parents=True, exist_ok=True)
    uri = dataset.large_uri(args.database)
    shown = args.database if uri.startswith("sqlite") else "$BENCH_DATABASE_URL"
    print(f"bench: data set {shown} ({describe(LARGE)})", flush=True)
    app, (seconds, reason) = prepare(args.database, LARGE, args.rebuild, uri)
    built = "reused" if seconds is None else f"generated in {seconds:.1f} s"
    why = f" ({reason})" if reason else ""
    print(f"bench: data set {built}{why}", flush=True)
    if args.http:
        figures = http.run(app, uri, args.seconds, args.rounds, args.connections)
        described = f"{describe(LARGE)} on {where(uri)}, {args.rounds} rounds of {args.seconds} s"
        markdown, passed = http.report(*figures, described)
        return publish(markdown, "results-http.md", args.check and not passed)
    print(f"bench: timing {args.requests} requests per page", flush=True)
    results = measure.measure(app, measure.pages(LARGE), args.requests)

    small_app, _ = prepare(None, SMALL, rebuild=True)
    small_label = f"{SMALL.organizations} organizations"
    small_counts = {
        r.page.path: r.query_count for r in measure.measure(small_app, measure.pages(SMALL), 1)
    }

    text, passed = report.targets(results, small_counts, small_label)
    pass_text, pass_ok = reminders.report(app, small_app)
    matching_text, matching_ok = matching.report(app)
    languages_text, languages_ok = matching.multilingual_report()
    markdown = "\n\n".join(
        [
            f"{describe(LARGE)} ({where(uri)}, Flask test client; data set {built}); median and "
            f"95th percentile of {args.requests} requests after {measure.WARMUP} warm-up ones.",
            report.table(results),
            text,
            pass_text,
            matching_text,
            languages_text,
        ]
    )
    passed = passed and pass_ok and matching_ok and languages_ok
    return publish(markdown, "results.md", args.check and not passed)


def publish(markdown, name, failed):
    print(f"\n{markdown}\n")
    results_path = dataset.DATA_DIR / name
    results_path.write_text(markdown + "\n", encoding="utf-8")
    print(f"bench: written to {results_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
