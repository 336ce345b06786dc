"""Real-world layouts reach the database field by field: Outlook's 92 columns and its phones,
Google's Phone N - Type/Value pairs, Apple's vCard-style headers, Basque headers, multi-line
cells and Outlook's 0/0/00 empty dates."""

import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.forms import phone_list, split_phones
from crm.imports import phones
from crm.imports.reading import cell_text, split_many
from crm.organizations.models import Organization
from tests.imports.conftest import mapping_post, run_id_of, selected_mapping, upload
from tests.imports.test_import_flow import confirm, contacts, preview_html

OUTLOOK_PHONES = {
    "Assistant's Phone": "other_phones", "Business Fax": "other_phones",
    "Business Phone": "phone", "Business Phone 2": "phone", "Callback": "other_phones",
    "Car Phone": "other_phones", "Company Main Phone": "phone", "Home Fax": "other_phones",
    "Home Phone": "phone", "Home Phone 2": "phone", "ISDN": "other_phones",
    "Mobile Phone": "mobile", "Other Fax": "other_phones", "Other Phone": "phone",
    "Pager": "other_phones", "Primary Phone": "phone", "Radio Phone": "other_phones",
    "TTY/TDD Phone": "other_phones", "Telex": "",
}  # fmt: skip


def imported(client, name, kind="contact", **options):
    run_id = run_id_of(upload(client, name, kind=kind))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    assert mapping_post(client, run_id, **options).status_code == 302
    return run_id, chosen


def by_family_name(app):
    return {c.family_name: c for c in contacts(app)}


def test_outlook_export_with_every_column(client, login, partners, app):
    """Primary Phone is empty in every row and does not shadow Business Phone; every other
    number is kept with its label; Birthday and Anniversary (0/0/00) are not mapped."""
    login()
    run_id, chosen = imported(client, "outlook_all_columns.csv")
    assert len(chosen) == 92
    assert {h.replace("&#39;", "'"): f for h, f in chosen.items() if "Phone" in h or h in
            OUTLOOK_PHONES} == OUTLOOK_PHONES  # fmt: skip
    assert chosen["Birthday"] == chosen["Anniversary"] == chosen["Title"] == ""
    assert (chosen["Middle Name"], chosen["E-mail 2 Address"]) == ("middle_name", "other_emails")
    assert chosen["E-mail Type"] == chosen["E-mail Display Name"] == ""
    html = preview_html(client, run_id)
    assert "3 will be created" in html and "1 will be skipped" in html
    assert "Other phones: Other “12”: Enter a valid phone number" in html
    assert "0/0/00" not in html and "Birthday" not in html
    confirm(client, run_id)
    people = by_family_name(app)
    assert set(people) == {"Agirre", "Tanaka", "Etxeberria"}  # Goikoetxea: its bad number

    maria = people["Agirre"]
    assert maria.given_name == "María José"
    assert maria.organization_id == partners["tecnalia"]
    assert maria.job_title == "Director (Industry and Transport)"
    assert maria.phone == "+34944009002"  # Business Phone: Primary Phone is empty
    assert maria.mobile == "+34600111222"
    assert maria.other_phones == (
        "Business: +34944009003; Other: +81591234567; Home: +34943112233; "
        "Assistant: +34944009010; Business Fax: +34944009009"
    )
    assert (maria.email, maria.other_emails) == ("mj.agirre@tecnalia.example", "mj@home.example")
    assert maria.notes == "Met at the Bilbao fair.\r\nWants a follow-up in March."

    keiko = people["Tanaka"]  # national numbers read in Japan, her organization's country
    assert keiko.phone == "+81592319000"  # Company Main, before Home
    assert keiko.other_phones == "Home: +81592223333"  # Business Phone 2 was the same number
    assert keiko.mobile is None

    jon = people["Etxeberria"]
    assert (jon.phone, jon.mobile, jon.other_phones) == ("+34945123456", None, None)  # Home


def test_google_phone_types_label_their_values(client, login, partners, app):
    login()
    run_id, chosen = imported(client, "google_contacts_phone_types.csv")
    assert [chosen[f"Phone {n} - {part}"] for n in (1, 2) for part in ("Type", "Value")] == [
        "phone_type", "phone", "phone_type", "phone",
    ]  # fmt: skip
    assert chosen["Given Name Yomi"] == "reading_given"
    assert "3 will be created" in preview_html(client, run_id)
    confirm(client, run_id)
    people = by_family_name(app)
    ane, taro, mikel = people["Etxeberria"], people["Yamada"], people["Goikoetxea"]
    assert (ane.phone, ane.mobile) == ("+34946430850", "+34600222333")  # Work; Mobile
    assert ane.other_phones == "Home: +34943000001; Home: +34943000002"  # a ::: cell
    assert taro.phone == "+81592319001"  # Work before Home, though Home comes first
    assert taro.other_phones == "Home: +81592221111; Work Fax: +81592319002"
    assert taro.reading == "やまだ たろう"
    assert (mikel.phone, mikel.mobile) == (None, "+34600333444")
    assert mikel.other_phones == "Mobile: +34600555666"  # the mobile was taken


def test_apple_contacts_headers(client, login, partners, app):
    login()
    run_id, chosen = imported(client, "apple_contacts.csv")
    assert chosen == {
        "First name": "given_name",
        "Last name": "family_name",
        "Organization": "organization",
        "Job Title": "job_title",
        "Email (work)": "email",
        "Email (home)": "other_emails",
        "Phone (work)": "phone",
        "Phone (mobile)": "mobile",
        "Phone (home)": "phone",
        "Address (work)": "",
        "Note": "notes",
    }  # fmt: skip  (a contact has no address of its own: its organization's)
    confirm(client, run_id)
    people = by_family_name(app)
    nerea, hiroshi = people["Urrutia"], people["Sato"]
    assert (nerea.phone, nerea.mobile, nerea.other_phones) == (
        "+34944009005", "+34600444555", "Home: +34946112233",
    )  # fmt: skip
    assert (nerea.email, nerea.other_emails) == (
        "nerea.urrutia@tecnalia.example", "nerea@home.example",
    )  # fmt: skip
    assert nerea.notes == "Prefers Basque.\nCall after 10:00."
    assert (hiroshi.phone, hiroshi.mobile) == (None, "+819012345678")


def test_basque_headers(client, login, partners, app, sectors):
    login()
    run_id, chosen = imported(client, "basque_contacts.csv")
    assert list(chosen.values()) == [
        "given_name",
        "family_name",
        "organization",
        "job_title",
        "email",
        "phone",
        "mobile",
        "notes",
    ]
    confirm(client, run_id)
    [itziar] = contacts(app)
    assert (itziar.given_name, itziar.family_name) == ("Itziar", "Larrañaga Uriarte")
    assert (itziar.job_title, itziar.notes) == ("Proiektu burua", "Bilboko azokan ezagutua")
    assert (itziar.phone, itziar.mobile) == ("+34944009006", "+34600666777")

    run_id, chosen = imported(client, "basque_organizations.csv", kind="organization")
    assert list(chosen.values()) == [
        "name",
        "kind",
        "sectors",
        "address",
        "city",
        "postcode",
        "country",
        "website",
        "phone",
        "email",
    ]
    assert "1 will be created" in preview_html(client, run_id)
    confirm(client, run_id)
    with app.app_context():
        org = db.session.scalar(
            select(Organization)
            .options(selectinload(Organization.sectors))
            .where(Organization.name.like("Gaztelu%"))
        )
        assert (org.kind.value, org.region.value, org.country) == (
            "company", "basque_country", "ES",
        )  # fmt: skip
        assert org.address == "Zorrotzaurre kalea 12\n2. solairua"  # multi-line: kept
        assert (org.city, org.postcode) == ("Bilbo", "48014")
        assert (org.phone, org.email) == ("+34944123456", "info@gaztelu.example")
        assert [s.code for s in org.sectors] == ["aeronautics"]


MULTI_LINE_CONTACTS = (
    'First Name,Last Name,Company,Job Title,E-mail Address,Business Phone,Notes\r\n'
    '"Ane\r\nMiren",Etxeberria,"Fundación\nTecnalia","Director\r\nInnovation",'
    '"ane@tecnalia.example\nane@home.example","+34 944 00 90 02\n+34 944 00 90 03",'
    '"First line\r\nsecond line"\r\n'
)  # fmt: skip


def test_multi_line_csv_cells(client, login, partners, app):
    """Line breaks stay in notes, join a one-line field (a space in names, ", " elsewhere), and
    separate the values of an email or phone cell."""
    login()
    run_id = run_id_of(upload(client, MULTI_LINE_CONTACTS.encode()))
    mapping_post(client, run_id)
    assert "1 will be created" in preview_html(client, run_id)
    confirm(client, run_id)
    [ane] = contacts(app)
    assert (ane.given_name, ane.organization_id) == ("Ane Miren", partners["tecnalia"])
    assert ane.job_title == "Director, Innovation"
    assert (ane.email, ane.other_emails) == ("ane@tecnalia.example", "ane@home.example")
    assert (ane.phone, ane.other_phones) == ("+34944009002", "Business: +34944009003")
    assert ane.notes == "First line\r\nsecond line"


def test_multi_line_xlsx_cells(client, login, app):
    login()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Region", "City", "Postal address", "Description"])
    sheet.append(
        ["Ise Bay\nAero", "mie", "Tsu\nMie", "1-2-3 Kasumi\nYokkaichi", "Wings\nand parts"]
    )
    out = io.BytesIO()
    book.save(out)
    run_id = run_id_of(upload(client, out.getvalue(), kind="organization", filename="o.xlsx"))
    mapping_post(client, run_id)
    confirm(client, run_id)
    with app.app_context():
        [org] = db.session.scalars(select(Organization))
        assert (org.name, org.city) == ("Ise Bay Aero", "Tsu, Mie")
        assert (org.address, org.description) == ("1-2-3 Kasumi\nYokkaichi", "Wings\nand parts")


def test_outlook_empty_dates_are_empty_cells(client, login, partners, app):
    """0/0/00 in a mapped column is no value at all (not text to keep, not a problem)."""
    login()
    data = "First Name,Last Name,Company,Birthday\r\nAne,Agirre,Fundación Tecnalia,0/0/00\r\n"
    run_id = run_id_of(upload(client, data.encode()))
    mapping_post(client, run_id, columns={3: "notes"})
    assert "1 will be created" in preview_html(client, run_id)
    confirm(client, run_id)
    assert contacts(app)[0].notes is None
    assert [cell_text(t) for t in ("0/0/00", "00/00/0000", " 0/0/0000 ", "0/1/00")] == [
        "", "", "", "0/1/00",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "label"),
    [("Home Phone 2", "Home"), ("Business Phone", "Business"), ("Phone (work)", "Work"),
     ("Assistant's Phone", "Assistant"), ("Company Main Telephone", "Company Main"),
     ("Business Fax", "Business Fax"), ("Pager", "Pager"), ("Phone 2 - Value", "Phone"),
     ("電話", "電話"), ("Teléfono 2", "Teléfono"), ("Other phones", None)],
)  # fmt: skip
def test_a_phone_columns_label(header, label):
    assert phones.column_label(header) == label


def test_the_main_phone_is_the_first_of_its_rank():
    raw = {}
    phones.compose(raw, [("phone", "Home", "1"), ("phone", "Other", "2"),
                         ("other_phones", "Fax", "Work: 3"), ("phone", "Work Fax", "4"),
                         ("phone", "Business", "5"), ("phone", "Business", "6")])  # fmt: skip
    assert raw == {"phone": "5", "other_phones": "Business: 6; Other: 2; Home: 1; Work: 3; "
                   "Work Fax: 4"}  # fmt: skip
    starred = {}
    phones.compose(starred, [("phone", "Work", "1"), ("phone", "* Home", "2")])
    assert starred == {"phone": "2", "other_phones": "Work: 1"}


def test_phone_lists_keep_their_labels_and_extensions(app):
    assert split_phones("Home: +34 944 00 90 02; +81591234567;ext=12\nFax: 1") == [
        ("Home", "+34 944 00 90 02"), (None, "+81591234567;ext=12"), ("Fax", "1"),
    ]  # fmt: skip
    with app.test_request_context():
        assert phone_list("Home: 059-222-3333; Home: +81 59 222 3333; 944 00 90 02", "JP") == (
            "Home: +81592223333; +81944009002"
        )
    assert split_many("a ::: * b\r\nc") == ["a", "* b", "c"]
