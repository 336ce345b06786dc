"""What the API serves: one declaration per collection, made of the areas' own parts.

A writable collection names its area's form (the field specification: names, types, checks),
the form builder and services its pages use, and the page routes whose rows of the
authorization matrix apply. Read-only collections are described by their model's columns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_login import current_user
from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, select
from sqlalchemy.orm import selectinload

from crm.accounts.models import Role, User
from crm.actions import services as action_services
from crm.actions.forms import ActionForm
from crm.actions.models import Action, Status
from crm.contacts import services as contact_services
from crm.contacts import views as contact_views
from crm.contacts.forms import ManagerContactForm
from crm.contacts.models import Contact
from crm.events.models import Event
from crm.extensions import db
from crm.matching import services as match_services
from crm.matching.models import Match, Stage
from crm.meetings import services as meeting_services
from crm.meetings import views as meeting_views
from crm.meetings.forms import MeetingForm
from crm.meetings.models import Meeting, MeetingKind
from crm.organizations import services as organization_services
from crm.organizations import views as organization_views
from crm.organizations.forms import ManagerOrganizationForm
from crm.organizations.models import Kind, Organization, Region, Sector
from crm.visits.models import Visit


@dataclass(frozen=True)
class Filter:
    schema: dict
    clause: Callable  # value -> SQL condition
    description: str = ""


@dataclass(frozen=True)
class Resource:
    path: str  # /api/v1/<path>
    model: type
    label: str
    pages: dict  # verb -> the page endpoint whose matrix row applies
    sorts: dict  # name -> column (non-null, so that a cursor orders completely)
    default_sort: str
    filters: dict = field(default_factory=dict)
    loads: tuple = ()  # loader options for representing records
    # Writable collections: the form class for the current user, the form of a stored record,
    # and the services.
    form_class: Callable | None = None
    schema_form: Callable | None = None  # the widest form (managers'), for the schema
    edit_form: Callable | None = None  # (record, **kwargs) -> form
    create: Callable | None = None  # (form) -> record
    update: Callable | None = None  # (record, form) -> changes
    values: dict = field(default_factory=dict)  # field name -> record -> value (not attributes)
    extra: dict = field(default_factory=dict)  # read-only name -> (schema, record -> value)
    columns: tuple = ()  # read-only collections: the columns shown
    trashable: bool = True
    moves: dict = field(default_factory=dict)  # PATCHable names outside the form -> handler
    # What the page's "new" form asks before saving: form -> the records it may duplicate;
    # ``allow_duplicate: true`` in the body creates it anyway (the page's extra tick).
    duplicates: Callable | None = None

    @property
    def writable(self):
        return self.form_class is not None

    @property
    def name(self):
        return self.path.replace("-", "_")


def in_sector(sector_id):
    return organization_views.in_sector(sector_id)


def int_filter(column, description):
    return Filter({"type": "integer", "minimum": 1}, lambda value: column == value, description)


def enum_filter(column, enum_class, description):
    schema = {"type": "string", "enum": [member.value for member in enum_class]}
    return Filter(schema, lambda value: column == enum_class(value), description)


def text_filter(column, description):
    from crm.text import like_pattern

    schema = {"type": "string", "maxLength": 200}
    return Filter(schema, lambda value: column.like(like_pattern(value), escape="\\"), description)


def updated_since(model):
    schema = {"type": "string", "format": "date-time"}
    return Filter(schema, lambda value: model.updated_at >= value, "Changed at or after")


DATE_TIME = {"type": "string", "format": "date-time"}
ID_LIST = {"type": "array", "items": {"type": "integer"}}


def nullable(schema):
    return {**schema, "type": [schema["type"], "null"]}


def meeting_values(name):
    return lambda meeting: meeting_views.local_fields(meeting, current_user.timezone)[name]


def next_actions(meeting):
    actions = db.session.scalars(
        select(Action)
        .where(Action.meeting_id == meeting.id, Action.deleted_at.is_(None))
        .order_by(Action.due_date, Action.id)
    )
    return [
        {
            "id": action.id,
            "title": action.title,
            "owner_id": action.owner_id,
            "due_date": action.due_date.isoformat(),
            "status": action.status.value,
        }
        for action in actions
    ]


NEXT_ACTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "owner_id": {"type": ["integer", "null"]},
        "due_date": {"type": "string", "format": "date"},
        "status": {"type": "string", "enum": [s.value for s in Status]},
    },
}


def set_action_status(action, value, body=None):
    return action_services.set_status(action, Status(value), actor=current_user)


def move_match(match, value, body):
    return match_services.move(match, Stage(value), actor=current_user, reason=body.get("reason"))


def standard_pages(area, *, edit="edit", delete="delete", create="create", read="detail"):
    return {
        "list": f"{area}.index",
        "read": f"{area}.{read}",
        "create": f"{area}.{create}",
        "update": f"{area}.{edit}",
        "delete": f"{area}.{delete}",
        "restore": "trash.restore_record",
    }


RESOURCES = [
    Resource(
        path="organizations",
        model=Organization,
        label="Organizations",
        pages=standard_pages("organizations"),
        sorts={
            "name": Organization.name,
            "created": Organization.created_at,
            "updated": Organization.updated_at,
            "id": Organization.id,
        },
        default_sort="name",
        filters={
            "region": enum_filter(Organization.region, Region, "Region"),
            "kind": enum_filter(Organization.kind, Kind, "Kind"),
            "owner": int_filter(Organization.owner_id, "Owner's user id"),
            "sector": Filter({"type": "integer", "minimum": 1}, in_sector, "Sector id"),
            "q": text_filter(Organization.search_key, "Part of a name, in either script"),
            "updated_since": updated_since(Organization),
        },
        loads=(selectinload(Organization.sectors),),
        form_class=lambda: organization_views.form_class(),
        schema_form=lambda: ManagerOrganizationForm,
        edit_form=lambda org, **kwargs: organization_views.organization_form(org, **kwargs),
        create=lambda form: organization_services.create_organization(
            form.values(), actor=current_user
        ),
        update=lambda org, form: organization_services.update_organization(
            org, form.values(), actor=current_user
        ),
        values={"sector_ids": lambda org: [sector.id for sector in org.sectors]},
        duplicates=lambda form: organization_services.likely_duplicates(
            form.name.data, form.native_name.data
        ),
        extra={
            "owner_id": (nullable({"type": "integer"}), lambda org: org.owner_id),
            "last_contact_at": (nullable(DATE_TIME), lambda org: org.last_contact_at),
            "contact_due_at": (nullable(DATE_TIME), lambda org: org.contact_due_at),
        },
    ),
    Resource(
        path="contacts",
        model=Contact,
        label="Contacts",
        pages=standard_pages("contacts"),
        sorts={
            "family_name": Contact.family_name,
            "created": Contact.created_at,
            "updated": Contact.updated_at,
            "id": Contact.id,
        },
        default_sort="family_name",
        filters={
            "organization": int_filter(Contact.organization_id, "Organization id"),
            "owner": int_filter(Contact.owner_id, "Owner's user id"),
            "q": text_filter(Contact.search_key, "Part of a name, in either script"),
            "updated_since": updated_since(Contact),
        },
        form_class=lambda: contact_views.form_class(),
        schema_form=lambda: ManagerContactForm,
        edit_form=lambda contact, **kwargs: contact_views.form_class()(obj=contact, **kwargs),
        create=lambda form: contact_services.create_contact(form.values(), actor=current_user),
        update=lambda contact, form: contact_services.update_contact(
            contact, form.values(), actor=current_user
        ),
        extra={"owner_id": (nullable({"type": "integer"}), lambda contact: contact.owner_id)},
    ),
    Resource(
        path="meetings",
        model=Meeting,
        label="Meetings",
        pages=standard_pages("meetings"),
        sorts={
            "starts_at": Meeting.starts_at,
            "created": Meeting.created_at,
            "updated": Meeting.updated_at,
            "id": Meeting.id,
        },
        default_sort="-starts_at",
        filters={
            "kind": enum_filter(Meeting.kind, MeetingKind, "Kind"),
            "organization": Filter(
                {"type": "integer", "minimum": 1},
                lambda value: Meeting.organizations.any(Organization.id == value),
                "Organization id",
            ),
            "updated_since": updated_since(Meeting),
        },
        loads=(
            selectinload(Meeting.organizations),
            selectinload(Meeting.contacts),
            selectinload(Meeting.attendees),
        ),
        form_class=lambda: (
            lambda *args, **kwargs: MeetingForm(*args, zone=current_user.timezone, **kwargs)
        ),
        schema_form=lambda: (
            lambda *args, **kwargs: MeetingForm(*args, zone=current_user.timezone, **kwargs)
        ),
        edit_form=lambda meeting, **kwargs: meeting_views.meeting_form(meeting, **kwargs),
        create=lambda form: meeting_services.create_meeting(
            form.values(), actor=current_user, new_actions=form.new_actions()
        ),
        update=lambda meeting, form: meeting_views.save_meeting(meeting, form),
        values={
            name: meeting_values(name)
            for name in ("date", "time", "occurrence", "organization_ids", "contact_ids")
        }
        | {"attendee_ids": meeting_values("attendee_ids")},
        extra={
            "starts_at": (DATE_TIME, lambda meeting: meeting.starts_at),
            "next_actions": ({"type": "array", "items": NEXT_ACTION}, next_actions),
        },
    ),
    Resource(
        path="actions",
        model=Action,
        label="Actions",
        pages=standard_pages("actions", read="index"),  # actions have no page of their own
        sorts={
            "due_date": Action.due_date,
            "created": Action.created_at,
            "updated": Action.updated_at,
            "id": Action.id,
        },
        default_sort="due_date",
        filters={
            "owner": int_filter(Action.owner_id, "Owner's user id"),
            "status": enum_filter(Action.status, Status, "Status"),
            "organization": int_filter(Action.organization_id, "Organization id"),
            "contact": int_filter(Action.contact_id, "Contact id"),
            "meeting": int_filter(Action.meeting_id, "Meeting id"),
            "updated_since": updated_since(Action),
        },
        form_class=lambda: ActionForm,
        schema_form=lambda: ActionForm,
        edit_form=lambda action, **kwargs: ActionForm(obj=action, **kwargs),
        create=lambda form: action_services.create_action(form.values(), actor=current_user),
        update=lambda action, form: action_services.update_action(
            action, form.values(), actor=current_user
        ),
        extra={
            "status": ({"type": "string", "enum": [s.value for s in Status]}, lambda a: a.status),
            "completed_at": (nullable(DATE_TIME), lambda action: action.completed_at),
            "meeting_id": (nullable({"type": "integer"}), lambda action: action.meeting_id),
        },
        moves={"status": set_action_status},
    ),
    Resource(
        path="matches",
        model=Match,
        label="Matches",
        pages={**standard_pages("matching", edit="move"), "list": "matching.board"},
        sorts={"created": Match.created_at, "updated": Match.updated_at, "id": Match.id},
        default_sort="id",
        filters={
            "stage": enum_filter(Match.stage, Stage, "Stage"),
            "owner": int_filter(Match.owner_id, "Owner's user id"),
            "updated_since": updated_since(Match),
        },
        columns=(
            "basque_id",
            "mie_id",
            "stage",
            "stage_since",
            "closed_reason",
            "owner_id",
            "score",
            "notes",
        ),
        moves={"stage": move_match},
    ),
    Resource(
        path="visits",
        model=Visit,
        label="Visits",
        pages={"list": "visits.index", "read": "visits.detail"},
        sorts={"created": Visit.created_at, "updated": Visit.updated_at, "id": Visit.id},
        default_sort="id",
        filters={"updated_since": updated_since(Visit)},
    ),
    Resource(
        path="events",
        model=Event,
        label="B2B events",
        pages={"list": "events.index", "read": "events.detail"},
        sorts={"created": Event.created_at, "updated": Event.updated_at, "id": Event.id},
        default_sort="id",
        filters={"updated_since": updated_since(Event)},
    ),
    Resource(
        path="sectors",
        model=Sector,
        label="Sectors",
        pages={"list": "organizations.index", "read": "organizations.index"},
        sorts={"id": Sector.id},
        default_sort="id",
        columns=("code", "name_en", "name_ja", "name_es", "name_eu"),
        trashable=False,
    ),
    Resource(
        path="users",
        model=User,
        label="Users",
        pages={"list": "main.index", "read": "main.index"},
        sorts={"name": User.name, "id": User.id},
        default_sort="name",
        filters={"role": enum_filter(User.role, Role, "Role")},
        columns=("name", "role", "language", "timezone", "active"),
        trashable=False,
    ),
]
BY_PATH = {resource.path: resource for resource in RESOURCES}
HIDDEN_COLUMNS = {"search_key", "deleted_at", "deleted_by_id", "merged_into_id", "version"}


def shown_columns(resource):
    """The columns of a read-only collection: the declared ones, or every plain column."""
    table = resource.model.__table__
    if resource.columns:
        return [table.c[name] for name in resource.columns]
    return [c for c in table.c if c.name not in HIDDEN_COLUMNS and c.name != "id"]


def column_schema(column):
    kind = column.type
    enum_class = getattr(kind, "enum_class", None)
    if enum_class is not None:
        schema = {"type": "string", "enum": [member.value for member in enum_class]}
    elif isinstance(kind, Boolean):
        schema = {"type": "boolean"}
    elif isinstance(kind, Integer):
        schema = {"type": "integer"}
    elif isinstance(kind, DateTime):
        schema = DATE_TIME
    elif isinstance(kind, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(kind, String | Text):
        schema = {"type": "string"}
    else:
        try:
            python = kind.python_type
        except NotImplementedError:
            python = None
        schema = {float: {"type": "number"}, dict: {"type": "object"}}.get(python, {})
    if column.nullable and "type" in schema:
        schema = nullable(schema)
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def is_record(resource):
    return hasattr(resource.model, "version")
