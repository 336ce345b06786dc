"""Password hashing (argon2id) and the password policy (SEC-1)."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _hasher(time_cost, memory_cost, parallelism):
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )


def _params():
    config = current_app.config
    return config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]


def hasher():
    return _hasher(*_params())


def hash_password(password):
    return hasher().hash(password)


def verify_password(password_hash, password):
    """True when ``password`` matches; a malformed stored hash never matches."""
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    return hasher().check_needs_rehash(password_hash)


@cache
def common_passwords():
    """The 3,000 most common passwords (from Django's list, itself from Royce Williams)."""
    path = Path(__file__).with_name("common-passwords.txt")
    return frozenset(path.read_text(encoding="utf-8").split())


def password_problem(password):
    """Why ``password`` is not acceptable, or None. Length only: no composition rules."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    if not password.strip():
        return _("A password cannot be only spaces.")
    if password.lower() in common_passwords():
        return _("This password is too common; choose another.")
    return None


@cache
def _dummy_hash(*params):
    return _hasher(*params).hash("not anybody's password")


def dummy_verify(password):
    """Spend the time of a real verification so unknown emails cannot be told apart."""
    verify_password(_dummy_hash(*_params()), password)
