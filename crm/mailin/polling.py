"""One pass over the mailbox: take each message, commit, then move it out of the way.

A message is moved only after the commit that decided what it became, so a crash leaves it in
the folder and the next pass finds its key and only moves it: never lost, never logged twice.
Where the server cannot move or copy (no folder can be made), the message is flagged
``$ZubiaDone`` / ``$ZubiaFailed`` instead and later passes skip it.
"""

import contextlib
import hashlib
import imaplib
import logging
import os
import re
import socket
import ssl
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError, OperationalError

from crm.clock import now_utc
from crm.database import insert_for
from crm.extensions import db
from crm.mailin import services
from crm.mailin.models import MailinSettings, Outcome
from crm.mailin.reading import header, message_ids

log = logging.getLogger("crm.mailin")
DONE, FAILED = "Zubia/Done", "Zubia/Failed"
FLAGS = {DONE: "$ZubiaDone", FAILED: "$ZubiaFailed"}
LEASE = timedelta(minutes=10)  # renewed after each message


class MailboxError(Exception):
    """The mailbox could not be reached or read: the pass stops, nothing is lost."""


@dataclass
class Counts:
    seen: int = 0
    outcomes: dict = field(default_factory=dict)
    busy: bool = False  # another pass held the mailbox

    def add(self, outcome):
        self.outcomes[outcome.value] = self.outcomes.get(outcome.value, 0) + 1


def connect(config):
    host, port = config["MAILIN_IMAP_HOST"], config["MAILIN_IMAP_PORT"]
    security = (config["MAILIN_IMAP_SECURITY"] or "ssl").lower()
    timeout = config["MAILIN_IMAP_TIMEOUT"]
    try:
        if security == "ssl":
            connection = imaplib.IMAP4_SSL(
                host, port, ssl_context=_context(config), timeout=timeout
            )
        else:
            connection = imaplib.IMAP4(host, port, timeout=timeout)
            if security == "starttls":
                connection.starttls(ssl_context=_context(config))
        connection.login(config["MAILIN_IMAP_USER"], config["MAILIN_IMAP_PASSWORD"])
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        raise MailboxError(f"cannot sign in to {host}:{port}: {error}") from error
    return connection


def _context(config):
    context = ssl.create_default_context(cafile=config.get("MAILIN_IMAP_CAFILE") or None)
    return context


class Mailbox:
    """The folder Zubia reads, and where its messages go."""

    def __init__(self, connection, folder):
        self.imap = connection
        self.folder = folder
        typ, caps = connection.capability()
        self.capabilities = set(caps[0].decode().upper().split()) if typ == "OK" else set()
        self.targets = {name: self._ensure(name) for name in (DONE, FAILED)}
        typ, data = connection.select(_quote(folder))
        if typ != "OK":
            raise MailboxError(f"cannot open the folder {folder}: {data}")

    def _ensure(self, name):
        """Whether the folder ``name`` exists or could be made."""
        typ, data = self.imap.list('""', _quote(name))
        if typ == "OK" and any(item for item in data if item):
            return True
        typ, _ = self.imap.create(_quote(name))
        if typ != "OK":
            log.warning("cannot create the IMAP folder %s: messages will be flagged", name)
        return typ == "OK"

    def uids(self):
        flags = " ".join(f"UNKEYWORD {flag}" for flag in FLAGS.values())
        typ, data = self.imap.uid("SEARCH", None, f"UNDELETED {flags}")
        if typ != "OK":
            raise MailboxError(f"cannot list the messages: {data}")
        return data[0].split() if data and data[0] else []

    def size(self, uid):
        typ, data = self.imap.uid("FETCH", uid, "(RFC822.SIZE)")
        for item in data if typ == "OK" else ():
            text = item.decode() if isinstance(item, bytes) else str(item)
            if match := re.search(r"RFC822\.SIZE (\d+)", text):
                return int(match.group(1))
        return None  # gone meanwhile (another poller moved it)

    def fetch(self, uid, what="BODY.PEEK[]"):
        typ, data = self.imap.uid("FETCH", uid, f"({what})")
        for item in data if typ == "OK" else ():
            if isinstance(item, tuple):
                return item[1]
        return None

    def put_away(self, uid, target):
        """Move ``uid`` to ``target``; copy and expunge without MOVE; flag it without a folder."""
        if self.targets.get(target):
            if "MOVE" in self.capabilities:
                typ, _ = self.imap.uid("MOVE", uid, _quote(target))
                if typ == "OK":
                    return
            typ, _ = self.imap.uid("COPY", uid, _quote(target))
            if typ == "OK":
                self.imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
                if "UIDPLUS" in self.capabilities:
                    self.imap.uid("EXPUNGE", uid)
                else:
                    self.imap.expunge()
                return
        self.imap.uid("STORE", uid, "+FLAGS.SILENT", f"(\\Seen {FLAGS[target]})")

    def close(self):
        try:
            self.imap.close()
            self.imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll(config=None):
    """Read every waiting message once; the counts of what became of them.

    One pass at a time holds the mailbox (``lease``): two passes moving the same message
    would leave two copies in Zubia/Done. Should a lease run out under a slow pass, the
    unique keys still keep the database right.
    """
    config = config or current_app.config
    if not config.get("MAILIN_IMAP_HOST"):
        return Counts()
    holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    if not lease(holder):
        log.info("another pass holds the mailbox")
        return Counts(busy=True)
    try:
        return _pass(config, holder)
    finally:
        db.session.rollback()
        release(holder)


def _pass(config, holder):
    connection = connect(config)
    counts = Counts()
    try:
        mailbox = Mailbox(connection, config["MAILIN_IMAP_FOLDER"] or "INBOX")
        for uid in mailbox.uids():
            outcome = take_one(mailbox, uid, config["MAILIN_MAX_BYTES"])
            if outcome is not None:
                counts.seen += 1
                counts.add(outcome)
            lease(holder)  # still alive: keep the mailbox
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"the mailbox stopped answering: {error}") from error
    finally:
        db.session.rollback()
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return counts


def lease(holder):
    """Take (or renew) the mailbox for ``holder`` for LEASE; False when another pass has it.
    A conditional UPDATE, committed: two processes cannot both succeed."""
    now = now_utc()
    db.session.execute(
        insert_for(db.session, MailinSettings.__table__)
        .values(id=1, store_bodies=True, poll_lease_holder="")
        .on_conflict_do_nothing(index_elements=["id"])
    )
    table = MailinSettings.__table__
    taken = db.session.execute(
        update(table)
        .where(
            table.c.id == 1,
            or_(
                table.c.poll_lease_until.is_(None),
                table.c.poll_lease_until < now,
                table.c.poll_lease_holder == holder,
            ),
        )
        .values(poll_lease_until=now + LEASE, poll_lease_holder=holder)
    ).rowcount
    db.session.commit()
    return taken == 1


def release(holder):
    table = MailinSettings.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == 1, table.c.poll_lease_holder == holder)
        .values(poll_lease_until=None, poll_lease_holder="")
    )
    db.session.commit()


def take_one(mailbox, uid, max_bytes):
    """Decide, commit, move. None when the message went away meanwhile."""
    size = mailbox.size(uid)
    if size is None:
        return None
    if size > max_bytes:
        row = _committed(lambda: _too_large(mailbox, uid, size, max_bytes))
    else:
        raw = mailbox.fetch(uid)
        if raw is None:
            return None
        row = _committed(lambda: _take(raw))
    mailbox.put_away(uid, DONE if row.outcome in (Outcome.LOGGED, Outcome.DUPLICATE) else FAILED)
    return row.outcome


def _take(raw):
    try:
        return services.take(raw).row
    except (IntegrityError, OperationalError):
        raise
    except Exception as error:  # a message we cannot read must not stop the others
        db.session.rollback()
        log.exception("mail could not be processed")
        key = _key_of(raw)
        return services.seen(key) or services.refuse_unread(
            key, f"could not be processed: {type(error).__name__}: {error}", len(raw),
            outcome=Outcome.FAILED,
        )  # fmt: skip


def _key_of(raw):
    try:
        return services.mailbox_key(services.parse(raw), raw)
    except Exception:  # the headers themselves are what could not be read
        return f"sha256:{hashlib.sha256(raw).hexdigest()}"


def _too_large(mailbox, uid, size, max_bytes):
    head = mailbox.fetch(uid, "BODY.PEEK[HEADER]") or b""
    import email

    message = email.message_from_bytes(head)
    ids = message_ids(header(message, "Message-ID"))
    key = f"mid:{ids[0]}" if ids else f"size:{size}:{header(message, 'Date')}"
    if (row := services.seen(key[:255])) is not None:
        return row
    row = services.refuse_unread(key, f"larger than {max_bytes} bytes ({size})", size)
    row.sender = (email.utils.parseaddr(header(message, "From"))[1] or "")[:254]
    row.subject = header(message, "Subject")[:200]
    return row


def _committed(decide):
    """Run ``decide`` and commit; a unique key another poller wrote first means: already
    taken, so the other poller's row is the answer."""
    for attempt in range(3):
        try:
            row = decide()
            db.session.commit()
            return row
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
