"""vCard 4.0 downloads (RFC 6350), read back with the vobject parser."""

import re

import pytest
import vobject
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.contacts.vcard import escape, fold, vcard
from crm.extensions import db
from crm.trash.services import move_to_trash

NOTE = "Met at the Tsu fair; wants a demo, on Monday.\nSecond line \\ backslash. " + "あ" * 220


@pytest.fixture
def mie(records, make_user):
    owner = make_user()
    org = records.org(
        owner,
        name="Mie University",
        native_name="三重大学",
        region="mie",
        country="JP",
        city="Tsu",
        website="https://www.mie-u.ac.jp",
    )
    return owner, org


def parse(text):
    assert "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    return list(vobject.readComponents(text))


def test_japanese_contact_round_trips(client, login, records, mie):
    owner, org = mie
    contact_id = records.contact(
        owner,
        org,
        name_order="japanese",
        given_name="Taro",
        family_name="Yamada",
        native_name="山田 太郎",
        reading="やまだ たろう",
        job_title="Director, R&D; Robotics",
        email="yamada@mie-u.example",
        phone="+81592311111;ext=12",
        mobile="+819012345678",
        language="ja",
        timezone="Asia/Tokyo",
        notes=NOTE,
    )
    login()
    response = client.get(f"/contacts/{contact_id}/vcard.vcf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Yamada_Taro.vcf"')
    assert "filename*=UTF-8''Yamada%20Taro.vcf" in disposition
    text = response.get_data(as_text=True)
    [card] = parse(text)
    assert card.version.value == "4.0"
    names = {fn.params["LANGUAGE"][0]: fn.value for fn in card.contents["fn"]}
    assert names == {"ja": "山田 太郎", "ja-Latn": "Yamada Taro"}
    native, latin = card.contents["n"]
    assert (native.value.family, native.value.given) == ("山田", "太郎")
    assert (latin.value.family, latin.value.given) == ("Yamada", "Taro")
    assert native.params["ALTID"] == latin.params["ALTID"] == ["1"]
    assert card.x_phonetic_last_name.value == "やまだ"
    assert card.x_phonetic_first_name.value == "たろう"
    assert card.title.value == "Director, R&D; Robotics"
    assert {o.value[0] for o in card.contents["org"]} == {"三重大学", "Mie University"}
    assert card.email.value == "yamada@mie-u.example"
    tels = {t.params["TYPE"][0]: t.value for t in card.contents["tel"]}
    assert card.tel.params["TYPE"] == ["work", "voice"]
    assert tels == {"work": "tel:+81592311111;ext=12", "cell": "tel:+819012345678"}
    assert all(t.params["VALUE"] == ["uri"] for t in card.contents["tel"])
    assert card.adr.value.city == "Tsu"
    assert card.adr.value.country == "Japan"
    assert card.note.value == NOTE
    assert card.lang.value == "ja"
    assert card.url.value == "https://www.mie-u.ac.jp"
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", card.uid.value)
    assert re.fullmatch(r"\d{8}T\d{6}Z", card.rev.value)
    # The same contact exported again keeps its UID: address books update, not duplicate.
    again = client.get(f"/contacts/{contact_id}/vcard.vcf").get_data(as_text=True)
    assert parse(again)[0].uid.value == card.uid.value


def test_western_name_with_two_family_names(client, login, records, mie):
    owner, org = mie
    contact_id = records.contact(
        owner, org, given_name="Ane", family_name="Etxeberria", second_family_name="Goikoetxea"
    )
    login()
    [card] = parse(client.get(f"/contacts/{contact_id}/vcard.vcf").get_data(as_text=True))
    assert card.fn.value == "Ane Etxeberria Goikoetxea"
    assert card.n.value.family == ["Etxeberria", "Goikoetxea"]
    assert card.n.value.given == "Ane"
    assert "tel" not in card.contents and "note" not in card.contents


def test_special_characters_are_escaped_and_long_lines_folded(app, records, mie):
    owner, org = mie
    contact_id = records.contact(
        owner,
        org,
        given_name="Miren, Ane",
        family_name="Etxe;berria\\",
        job_title="Head of A\nB",
        notes="x" * 300,
    )
    with app.test_request_context():
        contact = db.session.scalars(
            select(Contact).where(Contact.id == contact_id).options(*_loaded())
        ).one()
        text = vcard(contact)
    assert "N:Etxe\\;berria\\\\;Miren\\, Ane;;;\r\n" in text
    [card] = parse(text)
    assert card.n.value.given == "Miren, Ane"
    assert card.n.value.family == "Etxe;berria\\"
    assert card.title.value == "Head of A\nB"
    assert card.note.value == "x" * 300


def _loaded():
    from sqlalchemy.orm import selectinload

    return (selectinload(Contact.organization),)


def test_folding_never_splits_a_utf8_sequence():
    line = "NOTE:" + "a" + "山" * 100 + "😀" * 30
    folded = fold(line)
    physical = folded.removesuffix("\r\n").split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    for p in physical:
        p.encode("utf-8").decode("utf-8")  # each physical line is valid UTF-8 by itself
    assert "".join(p.removeprefix(" ") if n else p for n, p in enumerate(physical)) == line


def test_escape():
    assert escape("a,b;c\\d\r\ne\rf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_list_export_is_the_filtered_list_as_one_file(app, client, login, records, mie):
    owner, org = mie
    other = records.org(owner, name="Tecnalia")
    for n in range(3):
        records.contact(owner, org, given_name=f"Taro{n}", family_name="Yamada")
    records.contact(owner, other, given_name="Ane", family_name="Etxeberria")
    trashed = records.contact(owner, org, given_name="Gone", family_name="Trashed")
    with app.test_request_context():
        move_to_trash(db.session.get(Contact, trashed), actor=db.session.get(User, owner.id))
        db.session.commit()
    login()
    response = client.get(f"/contacts/export.vcf?organization={org}&sort=-name&page=2")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    cards = parse(response.get_data(as_text=True))
    assert [c.fn.value for c in cards] == ["Taro2 Yamada", "Taro1 Yamada", "Taro0 Yamada"]
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "contacts-vcard")
        ).one()
        assert event.changes == {"filters": {"organization": org, "sort": "-name"}}


def test_list_export_query_count_does_not_grow(app, client, login, records, mie, count_queries):
    owner, org = mie
    login()

    def queries():
        with count_queries() as counted:
            assert client.get("/contacts/export.vcf").status_code == 200
        return len(counted)

    records.contact(owner, org)
    few = queries()
    for n in range(20):
        records.contact(owner, org, given_name=f"Ane{n}", phone="+34600000000")
    assert queries() == few


@pytest.mark.parametrize("role", list(Role))
def test_data4_trashed_contact_vcard_is_404(app, client, login, records, mie, role):
    owner, org = mie
    contact_id = records.contact(owner, org)
    with app.test_request_context():
        move_to_trash(db.session.get(Contact, contact_id), actor=db.session.get(User, owner.id))
        db.session.commit()
    login(role)
    assert client.get(f"/contacts/{contact_id}/vcard.vcf").status_code == 404
