"""What each message of the corpus becomes, read from the real mailbox (issue 15)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.attachments.models import Attachment
from crm.extensions import db
from crm.mailin.models import LoggedEmail, MailinSettings, ParticipantReview
from crm.mailin.polling import poll
from crm.meetings.models import Meeting, MeetingKind
from crm.organizations.models import Organization
from tests.mailin.conftest import corpus
from tests.mailin.test_polling import EXPECTED


@pytest.fixture
def logged(mailin_app, dovecot, scene):
    """Deliver the whole corpus, poll once; ``logged(subject)`` is the meeting and its email."""
    for name in EXPECTED:
        dovecot.deliver(corpus(name))
    with mailin_app.app_context():
        poll()

    def find(title, deleted=False):
        with mailin_app.app_context():
            meeting = db.session.scalar(
                select(Meeting)
                .where(Meeting.title == title)
                .options(
                    selectinload(Meeting.organizations),
                    selectinload(Meeting.contacts),
                    selectinload(Meeting.attendees),
                )
            )
            assert meeting is not None, title
            email = db.session.get(LoggedEmail, meeting.id)
            files = db.session.scalars(
                select(Attachment.original_name).where(Attachment.meeting_id == meeting.id)
            ).all()
            reviews = db.session.scalars(
                select(ParticipantReview).where(ParticipantReview.meeting_id == meeting.id)
            ).all()
            db.session.expunge_all()
            return meeting, email, sorted(files), reviews

    return find


def names(items):
    return sorted(item.name for item in items)


def test_outlook_bcc_keeps_its_pdf_named_in_rfc_2231(logged, scene):
    meeting, email, files, _ = logged("Propuesta de taller Bilbao–Tsu")
    assert files == ["Propuesta colaboración.pdf"]
    assert names(meeting.organizations) == ["Tecnalia"]
    assert [c.id for c in meeting.contacts] == [scene["mikel"]]
    assert email.to_header == "Agirre, Mikel <mikel.agirre@tecnalia.com>"


def test_gmail_bcc_from_a_second_address_is_the_users_and_flowed_text_is_joined(logged, scene):
    meeting, email, _, _ = logged("Mie B2B event: the Basque list")
    assert meeting.owner_id == scene["ane"].id
    assert "send the list of Basque companies interested" in email.body
    assert "三重県でお会いできて嬉しかったです。" in email.body
    # suzuki@ is one of Hanako's other addresses
    assert [c.id for c in meeting.contacts] == [scene["suzuki"]]


def test_an_english_gmail_forward_logs_the_original(logged, scene):
    meeting, email, _, reviews = logged("Joint workshop on 5-axis machining")
    assert meeting.owner_id == scene["taro"].id
    # "Fri, Dec 4, 2026 at 9:15 AM" on the forwarder's clock (Asia/Tokyo)
    assert meeting.starts_at == datetime(2026, 12, 4, 0, 15, tzinfo=UTC)
    assert email.from_header == "Mikel Agirre <mikel.agirre@tecnalia.com>"
    assert [c.id for c in meeting.contacts] == [scene["mikel"]]
    assert [(r.email, r.organization_id) for r in reviews] == [
        ("jon.ugarte@tecnalia.com", scene["tecnalia"])
    ]
    assert email.body.startswith("Dear Taro,")


def test_a_spanish_outlook_forward_reads_de_enviado_para_asunto(logged, scene):
    meeting, email, _, _ = logged("Visita a Tsu en febrero")
    assert meeting.starts_at == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)  # 10:30 in Madrid
    assert names(meeting.organizations) == ["Mie University"]
    assert "confirma la visita de la delegación vasca" in email.body


def test_a_japanese_thunderbird_forward_in_iso_2022_jp(logged, scene):
    meeting, email, _, reviews = logged("三重県との打合せについて")
    assert meeting.starts_at == datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # 15:00 in Tsu
    assert names(meeting.organizations) == ["Mie Prefecture"]  # by its domain
    assert [(r.name, r.email) for r in reviews] == [("伊藤 健", "ito-ken@pref.mie.lg.jp")]
    assert "議事録をお送りします" in email.body


def test_a_shift_jis_outlook_forward_with_cp932_characters_and_a_named_image(logged, scene):
    _meeting, email, files, _ = logged("①共同研究の件（㈱三重精密）")
    assert "共同研究の件、承知いたしました。" in email.body
    assert files == ["写真.png"]  # the executable is not kept, and says why
    assert email.left_out.startswith("setup.exe: ")


def test_a_forward_as_attachment_joins_the_thread_of_the_bcc_it_answers(logged):
    first, _, _, _ = logged("Propuesta de taller Bilbao–Tsu")
    reply, email, _, _ = logged("Re: Propuesta de taller Bilbao–Tsu")
    assert email.thread_root_id == first.id
    _later, later_email, _, _ = logged("RE: Propuesta de taller Bilbao-Tsu")
    assert later_email.thread_root_id == first.id
    assert reply.starts_at == datetime(2026, 12, 8, 7, 45, tzinfo=UTC)


def test_iso_2022_jp_names_and_a_subject_split_mid_character(logged, scene):
    _meeting, email, _, reviews = logged("三重大学との共同研究について")
    assert email.to_header.startswith("鈴木 花子 <suzuki@mie-u.ac.jp>")
    assert [(r.name, r.organization_id) for r in reviews] == [("田中 一郎", scene["mie_u"])]
    assert email.utc_offset_minutes == 9 * 60


def test_euc_jp_and_a_broken_part_never_stop_the_pass(logged):
    _meeting, email, files, _ = logged("視察日程")
    assert "視察の日程案です。" in email.body
    # the part whose base64 is broken is kept whole, as it came, and the email says so
    assert files == ["part-1.txt"]
    assert email.left_out.startswith("notes.txt: unreadable (broken base64")


def test_html_only_mail_becomes_text_without_scripts_or_styles(logged):
    _meeting, email, _, _ = logged("Agenda")
    assert "1. Welcome & introductions" in email.body
    assert "alert" not in email.body and "color:red" not in email.body


def test_an_invitation_its_update_and_its_cancellation(logged, mailin_app):
    meeting, email, _, _ = logged("Kickoff: Mie University x Tecnalia")
    # the update moved it to 16 January 14:00 in Tokyo; the cancellation put it in the trash
    assert meeting.starts_at == datetime(2027, 1, 16, 5, 0, tzinfo=UTC)
    assert meeting.duration_minutes == 60
    assert meeting.location == "Mie University, Tsu"
    assert meeting.kind is MeetingKind.IN_PERSON
    assert email.ical_sequence == 2 and email.utc_offset_minutes == 540
    assert meeting.is_deleted


def test_an_email_counts_as_the_organizations_last_contact(mailin_app, dovecot, scene, at):
    at("2026-12-10T00:00:00+00:00")
    for name in ("outlook-bcc.eml", "reply-bcc.eml"):
        dovecot.deliver(corpus(name))
    with mailin_app.app_context():
        poll()
        tecnalia = db.session.get(Organization, scene["tecnalia"])
        # the latest email with Tecnalia: Ane's reply of 8 December, 11:00 UTC
        assert tecnalia.last_contact_at == datetime(2026, 12, 8, 11, 0, tzinfo=UTC)


def test_the_same_email_from_two_colleagues_is_one_interaction(mailin_app, dovecot, scene):
    dovecot.deliver(corpus("outlook-bcc.eml"))  # Ane's BCC
    forward = (
        b"From: Taro Yamada <taro@zubia.example>\r\nTo: log@zubia.example\r\n"
        b"Subject: Fwd: Propuesta de taller\r\nMessage-ID: <fwd-by-taro@zubia.example>\r\n"
        b"Date: Tue, 8 Dec 2026 09:00:00 +0900\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nFYI\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
        + corpus("outlook-bcc.eml")
        + b"\r\n--b--\r\n"
    )
    dovecot.deliver(forward)  # Taro, who was not on it, forwards the same email
    with mailin_app.app_context():
        assert poll().outcomes == {"logged": 1, "duplicate": 1}
        meetings = db.session.scalars(
            select(Meeting).options(selectinload(Meeting.attendees))
        ).all()
        assert len(meetings) == 1
        assert {u.id for u in meetings[0].attendees} == {scene["ane"].id, scene["taro"].id}


def test_with_body_storage_off_only_the_envelope_is_kept(mailin_app, dovecot, scene):
    with mailin_app.app_context():
        db.session.add(MailinSettings(id=1, store_bodies=False, poll_lease_holder=""))
        db.session.commit()
    dovecot.deliver(corpus("gmail-bcc.eml"))
    with mailin_app.app_context():
        poll()
        email = db.session.scalar(select(LoggedEmail))
        assert email.body is None
        assert email.from_header == "Ane Etxeberria <ane.etxeberria@spri.eus>"
