"""The cell checks kept between the preview and the confirmation: plain JSON, read back exactly,
and a file that cannot be read is no error for the person importing."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from crm.accounts.models import User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports import storage
from crm.imports.checking import Checker
from crm.imports.models import ImportRun, RunStatus
from tests.imports.conftest import mapping_post, run_id_of, upload


def organizations_xlsx():
    book = openpyxl.Workbook()
    book.active.append(["Company name", "Region", "Country", "Sectors", "Kind", "Size"])
    book.active.append(["Suzuka Precision", "三重県", "", "Aeronautics; automotive", "", "small"])
    book.active.append(["Tsu Robotics", "Atlantis", "", "Space travel", "company", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def checked_path(app, run_id):
    with app.app_context():
        stored = db.session.get(ImportRun, run_id).stored_name
    return Path(app.instance_path) / "imports" / f"{stored}.checked"


@pytest.mark.parametrize(
    ("kind", "data", "filename"),
    [
        ("contact", "google_contacts.csv", "file.csv"),
        ("organization", organizations_xlsx(), "o.xlsx"),
    ],
)
def test_the_checks_are_json_and_read_back_as_checked(
    client, login, partners, app, kind, data, filename
):
    me = login()
    run_id = run_id_of(upload(client, data, kind=kind, filename=filename))
    mapping_post(client, run_id)
    saved = json.loads(checked_path(app, run_id).read_text(encoding="utf-8"))
    assert saved["rows"]
    with app.test_request_context():
        run, actor = db.session.get(ImportRun, run_id), db.session.get(User, me.id)
        checker = Checker(run.kind, run.mapping["columns"], run.mapping, actor)
        rows = checker.clean(storage.load(run))
        kept, phones = storage.load_checked(run)
        assert list(map(repr, kept)) == list(map(repr, rows))  # types too: Region.MIE, not "mie"
        checker.plan(rows)
        assert repr(phones) == repr(checker.phones)


@pytest.mark.parametrize("content", [b"\x80\x05\x95garbage.", b'{"rows": [{"number": 2}]}'])
def test_unreadable_checks_are_made_again_from_the_file(client, login, partners, app, content):
    login()
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    mapping_post(client, run_id)
    checked_path(app, run_id).write_bytes(content)  # an older Zubia's pickle, or damaged
    response = client.post(f"/imports/{run_id}/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{run_id}")
    with app.app_context():
        assert db.session.get(ImportRun, run_id).status is RunStatus.IMPORTED
        assert len(db.session.scalars(select(Contact)).all()) == 2


def test_unreadable_checks_without_the_file_ask_for_it_again(client, login, partners, app):
    login()
    run_id = run_id_of(upload(client, "google_contacts.csv"))
    mapping_post(client, run_id)
    path = checked_path(app, run_id)
    path.write_bytes(b"\x80\x05\x95garbage.")
    path.with_suffix("").unlink()  # the uploaded file itself
    response = client.post(f"/imports/{run_id}/confirm", follow_redirects=True)
    assert response.status_code == 200
    assert "The file of this import is no longer kept" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ImportRun, run_id).status is RunStatus.PREVIEWED
