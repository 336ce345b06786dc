"""The trash (DATA-4): out of every list, search and count; restored with its relations by a
manager; purged for good only by an admin; history kept (DATA-5)."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role
from crm.actions.models import Action
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization, OrganizationLink, Region
from tests.conftest import sign_in


def total(html, title):
    match = re.search(rf"{title} <span[^>]*>\((\d+)\)</span>", html)
    assert match, title
    return int(match.group(1))


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def mie(app, login, records, sectors):
    """A manager signed in, and Mie with two contacts, a meeting, an action and a link."""
    manager = login(Role.MANAGER)
    org = records.org(
        manager,
        name="Mie Prefectural Government",
        native_name="三重県庁",
        region=Region.MIE,
        country="JP",
        sector_ids=list(sectors.values()),
    )
    taro = records.contact(manager, org, given_name="Taro", family_name="Yamada", is_primary=True)
    hanako = records.contact(manager, org, given_name="Hanako", family_name="Suzuki")
    other = records.org(manager, name="Fundación Tecnalia")
    ane = records.contact(manager, other, given_name="Ane", family_name="Etxeberria")
    meeting = records.meeting(
        manager,
        [org],
        contact_ids=[taro],
        title="Kick-off",
        starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )
    action = records.action(
        manager,
        title="Send the brochure",
        organization_id=org,
        contact_id=taro,
        due_date=date(2026, 12, 1),
    )
    with app.app_context():
        db.session.add(OrganizationLink(from_id=other, to_id=org, kind="partner_of"))
        db.session.commit()
    return {
        "org": org,
        "taro": taro,
        "hanako": hanako,
        "other": other,
        "ane": ane,
        "meeting": meeting,
        "action": action,
        "manager": manager,
    }


@pytest.fixture
def sectors(app):
    from crm.organizations.models import Sector

    with app.app_context():
        sector = Sector(code="automotive", name_en="Automotive", name_ja="自動車", name_es="x")
        db.session.add(sector)
        db.session.commit()
        return {"automotive": sector.id}


def test_data4_trashed_organization_disappears_everywhere_with_its_contacts(client, mie):
    assert total(client.get("/organizations/").get_data(as_text=True), "Organizations") == 2
    assert total(client.get("/contacts/").get_data(as_text=True), "Contacts") == 3

    assert client.post(f"/organizations/{mie['org']}/delete").status_code == 302

    orgs = client.get("/organizations/").get_data(as_text=True)
    assert total(orgs, "Organizations") == 1 and "三重県庁" not in orgs
    people = client.get("/contacts/").get_data(as_text=True)
    assert total(people, "Contacts") == 1 and "Yamada" not in people and "Suzuki" not in people
    found = client.get("/search/?q=三重").get_data(as_text=True)
    assert "三重県庁" not in found.split("</form>", 2)[-1]
    assert "Yamada" not in client.get("/search/?q=yamada").get_data(as_text=True)
    for url in (
        f"/organizations/{mie['org']}",
        f"/contacts/{mie['taro']}",
        f"/contacts/{mie['hanako']}",
    ):
        assert client.get(url).status_code == 404, url
    other = client.get(f"/organizations/{mie['other']}").get_data(as_text=True)
    assert "三重県庁" not in other  # the link is hidden while one side is in the trash
    assert "Send the brochure" not in client.get("/actions/mine").get_data(as_text=True)
    for filter_ in ("region=mie", "quiet=1", f"organization={mie['org']}"):
        assert "三重県庁" not in client.get(f"/organizations/?{filter_}").get_data(as_text=True)
        assert "Yamada" not in client.get(f"/contacts/?{filter_}").get_data(as_text=True)


def test_data4_trash_page_lists_what_was_deleted(client, mie):
    client.post(f"/organizations/{mie['org']}/delete")
    client.post(f"/meetings/{mie['meeting']}/delete")
    html = client.get("/trash/").get_data(as_text=True)
    assert total(html, "Organizations") == 1 and total(html, "Contacts") == 2
    assert total(html, "Meetings") == 1
    assert total(html, "Actions") == 1  # the organization's open action went along
    assert "三重県庁 (Mie Prefectural Government)" in html and "Kick-off" in html


def test_data4_manager_restores_an_organization_with_its_contacts(app, client, mie):
    # Hanako was deleted on her own before: she stays in the trash.
    client.post(f"/contacts/{mie['hanako']}/delete")
    client.post(f"/organizations/{mie['org']}/delete")
    response = client.post(f"/trash/organization/{mie['org']}/restore")
    assert response.status_code == 302 and response.headers["Location"] == "/trash/"
    assert "was restored" in client.get("/trash/").get_data(as_text=True)
    assert client.get(f"/organizations/{mie['org']}").status_code == 200
    assert client.get(f"/contacts/{mie['taro']}").status_code == 200
    assert client.get(f"/contacts/{mie['hanako']}").status_code == 404
    with app.app_context():
        taro = db.session.get(Contact, mie["taro"])
        assert taro.deleted_at is None and taro.deleted_by_id is None and taro.is_primary
    page = client.get(f"/organizations/{mie['org']}").get_data(as_text=True)
    assert "Fundación Tecnalia" in page  # the link is back
    assert "Send the brochure" in page  # and its open action
    assert "Automotive" in page


def test_data4_manager_restores_a_single_contact(client, mie):
    client.post(f"/contacts/{mie['hanako']}/delete")
    response = client.post(f"/trash/contact/{mie['hanako']}/restore")
    assert response.status_code == 302
    assert client.get(f"/contacts/{mie['hanako']}").status_code == 200


def test_data4_restoring_a_contact_whose_organization_is_trashed_is_refused(app, client, mie):
    client.post(f"/organizations/{mie['org']}/delete")
    response = client.post(f"/trash/contact/{mie['taro']}/restore")
    assert response.status_code == 302
    html = client.get("/trash/").get_data(as_text=True)
    assert re.search(r"Restore the organization of [^<]*Taro[^<]* first\.", html)
    with app.app_context():
        assert db.session.get(Contact, mie["taro"]).deleted_at is not None


def test_data4_restoring_a_meeting_brings_back_the_last_contact(app, client, mie):
    client.post(f"/meetings/{mie['meeting']}/delete")
    with app.app_context():
        assert db.session.get(Organization, mie["org"]).last_contact_at is None
    assert client.post(f"/trash/meeting/{mie['meeting']}/restore").status_code == 302
    with app.app_context():
        assert db.session.get(Organization, mie["org"]).last_contact_at == datetime(
            2026, 11, 2, 9, tzinfo=UTC
        )


def test_data4_restoring_an_action(client, mie):
    client.post(f"/actions/{mie['action']}/delete")
    assert client.post(f"/trash/action/{mie['action']}/restore").status_code == 302
    assert client.get(f"/actions/{mie['action']}/edit").status_code == 200


def test_sec5_point_of_contact_cannot_see_or_use_the_trash(app, client, mie, make_user):
    client.post(f"/organizations/{mie['org']}/delete")
    poc = app.test_client()
    sign_in(poc, make_user().email)
    assert poc.get("/trash/").status_code == 403
    assert poc.post(f"/trash/organization/{mie['org']}/restore").status_code == 403
    assert poc.post(f"/trash/organization/{mie['org']}/purge").status_code == 403
    assert "Trash" not in poc.get("/organizations/").get_data(as_text=True).split("</nav>")[0]
    with app.app_context():
        assert db.session.get(Organization, mie["org"]).deleted_at is not None


def test_manager_cannot_purge(app, client, mie):
    client.post(f"/organizations/{mie['org']}/delete")
    assert client.post(f"/trash/organization/{mie['org']}/purge").status_code == 403
    assert count(app, Organization, Organization.id == mie["org"]) == 1


def admin_client(app, make_user):
    admin = app.test_client()
    assert sign_in(admin, make_user(Role.ADMIN).email).status_code == 302
    return admin


def test_admin_purges_an_organization_for_good(app, client, mie, make_user):
    client.post(f"/organizations/{mie['org']}/delete")
    admin = admin_client(app, make_user)
    response = admin.post(f"/trash/organization/{mie['org']}/purge")
    assert response.status_code == 302
    assert count(app, Organization, Organization.id == mie["org"]) == 0
    assert count(app, Contact, Contact.organization_id == mie["org"]) == 0
    assert count(app, OrganizationLink) == 0
    with app.app_context():
        action = db.session.get(Action, mie["action"])
        assert action.organization_id is None and action.contact_id is None
        purge = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "purge"))
        assert (purge.entity_type, purge.entity_id) == ("organization", mie["org"])
    assert "deleted for good" in admin.get("/trash/").get_data(as_text=True)
    assert client.get(f"/organizations/{mie['other']}").status_code == 200


@pytest.mark.parametrize("kind", ["contact", "meeting", "action"])
def test_admin_purges_each_kind(app, client, mie, make_user, kind):
    model = {"contact": Contact, "meeting": Meeting, "action": Action}[kind]
    record_id = mie["hanako"] if kind == "contact" else mie[kind]
    delete_url = {
        "contact": f"/contacts/{record_id}/delete",
        "meeting": f"/meetings/{record_id}/delete",
        "action": f"/actions/{record_id}/delete",
    }[kind]
    assert client.post(delete_url).status_code == 302
    admin = admin_client(app, make_user)
    assert admin.post(f"/trash/{kind}/{record_id}/purge").status_code == 302
    assert count(app, model, model.id == record_id) == 0


def test_live_or_unknown_records_are_not_in_the_trash(app, client, mie, make_user):
    admin = admin_client(app, make_user)
    paths = [
        "organization/{org}",
        "organization/99999999",
        "user/1",
        "password_hash/1",
        "contact/abc",
        "action/0",
    ]
    for verb in ("restore", "purge"):
        for path in paths:
            url = f"/trash/{path.format(org=mie['org'])}/{verb}"
            assert admin.post(url).status_code == 404, url
    assert count(app, Organization, Organization.deleted_at.is_(None)) == 2


def test_data5_trash_and_restore_are_in_the_history(app, client, mie):
    client.post(f"/organizations/{mie['org']}/delete")
    client.post(f"/trash/organization/{mie['org']}/restore")
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.action)
            .where(AuditEvent.action.in_(["delete", "restore"]))
            .order_by(AuditEvent.id)
        ).all()
    rows = [tuple(r) for r in rows]
    gone = {
        ("organization", mie["org"]),
        ("contact", mie["taro"]),
        ("contact", mie["hanako"]),
        ("action", mie["action"]),
    }
    assert [r[2] for r in rows] == ["delete"] * 4 + ["restore"] * 4
    assert {r[:2] for r in rows[:4]} == gone and {r[:2] for r in rows[4:]} == gone
    page = client.get(f"/contacts/{mie['taro']}").get_data(as_text=True)
    assert "moved to the trash" in page and "restored" in page


def test_trash_page_survives_hostile_names(client, login, records, mie):
    name = '"><img src=x onerror=alert(1)>'
    org = records.org(mie["manager"], name=name)
    client.post(f"/organizations/{org}/delete")
    html = client.get("/trash/").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
