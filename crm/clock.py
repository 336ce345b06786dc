"""The one clock: every "now" in Zubia comes from here, so tests can stand at any instant."""

from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None


def now_utc() -> datetime:
    """The current instant as an aware UTC datetime."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_now(instant: datetime | None) -> None:
    """Stand the clock at ``instant`` (aware), or let it run again with ``None``."""
    global _frozen
    if instant is not None and instant.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _frozen = instant.astimezone(UTC) if instant is not None else None


@contextmanager
def standing(instant):
    """Stand the clock at ``instant`` for a block, then put back whatever it was."""
    before = _frozen
    set_now(instant)
    try:
        yield
    finally:
        set_now(before)
