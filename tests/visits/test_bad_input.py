"""Hostile input to the visit and stop forms: a clean form error, never a 500, nothing saved."""

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.visits.models import Visit, VisitStop
from tests.visits.conftest import stop_form, visit_form
from tests.visits.factories import make_visit

BAD_VISITS = [
    ("title", ""),
    ("title", "   \t "),
    ("title", "Delegation\x00"),
    ("title", "Line one\nline two"),
    ("title", "x" * 201),
    ("description", "x" * 20001),
    ("description", "NUL \x00 inside"),
    ("start_date", "2027-02-29"),
    ("start_date", "03/04/2026"),
    ("start_date", ""),
    ("end_date", "2026-13-01"),
    ("end_date", "2026-11-06\x00"),
    ("end_date", "2026-11-01"),  # before the start
    ("direction", "to_mars"),
    ("direction", ""),
    ("lead_organization_id", ""),
    ("lead_organization_id", "abc"),
    ("lead_organization_id", "-1"),
    ("lead_organization_id", "2147483648"),
    ("lead_organization_id", "99999999999999999999"),
    ("user_ids", ["1;DROP"]),
    ("user_ids", ["99999"]),
    ("contact_ids", ["99999"]),
]


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("name", "value"), BAD_VISITS, ids=[f"{n}={v!r:.20}" for n, v in BAD_VISITS]
)
def test_bad_visit_input_is_refused(app, client, login, orgs, name, value):
    user = login()
    response = client.post("/visits/new", data=visit_form(user, orgs["basque"], **{name: value}))
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True) or name in ("user_ids", "contact_ids")
    assert count(app, Visit) == 0


@pytest.mark.parametrize(("name", "value"), BAD_VISITS[:13])
def test_bad_visit_edit_changes_nothing(app, client, login, orgs, name, value):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"])
    data = visit_form(user, orgs["basque"], version="1", **{name: value})
    assert client.post(f"/visits/{visit_id}/edit", data=data).status_code == 200
    with app.app_context():
        assert db.session.get(Visit, visit_id).title == "Basque industry delegation to Mie"


def test_unusual_but_valid_text_is_kept_as_typed(app, client, login, orgs):
    user = login()
    title = "<script>alert(1)</script> {{7*7}} 三重県 e\u0301 👩🏽‍💼"
    assert (
        client.post("/visits/new", data=visit_form(user, orgs["basque"], title=title)).status_code
        == 302
    )
    visit_id = db_visit_id(app)
    html = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "{{7*7}}" in html and "</script> 49" not in html  # not evaluated as a template


def db_visit_id(app):
    with app.app_context():
        return db.session.scalar(select(Visit.id))


BAD_STOPS = [
    ("date", "2027-02-29"),
    ("date", "0001-01-01"),
    ("date", ""),
    ("time", "25:00"),
    ("time", ""),
    ("time", "10:00\x00"),
    ("duration_minutes", "0"),
    ("duration_minutes", "-1"),
    ("duration_minutes", "1441"),
    ("duration_minutes", "2147483648"),
    ("duration_minutes", "１２"),
    ("duration_minutes", "NaN"),
    ("duration_minutes", "1e3"),
    ("host_organization_id", "2147483648"),
    ("host_organization_id", ""),
    ("purpose", ""),
    ("purpose", "p" * 201),
    ("purpose", "\x00"),
    ("place", "x" * 201),
    ("occurrence", "2"),
]


@pytest.mark.parametrize(("name", "value"), BAD_STOPS, ids=[f"{n}={v!r:.20}" for n, v in BAD_STOPS])
def test_bad_stop_input_is_refused(app, client, login, orgs, name, value):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"])
    data = stop_form(orgs["mie"], **{name: value})
    response = client.post(f"/visits/{visit_id}/stops/new", data=data)
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)
    assert count(app, VisitStop) == 0


ODD_PATHS = [
    "/visits/0",
    "/visits/-1",
    "/visits/abc",
    "/visits/1;DROP",
    f"/visits/{2**31}",
    "/visits/stops/99999999999999999999/edit",
]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_ids_in_urls_are_404(client, login, path):
    login()
    assert client.get(path).status_code == 404
