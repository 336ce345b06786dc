"""CSV exports of the four main lists: the filtered, sorted list, every page, through the one
CSV writer (SEC-10), without trashed records (DATA-4), at a constant number of queries."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.actions.models import Action
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.exports import BOM
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.trash.services import move_to_trash


def read_csv(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))
    return rows


def trash(app, model, record_id, owner):
    with app.test_request_context():
        move_to_trash(db.session.get(model, record_id), actor=db.session.get(User, owner.id))
        db.session.commit()


def test_organizations_export_is_the_filtered_sorted_list_on_every_page(
    app, client, login, records
):
    user = login()
    for n in range(30):
        records.org(user, name=f"Basque {n:02d}", city="Bilbao")
    records.org(user, name="三重大学", region="mie", country="JP")
    records.org(user, name='=HYPERLINK("http://evil.test")')
    trash(app, Organization, records.org(user, name="Basque gone"), user)
    rows = read_csv(client.get("/organizations/export.csv?q=basque&sort=-name&page=2"))
    assert [row["Name (Latin script)"] for row in rows] == [
        f"Basque {n:02d}" for n in reversed(range(30))
    ]
    assert rows[0]["City"] == "Bilbao"
    assert rows[0]["Region"] == "Basque Country"
    assert rows[0]["Owner (point of contact)"] == user.name
    assert rows[0]["Created"].startswith("20") and "T" in rows[0]["Created"]
    everything = read_csv(client.get("/organizations/export.csv?region=mie"))
    assert [row["Name (Latin script)"] for row in everything] == ["三重大学"]
    names = [
        row["Name (Latin script)"] for row in read_csv(client.get("/organizations/export.csv"))
    ]
    assert '\'=HYPERLINK("http://evil.test")' in names
    assert "Basque gone" not in names
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
        ).first()
        assert (event.entity_type, event.actor_id) == ("organizations", user.id)
        assert event.changes == {"filters": {"q": "basque", "sort": "-name"}}


def test_organization_sectors_are_exported_in_the_readers_language(app, client, login, records):
    from crm.organizations.models import Sector

    with app.app_context():
        db.session.add(
            Sector(code="auto", name_en="Automotive", name_ja="自動車", name_es="Automoción")
        )
        db.session.commit()
        sector = db.session.scalar(select(Sector.id))
    user = login(language="ja")
    records.org(user, sector_ids=[sector])
    [row] = read_csv(client.get("/organizations/export.csv"))
    assert "自動車" in row.values()


def test_contacts_export_follows_the_filters(app, client, login, records):
    user = login()
    org = records.org(user)
    mie = records.org(user, name="Mie University", region="mie", country="JP")
    records.contact(user, org, given_name="Ane", email="ane@tecnalia.example")
    records.contact(
        user,
        mie,
        name_order="japanese",
        given_name="Taro",
        family_name="Yamada",
        native_name="山田 太郎",
        phone="+81592311111",
        is_primary=True,
    )
    trash(app, Contact, records.contact(user, mie, given_name="Gone"), user)
    rows = read_csv(client.get("/contacts/export.csv?region=mie"))
    assert [(r["Family name"], r["Name in native script"]) for r in rows] == [
        ("Yamada", "山田 太郎")
    ]
    assert rows[0]["Organization"] == "Mie University"
    assert rows[0]["Phone"] == "+81592311111"  # a number: no prefix to stay in the cell
    assert rows[0]["Permanent point of contact of the organization"] == "yes"
    assert rows[0]["Name order"] == "Family name first (Japanese)"


def test_meetings_export_gives_utc_and_the_readers_local_time(app, client, login, records):
    user = login(timezone="Asia/Tokyo")
    org = records.org(user)
    gone = records.org(user, name="Gone")
    records.meeting(
        user,
        [org, gone],
        title="Kick-off",
        starts_at=datetime(2026, 3, 29, 15, 30, tzinfo=UTC),
        summary="a, b; c\nd",
    )
    trash(app, Meeting, records.meeting(user, [org], title="Deleted one"), user)
    trash(app, Organization, gone, user)
    [row] = read_csv(client.get("/meetings/export.csv"))
    assert row["Subject"] == "Kick-off"
    assert row["Starts (UTC)"] == "2026-03-29T15:30:00+00:00"
    assert row["Starts (your time zone)"] == "2026-03-30T00:30:00+09:00"
    assert row["Organizations"] == "Fundación Tecnalia"  # the trashed one is left out
    assert row["Summary"] == "a, b; c\nd"
    assert row["Our people present"] == user.name


def test_actions_export_defaults_to_open_like_the_list(app, client, login, records):
    user = login()
    org = records.org(user)
    records.action(user, organization_id=org, title="Open one", due_date=date(2026, 12, 1))
    done = records.action(user, title="Done one")
    with app.test_request_context():
        from crm.actions.models import Status
        from crm.actions.services import set_status

        set_status(db.session.get(Action, done), Status.DONE, actor=db.session.get(User, user.id))
        db.session.commit()
    rows = read_csv(client.get("/actions/export.csv"))
    assert [(r["What"], r["Due date"], r["Organization"]) for r in rows] == [
        ("Open one", "2026-12-01", "Fundación Tecnalia")
    ]
    every = read_csv(client.get("/actions/export.csv?status=all&sort=title"))
    assert [r["What"] for r in every] == ["Done one", "Open one"]


@pytest.mark.parametrize("path", ["organizations", "contacts", "meetings", "actions"])
def test_export_query_count_is_constant(app, client, login, records, count_queries, path):
    user = login()

    def add(n):
        for i in range(n):
            org = records.org(user, name=f"Org {i}")
            contact = records.contact(user, org)
            records.meeting(user, [org], contact_ids=[contact])
            records.action(user, organization_id=org, contact_id=contact)

    def queries():
        with count_queries() as counted:
            read_csv(client.get(f"/{path}/export.csv"))
        return len(counted)

    add(1)
    few = queries()
    add(12)
    assert queries() == few


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_export(client, login, role):
    login(role)
    for path in ("organizations", "contacts", "meetings", "actions"):
        assert client.get(f"/{path}/export.csv").status_code == 200


def test_list_pages_link_to_their_export_with_the_same_filters(client, login):
    login()
    page = client.get("/organizations/?region=mie&sort=-name&page=2").get_data(as_text=True)
    assert 'href="/organizations/export.csv?region=mie&amp;sort=-name"' in page
    page = client.get("/contacts/?q=yamada").get_data(as_text=True)
    assert 'href="/contacts/export.vcf?q=yamada"' in page
