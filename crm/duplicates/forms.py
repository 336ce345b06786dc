"""The merge form: which record survives, and for each field where the two differ, whose value."""

import enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from crm.forms import VersionField

SIDES = ("a", "b")


class MergeForm(FlaskForm):
    survivor = RadioField(_l("Record to keep"), validators=[InputRequired()], default="a")
    version_a = VersionField()
    version_b = VersionField()

    def chosen_values(self, survivor):
        """The survivor's fields after the merge: each differing field from the chosen side."""
        records = dict(zip(SIDES, self.records, strict=True))
        values = {}
        for name in self.kind.fields:
            field = self._fields.get(f"keep_{name}")
            source = survivor if field is None else records[field.data]
            values[name] = getattr(source, name)
        return values


def merge_form(kind, a, b, *, fresh=False):
    """The form for merging ``a`` and ``b``: one choice per field whose values differ.

    By default the survivor (``a``) keeps its value, or takes the other's where its own is
    empty. ``fresh`` ignores what was submitted (after a conflict, the page starts over).
    """
    differing = [name for name in kind.fields if _differ(getattr(a, name), getattr(b, name))]
    attributes = {
        f"keep_{name}": RadioField(
            _field_label(kind.edit_form, name),
            choices=[SelectChoice("a", shown(a, name)), SelectChoice("b", shown(b, name))],
            default="a" if not _empty(getattr(a, name)) else "b",
            validators=[InputRequired()],
        )
        for name in differing
    }
    form_class = type(f"Merge{kind.name.title()}Form", (MergeForm,), attributes)
    extra = {"formdata": None} if fresh else {}
    form = form_class(data={"version_a": a.version, "version_b": b.version}, **extra)
    form.kind, form.records = kind, (a, b)
    form.survivor.choices = [SelectChoice("a", str(a)), SelectChoice("b", str(b))]
    form.differing = [form[f"keep_{name}"] for name in differing]
    return form


def shown(record, name):
    """A field's value as a person reads it."""
    value = getattr(record, name)
    if name == "owner_id":
        value = record.owner.name if record.owner else None
    elif name == "organization_id":
        value = record.organization.display_name
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", value.value))
    return "—" if _empty(value) else str(value)


def _differ(first, second):
    return first != second and not (_empty(first) and _empty(second))


def _empty(value):
    return value is None or value == "" or value is False


def _field_label(form_class, name):
    unbound = getattr(form_class, name)
    return unbound.args[0] if unbound.args else unbound.kwargs["label"]
