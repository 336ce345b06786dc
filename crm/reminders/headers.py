"""The headers that make a reminder well-formed mail (RFC 5322, 3834, 2369, 8058).

Relays and spam filters penalise a message without ``Date`` or with a Message-ID under an IP
literal; a reminder says it was sent by a machine (``Auto-Submitted``) so that vacation
responders stay quiet, and it offers a one-click way out of that kind of reminder.
"""

import hashlib
import ipaddress
import re
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import urlsplit

from flask import current_app

from crm.reminders import unsubscribe
from crm.urls import external_url

FALLBACK_DOMAIN = "zubia.invalid"  # RFC 2606: a name that can never clash with a real one
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def header_text(value):
    """Header-safe text: a name with a line break cannot add a header (MAIL-5)."""
    return _LINE_BREAKS.sub(" ", str(value)).strip()


def usable_domain(host):
    """The host as a Message-ID domain, or None for an IP literal, localhost or a bare name."""
    host = (host or "").strip().strip("[]").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost") or not _DOMAIN.match(host):
        return None
    return host


def message_id_domain(config):
    """``MAIL_MESSAGE_ID_DOMAIN``, else BASE_URL's host, else the sender's domain."""
    sender = parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1]
    for host in (
        config.get("MAIL_MESSAGE_ID_DOMAIN"),
        urlsplit(config.get("BASE_URL") or "").hostname,
        sender.rpartition("@")[2],
    ):
        domain = usable_domain(host)
        if domain:
            return domain
    return FALLBACK_DOMAIN


def message_id(dedupe_key):
    """The Message-ID of an outbox row, derived from its key: the same on every retry (MAIL-4)."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    return f"<{digest}@{message_id_domain(current_app.config)}>"


def add_headers(message, row, user, *, subject, now):
    """Address ``message`` to ``user`` and give it every header a reminder carries.

    Called once the body is in: making a multipart moves Content-* headers into the first part.
    """
    message["Subject"] = header_text(subject)
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = formataddr((header_text(user.name), user.email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = user.language
    if unsubscribe.can_turn_off(row.kind):
        url = external_url(
            "reminders.unsubscribe", unsubscribe_token=unsubscribe.token(user, row.kind)
        )
        message["List-Unsubscribe"] = f"<{url}>"
        if url.startswith("https://"):  # RFC 8058 one-click needs an https address
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
