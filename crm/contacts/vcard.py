"""Contacts as vCard 4.0 (RFC 6350) for address books: Outlook, Google, Apple, phones.

Text values are escaped (section 3.4), lines are folded at 75 octets without cutting a UTF-8
sequence (3.2), lines end in CRLF. A Japanese name goes out twice as alternatives (ALTID,
6.2.1 and 5.4): in its own script (LANGUAGE=ja) and romanised (LANGUAGE=ja-Latn), family name
first where the person writes it first.
"""

import uuid
from datetime import UTC

from flask import current_app
from flask_babel import get_locale

from crm.contacts.models import NameOrder

PRODID = "-//Zubia//Zubia CRM//EN"
LINE_OCTETS = 75


def escape(value):
    """A TEXT value with backslash, comma, semicolon and line breaks escaped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    for char, escaped in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        text = text.replace(char, escaped)
    return text


def structured(*components):
    """A structured value (N, ADR, ORG): components escaped, joined by ``;``.

    A component given as a list holds several values, joined by an unescaped ``,``.
    """
    return ";".join(
        ",".join(escape(v) for v in c if v) if isinstance(c, list | tuple) else escape(c or "")
        for c in components
    )


def fold(line):
    """``line`` as CRLF-terminated physical lines of at most 75 octets each."""
    out, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts toward their 75 octets.
        limit = LINE_OCTETS if not out else LINE_OCTETS - 1
        if size + width > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def prop(name, value, /, **params):
    """One content line; ``value`` must already be escaped or structured."""
    rendered = "".join(f";{key.upper().replace('_', '-')}={val}" for key, val in params.items())
    return fold(f"{name}{rendered}:{value}")


def uid(contact):
    """Stable across exports and installations of the same site: derived from the site's URL."""
    base = current_app.config["BASE_URL"]
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/contacts/{contact.id}')}"


def _split_native(contact):
    """The own-script name as (family, given) where its order is known, else (whole, "")."""
    parts = " ".join((contact.native_name or "").replace("\u3000", " ").split()).split(" ", 1)
    if contact.name_order is NameOrder.JAPANESE and len(parts) == 2:
        return parts[0], parts[1]
    if len(parts) == 2:  # written given name first
        return parts[1], parts[0]
    return parts[0], ""


def _names(contact):
    family = [contact.family_name, contact.second_family_name]
    latin_n = structured(family, contact.given_name, "", "", "")
    if not contact.native_name or contact.native_name == contact.latin_name:
        return prop("FN", escape(contact.latin_name)) + prop("N", latin_n)
    native_family, native_given = _split_native(contact)
    native_n = structured(native_family, native_given, "", "", "")
    japanese = contact.name_order is NameOrder.JAPANESE
    native = {"altid": 1, "language": "ja"} if japanese else {"altid": 1}
    latin = {"altid": 1, "language": "ja-Latn"} if japanese else {"altid": 1}
    return (
        prop("FN", escape(contact.native_name), **native)
        + prop("FN", escape(contact.latin_name), **latin)
        + prop("N", native_n, **native)
        + prop("N", latin_n, **latin)
    )


def _phonetic(contact):
    """The reading (やまだ たろう) in the fields Apple and Google read it from."""
    if not contact.reading:
        return ""
    parts = contact.reading.replace("\u3000", " ").split(None, 1)
    if contact.name_order is NameOrder.JAPANESE and len(parts) == 2:
        return prop("X-PHONETIC-LAST-NAME", escape(parts[0])) + prop(
            "X-PHONETIC-FIRST-NAME", escape(parts[1])
        )
    return prop("X-PHONETIC-LAST-NAME", escape(contact.reading))


def _organization(org):
    if org.native_name and org.native_name != org.name:
        lines = prop("ORG", structured(org.native_name), altid=2, language="ja")
        lines += prop("ORG", structured(org.name), altid=2)
    else:
        lines = prop("ORG", structured(org.name))
    if org.city or org.country:
        country = get_locale().territories.get(org.country, org.country)
        lines += prop("ADR", structured("", "", "", org.city, "", "", country), type="work")
    if org.website:
        lines += prop("URL", org.website, type="work")
    return lines


def vcard(contact):
    """One contact as a vCard 4.0 text; ``contact.organization`` must be loaded."""
    lines = [
        "BEGIN:VCARD\r\n",
        "VERSION:4.0\r\n",
        prop("PRODID", escape(PRODID)),
        prop("UID", uid(contact)),
        "KIND:individual\r\n",
        _names(contact),
        _phonetic(contact),
    ]
    if contact.job_title:
        lines.append(prop("TITLE", escape(contact.job_title)))
    lines.append(_organization(contact.organization))
    if contact.email:
        lines.append(prop("EMAIL", escape(contact.email), type="work"))
    for number, kind in ((contact.phone, "work,voice"), (contact.mobile, "cell")):
        if number:
            lines.append(prop("TEL", f"tel:{number}", value="uri", type=kind))
    if contact.language:
        lines.append(prop("LANG", contact.language))
    if contact.timezone:
        lines.append(prop("TZ", escape(contact.timezone), value="text"))
    if contact.notes:
        lines.append(prop("NOTE", escape(contact.notes)))
    lines.append(prop("REV", f"{contact.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"))
    lines.append("END:VCARD\r\n")
    return "".join(lines)
