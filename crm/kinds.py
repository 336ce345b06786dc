"""Record kinds by name (to be replaced by the registry)."""

NAMES = {
    "Organization": "organization",
    "Contact": "contact",
    "Meeting": "meeting",
    "Action": "action",
    "Visit": "visit",
    "VisitStop": "visit_stop",
    "Event": "event",
    "Participant": "event_participant",
    "Agreement": "agreement",
    "SuccessStory": "story",
    "GuidePage": "guide_page",
    "Match": "match",
}


class _Kind:
    def __init__(self, name):
        self.name = name


def kind_of(record):
    return _Kind(NAMES[type(record).__name__])
