"""``python -m bench.imports [--rows N]``: time a spreadsheet import through its pages.

A fresh SQLite file holds 2,000 organizations and 10,000 contacts; a generated CSV of N
contacts (100,000 by default: 90 % new, 10 % updates of existing contacts matched by email, a
few bad emails, bad phones and unknown organizations) is uploaded, mapped (which checks every
row: the preview) and imported, each step timed as the signed-in user sees it.
"""

import argparse
import random
import sys
import tempfile
from io import BytesIO
from pathlib import Path
from time import perf_counter

from sqlalchemy import func, insert, select

from crm import create_app
from crm.accounts.models import Role, User
from crm.accounts.passwords import hash_password
from crm.clock import now_utc
from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.models import ImportRun
from crm.organizations.models import Organization
from crm.text import search_key

PREVIEW_LIMIT_S, IMPORT_LIMIT_S = 30, 60
ORGANIZATIONS, CONTACTS = 2_000, 10_000
PASSWORD = "bench between Bilbao and Tsu"  # noqa: S105 - a throwaway benchmark account
GIVEN = ("Ane", "Mikel", "Iñaki", "Maite", "Taro", "Hanako", "Kenji", "Yuki")
FAMILY = ("Etxeberria", "Goikoetxea", "Zubizarreta", "Arana", "Yamada", "Suzuki", "Tanaka")


def seed():
    now = now_utc()
    user = User(email="importer@zubia.example", name="Importer", role=Role.POINT_OF_CONTACT,
                password_hash=hash_password(PASSWORD))  # fmt: skip
    db.session.add(user)
    db.session.flush()
    common = {"created_at": now, "updated_at": now, "version": 1, "owner_id": user.id}
    db.session.execute(
        insert(Organization.__table__),
        [{**common, "id": n, "name": f"Company {n}", "kind": "company", "region": "mie",
          "country": "JP", "cadence_days": 90, "search_key": search_key(f"Company {n}")}
         for n in range(1, ORGANIZATIONS + 1)],
    )  # fmt: skip
    db.session.execute(
        insert(Contact.__table__),
        [{**common, "organization_id": 1 + n % ORGANIZATIONS, "name_order": "western",
          "given_name": "Old", "family_name": f"Contact {n}", "email": f"old{n}@bench.example",
          "is_primary": False, "search_key": ""}
         for n in range(CONTACTS)],
    )  # fmt: skip
    db.session.commit()
    return user.email


def csv_file(rows):
    """The CSV of ``rows`` contacts, as bytes, in Outlook's header names."""
    rng = random.Random(7)
    lines = ["Company,First Name,Last Name,E-mail Address,Business Phone,Job Title"]
    for n in range(rows):
        org = f"Company {1 + n % ORGANIZATIONS}"
        email = f"old{n}@bench.example" if n % 10 == 0 and n < CONTACTS * 10 else f"p{n}@x.example"
        phone = f"+81 59-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
        if n % 97 == 0:
            email = "not-an-email"
        if n % 89 == 0:
            phone = "12345"
        if n % 101 == 0:
            org = f"Unknown {n}"
        lines.append(f"{org},{rng.choice(GIVEN)},{rng.choice(FAMILY)} {n},{email},{phone},Engineer")
    return ("\r\n".join(lines) + "\r\n").encode()


def timed(action):
    started = perf_counter()
    response = action()
    return perf_counter() - started, response


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'imports.sqlite3'}",
            "INSTANCE_PATH": folder, "WTF_CSRF_ENABLED": False,
        })  # fmt: skip
        with app.app_context():
            db.create_all()
            email = seed()
        data = csv_file(args.rows)
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        upload = {"kind": "contact", "file": (BytesIO(data), "bench.csv"), "encoding": "auto"}
        upload_s, response = timed(
            lambda: client.post("/imports/new", data=upload, content_type="multipart/form-data")
        )
        mapping = response.headers["Location"]
        page = client.get(mapping).get_data(as_text=True)
        assert "Map the columns" in page, page[:500]
        fields = ("organization", "given_name", "family_name", "email", "phone", "job_title")
        form = {f"column_{i}": name for i, name in enumerate(fields)}
        form.update(match_by="email", on_match="update", new_region="mie")
        preview_s, response = timed(lambda: client.post(mapping, data=form))
        preview = response.headers["Location"]
        page_s, _page = timed(lambda: client.get(preview + "?page=1000"))
        import_s, response = timed(lambda: client.post(preview.replace("/preview", "/confirm")))
        with app.app_context():
            run = db.session.scalar(select(ImportRun))
            contacts = db.session.scalar(select(func.count()).select_from(Contact))
            counts = (run.created_count, run.updated_count, run.skipped_count, contacts)
    size = len(data) / (1024 * 1024)
    ok = preview_s < PREVIEW_LIMIT_S and import_s < IMPORT_LIMIT_S
    print(
        f"{args.rows:,} rows ({size:.1f} MB CSV) on SQLite with {ORGANIZATIONS:,} organizations "
        f"and {CONTACTS:,} contacts:\n"
        f"- upload (read and checked as a file): {upload_s:.1f} s\n"
        f"- preview (every row checked, target {PREVIEW_LIMIT_S} s): {preview_s:.1f} s\n"
        f"- one preview page (page 1,000): {page_s:.2f} s\n"
        f"- import (checked again and written, target {IMPORT_LIMIT_S} s): {import_s:.1f} s\n"
        f"- {counts[0]:,} created, {counts[1]:,} updated, {counts[2]:,} skipped; "
        f"{counts[3]:,} contacts in the database"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
