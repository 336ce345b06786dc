"""What the data sets hold: their sizes, the bench user and the focus organization.

User 1 is the bench user: a point of contact who owns organization 1, the "focus"
organization whose timeline is long, and a few hundred open actions spread over overdue,
today, this week and later. User 2 is the bench manager, who alone may see the pipeline.
"""

from dataclasses import dataclass

BENCH_USER_ID = 1
FOCUS_ORG_ID = 1
BENCH_EMAIL = "bench@zubia.example"
BENCH_MANAGER_ID = 2
BENCH_MANAGER_EMAIL = "manager@zubia.example"  # same password as the bench user
BENCH_PASSWORD = "bench between Bilbao and Tsu"  # noqa: S105 - a throwaway benchmark account
BENCH_TIMEZONE = "Europe/Madrid"
SPAN_DAYS = 5 * 365  # how far back the history goes
DELETED_SHARE = 0.01  # records in the trash


@dataclass(frozen=True)
class Sizes:
    users: int
    organizations: int
    contacts: int
    meetings: int
    actions: int
    focus_meetings: int  # the focus organization's timeline: meetings + actions + changes
    focus_actions: int
    focus_changes: int
    my_open_actions: int  # the bench user's open actions
    matches: int  # Basque–Mie pairs in every stage, for the pipeline page
    focus_contacts: int = 25
    focus_links: int = 5

    @property
    def focus_timeline(self):
        return self.focus_meetings + self.focus_actions + self.focus_changes


LARGE = Sizes(50, 20_000, 100_000, 500_000, 200_000, 1_500, 300, 200, 400, 3_000)
SMALL = Sizes(5, 100, 500, 2_500, 1_000, 75, 15, 10, 40, 15)
