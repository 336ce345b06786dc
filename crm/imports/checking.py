"""Check every row of a mapped file and decide what importing it would do.

Cells go through the very fields of the organization and contact forms (their filters and
validators, bound once and reused for every row) and through ``crm.forms.e164`` for
phone numbers, so an import accepts exactly what the forms accept. Existing records are looked
up with a few set-based queries for the whole file (``lookups``), never one per row.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField, ValidationError

from crm.contacts import fields as contacts
from crm.contacts.forms import ContactForm
from crm.contacts.models import Contact, NameOrder
from crm.fields import TEXT
from crm.forms import TOO_MANY_PHONES, e164, join_phones, split_phones
from crm.imports import lookups, phones, regions
from crm.imports.fields import FIELDS, labels
from crm.imports.models import ImportKind
from crm.imports.plan import SKIP, Plan, Row
from crm.imports.reading import MANY, cell_text, split_many
from crm.imports.vocabulary import REGION_COUNTRIES, Vocabulary
from crm.organizations import fields as organizations
from crm.organizations.forms import OrganizationForm
from crm.organizations.models import Region
from crm.text import organization_name_key, search_key

# A spreadsheet evaluates a cell starting with "=", and "+ - @" when a call or a link follows;
# "+34 600 000 000" and "-" stay plain text.
FORMULA = re.compile(r"\s*(=|[+\-@].*[(!|])", re.DOTALL)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
SEPARATORS = re.compile(r"[;,、，|/]")
PERSON_NAMES = ("given_name", "family_name", "second_family_name")
# One-line fields join the lines of a multi-line cell: names with a space, the others (a city,
# a job title) with ", ". Multi-line fields (notes, an address) keep them; in a contact's email
# and phone cells each line is a value of its own.
NAMES = {"given_name", "family_name", "second_family_name", "middle_name", "native_name",
         "reading", "reading_family", "reading_given", "full_name", "salutation",
         "organization", "name"}  # fmt: skip
OTHER_PHONES_LENGTH = Contact.__table__.c.other_phones.type.length
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")
LISTS = {ImportKind.CONTACT: {"email", "other_emails", "phone", "other_phones"}}

FORMS = {
    ImportKind.ORGANIZATION: (OrganizationForm, organizations.FIELDS),
    ImportKind.CONTACT: (ContactForm, contacts.FIELDS),
}


def name_order(names):
    """Japanese order for a name written in Japanese script."""
    japanese = CJK.search((names.get("family_name") or "") + (names.get("given_name") or ""))
    return NameOrder.JAPANESE if japanese else NameOrder.WESTERN


def person_note(row):
    names = [row.person.get(part) for part in PERSON_NAMES]
    if row.person["name_order"] == NameOrder.JAPANESE.value:
        names[:2] = names[1::-1]
    name = " ".join(filter(None, names))
    if row.adds_person:
        return _("Adds %(name)s as a contact.", name=name)
    return _("%(name)s is a contact there already.", name=name)


class _Bare(FlaskForm):
    class Meta:
        csrf = False


class FormFields:
    """Fields of an area's form, bound once and reused for every row of the file."""

    def __init__(self, form_class, names):
        self.form = _Bare(formdata=None)
        translations = self.form.meta.get_translations(self.form)
        self.fields = {}
        for name in names:
            bound = getattr(form_class, name).bind(
                form=self.form, name=name, translations=translations
            )
            bound.process(None)
            self.fields[name] = bound

    def clean(self, name, text):
        """(cleaned value or None, error message or None) for one cell."""
        bound = self.fields[name]
        bound.raw_data = [text]
        bound.data = text
        for apply in bound.filters:
            bound.data = apply(bound.data)
        if bound.validate(self.form):
            return (bound.data or None), None
        return None, bound.errors[0]


class Checker:
    def __init__(self, kind, columns, options, actor):
        self.kind = kind
        self.columns = {int(index): name for index, name in columns.items() if name}
        self.options = options
        self.actor = getattr(actor, "_get_current_object", lambda: actor)()  # not a proxy
        self.labels = {f.name: str(f.label) for f in FIELDS[kind]}
        form_class, fields = FORMS[kind]
        self.form = FormFields(form_class, [f.name for f in fields.imported if f.cell == TEXT])
        # an organization row's person: checked as the contact form checks a contact
        if kind is ImportKind.ORGANIZATION:
            self.people = FormFields(ContactForm, [*PERSON_NAMES, "email"])
        self.words = Vocabulary(with_users="owner" in self.columns.values())
        self.phones = {}  # (field, text, country) -> (E.164 value, error)
        self.multiline = {
            name for name, bound in self.form.fields.items() if isinstance(bound, TextAreaField)
        } | LISTS.get(kind, set())
        self.phone_labels = {}

    def problem(self, row, name, message):
        row.problems.append(f"{self.labels.get(name, name)}: {message}")

    def check(self, table):
        return self.plan(self.clean(table))

    def clean(self, table):
        """The rows with each cell checked alone, without the database: the costly part.

        The view keeps this result between the preview and the confirmation (``plan`` runs
        again at the confirmation, since records may have changed meanwhile).
        """
        kind_is_contact = self.kind is ImportKind.CONTACT
        lists = labels(contacts.FIELDS["other_phones"].label)
        self.phone_labels = {
            index: phones.column_label(table.header[index], lists)
            for index, name in self.columns.items()
            if name in phones.COLUMNS and kind_is_contact
        }
        rows = [self.read(number, cells) for number, cells in table.rows]
        for row in rows:
            self.clean_common(row)
            if self.kind is ImportKind.ORGANIZATION:
                self.clean_organization(row)
            else:
                self.clean_contact(row)
        return rows

    def plan(self, rows):
        """What importing ``rows`` (from ``clean``) would do, given the records in Zubia now."""
        plan = Plan(self.kind, rows, {})
        if self.kind is ImportKind.ORGANIZATION:
            lookups.match_organizations(self, plan)
            lookups.match_people(plan)
        else:
            self.resolve_organizations(plan)
            for row in rows:
                self.clean_phones(row, row.country)
            lookups.match_contacts(self, plan)
        for row in rows:
            if not row.target_id:
                for name in row.missing:
                    self.problem(row, name, _("this required field is empty."))
        lookups.plan_updates(self, plan)
        for row in rows:
            if row.problems:
                row.action = SKIP
            elif row.person and row.action != SKIP:
                row.note = " ".join(filter(None, (row.note, person_note(row))))
        # An organization is created only for a row that is imported: a skipped row (a formula
        # in its organization cell, a problem anywhere) writes nothing at all.
        needed = {row.new_organization for row in rows if row.action != SKIP}
        plan.new_organizations = {
            key: values for key, values in plan.new_organizations.items() if key in needed
        }
        return plan

    def read(self, number, cells):
        row = Row(number, {})
        raw, numbers = row.raw, []
        for index, name in sorted(self.columns.items()):
            text = self.cell(name, cells[index])
            if FORMULA.match(text):
                self.problem(
                    row,
                    name,
                    _(
                        "looks like a spreadsheet formula (%(text)s); type the value itself.",
                        text=text[:40],
                    ),
                )
            if not text or name == phones.TYPE:
                continue
            if name in phones.COLUMNS and self.kind is ImportKind.CONTACT:
                label = self.phone_type(cells, index) or self.phone_labels[index]
                numbers.append((name, label, text))
            else:  # several columns of one field (E-mail 2, E-mail 3) join as one cell does
                raw[name] = f"{raw[name]} {MANY} {text}" if name in raw else text
        if numbers:
            phones.compose(raw, numbers)
        return row

    def cell(self, name, text):
        text = cell_text(text)
        if name not in self.multiline and LINE_BREAK.search(text):
            lines = (line.strip() for line in text.splitlines())
            text = (" " if name in NAMES else ", ").join(line for line in lines if line)
        return text

    def phone_type(self, cells, index):
        """The type cell ("Work", "* Mobile") of the column before a phone column, if any."""
        if self.columns.get(index - 1) == phones.TYPE:
            return self.cell(phones.TYPE, cells[index - 1]) or None
        return None

    def clean_common(self, row):
        self.compose(row.raw)
        for name in self.form.fields:
            if name in row.raw and name not in ("phone", "mobile"):
                value, error = self.form.clean(name, row.raw[name])
                if error:
                    self.problem(row, name, error)
                else:
                    row.values[name] = value
        owner = row.raw.get("owner")
        if owner:
            owner_id = self.words.users.get(search_key(owner))
            if owner_id is None:
                self.problem(row, "owner", _("no active user is called “%(text)s”.", text=owner))
            row.values["owner_id"] = owner_id
        if row.values.get("email"):
            row.values["email"] = row.values["email"].lower()

    @staticmethod
    def compose(raw):
        """Cells that complete another field: a department the job title, a middle name the
        given name ("María" + "José"), phonetic names the reading, and the addresses of a
        multi-value email cell (Google's "a ::: * b", the starred one first) the other emails."""
        if "department" in raw:
            title, department = raw.get("job_title"), raw.pop("department")
            raw["job_title"] = f"{title} ({department})" if title else department
        if "middle_name" in raw:
            raw["given_name"] = " ".join(
                filter(None, (raw.get("given_name"), raw.pop("middle_name")))
            )
        phonetic = [raw.pop(name, "") for name in ("reading_family", "reading_given")]
        if any(phonetic) and not raw.get("reading"):
            raw["reading"] = " ".join(filter(None, phonetic))
        addresses = split_many(raw.get("email"))  # the starred address first
        addresses.sort(key=lambda address: not address.startswith("*"))
        addresses = [a.lstrip("* ") for a in addresses + split_many(raw.get("other_emails"))]
        if addresses:
            raw["email"] = addresses[0]
        if addresses[1:]:
            raw["other_emails"] = "; ".join(addresses[1:])

    def choice(self, row, name, words, message):
        text = row.raw.get(name)
        if not text:
            return None
        found = words.get(search_key(text))
        if found is None:
            self.problem(row, name, str(message) % {"text": text})
        return found

    def clean_organization(self, row):
        values = row.values
        if not row.raw.get("name"):
            if values.get("native_name"):  # a Japanese list names it in its own script only
                values["name"] = values["native_name"]
            else:
                row.missing.append("name")
        values["kind"] = self.choice(row, "kind", self.words.kinds, _l("unknown kind “%(text)s”."))
        country = self.choice(
            row, "country", self.words.countries, _l("unknown country “%(text)s”.")
        )
        if "region" in row.raw:
            region = self.choice(
                row, "region", self.words.regions, _l("unknown region “%(text)s”.")
            )
            row.region_from = "region"
        else:
            region, row.region_from = regions.infer(
                row.raw, country, self.options.get("new_region")
            )
            if region is None:
                row.missing.append("region")
        values["region"] = region
        values["country"] = country or REGION_COUNTRIES.get(region)
        if "country" not in row.raw and region and not values["country"]:
            row.missing.append("country")
        values["size"] = self.choice(row, "size", self.words.sizes, _l("unknown size “%(text)s”."))
        if row.raw.get("sectors"):
            row.sector_ids = []
            for word in SEPARATORS.split(row.raw["sectors"]):
                if not word.strip():
                    continue
                sector = self.words.sectors.get(search_key(word))
                if sector is None:
                    self.problem(row, "sectors", _("unknown sector “%(text)s”.", text=word.strip()))
                else:
                    row.sector_ids.append(sector.id)
        self.clean_phones(row, values["country"])
        if row.raw.get("contact_name"):
            self.clean_person(row, values["country"])
        for name in ("kind", "country", "size"):  # left empty: not a change on update
            if name not in row.raw and name in values and values[name] is None:
                del values[name]

    def clean_person(self, row, country):
        """The person of an organization's row (担当者, Contact): a contact to add at it, with
        the contact person's own email and phone columns, else the row's."""
        raw = row.raw
        person = self.names_from(row, "contact_name", self.people)
        email_from = "contact_email" if "contact_email" in raw else "email"
        if raw.get(email_from):
            person["email"], error = self.people.clean("email", raw[email_from])
            if error:
                self.problem(row, email_from, error)
            elif person["email"]:
                person["email"] = person["email"].lower()
        phone_from = "contact_phone" if "contact_phone" in raw else "phone"
        if raw.get(phone_from):
            person["phone"], error = self.phone("phone", raw[phone_from], country)
            if error:
                self.problem(row, phone_from, error)
        person["name_order"] = name_order(person).value
        row.person = person

    def resolve_organizations(self, plan):
        """Each row's organization by normalised name; unknown ones created when asked."""
        index = self.org_index = lookups.organization_index()
        default = self.options.get("new_region") or Region.BASQUE_COUNTRY.value
        for row in plan.rows:
            text = row.raw.get("organization")
            if not text:
                row.missing.append("organization")
                continue
            key = organization_name_key(text)
            found = index.by_name.get(key, [])
            if len(found) == 1:
                row.values["organization_id"] = found[0]
                row.country = index.countries[found[0]]
                row.organization_owner = index.owners[found[0]]
            elif len(found) > 1:
                self.problem(
                    row,
                    "organization",
                    _(
                        "several organizations are called “%(text)s”; rename one of them first.",
                        text=text,
                    ),
                )
            elif self.options.get("create_organizations"):
                # Its region from the contact's own row (a +81 59 phone is in Mie), else the
                # region chosen for the file; the first row to name it decides.
                region, rule = regions.infer(row.raw, None, default)
                first = plan.new_organizations.setdefault(
                    key, {"name": text[:200], "region": region, "row": row.number}
                )
                row.new_organization, row.new_region = key, first["region"]
                row.region_from = rule if first["row"] == row.number else None
                row.country = REGION_COUNTRIES.get(first["region"])
                row.organization_owner = self.actor.id
            else:
                self.problem(
                    row,
                    "organization",
                    _(
                        "no organization called “%(text)s” in "
                        "Zubia. Add it first, or tick “create "
                        "missing organizations”.",
                        text=text,
                    ),
                )

    def clean_contact(self, row):
        values, raw = row.values, row.raw
        if raw.get("full_name") and not (raw.get("given_name") or raw.get("family_name")):
            values.update(self.names_from(row, "full_name", self.form))
        for name in ("given_name", "family_name"):
            if not values.get(name) and "full_name" not in raw:
                row.missing.append(name)
        values["name_order"] = name_order(values)
        values["language"] = self.choice(
            row, "language", self.words.languages, _l("unknown language “%(text)s”.")
        )
        values["timezone"] = self.choice(
            row, "timezone", self.words.timezones, _l("unknown time zone “%(text)s”.")
        )
        for name in ("language", "timezone"):
            if values[name] is None:
                del values[name]

    def clean_phones(self, row, country):
        """Phone numbers, read in ``country``: the organization's (for a contact, known only
        once its organization is found)."""
        for name in ("phone", "mobile"):
            text = row.raw.get(name)
            if not text:
                continue
            value, error = self.phone(name, text, country)
            if error:
                self.problem(row, name, error)
            row.values[name] = value
        if row.raw.get("other_phones"):
            self.clean_other_phones(row, country)

    def phone(self, name, text, country):
        """(E.164 value or None, error or None) of one number, worked out once per file."""
        key = (name, text, country)
        if key not in self.phones:  # the confirmation reuses the preview's results
            if name in self.form.fields:
                value, error = self.form.clean(name, text)
            else:
                value, error = text, None
            try:
                value = e164(value, country) if value else None
            except ValidationError as invalid:
                error = str(invalid)
            self.phones[key] = (value, error)
        return self.phones[key]

    def clean_other_phones(self, row, country):
        """Each labelled number in E.164, an invalid one a problem that names it; a number the
        row has already (Outlook's Primary Phone repeats another) is not kept twice."""
        seen = {row.values.get("phone"), row.values.get("mobile")}
        kept = []
        for label, text in split_phones(row.raw["other_phones"]):
            value, error = self.phone("other_phones", text, country)
            if error:
                self.problem(row, "other_phones", f"{label or ''} “{text}”: {error}".lstrip())
            elif value not in seen:
                seen.add(value)
                kept.append((label, value))
        value = join_phones(kept) or None
        if value and len(value) > OTHER_PHONES_LENGTH:
            self.problem(row, "other_phones", str(TOO_MANY_PHONES))
        row.values["other_phones"] = value

    def names_from(self, row, name, form):
        """{given_name, family_name…} of a one-cell name, checked by ``form``'s fields."""
        parts = row.raw[name].replace("\u3000", " ").split()
        if len(parts) < 2:
            self.problem(row, name, _("cannot tell the family name from the given name; "
                                      "separate them with a space or map them to columns of "
                                      "their own."))  # fmt: skip
            return {}
        names = {}
        for part, text in self.split_name(parts).items():
            value, error = form.clean(part, text)
            if error:
                self.problem(row, name, error)
            names[part] = value
        return names

    @staticmethod
    def split_name(parts):
        if CJK.search(parts[0]):
            return {"family_name": parts[0], "given_name": " ".join(parts[1:])}
        names = {"given_name": parts[0], "family_name": parts[1]}
        if len(parts) > 2:
            names["second_family_name"] = " ".join(parts[2:])
        return names
