"""Zubia settings, read from the environment when the app is created (never at import)."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused by ProductionConfig


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


class Config:
    """Development settings; every value can be overridden from the environment."""

    ENV_NAME = "development"
    TESTING = False

    def __init__(self):
        instance = Path(os.environ.get("ZUBIA_INSTANCE_PATH", BASE_DIR / "instance"))
        self.INSTANCE_PATH = str(instance)
        self.SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'zubia.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_pre_ping": True,
            # Keep workers x (pool_size + max_overflow) under PostgreSQL's max_connections.
            **(
                {
                    "pool_size": env_int("DB_POOL_SIZE", 5),
                    "max_overflow": env_int("DB_MAX_OVERFLOW", 5),
                }
                if not self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")
                else {}
            ),
        }

        # Milliseconds a SQLite writer waits for another's lock; DATA-3 wants 5000 or more.
        self.SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", 5000)

        # Extra matching vocabularies (TOML, like crm/matching/concepts.toml), separated by
        # the path separator (":" on Linux); their concepts and terms add to the built-in ones.
        extra = os.environ.get("MATCHING_VOCABULARY_FILES", "")
        self.MATCHING_VOCABULARY_FILES = [path for path in extra.split(os.pathsep) if path]

        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        # Production refuses an http:// BASE_URL (links in emails, Secure cookies) unless this
        # is set, for a deployment that really has no TLS in front of it.
        self.ALLOW_HTTP_BASE_URL = env_bool("ALLOW_HTTP_BASE_URL")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
        self.MAIL_PORT = env_int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
        self.MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Zubia <zubia@localhost>")
        self.MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 20)
        # The domain after the "@" of Message-IDs; unset: BASE_URL's host (crm/reminders/headers).
        self.MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "")
        # The scheduler's pass: how often, how many messages at most, and the claim lease.
        self.REMINDER_TICK_SECONDS = env_int("REMINDER_TICK_SECONDS", 60)
        self.MAIL_MAX_PER_PASS = env_int("MAIL_MAX_PER_PASS", 100)
        # Quiet relationships listed in one person's digest (or nudge) a day; then "and N more".
        self.DIGEST_QUIET_CAP = env_int("DIGEST_QUIET_CAP", 10)
        self.OUTBOX_LEASE_MINUTES = env_int("OUTBOX_LEASE_MINUTES", 10)

        # The mailbox people BCC or forward their email to (crm/mailin); no host: not polled.
        self.MAILIN_IMAP_HOST = os.environ.get("MAILIN_IMAP_HOST", "")
        self.MAILIN_IMAP_PORT = env_int("MAILIN_IMAP_PORT", 993)
        self.MAILIN_IMAP_USER = os.environ.get("MAILIN_IMAP_USER", "")
        self.MAILIN_IMAP_PASSWORD = os.environ.get("MAILIN_IMAP_PASSWORD", "")
        self.MAILIN_IMAP_SECURITY = os.environ.get("MAILIN_IMAP_SECURITY", "ssl")  # starttls, none
        self.MAILIN_IMAP_FOLDER = os.environ.get("MAILIN_IMAP_FOLDER", "INBOX")
        # A CA bundle for a server whose certificate the system does not trust (self-signed).
        self.MAILIN_IMAP_CAFILE = os.environ.get("MAILIN_IMAP_CAFILE", "")
        self.MAILIN_IMAP_TIMEOUT = env_int("MAILIN_IMAP_TIMEOUT", 60)
        self.MAILIN_ADDRESS = os.environ.get("MAILIN_ADDRESS", "")
        self.MAILIN_MAX_BYTES = env_int("MAILIN_MAX_BYTES", 25 * 1024 * 1024)
        self.MAILIN_TICK_SECONDS = env_int("MAILIN_TICK_SECONDS", 60)

        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "zubia")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per minute")
        self.LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute")
        # Calendar apps poll each feed every few minutes to hours; guessing tokens needs far more.
        self.CALENDAR_FEED_LIMIT = os.environ.get("CALENDAR_FEED_LIMIT", "60 per minute")
        # The integration API (crm/api): requests per token, and webhooks' delivery.
        self.API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
        # Webhook endpoints on private, loopback or link-local addresses are refused unless
        # this is set (a test receiver on 127.0.0.1, an intranet integration).
        self.WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")
        self.WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)  # seconds, connect and read
        self.WEBHOOK_MAX_PER_PASS = env_int("WEBHOOK_MAX_PER_PASS", 200)
        # The public pages of B2B events (crm.public_events): every form, per client address;
        # mailed sign-in links asked for one address; how long mailed links stay valid.
        self.PUBLIC_FORM_LIMIT = os.environ.get("PUBLIC_FORM_LIMIT", "20 per minute")
        self.PUBLIC_LINK_LIMIT_PER_ADDRESS = os.environ.get(
            "PUBLIC_LINK_LIMIT_PER_ADDRESS", "3 per hour"
        )
        self.PUBLIC_LINK_HOURS = env_int("PUBLIC_LINK_HOURS", 72)
        self.PUBLIC_CONFIRM_LINK_HOURS = env_int("PUBLIC_CONFIRM_LINK_HOURS", 48)
        # How long a followed link keeps a participant signed in on the event's pages.
        self.PUBLIC_SESSION_HOURS = env_int("PUBLIC_SESSION_HOURS", 12)
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers we trust.
        self.PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 0)
        trusted = os.environ.get("TRUSTED_HOSTS", "")
        self.TRUSTED_HOSTS = [h.strip() for h in trusted.split(",") if h.strip()] or None

        # argon2id; defaults are RFC 9106's low-memory profile, above OWASP's minimum
        # (m=19 MiB, t=2, p=1).
        self.ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 65536)
        self.ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 4)

        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = False
        self.SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 60))
        self.SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
        self.PERMANENT_SESSION_LIFETIME = self.SESSION_ABSOLUTE_TIMEOUT
        self.HSTS_SECONDS = 0
        # A long form (a meeting written up after the fact) must not lose its token.
        self.WTF_CSRF_TIME_LIMIT = env_int("WTF_CSRF_TIME_LIMIT", 12 * 3600)
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
        self.MAX_FORM_PARTS = 1000
        # The spreadsheet import's upload takes larger files (100,000 rows are 10-20 MB).
        self.IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 32 * 1024 * 1024)
        # Attached files live here, outside the database: back it up with the database.
        self.UPLOAD_FOLDER = os.environ.get("ZUBIA_UPLOAD_FOLDER") or str(instance / "uploads")

        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.LANGUAGES = {"en": "English", "ja": "日本語", "es": "Español", "eu": "Euskara"}
        self.DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/Madrid")
        # Accounts that are not people (the one `flask user ensure-admin` makes): never offered
        # as owners, attendees or colleagues. Addresses separated by commas.
        system = os.environ.get("SYSTEM_ACCOUNTS", "admin@zubia.example")
        self.SYSTEM_ACCOUNTS = [email.strip() for email in system.split(",") if email.strip()]


class DevelopmentConfig(Config):
    """Development settings; `flask run --debug` turns the debugger on."""


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True

    def __init__(self):
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        # OWASP's minimum argon2id profile keeps the suite quick while still being compliant.
        self.ARGON2_TIME_COST = 2
        self.ARGON2_MEMORY_COST = 19456
        self.ARGON2_PARALLELISM = 1
        self.BASE_URL = "http://zubia.example"
        self.UPLOAD_FOLDER = None  # <INSTANCE_PATH>/uploads, the test's own folder


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self):
        super().__init__()
        self.SESSION_COOKIE_SECURE = True
        # __Host- cookies must be Secure, have Path=/ and no Domain.
        self.SESSION_COOKIE_NAME = "__Host-session"
        self.HSTS_SECONDS = 31536000
        self.PREFERRED_URL_SCHEME = "https"


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}


def load_config(name=None):
    """The settings object for ``name`` or ``$ZUBIA_ENV`` (default: development)."""
    name = name or os.environ.get("ZUBIA_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise SystemExit(f"ZUBIA_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
