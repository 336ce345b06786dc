"""Which registrations this browser holds: a mailed link opened them (``session["b2b"]``).

They last ``PUBLIC_SESSION_HOURS`` from the link that opened them; then a new link is needed.
"""

from datetime import timedelta

from flask import current_app, session

from crm.clock import now_utc


def session_registrant_id(event_id):
    opened = session.get("b2b_at")
    hours = timedelta(hours=current_app.config["PUBLIC_SESSION_HOURS"])
    if opened is not None and now_utc().timestamp() - opened > hours.total_seconds():
        session.pop("b2b", None)
        session.pop("b2b_at", None)
        return None
    return (session.get("b2b") or {}).get(str(event_id))


def remember(event_id, registrant_id):
    held = dict(session.get("b2b") or {})
    held[str(event_id)] = registrant_id
    session["b2b"] = held
    session["b2b_at"] = now_utc().timestamp()


def forget(event_id):
    held = dict(session.get("b2b") or {})
    held.pop(str(event_id), None)
    session["b2b"] = held
