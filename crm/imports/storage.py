"""The uploaded file between the steps: on disk under the instance folder, named by the server,
linked to its import run, and deleted after the import or after a day."""

import json
import re
import secrets
from datetime import timedelta
from itertools import islice
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from crm.clock import now_utc
from crm.extensions import db
from crm.imports.models import ImportRun, RunStatus
from crm.imports.plan import Row
from crm.imports.reading import read_table

KEEP_FOR = timedelta(days=1)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


class FileGone(Exception):
    """The run's file was deleted (imported, or older than a day)."""


def folder():
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def display_name(filename):
    """The uploaded name as shown back (never used as a path): no folders, no control characters."""
    name = _UNSAFE.sub("_", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[-255:] or "upload"


def save(data):
    stored = secrets.token_hex(16)
    (folder() / stored).write_bytes(data)
    return stored


def load(run, encoding=None):
    """The run's file read again as a table (``encoding`` overrides the one detected)."""
    path = folder() / run.stored_name if run.stored_name else None
    if path is None or not path.exists():
        raise FileGone
    return read_table(path.read_bytes(), encoding or run.encoding or "auto")


def write_preview(run, lines):
    path = folder() / f"{run.stored_name}.preview.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def read_preview(run, keep, start, count):
    """``count`` preview lines that ``keep`` accepts, from the ``start``-th such line."""
    path = folder() / f"{run.stored_name}.preview.jsonl" if run.stored_name else None
    if path is None or not path.exists():
        raise FileGone
    with path.open(encoding="utf-8") as lines:
        wanted = (line for line in map(json.loads, lines) if keep(line))
        return list(islice(wanted, start, start + count))


def save_checked(run, checked_rows, phones):
    """The preview's cell checks (``Row.to_json`` taken before ``plan``), for the confirmation."""
    phones = [[*key, *result] for key, result in phones.items()]
    with (folder() / f"{run.stored_name}.checked").open("w", encoding="utf-8") as out:
        json.dump({"rows": checked_rows, "phones": phones}, out, ensure_ascii=False)


def load_checked(run):
    """(rows, phones) saved by ``save_checked``, or None when there are none to trust.

    A file that cannot be read (damaged, or pickled by an older Zubia) counts as missing: the
    confirmation then checks the uploaded file again, as it does when there is no such file.
    """
    path = folder() / f"{run.stored_name}.checked"
    try:
        with path.open(encoding="utf-8") as saved:
            checked = json.load(saved)
        rows = [Row.from_json(data) for data in checked["rows"]]
        phones = {(name, text, country): (value, error)
                  for name, text, country, value, error in checked["phones"]}  # fmt: skip
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError, AttributeError) as unreadable:
        current_app.logger.warning("import %s: checks not readable: %r", run.id, unreadable)
        return None
    return rows, phones


SUFFIXES = ("", ".preview.jsonl", ".checked")


def discard(stored_name):
    """Delete a run's file, preview and checks (after the commit that no longer needs them)."""
    if stored_name:
        for suffix in SUFFIXES:
            (folder() / f"{stored_name}{suffix}").unlink(missing_ok=True)


def expire_stale_runs():
    """Runs left unimported for a day lose their file; returns the names to discard."""
    runs = db.session.scalars(
        select(ImportRun).where(
            ImportRun.status.in_([RunStatus.UPLOADED, RunStatus.PREVIEWED]),
            ImportRun.created_at < now_utc() - KEEP_FOR,
        )
    ).all()
    names = [run.stored_name for run in runs]
    for run in runs:
        run.status, run.stored_name = RunStatus.EXPIRED, None
    return names
