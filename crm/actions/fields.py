"""The fields of a next action (see ``crm.fields``)."""

from flask_babel import lazy_gettext as _l

from crm.actions.models import Priority, RepeatUnit
from crm.fields import CREATED, ID, READ, UPDATED, Field, Fields, live_name, user_name

FIELDS = Fields(
    ID,
    Field("due_date", _l("Due date")),
    Field("title", _l("What")),
    Field("status", _l("Status"), role=READ),
    Field("priority", _l("Priority"), default=Priority.NORMAL, from_form=Priority),
    Field("owner_id", _l("Who"), export=lambda action: user_name(action.owner)),
    Field(
        "organization_id",
        _l("Organization"),
        from_form=int,
        export=lambda a: live_name(a.organization),
    ),
    Field("contact_id", _l("Contact"), from_form=int, export=lambda a: live_name(a.contact)),
    Field("meeting_id", _l("Meeting"), export=False),  # set by the meeting that decided it
    Field("match_id", _l("Match"), export=False),  # set by the match it moves on
    Field("details", _l("Details")),
    Field("repeat_every", _l("Repeat every")),
    Field("repeat_unit", _l("Unit"), from_form=RepeatUnit),
    Field("completed_at", _l("Completed"), role=READ),
    Field("created_by_id", _l("Created by"), role=READ, export=False),
    CREATED,
    UPDATED,
)
