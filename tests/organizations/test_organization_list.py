"""The organization list: filters, sorting, paging and hostile query strings."""

import re
from datetime import UTC, datetime

import pytest

from crm.accounts.models import Role
from crm.extensions import db
from crm.organizations import services
from crm.organizations.models import Kind, Region
from crm.organizations.models import Organization as Org


def names_in(html):
    """The organization names of the list's rows, in order."""
    return re.findall(r'<td><a href="/organizations/\d+">([^<]+)</a>', html)


def added_in_may(app):
    """Every organization added on 2026-05-01: past its cadence when never contacted."""
    from sqlalchemy import update

    with app.app_context():
        db.session.execute(update(Org).values(created_at=datetime(2026, 5, 1, tzinfo=UTC)))
        db.session.commit()


@pytest.fixture
def catalogue(app, login, make_user, records, sectors, at):
    """Four organizations on both sides of the bridge, the clock standing on 2026-11-20."""
    at("2026-11-20T12:00:00+00:00")
    viewer = login(Role.MANAGER)
    alice = make_user(name="Alice")
    ids = {
        "tecnalia": records.org(
            alice,
            name="Fundación Tecnalia",
            sector_ids=[sectors["automotive"]],
            cadence_days=30,
        ),
        "mie": records.org(
            viewer,
            name="Mie Prefectural Government",
            native_name="三重県庁",
            kind=Kind.GOVERNMENT,
            region=Region.MIE,
            country="JP",
            sector_ids=[sectors["aeronautics"], sectors["automotive"]],
        ),
        "ayto": records.org(
            viewer, name="Ayuntamiento de Bilbao", kind=Kind.GOVERNMENT, cadence_days=30
        ),
        "suzuka": records.org(
            alice,
            name="Suzuka Robotics",
            kind=Kind.COMPANY,
            region=Region.MIE,
            country="JP",
            sector_ids=[sectors["agri-food"]],
        ),
    }
    added_in_may(app)  # never contacted and added long ago: quiet
    # Tecnalia: met 10 days ago (not quiet); Bilbao: met 40 days ago with a 30-day cadence.
    records.meeting(viewer, [ids["tecnalia"]], starts_at=datetime(2026, 11, 10, tzinfo=UTC))
    records.meeting(viewer, [ids["ayto"]], starts_at=datetime(2026, 10, 11, tzinfo=UTC))
    return {"ids": ids, "alice": alice, "viewer": viewer, "sectors": sectors}


FILTERS = [
    ("region=mie", {"三重県庁 (Mie Prefectural Government)", "Suzuka Robotics"}),
    ("region=basque_country", {"Fundación Tecnalia", "Ayuntamiento de Bilbao"}),
    ("kind=government", {"三重県庁 (Mie Prefectural Government)", "Ayuntamiento de Bilbao"}),
    ("kind=government&region=mie", {"三重県庁 (Mie Prefectural Government)"}),
    (
        "quiet=1",
        {"三重県庁 (Mie Prefectural Government)", "Suzuka Robotics", "Ayuntamiento de Bilbao"},
    ),
    ("q=tecnalia", {"Fundación Tecnalia"}),
    ("q=三重", {"三重県庁 (Mie Prefectural Government)"}),
    # a word for a kind or a sector, in any language, finds that kind or sector too
    ("q=行政機関", {"三重県庁 (Mie Prefectural Government)", "Ayuntamiento de Bilbao"}),
    (
        "q=Administración pública",
        {"三重県庁 (Mie Prefectural Government)", "Ayuntamiento de Bilbao"},
    ),
    ("q=aerospace", {"三重県庁 (Mie Prefectural Government)"}),
    ("q=食品", {"Suzuka Robotics"}),
    ("q=自動車産業", {"Fundación Tecnalia", "三重県庁 (Mie Prefectural Government)"}),
    ("region=atlantis", None),  # an unknown value is no filter
    ("kind=' OR 1=1--", None),
]


def test_list_filters(client, catalogue):
    everyone = {
        "Fundación Tecnalia",
        "三重県庁 (Mie Prefectural Government)",
        "Ayuntamiento de Bilbao",
        "Suzuka Robotics",
    }
    for query, expected in FILTERS:
        response = client.get(f"/organizations/?{query}")
        assert response.status_code == 200, query
        assert set(names_in(response.get_data(as_text=True))) == (expected or everyone), query


def test_list_filters_by_sector_and_owner(client, catalogue):
    automotive = catalogue["sectors"]["automotive"]
    html = client.get(f"/organizations/?sector={automotive}").get_data(as_text=True)
    assert set(names_in(html)) == {"Fundación Tecnalia", "三重県庁 (Mie Prefectural Government)"}
    html = client.get(f"/organizations/?owner={catalogue['alice'].id}").get_data(as_text=True)
    assert set(names_in(html)) == {"Fundación Tecnalia", "Suzuka Robotics"}
    html = client.get("/organizations/?owner=99999999").get_data(as_text=True)
    assert names_in(html) == []


def test_list_shows_the_count_of_matches(client, catalogue):
    html = client.get("/organizations/?region=mie").get_data(as_text=True)
    assert re.search(r"Organizations <span[^>]*>\(2\)</span>", html)


SORTS = [
    ("name", ["Ayuntamiento", "Fundación", "Mie", "Suzuka"]),
    ("-name", ["Suzuka", "Mie", "Fundación", "Ayuntamiento"]),
    ("password_hash", ["Ayuntamiento", "Fundación", "Mie", "Suzuka"]),
    ("-password_hash", ["Ayuntamiento", "Fundación", "Mie", "Suzuka"]),
    ("name;DROP TABLE organizations", ["Ayuntamiento", "Fundación", "Mie", "Suzuka"]),
    ("last_contact", None),
    ("-contact_due", None),
    ("kind", None),
    ("region", None),
]


def test_list_sorting_uses_an_allowlist(client, catalogue):
    for sort, expected in SORTS:
        response = client.get("/organizations/", query_string={"sort": sort})
        assert response.status_code == 200, sort
        rows = names_in(response.get_data(as_text=True))
        assert len(rows) == 4, sort
        if expected:
            firsts = ["Mie" if row.startswith("三重県庁") else row.split()[0] for row in rows]
            assert firsts == expected, sort


def test_sort_by_last_contact_puts_the_latest_last(client, catalogue):
    rows = names_in(client.get("/organizations/?sort=last_contact").get_data(as_text=True))
    known = [r for r in rows if r in ("Fundación Tecnalia", "Ayuntamiento de Bilbao")]
    assert known == ["Ayuntamiento de Bilbao", "Fundación Tecnalia"]


HOSTILE_ARGS = [
    "page=abc",
    "page=0",
    "page=-1",
    f"page={10**9}",
    "page=99999",
    "page=１",
    f"per_page={10**6}",
    "per_page=0",
    "per_page=-5",
    "per_page=NaN",
    "page=1&page=2",
    "sector=abc",
    f"sector={2**31}",
    "owner=1;DROP",
    "q=" + "x" * 5000,
]


def test_hostile_paging_and_filter_args_never_give_a_500(client, catalogue):
    for args in HOSTILE_ARGS:
        assert client.get(f"/organizations/?{args}").status_code == 200, args


def test_per_page_is_capped(app, client, login):
    owner = login()
    with app.test_request_context():
        actor = db.session.get(type(owner), owner.id)
        for n in range(105):
            services.create_organization(
                {
                    "name": f"Org {n:03}",
                    "kind": Kind.COMPANY,
                    "region": Region.BASQUE_COUNTRY,
                    "country": "ES",
                    "cadence_days": 90,
                },
                actor=actor,
            )
        db.session.commit()
    default = names_in(client.get("/organizations/").get_data(as_text=True))
    huge = names_in(client.get(f"/organizations/?per_page={10**6}").get_data(as_text=True))
    fifty = names_in(client.get("/organizations/?per_page=50").get_data(as_text=True))
    assert len(default) == 25
    assert len(huge) == 100
    assert len(fifty) == 50
    page_five = names_in(client.get("/organizations/?page=5").get_data(as_text=True))
    assert page_five == [f"Org {n:03}" for n in range(100, 105)]
    beyond = client.get("/organizations/?page=999")
    assert beyond.status_code == 200 and names_in(beyond.get_data(as_text=True)) == []


def test_list_marks_quiet_organizations_overdue(client, catalogue):
    html = client.get("/organizations/?region=basque_country").get_data(as_text=True)
    bilbao_row = html[html.index("Ayuntamiento de Bilbao") :].split("</tr>")[0]
    tecnalia_row = html[html.index("Fundación Tecnalia") :].split("</tr>")[0]
    assert "overdue" in bilbao_row
    assert "overdue" not in tecnalia_row


def test_list_query_count_does_not_grow_with_rows(
    app, client, login, make_user, count_queries, sectors
):
    viewer = login()
    owners = [make_user() for _ in range(3)]

    def add(n):
        with app.test_request_context():
            for i in range(n):
                actor = db.session.get(type(viewer), owners[i % 3].id)
                org = services.create_organization(
                    {
                        "name": f"Org {i}",
                        "kind": Kind.COMPANY,
                        "region": Region.MIE,
                        "country": "JP",
                        "cadence_days": 90,
                        "sector_ids": list(sectors.values())[: 1 + i % 3],
                    },
                    actor=actor,
                )
                assert org.id
            db.session.commit()

    add(3)
    client.get("/organizations/")
    with count_queries() as few:
        assert client.get("/organizations/").status_code == 200
    add(27)
    with count_queries() as many:
        html = client.get("/organizations/").get_data(as_text=True)
    assert len(names_in(html)) == 25
    assert len(many) == len(few), many.statements


def test_quiet_flag_is_a_stored_column(app, catalogue):
    """The quiet filter compares contact_due_at; make sure it follows the cadence."""
    with app.app_context():
        tecnalia = db.session.get(Org, catalogue["ids"]["tecnalia"])
        assert tecnalia.contact_due_at == datetime(2026, 12, 10, tzinfo=UTC)
