"""The search box: either script, accents and case ignored, LIKE wildcards literal, and
nothing from the trash (DATA-4)."""

import re
from datetime import UTC, datetime

import pytest

from crm.accounts.models import Role
from crm.organizations.models import Kind, Region


def found(html, group):
    """The names listed in one group of results."""
    start = html.index(f'aria-labelledby="results-{group}"')
    block = html[start : html.index("</section>", start)]
    return re.findall(r'<a href="/[a-z]+/\d+">([^<]+)</a>', block)


def search(client, query, group="organizations"):
    response = client.get("/search/", query_string={"q": query})
    assert response.status_code == 200
    return found(response.get_data(as_text=True), group)


@pytest.fixture
def world(login, records):
    user = login(Role.MANAGER)
    ids = {
        "mie": records.org(
            user,
            name="Mie Prefectural Government",
            native_name="三重県庁",
            kind=Kind.GOVERNMENT,
            region=Region.MIE,
            country="JP",
        ),
        "tecnalia": records.org(user, name="Fundación Tecnalia"),
        "percent": records.org(user, name="100% Basque Food"),
        "underscore": records.org(user, name="Snake_case Robotics"),
        "backslash": records.org(user, name="Back\\slash Systems"),
        "kana": records.org(
            user, name="Suzuka Circuit", native_name="鈴鹿ｻｰｷｯﾄ", region=Region.MIE, country="JP"
        ),
    }
    ids["taro"] = records.contact(
        user,
        ids["mie"],
        name_order="japanese",
        given_name="Taro",
        family_name="Yamada",
        native_name="山田 太郎",
        reading="やまだ たろう",
        email="t.yamada@pref.mie.example",
    )
    ids["ane"] = records.contact(user, ids["tecnalia"], given_name="Ane", family_name="Núñez")
    ids["meeting"] = records.meeting(
        user,
        [ids["mie"]],
        title="Visita a Mie: reunión",
        starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )
    return ids


MIE = "三重県庁 (Mie Prefectural Government)"


def test_mie_is_found_in_either_script_and_any_case(client, world):
    for query in (
        "三重",
        "三重県庁",
        "Mie",
        "mie",
        "MIE",
        "ＭＩＥ",
        "  prefectural   government ",
        "県庁",
    ):
        assert search(client, query) == [MIE], query


def test_accents_and_case_are_ignored(client, world):
    for query in ("fundacion", "FUNDACIÓN", "Fundación", "fundacio\u0301n"):
        assert search(client, query) == ["Fundación Tecnalia"], query


def test_half_width_katakana_matches_full_width(client, world):
    assert search(client, "サーキット") == ["鈴鹿ｻｰｷｯﾄ (Suzuka Circuit)"]


def test_like_wildcards_are_literal(client, world):
    cases = [
        ("%", ["100% Basque Food"]),
        ("0%", ["100% Basque Food"]),
        ("_", ["Snake_case Robotics"]),
        ("e_c", ["Snake_case Robotics"]),
        ("\\", ["Back\\slash Systems"]),
        ("%%", []),
        ("M_e", []),
        ("M%t", []),
    ]
    for query, expected in cases:
        assert search(client, query) == expected, query


def test_contacts_are_found_by_any_name_reading_or_email(client, world):
    taro = ["山田 太郎 (Yamada Taro)"]
    for query, expected in [
        ("yamada", taro),
        ("山田", taro),
        ("やまだ", taro),
        ("pref.mie", taro),
        ("nunez", ["Ane Núñez"]),
    ]:
        assert search(client, query, "contacts") == expected, query


def test_meetings_are_found_by_title(client, world):
    assert search(client, "reunion", "meetings") == ["Visita a Mie: reunión"]


def test_data4_search_excludes_trashed_records(client, world):
    assert client.post(f"/organizations/{world['mie']}/delete").status_code == 302
    assert client.post(f"/contacts/{world['ane']}/delete").status_code == 302
    assert client.post(f"/meetings/{world['meeting']}/delete").status_code == 302
    assert search(client, "三重") == []
    assert search(client, "yamada", "contacts") == []  # went with its organization
    assert search(client, "nunez", "contacts") == []
    assert search(client, "reunion", "meetings") == []
    assert search(client, "fundacion") == ["Fundación Tecnalia"]


def test_more_than_ten_matches_show_the_total(client, login, records):
    user = login()
    for n in range(12):
        records.org(user, name=f"Mie Company {n:02}", region=Region.MIE, country="JP")
    html = client.get("/search/?q=mie+company").get_data(as_text=True)
    assert len(found(html, "organizations")) == 10
    assert re.search(r"Organizations <span[^>]*>\(12\)</span>", html)
    assert re.search(r'href="/organizations/\?q=mie(\+|%20)company"', html)  # see them all


def test_hostile_queries_never_give_a_500_and_are_echoed_escaped(client, world):
    for query in (
        "' OR 1=1--",
        "x" * 5000,
        "<script>alert(1)</script>",
        "{{7*7}}",
        " ",
        "",
    ):
        response = client.get("/search/", query_string={"q": query})
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert "<script>alert(1)" not in html
    assert 'value="{{7*7}}"' in client.get("/search/?q={{7*7}}").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    ["/search/", "/organizations/", "/contacts/", "/meetings/", "/organizations/suggest"],
)
@pytest.mark.parametrize("query", ["\x00", "mie\x00"], ids=["nul", "mie-nul"])
def test_a_nul_byte_in_a_search_query_never_gives_a_500(client, world, url, query):
    assert client.get(url, query_string={"q": query}).status_code == 200
