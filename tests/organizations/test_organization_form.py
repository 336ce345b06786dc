"""Creating and editing organizations through the form: good data, bad data, and who may."""

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.organizations.models import Kind, Organization, Region, Sector, organization_sectors
from tests.organizations.conftest import form_values, org_form


def count_orgs(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Organization))


def test_create_japanese_organization_with_sectors_shows_on_list_and_detail(
    app, client, login, sectors
):
    user = login()
    response = client.post(
        "/organizations/new",
        data=org_form(sector_ids=[sectors["automotive"], sectors["aeronautics"]]),
    )
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organization))
        assert (org.name, org.native_name) == ("Mie Prefectural Government", "三重県庁")
        assert (org.kind, org.region, org.country) == (Kind.GOVERNMENT, Region.MIE, "JP")
        assert org.owner_id == user.id
        codes = db.session.scalars(
            select(Sector.code).join(organization_sectors).order_by(Sector.code)
        ).all()
        assert codes == ["aeronautics", "automotive"]
    assert response.headers["Location"] == f"/organizations/{org.id}"

    detail = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "三重県庁" in detail and "Mie Prefectural Government" in detail
    assert "Automotive" in detail and "Aeronautics" in detail and "Agri-food" not in detail
    assert "Mie Prefecture" in detail  # the region

    listing = client.get("/organizations/").get_data(as_text=True)
    assert "三重県庁 (Mie Prefectural Government)" in listing
    assert "Automotive, Aeronautics" in listing


def test_create_without_a_name_shows_the_error_next_to_the_field(app, client, login):
    login()
    response = client.post("/organizations/new", data=org_form(name="  \t "))
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert count_orgs(app) == 0


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "//evil.test",
        "/\\evil.test",
        "http:///x",
        "ftp://files.example",
    ],
)
def test_sec8_website_accepts_only_http_and_https(app, client, login, website):
    login()
    response = client.post("/organizations/new", data=org_form(website=website))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="website-error"' in html
    assert 'href="javascript:' not in html.lower()
    assert count_orgs(app) == 0


@pytest.mark.parametrize("website", ["https://mie.example/\x00", "https://mie\x00.example/"])
def test_website_with_a_nul_byte_is_refused(app, client, login, website):
    login()
    response = client.post("/organizations/new", data=org_form(website=website))
    assert response.status_code == 200
    assert 'id="website-error"' in response.get_data(as_text=True)
    assert count_orgs(app) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Mie\x00Prefecture"),
        ("native_name", "三重\x00県庁"),
        ("city", "Tsu\x07"),
        ("name", "Mie\r\nBcc: x@evil.test"),
        ("description", "line\x00"),
        ("name", "x" * 201),
        ("description", "x" * 5001),
    ],
    ids=["nul-name", "nul-native", "bell", "crlf-name", "nul-description", "name-201", "desc-5001"],
)
def test_bad_text_is_refused_next_to_the_field(app, client, login, field, value):
    login()
    response = client.post("/organizations/new", data=org_form(**{field: value}))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count_orgs(app) == 0


def test_name_at_max_length_that_expands_under_nfkc_can_be_saved(app, client, login):
    login()
    response = client.post("/organizations/new", data=org_form(name="㍿" * 200))
    assert response.status_code in (200, 302)
    with app.app_context():
        for key in db.session.scalars(select(Organization.search_key)):
            assert len(key) <= Organization.__table__.c.search_key.type.length


def test_lone_surrogate_bytes_never_give_a_500(app, client, login):
    """Browsers cannot send a lone surrogate; its UTF-8-like bytes must not break anything."""
    login()
    body = b"name=Mie%ED%A0%80Pref&kind=government&region=mie&country=JP&cadence_days=60"
    response = client.post(
        "/organizations/new", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        for name in db.session.scalars(select(Organization.name)):
            name.encode("utf-8")  # whatever was stored is storable text


def test_one_megabyte_description_is_refused_without_a_500(app, client, login):
    login()
    response = client.post("/organizations/new", data=org_form(description="x" * 1_048_576))
    assert response.status_code in (200, 413)
    assert count_orgs(app) == 0


@pytest.mark.parametrize(
    "cadence",
    [
        "0",
        "-1",
        "2147483648",
        "9223372036854775808",
        "１２",
        "1_000",
        "1e3",
        "NaN",
        "Infinity",
        "3651",
        "12.5",
        "",
    ],
)
def test_cadence_refuses_values_that_are_not_small_whole_numbers(app, client, login, cadence):
    login(Role.MANAGER)
    response = client.post("/organizations/new", data=org_form(cadence_days=cadence))
    assert response.status_code == 200
    assert 'id="cadence_days-error"' in response.get_data(as_text=True)
    assert count_orgs(app) == 0


def test_cadence_with_surrounding_blanks_is_read(app, client, login):
    login(Role.MANAGER)
    assert client.post("/organizations/new", data=org_form(cadence_days=" 12 ")).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Organization.cadence_days)) == 12


@pytest.mark.parametrize("field", ["kind", "region", "country"])
def test_a_choice_outside_the_list_is_refused(app, client, login, field):
    login()
    response = client.post("/organizations/new", data=org_form(**{field: "admin"}))
    assert response.status_code == 200
    assert count_orgs(app) == 0


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}"]
ESCAPED = {
    "<script>alert(1)</script>": "&lt;script&gt;alert(1)&lt;/script&gt;",
    '"><img src=x onerror=alert(1)>': "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;",
    "{{7*7}}": "{{7*7}}",
}


@pytest.mark.parametrize("payload", HOSTILE, ids=["script", "img", "template"])
def test_sec8_hostile_names_are_stored_and_rendered_escaped(app, client, login, payload):
    login()
    data = org_form(
        name=f"Acme {payload}",
        native_name=f"三重 {payload}",
        city=payload,
        description=payload,
        capabilities=payload,
        interests=payload,
    )
    response = client.post("/organizations/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organization))
        assert org.name == f"Acme {payload}"  # stored as typed
    for url in ("/organizations/", f"/organizations/{org.id}", f"/organizations/{org.id}/edit"):
        html = client.get(url).get_data(as_text=True)
        assert ESCAPED[payload] in html, url
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html.lower()
        if payload == "{{7*7}}":
            assert "Acme 49" not in html and "三重 49" not in html


def test_website_is_rendered_as_a_quoted_http_link(app, client, login):
    login()
    client.post("/organizations/new", data=org_form(website='https://mie.example/?a="b"&c=<d>'))
    with app.app_context():
        org_id = db.session.scalar(select(Organization.id))
    html = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    assert 'href="https://mie.example/?a=&#34;b&#34;&amp;c=&lt;d&gt;"' in html


def test_sec5_point_of_contact_cannot_edit_or_delete_another_owners_organization(
    app, client, login, make_user, records
):
    owner = make_user()
    org_id = records.org(owner, name="Fundación Tecnalia")
    login()
    edit = client.post(
        f"/organizations/{org_id}/edit", data=form_values(app, org_id, name="Hijacked")
    )
    assert edit.status_code == 403
    assert client.get(f"/organizations/{org_id}/edit").status_code == 403
    assert client.post(f"/organizations/{org_id}/delete").status_code == 403
    saved = records.get(Organization, org_id)
    assert (saved.name, saved.deleted_at, saved.version) == ("Fundación Tecnalia", None, 1)
    # a signed-in user may still read it (transparency)
    assert client.get(f"/organizations/{org_id}").status_code == 200


def test_sec5_owner_and_manager_may_edit(app, client, login, make_user, records):
    owner = login()
    org_id = records.org(owner)
    response = client.post(
        f"/organizations/{org_id}/edit", data=form_values(app, org_id, city="Donostia")
    )
    assert response.status_code == 302
    assert records.get(Organization, org_id).city == "Donostia"


def test_sec6_extra_fields_from_a_point_of_contact_are_ignored_on_create(
    app, client, login, make_user
):
    other = make_user(Role.ADMIN)
    user = login()
    extra = {
        "owner_id": str(other.id),
        "version": "42",
        "deleted_at": "2026-01-01T00:00:00",
        "created_by": str(other.id),
        "id": "777",
        "search_key": "injected",
    }
    assert client.post("/organizations/new", data=org_form(**extra)).status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organization))
        assert (org.owner_id, org.version, org.deleted_at) == (user.id, 1, None)
        assert org.id != 777 and "injected" not in org.search_key
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.entity_type == "organization")
        )
        assert event.actor_id == user.id


def test_sec6_extra_fields_from_a_point_of_contact_are_ignored_on_edit(
    app, client, login, make_user, records
):
    other = make_user(Role.ADMIN)
    user = login()
    org_id = records.org(user)
    data = form_values(
        app,
        org_id,
        city="Bilbao",
        owner_id=str(other.id),
        deleted_at="2026-01-01T00:00:00",
        deleted_by_id=str(other.id),
        created_by=str(other.id),
        last_contact_at="2020-01-01T00:00:00",
        cadence_days="1",  # the cadence is the managers' choice
    )
    assert client.post(f"/organizations/{org_id}/edit", data=data).status_code == 302
    saved = records.get(Organization, org_id)
    assert saved.city == "Bilbao"
    assert (saved.owner_id, saved.deleted_at, saved.deleted_by_id) == (user.id, None, None)
    assert saved.last_contact_at is None and saved.cadence_days == 60
    assert saved.version == 2  # the real version moved on by one


def test_manager_may_choose_the_owner(app, client, login, make_user, records):
    poc = make_user()
    login(Role.MANAGER)
    assert client.post("/organizations/new", data=org_form(owner_id=str(poc.id))).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Organization.owner_id)) == poc.id


UNKNOWN = [
    "/organizations/99999999",
    "/organizations/99999999/edit",
    "/organizations/0",
    "/organizations/-1",
    "/organizations/abc",
    "/organizations/1;DROP",
    "/organizations/99999999999999999999",
    "/organizations/2147483648",
]


def test_sec5_unknown_ids_give_404(client, login):
    login(Role.MANAGER)
    for path in UNKNOWN:
        assert client.get(path).status_code == 404, path


def test_data4_trashed_organization_urls_give_404(app, client, login, records):
    owner = login(Role.MANAGER)
    org_id = records.org(owner)
    assert client.post(f"/organizations/{org_id}/delete").status_code == 302
    assert client.get(f"/organizations/{org_id}").status_code == 404
    assert client.get(f"/organizations/{org_id}/edit").status_code == 404
    assert client.post(f"/organizations/{org_id}/delete").status_code == 404
    assert (
        client.post(f"/organizations/{org_id}/edit", data=form_values(app, org_id)).status_code
        == 404
    )


def test_a_likely_duplicate_is_shown_before_it_is_created(app, client, login, records):
    user = login()
    existing = records.org(user, name="Kansa Kogyo", native_name="監査工業株式会社", region="mie")
    data = org_form(name="Kansa Industries", native_name="監査工業（株）", kind="company")
    response = client.post("/organizations/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Zubia may already have this organization" in html
    assert f'href="/organizations/{existing}"' in html
    assert count_orgs(app) == 1
    response = client.post("/organizations/new", data={**data, "not_duplicate": "y"})
    assert response.status_code == 302 and count_orgs(app) == 2


def test_a_different_name_is_created_at_once(app, client, login, records):
    user = login()
    records.org(user, name="Kansa Kogyo", native_name="監査工業株式会社", region="mie")
    response = client.post(
        "/organizations/new", data=org_form(name="Kansai Kogyo", native_name="関西工業")
    )
    assert response.status_code == 302 and count_orgs(app) == 2
