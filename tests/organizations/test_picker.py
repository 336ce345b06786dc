"""The organization picker without JavaScript (search, then choose, every value kept), the
contacts that follow it, system accounts never offered as people, and quick due dates in the
user's time zone."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from crm import clock
from crm.accounts.models import Role
from crm.actions.models import Action
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.meetings.views import LOADED
from crm.organizations.models import Kind
from crm.timezones import quick_dates
from tests.meetings.test_meetings import meeting_form


def checked(page, name):
    """The values of the boxes named ``name`` that the page shows ticked."""
    return [
        int(value)
        for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        if " checked" in tag
        for value in re.findall(r'value="(\d+)"', tag)
    ]


def offered(page, name):
    return [int(v) for v in re.findall(rf'name="{name}" value="(\d+)"', page)]


@pytest.fixture
def orgs(records, make_user):
    owner = make_user()
    fagor = records.org(owner, name="Fagor Arrasate", kind=Kind.COMPANY)
    suzuka = records.org(owner, name="Suzuka Precision", native_name="鈴鹿精密", kind=Kind.COMPANY)
    records.contact(owner, fagor, given_name="Miren", family_name="Etxeberria")
    records.contact(owner, fagor, given_name="Jon", family_name="Agirre")
    crowd = records.org(owner, name="Fagor Electrónica")
    for given in ("Ane", "Iker", "Nerea"):
        records.contact(owner, crowd, given_name=given, family_name="Zubia")
    return {"fagor": fagor, "suzuka": suzuka, "crowd": crowd}


def test_search_then_choose_without_javascript_keeps_every_value(app, client, login, orgs):
    user = login()
    typed = meeting_form(user, [orgs["suzuka"]], title="Screening call", location="Tsu")
    found = client.post(
        "/meetings/new",
        data={**typed, "organization_ids-q": "fagor", "_search": "organization_ids"},
    )
    assert found.status_code == 200
    page = found.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Meeting)).all() == []  # a search saves nothing
    # What was typed is still there; the chosen organization stays chosen, the matches are
    # offered unticked, and the search text is kept.
    assert 'value="Screening call"' in page and 'value="Tsu"' in page
    assert checked(page, "organization_ids") == [orgs["suzuka"]]
    assert sorted(offered(page, "organization_ids")) == sorted(orgs.values())
    assert 'name="organization_ids-q" value="fagor"' in page
    assert "is-invalid" not in page  # a search is not a failed save

    chosen = {**typed, "organization_ids": [str(orgs["suzuka"]), str(orgs["fagor"])]}
    assert client.post("/meetings/new", data=chosen).status_code == 302
    with app.app_context():
        (meeting,) = db.session.scalars(select(Meeting).options(*LOADED)).all()
        assert {o.id for o in meeting.organizations} == {orgs["suzuka"], orgs["fagor"]}
        assert (meeting.title, meeting.location) == ("Screening call", "Tsu")


def test_a_search_that_finds_nothing_says_so(client, login, orgs):
    user = login()
    data = {**meeting_form(user, []), "organization_ids-q": "zzz", "_search": "organization_ids"}
    page = client.post("/meetings/new", data=data).get_data(as_text=True)
    assert "No organization matches “zzz”." in page


def test_people_of_an_organization_with_one_or_two_are_preselected(client, login, orgs):
    user = login()
    data = {
        **meeting_form(user, [orgs["fagor"], orgs["crowd"]]),
        "_search": "contact_ids",
    }
    page = client.post("/meetings/new", data=data).get_data(as_text=True)
    fagor_people = set(checked(page, "contact_ids"))
    assert len(fagor_people) == 2  # Fagor's two; the three of the crowd are only offered
    assert len(offered(page, "contact_ids")) == 5

    # Someone unticked on purpose stays unticked: Fagor was seen already.
    kept = sorted(fagor_people)[:1]
    again = {
        **data,
        "contact_ids": [str(i) for i in kept],
        "contact_ids-seen": [str(orgs["fagor"]), str(orgs["crowd"])],
    }
    page = client.post("/meetings/new", data=again).get_data(as_text=True)
    assert checked(page, "contact_ids") == kept


def test_a_real_save_ticks_nobody_for_the_user(app, client, login, orgs):
    user = login()
    assert client.post("/meetings/new", data=meeting_form(user, [orgs["fagor"]])).status_code == 302
    with app.app_context():
        (meeting,) = db.session.scalars(select(Meeting).options(*LOADED)).all()
        assert meeting.contacts == []


def test_the_meeting_form_from_an_organization_preselects_its_people(client, login, orgs):
    login()
    page = client.get(f"/meetings/new?organization_id={orgs['fagor']}").get_data(as_text=True)
    assert len(checked(page, "contact_ids")) == 2
    page = client.get(f"/meetings/new?organization_id={orgs['crowd']}").get_data(as_text=True)
    assert checked(page, "contact_ids") == []


def test_the_contacts_endpoint_follows_the_chosen_organizations(client, login, orgs):
    login()
    page = client.get(
        f"/contacts/options?name=contact_ids&multiple=true&organization_ids={orgs['fagor']}"
        f"&organization_ids={orgs['crowd']}"
    ).get_data(as_text=True)
    assert len(checked(page, "contact_ids")) == 2 and len(offered(page, "contact_ids")) == 5
    assert offered(page, "contact_ids-seen") == [orgs["fagor"], orgs["crowd"]]
    seen = client.get(
        f"/contacts/options?name=contact_ids&multiple=true&organization_ids={orgs['fagor']}"
        f"&seen={orgs['fagor']}"
    ).get_data(as_text=True)
    assert checked(seen, "contact_ids") == []
    # One contact for an action: a radio list with "nobody in particular".
    single = client.get(
        f"/contacts/options?name=contact_id&organization_ids={orgs['crowd']}"
    ).get_data(as_text=True)
    assert 'type="radio" name="contact_id" value=""' in single
    assert checked(single, "contact_id") == []
    assert client.get("/contacts/options?name=not-a-name").status_code == 404


def test_an_actions_single_organization_through_search_then_choose(app, client, login, orgs):
    user = login()
    data = {
        "title": "Send the brochure",
        "owner_id": str(user.id),
        "due_date": "2026-12-01",
        "priority": "normal",
        "organization_id-q": "suzuka",
        "_search": "organization_id",
    }
    page = client.post("/actions/new", data=data).get_data(as_text=True)
    assert f'type="radio" name="organization_id" value="{orgs["suzuka"]}"' in page
    assert 'value="Send the brochure"' in page
    data.pop("_search")
    response = client.post("/actions/new", data={**data, "organization_id": orgs["suzuka"]})
    assert response.status_code == 302
    with app.app_context():
        (action,) = db.session.scalars(select(Action)).all()
        assert (action.organization_id, action.contact_id) == (orgs["suzuka"], None)


def test_a_trashed_or_unknown_organization_cannot_be_chosen(client, login, orgs):
    user = login()
    page = client.post("/meetings/new", data=meeting_form(user, [2**31 - 1]))
    assert page.status_code == 200
    assert "not available any more" in page.get_data(as_text=True)


def test_suggestions_as_json_and_in_a_scope(client, login, orgs):
    login()
    assert client.get("/organizations/suggest?format=json&q=精密").json == [
        {"id": orgs["suzuka"], "label": "鈴鹿精密 (Suzuka Precision)"}
    ]
    # The agreements' parties are institutions: the company Fagor Arrasate is not offered.
    institutions = client.get("/organizations/suggest?format=json&q=fagor&scope=institutions")
    assert institutions.json == [{"id": orgs["crowd"], "label": "Fagor Electrónica"}]
    assert client.get("/organizations/suggest?format=json&q=fagor&scope=nope").status_code == 404


def test_system_accounts_are_never_offered_as_people(app, client, login, make_user, records):
    user = login()
    admin = make_user(Role.ADMIN, email="admin@zubia.example", name="Zubia admin")
    colleague = make_user(name="Iker Zubizarreta")
    for path in ("/meetings/new", "/actions/new", "/visits/new"):
        page = client.get(path).get_data(as_text=True)
        assert "Zubia admin" not in page, path
        assert "Iker Zubizarreta" in page, path
    # A record that already names the system account keeps it offered: saving it again works.
    org = records.org(user)
    action = records.action(user, owner_id=admin.id, organization_id=org)
    page = client.get(f"/actions/{action}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{admin.id}">Zubia admin</option>', page)
    assert colleague.id in offered_options(page, "owner_id")


@pytest.mark.parametrize("owner", [str(10**30), "-1", "0"])
def test_an_owner_id_that_cannot_exist_is_a_message_not_an_error(app, client, login, owner):
    login()
    data = {"title": "Call back", "owner_id": owner, "due_date": "2026-12-01"}
    response = client.post("/actions/new", data={**data, "priority": "normal"})
    assert response.status_code == 200  # the form again, with its message; nothing saved
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Action)).all() == []


def offered_options(page, name):
    select_tag = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.DOTALL).group(0)
    return [int(v) for v in re.findall(r'value="(\d+)"', select_tag)]


@pytest.mark.parametrize(
    ("zone", "tomorrow"),
    [("Europe/Madrid", date(2026, 12, 1)), ("Asia/Tokyo", date(2026, 12, 2))],
)
def test_quick_due_dates_count_from_the_users_today(client, login, zone, tomorrow):
    # 16:30 UTC on 30 November: 17:30 that day in Madrid, already 01:30 on 1 December in Tokyo.
    clock.set_now(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert [day for _, day in quick_dates(zone)] == [
        tomorrow,
        date.fromordinal(tomorrow.toordinal() + 6),
        date.fromordinal(tomorrow.toordinal() + 13),
    ]
    login(timezone=zone)
    for path in ("/actions/new", "/meetings/new"):
        page = client.get(path).get_data(as_text=True)
        days = re.findall(r'data-date="([\d-]+)">([^<]+)</button>', page)
        assert days[:3] == [
            (tomorrow.isoformat(), "Tomorrow"),
            (date.fromordinal(tomorrow.toordinal() + 6).isoformat(), "Next week"),
            (date.fromordinal(tomorrow.toordinal() + 13).isoformat(), "In two weeks"),
        ], path
