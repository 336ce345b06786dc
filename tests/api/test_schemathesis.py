"""Schemathesis (from PyPI) over the whole OpenAPI document, against the app served on a real
socket, with a write token: no 5xx, every response conforming to the document (status codes,
content types, headers, bodies). ``positive_data_acceptance`` is left out: the document cannot
say which ids exist or that a cursor is opaque, so a schema-valid request may rightly get 400
or 422 (an unknown organization, a made-up cursor)."""

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm.accounts.models import Role
from crm.extensions import db
from crm.matching.models import Match
from tests.api.factories import issue_token
from tests.events.factories import event_record
from tests.visits.factories import make_visit

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXECUTABLE = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def served(make_app, sectors):
    app = make_app(API_RATE_LIMIT="1000000 per minute")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def seed(app, records, owner):
    """One record of every collection, so that lists and reads have bodies to check."""
    from crm.organizations.models import Region

    org = records.org(owner)
    partner = records.org(owner, name="Mie University", region=Region.MIE, country="JP")
    records.contact(owner, org)
    meeting = records.meeting(owner, [org, partner])
    records.action(owner, organization_id=org, meeting_id=meeting)
    make_visit(app, owner, org)
    event_record(app, owner, org, "event")
    with app.app_context():
        db.session.add(Match(basque_id=org, mie_id=partner, owner_id=owner.id, reasons={}))
        db.session.commit()


@pytest.mark.skipif(not EXECUTABLE.exists(), reason="schemathesis is a dev dependency")
def test_schemathesis_finds_no_server_error_and_no_response_outside_the_document(
    served, records, make_user
):
    app, base = served
    manager = make_user(Role.MANAGER)
    seed(app, records, manager)
    token = issue_token(app, manager)[1]
    result = subprocess.run(
        [
            str(EXECUTABLE),
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "5",
            "--seed",
            "16",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    summary = result.stdout[result.stdout.find("SUMMARY") :]
    print(summary)  # the run's numbers, for the record (pytest -s shows them)
    failures = result.stdout[result.stdout.find("FAILURES") :][:6000]
    assert result.returncode == 0, failures
    assert re.search(r"Tested: 35", summary), summary
    assert re.search(r"(\d+) generated, \1 passed", summary), summary
