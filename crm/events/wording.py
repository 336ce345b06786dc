"""How the events pages word slots and refusals, in the reader's language.

Slot times are shown in the event's own time zone: that is where the tables are.
"""

from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time
from flask_babel import gettext as _


def slot_label(slot, zone):
    """ "Tue, 10 Nov 2026 10:30"-like: the local day and start time of a slot."""
    local = slot.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return f"{format_date(local.date(), 'medium')} {format_time(local, 'short', rebase=False)}"


def slot_choices(slots, zone):
    return [(slot.isoformat(), slot_label(slot, zone)) for slot in slots]


def refusal(error, *, zone="UTC", names=None):
    """The message for a ``services.Refused``; ``names`` maps participant ids to names."""
    details = error.details
    when = slot_label(details["slot"], zone) if "slot" in details else ""
    messages = {
        "dates": lambda: _("The last day cannot be before the first."),
        "stranded": lambda: _(
            "%(count)s scheduled meetings would fall outside the new days, session or tables. "
            "Move them first; nothing was changed.",
            count=details["count"],
        ),
        "already_participant": lambda: _("This organization already takes part."),
        "oneself": lambda: _("An organization cannot request a meeting with itself."),
        "other_event": lambda: _("Both organizations must take part in this event."),
        "already_requested": lambda: _("This meeting has already been requested."),
        "asked_the_other_way": lambda: _(
            "The other organization has already asked for this meeting: answer its request."
        ),
        "decided": lambda: _("This request has already been answered."),
        "not_a_slot": lambda: _("Choose one of the event's slots."),
        "no_such_table": lambda: _(
            "Choose a table between 1 and %(tables)s.", tables=details["tables"]
        ),
        "table_taken": lambda: _(
            "Table %(table)s is already taken at %(when)s. Nothing was changed.",
            table=details["table"],
            when=when,
        ),
        "party_busy": lambda: _(
            "%(name)s already has a meeting at %(when)s. Nothing was changed.",
            name=(names or {}).get(details["participant_id"], "?"),
            when=when,
        ),
        "already_linked": lambda: _("This meeting already belongs to a match."),
        "match_in_trash": lambda: _(
            "These two organizations have a match in the trash: ask a manager to restore it."
        ),
        "same_side": lambda: _("A match joins one organization of each side of the bridge."),
    }
    return messages[error.reason]()
