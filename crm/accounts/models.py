import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from crm.clock import now_utc
from crm.database import LabelledEnum, enum_column
from crm.extensions import db


class Role(LabelledEnum):
    POINT_OF_CONTACT = "point_of_contact"
    MANAGER = "manager"
    ADMIN = "admin"

    @classmethod
    def labels(cls):
        return {
            cls.POINT_OF_CONTACT: _l("Point of contact"),
            cls.MANAGER: _l("Manager"),
            cls.ADMIN: _l("Admin"),
        }


def default_timezone():
    """The zone of a new account unless one is chosen: the deployment's ``DEFAULT_TIMEZONE``."""
    return current_app.config["DEFAULT_TIMEZONE"]


def new_session_token():
    return secrets.token_urlsafe(32)


class User(db.Model):
    """A person who signs in to Zubia."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role, length=20))
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default=default_timezone)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login's id: rotating it ends every session of this user (SEC-3).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None]
    # Reminder preferences: the digest at this local time (minutes after midnight) on these
    # ISO weekdays (1 = Monday).
    digest_enabled: Mapped[bool] = mapped_column(default=True)
    digest_minute: Mapped[int] = mapped_column(default=8 * 60)
    digest_days: Mapped[str] = mapped_column(String(13), default="1,2,3,4,5")
    nudges_enabled: Mapped[bool] = mapped_column(default=True)
    # The notification kinds (crm.notifications) that also come by email, comma-separated.
    notification_emails: Mapped[str] = mapped_column(
        String(100), default="assigned,mentioned", server_default="assigned,mentioned"
    )
    # The other kinds of reminder this user asked not to be emailed, as "visit,event".
    email_off: Mapped[str] = mapped_column(String(200), default="")
    # SHA-256 of the secret in the user's calendar feed address (crm/calendar): a leaked
    # database does not give away anyone's feed. None: the feed is off.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    def __repr__(self):
        return f"<User {self.email}>"

    # Flask-Login protocol
    @property
    def is_active(self):
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return self.session_token

    def end_sessions(self):
        """Sign this user out everywhere: every cookie holding the old token stops working,
        and every sign-in's row is gone."""
        self.session_token = new_session_token()
        db.session.execute(delete(UserSession).where(UserSession.user_id == self.id))

    @property
    def digest_weekdays(self):
        return {int(day) for day in self.digest_days.split(",") if day}

    @property
    def emailed_notifications(self):
        return {kind for kind in self.notification_emails.split(",") if kind}

    @property
    def is_admin(self):
        return self.role is Role.ADMIN

    @property
    def is_manager(self):
        return self.role in (Role.MANAGER, Role.ADMIN)


class UserSession(db.Model):
    """One sign-in on one browser. Its id is kept in the Flask session, next to Flask-Login's
    id (the user's session token): signing out deletes this row and ends this session only;
    rotating the token (``User.end_sessions``) ends them all."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_session_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
