"""Import real-world shaped files through the pages: map, preview, import, report, revert."""

import io
from pathlib import Path

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.accounts.models import Role, User
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, NameOrder
from crm.extensions import db
from crm.imports.models import ImportChange, ImportRun, RunStatus
from crm.organizations.models import Organization
from tests.imports.conftest import (
    count,
    mapping_post,
    run_id_of,
    selected_mapping,
    upload,
)


def contacts(app):
    with app.app_context():
        rows = db.session.scalars(select(Contact).order_by(Contact.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def preview_html(client, run_id, show="all"):
    return client.get(f"/imports/{run_id}/preview?show={show}").get_data(as_text=True)


def confirm(client, run_id):
    return client.post(f"/imports/{run_id}/confirm")


def imported_files(app):
    folder = Path(app.instance_path) / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_google_contacts_export(client, login, partners, app):
    me = login()
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    page = client.get(f"/imports/{run_id}/mapping").get_data(as_text=True)
    chosen = selected_mapping(page)
    assert chosen["First Name"] == "given_name"
    assert chosen["Last Name"] == "family_name"
    assert chosen["Organization Name"] == "organization"
    assert chosen["Organization Title"] == "job_title"
    assert chosen["E-mail 1 - Value"] == "email"
    assert chosen["Phone 1 - Value"] == "phone"
    assert chosen["Phone 1 - Label"] == "phone_type" and chosen["Labels"] == ""
    assert contacts(app) == []

    assert mapping_post(client, run_id).status_code == 302
    html = preview_html(client, run_id)
    assert "2 will be created" in html and "3 will be skipped" in html
    assert "Email: Invalid email address." in html
    assert "Phone: Enter a valid phone number" in html
    assert "no organization called “Unknown Corp”" in html
    assert contacts(app) == [], "the preview writes nothing"

    with app.app_context():
        stored = db.session.get(ImportRun, run_id).stored_name
    assert any(name.startswith(stored) for name in imported_files(app))
    response = confirm(client, run_id)
    assert response.status_code == 302
    created = contacts(app)
    assert [(c.given_name, c.family_name) for c in created] == [
        ("Ane", "Etxeberria"),
        ("Taro", "Yamada"),
    ]
    ane, taro = created
    assert ane.organization_id == partners["tecnalia"]  # "Fundacion" found "Fundación"
    assert ane.phone == "+34946430850" and ane.mobile is None
    assert (taro.phone, taro.mobile) == (None, "+81592321211")  # labelled Mobile
    assert ane.job_title == "Project manager (Industry and Transport)"
    assert ane.notes == "Met at the Bilbao fair,\r\nwants a follow-up"
    assert ane.owner_id == me.id and ane.version == 1
    with app.app_context():
        run = db.session.get(ImportRun, run_id)
        assert (run.status, run.created_count, run.skipped_count) == (RunStatus.IMPORTED, 2, 3)
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "contact")
        ).all()
        assert {e.entity_id for e in events} == {ane.id, taro.id}
        assert all(e.changes["import_run"] == [None, run_id] for e in events)
        assert events[0].changes["given_name"] == [None, "Ane"]
    assert not any(name.startswith(stored) for name in imported_files(app)), "file deleted"

    report = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "2 created, 0 updated, 3 skipped." in report
    assert "Invalid email address" in report
    csv = client.get(f"/imports/{run_id}/report.csv")
    text = csv.get_data(as_text=True)
    assert csv.mimetype == "text/csv" and text.startswith("\ufeffRow,Outcome")
    assert "skipped" in text and "Etxeberria" in text


def test_outlook_export_updates_by_email_and_reports_a_formula(
    client, login, partners, app, records
):
    me = login(Role.MANAGER)
    existing = records.contact(
        partners["owner"], partners["tecnalia"], email="ane.etxeberria@tecnalia.example",
        job_title="Engineer",
    )  # fmt: skip
    run_id = run_id_of(upload(client, "outlook_contacts.csv"))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    assert chosen["E-mail Address"] == "email" and chosen["Company"] == "organization"
    assert chosen["Business Phone"] == "phone" and chosen["Mobile Phone"] == "mobile"
    assert chosen["Job Title"] == "job_title" and chosen["Title"] == ""
    mapping_post(client, run_id)
    html = preview_html(client, run_id)
    assert "1 will be created, 1 will update" in html
    assert "looks like a spreadsheet formula" in html
    confirm(client, run_id)
    ane = records.get(Contact, existing)
    assert ane.job_title == "Head of unit" and ane.version == 2
    inaki = next(c for c in contacts(app) if c.given_name == "Iñaki")
    assert inaki.mobile == "+34600000001" and inaki.job_title == "Director (Innovation)"
    with app.app_context():
        change = db.session.scalar(select(ImportChange).where(ImportChange.entity_id == existing))
        assert change.previous == {"job_title": "Engineer", "phone": None}
        assert not change.created
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_id == existing, AuditEvent.action == "update"
            )
        )
        assert event.changes["job_title"] == ["Engineer", "Head of unit"]
        assert event.actor_id == me.id


def test_shift_jis_file_with_japanese_headers(client, login, partners, app):
    login()
    run_id = run_id_of(upload(client, "japanese_contacts_sjis.csv"))
    page = client.get(f"/imports/{run_id}/mapping").get_data(as_text=True)
    assert "Shift_JIS" in page
    chosen = selected_mapping(page)
    assert chosen == {
        "氏名": "full_name", "姓": "family_name", "名": "given_name", "会社名": "organization",
        "メールアドレス": "email", "電話番号": "phone", "部署": "department", "役職": "job_title",
    }  # fmt: skip
    mapping_post(client, run_id)
    html = preview_html(client, run_id)
    assert "no organization called “株式会社サンプル”" in html
    assert "Phone: Enter a valid phone number" in html  # 電話なし
    confirm(client, run_id)
    yamada, suzuki = contacts(app)
    assert (yamada.family_name, yamada.given_name) == ("山田", "太郎")
    assert yamada.name_order is NameOrder.JAPANESE
    assert yamada.organization_id == partners["mie"]  # by its native name 三重大学
    assert yamada.phone == "+81592321211" and suzuki.phone == "+81592321212"
    assert yamada.job_title == "教授 (工学部)"


def test_create_missing_organizations_and_revert_them(client, login, partners, app):
    login()
    run_id = run_id_of(upload(client, "japanese_contacts_sjis.csv"))
    mapping_post(client, run_id, create_organizations="y", new_region="mie")
    assert "3 will be created" in preview_html(client, run_id)
    confirm(client, run_id)
    with app.app_context():
        sample = db.session.scalar(
            select(Organization).where(Organization.name == "株式会社サンプル")
        )
        assert (sample.region.value, sample.country) == ("mie", "JP")
        sato = db.session.scalar(select(Contact).where(Contact.email == "sato@sample.example"))
        assert sato.organization_id == sample.id
    report = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "organizations were created for them" in report
    assert f'href="/organizations/{sample.id}">株式会社サンプル</a>' in report
    assert "株式会社サンプル" in client.get(f"/imports/{run_id}/report.csv").get_data(as_text=True)
    page = client.get(f"/imports/{run_id}/revert").get_data(as_text=True)
    assert "moves the 4 records this import created" in page
    assert "Revert all 4 records" in page
    client.post(f"/imports/{run_id}/revert")
    with app.app_context():
        live = db.session.scalar(
            select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))
        )
        assert live == 0
        assert db.session.get(Organization, sample.id).deleted_at is not None
        assert db.session.get(Organization, partners["mie"]).deleted_at is None
        assert db.session.get(ImportRun, run_id).status is RunStatus.REVERTED


def test_revert_restores_updated_fields_and_keeps_records_edited_since(
    client, login, partners, app, records
):
    from crm.contacts import services as contact_services

    login()
    existing = records.contact(
        partners["owner"], partners["tecnalia"], email="ane.etxeberria@tecnalia.example",
        job_title="Engineer", phone="+34946000000",
    )  # fmt: skip
    client.post("/logout")
    login(Role.MANAGER)  # managers may update anybody's contact
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    mapping_post(client, run_id)
    confirm(client, run_id)
    taro = next(c for c in contacts(app) if c.given_name == "Taro")
    assert records.get(Contact, existing).phone == "+34946430850"
    with app.test_request_context():
        contact = db.session.get(Contact, taro.id)
        contact_services.update_contact(
            contact, {"job_title": "Dean"}, actor=db.session.get(User, partners["owner"].id)
        )
        db.session.commit()
    page = client.get(f"/imports/{run_id}/revert").get_data(as_text=True)
    assert "changed since the import" in page and "Taro Yamada" in page
    assert "Revert the other 1 records" in page
    client.post(f"/imports/{run_id}/revert")
    ane = records.get(Contact, existing)
    assert (ane.phone, ane.job_title, ane.deleted_at) == ("+34946000000", "Engineer", None)
    assert records.get(Contact, taro.id).deleted_at is None  # edited since: kept
    report = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "This import was reverted" in report and "changed since the import" in report


def test_an_import_is_written_whole_or_not_at_all(client, login, partners, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from crm.imports import services

    login()
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    mapping_post(client, run_id)
    before = count(app, AuditEvent)
    real = services.record_many

    def fail_midway(action, *args, **kwargs):
        if action == "update":  # after the contacts and their "create" history were inserted
            raise OperationalError("INSERT", {}, Exception("disk full"))
        return real(action, *args, **kwargs)

    monkeypatch.setattr(services, "record_many", fail_midway)
    response = confirm(client, run_id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")
    assert contacts(app) == [] and count(app, AuditEvent) == before
    assert count(app, ImportChange) == 0
    with app.app_context():
        assert db.session.get(ImportRun, run_id).status is RunStatus.PREVIEWED
    follow = client.get(f"/imports/{run_id}/preview").get_data(as_text=True)
    assert "Nothing was imported" in follow
    monkeypatch.setattr(services, "record_many", real)
    confirm(client, run_id)
    assert len(contacts(app)) == 2


def test_xlsx_organizations_with_sectors_formulas_and_duplicates(
    client, login, sectors, app, records
):
    me = login()
    records.org(me, name="Fundación Tecnalia", website="https://www.tecnalia.example")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Company name", "Region", "Country", "City", "Sectors", "Website", "Kind"])
    sheet.append(["Suzuka Precision", "三重県", "日本", "Suzuka", "Aeronautics; automotive",
                  "https://suzuka.example", ""])  # fmt: skip
    sheet.append(["FUNDACION TECNALIA", "Euskadi", "", "Donostia", "", "", ""])
    sheet.append(["Ise Foods", "Mie", "", "Ise", "Space travel", "", ""])
    sheet.append(["Tsu Robotics", "Atlantis", "", "", "", "", ""])
    sheet.append(["Formula Ltd", "mie", "", "=A1&A2", "", "", ""])
    sheet.append(["suzuka  precision", "mie", "", "", "", "", ""])
    sheet.append(["", "mie", "", "Tsu", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    run_id = run_id_of(upload(client, out.getvalue(), kind="organization", filename="o.xlsx"))
    mapping_post(client, run_id, on_match="skip")
    html = preview_html(client, run_id, show="problems")
    assert "unknown sector “Space travel”" in html
    assert "unknown region “Atlantis”" in html
    assert "looks like a spreadsheet formula (=A1&amp;A2)" in html
    assert "same value as row 2 of this file." in html
    assert "Name (Latin script): this required field is empty." in html
    all_rows = preview_html(client, run_id)
    assert "already in Zubia as Fundación Tecnalia" in all_rows
    confirm(client, run_id)
    with app.app_context():
        suzuka = db.session.scalar(
            select(Organization).where(Organization.name == "Suzuka Precision")
        )
        assert (suzuka.region.value, suzuka.country, suzuka.kind.value) == ("mie", "JP", "company")
        live = select(Organization.id).where(Organization.deleted_at.is_(None))
        assert len(db.session.execute(live).all()) == 2
        from crm.organizations.models import organization_sectors

        codes = db.session.scalars(
            select(organization_sectors.c.sector_id).where(
                organization_sectors.c.organization_id == suzuka.id
            )
        ).all()
        assert len(codes) == 2


def test_refused_uploads_write_nothing(client, login, app):
    login()
    files = imported_files(app)
    for data in (b"", b"Name,Email\r\n", b"\x89PNG\r\n\x1a\n" + bytes(64),
                 b"Name\n" + b"," * 100_000 + b"\n"):  # fmt: skip
        response = upload(client, data)
        assert response.status_code == 400
        assert "Nothing was saved." in response.get_data(as_text=True)
    assert count(app, ImportRun) == 0 and imported_files(app) == files


def test_a_file_over_the_import_limit_gets_a_clear_413(client, login, app, make_app):
    login()
    big = b"Name\n" + b"x" * (33 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 413
    assert "The file is too big: Zubia imports files of up to 32 MB" in response.get_data(
        as_text=True
    )
    assert count(app, ImportRun) == 0


def test_an_11_mb_file_is_accepted_although_the_app_limit_is_10(client, login, app):
    login()
    rows = b"".join(b"Org %d,Given,Family%d,p%d@x.example\n" % (i, i, i) for i in range(300_000))
    data = b"Organization,First Name,Last Name,Email\n" + rows[: 11 * 1024 * 1024]
    data = data[: data.rfind(b"\n") + 1]
    response = upload(client, data)
    # Over the row cap, but read: the 10 MiB limit of other forms did not apply.
    assert response.status_code in (302, 400)
    assert b"too big" not in response.data


def test_the_last_mapping_is_remembered(client, login, partners, app):
    login()
    data = b"Firm,Forename,Surname,Mail of person\r\nMie University,Taro,Yamada,t@mie.example\r\n"
    run_id = run_id_of(upload(client, data))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    assert chosen == {"Firm": "", "Forename": "", "Surname": "family_name", "Mail of person": ""}
    mapping_post(client, run_id, {0: "organization", 1: "given_name", 2: "family_name", 3: "email"})
    second = run_id_of(upload(client, data))
    chosen = selected_mapping(client.get(f"/imports/{second}/mapping").get_data(as_text=True))
    assert chosen == {"Firm": "organization", "Forename": "given_name",
                      "Surname": "family_name", "Mail of person": "email"}  # fmt: skip


def test_one_column_for_each_field(client, login, partners):
    login()
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    response = mapping_post(client, run_id, {1: "given_name"})
    assert response.status_code == 200
    assert "“First Name” already goes to this field." in response.get_data(as_text=True)


def test_a_duplicate_by_name_is_a_problem(client, login, partners, records, app):
    login()
    records.contact(partners["owner"], partners["mie"], given_name="Taro", family_name="YAMADA")
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    mapping_post(client, run_id)
    html = preview_html(client, run_id)
    assert "looks like Taro YAMADA" in html and "with the same name" in html


def test_a_point_of_contact_may_not_update_others_records(client, login, partners, records):
    login()
    records.contact(
        partners["owner"], partners["tecnalia"], email="ane.etxeberria@tecnalia.example"
    )
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    mapping_post(client, run_id)
    assert "you may not change it" in preview_html(client, run_id)


def test_runs_are_private_to_their_importer_and_managers(client, login, make_user, app):
    from tests.conftest import sign_in
    from tests.imports.factories import import_run

    owner = make_user()
    run_id = import_run(app, owner)
    login()
    assert client.get(f"/imports/{run_id}/mapping").status_code == 403
    assert "contacts.csv" not in client.get("/imports/").get_data(as_text=True)
    client.post("/logout")
    manager = make_user(Role.MANAGER)
    sign_in(client, manager.email)
    assert client.get(f"/imports/{run_id}/mapping").status_code == 200
    assert "contacts.csv" in client.get("/imports/").get_data(as_text=True)


def test_preview_pages_cost_the_same_queries_whatever_the_size(
    client, login, partners, count_queries
):
    login()
    budgets = []
    for rows in (3, 300):
        body = "".join(f"Mie University,Taro{i},Yamada,t{i}@mie.example\r\n" for i in range(rows))
        data = ("Organization,First Name,Last Name,Email\r\n" + body).encode()
        run_id = run_id_of(upload(client, data))
        mapping_post(client, run_id)
        with count_queries() as queries:
            assert client.get(f"/imports/{run_id}/preview").status_code == 200
        budgets.append(len(queries))
    assert budgets[0] == budgets[1]


def test_the_larger_limit_holds_before_the_csrf_check_reads_the_form(make_app, make_user):
    """CSRFProtect reads the form in a before_request: the import limit must already apply."""
    from tests.conftest import sign_in

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    sign_in(client, make_user().email)  # refused without a CSRF token; the session is enough
    data = b"Name\n" + b"x" * (11 * 1024 * 1024)
    response = upload(client, data)
    assert response.status_code == 400  # the CSRF refusal, not a 413 for the 10 MiB app limit
    assert b"too big" not in response.data and b"Too large" not in response.data


def test_a_row_reported_skipped_writes_nothing_not_even_its_new_organization(
    client, login, partners, app
):
    """A formula in any cell skips the row; the organization it would have created is not made."""
    login()
    data = (
        b"Organization,Given name,Family name,Email\n"
        b"Ise Bay Aero,Kenji,Ito,ito@isebay.example\n"
        b'"=HYPERLINK(""http://evil.test"",""x"")",Mallory,Evil,m@evil.example\n'
        b"Suzuka Works,@SUM(A1),Sato,sato@suzuka.example\n"
    )
    run_id = run_id_of(upload(client, data))
    mapping_post(client, run_id, create_organizations="y", new_region="mie")
    html = preview_html(client, run_id)
    assert "1 will be created" in html
    confirm(client, run_id)
    with app.app_context():
        names = set(db.session.scalars(select(Organization.name)))
        assert "Ise Bay Aero" in names
        assert not names & {'=HYPERLINK("http://evil.test","x")', "Suzuka Works"}
        assert [c.email for c in db.session.scalars(select(Contact))] == ["ito@isebay.example"]
    page = client.get(f"/imports/{run_id}/revert").get_data(as_text=True)
    assert "moves the 2 records this import created" in page and "Revert all 2 records" in page


def test_an_organization_list_brings_its_contact_details(client, login, app):
    """Email, phone (read in the organization's country), address, postcode and tax ID."""
    login()
    data = (
        "会社名（英語）,会社名,地域,メール,電話,住所,郵便番号,法人番号\n"
        "Ise Bay Aero,伊勢湾航空部品株式会社,Mie,INFO@ISEBAY.example,059-345-1234,"
        "三重県四日市市霞ヶ浦1-2-3,510-0011,1190001234567\n"
        "Bad Phone Co,,Mie,x@bad.example,12,,,\n"
        ",三重精密工業株式会社,Mie,,,,,\n"
    ).encode()
    run_id = run_id_of(upload(client, data, kind="organization"))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    assert [chosen[h] for h in ("メール", "電話", "住所", "郵便番号", "法人番号")] == [
        "email", "phone", "address", "postcode", "tax_id",
    ]  # fmt: skip
    mapping_post(client, run_id)
    assert "Phone: Enter a valid phone number" in preview_html(client, run_id)
    confirm(client, run_id)
    with app.app_context():
        [org] = db.session.scalars(select(Organization).where(Organization.name == "Ise Bay Aero"))
        assert (org.email, org.phone, org.postcode, org.tax_id) == (
            "info@isebay.example", "+81593451234", "510-0011", "1190001234567",
        )  # fmt: skip
        assert org.address == "三重県四日市市霞ヶ浦1-2-3"
        assert (
            db.session.scalar(select(Organization).where(Organization.name == "Bad Phone Co"))
            is None
        )


def test_kinds_and_sectors_are_known_by_the_words_people_use(client, login, app, sectors):
    login()
    data = (
        "Nombre,Región,Tipo,Sectores\n"
        "Diputación Foral de Bizkaia,Euskadi,Administración pública,Aeroespacial; I+D\n"
        "Suzuka Seiki,三重県,中小企業,製造業、ロボット\n"
        "Ise Foods Kyokai,Mie,協会,Food\n"
    ).encode()
    run_id = run_id_of(upload(client, data, kind="organization"))
    mapping_post(client, run_id)
    assert "unknown" not in preview_html(client, run_id)
    confirm(client, run_id)
    with app.app_context():
        orgs = {
            org.name: (org.kind.value, sorted(s.code for s in org.sectors))
            for org in db.session.scalars(
                select(Organization).options(selectinload(Organization.sectors))
            )
        }
    assert orgs["Diputación Foral de Bizkaia"] == ("government", ["aeronautics", "rd-innovation"])
    assert orgs["Suzuka Seiki"] == ("company", ["manufacturing", "robotics"])
    assert orgs["Ise Foods Kyokai"] == ("association", ["agri-food"])


def test_google_layout_middle_and_phonetic_names_and_several_emails(client, login, partners, app):
    """Middle names join the given name, phonetic names make the reading, a ::: cell and the
    E-mail 2 column keep every address (the starred one as the main email)."""
    login()
    data = (
        "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Last Name,"
        "Organization Name,E-mail 1 - Value,E-mail 2 - Value\n"
        "María,José,Agirre,,,Fundación Tecnalia,"
        "maria@home.example ::: * MJ.Agirre@tecnalia.example,mj@old.example\n"
        "太郎,,山田,たろう,やまだ,三重大学,yamada@mie-u.example,\n"
        "Bad,,Mail,,,三重大学,ok@mie-u.example ::: not-an-address,\n"
    ).encode()
    run_id = run_id_of(upload(client, data))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    assert chosen["Middle Name"] == "middle_name"
    assert (chosen["Phonetic First Name"], chosen["Phonetic Last Name"]) == (
        "reading_given", "reading_family",
    )  # fmt: skip
    assert chosen["E-mail 2 - Value"] == "other_emails"
    mapping_post(client, run_id)
    assert "is not a valid email address" in preview_html(client, run_id)
    confirm(client, run_id)
    people = {c.family_name: c for c in contacts(app)}
    assert set(people) == {"Agirre", "山田"}
    maria = people["Agirre"]
    assert maria.given_name == "María José"
    assert maria.email == "mj.agirre@tecnalia.example"
    assert maria.other_emails == "maria@home.example; mj@old.example"
    assert people["山田"].reading == "やまだ たろう"


def test_the_preview_warns_of_a_likely_duplicate_and_links_to_it(client, login, records, app):
    """Another Latin name, the same native name but for its legal form: created, with a warning."""
    owner = login()
    twin = records.org(owner, name="Ise Bay Aero", native_name="伊勢湾航空部品株式会社",
                       region="mie", country="JP")  # fmt: skip
    data = "Name,Native name,Region\nIsewan Aero Parts,伊勢湾航空部品（株）,Mie\nKaiyo Labs,,Mie\n"
    run_id = run_id_of(upload(client, data.encode(), kind="organization"))
    mapping_post(client, run_id)
    html = preview_html(client, run_id)
    assert html.count("Likely already in Zubia:") == 1
    assert f'<a href="/organizations/{twin}">伊勢湾航空部品株式会社 (Ise Bay Aero)</a>' in html
    confirm(client, run_id)
    assert count(app, Organization) == 3


def test_a_japanese_organization_list_adds_its_people_as_contacts(client, login, records, app):
    """cp932 with 髙 and ～, no region column, a 担当者 column: each company with its person."""
    owner = login()
    known = records.org(owner, name="Suzuka Seiki", native_name="鈴鹿精機株式会社",
                        region="mie", country="JP")  # fmt: skip
    records.contact(
        owner, known, given_name="一郎", family_name="佐藤", email="sato@suzuka.example"
    )
    data = (
        "会社名,会社名（英語）,担当者,メール,電話,住所,事業内容\n"
        "伊勢湾航空部品株式会社,Ise Bay Aero,髙橋 健,takahashi@isebay.example,059-345-1234,"
        "三重県四日市市霞ヶ浦1-2-3,航空機部品（試作～量産）\n"
        "鈴鹿精機株式会社,Suzuka Seiki,佐藤 一郎,sato@suzuka.example,,三重県鈴鹿市,\n"
        "三重精密工業株式会社,Mie Precision,山田 花子,,059-222-0000,津市,\n"
        "名張工業,Nabari Works,山田,,,名張市,\n"
    ).encode("cp932")
    run_id = run_id_of(upload(client, data, kind="organization", filename="list.csv"))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    assert chosen["担当者"] == "contact_name" and chosen["会社名"] == "native_name"
    mapping_post(client, run_id)
    html = preview_html(client, run_id)
    assert "Adds 髙橋 健 as a contact." in html
    assert "佐藤 一郎 is a contact there already." in html
    assert "Contact person: cannot tell the family name from the given name" in html
    confirm(client, run_id)
    with app.app_context():
        people = {
            c.family_name + c.given_name: c
            for c in db.session.scalars(select(Contact).options(selectinload(Contact.organization)))
        }
        assert sorted(people) == ["佐藤一郎", "山田花子", "髙橋健"]
        takahashi = people["髙橋健"]
        assert takahashi.organization.name == "Ise Bay Aero"
        assert takahashi.organization.region.value == "mie"  # from the address
        assert takahashi.organization.description == "航空機部品（試作～量産）"
        assert (takahashi.email, takahashi.phone) == ("takahashi@isebay.example", "+81593451234")
        assert takahashi.name_order is NameOrder.JAPANESE and takahashi.owner_id == owner.id
        assert people["山田花子"].phone == "+81592220000" and people["山田花子"].email is None
        assert (
            db.session.scalar(select(Organization).where(Organization.name == "Nabari Works"))
            is None
        )
    report = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "髙橋 健" in report and "山田 花子" in report
    client.post(f"/imports/{run_id}/revert")
    with app.app_context():
        live = select(Contact.id).where(Contact.deleted_at.is_(None))
        assert len(db.session.execute(live).all()) == 1  # 佐藤 一郎, who was there before


def test_a_spanish_xlsx_brings_the_matching_profile_and_its_people(client, login, sectors, app):
    login()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nombre", "Tipo", "Sectores", "Capacidades ofrecidas", "Intereses buscados",
                  "Ciudad", "Código postal", "Teléfono", "Correo electrónico", "Sitio web",
                  "Persona de contacto"])  # fmt: skip
    sheet.append(["Diputación Foral de Gipuzkoa", "Administración pública", "I+D", "Financiación",
                  "Socios en Mie", "Donostia", "20004", "943 11 23 45", "INFO@GIPUZKOA.EXAMPLE",
                  "https://www.gipuzkoa.example", "Miren Agirre"])  # fmt: skip
    sheet.append(["Mecanizados Durango S.L.", "Pyme", "Automoción; Aeroespacial",
                  "Mecanizado de precisión\nTratamientos térmicos", "Clientes en Japón",
                  "Durango", "48200", "+34 946 00 00 01", "", "", ""])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    run_id = run_id_of(upload(client, out.getvalue(), kind="organization", filename="socios.xlsx"))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    headers = ("Capacidades ofrecidas", "Intereses buscados", "Persona de contacto")
    assert [chosen[h] for h in headers] == ["capabilities", "interests", "contact_name"]
    mapping_post(client, run_id)
    assert "table-warning" not in preview_html(client, run_id)  # no row has a problem
    confirm(client, run_id)
    with app.app_context():
        orgs = {
            o.name: o
            for o in db.session.scalars(
                select(Organization).options(selectinload(Organization.sectors))
            )
        }
        gipuzkoa, durango = orgs["Diputación Foral de Gipuzkoa"], orgs["Mecanizados Durango S.L."]
        assert (gipuzkoa.kind.value, gipuzkoa.region.value, gipuzkoa.country) == (
            "government",
            "basque_country",
            "ES",
        )  # fmt: skip
        assert (gipuzkoa.capabilities, gipuzkoa.interests) == ("Financiación", "Socios en Mie")
        assert (gipuzkoa.phone, gipuzkoa.email) == ("+34943112345", "info@gipuzkoa.example")
        assert [s.code for s in gipuzkoa.sectors] == ["rd-innovation"]
        assert durango.kind.value == "company"
        assert durango.capabilities == "Mecanizado de precisión\nTratamientos térmicos"
        assert sorted(s.code for s in durango.sectors) == ["aeronautics", "automotive"]
        [miren] = db.session.scalars(select(Contact))
        assert (miren.given_name, miren.family_name, miren.organization_id) == (
            "Miren", "Agirre", gipuzkoa.id,
        )  # fmt: skip
        assert (miren.email, miren.phone) == ("info@gipuzkoa.example", "+34943112345")
