"""The registry of record kinds: what the trash, attachments, history and rights know of each.

Each area declares its kinds next to its models (``register(Kind(...))`` in its models
module), so adding a kind touches that area only. The core (trash, attachments, the history,
authorization, duplicates) looks kinds up here by record, model or name and never imports an
area; a kind refers to another kind by name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from crm.extensions import db


def owner_only(record):
    return {record.owner_id}


def waits_for_organization(record):
    """A record of an organization in the trash comes back with it, not before."""
    organization = kind_named("organization").model
    if record.organization_id and db.session.get(organization, record.organization_id).is_deleted:
        return _("Restore the organization of %(name)s first.", name=str(record))
    return None


@dataclass(frozen=True)
class Kind:
    name: str  # in URLs (``<name>_id``), the history's entity_type and the trash
    model: type
    label: object  # lazy-translated
    plural: object  # lazy-translated
    detail: str | None = None  # the endpoint of the record's page
    detail_args: Callable | None = None  # record -> its url_for arguments; ``<name>_id``
    # Who may edit a record besides managers and admins, and the relationships (dotted paths)
    # that rule reads: they must be loaded before it is asked.
    editors: Callable = owner_only
    editor_loads: tuple = ()
    trashable: bool = True
    attachable: bool = False  # the attachments table has a ``<name>_id`` column for it
    # The rule of the detail page, where the record's own sub-pages (its attachments) hang.
    url: str | None = None
    # Kinds whose live records with ``<name>_id`` equal to this record's id go to the trash
    # with it, and come back with it.
    dependents: tuple = ()
    after_trash: Callable | None = None  # called with the record, after the flush
    after_restore: Callable | None = None
    # Why the record cannot come back on its own, or None (called before restoring).
    restore_refusal: Callable | None = None
    shown_with: str | None = None  # a relationship the trash shows beside each record
    mergeable: bool = False  # listed and merged by crm.duplicates
    order: int = field(default=100, compare=False)  # where the trash page lists the kind

    @property
    def id_arg(self):
        return f"{self.name}_id"

    def url_args(self, record):
        """The keyword arguments of ``url_for(kind.detail, ...)`` for ``record``."""
        return self.detail_args(record) if self.detail_args else {self.id_arg: record.id}

    def page(self, record, **kwargs):
        """The address of ``record``'s own page."""
        return url_for(self.detail, **self.url_args(record), **kwargs)

    def editor_options(self):
        """Loader options for what ``editors`` reads (one ``selectinload`` chain per path)."""
        options = []
        for path in self.editor_loads:
            model, option = self.model, None
            for name in path.split("."):
                attribute = getattr(model, name)
                option = (option.selectinload if option else selectinload)(attribute)
                model = attribute.property.mapper.class_
            options.append(option)
        return tuple(options)


_KINDS = {}  # name -> Kind, in order of registration
_BY_MODEL = {}


def register(kind):
    """Declare ``kind``; a name or a model registered twice is a mistake in the areas."""
    if kind.name in _KINDS or kind.model in _BY_MODEL:
        raise ValueError(f"record kind {kind.name} ({kind.model.__name__}) registered twice")
    _KINDS[kind.name] = _BY_MODEL[kind.model] = kind
    return kind


def kind_of(record_or_model):
    """The kind of a record or of a model class (KeyError when it was never registered)."""
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    return _BY_MODEL[model]


def kind_named(name):
    """The kind called ``name``, or None."""
    return _KINDS.get(name)


def kinds(**wanted):
    """The registered kinds whose attributes equal ``wanted`` (``kinds(attachable=True)``)."""
    found = [
        kind
        for kind in _KINDS.values()
        if all(getattr(kind, key) == value for key, value in wanted.items())
    ]
    return sorted(found, key=lambda kind: kind.order)


# Columns of tables that are no record kind (crm.mailin's participant reviews) and point at
# organizations or contacts: their areas add them, and a merge repoints them like a kind's own
# (crm.duplicates.merging.plain_references).
EXTRA_REFERENCES = []
