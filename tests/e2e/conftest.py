"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Layout and accessibility do not depend on the database: the crawl of every page at every
# width for every role (minutes per run) runs on SQLite only; the journeys run on both.
ONE_DATABASE = ("tests/e2e/test_every_page.py",)


def pytest_collection_modifyitems(config, items):
    """Without Debian's Chromium the journeys are skipped (CI turns a skip into a failure)."""
    twice = [
        item
        for item in items
        if item.nodeid.startswith(ONE_DATABASE)
        and getattr(item, "callspec", None)
        and item.callspec.params.get("database_url") == "postgresql"
    ]
    if twice:
        config.hook.pytest_deselected(items=twice)
        items[:] = [item for item in items if item not in twice]
    if not CHROMIUM.exists():
        marker = pytest.mark.skip(reason="Debian's chromium is not installed (/usr/bin/chromium)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(marker)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 on a free port, for as long as the test runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/Madrid"}
