"""Bulk reassignment: a preview of exactly what moves, then one move with its history."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role, User
from crm.actions.models import Action, Status
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.matching.models import Match, Stage
from crm.organizations.models import Organization, Sector

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def leaving(app, login, make_user, records, make_match, change, at):
    """A manager signed in; Ane leaves with open and done actions, organizations and matches."""
    at(NOW)
    login(Role.MANAGER)
    ane, mikel = make_user(name="Ane Arana"), make_user(name="Mikel Goikoetxea")
    org = records.org(ane, name="Tecnalia")
    mie = records.org(ane, name="Mie University", region="mie", country="JP")
    trashed = records.org(ane, name="In the trash")
    change(Organization, trashed, deleted_at=NOW)
    ids = {
        "overdue": records.action(ane, organization_id=org, due_date=date(2026, 11, 1)),
        "later": records.action(ane, due_date=date(2027, 1, 1)),
        "done": records.action(ane, due_date=date(2026, 11, 1)),
        "org": org,
        "mie": mie,
        "trashed": trashed,
        "match": make_match(org, mie, Stage.EXPLORING, NOW, ane),
        "closed": make_match(mie, org, Stage.CLOSED, NOW, ane),
    }
    change(Action, ids["done"], status=Status.DONE, completed_at=NOW)
    return ane, mikel, ids


def owner_of(app, model, record_id):
    with app.app_context():
        return db.session.get(model, record_id).owner_id


def audit_rows(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def preview(client, source, target, **scope):
    response = client.get(
        "/pipeline/reassign", query_string={"from_user": source.id, "to_user": target.id, **scope}
    )
    html = response.get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html)
    return response, html, fingerprint.group(1) if fingerprint else None


def test_the_preview_lists_what_moves_and_writes_nothing(app, client, leaving):
    ane, mikel, ids = leaving
    before = audit_rows(app)
    response, html, fingerprint = preview(client, ane, mikel)
    assert response.status_code == 200
    assert "Open actions (2)" in html and "Organizations (2)" in html
    assert "Matches under way (1)" in html and "Tecnalia ↔ Mie University" in html
    assert "Move 5 records" in html and fingerprint
    assert audit_rows(app) == before
    assert owner_of(app, Action, ids["overdue"]) == ane.id


def test_moving_gives_everything_under_way_to_the_other_person_with_history(app, client, leaving):
    ane, mikel, ids = leaving
    _, _, fingerprint = preview(client, ane, mikel)
    with app.app_context():
        old_version = db.session.get(Action, ids["overdue"]).version
    response = client.post(
        "/pipeline/reassign",
        data={"from_user": ane.id, "to_user": mikel.id, "fingerprint": fingerprint},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/pipeline/?owner={mikel.id}"
    for model, key in ((Action, "overdue"), (Action, "later"), (Organization, "org"),
                       (Organization, "mie"), (Match, "match")):  # fmt: skip
        assert owner_of(app, model, ids[key]) == mikel.id, key
    for model, key in ((Action, "done"), (Organization, "trashed"), (Match, "closed")):
        assert owner_of(app, model, ids[key]) == ane.id, key
    with app.app_context():
        assert db.session.get(Action, ids["overdue"]).version == old_version + 1
        history = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "organization",
                AuditEvent.entity_id == ids["org"],
                AuditEvent.action == "update",
            )
        ).all()
    assert history[-1].changes == {"owner": ["Ane Arana", "Mikel Goikoetxea"]}
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Moved from Ane Arana to Mikel Goikoetxea: 2 open actions, 2 organizations, "
        "1 matches under way." in followed
    )
    page = client.get(f"/organizations/{ids['org']}").get_data(as_text=True)
    assert "Mikel Goikoetxea" in page


def test_from_a_filtered_list_only_its_open_actions_move(app, client, leaving, records, sectors):
    ane, mikel, ids = leaving
    with app.app_context():
        robotics = db.session.scalar(select(Sector.id).where(Sector.code == "robotics"))
    robots = records.org(ane, name="Robots", sector_ids=[robotics])
    in_sector = records.action(ane, organization_id=robots, due_date=date(2026, 11, 2))
    scope = {"bucket": "overdue", "sector": robotics}
    actions_list = client.get("/actions/", query_string={"owner": ane.id, **scope}).get_data(
        as_text=True
    )
    assert "Reassign these actions" in actions_list
    _, html, fingerprint = preview(client, ane, mikel, **scope)
    assert "Open actions (1)" in html and "Organizations (" not in html
    response = client.post(
        f"/pipeline/reassign?bucket=overdue&sector={robotics}",
        data={"from_user": ane.id, "to_user": mikel.id, "fingerprint": fingerprint},
    )
    assert response.status_code == 302
    assert f"owner={mikel.id}" in response.headers["Location"]
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moved from Ane Arana to Mikel Goikoetxea: 1 open actions." in followed
    assert "bucket=overdue" in response.headers["Location"]
    assert owner_of(app, Action, in_sector) == mikel.id
    assert owner_of(app, Action, ids["overdue"]) == ane.id  # overdue, but not in the sector
    assert owner_of(app, Organization, robots) == ane.id


def test_a_change_after_the_preview_stops_the_move(app, client, leaving, records):
    ane, mikel, ids = leaving
    _, _, fingerprint = preview(client, ane, mikel)
    records.action(ane, due_date=date(2026, 12, 1))  # someone gives Ane one more meanwhile
    before = audit_rows(app)
    response = client.post(
        "/pipeline/reassign",
        data={"from_user": ane.id, "to_user": mikel.id, "fingerprint": fingerprint},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed since the preview" in html and "Open actions (3)" in html
    assert owner_of(app, Action, ids["overdue"]) == ane.id
    assert audit_rows(app) == before


@pytest.mark.parametrize("target", ["same", "inactive", "unknown"])
def test_the_person_who_takes_over_must_be_someone_else_and_active(
    app, client, leaving, make_user, target
):
    ane, _, ids = leaving
    to = {"same": ane.id, "inactive": make_user(active=False).id, "unknown": 99999}[target]
    response = client.post("/pipeline/reassign", data={"from_user": ane.id, "to_user": to})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="to_user-error"' in html
    assert owner_of(app, Action, ids["overdue"]) == ane.id


def test_done_actions_are_not_reassigned(client, leaving):
    ane, mikel, _ = leaving
    assert preview(client, ane, mikel, bucket="done")[0].status_code == 404


def test_a_point_of_contact_cannot_reassign(app, client, login, make_user, records):
    client.post("/logout")
    me = login()
    other = make_user()
    action = records.action(me, due_date=date(2026, 12, 1))
    response = client.post("/pipeline/reassign", data={"from_user": me.id, "to_user": other.id})
    assert response.status_code == 403
    assert owner_of(app, Action, action) == me.id
    with app.app_context():
        assert db.session.get(User, me.id).role is Role.POINT_OF_CONTACT


def test_arriving_with_the_person_chosen_asks_for_the_other_without_an_error(client, leaving):
    ane, _, _ = leaving
    html = client.get(f"/pipeline/reassign?from_user={ane.id}&bucket=overdue").get_data(
        as_text=True
    )
    assert f'<option selected value="{ane.id}">' in html
    assert "to_user-error" not in html and "Open actions (" not in html
    assert "Only the open actions of the filtered list move." in html
