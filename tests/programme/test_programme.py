"""Agreements, success stories and the programme dashboard."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.extensions import db
from crm.matching.models import Match, Stage
from crm.organizations.models import Kind
from crm.programme.models import Agreement, SuccessStory


@pytest.fixture
def institutions(records, make_user, sectors):
    owner = make_user()
    return (
        records.org(owner, name="Eusko Jaurlaritza", kind=Kind.GOVERNMENT),
        records.org(owner, name="Mie Prefectural Government", native_name="三重県庁",
                    kind=Kind.GOVERNMENT, region="mie", country="JP"),
    )  # fmt: skip


def test_an_agreement_with_parties_and_sectors(app, client, login, institutions):
    login()
    response = client.post(
        "/programme/agreements/new",
        data={
            "title": "MoU on industrial cooperation",
            "status": "signed",
            "signed_on": "2024-11-12",
            "party_ids": [str(i) for i in institutions],
            "sector_ids": ["2", "3"],
            "document_url": "https://www.example.org/mou.pdf",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "三重県庁" in page and "Aeronautics" in page and "https://www.example.org/mou.pdf" in page
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signed_on": ""}, "needs its signing date"),
        ({"document_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"party_ids": []}, "This field is required"),
        ({"title": "x" * 201}, "longer than 200"),
    ],
)
def test_agreement_bad_input_is_refused(app, client, login, institutions, change, message):
    login()
    data = {"title": "MoU", "status": "signed", "signed_on": "2024-11-12",
            "party_ids": [str(i) for i in institutions], **change}  # fmt: skip
    response = client.post("/programme/agreements/new", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Agreement)).all() == []


def test_a_success_story_moves_its_match_to_the_last_stage(app, client, login, records, sectors):
    manager = login(Role.MANAGER)
    basque = records.org(manager, name="Precisión Mecánica Urola", kind=Kind.COMPANY)
    mie = records.org(manager, name="Suzuka Precision Parts", region="mie", country="JP")
    client.post("/matching/accept", data={"basque_id": basque, "mie_id": mie})
    with app.app_context():
        match_id = db.session.scalars(select(Match.id)).one()
    response = client.post(
        "/programme/stories/new",
        data={"title": "Machined parts offered together", "achievement": "combined_offering",
              "achieved_on": "2026-10-01", "match_id": str(match_id)},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        from crm.programme.models import story_organizations

        assert set(db.session.scalars(select(story_organizations.c.organization_id))) == {
            basque,
            mie,
        }
        assert db.session.scalars(select(SuccessStory)).one()
        assert db.session.get(Match, match_id).stage is Stage.SUCCESS_STORY
    assert "Machined parts offered together" in client.get("/programme/stories/").get_data(
        as_text=True
    )


def test_a_story_needs_a_match_or_organizations(client, login, sectors):
    login()
    response = client.post(
        "/programme/stories/new",
        data={"title": "Alone", "achievement": "other", "achieved_on": "2026-10-01"},
    )
    assert "Choose the match or the organizations." in response.get_data(as_text=True)


def figures(client, query=""):
    page = client.get(f"/programme/{query}").get_data(as_text=True)
    return {k: int(v) for k, v in re.findall(r'id="figure-([a-z_-]+)">(\d+)', page)}


def test_the_dashboard_counts_what_the_records_hold(app, client, login, records, sectors, at):
    at(datetime(2026, 11, 25, 9, tzinfo=UTC))
    manager = login(Role.MANAGER)
    basque = records.org(manager, name="Ideko", kind=Kind.COMPANY, sector_ids=[1])
    mie = records.org(
        manager, name="Suzuka Parts", kind=Kind.COMPANY, region="mie", country="JP", sector_ids=[1]
    )
    records.meeting(manager, [basque, mie], starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    records.meeting(manager, [basque], starts_at=datetime(2026, 5, 2, 9, tzinfo=UTC))
    before = figures(client)
    assert before["meetings"] == 2 and before["companies-exploring"] == 0
    client.post("/matching/accept", data={"basque_id": basque, "mie_id": mie})
    with app.app_context():
        match_id = db.session.scalars(select(Match.id)).one()
    client.post(f"/matching/{match_id}/stage", data={"stage": "exploring"})
    after = figures(client)
    assert after["companies-exploring"] == 2 and after["exploring"] == 1
    assert figures(client, "?from=2026-Q4&to=2026-Q4")["meetings"] == 1
    assert figures(client, "?sector=9")["meetings"] == 0


def test_the_dashboard_draws_its_charts_as_svg(client, login):
    login()
    page = client.get("/programme/?from=2026Q1&to=2026Q4").get_data(as_text=True)
    assert page.count("<svg") == 7 and "2026 Q3" in page and "<script" not in page.split("<main")[1]


def test_the_dashboard_query_count_does_not_grow_with_records(
    client, login, records, sectors, count_queries
):
    manager = login(Role.MANAGER)
    org = records.org(manager)
    for n in range(3):
        records.meeting(manager, [org], starts_at=datetime(2026, 1 + n, 5, 9, tzinfo=UTC))
    with count_queries() as few:
        client.get("/programme/")
    for n in range(12):
        records.meeting(manager, [org], starts_at=datetime(2025, 1 + n, 5, 9, tzinfo=UTC))
    with count_queries() as many:
        client.get("/programme/")
    assert len(few) == len(many)


def test_an_agreement_shows_the_visits_and_events_that_followed_it(
    app, client, login, institutions
):
    from datetime import date, time

    from crm.events.models import Event, Host
    from crm.visits.models import Direction, Visit

    user = login()
    with app.app_context():
        db.session.add_all(
            [
                Visit(direction=Direction.TO_MIE, title="Before the MoU", owner_id=user.id,
                      start_date=date(2024, 5, 1), end_date=date(2024, 5, 3)),
                Visit(direction=Direction.TO_MIE, title="First mission to Mie", owner_id=user.id,
                      start_date=date(2025, 3, 1), end_date=date(2025, 3, 3)),
                Event(name="Tsu B2B day", city="Tsu", country=Host.JAPAN, owner_id=user.id,
                      start_date=date(2025, 6, 1), end_date=date(2025, 6, 1),
                      session_start=time(9), session_end=time(12)),
            ]
        )  # fmt: skip
        db.session.commit()
    response = client.post(
        "/programme/agreements/new",
        data={"title": "MoU", "status": "signed", "signed_on": "2024-11-12",
              "party_ids": [str(i) for i in institutions]},
    )  # fmt: skip
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "First mission to Mie" in page and "Tsu B2B day" in page
    assert "Before the MoU" not in page
