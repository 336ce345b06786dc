"""An upload folder that is full or read-only, made so for real with a tiny tmpfs mount.

The suite runs as root (CI too), so file modes would not stop a write: a mounted file system
does. Each test mounts its own and unmounts it afterwards.
"""

import io
import logging
import subprocess
from contextlib import contextmanager

import pytest

from crm.attachments.models import Attachment
from tests.attachments.conftest import stored_files
from tests.attachments.test_attachments import attachments, error_next_to_the_file_field, history

NOT_STORED = "The file could not be stored, so nothing was saved. Please tell an administrator."
NOTES = b"Kaixo, Tsu! Notes from the visit to Bilbao.\n" * 4000  # 176 kB of UTF-8 text


@contextmanager
def tmpfs(folder, options):
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture(
    params=[
        ("size=64k", "ENOSPC (No space left on device)"),
        ("ro", "EROFS (Read-only file system)"),
    ],
    ids=["full", "read-only"],
)
def broken_folder(request, uploads):
    """The upload folder as a 64 kB file system (too small for the file) or a read-only one."""
    options, reason = request.param
    with tmpfs(uploads, options):
        yield reason


def test_a_file_the_folder_cannot_take_is_refused_next_to_the_field_and_nothing_is_saved(
    app, client, login, records, uploads, broken_folder, caplog
):
    user = login()
    meeting_id = records.meeting(user, [records.org(user)], title="Kick-off in Tsu")
    with caplog.at_level(logging.ERROR):
        response = client.post(
            f"/meetings/{meeting_id}/attachments",
            data={"file": (io.BytesIO(NOTES), "Notes.txt")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 507
    assert error_next_to_the_file_field(response) == NOT_STORED
    assert "Attach a file to" in response.get_data(as_text=True)  # the form, to try again later

    assert attachments(app) == []
    assert [e.action for e in history(app, "meeting", meeting_id)] == ["create"]
    assert stored_files(uploads) == []  # not even the temporary file
    (line,) = [r.getMessage() for r in caplog.records if r.name == "crm.attachments"]
    assert line.startswith(f"could not store an attachment at {uploads}/")
    assert line.endswith(broken_folder)


def test_the_file_is_stored_once_the_folder_takes_it_again(app, client, login, records, uploads):
    user = login()
    meeting_id = records.meeting(user, [records.org(user)], title="Kick-off in Tsu")
    url = f"/meetings/{meeting_id}/attachments"
    with tmpfs(uploads, "ro"):
        refused = client.post(
            url, data={"file": (io.BytesIO(NOTES), "Notes.txt")}, content_type="multipart/form-data"
        )
    assert refused.status_code == 507
    accepted = client.post(
        url, data={"file": (io.BytesIO(NOTES), "Notes.txt")}, content_type="multipart/form-data"
    )
    assert accepted.status_code == 302
    (item,) = attachments(app, Attachment.meeting_id == meeting_id)
    assert (uploads / item.stored_name[:2] / item.stored_name).read_bytes() == NOTES
