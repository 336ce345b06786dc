"""Next actions: My actions in the reader's own day, marking done (plain and htmx),
repeating actions, edit conflicts (DATA-1), bad input and query counts."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.actions import services
from crm.actions.models import Action, RepeatUnit, Status
from crm.extensions import db
from crm.organizations.models import Region
from tests.conftest import sign_in


def section(html, key):
    """The list items of one group of My actions."""
    start = html.index(f'aria-labelledby="group-{key}"')
    return html[start : html.index("</section>", start)]


def titles(html):
    return re.findall(r'<a href="/actions/\d+/edit">([^<]+)</a>', html)


def actions_in(app):
    with app.app_context():
        rows = db.session.scalars(select(Action).order_by(Action.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def action_form(owner, **changes):
    data = {
        "title": "Send the brochure",
        "details": "",
        "owner_id": str(owner.id),
        "due_date": "2026-12-01",
        "priority": "normal",
        "organization_id": "",
        "contact_id": "",
        "repeat_every": "",
        "repeat_unit": "",
    }
    data.update(changes)
    return data


DUE = {
    "two days ago": date(2026, 3, 28),
    "the 29th": date(2026, 3, 29),
    "the 30th": date(2026, 3, 30),
    "the 31st": date(2026, 3, 31),
    "in a week": date(2026, 4, 6),
    "in eight days": date(2026, 4, 7),
}


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        # 2026-03-29T15:30Z is already 00:30 on the 30th in Tokyo ...
        (
            "Asia/Tokyo",
            {
                "overdue": ["two days ago", "the 29th"],
                "today": ["the 30th"],
                "week": ["the 31st", "in a week"],
                "later": ["in eight days"],
            },
        ),
        # ... but still 17:30 on the 29th in Madrid (summer time began that night).
        (
            "Europe/Madrid",
            {
                "overdue": ["two days ago"],
                "today": ["the 29th"],
                "week": ["the 30th", "the 31st"],
                "later": ["in a week", "in eight days"],
            },
        ),
        (
            "UTC",
            {
                "overdue": ["two days ago"],
                "today": ["the 29th"],
                "week": ["the 30th", "the 31st"],
                "later": ["in a week", "in eight days"],
            },
        ),
    ],
)
def test_my_actions_are_grouped_in_the_users_own_day(
    client, login, make_user, records, at, zone, expected
):
    at("2026-03-29T15:30:00+00:00")
    user = login(timezone=zone)
    for title, due in DUE.items():
        records.action(user, title=title, due_date=due)
    records.action(make_user(), title="someone else's", due_date=date(2026, 3, 29))
    done = records.action(user, title="already done", due_date=date(2026, 3, 28))
    client.post(f"/actions/{done}/status", data={"status": "done"})
    html = client.get("/actions/mine").get_data(as_text=True)
    for key, wanted in expected.items():
        assert titles(section(html, key)) == wanted, key
    assert sorted(titles(html)) == sorted(DUE)  # not someone else's, not the done one


def test_mark_done_from_the_list_redirects_back(app, client, login, records):
    user = login()
    action_id = records.action(user, title="Send the brochure")
    response = client.post(
        f"/actions/{action_id}/status", data={"status": "done", "next": "/actions/mine"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/actions/mine"
    (action,) = actions_in(app)
    assert action.status is Status.DONE and action.completed_at is not None
    page = client.get("/actions/mine").get_data(as_text=True)
    assert "Done: Send the brochure." in page
    assert "Send the brochure</a>" not in page


@pytest.mark.parametrize("target", ["//evil.test", "https://evil.test/", "/\\evil.test"])
def test_mark_done_ignores_an_unsafe_next(client, login, records, target):
    user = login()
    action_id = records.action(user)
    response = client.post(f"/actions/{action_id}/status", data={"status": "done", "next": target})
    assert response.headers["Location"] == "/"


def test_mark_done_with_htmx_returns_the_row_fragment(app, client, login, records):
    user = login()
    action_id = records.action(user, title="Send the brochure")
    response = client.post(
        f"/actions/{action_id}/status",
        data={"status": "done"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert f'id="action-{action_id}"' in html
    assert "<del>Send the brochure</del> — Done" in html
    assert actions_in(app)[0].status is Status.DONE


def test_reopening_returns_the_open_row(app, client, login, records):
    user = login()
    action_id = records.action(user, title="Send the brochure")
    client.post(f"/actions/{action_id}/status", data={"status": "done"})
    response = client.post(
        f"/actions/{action_id}/status", data={"status": "open"}, headers={"HX-Request": "true"}
    )
    assert "Mark done" in response.get_data(as_text=True)
    action = actions_in(app)[0]
    assert action.status is Status.OPEN and action.completed_at is None


@pytest.mark.parametrize("status", ["", "deleted", "DONE", "open\x00"])
def test_unknown_status_is_a_bad_request(app, client, login, records, status):
    user = login()
    records.action(user)
    assert client.post("/actions/1/status", data={"status": status}).status_code == 400
    assert actions_in(app)[0].status is Status.OPEN


@pytest.mark.parametrize(
    ("due", "every", "unit", "expected"),
    [
        (date(2027, 1, 31), 1, RepeatUnit.MONTHS, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, RepeatUnit.MONTHS, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, RepeatUnit.MONTHS, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, RepeatUnit.MONTHS, date(2027, 1, 15)),
        (date(2026, 12, 28), 1, RepeatUnit.WEEKS, date(2027, 1, 4)),
        (date(2027, 2, 22), 2, RepeatUnit.WEEKS, date(2027, 3, 8)),
        (date(2026, 1, 31), 12, RepeatUnit.MONTHS, date(2027, 1, 31)),
    ],
)
def test_completing_a_repeating_action_creates_the_next_one(
    app, client, login, records, due, every, unit, expected
):
    user = login()
    action_id = records.action(
        user, title="Monthly report", due_date=due, repeat_every=every, repeat_unit=unit
    )
    response = client.post(
        f"/actions/{action_id}/status", data={"status": "done"}, headers={"HX-Request": "true"}
    )
    assert "Next one due on" in response.get_data(as_text=True)
    done, following = actions_in(app)
    assert done.status is Status.DONE
    assert (following.title, following.status, following.due_date) == (
        "Monthly report",
        Status.OPEN,
        expected,
    )
    assert (following.repeat_every, following.repeat_unit) == (every, unit)
    assert following.owner_id == user.id


def test_cancelling_a_repeating_action_creates_no_next_one(app, client, login, records):
    user = login()
    action_id = records.action(
        user, due_date=date(2027, 1, 31), repeat_every=1, repeat_unit=RepeatUnit.MONTHS
    )
    client.post(f"/actions/{action_id}/status", data={"status": "cancelled"})
    (action,) = actions_in(app)
    assert action.status is Status.CANCELLED


def test_marking_done_twice_creates_only_one_next_one(app, client, login, records):
    user = login()
    action_id = records.action(
        user, due_date=date(2027, 1, 31), repeat_every=1, repeat_unit=RepeatUnit.WEEKS
    )
    for _ in range(2):
        client.post(f"/actions/{action_id}/status", data={"status": "done"})
    assert len(actions_in(app)) == 2


def test_repeating_action_created_through_the_form(app, client, login):
    user = login()
    data = action_form(user, due_date="2027-01-31", repeat_every="1", repeat_unit="months")
    assert client.post("/actions/new", data=data).status_code == 302
    (action,) = actions_in(app)
    assert (action.repeat_every, action.repeat_unit) == (1, RepeatUnit.MONTHS)


def test_repeat_every_without_a_unit_is_refused(app, client, login):
    user = login()
    response = client.post("/actions/new", data=action_form(user, repeat_every="2"))
    assert response.status_code == 200
    assert 'id="repeat_unit-error"' in response.get_data(as_text=True)
    assert actions_in(app) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("due_date", "2027-02-29"),
        ("due_date", ""),
        ("due_date", "01/02/2027"),
        ("title", ""),
        ("title", "x\x00"),
        ("repeat_every", "0"),
        ("repeat_every", "53"),
        ("repeat_every", "１２"),
        ("repeat_every", "2147483648"),
        ("repeat_unit", "days"),
        ("priority", "urgent"),
        ("owner_id", "99999999"),
        ("owner_id", "abc"),
        ("organization_id", "99999999"),
    ],
)
def test_bad_action_input_is_refused(app, client, login, field, value):
    user = login()
    response = client.post("/actions/new", data=action_form(user, **{field: value}))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert actions_in(app) == []


def test_action_contact_must_belong_to_the_chosen_organization(app, client, login, records):
    user = login()
    tecnalia = records.org(user, name="Fundación Tecnalia")
    mie = records.org(user, name="Mie", region=Region.MIE, country="JP")
    taro = records.contact(user, mie, given_name="Taro")
    data = action_form(user, organization_id=str(tecnalia), contact_id=str(taro))
    assert client.post("/actions/new", data=data).status_code == 200
    data = action_form(user, organization_id=str(mie), contact_id=str(taro))
    assert client.post("/actions/new", data=data).status_code == 302
    assert [(a.organization_id, a.contact_id) for a in actions_in(app)] == [(mie, taro)]


def test_sec5_point_of_contact_cannot_touch_someone_elses_action(
    app, client, login, make_user, records
):
    owner = make_user()
    action_id = records.action(owner, title="Theirs")
    user = login()
    assert client.post(f"/actions/{action_id}/status", data={"status": "done"}).status_code == 403
    assert (
        client.post(f"/actions/{action_id}/edit", data=action_form(user, version="1")).status_code
        == 403
    )
    assert client.post(f"/actions/{action_id}/delete").status_code == 403
    (action,) = actions_in(app)
    assert (action.title, action.status, action.deleted_at) == ("Theirs", Status.OPEN, None)


def test_the_assignee_and_the_assigner_may_both_mark_done(app, client, login, make_user, records):
    user = login()
    colleague = make_user()
    given = records.action(user, title="Given away", owner_id=colleague.id)
    assert client.post(f"/actions/{given}/status", data={"status": "done"}).status_code == 302
    other = app.test_client()
    sign_in(other, colleague.email)
    received = records.action(user, title="Second", owner_id=colleague.id)
    assert other.post(f"/actions/{received}/status", data={"status": "done"}).status_code == 302
    assert {a.status for a in actions_in(app)} == {Status.DONE}


def test_data1_second_save_gets_conflict_page(app, client, login, make_user, records):
    owner = login()
    action_id = records.action(owner, title="Send the brochure")
    other = app.test_client()
    assert sign_in(other, make_user(Role.MANAGER).email).status_code == 302
    form_a = client.get(f"/actions/{action_id}/edit").get_data(as_text=True)
    form_b = other.get(f"/actions/{action_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form_a).group(1)
    assert re.search(rf'name="version"[^>]*value="{version}"', form_b)

    first = client.post(
        f"/actions/{action_id}/edit",
        data=action_form(owner, title="Send the Japanese brochure", version=version),
    )
    assert first.status_code == 302
    second = other.post(
        f"/actions/{action_id}/edit",
        data=action_form(owner, title="Send the Basque brochure", version=version),
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Send the Japanese brochure" in html and "Send the Basque brochure" in html
    assert actions_in(app)[0].title == "Send the Japanese brochure"


def test_data1_marking_done_moves_the_version_on(app, client, login, records):
    """A form loaded before the action was marked done cannot silently reopen or rename it."""
    user = login()
    action_id = records.action(user, title="Send the brochure")
    version = re.search(
        r'name="version"[^>]*value="(\d+)"',
        client.get(f"/actions/{action_id}/edit").get_data(as_text=True),
    ).group(1)
    client.post(f"/actions/{action_id}/status", data={"status": "done"})
    stale = client.post(
        f"/actions/{action_id}/edit", data=action_form(user, title="Renamed", version=version)
    )
    assert stale.status_code == 409
    assert actions_in(app)[0].title == "Send the brochure"


def test_my_actions_query_count_does_not_grow_with_rows(
    app, client, login, make_user, records, count_queries, at
):
    at("2026-03-29T15:30:00+00:00")
    user = login(timezone="Asia/Tokyo")
    creators = [make_user() for _ in range(3)]
    org = records.org(user, name="Mie", region=Region.MIE, country="JP")
    contact = records.contact(user, org, given_name="Taro")
    days = [date(2026, 3, 28), date(2026, 3, 30), date(2026, 4, 2), date(2026, 5, 1)]

    def add(start, stop):
        with app.test_request_context():
            for i in range(start, stop):
                services.create_action(
                    {
                        "title": f"Action {i}",
                        "owner_id": user.id,
                        "due_date": days[i % len(days)],
                        "organization_id": org,
                        "contact_id": contact,
                        "repeat_every": 1 if i % 2 else None,
                        "repeat_unit": RepeatUnit.WEEKS if i % 2 else None,
                    },
                    actor=db.session.get(User, creators[i % 3].id),
                )
            db.session.commit()

    add(0, 4)
    client.get("/actions/mine")
    with count_queries() as few:
        assert client.get("/actions/mine").status_code == 200
    add(4, 30)
    with count_queries() as many:
        html = client.get("/actions/mine").get_data(as_text=True)
    assert "Action 29" in html
    assert len(many) == len(few), many.statements


def test_trashed_action_disappears_from_my_actions(client, login, records):
    user = login()
    action_id = records.action(user, title="Send the brochure")
    assert client.post(f"/actions/{action_id}/delete").status_code == 302
    assert "Send the brochure" not in client.get("/actions/mine").get_data(as_text=True)
    assert client.get(f"/actions/{action_id}/edit").status_code == 404
    assert client.post(f"/actions/{action_id}/status", data={"status": "done"}).status_code == 404
