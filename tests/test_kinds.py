"""The record-kind registry (crm/kinds.py) is complete and the navigation follows the MATRIX."""

import re

import pytest

from crm.accounts.models import Role
from crm.authorization import MATRIX
from crm.duplicates.views import MERGINGS
from crm.extensions import db
from crm.kinds import kind_of, kinds
from crm.main.views import NAVIGATION, SECONDARY
from crm.records import Record


def test_every_record_model_is_a_registered_kind(app):
    records = {mapper.class_ for mapper in db.Model.registry.mappers}
    for model in records:
        if issubclass(model, Record):
            assert kind_of(model).model is model, model.__name__


def test_every_kind_has_a_detail_page_taking_its_id(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for kind in kinds():
        assert kind.detail in rules, kind.name
        arguments = rules[kind.detail].arguments
        assert arguments == set(kind.url_args(_Any()))


def test_attachable_kinds_hang_their_uploads_under_their_page_and_have_a_column(app):
    from crm.attachments.models import Attachment

    rules = {rule.endpoint: [] for rule in app.url_map.iter_rules()}
    for rule in app.url_map.iter_rules():
        rules[rule.endpoint].append(rule.rule)
    assert kinds(attachable=True)
    for kind in kinds(attachable=True):
        assert rules[kind.detail] == [kind.url], kind.name
        assert f"{kind.url}/attachments" in rules["attachments.upload"]
        assert kind.id_arg in Attachment.__table__.c
    assert len(rules["attachments.upload"]) == len(kinds(attachable=True))


def test_trash_dependents_and_mergeable_kinds_are_declared_consistently(app):
    for kind in kinds(trashable=True):
        assert issubclass(kind.model, Record), kind.name
        for name in kind.dependents:
            dependent = next(k for k in kinds() if k.name == name)
            assert dependent.trashable and kind.id_arg in dependent.model.__table__.c
    assert {kind.name for kind in kinds(mergeable=True)} == set(MERGINGS)


class _Any:
    """A record stand-in whose every attribute is 1: enough to name a kind's URL arguments."""

    def __getattr__(self, name):
        return 1


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_what_the_matrix_lets_the_role_reach(client, login, role):
    login(role)
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index("<nav") : html.index("</nav>")]
    for endpoint, label in NAVIGATION + SECONDARY:
        with client.application.test_request_context():
            from flask import url_for

            address = url_for(endpoint)
        shown = re.search(rf'href="{re.escape(address)}"', nav) is not None
        assert shown == (role in MATRIX[endpoint]), (role, endpoint, str(label))
