"""Which registrations this browser holds: a mailed link opened them (``session["b2b"]``)."""

from flask import session


def session_registrant_id(event_id):
    return (session.get("b2b") or {}).get(str(event_id))


def remember(event_id, registrant_id):
    held = dict(session.get("b2b") or {})
    held[str(event_id)] = registrant_id
    session["b2b"] = held


def forget(event_id):
    held = dict(session.get("b2b") or {})
    held.pop(str(event_id), None)
    session["b2b"] = held
