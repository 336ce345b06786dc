"""What checking a file decides, row by row: shared by the checker, its look-ups and the writer."""

from copy import deepcopy
from dataclasses import dataclass, field
from enum import Enum

from flask_babel import gettext as _

from crm.contacts.models import NameOrder
from crm.imports.models import ImportKind
from crm.imports.regions import RULES
from crm.organizations.models import Kind, Region, Size

CREATE, UPDATE, UNCHANGED, SKIP = "create", "update", "unchanged", "skip"
CHECKED = (
    "number",
    "raw",
    "values",
    "problems",
    "missing",
    "sector_ids",
    "region_from",
    "person",
)  # what ``clean`` sets
ENUM_VALUES = {"kind": Kind, "region": Region, "size": Size, "name_order": NameOrder}


@dataclass
class Row:
    number: int
    raw: dict
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    action: str = CREATE
    target_id: int | None = None
    changes: dict = field(default_factory=dict)
    note: str = ""  # why an unproblematic row is skipped or left unchanged
    sector_ids: list | None = None
    new_organization: str | None = None  # contacts: key of an organization created for them
    new_region: Region | None = None  # contacts: the region of that organization
    country: str | None = None  # contacts: their organization's, for reading phone numbers
    organization_owner: int | None = None
    missing: list = field(default_factory=list)  # required fields, a problem for new records
    target_owners: set = field(default_factory=set)
    current: dict | None = None  # the matched record's columns before the import
    region_from: str | None = None  # the rule that gave a region no cell stated (regions.RULES)
    person: dict | None = None  # organizations: the row's person, a contact to add at it
    adds_person: bool = False  # that person is not a contact there yet
    likely_duplicate: tuple | None = None  # (id, name) of a new record's likely twin in Zubia

    def to_json(self):
        """What ``clean`` decided, as JSON values (enums by value), kept between the preview and
        the confirmation; a copy, as ``plan`` adds to the row afterwards and is run again."""
        data = {name: deepcopy(getattr(self, name)) for name in CHECKED}
        data["values"] = {
            name: value.value if isinstance(value, Enum) else value
            for name, value in self.values.items()
        }
        return data

    @classmethod
    def from_json(cls, data):
        """The row ``to_json`` describes, as ``clean`` left it."""
        values = {
            name: ENUM_VALUES[name](value) if name in ENUM_VALUES and value is not None else value
            for name, value in data["values"].items()
        }
        return cls(**{**{name: data[name] for name in CHECKED}, "values": values})

    @property
    def label(self):
        if "name" in self.values or "name" in self.raw:
            return self.values.get("name") or self.raw.get("name", "")
        names = [self.values.get(k) or self.raw.get(k) for k in ("given_name", "family_name")]
        if self.values.get("name_order") is NameOrder.JAPANESE:
            names.reverse()
        return " ".join(n for n in names if n) or self.raw.get("full_name", "")

    @property
    def detail(self):
        parts = [self.raw.get(k, "") for k in ("email", "organization", "city", "region")]
        if self.region_from and self.region_from != "region":
            region = self.values.get("region") or self.new_region
            parts.append(_("%(region)s, from %(rule)s", region=region.label,
                           rule=RULES[self.region_from]))  # fmt: skip
        return " · ".join(str(p) for p in parts if p)

    @property
    def reasons(self):
        return "; ".join(self.problems) or self.note


@dataclass
class Plan:
    kind: ImportKind
    rows: list
    new_organizations: dict  # key -> column values of an organization to create

    def count(self, *actions):
        return sum(1 for row in self.rows if row.action in actions)
