"""Proposals, matches and their stages through the pages."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.extensions import db
from crm.matching.models import Decline, Match, Stage, StageChange
from crm.organizations.models import Kind
from tests.conftest import sign_in


@pytest.fixture
def pair(app, records, make_user):
    from crm.demo.cli import load_sectors

    with app.app_context():
        load_sectors()
        db.session.commit()
    owner = make_user()
    basque = records.org(
        owner,
        name="Precisión Mecánica Urola",
        kind=Kind.COMPANY,
        sector_ids=[3, 4],
        capabilities="Five-axis precision machining of aluminium and titanium parts",
        interests="Japanese aeronautics customers and assembly partners",
        languages="es,en",
    )
    mie = records.org(
        owner,
        name="Suzuka Precision Parts",
        native_name="鈴鹿精密部品株式会社",
        region="mie",
        country="JP",
        kind=Kind.COMPANY,
        sector_ids=[3],
        capabilities="Aeronautics assembly and surface treatment",
        interests="Precision machining suppliers for titanium parts",
        languages="ja,en",
    )
    return owner, basque, mie


def matches(app):
    with app.app_context():
        return db.session.scalars(select(Match)).all()


def test_proposals_show_the_partner_and_why(client, login, pair):
    _, basque, _ = pair
    login()
    page = client.get(f"/matching/organizations/{basque}").get_data(as_text=True)
    assert "鈴鹿精密部品株式会社" in page
    assert "Aeronautics" in page and "machining" in page and "titanium" in page


def test_accepting_creates_a_suggested_match_with_its_history(app, client, login, pair):
    _, basque, mie = pair
    manager = login(Role.MANAGER)
    response = client.post("/matching/accept", data={"basque_id": basque, "mie_id": mie})
    assert response.status_code == 302
    (match,) = matches(app)
    assert (match.stage, match.owner_id, match.score > 0) == (Stage.SUGGESTED, manager.id, True)
    counted = [item["concept"] for item in match.reasons["offers"] + match.reasons["seeks"]]
    assert "titanium" in counted
    # accepted pairs are not proposed again
    page = client.get(f"/matching/organizations/{basque}").get_data(as_text=True)
    assert f'name="mie_id" value="{mie}"' not in page


def test_a_declined_pair_is_not_proposed_again(app, client, login, pair):
    _, basque, mie = pair
    login()
    client.post("/matching/decline", data={"basque_id": basque, "mie_id": mie, "from_id": mie})
    with app.app_context():
        assert db.session.scalars(select(Decline)).one().basque_id == basque
    assert "Urola" not in client.get(f"/matching/organizations/{mie}").get_data(as_text=True)


def test_a_match_between_two_organizations_of_one_region_is_refused(
    app, client, login, pair, records
):
    owner, basque, _ = pair
    other_basque = records.org(owner, name="Ideko")
    login()
    response = client.post(
        "/matching/accept",
        data={"basque_id": basque, "mie_id": other_basque},
        follow_redirects=True,
    )
    assert "one organization of each side" in response.get_data(as_text=True)
    assert matches(app) == []


def test_stages_move_forward_and_back_only_with_a_reason(app, client, login, pair):
    _, basque, mie = pair
    login(Role.MANAGER)
    client.post("/matching/accept", data={"basque_id": basque, "mie_id": mie})
    (match,) = matches(app)
    client.post(f"/matching/{match.id}/stage", data={"stage": "exploring"})
    refused = client.post(
        f"/matching/{match.id}/stage", data={"stage": "introduced"}, follow_redirects=True
    )
    assert "needs a reason" in refused.get_data(as_text=True)
    assert matches(app)[0].stage is Stage.EXPLORING
    client.post(
        f"/matching/{match.id}/stage", data={"stage": "introduced", "reason": "New contact person"}
    )
    closed = client.post(f"/matching/{match.id}/stage", data={"stage": "closed"})
    assert closed.status_code == 302 and matches(app)[0].stage is Stage.INTRODUCED
    with app.app_context():
        history = db.session.scalars(select(StageChange).order_by(StageChange.id)).all()
        assert [(h.from_stage, h.to_stage, h.reason) for h in history] == [
            (None, Stage.SUGGESTED, None),
            (Stage.SUGGESTED, Stage.EXPLORING, None),
            (Stage.EXPLORING, Stage.INTRODUCED, "New contact person"),
        ]


def test_a_point_of_contact_cannot_move_someone_elses_match(app, client, login, pair, make_user):
    _, basque, mie = pair
    with app.test_request_context():
        from crm.accounts.models import User
        from crm.matching.services import accept

        manager = make_user(Role.MANAGER)
        match = accept(basque, mie, actor=db.session.get(User, manager.id))
        db.session.commit()
        match_id = match.id
    login()  # neither the match's owner nor either organization's
    assert (
        client.post(f"/matching/{match_id}/stage", data={"stage": "exploring"}).status_code == 403
    )


def test_the_board_groups_by_stage_and_flags_stuck_matches(app, client, login, pair, at):
    _, basque, mie = pair
    at(datetime(2026, 9, 1, 9, tzinfo=UTC))
    manager = login(Role.MANAGER)
    client.post("/matching/accept", data={"basque_id": basque, "mie_id": mie})
    at(datetime(2026, 9, 1, 9, tzinfo=UTC) + timedelta(days=45, minutes=30))
    client = app.test_client()  # the first session has long expired
    sign_in(client, manager.email)
    page = client.get("/matching/").get_data(as_text=True)
    assert "45 days in this stage" in page and "text-danger" in page
    assert "Suzuka Precision Parts" in client.get("/matching/?sector=3").get_data(as_text=True)
    assert "Suzuka Precision Parts" not in client.get("/matching/?sector=9").get_data(as_text=True)
    queries = {"region=mie": True, "region=other_europe": False,
               f"owner={manager.id}": True, f"owner={manager.id + 99}": False}  # fmt: skip
    for query, shown in queries.items():
        page = client.get(f"/matching/?{query}").get_data(as_text=True)
        assert ("Suzuka Precision Parts" in page) is shown, query


def test_meetings_and_actions_link_to_the_match(app, client, login, pair):
    _, basque, mie = pair
    login(Role.MANAGER)
    client.post("/matching/accept", data={"basque_id": basque, "mie_id": mie})
    (match,) = matches(app)
    client.post(
        f"/actions/new?match_id={match.id}",
        data={"title": "Send NDA", "owner_id": match.owner_id, "due_date": "2026-12-01",
              "priority": "normal", "organization_id": str(basque)},
    )  # fmt: skip
    assert "Send NDA" in client.get(f"/matching/{match.id}").get_data(as_text=True)
