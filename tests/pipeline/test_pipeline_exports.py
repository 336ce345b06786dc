"""The pipeline's lists as CSV: the page's filters, a BOM, no formulas (SEC-10), a history row."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.organizations.models import Organization

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def read_csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.fixture
def manager(login, at):
    at(NOW)
    return login(Role.MANAGER, name="Maite Manager")


def test_quiet_export_neutralises_formulas_and_keeps_japanese(client, manager, records, change):
    for org in (
        records.org(manager, name='=HYPERLINK("http://evil.test","x")'),
        records.org(manager, name="Mie Kogyo", native_name="三重工業", region="mie", country="JP"),
    ):  # added long ago, never contacted: quiet
        change(Organization, org, created_at=NOW - timedelta(days=200))
    rows = read_csv(client.get("/pipeline/export/quiet.csv"))
    assert rows[0][:3] == ["Organization", "Region", "Owner"]
    names = {row[0] for row in rows[1:]}
    assert names == {'\'=HYPERLINK("http://evil.test","x")', "三重工業 (Mie Kogyo)"}
    assert all(row[2] == "Maite Manager" for row in rows[1:])


def test_workload_stages_and_health_exports_follow_the_filters(client, manager, records):
    org = records.org(manager, region="mie", country="JP")
    records.action(manager, organization_id=org, due_date=date(2026, 11, 1))
    records.action(manager, due_date=date(2026, 11, 1))
    workload = read_csv(client.get("/pipeline/export/workload.csv?region=mie"))
    assert workload == [
        ["Person", "Overdue", "Due this week", "Later", "Done in the period"],
        ["Maite Manager", "1", "0", "0", "0"],
    ]
    stages = read_csv(client.get("/pipeline/export/stages.csv"))
    assert stages[0][0] == "Stage" and stages[-1] == ["In no match yet", "0", "", "", "1", "", "0"]
    health = read_csv(client.get("/pipeline/health.csv?period=90"))
    assert health[1][:2] == ["Maite Manager", "2"]
    with client.application.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
        ).all()
    assert [e.entity_type for e in events] == [
        "pipeline-workload",
        "pipeline-stages",
        "coordination-health",
    ]
    assert events[0].changes["filters"] == {"region": "mie", "period": 30}
    assert events[2].changes["filters"]["period"] == 90


def test_an_unknown_list_is_404(client, manager):
    assert client.get("/pipeline/export/secrets.csv").status_code == 404


def test_the_action_list_exports_a_pipeline_bucket(client, manager, records):
    records.action(manager, title="Overdue one", due_date=date(2026, 11, 1))
    records.action(manager, title="Later one", due_date=date(2027, 1, 1))
    rows = read_csv(client.get(f"/actions/export.csv?owner={manager.id}&bucket=overdue"))
    assert [row[rows[0].index("What")] for row in rows[1:]] == ["Overdue one"]
