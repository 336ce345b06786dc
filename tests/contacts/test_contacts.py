"""Contacts: names in both orders, email and phone checks, the permanent point of contact,
their local time, conflicts (DATA-1), who may edit (SEC-5/6) and query counts."""

import re

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role, User
from crm.actions import services as actions
from crm.contacts import services as contacts
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings import services as meetings
from crm.meetings.models import MeetingKind
from crm.organizations.models import Kind, Region
from tests.conftest import sign_in


def contact_form(organization_id, **changes):
    data = {
        "organization_id": str(organization_id),
        "name_order": "western",
        "given_name": "Ane",
        "family_name": "Etxeberria",
        "second_family_name": "Goikoetxea",
        "native_name": "",
        "reading": "",
        "job_title": "",
        "email": "",
        "phone": "",
        "mobile": "",
        "language": "",
        "timezone": "",
        "notes": "",
    }
    data.update(changes)
    return data


def edit_form(app, contact_id, **changes):
    """The edit form of a stored contact, as it is now, with some changes."""
    with app.app_context():
        c = db.session.get(Contact, contact_id)
        data = contact_form(
            c.organization_id,
            name_order=c.name_order.value,
            given_name=c.given_name,
            family_name=c.family_name,
            second_family_name=c.second_family_name or "",
            native_name=c.native_name or "",
            reading=c.reading or "",
            job_title=c.job_title or "",
            email=c.email or "",
            phone=c.phone or "",
            notes=c.notes or "",
            version=str(c.version),
        )
        if c.is_primary:
            data["is_primary"] = "y"
    data.update(changes)
    return data


def stored(app):
    with app.app_context():
        contacts_ = db.session.scalars(select(Contact).order_by(Contact.id)).all()
        for c in contacts_:
            db.session.expunge(c)
        return contacts_


@pytest.fixture
def mie(records, make_user):
    return records.org(
        make_user(),
        name="Mie Prefectural Government",
        native_name="三重県庁",
        kind=Kind.GOVERNMENT,
        region=Region.MIE,
        country="JP",
    )


@pytest.fixture
def tecnalia(records, make_user):
    return records.org(make_user(), name="Fundación Tecnalia")


def test_japanese_name_is_shown_family_name_first_with_its_reading(app, client, login, mie):
    login()
    response = client.post(
        "/contacts/new",
        data=contact_form(
            mie,
            name_order="japanese",
            given_name="Taro",
            family_name="Yamada",
            second_family_name="",
            native_name="山田 太郎",
            reading="やまだ たろう",
        ),
    )
    assert response.status_code == 302
    contact_id = stored(app)[0].id
    detail = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert re.search(r"<h1[^>]*>山田 太郎 <span[^>]*>Yamada Taro</span></h1>", detail)
    assert "やまだ たろう" in detail
    listing = client.get("/contacts/").get_data(as_text=True)
    assert "山田 太郎 (Yamada Taro)" in listing


def test_basque_name_is_shown_given_name_first_with_two_surnames(app, client, login, tecnalia):
    login()
    assert client.post("/contacts/new", data=contact_form(tecnalia)).status_code == 302
    contact_id = stored(app)[0].id
    detail = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    assert re.search(r"<h1[^>]*>Ane Etxeberria Goikoetxea</h1>", detail)
    assert "Ane Etxeberria Goikoetxea" in client.get("/contacts/").get_data(as_text=True)


@pytest.mark.parametrize(
    "email",
    [
        "first.last+tag@sub.example.com",
        "用户@例子.广告",
        "a@b.co",
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com",  # 254 characters
        "  Ane.Etxeberria@Tecnalia.example  ",
    ],
    ids=["plus-tag", "idn", "short", "254-chars", "blanks-and-case"],
)
def test_valid_emails_are_accepted(app, client, login, tecnalia, email):
    login()
    response = client.post("/contacts/new", data=contact_form(tecnalia, email=email))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(app)[0].email == email.strip().lower()


@pytest.mark.parametrize(
    "email",
    [
        "no-at.example.com",
        "a@@b.com",
        "a@b@c.com",
        "ane etxeberria@tecnalia.example",
        "ane@tecnalia.example.",
        "x@y.com\r\nBcc: z@evil.example",
        "x@y.com\nBcc: z@evil.example",
        '"><svg onload=alert(1)>@x.com',
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com",  # 255 characters
        "ane@",
        "@tecnalia.example",
    ],
)
def test_invalid_emails_are_refused_next_to_the_field(app, client, login, tecnalia, email):
    login()
    response = client.post("/contacts/new", data=contact_form(tecnalia, email=email))
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+34 600 000 000", "+34600000000"),
        ("+34 944 000 000", "+34944000000"),
        ("+81-59-224-2000", "+81592242000"),
        ("＋８１５９２２４２０００", "+81592242000"),
        ("+81 59 224 2000 ext. 123", "+81592242000;ext=123"),
    ],
)
def test_phone_numbers_are_stored_in_e164(app, client, login, tecnalia, phone, expected):
    login()
    data = contact_form(tecnalia, phone=phone, mobile=phone)
    assert client.post("/contacts/new", data=data).status_code == 302
    saved = stored(app)[0]
    assert (saved.phone, saved.mobile) == (expected, expected)


def test_national_phone_number_takes_the_organizations_country(app, client, login, mie):
    login()
    assert (
        client.post("/contacts/new", data=contact_form(mie, phone="059-224-2000")).status_code
        == 302
    )
    assert stored(app)[0].phone == "+81592242000"


@pytest.mark.parametrize(
    "phone",
    ["call me maybe", "1" * 50, "+34", "+34 600", "０１２３", "+81 59 224 2000\r\nBcc: x"],
)
def test_bad_phone_numbers_are_refused(app, client, login, tecnalia, phone):
    login()
    response = client.post("/contacts/new", data=contact_form(tecnalia, phone=phone))
    assert response.status_code == 200
    assert 'id="phone-error"' in response.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize("phone", ["+34 6OO OOO OOO", "+34 600 ABC DEF"])
def test_phone_numbers_with_letters_are_refused(app, client, login, tecnalia, phone):
    login()
    response = client.post("/contacts/new", data=contact_form(tecnalia, phone=phone))
    assert response.status_code == 200
    assert stored(app) == []


def test_phone_with_a_long_extension_fits_the_column_or_is_refused(app, client, login, tecnalia):
    login()
    phone = "+81592242000 ext. " + "1" * 20  # 38 characters, within the form's 40
    response = client.post("/contacts/new", data=contact_form(tecnalia, phone=phone))
    assert response.status_code in (200, 302)
    for c in stored(app):
        assert len(c.phone) <= Contact.__table__.c.phone.type.length


def test_contact_with_every_name_at_its_maximum_length_can_be_saved(app, client, login, tecnalia):
    login()
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
    data = contact_form(
        tecnalia,
        given_name="G" * 100,
        family_name="F" * 100,
        second_family_name="S" * 100,
        native_name="山" * 100,
        reading="や" * 100,
        email=email,
    )
    response = client.post("/contacts/new", data=data)
    assert response.status_code == 302
    (saved,) = stored(app)
    assert len(saved.search_key) <= Contact.__table__.c.search_key.type.length


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", ""),
        ("given_name", " \t "),
        ("family_name", "Etxe\x00berria"),
        ("given_name", "A" * 101),
        ("given_name", "Ane\r\nBcc: x@evil.test"),
        ("name_order", "klingon"),
        ("language", "xx"),
        ("timezone", "Mars/Olympus_Mons"),
    ],
)
def test_bad_names_and_choices_are_refused(app, client, login, tecnalia, field, value):
    login()
    response = client.post("/contacts/new", data=contact_form(tecnalia, **{field: value}))
    assert response.status_code == 200
    assert stored(app) == []


def test_unicode_names_are_kept_exactly(app, client, login, tecnalia):
    login()
    data = contact_form(tecnalia, given_name="José", family_name="Ñúñez", native_name="محمد 👩🏽‍💼")
    assert client.post("/contacts/new", data=data).status_code == 302
    saved = stored(app)[0]
    assert (saved.given_name, saved.family_name, saved.native_name) == (
        "José",
        "Ñúñez",
        "محمد 👩🏽‍💼",
    )


@pytest.mark.parametrize("payload", ['"><img src=x onerror=alert(1)>', "<script>x</script>"])
def test_sec8_hostile_contact_names_render_escaped(app, client, login, tecnalia, payload):
    login()
    data = contact_form(tecnalia, given_name=payload, job_title=payload, notes=payload)
    assert client.post("/contacts/new", data=data).status_code == 302
    contact_id = stored(app)[0].id
    for url in ("/contacts/", f"/contacts/{contact_id}", f"/organizations/{tecnalia}"):
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>x" not in html, url


def test_only_one_permanent_point_of_contact_per_organization(app, client, login, records, mie):
    user = login()
    first = records.contact(user, mie, given_name="Taro", family_name="Yamada", is_primary=True)
    response = client.post(
        "/contacts/new",
        data=contact_form(mie, given_name="Hanako", family_name="Suzuki", is_primary="y"),
    )
    assert response.status_code == 302
    flags = {c.given_name: c.is_primary for c in stored(app)}
    assert flags == {"Taro": False, "Hanako": True}
    # and back again, through the edit form
    with app.app_context():
        assert db.session.get(Contact, first).organization_id == mie
    user_owns = client.post(f"/contacts/{first}/edit", data=edit_form(app, first, is_primary="y"))
    assert user_owns.status_code == 302
    flags = {c.given_name: c.is_primary for c in stored(app)}
    assert flags == {"Taro": True, "Hanako": False}


def test_primary_flag_of_another_organization_is_untouched(
    app, client, login, records, mie, tecnalia
):
    user = login()
    records.contact(user, tecnalia, given_name="Ane", is_primary=True)
    data = contact_form(mie, given_name="Hanako", family_name="Suzuki", is_primary="y")
    assert client.post("/contacts/new", data=data).status_code == 302
    assert {c.given_name: c.is_primary for c in stored(app)} == {"Ane": True, "Hanako": True}


def test_moving_a_primary_contact_to_an_organization_with_one_keeps_a_single_primary(
    app, client, login, records, mie, tecnalia
):
    user = login(Role.MANAGER)
    records.contact(user, mie, given_name="Taro", family_name="Yamada", is_primary=True)
    ane = records.contact(user, tecnalia, given_name="Ane", is_primary=True)
    response = client.post(
        f"/contacts/{ane}/edit", data=edit_form(app, ane, organization_id=str(mie))
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        primaries = db.session.scalar(
            select(func.count()).where(Contact.organization_id == mie, Contact.is_primary)
        )
    assert primaries == 1


@pytest.mark.parametrize(
    ("instant", "time", "badge"),
    [
        ("2026-07-01T07:30:00+00:00", "4:30", "working hours"),  # Wednesday 16:30 in Tokyo
        ("2026-07-01T10:00:00+00:00", "7:00", "outside working hours"),  # 19:00 in Tokyo
        ("2026-07-04T01:00:00+00:00", "10:00", "outside working hours"),  # Saturday morning
        ("2026-06-30T23:59:00+00:00", "8:59", "outside working hours"),  # just before 09:00
        ("2026-07-01T00:00:00+00:00", "9:00", "working hours"),  # 09:00 sharp
    ],
)
def test_contact_page_shows_their_local_time_and_working_hours(
    client, login, records, at, mie, instant, time, badge
):
    at(instant)
    user = login(timezone="Europe/Madrid")
    contact_id = records.contact(user, mie, given_name="Taro", family_name="Yamada")
    html = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    clock = html[html.index('id="clock-title"') :].split("</section>")[0]
    assert "Asia/Tokyo" in clock
    assert re.search(rf'<p class="fs-3 mb-1">{time}\s?(AM|PM)</p>', clock)
    assert f">{badge}</span>" in clock
    assert "7 h ahead of you" in clock  # Madrid is on summer time


def test_contact_time_zone_overrides_the_region(client, login, records, at, mie):
    at("2026-07-01T07:30:00+00:00")
    user = login(timezone="Asia/Tokyo")
    contact_id = records.contact(user, mie, timezone="Europe/Madrid")
    html = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    clock = html[html.index('id="clock-title"') :].split("</section>")[0]
    assert "Europe/Madrid" in clock and re.search(r">9:30\s?AM<", clock)
    assert "7 h behind you" in clock and ">working hours<" in clock


@pytest.mark.parametrize("target", ["missing", "trashed", "abc", "-1"])
def test_organization_that_does_not_exist_or_is_trashed_is_refused(
    app, client, login, records, tecnalia, target
):
    user = login(Role.MANAGER)
    trashed = records.org(user, name="Gone")
    client.post(f"/organizations/{trashed}/delete")
    value = {"missing": "99999999", "trashed": str(trashed)}.get(target, target)
    response = client.post("/contacts/new", data=contact_form(value))
    assert response.status_code == 200
    assert 'id="organization_id-error"' in response.get_data(as_text=True)
    assert stored(app) == []


def test_sec5_point_of_contact_cannot_edit_another_owners_contact(
    app, client, login, make_user, records, tecnalia
):
    owner = make_user()
    contact_id = records.contact(owner, tecnalia, given_name="Ane")
    login()
    response = client.post(
        f"/contacts/{contact_id}/edit", data=edit_form(app, contact_id, given_name="Hacked")
    )
    assert response.status_code == 403
    assert client.post(f"/contacts/{contact_id}/delete").status_code == 403
    assert (stored(app)[0].given_name, stored(app)[0].deleted_at) == ("Ane", None)


def test_sec5_the_organizations_owner_may_edit_its_contacts(app, client, login, make_user, records):
    org_owner = login()
    org_id = records.org(org_owner)
    contact_id = records.contact(make_user(), org_id, given_name="Ane")
    response = client.post(
        f"/contacts/{contact_id}/edit", data=edit_form(app, contact_id, job_title="CTO")
    )
    assert response.status_code == 302
    assert stored(app)[0].job_title == "CTO"


def test_sec6_extra_fields_from_a_point_of_contact_are_ignored(
    app, client, login, make_user, records, tecnalia
):
    other = make_user(Role.ADMIN)
    user = login()
    contact_id = records.contact(user, tecnalia)
    data = edit_form(
        app,
        contact_id,
        job_title="CTO",
        owner_id=str(other.id),
        deleted_at="2026-01-01T00:00:00",
        created_by=str(other.id),
        search_key="x",
    )
    assert client.post(f"/contacts/{contact_id}/edit", data=data).status_code == 302
    saved = stored(app)[0]
    assert (saved.job_title, saved.owner_id, saved.deleted_at) == ("CTO", user.id, None)
    create = contact_form(tecnalia, given_name="Jon", owner_id=str(other.id), version="9")
    assert client.post("/contacts/new", data=create).status_code == 302
    jon = stored(app)[-1]
    assert (jon.owner_id, jon.version) == (user.id, 1)


def test_data1_second_save_gets_conflict_page(app, client, login, make_user, records, tecnalia):
    owner = login()
    contact_id = records.contact(owner, tecnalia, job_title="Engineer")
    other = app.test_client()
    assert sign_in(other, make_user(Role.MANAGER).email).status_code == 302
    page_a = client.get(f"/contacts/{contact_id}/edit").get_data(as_text=True)
    page_b = other.get(f"/contacts/{contact_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page_a).group(1)
    assert version in page_b

    first = client.post(
        f"/contacts/{contact_id}/edit",
        data=edit_form(app, contact_id, job_title="CTO", version=version),
    )
    assert first.status_code == 302
    second = other.post(
        f"/contacts/{contact_id}/edit",
        data=edit_form(app, contact_id, job_title="CEO", version=version),
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "CTO" in html and "CEO" in html
    assert stored(app)[0].job_title == "CTO"


@pytest.mark.parametrize("how", ["contact", "organization"])
def test_data4_trashed_contact_urls_give_404(app, client, login, records, tecnalia, how):
    user = login(Role.MANAGER)
    contact_id = records.contact(user, tecnalia)
    target = (
        f"/contacts/{contact_id}/delete"
        if how == "contact"
        else (f"/organizations/{tecnalia}/delete")
    )
    assert client.post(target).status_code == 302
    assert client.get(f"/contacts/{contact_id}").status_code == 404
    assert client.get(f"/contacts/{contact_id}/edit").status_code == 404
    assert client.get("/contacts/99999999").status_code == 404


def populate(app, org_id, users, start, stop):
    """Contacts met once each, with an action each, and an edit of the first contact on top."""
    from crm.clock import now_utc

    with app.test_request_context():
        actors = [db.session.get(User, u.id) for u in users]
        first = None
        for i in range(start, stop):
            actor = actors[i % len(actors)]
            contact = contacts.create_contact(
                {
                    "organization_id": org_id,
                    "name_order": "western",
                    "given_name": f"Ane{i}",
                    "family_name": "Etxeberria",
                    "email": f"ane{i}@tecnalia.example",
                },
                actor=actor,
            )
            first = first or db.session.scalar(select(Contact).order_by(Contact.id))
            meetings.create_meeting(
                {
                    "kind": MeetingKind.CALL,
                    "title": f"Call {i}",
                    "starts_at": now_utc(),
                    "organization_ids": [org_id],
                    "contact_ids": [first.id, contact.id],
                    "attendee_ids": [actor.id],
                },
                actor=actor,
            )
            actions.create_action(
                {
                    "title": f"Write to {i}",
                    "owner_id": actor.id,
                    "contact_id": first.id,
                    "organization_id": org_id,
                    "due_date": now_utc().date(),
                },
                actor=actor,
            )
        contacts.update_contact(first, {"job_title": f"After {stop}"}, actor=actors[0])
        db.session.commit()
        return first.id


@pytest.mark.parametrize("which", ["list", "detail"])
def test_contact_pages_query_count_does_not_grow_with_rows(
    app, client, login, make_user, tecnalia, count_queries, which
):
    login()
    users = [make_user() for _ in range(3)]
    first = populate(app, tecnalia, users, 0, 3)
    url = "/contacts/" if which == "list" else f"/contacts/{first}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    populate(app, tecnalia, users, 3, 30)
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert "Write to 29" in html or "Ane29" in html or "Ane24" in html
    assert len(many) == len(few), many.statements


def test_other_phones_keep_their_labels_in_e164_on_the_page_and_in_the_export(
    app, client, login, mie
):
    login()
    data = contact_form(mie, other_phones="Home: 059-222-3333; Fax: +34 944 00 90 09")
    assert client.post("/contacts/new", data=data).status_code == 302
    saved = stored(app)[0]
    assert saved.other_phones == "Home: +81592223333; Fax: +34944009009"  # read in Japan
    page = client.get(f"/contacts/{saved.id}").get_data(as_text=True)
    assert 'Home: <a href="tel:+81592223333">+81592223333</a>' in page
    assert "Home: +81592223333; Fax: +34944009009" in client.get("/contacts/export.csv").text
    response = client.post("/contacts/new", data=contact_form(mie, other_phones="Home: 12"))
    assert response.status_code == 200
    assert "“12” is not a valid phone number" in response.get_data(as_text=True)
