"""Attachment files on disk, kept in step with the database transaction.

Files live in ``UPLOAD_FOLDER`` (default ``<instance>/uploads``) under a name the server
generates: 32 hex digits, in a folder named after the first two, so no folder grows too big.
A file is written to a temporary name and renamed when complete, so no half-written file ever
carries a real name. The session remembers what it wrote and what it should delete:

- a file written in a transaction that does not commit is removed when the transaction ends;
- a file whose row is deleted for good is removed only after the commit.
"""

import errno
import hashlib
import logging
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("crm.attachments")
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
_PENDING = "attachment_files"
CHUNK = 1024 * 1024


@dataclass
class Stored:
    name: str
    size: int
    sha256: str


def upload_folder():
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured or Path(current_app.instance_path) / "uploads")


def relative_path(stored_name):
    """Where a stored name lives, relative to the upload folder (``ab/ab12…``)."""
    if not _STORED_NAME.fullmatch(stored_name or ""):
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    return f"{stored_name[:2]}/{stored_name}"


def path_of(stored_name):
    return upload_folder() / relative_path(stored_name)


class NotStored(Exception):
    """The upload folder refused the file (full, read-only, not ours): an administrator's job."""


def save(stream, session):
    """Copy the binary ``stream`` into the upload folder under a new name; return what it is.

    Raises NotStored, leaving no file behind, when the folder cannot take it.
    """
    name = uuid.uuid4().hex
    target = path_of(name)
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        digest, size = _copy(stream, handle)
        os.replace(temporary, target)
    except OSError as error:
        _discard(temporary)
        path = error.filename or temporary or target.parent  # a failed write names no file
        code = errno.errorcode.get(error.errno, error.errno)
        log.error("could not store an attachment at %s: %s (%s)", path, code, error.strerror)
        raise NotStored(path) from error
    except BaseException:
        _discard(temporary)
        raise
    _pending(session)["written"].append(target)
    return Stored(name, size, digest.hexdigest())


def _copy(stream, handle):
    """Write ``stream`` to the open file ``handle`` and onto the disk; its digest and size."""
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    with os.fdopen(handle, "wb") as out:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest, size


def _discard(temporary):
    """Remove the half-written file, if there is one."""
    if temporary:
        Path(temporary).unlink(missing_ok=True)


def remove_after_commit(stored_name, session):
    """Delete the file of ``stored_name`` once the session's transaction commits."""
    _pending(session)["doomed"].append(path_of(stored_name))


def _pending(session):
    return session.info.setdefault(_PENDING, {"written": [], "doomed": []})


def _remove(paths):
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # the row is gone either way; an admin can sweep the folder
            log.exception("could not remove attachment file %s", path)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        _remove(pending["doomed"])


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    """A transaction that ends without committing leaves no file it wrote behind."""
    if transaction.parent is None and transaction.nested is False:
        pending = session.info.pop(_PENDING, None)
        if pending:
            _remove(pending["written"])


def files_on_disk():
    """Every stored name in the upload folder, and the temporary files left by a crash."""
    folder = upload_folder()
    stored, temporary = set(), []
    for path in folder.glob("??/*") if folder.exists() else ():
        if _STORED_NAME.fullmatch(path.name) and path.parent.name == path.name[:2]:
            stored.add(path.name)
        elif path.name.startswith(".upload-"):
            temporary.append(path)
    return stored, temporary
