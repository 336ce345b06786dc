import pytest
from icalendar import Calendar

from tests.calendar.factories import feed_token


@pytest.fixture
def issue(app):
    """``issue(user)`` turns the user's feed on through the service and returns its path."""

    def make(user):
        return f"/calendar/{feed_token(app, user)}.ics"

    return make


@pytest.fixture
def fetch(app):
    """``fetch(path)`` reads a feed as a calendar app does: no cookies; returns the Calendar."""

    def read(path):
        response = app.test_client().get(path)
        assert response.status_code == 200, response.status_code
        return Calendar.from_ical(response.data)

    return read


def events(calendar):
    """The VEVENTs by UID."""
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}
