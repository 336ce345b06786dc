"""Reading one email as real clients write it: charsets, encoded words, parts (issue 15).

Nothing here raises on a malformed message: a header that cannot be decoded is read with
replacement characters, a part that cannot be read is kept whole as a text attachment.
"""

import base64
import binascii
import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import Header, decode_header
from email.utils import getaddresses, parsedate_to_datetime

from crm.mailin.html import html_to_text

# Labels Japanese mailers put on a wider repertoire than the label says (NEC and IBM
# extensions: ①, ㈱, 髙): decoding with the wider codec first loses nothing.
WIDER = {
    "shift_jis": ("cp932", "shift_jis_2004"),
    "shift-jis": ("cp932",),
    "sjis": ("cp932",),
    "x-sjis": ("cp932",),
    "ms_kanji": ("cp932",),
    "windows-31j": ("cp932",),
    "iso-2022-jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
    "euc-jp": ("euc_jis_2004", "euc_jp"),
    "x-euc-jp": ("euc_jp",),
    "gb2312": ("gb18030",),
    "ks_c_5601-1987": ("cp949",),
    "iso-8859-1": ("cp1252",),  # Outlook's "Latin-1" is Windows-1252 (’ “ ” €)
    "us-ascii": ("utf-8", "cp1252"),
}


def decode_bytes(data, charset=None):
    """``data`` as text: the declared charset (widened), then UTF-8, then what is left."""
    label = (charset or "").strip().strip('"').lower()
    label = label if label in WIDER or _known(label) else ""
    tries = [*WIDER.get(label, ()), label] if label else []
    tries += ["utf-8", "cp932", "euc_jp", "iso2022_jp_2", "cp1252"] if not label else ["utf-8"]
    for codec in tries:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(label if _known(label) else "utf-8", errors="replace")


def _known(codec):
    try:
        "".encode(codec)
    except LookupError:
        return False
    return bool(codec)


def decode_words(value):
    """An RFC 2047 header value as text, words split mid-character included: adjacent encoded
    words of one charset are joined as bytes before they are decoded."""
    if value is None:
        return ""
    if isinstance(value, Header):  # raw 8-bit bytes in a header (compat32 wraps them)
        return "".join(
            decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
            for chunk, charset in decode_header(value)
        ).strip()
    value = str(value)
    if "=?" not in value:
        return _unfold(value)
    try:
        parts = decode_header(_unfold(value))
    except Exception:  # a broken encoded word: show it as it came
        return _unfold(value)
    text = []
    for chunk, charset in parts:
        text.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return "".join(text).strip()


def _unfold(value):
    return re.sub(r"\r?\n[ \t]+", " ", value).strip()


def raw_header(message, name):
    """The header as sent (the legacy API: no policy decoding that could raise)."""
    return message.get_all(name) or []


def _as_text(value):
    return decode_words(value) if isinstance(value, Header) else str(value)


def header(message, name):
    values = raw_header(message, name)
    return decode_words(values[0]) if values else ""


def addresses(message, *names):
    """(name, address) pairs of the headers ``names``, names decoded, addresses lower-case."""
    found = []
    for name in names:
        values = [_as_text(value) for value in raw_header(message, name)]
        for display, address in getaddresses([v.replace(";", ",") for v in values]):
            if "@" in address:
                found.append((decode_words(display), address.strip().lower()))
    return found


def message_ids(value):
    return re.findall(r"<([^<>\s]+)>", value or "")


@dataclass
class Part:
    name: str
    content_type: str
    data: bytes


@dataclass
class Mail:
    """What Zubia needs of one email."""

    message_id: str  # without angle brackets; '' when the message has none
    subject: str
    sender: tuple  # (name, address)
    to: list
    cc: list
    sent_at: datetime | None  # UTC
    utc_offset_minutes: int | None
    body: str
    attachments: list = field(default_factory=list)
    calendars: list = field(default_factory=list)  # text/calendar parts, as text
    forwarded: list = field(default_factory=list)  # attached message/rfc822, as bytes
    left_out: list = field(default_factory=list)  # "name: why" for what is not kept
    references: list = field(default_factory=list)  # In-Reply-To, then References
    authentication: list = field(default_factory=list)  # Authentication-Results values

    @property
    def participants(self):
        return [self.sender, *self.to, *self.cc]


def parse(raw):
    """The Mail in the bytes ``raw``."""
    message = email.message_from_bytes(raw, policy=policy.compat32)
    return from_message(message)


def from_message(message):
    sender = (addresses(message, "From") or [("", "")])[0]
    sent_at, offset = parse_date(header(message, "Date"))
    references = message_ids(header(message, "In-Reply-To"))
    references += [
        ref for ref in message_ids(header(message, "References")) if ref not in references
    ]
    mail = Mail(
        message_id=(message_ids(header(message, "Message-ID")) or [""])[0][:255],
        subject=header(message, "Subject"),
        sender=sender,
        to=addresses(message, "To"),
        cc=addresses(message, "Cc"),
        sent_at=sent_at,
        utc_offset_minutes=offset,
        body="",
        references=references,
        authentication=[
            _unfold(_as_text(v)) for v in raw_header(message, "Authentication-Results")
        ],
    )
    _read_parts(message, mail)
    return mail


def parse_date(value):
    """(UTC instant, the writer's offset in minutes), or (None, None)."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None, None
    if moment is None:
        return None, None
    if moment.tzinfo is None:  # "-0000": the writer's zone is unknown
        return moment.replace(tzinfo=UTC), None
    offset = int(moment.utcoffset().total_seconds() // 60)
    return moment.astimezone(UTC), offset


def _leaves(message):
    """The parts of ``message`` that hold content; an attached message is one part."""
    if message.get_content_type() == "message/rfc822" or not message.is_multipart():
        yield message
        return
    for part in message.get_payload():
        if hasattr(part, "get_content_type"):
            yield from _leaves(part)


def _read_parts(message, mail):
    texts, htmls = [], []
    for number, part in enumerate(_leaves(message)):
        try:
            _read_part(part, number, mail, texts, htmls)
        except Exception as error:  # keep what we could not read, whole, as it came
            name = f"part-{number}.txt"
            mail.attachments.append(Part(name, "text/plain", part.as_bytes()))
            what = part_name(part) or part.get_content_type()
            mail.left_out.append(f"{what}: unreadable ({error}), kept as it came in {name}")
    if texts:
        mail.body = "\n\n".join(texts).strip()
    elif htmls:
        mail.body = "\n\n".join(html_to_text(html) for html in htmls).strip()


def _read_part(part, number, mail, texts, htmls):
    content_type = part.get_content_type()
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    filename = part_name(part)
    if content_type == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        mail.forwarded.append(inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(inner))
        return
    data = _decoded(part)
    if content_type == "text/calendar" or filename.lower().endswith(".ics"):
        mail.calendars.append(decode_bytes(data, part.get_content_charset()))
        return
    inline_text = content_type in ("text/plain", "text/html") and disposition != "attachment"
    if inline_text and not filename:
        text = decode_bytes(data, part.get_content_charset())
        if content_type == "text/plain":
            texts.append(unflow(text, part) if _flowed(part) else text)
        else:
            htmls.append(text)
        return
    if data:
        mail.attachments.append(Part(filename or f"part-{number}", content_type, data))


def _decoded(part):
    """The part's bytes; a base64 body that is not base64 raises (compat32 would guess)."""
    encoding = (part.get("Content-Transfer-Encoding") or "").strip().lower()
    if encoding == "base64":
        payload = part.get_payload()
        text = re.sub(r"\s+", "", payload if isinstance(payload, str) else "")
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f"broken base64: {error}") from None
    return part.get_payload(decode=True) or b""


def part_name(part):
    """The file name of a part: RFC 2231 (name*=), or the RFC 2047 words Outlook puts in name=."""
    name = part.get_filename() or part.get_param("name") or ""
    if isinstance(name, tuple):  # an RFC 2231 value compat32 did not collapse
        name = email.utils.collapse_rfc2231_value(name)
    return decode_words(name)


def _flowed(part):
    return (part.get_param("format") or "").lower() == "flowed"


def unflow(text, part):
    """RFC 3676: join soft line breaks (a line ending in a space), undo space-stuffing."""
    delsp = (part.get_param("delsp") or "").lower() == "yes"
    out, current = [], None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]
        soft = line.endswith(" ") and line.rstrip() != "--"
        if delsp and soft:
            line = line[:-1]
        current = line if current is None else current + line
        if not soft:
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return "\n".join(out)


def mailbox_key(mail, raw):
    """The key of a message taken from the mailbox: its Message-ID, else a hash of its bytes."""
    if mail.message_id:
        return f"mid:{mail.message_id}"[:255]
    return f"sha256:{hashlib.sha256(raw).hexdigest()}"
