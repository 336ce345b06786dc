"""The pages of mail in: the account page, a logged email, the review list, the admins' page."""

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.contacts.models import Contact
from crm.extensions import db, limiter
from crm.mailin import services
from crm.mailin.models import LoggedEmail, ParticipantReview, ReviewStatus, UserAddress
from crm.meetings.models import Meeting
from tests.conftest import empty_tables, sign_in
from tests.mailin.conftest import MAILIN_ADDRESS, corpus


@pytest.fixture
def app(make_app):
    app = make_app(MAILIN_ADDRESS=MAILIN_ADDRESS)
    yield app
    with app.app_context():
        empty_tables()
    limiter.reset()


def take(app, name):
    with app.app_context():
        row = services.take(corpus(name)).row
        db.session.commit()
        return row.meeting_id


def test_the_account_page_says_where_to_bcc_and_manages_addresses(client, login):
    user = login()
    page = client.get("/account").get_data(as_text=True)
    assert MAILIN_ADDRESS in page and "Bcc" in page
    response = client.post("/account/addresses", data={"email": "Ane.Gmail@Example.com"})
    assert response.status_code == 302
    assert "ane.gmail@example.com" in client.get("/account").get_data(as_text=True)
    # someone's address already (their own sign-in address) is refused
    client.post("/account/addresses", data={"email": user.email})
    with client.application.app_context():
        assert db.session.scalars(select(UserAddress.email)).all() == ["ane.gmail@example.com"]


def test_nobody_removes_another_users_address(app, client, login, make_user):
    other = make_user()
    with app.app_context():
        address = UserAddress(user_id=other.id, email="other@example.com")
        db.session.add(address)
        db.session.commit()
        address_id = address.id
    login(Role.ADMIN)
    assert client.post(f"/account/addresses/{address_id}/remove").status_code == 403


def test_a_logged_email_shows_its_text_folded_and_can_be_made_private(
    app, client, scene, make_user
):
    meeting_id = take(app, "reply-bcc.eml")
    sign_in(client, scene["ane"].email)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Great, January 14 works for us." in page
    assert "<summary" in page  # the quoted Outlook history is folded
    assert "Their local time" in page and "(UTC+01:00)" in page
    assert (
        client.post(f"/meetings/{meeting_id}/email/private", data={"private": "1"}).status_code
        == 302
    )

    other = make_user(Role.POINT_OF_CONTACT)
    client.post("/logout")
    sign_in(client, other.email)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Great, January 14" not in page and "private to whoever logged it" in page
    assert (
        client.post(f"/meetings/{meeting_id}/email/private", data={"private": "0"}).status_code
        == 403
    )

    manager = make_user(Role.MANAGER)
    client.post("/logout")
    sign_in(client, manager.email)
    assert "Great, January 14" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def test_an_email_is_on_the_organizations_timeline(app, client, scene):
    take(app, "outlook-bcc.eml")
    sign_in(client, scene["taro"].email)
    page = client.get(f"/organizations/{scene['tecnalia']}").get_data(as_text=True)
    assert "Propuesta de taller Bilbao–Tsu" in page


def test_an_unknown_participant_becomes_a_contact_prefilled_from_the_header(app, client, scene):
    meeting_id = take(app, "forward-thunderbird-ja.eml")
    sign_in(client, scene["taro"].email)
    page = client.get("/mail/review").get_data(as_text=True)
    assert "ito-ken@pref.mie.lg.jp" in page and "Mie Prefecture" in page
    with app.app_context():
        review = db.session.scalar(select(ParticipantReview))
    form = client.get(f"/mail/review/{review.id}/contact").get_data(as_text=True)
    assert 'value="伊藤"' in form and 'value="健"' in form
    assert f'<option selected value="{scene["pref"]}">' in form or (
        f'value="{scene["pref"]}" selected' in form
    )
    response = client.post(
        f"/mail/review/{review.id}/contact",
        data={
            "given_name": "健",
            "family_name": "伊藤",
            "name_order": "japanese",
            "organization_id": scene["pref"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        contact = db.session.scalar(
            select(Contact).where(Contact.email == "ito-ken@pref.mie.lg.jp")
        )
        meeting = db.session.get(Meeting, meeting_id)
        assert contact is not None and contact.organization_id == scene["pref"]
        assert db.session.get(ParticipantReview, review.id).status is ReviewStatus.CREATED
        from crm.meetings.models import meeting_contacts

        linked = db.session.scalars(
            select(meeting_contacts.c.contact_id).where(meeting_contacts.c.meeting_id == meeting.id)
        ).all()
        assert linked == [contact.id]
    assert "ito-ken@pref.mie.lg.jp" not in client.get("/mail/review").get_data(as_text=True)


def test_link_and_dismiss(app, client, scene):
    take(app, "iso-2022-jp-bcc.eml")  # 田中 一郎 at Mie University is unknown
    take(app, "forward-gmail-en.eml")  # Jon at Tecnalia is unknown
    sign_in(client, scene["taro"].email)
    with app.app_context():
        tanaka, jon = (
            db.session.scalar(select(ParticipantReview).where(ParticipantReview.email == address))
            for address in ("tanaka@mie-u.ac.jp", "jon.ugarte@tecnalia.com")
        )
    response = client.post(f"/mail/review/{tanaka.id}/link", data={"contact_id": scene["suzuki"]})
    assert response.status_code == 302
    assert client.post(f"/mail/review/{jon.id}/dismiss").status_code == 302
    with app.app_context():
        suzuki = db.session.get(Contact, scene["suzuki"])
        assert "tanaka@mie-u.ac.jp" in suzuki.other_emails
        assert db.session.get(ParticipantReview, jon.id).status is ReviewStatus.DISMISSED
    # someone else's review is not theirs to resolve
    client.post("/logout")
    sign_in(client, scene["ane"].email)
    assert client.post(f"/mail/review/{jon.id}/dismiss").status_code == 403


def test_the_admins_page_lists_refused_messages_with_their_reason(app, client, login, scene):
    take(app, "stranger.eml")
    take(app, "spoofed-dmarc.eml")
    login(Role.ADMIN)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Buy our leads" in page and "the sender is not a user of Zubia" in page
    assert "DMARC failed for the sender&#39;s domain" in page
    # unticked: off (a browser sends the form's token and leaves the box out)
    assert client.post("/admin/mail", data={"csrf_token": ""}).status_code == 302
    take(app, "gmail-bcc.eml")
    with app.app_context():
        assert db.session.scalar(select(LoggedEmail)).body is None


def test_a_threads_replies_are_grouped_under_its_first_message(app, client, scene):
    for name in ("outlook-bcc.eml", "forward-attached-apple.eml", "reply-bcc.eml"):
        take(app, name)
    sign_in(client, scene["taro"].email)
    page = client.get(f"/organizations/{scene['tecnalia']}").get_data(as_text=True)
    assert page.count("Propuesta de taller Bilbao–Tsu</a>") == 1
    assert "2 replies" in page
    assert "RE: Propuesta de taller Bilbao-Tsu" not in page
    root = page.split("Propuesta de taller Bilbao–Tsu</a>")[0].rsplit('href="', 1)[1].split('"')[0]
    thread = client.get(root).get_data(as_text=True)
    assert "In this thread" in thread and "RE: Propuesta de taller Bilbao-Tsu" in thread


def test_a_stranger_at_a_webmail_is_suggested_the_organization_of_their_signature(
    app, client, scene
):
    forward = (
        b"From: Ane Etxeberria <ane@zubia.example>\r\nTo: log@zubia.example\r\n"
        b"Subject: Fwd: Material samples\r\nDate: Tue, 8 Dec 2026 10:00:00 +0100\r\n"
        b"Message-ID: <fwd-samples@zubia.example>\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"\r\n---------- Forwarded message ---------\r\n"
        b"From: Miren Zubia <miren.zubia@gmail.example>\r\n"
        b"Date: Mon, Dec 7, 2026 at 6:00 PM\r\nSubject: Material samples\r\n"
        b"To: Ane Etxeberria <ane@zubia.example>\r\n\r\nThe samples leave tomorrow.\r\n\r\n"
        b"Miren Zubia\r\nMaterials lab | www.tecnalia.com\r\n"
    )
    with app.app_context():
        services.take(forward)
        db.session.commit()
        review = db.session.scalar(select(ParticipantReview))
        assert (review.email, review.organization_id) == (
            "miren.zubia@gmail.example",
            scene["tecnalia"],
        )
        meeting = db.session.get(Meeting, review.meeting_id)
        assert meeting.title == "Material samples"
