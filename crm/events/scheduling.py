"""The B2B scheduler: plain data in, plain data out, so it can be tested over many cases.

An event's slots run every ``slot_minutes`` through each day's session window; every slot has
``tables`` tables. A plan never puts one party (an organization) in two meetings of one slot,
nor two meetings at one table in one slot. Meetings already in the grid (placed earlier or
moved by hand) stay where they are; the scheduler only fills in around them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from crm.timezones import local_to_utc, wall_clock_problem


@dataclass(frozen=True)
class Booking:
    """A meeting in the grid: who meets (two party ids), when and at which table."""

    request_id: int
    parties: frozenset[int]
    slot: datetime
    table: int


@dataclass(frozen=True)
class Wanted:
    """An accepted request that still needs a slot and a table."""

    request_id: int
    parties: frozenset[int]


@dataclass
class Plan:
    placed: list[Booking] = field(default_factory=list)
    unplaced: list[int] = field(default_factory=list)  # request ids


def session_slots(first_day, last_day, start, end, minutes, zone):
    """The start of every slot of every day, as aware UTC datetimes in time order.

    A slot must end by the end of the session. Wall-clock times that do not exist in ``zone``
    (the hour skipped when clocks go forward) are left out; a repeated hour uses its first
    occurrence.
    """
    step = timedelta(minutes=minutes)
    slots = []
    day = first_day
    while day <= last_day:
        slots.extend(_day_slots(day, start, end, step, zone))
        day += timedelta(days=1)
    return slots


def _day_slots(day: date, start: time, end: time, step: timedelta, zone: str):
    moment, last = datetime.combine(day, start), datetime.combine(day, end)
    while moment + step <= last:
        if wall_clock_problem(moment, zone) != "nonexistent":
            yield local_to_utc(moment, zone).astimezone(UTC)
        moment += step


def plan(slots, tables, fixed, wanted, unavailable=None):
    """Place ``wanted`` requests around the ``fixed`` bookings; report those that do not fit.

    ``unavailable`` maps a party to the slots it cannot attend: nothing is placed there for it.

    Greedy, most constrained first: requests whose parties have the most meetings (wanted or
    already fixed) go first, each into the earliest slot where both parties are free and a
    table is left, at the lowest free table. A request reported as unplaced has, at the end,
    no slot where both its parties are free and a table is left.
    """
    busy = defaultdict(set)  # slot -> parties in a meeting (or away) then
    for party, away in (unavailable or {}).items():
        for slot in away:
            busy[slot].add(party)
    used = defaultdict(set)  # slot -> tables taken then
    for booking in fixed:
        busy[booking.slot] |= booking.parties
        used[booking.slot].add(booking.table)
    load = Counter(party for item in [*fixed, *wanted] for party in item.parties)
    order = sorted(wanted, key=lambda w: (-sum(load[p] for p in w.parties), w.request_id))
    result = Plan()

    def free_table(slot):
        return next((t for t in range(1, tables + 1) if t not in used[slot]), None)

    for item in order:
        slot = next(
            (s for s in slots if not busy[s] & item.parties and free_table(s) is not None), None
        )
        if slot is None:
            result.unplaced.append(item.request_id)
            continue
        table = free_table(slot)
        busy[slot] |= item.parties
        used[slot].add(table)
        result.placed.append(Booking(item.request_id, item.parties, slot, table))
    return result


def clash(booking, others):
    """Why ``booking`` cannot stand next to ``others`` in the grid: None, or a reason.

    The reason is ("table", None) or ("party", the party id that would be in two places).
    """
    for other in others:
        if other.request_id == booking.request_id or other.slot != booking.slot:
            continue
        if other.table == booking.table:
            return ("table", None)
        shared = booking.parties & other.parties
        if shared:
            return ("party", min(shared))
    return None
