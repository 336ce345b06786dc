"""Every enumerated label (kinds, regions, statuses, stages …) and every sector name is shown in
the reader's language: a Japanese or a Basque reader, walking every page Zubia has with records
on them, never meets one of them in English."""

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from crm.accounts.models import Role
from crm.database import LabelledEnum
from crm.extensions import db
from crm.organizations.models import Sector
from tests import test_authorization
from tests.test_authorization import routes

build = test_authorization.build  # the walk's fixture: the path's records, owned by the user
TEXT = re.compile(r">([^<>]+)<")
SKIP = {
    "main.health",  # JSON
    "calendar.feed",  # iCalendar
    "accounts.logout",
}


def enums(cls=LabelledEnum):
    for sub in cls.__subclasses__():
        yield sub
        yield from enums(sub)


def english_labels(app, language):
    """{English label: where it comes from} of every label whose ``language`` one differs."""
    known = {}
    with app.test_request_context():
        for enum_class in enums():
            for member in enum_class:
                with force_locale("en"):
                    english = str(member.label)
                with force_locale(language):
                    theirs = str(member.label)
                if english != theirs:
                    known[english] = f"{enum_class.__name__}.{member.name}"
        for sector in db.session.scalars(select(Sector)):
            if sector.name(language) != sector.name_en:
                known[sector.name_en] = f"sector {sector.code}"
    return known


PAGES = [
    (endpoint, path)
    for endpoint, method, path in routes()
    if method == "GET" and endpoint not in SKIP and not endpoint.endswith(("export", "_csv"))
]


@pytest.mark.parametrize("language", ["ja", "eu"])
@pytest.mark.parametrize(("endpoint", "path"), PAGES, ids=[e for e, _ in PAGES])
def test_a_reader_sees_no_label_in_english(
    app, client, login, build, sectors, endpoint, path, language
):
    manager = login(Role.MANAGER, language=language)
    response = client.get(build(path, manager))
    if response.status_code != 200 or response.mimetype != "text/html":
        return  # redirects, files and feeds carry no labels
    known = english_labels(app, language)
    shown = {text.strip() for text in TEXT.findall(response.get_data(as_text=True))}
    assert {text: known[text] for text in shown if text in known} == {}
