"""The original message inside a forward: attached (message/rfc822) or written inline.

Inline forwards, as Outlook, Gmail, Apple Mail and Thunderbird write them in English, Spanish
and Japanese: an optional separator line ("---------- Forwarded message ---------",
"-------- Mensaje reenviado --------", "転送されたメッセージ:", a line of underscores), then a
block of "Label: value" lines, then the original text.
"""

import hashlib
import re
from datetime import UTC, datetime
from email.utils import getaddresses
from zoneinfo import ZoneInfo

from crm.mailin.reading import Mail, decode_words, parse, parse_date

LABELS = {
    "from": "from",
    "de": "from",
    "差出人": "from",
    "送信者": "from",
    "sent": "date",
    "enviado": "date",
    "enviado el": "date",
    "送信日時": "date",
    "date": "date",
    "fecha": "date",
    "日付": "date",
    "日時": "date",
    "to": "to",
    "para": "to",
    "宛先": "to",
    "cc": "cc",
    "subject": "subject",
    "asunto": "subject",
    "件名": "subject",
}
_LINE = re.compile(r"^[>\s*]*([^:：]{1,20}?)\s*\*?[:：]\*?\s*(.*)$")
SUBJECT_PREFIX = re.compile(r"^\s*((fwd?|rv|reenv|tr|wg|転送|re|aw)\s*[:：]\s*)+", re.IGNORECASE)
FORWARD_PREFIX = re.compile(r"^\s*(fwd?|rv|reenv|tr|wg|転送)\s*[:：]", re.IGNORECASE)
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "enero", "ene"),
            ("february", "feb", "febrero"),
            ("march", "mar", "marzo"),
            ("april", "apr", "abril", "abr"),
            ("may", "mayo"),
            ("june", "jun", "junio"),
            ("july", "jul", "julio"),
            ("august", "aug", "agosto", "ago"),
            ("september", "sep", "sept", "septiembre", "setiembre"),
            ("october", "oct", "octubre"),
            ("november", "nov", "noviembre"),
            ("december", "dec", "diciembre", "dic"),
        ],
        start=1,
    )
    for name in names
}


def original_of(mail, zone):
    """The forwarded original in ``mail``, or None when ``mail`` is not a forward.

    ``zone`` reads an inline block's date, which carries no offset: the forwarder's zone.
    """
    if mail.forwarded:
        original = parse(mail.forwarded[0])
        original.attachments += mail.attachments
        original.calendars = original.calendars or mail.calendars
        return original
    return inline_original(mail, zone)


def inline_original(mail, zone):
    lines = mail.body.replace("\r\n", "\n").split("\n")
    start = _block_start(lines)
    if start is None:
        return None
    found, end = {}, start
    for end in range(start, min(len(lines), start + 12)):
        line = lines[end].strip()
        if not line:
            if found:
                break
            continue
        match = _LINE.match(line)
        key = LABELS.get(match.group(1).strip().lower()) if match else None
        if key is None:
            if found:
                break
            continue
        found.setdefault(key, match.group(2).strip())
    if "from" not in found:
        return None
    body = "\n".join(line[2:] if line.startswith("> ") else line for line in lines[end:])
    sender = _addresses(found["from"]) or [("", "")]
    sent_at, offset = read_date(found.get("date", ""), zone)
    subject = found.get("subject") or SUBJECT_PREFIX.sub("", mail.subject)
    original = Mail(
        message_id="",
        subject=subject,
        sender=sender[0],
        to=_addresses(found.get("to", "")),
        cc=_addresses(found.get("cc", "")),
        sent_at=sent_at or mail.sent_at,
        utc_offset_minutes=offset if sent_at else mail.utc_offset_minutes,
        body=body.strip(),
        attachments=mail.attachments,
        calendars=mail.calendars,
    )
    # No Message-ID in an inline block: the same original forwarded twice has the same key.
    key = "|".join([original.sender[1], original.subject, str(original.sent_at)])
    original.message_id = "inline:" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return original


def _block_start(lines):
    """The first line of the first "Label: value" block that names a sender."""
    for number, line in enumerate(lines):
        match = _LINE.match(line.strip())
        if match and LABELS.get(match.group(1).strip().lower()) == "from":
            following = lines[number + 1 : number + 6]
            labelled = [
                m for m in (_LINE.match(x.strip()) for x in following)
                if m and m.group(1).strip().lower() in LABELS
            ]  # fmt: skip
            if labelled:
                return _back_to_block_top(lines, number)
    return None


def _back_to_block_top(lines, number):
    """Thunderbird and Apple Mail put Subject and Date before From: start at the block's top."""
    while number > 0:
        match = _LINE.match(lines[number - 1].strip())
        if not (match and match.group(1).strip().lower() in LABELS):
            break
        number -= 1
    return number


def _addresses(value):
    value = decode_words(value)
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value)  # Outlook: Name [mailto:a@b]
    pairs = getaddresses([value.replace(";", ",")])
    return [(name.strip(' "'), address.lower()) for name, address in pairs if "@" in address]


def read_date(value, zone):
    """A forward block's date in the forms clients write it; (UTC instant, offset) or Nones."""
    value = value.strip()
    if not value:
        return None, None
    moment, offset = parse_date(value)
    if moment is not None:
        return moment, offset
    local = _local_date(value)
    if local is None:
        return None, None
    aware = local.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(UTC), int(aware.utcoffset().total_seconds() // 60)


def _local_date(value):
    text = value.lower().replace(",", " ")
    clock = re.search(r"(\d{1,2}):(\d{2})(?::\d{2})?\s*(am|pm|午前|午後)?", text)
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
    if clock and clock.group(3) in ("pm", "午後") and hour < 12:
        hour += 12
    if clock and clock.group(3) in ("am", "午前") and hour == 12:
        hour = 0
    if match := re.search(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})", text):
        year, month, day = map(int, match.groups())
    elif match := re.search(r"(\d{1,2})\s+(?:de\s+)?([a-zé]+)\.?\s+(?:de\s+)?(\d{4})", text):
        day, month, year = int(match.group(1)), MONTHS.get(match.group(2)), int(match.group(3))
    elif match := re.search(r"([a-z]+)\.?\s+(\d{1,2})\s+(\d{4})", text):
        month, day, year = MONTHS.get(match.group(1)), int(match.group(2)), int(match.group(3))
    else:
        return None
    try:
        return datetime(year, month, day, hour, minute)
    except (TypeError, ValueError):
        return None


def looks_forwarded(mail):
    """An attached message, or a subject a forward starts with (Fwd:, FW:, RV:, 転送:)."""
    return bool(mail.forwarded) or bool(FORWARD_PREFIX.match(mail.subject or ""))
