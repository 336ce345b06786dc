"""Visits: planned with their itinerary in the destination's local time, stored in UTC, listed
as upcoming or past, edited by the people on them (SEC-5) without lost updates (DATA-1)."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.visits.models import Direction, Visit, VisitStop
from tests.conftest import sign_in
from tests.visits.conftest import stop_form, visit_form
from tests.visits.factories import get, make_stop, make_visit


def all_rows(app, model):
    with app.app_context():
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def plan(client, user, orgs, **changes):
    response = client.post("/visits/new", data=visit_form(user, orgs["basque"], **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_visit_with_two_stops_in_tokyo_time_is_stored_in_utc(app, client, login, orgs):
    user = login(timezone="Europe/Madrid")
    visit_id = plan(client, user, orgs)
    for day, time in (("2026-11-03", "10:00"), ("2026-11-04", "08:30")):
        response = client.post(
            f"/visits/{visit_id}/stops/new",
            data=stop_form(orgs["mie"], date=day, time=time),
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    (visit,) = all_rows(app, Visit)
    assert (visit.direction, visit.title, visit.owner_id) == (
        Direction.TO_MIE,
        "Basque industry delegation to Mie",
        user.id,
    )
    assert (visit.start_date, visit.end_date) == (date(2026, 11, 2), date(2026, 11, 6))
    assert [s.starts_at for s in all_rows(app, VisitStop)] == [
        datetime(2026, 11, 3, 1, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 23, 30, tzinfo=UTC),  # 08:30 on the 4th in Tsu
    ]
    with app.app_context():
        kinds = db.session.execute(
            select(AuditEvent.entity_type, AuditEvent.action).where(
                AuditEvent.entity_type.like("visit%")
            )
        ).all()
    assert sorted(kinds) == [
        ("visit", "create"),
        ("visit_stop", "create"),
        ("visit_stop", "create"),
    ]


def test_itinerary_shows_destination_time_and_the_readers_time(app, client, login, orgs):
    user = login(timezone="Europe/Madrid")
    visit_id = make_visit(app, user, orgs["basque"])
    make_stop(app, user, orgs["mie"], visit_id, starts_at=datetime(2026, 11, 4, 0, 0, tzinfo=UTC))
    make_stop(app, user, orgs["mie"], visit_id, purpose="Cluster visit")  # 3 Nov 10:00 JST
    html = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    first, second = html.index("Courtesy call"), html.index("Cluster visit")
    assert second < first, "the itinerary is in order of time"
    assert re.search(r"Tuesday, November 3, 2026.*10:00\s?AM.*Cluster visit", html, re.S)
    assert re.search(r"9:00\s?AM</time>.*your time \(Europe/Madrid\): 1:00\s?AM", html, re.S)
    assert 'class="d-flex flex-wrap gap-2 d-print-none"' in html  # the controls do not print
    assert 'href="/guide/"' in html  # the culture guide, for the planning


def test_mie_to_basque_stops_are_entered_in_madrid_time(app, client, login, orgs):
    user = login(timezone="Asia/Tokyo")
    visit_id = plan(client, user, orgs, direction="to_basque_country")
    client.post(f"/visits/{visit_id}/stops/new", data=stop_form(orgs["basque"], time="10:00"))
    (stop,) = all_rows(app, VisitStop)
    assert stop.starts_at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    form = client.get(f"/visits/stops/{stop.id}/edit").get_data(as_text=True)
    assert re.search(r'name="time"[^>]*value="10:00"', form)
    assert "Europe/Madrid" in form


def test_end_before_start_is_refused_next_to_the_field(app, client, login, orgs):
    user = login()
    response = client.post(
        "/visits/new",
        data=visit_form(user, orgs["basque"], start_date="2026-11-06", end_date="2026-11-02"),
    )
    assert response.status_code == 200
    error = re.search(r'id="end_date-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert error and "cannot come before the first day" in error.group(1)
    assert all_rows(app, Visit) == []


def test_dates_cannot_leave_stops_outside_the_visit(app, client, login, orgs):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"])
    make_stop(app, user, orgs["mie"], visit_id)  # on 3 November
    version = str(get(app, Visit, visit_id).version)
    data = visit_form(user, orgs["basque"], start_date="2026-11-04", version=version)
    response = client.post(f"/visits/{visit_id}/edit", data=data)
    assert response.status_code == 200
    assert 'id="end_date-error"' in response.get_data(as_text=True)
    assert get(app, Visit, visit_id).start_date == date(2026, 11, 2)


@pytest.mark.parametrize("day", ["2026-11-01", "2026-11-07"])
def test_a_stop_outside_the_visits_days_is_refused(app, client, login, orgs, day):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"])
    response = client.post(f"/visits/{visit_id}/stops/new", data=stop_form(orgs["mie"], date=day))
    assert response.status_code == 200
    assert 'id="date-error"' in response.get_data(as_text=True)
    assert all_rows(app, VisitStop) == []


def test_nonexistent_local_time_is_refused(app, client, login, orgs):
    user = login()
    visit_id = plan(
        client,
        user,
        orgs,
        direction="to_basque_country",
        start_date="2026-03-27",
        end_date="2026-03-31",
    )
    response = client.post(
        f"/visits/{visit_id}/stops/new",
        data=stop_form(orgs["basque"], date="2026-03-29", time="02:30"),
    )
    assert response.status_code == 200
    error = re.search(r'id="time-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert error and "does not exist in Europe/Madrid" in error.group(1)
    assert all_rows(app, VisitStop) == []


@pytest.mark.parametrize(
    ("occurrence", "status", "expected"),
    [
        ("", 200, None),
        ("1", 302, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ],
)
def test_ambiguous_local_time_needs_its_occurrence(
    app, client, login, orgs, occurrence, status, expected
):
    user = login()
    visit_id = plan(
        client,
        user,
        orgs,
        direction="to_basque_country",
        start_date="2026-10-24",
        end_date="2026-10-26",
    )
    data = stop_form(orgs["basque"], date="2026-10-25", time="02:30", occurrence=occurrence)
    response = client.post(f"/visits/{visit_id}/stops/new", data=data)
    assert response.status_code == status
    stops = all_rows(app, VisitStop)
    assert [s.starts_at for s in stops] == ([expected] if expected else [])
    if status == 200:
        assert 'id="occurrence-error"' in response.get_data(as_text=True)


def test_stop_can_be_edited_and_removed(app, client, login, orgs):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"])
    stop_id = make_stop(app, user, orgs["mie"], visit_id)
    data = stop_form(orgs["mie"], time="15:00", purpose="Cluster visit")
    assert client.post(f"/visits/stops/{stop_id}/edit", data=data).status_code == 302
    stop = get(app, VisitStop, stop_id)
    assert (stop.purpose, stop.starts_at) == ("Cluster visit", datetime(2026, 11, 3, 6, tzinfo=UTC))
    assert client.post(f"/visits/stops/{stop_id}/delete").status_code == 302
    assert get(app, VisitStop, stop_id) is None
    assert client.get(f"/visits/{visit_id}").status_code == 200


def test_lists_split_upcoming_and_past_visits(app, client, login, orgs, at):
    at("2026-11-04T12:00:00+00:00")
    user = login()
    make_visit(
        app,
        user,
        orgs["basque"],
        title="Spring mission",
        start_date=date(2026, 4, 6),
        end_date=date(2026, 4, 10),
    )
    make_visit(app, user, orgs["basque"], title="Ongoing mission")  # 2-6 November
    make_visit(
        app,
        user,
        orgs["basque"],
        title="Winter mission",
        start_date=date(2027, 2, 1),
        end_date=date(2027, 2, 5),
        direction=Direction.TO_BASQUE_COUNTRY,
    )
    upcoming = client.get("/visits/").get_data(as_text=True)
    assert "Ongoing mission" in upcoming and "Winter mission" in upcoming
    assert upcoming.index("Ongoing mission") < upcoming.index("Winter mission")
    assert "Spring mission" not in upcoming
    past = client.get("/visits/?when=past").get_data(as_text=True)
    assert "Spring mission" in past and "Ongoing mission" not in past
    to_basque = client.get("/visits/?direction=to_basque_country").get_data(as_text=True)
    assert "Winter mission" in to_basque and "Ongoing mission" not in to_basque


def test_list_survives_hostile_args(client, login, orgs, app):
    user = login()
    make_visit(app, user, orgs["basque"])
    for args in ("page=abc", f"page={10**9}", f"per_page={10**6}", "when=x", "direction=%00"):
        assert client.get(f"/visits/?{args}").status_code == 200, args


@pytest.mark.parametrize("who", ["other", "participant", "manager"])
def test_sec5_only_the_people_on_the_visit_and_managers_edit_it(
    app, client, login, make_user, orgs, who
):
    owner = make_user()
    participant = make_user()
    visit_id = make_visit(app, owner, orgs["basque"], user_ids=[owner.id, participant.id])
    stop_id = make_stop(app, owner, orgs["mie"], visit_id)
    if who == "participant":
        sign_in(client, participant.email)
    else:
        login(Role.MANAGER if who == "manager" else Role.POINT_OF_CONTACT)
    allowed = who != "other"
    both = [str(owner.id), str(participant.id)]
    version = str(get(app, Visit, visit_id).version)
    attempts = [
        client.get(f"/visits/{visit_id}/edit"),
        client.post(
            f"/visits/{visit_id}/edit",
            data=visit_form(
                owner, orgs["basque"], title="Rewritten", version=version, user_ids=both
            ),
        ),
        client.get(f"/visits/{visit_id}/stops/new"),
        client.post(f"/visits/{visit_id}/stops/new", data=stop_form(orgs["mie"])),
        client.post(f"/visits/stops/{stop_id}/edit", data=stop_form(orgs["mie"], purpose="X")),
        client.post(f"/visits/stops/{stop_id}/meeting"),
    ]
    codes = [r.status_code for r in attempts]
    assert all((c in (200, 302)) if allowed else c == 403 for c in codes), codes
    assert client.get(f"/visits/{visit_id}").status_code == 200  # everyone reads
    html = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert ("Log as meeting" in html or "Open the meeting" in html) == allowed
    if not allowed:
        assert get(app, Visit, visit_id).title == "Basque industry delegation to Mie"
        assert len(all_rows(app, VisitStop)) == 1
        assert client.post(f"/visits/stops/{stop_id}/delete").status_code == 403
        assert client.post(f"/visits/{visit_id}/delete").status_code == 403


def test_data1_visit_edit_with_a_stale_version_is_a_conflict(app, client, login, orgs):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"])
    stale = str(get(app, Visit, visit_id).version)
    first = visit_form(user, orgs["basque"], title="First title", version=stale)
    assert client.post(f"/visits/{visit_id}/edit", data=first).status_code == 302
    second = visit_form(user, orgs["basque"], title="Second title", version=stale)
    clash = client.post(f"/visits/{visit_id}/edit", data=second)
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "First title" in html and "Second title" in html
    assert get(app, Visit, visit_id).title == "First title"


def test_trashed_visit_is_404_everywhere(app, client, login, orgs):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"], title="Cancelled mission")
    stop_id = make_stop(app, user, orgs["mie"], visit_id)
    assert client.post(f"/visits/{visit_id}/delete").status_code == 302
    assert get(app, Visit, visit_id).deleted_at is not None
    for method, url in (
        ("GET", f"/visits/{visit_id}"),
        ("GET", f"/visits/{visit_id}/edit"),
        ("POST", f"/visits/{visit_id}/delete"),
        ("GET", f"/visits/{visit_id}/stops/new"),
        ("GET", f"/visits/stops/{stop_id}/edit"),
        ("POST", f"/visits/stops/{stop_id}/meeting"),
        ("POST", f"/visits/stops/{stop_id}/delete"),
        ("GET", "/visits/99999999"),
        ("GET", "/visits/stops/99999999/edit"),
    ):
        assert client.open(url, method=method).status_code == 404, url
    assert "Cancelled mission" not in client.get("/visits/").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).where(
                    AuditEvent.entity_type == "visit", AuditEvent.action == "delete"
                )
            )
            == 1
        )
