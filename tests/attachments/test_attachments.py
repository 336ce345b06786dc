"""Attachments (issue 7 item 5, SEC-11): upload, download and delete, through the trash."""

import hashlib
import io
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from crm.accounts.models import Role, User
from crm.attachments.models import Attachment
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.kinds import kind_named
from crm.meetings.models import Meeting
from crm.programme.models import Agreement
from crm.trash.services import move_to_trash
from tests.attachments.conftest import stored_files
from tests.attachments.factories import PDF, make_attachment, png
from tests.conftest import PASSWORD, sign_in
from tests.visits.factories import make_visit

MiB = 1024 * 1024


@pytest.fixture
def meeting(login, records):
    """A point of contact signed in, and a meeting they logged (so they may edit it)."""
    user = login()
    org = records.org(user, name="Mie Prefectural Government")
    return user, records.meeting(user, [org], title="Kick-off in Tsu")


def send(client, url, data, name, **extra):
    return client.post(
        url,
        data={"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def attachments(app, *where):
    with app.app_context():
        rows = db.session.scalars(select(Attachment).where(*where).order_by(Attachment.id)).all()
        db.session.expunge_all()
        return rows


def history(app, entity_type, entity_id):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        ).all()


def error_next_to_the_file_field(response):
    html = response.get_data(as_text=True)
    match = re.search(r'<div id="file-error" class="invalid-feedback d-block">([^<]*)</div>', html)
    assert match, html
    assert 'aria-describedby="file-help file-error"' in html
    return match.group(1)


def test_upload_stores_the_file_under_a_generated_name_and_lists_it(app, client, meeting, uploads):
    user, meeting_id = meeting
    response = send(client, f"/meetings/{meeting_id}/attachments", PDF, "Acta de la reunión.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting_id}#attachments"

    (item,) = attachments(app)
    assert re.fullmatch(r"[0-9a-f]{32}", item.stored_name)
    assert item.original_name == "Acta de la reunión.pdf"
    assert (item.content_type, item.size) == ("application/pdf", len(PDF))
    assert item.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (item.meeting_id, item.uploaded_by_id) == (meeting_id, user.id)
    path = uploads / item.stored_name[:2] / item.stored_name
    assert path.read_bytes() == PDF
    assert stored_files(uploads) == [path]  # no temporary file left behind

    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "Acta de la reunión.pdf" in page
    assert f'href="/attachments/{item.id}"' in page
    assert "PDF document" in page and user.name in page
    assert "Attachments <span" in page

    (change,) = [e for e in history(app, "meeting", meeting_id) if e.action == "attach"]
    assert change.actor_id == user.id
    assert change.changes["file"] == [None, "Acta de la reunión.pdf"]


@pytest.mark.parametrize("role", list(Role))
def test_sec11_any_signed_in_role_downloads_as_an_attachment_with_nosniff(
    app, client, make_user, records, role
):
    owner = make_user()
    org = records.org(owner)
    attachment_id = make_attachment(app, owner, org, name="MoU Bizkaia–Mie 2026.pdf")
    reader = make_user(role)
    sign_in(client, reader.email)

    response = client.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    disposition, names = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert names["filename"] == "MoU Bizkaia–Mie 2026.pdf"
    assert 'filename="MoU Bizkaia-Mie 2026.pdf"' in response.headers["Content-Disposition"]


def test_sec11_signed_out_people_cannot_download(app, client, make_user, records):
    owner = make_user()
    attachment_id = make_attachment(app, owner, records.org(owner))
    response = client.get(f"/attachments/{attachment_id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sec11_a_file_over_the_limit_gets_413_saying_so(app, client, meeting, uploads):
    _user, meeting_id = meeting
    response = send(client, f"/meetings/{meeting_id}/attachments", b"x" * (10 * MiB + 1), "a.txt")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page and "10 MB" in page
    assert stored_files(uploads) == [] and attachments(app) == []


def test_sec11_1001_form_parts_get_413(app, client, meeting):
    _user, meeting_id = meeting
    data = {f"field{n}": "x" for n in range(1_000)}
    data["file"] = (io.BytesIO(PDF), "a.pdf")
    response = client.post(
        f"/meetings/{meeting_id}/attachments", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert attachments(app) == []


def test_an_empty_file_is_refused_next_to_the_field(app, client, meeting, uploads):
    _user, meeting_id = meeting
    response = send(client, f"/meetings/{meeting_id}/attachments", b"", "minutes.txt")
    assert response.status_code == 200
    assert "empty (0 bytes)" in error_next_to_the_file_field(response)
    assert stored_files(uploads) == [] and attachments(app) == []


def test_no_file_chosen_is_refused_next_to_the_field(app, client, meeting):
    _user, meeting_id = meeting
    response = client.post(
        f"/meetings/{meeting_id}/attachments",
        data={"file": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert "Choose a file" in error_next_to_the_file_field(response)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.svg",
            "SVG",
        ),
        (png(), "contacts.csv", "PNG image"),
        (png(), "contract.pdf", "PNG image"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.pdf", "not accepted"),
    ],
    ids=["svg-with-script", "csv-containing-png", "png-renamed-pdf", "program"],
)
def test_sec11_refused_types_leave_nothing_behind(
    app, client, meeting, uploads, data, name, expected
):
    _user, meeting_id = meeting
    response = send(client, f"/meetings/{meeting_id}/attachments", data, name)
    assert response.status_code == 200
    assert expected in error_next_to_the_file_field(response)
    assert stored_files(uploads) == [] and attachments(app) == []


@pytest.mark.parametrize(
    ("sent", "kept", "fallback"),
    [
        ("../../x", "x.txt", "x.txt"),
        ("CON.txt", "_CON.txt", "_CON.txt"),
        ("a" * 296 + ".txt", "a" * 251 + ".txt", "a" * 251 + ".txt"),
        ("議事録 三重県 2026年11月.txt", "議事録 三重県 2026年11月.txt", "202611.txt"),
        ("minutes\x00.txt", "minutes.txt", "minutes.txt"),
        ("minutes\u202etxt.exe.txt", "minutestxt.exe.txt", "minutestxt.exe.txt"),
    ],
    ids=["dot-dot", "windows-reserved", "300-characters", "unicode", "nul", "bidi-override"],
)
def test_sec11_names_are_labels_and_the_download_header_is_sound(
    app, client, meeting, uploads, sent, kept, fallback
):
    _user, meeting_id = meeting
    response = send(client, f"/meetings/{meeting_id}/attachments", b"Minutes", sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    (item,) = attachments(app)
    assert item.original_name == kept
    assert len(item.original_name) <= 255
    assert [p.name for p in stored_files(uploads)] == [item.stored_name]  # inside the folder

    download = client.get(f"/attachments/{item.id}")
    header = download.headers["Content-Disposition"]
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert f'filename="{fallback}"' in header
    assert parse_options_header(header)[1]["filename"] == kept
    if kept != fallback:
        assert unquote(header.split("filename*=UTF-8''")[1]) == kept
    assert download.mimetype == "text/plain"
    assert download.mimetype_params["charset"] == "utf-8"


def test_sec4_upload_works_with_csrf_on(make_app, make_user, records, uploads):
    app = make_app(WTF_CSRF_ENABLED=True, UPLOAD_FOLDER=str(uploads))
    client = app.test_client()
    user = make_user()
    meeting_id = records.meeting(user, [records.org(user)])
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    url = f"/meetings/{meeting_id}/attachments"
    assert send(client, url, PDF, "a.pdf").status_code == 400  # no token
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert send(client, url, PDF, "a.pdf", csrf_token=token).status_code == 302
    assert len(attachments(app)) == 1


def test_a_point_of_contact_cannot_attach_to_or_delete_from_others_records(
    app, client, login, make_user, records, uploads
):
    login()
    owner = make_user()
    org = records.org(owner)
    meeting_id = records.meeting(owner, [org])
    attachment_id = make_attachment(app, owner, meeting_id, kind="meeting")
    before = stored_files(uploads)

    assert send(client, f"/meetings/{meeting_id}/attachments", PDF, "a.pdf").status_code == 403
    assert send(client, f"/organizations/{org}/attachments", PDF, "a.pdf").status_code == 403
    assert client.post(f"/attachments/{attachment_id}/delete").status_code == 403
    assert stored_files(uploads) == before
    assert [a.deleted_at for a in attachments(app)] == [None]
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f"/attachments/{attachment_id}/delete" not in page and 'type="file"' not in page


def test_an_attendee_may_attach_to_a_meeting_they_did_not_log(
    app, client, login, make_user, records
):
    attendee = login()
    owner = make_user()
    meeting_id = records.meeting(owner, [records.org(owner)], attendee_ids=[owner.id, attendee.id])
    assert send(client, f"/meetings/{meeting_id}/attachments", PDF, "a.pdf").status_code == 302


@pytest.mark.parametrize("kind", ["organization", "meeting", "visit", "agreement"])
def test_each_kind_of_record_has_an_attachments_card_in_constant_queries(
    app, client, login, records, count_queries, kind
):
    user = login(Role.MANAGER)
    org = records.org(user)
    page = PAGES[kind].format(make_record(app, records, user, org, kind))
    upload = page + "/attachments"
    assert send(client, upload, PDF, "first.pdf").status_code == 302
    with count_queries() as one:
        first = client.get(page)
    for n in range(4):
        assert send(client, upload, png(), f"photo {n}.png").status_code == 302
    with count_queries() as five:
        html = client.get(page).get_data(as_text=True)
    assert first.status_code == 200
    assert "Attachments <span" in html and "photo 3.png" in html and "first.pdf" in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert len(five) == len(one), five.statements


PAGES = {
    "organization": "/organizations/{}",
    "meeting": "/meetings/{}",
    "visit": "/visits/{}",
    "agreement": "/programme/agreements/{}",
}


def make_record(app, records, user, org, kind):
    """A new record of ``kind`` owned by ``user`` (the organization ``org`` itself for one)."""
    if kind == "organization":
        return org
    if kind == "meeting":
        return records.meeting(user, [org])
    if kind == "visit":
        return make_visit(app, user, org)
    with app.app_context():
        agreement = Agreement(title="MoU Bizkaia-Mie", owner_id=user.id)
        db.session.add(agreement)
        db.session.commit()
        return agreement.id


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_record_keeps_its_files_through_the_trash(app, client, login, records, kind):
    manager = login(Role.MANAGER)
    record_id = make_record(app, records, manager, records.org(manager), kind)
    attachment_id = make_attachment(app, manager, record_id, kind=kind)
    with app.test_request_context():
        move_to_trash(
            db.session.get(kind_named(kind).model, record_id),
            actor=db.session.get(User, manager.id),
        )
        db.session.commit()
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert client.post(f"/attachments/{attachment_id}/delete").status_code == 404
    client.post(f"/trash/{kind}/{record_id}/restore")
    assert client.get(f"/attachments/{attachment_id}").data == PDF
    assert f"/attachments/{attachment_id}" in client.get(PAGES[kind].format(record_id)).text


def test_the_organizations_timeline_tells_who_attached_and_removed_what(
    app, client, login, records
):
    user = login()
    org = records.org(user)
    send(client, f"/organizations/{org}/attachments", PDF, "MoU.pdf")
    (item,) = attachments(app)
    client.post(f"/attachments/{item.id}/delete")
    page = client.get(f"/organizations/{org}").text
    assert re.search(r"attached a file</span>\s*[^<]*: MoU.pdf", page), page
    assert re.search(r"removed a file</span>\s*[^<]*: MoU.pdf", page)


def test_delete_moves_the_file_to_the_trash_and_a_manager_restores_it(
    app, client, meeting, make_user, uploads
):
    _user, meeting_id = meeting
    send(client, f"/meetings/{meeting_id}/attachments", PDF, "minutes.pdf")
    (item,) = attachments(app)

    response = client.post(f"/attachments/{item.id}/delete")
    assert response.headers["Location"] == f"/meetings/{meeting_id}#attachments"
    assert client.get(f"/attachments/{item.id}").status_code == 404
    assert "minutes.pdf" not in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert (uploads / item.stored_name[:2] / item.stored_name).exists()  # kept for a restore
    (change,) = [e for e in history(app, "meeting", meeting_id) if e.action == "detach"]
    assert change.changes["file"] == ["minutes.pdf", None]

    manager = make_user(Role.MANAGER)
    client.post("/logout")
    sign_in(client, manager.email)
    trash = client.get("/trash/").get_data(as_text=True)
    assert "minutes.pdf" in trash
    client.post(f"/trash/attachment/{item.id}/restore")
    assert client.get(f"/attachments/{item.id}").data == PDF


def test_a_trashed_record_takes_its_files_along_and_brings_them_back(
    app, client, meeting, make_user
):
    _user, meeting_id = meeting
    send(client, f"/meetings/{meeting_id}/attachments", PDF, "minutes.pdf")
    send(client, f"/meetings/{meeting_id}/attachments", png(), "photo.png")
    photo, minutes = attachments(app)[1], attachments(app)[0]
    client.post(f"/attachments/{photo.id}/delete")  # deleted on its own, before the meeting
    client.post(f"/meetings/{meeting_id}/delete")

    assert client.get(f"/attachments/{minutes.id}").status_code == 404
    assert client.post(f"/attachments/{minutes.id}/delete").status_code == 404
    assert send(client, f"/meetings/{meeting_id}/attachments", PDF, "a.pdf").status_code == 404

    manager = make_user(Role.MANAGER)
    client.post("/logout")
    sign_in(client, manager.email)
    refused = client.post(f"/trash/attachment/{photo.id}/restore", follow_redirects=True)
    assert "Restore Kick-off in Tsu first" in refused.get_data(as_text=True)
    client.post(f"/trash/meeting/{meeting_id}/restore")

    assert client.get(f"/attachments/{minutes.id}").data == PDF
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "minutes.pdf" in page and "photo.png" not in page  # deleted alone, stays deleted
    client.post(f"/trash/attachment/{photo.id}/restore")
    assert client.get(f"/attachments/{photo.id}").status_code == 200


def test_purging_removes_the_file_after_the_commit(app, client, make_user, records, uploads):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin.email)
    org = records.org(admin)
    meeting_id = records.meeting(admin, [org])
    alone = make_attachment(app, admin, org, name="alone.pdf")
    with_meeting = make_attachment(app, admin, meeting_id, kind="meeting", name="minutes.pdf")
    assert len(stored_files(uploads)) == 2

    client.post(f"/attachments/{alone}/delete")
    client.post(f"/trash/attachment/{alone}/purge")
    assert [a.id for a in attachments(app)] == [with_meeting]
    assert len(stored_files(uploads)) == 1

    client.post(f"/meetings/{meeting_id}/delete")
    client.post(f"/trash/meeting/{meeting_id}/purge")
    assert attachments(app) == [] and stored_files(uploads) == []


def test_a_purge_that_rolls_back_keeps_the_file(app, make_user, records, uploads):
    from crm.trash.services import move_to_trash, purge

    admin = make_user(Role.ADMIN)
    attachment_id = make_attachment(app, admin, records.org(admin))
    with app.test_request_context():
        item = db.session.get(Attachment, attachment_id)
        actor = db.session.get(User, admin.id)
        move_to_trash(item, actor=actor)
        purge(item, actor=actor)
        db.session.flush()
        db.session.rollback()
    assert len(stored_files(uploads)) == 1 and len(attachments(app)) == 1


def test_a_failure_after_the_file_is_written_leaves_no_file(
    app, client, meeting, uploads, monkeypatch
):
    from crm.attachments import services

    def broken_history(*args, **kwargs):
        raise RuntimeError("database went away")

    _user, meeting_id = meeting
    monkeypatch.setattr(services, "record", broken_history)
    response = send(client, f"/meetings/{meeting_id}/attachments", PDF, "minutes.pdf")
    assert response.status_code == 500
    assert stored_files(uploads) == [] and attachments(app) == []


def test_a_database_refusal_after_the_write_leaves_no_file(app, make_user, records, uploads):
    """The CHECK constraint refuses a row without a record: the written file goes too."""
    from sqlalchemy.exc import IntegrityError

    from crm.attachments import storage

    user = make_user()
    with app.test_request_context():
        stored = storage.save(io.BytesIO(PDF), db.session)
        assert len(stored_files(uploads)) == 1
        db.session.add(
            Attachment(
                stored_name=stored.name,
                original_name="orphan.pdf",
                content_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by_id=user.id,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert stored_files(uploads) == []


def test_a_file_missing_from_disk_is_a_404_not_a_500(app, client, meeting, uploads):
    _user, meeting_id = meeting
    send(client, f"/meetings/{meeting_id}/attachments", PDF, "minutes.pdf")
    (item,) = attachments(app)
    (uploads / item.stored_name[:2] / item.stored_name).unlink()
    assert client.get(f"/attachments/{item.id}").status_code == 404


def test_the_upload_page_shows_the_form_for_editors(client, meeting):
    _user, meeting_id = meeting
    page = client.get(f"/meetings/{meeting_id}/attachments").get_data(as_text=True)
    assert '<label class="form-label" for="file">File</label>' in page
    assert 'data-max-bytes="10485760"' in page and 'accept=".csv,' in page


def test_attaching_leaves_the_records_version_alone(app, meeting, client):
    """Someone editing the meeting meanwhile gets no edit conflict from a new file (DATA-1)."""
    _user, meeting_id = meeting
    for n in range(3):
        send(client, f"/meetings/{meeting_id}/attachments", PDF, f"v{n}.pdf")
    with app.app_context():
        total = db.session.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.meeting_id == meeting_id)
        )
        assert total == 3
        assert db.session.get(Meeting, meeting_id).version == 1  # the record itself is unchanged


def test_the_check_command_reports_missing_files_and_removes_old_orphans(
    app, make_user, records, uploads
):
    import os

    from crm.attachments import storage

    owner = make_user()
    org = records.org(owner)
    kept = make_attachment(app, owner, org, name="kept.pdf")
    lost = make_attachment(app, owner, org, name="lost.pdf")
    with app.app_context():
        lost_name = db.session.get(Attachment, lost).stored_name
        kept_path = storage.path_of(db.session.get(Attachment, kept).stored_name)
    (uploads / lost_name[:2] / lost_name).unlink()
    old_orphan = uploads / "ab" / ("ab" + "0" * 30)
    new_orphan = uploads / "cd" / ("cd" + "0" * 30)
    crash_leftover = uploads / "ab" / ".upload-x1y2"
    for path in (old_orphan, new_orphan, crash_leftover):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PDF)
    for path in (old_orphan, crash_leftover):
        os.utime(path, (0, 0))

    runner = app.test_cli_runner()
    report = runner.invoke(args=["attachments", "check"])
    assert report.exit_code == 1
    assert f"missing file: {lost_name[:2]}/{lost_name}" in report.output
    assert "2 attachments, 1 missing, 2 orphan files" in report.output
    assert old_orphan.exists()  # only reported

    runner.invoke(args=["attachments", "check", "--remove-orphans"])
    assert not old_orphan.exists() and not crash_leftover.exists()
    assert new_orphan.exists() and kept_path.exists()  # an upload may be in progress
