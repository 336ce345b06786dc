"""The scheduler as a pure function: no organization or table is ever booked twice in a slot."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.events.scheduling import Booking, Wanted, clash, plan, session_slots

T0 = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)


def slots(n):
    return [T0 + timedelta(minutes=30 * i) for i in range(n)]


def assert_sound(result, fixed, wanted, grid, tables):
    everything = [*fixed, *result.placed]
    per_slot_parties = Counter((b.slot, p) for b in everything for p in b.parties)
    per_slot_tables = Counter((b.slot, b.table) for b in everything)
    assert max(per_slot_parties.values(), default=1) == 1, "an organization booked twice"
    assert max(per_slot_tables.values(), default=1) == 1, "a table booked twice"
    assert all(b.slot in grid and 1 <= b.table <= tables for b in result.placed)
    placed_ids = [b.request_id for b in result.placed]
    assert sorted(placed_ids + result.unplaced) == sorted(w.request_id for w in wanted)
    for request_id in result.unplaced:  # reported only when nothing is left for it
        parties = next(w.parties for w in wanted if w.request_id == request_id)
        for slot in grid:
            here = [b for b in everything if b.slot == slot]
            free = len(here) < tables and not any(b.parties & parties for b in here)
            assert not free, f"request {request_id} was left out though {slot} was free"


@st.composite
def cases(draw):
    n_slots = draw(st.integers(1, 8))
    tables = draw(st.integers(1, 4))
    orgs = draw(st.integers(2, 9))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, orgs - 1), st.integers(0, orgs - 1)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=30,
        )
    )
    requests = [Wanted(i, frozenset(pair)) for i, pair in enumerate(pairs)]
    grid = slots(n_slots)
    # Some requests are already in the grid (placed earlier or moved by hand), validly.
    fixed = []
    for item in requests:
        if not draw(st.booleans()) or draw(st.integers(0, 3)):
            continue
        slot = draw(st.sampled_from(grid))
        table = draw(st.integers(1, tables))
        candidate = Booking(item.request_id, item.parties, slot, table)
        if clash(candidate, fixed) is None:
            fixed.append(candidate)
    fixed_ids = {b.request_id for b in fixed}
    wanted = [w for w in requests if w.request_id not in fixed_ids]
    return grid, tables, fixed, wanted


@settings(max_examples=300, deadline=None)
@given(cases())
def test_no_organization_or_table_is_ever_double_booked(case):
    grid, tables, fixed, wanted = case
    result = plan(grid, tables, fixed, wanted)
    assert_sound(result, fixed, wanted, grid, tables)


def test_manual_placements_stay_where_they_are():
    fixed = [Booking(1, frozenset({1, 2}), slots(3)[2], 1)]
    wanted = [Wanted(2, frozenset({1, 3})), Wanted(3, frozenset({2, 3}))]
    result = plan(slots(3), 1, fixed, wanted)
    assert all(b.request_id != 1 for b in result.placed)  # never re-placed
    assert [(b.request_id, b.slot) for b in result.placed] == [
        (2, slots(3)[0]),
        (3, slots(3)[1]),
    ]
    assert_sound(result, fixed, wanted, slots(3), 1)


def test_nothing_is_placed_where_a_party_cannot_attend():
    wanted = [Wanted(1, frozenset({1, 2})), Wanted(2, frozenset({2, 3}))]
    result = plan(slots(3), 2, [], wanted, unavailable={2: {slots(3)[0]}})
    assert sorted(b.slot for b in result.placed) == [slots(3)[1], slots(3)[2]]
    # Away in every slot: reported as unplaced, never put there anyway.
    result = plan(slots(2), 2, [], wanted[:1], unavailable={1: set(slots(2))})
    assert result.placed == [] and result.unplaced == [1]


def test_requests_that_cannot_fit_are_reported():
    # Organization 1 wants three meetings but the event has two slots.
    wanted = [Wanted(i, frozenset({1, i + 10})) for i in range(3)]
    result = plan(slots(2), 5, [], wanted)
    assert len(result.placed) == 2 and len(result.unplaced) == 1
    # One table, two slots, three independent pairs: one is left out.
    wanted = [Wanted(i, frozenset({2 * i, 2 * i + 1})) for i in range(3)]
    result = plan(slots(2), 1, [], wanted)
    assert [b.table for b in result.placed] == [1, 1] and len(result.unplaced) == 1


def test_most_constrained_requests_go_first():
    # The busy organization 1 gets its three meetings; the others fit around it.
    wanted = [Wanted(0, frozenset({5, 6}))] + [
        Wanted(i, frozenset({1, i + 10})) for i in range(1, 4)
    ]
    result = plan(slots(3), 1, [], wanted)
    assert result.unplaced == [0]
    assert sorted(b.request_id for b in result.placed) == [1, 2, 3]


def test_parallel_meetings_take_the_next_table():
    wanted = [Wanted(i, frozenset({2 * i, 2 * i + 1})) for i in range(3)]
    result = plan(slots(1), 3, [], wanted)
    assert sorted(b.table for b in result.placed) == [1, 2, 3]


def test_clash_names_the_table_or_the_organization():
    here = [Booking(1, frozenset({1, 2}), T0, 1)]
    assert clash(Booking(2, frozenset({3, 4}), T0, 1), here) == ("table", None)
    assert clash(Booking(2, frozenset({2, 4}), T0, 2), here) == ("party", 2)
    assert clash(Booking(2, frozenset({2, 4}), T0 + timedelta(hours=1), 1), here) is None
    assert clash(Booking(1, frozenset({1, 2}), T0, 1), here) is None  # itself


def test_slots_run_through_each_day_in_the_event_time_zone():
    found = session_slots(
        date(2026, 11, 10), date(2026, 11, 11), time(10, 0), time(12, 0), 30, "Asia/Tokyo"
    )
    assert len(found) == 8  # 10:00, 10:30, 11:00, 11:30 on two days
    assert found[0] == datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    assert found[4] == datetime(2026, 11, 11, 1, 0, tzinfo=UTC)
    assert all(s.tzinfo is UTC for s in found)


def test_a_slot_must_end_within_the_session():
    found = session_slots(
        date(2026, 6, 1), date(2026, 6, 1), time(9, 0), time(10, 10), 20, "Europe/Madrid"
    )
    assert [s.astimezone(UTC).strftime("%H:%M") for s in found] == ["07:00", "07:20", "07:40"]


def test_slots_skip_the_hour_that_does_not_exist_in_madrid():
    found = session_slots(
        date(2026, 3, 29), date(2026, 3, 29), time(1, 0), time(4, 0), 60, "Europe/Madrid"
    )
    # 01:00 CET, then 02:00 does not exist, then 03:00 CEST
    assert found == [
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ]
