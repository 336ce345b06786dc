"""Account operations shared by the views and the CLI. They flush; the caller commits."""

from datetime import timedelta

from flask import current_app, session
from sqlalchemy import delete, func, select, update

from crm.accounts.models import Role, User, UserSession, default_timezone
from crm.accounts.passwords import (
    MAX_LENGTH,
    dummy_verify,
    hash_password,
    needs_rehash,
    verify_password,
)
from crm.audit.services import diff, record
from crm.clock import now_utc
from crm.extensions import db

PROFILE_FIELDS = ("name", "language", "timezone")
ADMIN_FIELDS = ("email", "name", "role", "language", "timezone", "active")


class LastAdminError(Exception):
    """The change would leave Zubia without an active admin."""


def normalize_email(email):
    return email.strip().lower()


def find_user(email):
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


SESSION_KEY = "sid"  # the id of this sign-in's UserSession row, in the Flask session
SEEN_EVERY = timedelta(minutes=5)  # how stale ``last_seen_at`` may get: not a write a request


def load_user(session_token):
    """Flask-Login's loader: the active user whose current session token this is, while this
    sign-in's row exists."""
    found = db.session.execute(
        select(User, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.session_token == session_token,
            User.active,
            UserSession.id == str(session.get(SESSION_KEY, "")),
        )
    ).first()
    if found is None:
        return None
    user, seen = found
    now = now_utc()
    if now - seen > SEEN_EVERY:
        this = UserSession.id == session[SESSION_KEY]
        db.session.execute(update(UserSession).where(this).values(last_seen_at=now))
        db.session.commit()  # the loader runs before the view: nothing else is pending
    return user


def open_session(user, user_agent):
    """A new sign-in's row; the caller keeps its id in the Flask session and commits.

    Rows of the user's sessions past their absolute lifetime go: no cookie can use them.
    """
    oldest = now_utc() - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < oldest)
    )
    row = UserSession(user_id=user.id, user_agent=(user_agent or "")[:200])
    db.session.add(row)
    db.session.flush()
    session[SESSION_KEY] = row.id
    return row


def close_session():
    """End this sign-in only: its row goes, the user's other sessions stay."""
    sid = session.get(SESSION_KEY)
    if sid:
        db.session.execute(delete(UserSession).where(UserSession.id == str(sid)))


def authenticate(email, password):
    """The active user with these credentials, or None; the same work either way."""
    user = find_user(email) if len(email) <= 254 else None
    if len(password) > MAX_LENGTH:
        return None  # never hash 10 kB of input; no such password can exist
    if user is None or not user.active:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now_utc()
    return user


def create_user(*, email, name, role, password, language="en", timezone=None, actor):
    user = User(
        email=normalize_email(email),
        name=name.strip(),
        role=Role(role),
        language=language,
        timezone=timezone or default_timezone(),
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record(
        "create",
        "user",
        user.id,
        actor=actor,
        changes={"email": [None, user.email], "role": [None, user.role.value]},
    )
    return user


def update_profile(user, data):
    """The user's own settings; ``data`` may hold only some of them."""
    changes = diff(user, data, [field for field in PROFILE_FIELDS if field in data])
    if changes:
        record("update", "user", user.id, actor=user, changes=changes)
    return changes


def update_user(user, data, *, actor):
    """An admin's edit. A new role or deactivation ends the user's sessions (SEC-3)."""
    data = {**data, "email": normalize_email(data["email"]), "role": Role(data["role"])}
    stays_admin = data["role"] is Role.ADMIN and data["active"]
    if user.is_admin and user.active and not stays_admin and active_admin_count() <= 1:
        raise LastAdminError
    changes = diff(user, data, ADMIN_FIELDS)
    if "role" in changes or "active" in changes:
        user.end_sessions()
    if changes:
        record("update", "user", user.id, actor=actor, changes=changes)
    return changes


def set_password(user, password, *, actor):
    """Store a new password and end every session of the user."""
    user.password_hash = hash_password(password)
    user.end_sessions()
    record("password_change", "user", user.id, actor=actor)


def active_admin_count():
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    )
