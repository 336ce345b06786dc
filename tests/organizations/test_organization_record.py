"""The organization page: typed links, history (DATA-5), edit conflicts (DATA-1), query count."""

import re
from datetime import date

from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.audit.models import AuditEvent
from crm.clock import now_utc
from crm.contacts import services as contacts
from crm.extensions import db
from crm.meetings import services as meetings
from crm.meetings.models import MeetingKind
from crm.organizations import services as organizations
from crm.organizations.models import Kind, LinkKind, Organization, Region
from tests.conftest import sign_in
from tests.organizations.conftest import form_values, version_in


def test_typed_link_is_shown_on_both_sides(app, client, login, records):
    user = login()
    company = records.org(user, name="Suzuka Robotics", region=Region.MIE, country="JP")
    association = records.org(user, name="Mie Robot Association", kind=Kind.ASSOCIATION)
    response = client.post(
        f"/organizations/{company}/links",
        data={
            "kind": "member_of",
            "target": f"Mie Robot Association #{association}",
            "since": "2025-04-01",
        },
    )
    assert response.status_code == 302
    source = client.get(f"/organizations/{company}").get_data(as_text=True)
    target = client.get(f"/organizations/{association}").get_data(as_text=True)
    assert re.search(
        rf'member of <a href="/organizations/{association}">Mie Robot Association', source
    )
    assert re.search(rf'has as member <a href="/organizations/{company}">Suzuka Robotics', target)
    assert "2025" in source and "2025" in target


def test_link_refuses_an_end_before_the_start_and_a_trashed_target(app, client, login, records):
    user = login(Role.MANAGER)
    a, b = records.org(user, name="A"), records.org(user, name="B")
    client.post(
        f"/organizations/{a}/links",
        data={
            "kind": "partner_of",
            "target": f"B #{b}",
            "since": "2026-05-01",
            "until": "2026-04-01",
        },
    )
    client.post(f"/organizations/{b}/delete")
    response = client.post(
        f"/organizations/{a}/links", data={"kind": "partner_of", "target": f"B #{b}"}
    )
    assert response.status_code in (302, 404)
    page = client.get(f"/organizations/{a}").get_data(as_text=True)
    links = page[page.index('id="links"') :].split("</ul>")[0]
    assert "No links." in links


def test_point_of_contact_cannot_link_another_owners_organization(
    client, login, make_user, records
):
    owner = make_user()
    a, b = records.org(owner, name="A"), records.org(owner, name="B")
    login()
    response = client.post(
        f"/organizations/{a}/links", data={"kind": "partner_of", "target": f"B #{b}"}
    )
    assert response.status_code == 403


def test_data5_history_of_create_update_delete_restore(app, client, login, make_user):
    manager = login(Role.MANAGER)
    client.post(
        "/organizations/new",
        data={
            "name": "Mie Prefectural Government",
            "native_name": "三重県庁",
            "kind": "government",
            "region": "mie",
            "country": "JP",
            "cadence_days": "60",
        },
    )
    with app.app_context():
        org_id = db.session.scalar(select(Organization.id))
    client.post(
        f"/organizations/{org_id}/edit",
        data=form_values(app, org_id, city="Tsu", cadence_days="30"),
    )
    client.post(f"/organizations/{org_id}/delete")
    assert client.post(f"/trash/organization/{org_id}/restore").status_code == 302

    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "organization", AuditEvent.entity_id == org_id)
            .order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["create", "update", "delete", "restore"]
        assert {e.actor_id for e in events} == {manager.id}
        assert all(e.at.tzinfo is not None for e in events)
        assert events[0].changes["name"] == [None, "Mie Prefectural Government"]
        assert events[1].changes == {"city": [None, "Tsu"], "cadence_days": [60, 30]}

    page = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"') :]
    for label in ("created", "changed", "moved to the trash", "restored"):
        assert label in timeline
    assert re.search(r"<strong>cadence_days</strong>: <del>60</del> → 30", timeline)
    assert re.search(r"<strong>city</strong>: <del>—</del> → Tsu", timeline)


def test_data5_a_rolled_back_edit_leaves_no_history(app, client, login, records):
    user = login()
    org_id = records.org(user)
    response = client.post(
        f"/organizations/{org_id}/edit", data=form_values(app, org_id, website="javascript:x")
    )
    assert response.status_code == 200
    with app.app_context():
        actions_logged = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_type == "organization", AuditEvent.entity_id == org_id
            )
        ).all()
    assert actions_logged == ["create"]


def test_data1_second_save_gets_conflict_page(app, client, login, make_user, records):
    owner = login()
    org_id = records.org(owner, name="Fundación Tecnalia", city="Donostia")
    manager = make_user(Role.MANAGER)
    other = app.test_client()
    assert sign_in(other, manager.email).status_code == 302

    version_a = version_in(client.get(f"/organizations/{org_id}/edit").get_data(as_text=True))
    version_b = version_in(other.get(f"/organizations/{org_id}/edit").get_data(as_text=True))
    assert version_a == version_b

    first = client.post(
        f"/organizations/{org_id}/edit",
        data=form_values(app, org_id, city="Derio", version=version_a),
    )
    assert first.status_code == 302
    second = other.post(
        f"/organizations/{org_id}/edit",
        data=form_values(app, org_id, city="Zamudio", version=version_b),
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Derio" in html and "Zamudio" in html  # theirs and yours, side by side
    assert version_in(html) == str(int(version_a) + 1)  # saving again is a deliberate choice
    saved = records.get(Organization, org_id)
    assert saved.city == "Derio"

    again = other.post(
        f"/organizations/{org_id}/edit",
        data=form_values(app, org_id, city="Zamudio", version=version_in(html)),
    )
    assert again.status_code == 302
    assert records.get(Organization, org_id).city == "Zamudio"


def test_data1_missing_or_garbage_version_is_a_conflict(app, client, login, records):
    owner = login()
    org_id = records.org(owner, city="Donostia")
    for version in ("", "abc", "-1", "１"):
        response = client.post(
            f"/organizations/{org_id}/edit",
            data=form_values(app, org_id, city="Derio", version=version),
        )
        assert response.status_code == 409, version
    assert records.get(Organization, org_id).city == "Donostia"


def test_organization_page_query_count_does_not_grow_with_rows(
    app, client, login, make_user, records, count_queries
):
    viewer = login()
    users = [make_user() for _ in range(3)]
    org_id = records.org(viewer, name="Mie Prefectural Government", native_name="三重県庁")

    def populate(start, stop):
        """Contacts, each met once with a next action, and links; then a fresh edit on top."""
        with app.test_request_context():
            org = db.session.get(Organization, org_id)
            actors = [db.session.get(User, u.id) for u in users]
            for i in range(start, stop):
                actor = actors[i % len(actors)]
                contact = contacts.create_contact(
                    {
                        "organization_id": org_id,
                        "name_order": "japanese",
                        "given_name": "Taro",
                        "family_name": f"Yamada{i}",
                    },
                    actor=actor,
                )
                meetings.create_meeting(
                    {
                        "kind": MeetingKind.VIDEO,
                        "title": f"Call {i}",
                        "starts_at": now_utc(),
                        "organization_ids": [org_id],
                        "contact_ids": [contact.id],
                        "attendee_ids": [actor.id],
                    },
                    actor=actor,
                    new_actions=[
                        {
                            "title": f"Follow up {i}",
                            "owner_id": actor.id,
                            "due_date": date(2026, 12, 1),
                        }
                    ],
                )
                partner = organizations.create_organization(
                    {
                        "name": f"Partner {i}",
                        "kind": Kind.COMPANY,
                        "region": Region.MIE,
                        "country": "JP",
                        "cadence_days": 90,
                    },
                    actor=actor,
                )
                organizations.add_link(partner, org, {"kind": LinkKind.MEMBER_OF}, actor=actor)
            organizations.update_organization(org, {"city": f"Tsu {stop}"}, actor=actors[0])
            db.session.commit()

    populate(0, 3)
    client.get(f"/organizations/{org_id}")
    with count_queries() as few:
        assert client.get(f"/organizations/{org_id}").status_code == 200
    populate(3, 30)
    with count_queries() as many:
        html = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    assert "Yamada29" in html and "Partner 29" in html and "Follow up 29" in html
    assert len(many) == len(few), many.statements
