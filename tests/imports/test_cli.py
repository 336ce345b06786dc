"""``flask import FILE``: the same import as the pages, its preview, its exit status."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.accounts.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.models import ImportChange, ImportRun, RunStatus
from crm.organizations.models import Organization, Region
from tests.imports.conftest import FILES, count
from tests.test_failures import own_app, write_lock

ORGANIZATIONS = (
    "会社名（英語）,会社名,電話,住所\n"
    "Ise Bay Aero,伊勢湾航空部品株式会社,059-345-1234,三重県四日市市霞ヶ浦1-2-3\n"
    "Derio Gears,,+34 944 00 90 02,Derio\n"
    "Bad Phone Co,,12,Tsu\n"
)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, email="admin@zubia.example")


@pytest.fixture
def flask_import(app, tmp_path):
    """``flask_import(data or file name, *options)`` runs the command on a file."""

    def run(data, *options):
        if isinstance(data, str) and (FILES / data).exists():
            path = FILES / data
        else:
            path = tmp_path / "list.csv"
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return app.test_cli_runner().invoke(args=["import", str(path), *options])

    return run


def test_without_commit_it_prints_the_preview_and_writes_nothing(app, admin, flask_import):
    result = flask_import(ORGANIZATIONS, "--kind", "organizations")
    assert result.exit_code == 1, result.output  # a row is refused
    assert "会社名 → Name in native script" in result.output
    assert "2 create, 0 update, 0 unchanged, 1 skip" in result.output
    assert "row 4: Bad Phone Co: Phone: Enter a valid phone number" in result.output
    assert "Nothing written: add --commit to import." in result.output
    assert count(app, Organization) == count(app, ImportRun) == 0


def test_with_commit_it_imports_as_the_pages_do_and_can_be_reverted(
    app, client, login, admin, flask_import
):
    result = flask_import(ORGANIZATIONS, "--kind", "organizations", "--commit")
    assert result.exit_code == 1, result.output
    assert "Imported: 2 created, 0 updated, 1 skipped." in result.output
    with app.app_context():
        orgs = {o.name: o for o in db.session.scalars(select(Organization))}
        assert sorted(orgs) == ["Derio Gears", "Ise Bay Aero"]
        # the region from the address and the phone, the phone read in the row's country
        assert orgs["Ise Bay Aero"].region is Region.MIE
        assert orgs["Ise Bay Aero"].phone == "+81593451234"
        assert orgs["Derio Gears"].region is Region.BASQUE_COUNTRY
        assert {o.owner_id for o in orgs.values()} == {admin.id}
        run = db.session.scalar(select(ImportRun))
        assert (run.status, run.owner_id, run.created_count) == (RunStatus.IMPORTED, admin.id, 2)
        assert run.mapping["remember"]["会社名"] == "native_name"  # the next import's start
        assert db.session.scalar(
            select(ImportChange.row_number).where(ImportChange.run_id == run.id)
        )
    assert f"Report and revert: /imports/{run.id}" in result.output
    login(Role.ADMIN)
    assert client.post(f"/imports/{run.id}/revert").status_code == 302
    with app.app_context():
        assert None not in db.session.scalars(select(Organization.deleted_at)).all()


def test_a_clean_file_exits_0_and_names_the_importer(app, make_user, admin, flask_import):
    poc = make_user(email="ane@zubia.example")
    result = flask_import(ORGANIZATIONS.rsplit("Bad", 1)[0], "--kind", "organizations",
                          "--as", "ane@zubia.example", "--commit")  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(db.session.scalars(select(Organization.owner_id))) == {poc.id}
        assert db.session.scalar(select(ImportRun.owner_id)) == poc.id


def test_a_row_without_a_region_takes_the_one_given(app, admin, flask_import):
    data = "Name,City\nKaiyo Labs,Somewhere\n"
    refused = flask_import(data, "--kind", "organizations", "--commit")
    assert refused.exit_code == 1 and "Region: this required field is empty." in refused.output
    assert count(app, Organization) == 0
    taken = flask_import(data, "--kind", "organizations", "--region", "mie", "--commit")
    assert taken.exit_code == 0, taken.output
    with app.app_context():
        assert db.session.scalar(select(Organization.region)) is Region.MIE


def test_a_shift_jis_contact_list_creates_its_organizations_in_their_region(
    app, admin, flask_import
):
    options = ("--kind", "contacts", "--encoding", "cp932")
    without = flask_import("japanese_contacts_sjis.csv", *options)
    assert without.exit_code == 1 and "no organization called “三重大学”" in without.output
    result = flask_import("japanese_contacts_sjis.csv", *options, "--create-organizations",
                          "--commit")  # fmt: skip
    assert "(csv, cp932)" in result.output and "2 organizations to create" in result.output
    with app.app_context():
        people = db.session.scalars(
            select(Contact).options(selectinload(Contact.organization)).order_by(Contact.id)
        ).all()
        assert [(p.family_name, p.given_name) for p in people][:2] == [
            ("山田", "太郎"),
            ("鈴木", "花子"),
        ]
        assert {p.organization.name for p in people} >= {"三重大学"}
        assert people[0].phone == "+81592321211"  # 059: read in Mie, the region it was put in
        assert {p.organization.region for p in people} == {Region.MIE}


def test_an_unreadable_file_exits_2(app, admin, flask_import, tmp_path):
    assert flask_import(b"\x00\x01\x02PK garbage", "--kind", "contacts").exit_code == 2
    missing = app.test_cli_runner().invoke(
        args=["import", str(tmp_path / "none.csv"), "--kind", "contacts"]
    )
    assert missing.exit_code == 2 and "No such file or directory" in missing.output
    assert count(app, ImportRun) == 0


def test_options_that_cannot_be_used_exit_2(app, admin, flask_import):
    unknown = flask_import(ORGANIZATIONS, "--kind", "organizations", "--as", "x@nowhere.example")
    assert unknown.exit_code == 2 and "no active account" in unknown.output
    wrong = flask_import(ORGANIZATIONS, "--kind", "organizations", "--match-by", "email")
    assert wrong.exit_code == 2 and "choose one of name, native_name, website" in wrong.output


def test_without_an_admin_it_asks_who_imports(app, flask_import):
    result = flask_import(ORGANIZATIONS, "--kind", "organizations")
    assert result.exit_code == 2 and "--as EMAIL" in result.output


def test_a_database_refusing_the_write_exits_3_and_writes_nothing(tmp_path):
    database = tmp_path / "zubia.sqlite3"
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLITE_BUSY_TIMEOUT": 200,
    }
    (tmp_path / "list.csv").write_text(ORGANIZATIONS)
    with own_app(settings) as app:
        with app.app_context():
            from crm.accounts.models import User

            db.session.add(
                User(email="admin@zubia.example", name="A", role=Role.ADMIN, password_hash="-")
            )
            db.session.commit()
        with write_lock(database, "IMMEDIATE"):  # the checks read, the write waits
            result = app.test_cli_runner().invoke(
                args=["import", str(tmp_path / "list.csv"), "--kind", "organizations", "--commit"]
            )
        assert result.exit_code == 3, result.output
        assert "Nothing was imported" in result.output
        assert count(app, Organization) == count(app, ImportRun) == 0


def test_the_preview_names_a_likely_duplicate(app, admin, records, flask_import):
    twin = records.org(admin, name="Ise Bay Aero", native_name="伊勢湾航空部品株式会社",
                       region="mie", country="JP")  # fmt: skip
    result = flask_import("Name,Native name,Region\nIsewan Aero,伊勢湾航空部品（株）,Mie\n",
                          "--kind", "organizations")  # fmt: skip
    assert (
        f"row 2: Isewan Aero: likely already in Zubia as 伊勢湾航空部品株式会社 (Ise Bay Aero) "
        f"(#{twin})" in result.output
    )
