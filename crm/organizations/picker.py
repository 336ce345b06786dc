"""The organization picker: a search-then-choose field that static/picker.js turns into a
search-as-you-type combobox (templates/_macros/picker.html renders it).

Without JavaScript, the field shows the chosen organizations as checked boxes (radio buttons
for one), a search box and a "Search" button; the button sends the form back with
``_search`` set, and the page comes back with every value kept and the organizations that
match offered as boxes to tick (``PickerForm`` makes such a post a non-submission).
"""

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, ValidationError
from wtforms.utils import unset_value

from crm.extensions import db
from crm.forms import SEARCH, optional_int
from crm.organizations.forms import find_organizations
from crm.organizations.models import Organization

SEARCH_SUFFIX = "-q"  # the search box of a picker named X is X-q
FOUND_LIMIT = 10

# Pickers that offer only some organizations name a scope (the suggest endpoint takes it too):
# name -> a function returning a SQL condition on Organization. Areas register their own.
SCOPES = {}


def register_scope(name, condition):
    SCOPES[name] = condition
    return name


def searching():
    """True when the form was sent by a picker's "Search" button (or a "show their people")."""
    return request.method == "POST" and SEARCH in request.form


def scoped(scope):
    return SCOPES[scope]() if scope else None


def live_organizations(ids, scope=None):
    """The live organizations among ``ids`` (in the scope), in the order of ``ids``."""
    ids = [i for i in ids if isinstance(i, int) and 0 < i < 2**31]
    if not ids:
        return []
    statement = db.select(Organization).where(
        Organization.id.in_(ids), Organization.deleted_at.is_(None)
    )
    if scope:
        statement = statement.where(scoped(scope))
    found = {org.id: org for org in db.session.scalars(statement)}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


class PickerMixin:
    """What both pickers share: the search text, the chosen and the found organizations."""

    def _picker_init(self, scope):
        self.scope = scope
        self.query = ""
        self.chosen = []
        self.found = []

    def _chosen_ids(self):
        raise NotImplementedError

    def _refresh(self, formdata):
        if formdata is not None and hasattr(formdata, "get"):
            self.query = (formdata.get(self.name + SEARCH_SUFFIX) or "").strip()[:200]
        self.chosen = live_organizations(self._chosen_ids(), self.scope)
        chosen_ids = {org.id for org in self.chosen}
        found = []
        if self.query:
            found = find_organizations(
                self.query, limit=FOUND_LIMIT + len(chosen_ids), where=scoped(self.scope)
            )
        self.found = [org for org in found if org.id not in chosen_ids][:FOUND_LIMIT]
        self.choices = [(org.id, org.display_name) for org in (*self.chosen, *self.found)]

    @property
    def chosen_ids(self):
        return [org.id for org in self.chosen]


class OrganizationsField(PickerMixin, SelectMultipleField):
    """Several organizations: ``data`` is a list of ids."""

    multiple = True

    def __init__(self, label=None, validators=None, scope=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)
        self._picker_init(scope)

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters=extra_filters)
        self._refresh(formdata)

    def _chosen_ids(self):
        return list(self.data or [])

    def pre_validate(self, form):
        if set(self.data or []) - set(self.chosen_ids):
            raise ValidationError(_l("This organization is not available any more."))


class OrganizationField(PickerMixin, SelectField):
    """One organization: ``data`` is its id, or None."""

    multiple = False

    def __init__(self, label=None, validators=None, scope=None, **kwargs):
        super().__init__(label, validators, coerce=optional_int, **kwargs)
        self._picker_init(scope)

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters=extra_filters)
        self._refresh(formdata)

    def _chosen_ids(self):
        return [self.data] if self.data is not None else []

    def pre_validate(self, form):
        if self.data is not None and self.data not in self.chosen_ids:
            raise ValidationError(_l("This organization is not available any more."))
