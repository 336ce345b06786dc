"""What one message taken from the mailbox becomes. ``take`` flushes; the poller commits.

The message's key (``MailboxMessage.key``) and the logged email's Message-ID are unique, and
both rows are written in the transaction that writes the meeting: a second poller or a poller
restarted after a crash finds them and logs nothing twice.
"""

import io
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.attachments import services as attachments
from crm.attachments.detect import Refused, detect, download_name
from crm.attachments.names import FALLBACK, MAX_LENGTH, clean_name, shorten
from crm.extensions import db
from crm.mailin import forwards, participants
from crm.mailin.invitations import read_invitation
from crm.mailin.models import (
    LoggedEmail,
    MailboxMessage,
    MailinSettings,
    Outcome,
    ParticipantReview,
    ReviewStatus,
)
from crm.mailin.reading import mailbox_key, parse
from crm.mailin.senders import dmarc_failed, user_for, users_by_address
from crm.meetings import services as meetings
from crm.meetings.models import Meeting, MeetingKind
from crm.trash.services import move_to_trash

log = logging.getLogger("crm.mailin")
NO_SUBJECT = "(no subject)"


@dataclass
class Taken:
    row: MailboxMessage
    seen: bool = False  # taken before: only the IMAP move is left to do


def seen(key):
    return db.session.scalar(select(MailboxMessage).where(MailboxMessage.key == key))


def refuse_unread(key, reason, size, *, outcome=Outcome.REFUSED):
    """A message decided on without reading it (too large) or that could not be read."""
    row = MailboxMessage(key=key[:255], outcome=outcome, reason=reason[:500], size=size)
    db.session.add(row)
    db.session.flush()
    log.warning("mail %s %s: %s", key, outcome.value, reason)
    return row


def take(raw, *, key=None):
    """Decide what the message ``raw`` becomes, and write it down (the caller commits)."""
    mail = parse(raw)
    key = key or mailbox_key(mail, raw)
    if (row := seen(key)) is not None:
        if row.outcome is not Outcome.FAILED:
            return Taken(row, seen=True)
        # Failed before and put back in the folder by an admin: try again.
        db.session.delete(row)
        db.session.flush()
    row = MailboxMessage(
        key=key,
        sender=mail.sender[1][:254],
        subject=(mail.subject or "")[:200],
        size=len(raw),
        outcome=Outcome.LOGGED,
    )
    db.session.add(row)
    user, reason = sender_of(mail)
    if user is None:
        _set(row, Outcome.REFUSED, reason)
    else:
        row.user_id = user.id
        _log(mail, user, row)
    db.session.flush()
    level = logging.INFO if row.outcome in (Outcome.LOGGED, Outcome.DUPLICATE) else logging.WARNING
    log.log(level, "mail %s from %s %s %s", key, row.sender, row.outcome.value, row.reason)
    return Taken(row)


def _set(row, outcome, reason=""):
    row.outcome, row.reason = outcome, reason[:500]


def sender_of(mail):
    """(the user who sent or forwarded it, '') or (None, why it is refused)."""
    address = mail.sender[1]
    user = user_for(address)
    if user is None:
        return None, "the sender is not a user of Zubia"
    if dmarc_failed(mail.authentication, address):
        return None, "DMARC failed for the sender's domain"
    return user, ""


def _log(mail, user, row):
    original = mail
    if forwards.looks_forwarded(mail):
        original = forwards.original_of(mail, user.timezone)
        if original is None:
            _set(row, Outcome.FAILED, "a forward whose original message could not be found")
            return
    elif not mail.message_id:
        mail.message_id = row.key  # the hash of its bytes
    for text in original.calendars:
        if (invitation := read_invitation(text)) is not None:
            row.meeting_id = _invitation(invitation, original, user, row)
            return
    meeting_id = _email_id(original.message_id)
    if meeting_id is not None:
        meeting = _with_attendees(meeting_id)
        if user not in meeting.attendees:
            meeting.attendees.append(user)
        _set(row, Outcome.DUPLICATE, "the same email is logged already")
        row.meeting_id = meeting.id
        return
    row.meeting_id = _new_email(original, user).id


def _email_id(message_id):
    return db.session.scalar(
        select(LoggedEmail.meeting_id).where(LoggedEmail.message_id == message_id[:255])
    )


def _with_attendees(meeting_id):
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).options(selectinload(Meeting.attendees))
    )


def _people(original, user):
    """Attendees (users among the participants) and what participants.match makes of the rest."""
    ours = users_by_address(address for _, address in original.participants)
    mailin = current_app.config.get("MAILIN_ADDRESS", "").lower()
    others = [
        (name, address)
        for name, address in dict((a, (n, a)) for n, a in original.participants).values()
        if address not in ours and address != mailin
    ]
    found = participants.match(others, signer=original.sender[1], body=original.body)
    attendees = [user] + [u for u in dict.fromkeys(ours.values()) if u.id != user.id and u.active]
    return attendees, found


def _new_email(original, user, *, kind=MeetingKind.EMAIL, planned=None):
    attendees, found = _people(original, user)
    data = {
        "kind": kind,
        "title": (original.subject or NO_SUBJECT)[:200],
        "starts_at": (planned.starts_at if planned else original.sent_at) or _now(),
        # An email takes no time; 1 keeps the meeting editable (the form wants 1 to 1440).
        "duration_minutes": planned.duration_minutes if planned else 1,
        "location": (planned.location[:200] or None) if planned else None,
        "organization_ids": [org.id for org in found.organizations],
        "contact_ids": [contact.id for contact in found.contacts],
        "attendee_ids": [attendee.id for attendee in attendees],
    }
    meeting = meetings.create_meeting(data, actor=user)
    email = LoggedEmail(
        meeting_id=meeting.id,
        message_id=original.message_id[:255],
        thread_root_id=_thread_root(original.references),
        from_header=_pairs([original.sender])[:500],
        to_header=_pairs(original.to),
        cc_header=_pairs(original.cc),
        utc_offset_minutes=planned.utc_offset_minutes if planned else original.utc_offset_minutes,
        body=original.body if bodies_kept() else None,
        ical_uid=planned.uid if planned else None,
        ical_sequence=planned.sequence if planned else None,
    )
    left_out = list(original.left_out)
    for part in original.attachments:
        left_out += _attach(meeting, part, user)
    email.left_out = "\n".join(left_out)
    db.session.add(email)
    for name, address, org in found.unknown:
        db.session.add(
            ParticipantReview(
                meeting_id=meeting.id,
                user_id=user.id,
                email=address[:254],
                name=name[:200],
                organization_id=org.id if org else None,
                status=ReviewStatus.OPEN,
            )
        )
    db.session.flush()
    return meeting


def _now():
    from crm.clock import now_utc

    return now_utc()


def _pairs(pairs):
    return ", ".join(f"{name} <{address}>" if name else address for name, address in pairs)


def _thread_root(references):
    """The meeting of the first logged message of the thread ``references`` point into."""
    if not references:
        return None
    rows = db.session.execute(
        select(LoggedEmail.meeting_id, LoggedEmail.thread_root_id).where(
            LoggedEmail.message_id.in_([ref[:255] for ref in references])
        )
    ).all()
    roots = [root or meeting_id for meeting_id, root in rows]
    return min(roots) if roots else None


def _attach(meeting, part, user):
    """Attach ``part`` with the upload's content checks; what was left out and why."""
    name = clean_name(part.name) or FALLBACK
    stream = io.BytesIO(part.data)
    try:
        kind = detect(stream, name)
    except Refused as refused:
        return [f"{name}: {refused.message}"]
    attachments.attach(
        meeting, stream, shorten(download_name(name, kind), MAX_LENGTH), kind, actor=user
    )
    return []


def bodies_kept():
    settings = db.session.get(MailinSettings, 1)
    return settings is None or settings.store_bodies


def _invitation(invitation, original, user, row):
    """A REQUEST makes (or, with a higher SEQUENCE, moves) a planned meeting; CANCEL trashes it."""
    email = db.session.scalar(
        select(LoggedEmail)
        .where(LoggedEmail.ical_uid == invitation.uid)
        .order_by(LoggedEmail.meeting_id)
    )
    if email is None:
        if invitation.method == "CANCEL":
            _set(row, Outcome.REFUSED, "a cancellation of an invitation Zubia never saw")
            return None
        original.subject = invitation.summary or original.subject
        kind = MeetingKind.VIDEO if "://" in invitation.location else MeetingKind.IN_PERSON
        return _new_email(original, user, kind=kind, planned=invitation).id
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.id == email.meeting_id)
        .options(selectinload(Meeting.attendees), selectinload(Meeting.organizations))
    )
    if invitation.sequence < (email.ical_sequence or 0) or (
        invitation.sequence == email.ical_sequence and invitation.method == "REQUEST"
    ):
        _set(row, Outcome.DUPLICATE, "an older or the same version of the invitation")
        return meeting.id
    email.ical_sequence = invitation.sequence
    actor = db.session.get(User, meeting.owner_id) if meeting.owner_id else user
    if invitation.method == "CANCEL":
        if not meeting.is_deleted:
            move_to_trash(meeting, actor=actor)
        _set(row, Outcome.LOGGED, "the invitation was cancelled")
        return meeting.id
    meetings.update_meeting(
        meeting,
        {
            "starts_at": invitation.starts_at,
            "duration_minutes": invitation.duration_minutes,
            "title": (invitation.summary or meeting.title)[:200],
            "location": invitation.location[:200] or None,
        },
        actor=actor,
    )
    email.utc_offset_minutes = invitation.utc_offset_minutes
    _set(row, Outcome.LOGGED, "the invitation was updated")
    return meeting.id
