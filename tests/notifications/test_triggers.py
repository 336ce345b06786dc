"""What creates a notification, through the services and pages people use."""

from datetime import UTC, date, datetime

from sqlalchemy.orm import selectinload

from crm.accounts.models import Role
from crm.actions import services as actions
from crm.actions.models import Action
from crm.extensions import db
from crm.matching.models import Match
from crm.meetings import services as meetings
from crm.meetings.models import Meeting
from crm.organizations import services as organizations
from crm.organizations.models import Organization


def test_an_action_given_to_someone_else_notifies_them_once(
    make_user, records, notifications, as_user
):
    giver, owner = make_user(), make_user()
    action = records.action(giver, owner_id=owner.id)
    records.action(giver)  # their own: nobody to tell
    assert notifications(owner) == [("assigned", "action", action, giver.id, False)]
    assert notifications(giver) == []
    # Handed on to a third person: they are told, as "assigned", not as "changed".
    third = make_user()
    as_user(
        giver,
        lambda actor: actions.update_action(
            db.session.get(Action, action), {"owner_id": third.id}, actor=actor
        ),
    )
    assert notifications(third) == [("assigned", "action", action, giver.id, False)]


def test_a_mention_in_a_meetings_notes_notifies_the_person_in_any_script(
    app, client, login, make_user, records, notifications, as_user
):
    author = make_user(name="Miren Agirre")
    yamada = make_user(name="山田 太郎", email="yamada@mie.example")
    ane = make_user(name="Ane Etxeberria", email="ane.etxe@zubia.example")
    org = records.org(author)
    meeting = records.meeting(
        author, [org], summary="Agreed with @山田太郎さん on the visit. @MirenAgirre writes."
    )
    assert notifications(yamada) == [("mentioned", "meeting", meeting, author.id, False)]
    assert notifications(author) == []  # mentioning oneself tells nobody
    assert notifications(ane) == []
    # An edit that keeps the old mention and adds one tells only the new person.
    as_user(
        author,
        lambda actor: meetings.update_meeting(
            db.session.get(Meeting, meeting, options=[selectinload(Meeting.organizations)]),
            {"outcomes": "@ane.etxe sends the brochure; @山田太郎 confirms."},
            actor=actor,
        ),
    )
    assert notifications(ane) == [("mentioned", "meeting", meeting, author.id, False)]
    assert len(notifications(yamada)) == 1
    login()
    page = client.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert '<mark class="mention">@山田太郎</mark>さん on the visit' in page
    assert '<mark class="mention">@ane.etxe</mark> sends' in page


def test_mentions_in_notes_are_escaped_like_the_rest(client, login, make_user, records):
    author = make_user(name="Miren Agirre")
    meeting = records.meeting(
        author, [records.org(author)], summary='<script>x</script> @MirenAgirre "><img>'
    )
    login()
    page = client.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert '<mark class="mention">@MirenAgirre</mark> &#34;&gt;&lt;img&gt;' in page


def test_a_match_moving_stage_notifies_whoever_owns_a_side_or_the_match(
    app, client, login, make_user, records, notifications
):
    mover = login()
    basque_owner, mie_owner, bystander = make_user(), make_user(), make_user()
    basque = records.org(basque_owner, name="Ikerlan")
    mie = records.org(mie_owner, name="Mie University", region="mie", country="JP")
    records.org(bystander, name="Orona")
    with app.app_context():
        match = Match(basque_id=basque, mie_id=mie, owner_id=mover.id, reasons={})
        db.session.add(match)
        db.session.commit()
        match_id = match.id
    response = client.post(f"/matching/{match_id}/stage", data={"stage": "introduced"})
    assert response.status_code == 302
    expected = [("match_stage", "match", match_id, mover.id, False)]
    assert notifications(basque_owner) == notifications(mie_owner) == expected
    assert notifications(mover) == notifications(bystander) == []
    page = client.get("/notifications")  # the mover's own page: nothing
    assert "Ikerlan" not in page.get_data(as_text=True)


def test_a_change_by_someone_else_notifies_the_owner_and_repeats_collapse(
    app, make_user, records, notifications, as_user, at
):
    owner, manager = make_user(), make_user(Role.MANAGER)
    org = records.org(owner, name="Ideko")

    def edit(user, **data):
        as_user(
            user,
            lambda actor: organizations.update_organization(
                db.session.get(Organization, org), data, actor=actor
            ),
        )

    edit(owner, city="Elgoibar")  # their own change
    assert notifications(owner) == []
    at(datetime(2026, 12, 1, 9, tzinfo=UTC))
    edit(manager, city="Eibar")
    at(datetime(2026, 12, 1, 9, 5, tzinfo=UTC))
    edit(manager, city="Bilbao")
    assert notifications(owner) == [("changed", "organization", org, manager.id, False)]
    with app.app_context():
        from crm.notifications.models import Notification

        (row,) = db.session.scalars(
            db.select(Notification).options(selectinload(Notification.event))
        ).all()
        assert row.created_at == datetime(2026, 12, 1, 9, 5, tzinfo=UTC)  # moved up
        assert row.event.changes == {"city": ["Eibar", "Bilbao"]}  # the latest change
    as_user(owner, lambda actor: mark_all(actor))
    edit(manager, city="Donostia")
    assert [read for *_, read in notifications(owner)] == [True, False]


def mark_all(actor):
    from crm.notifications.services import mark_read

    return mark_read(actor.id)


def test_a_change_without_a_person_behind_it_notifies_nobody(
    app, make_user, records, notifications
):
    owner = make_user()
    action = records.action(owner)
    with app.test_request_context():
        actions.update_action(
            db.session.get(Action, action), {"due_date": date(2027, 1, 4)}, actor=None
        )
        db.session.commit()
    assert notifications(owner) == []


def test_an_import_updating_others_records_notifies_nobody(
    app, client, login, make_user, records, notifications, sectors
):
    from crm.contacts.models import Contact
    from tests.imports.conftest import mapping_post, run_id_of, upload

    owner = make_user()
    tecnalia = records.org(owner, name="Fundación Tecnalia")
    records.org(owner, name="Mie University", native_name="三重大学", region="mie", country="JP")
    ane = records.contact(
        owner, tecnalia, email="ane.etxeberria@tecnalia.example", job_title="Engineer"
    )
    login(Role.MANAGER)
    run_id = run_id_of(upload(client, "outlook_contacts.csv"))
    mapping_post(client, run_id)
    assert client.post(f"/imports/{run_id}/confirm").status_code == 302
    assert records.get(Contact, ane).job_title == "Head of unit"  # it did change their record
    assert notifications(owner) == []
