"""The demo's institutional visits, both ways across the bridge, and one still to come.

The first Basque mission to Mie is where the MoU was signed; each delegation arrives on a
Monday of a programme milestone week (see ``stories.MILESTONES``). Stops are given in the
destination's local time. A point of contact of each side goes along; the one at home in the
destination logs the stops that happened as meetings, through the visits service, as the
"log as meeting" button would.
"""

from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.actions import services as actions
from crm.demo.stories import MILESTONES
from crm.extensions import db
from crm.timezones import local_to_utc
from crm.visits import services
from crm.visits.models import Direction, Visit, VisitStop

TO_MIE, TO_EUSKADI = Direction.TO_MIE, Direction.TO_BASQUE_COUNTRY
GOVERNMENT_EU, GOVERNMENT_JP = "Eusko Jaurlaritza - Gobierno Vasco", "Mie Prefectural Government"
SUPPORT_CENTRE = "Mie Industry and Enterprise Support Center"
MOU_SIGNING = "Signature of the Memorandum of Understanding"


class Stop(NamedTuple):
    day: int  # days after the delegation arrives
    at: tuple[int, int]  # local time at the destination
    minutes: int
    host: str  # catalogue name
    place: str
    purpose: str
    logged: bool = True  # turned into a meeting afterwards


class Delegation(NamedTuple):
    weeks_ago: int  # the week it arrives; negative: still to come
    direction: Direction
    title: str
    lead: str
    members: tuple[str, ...]  # organizations sending someone along
    travellers: tuple[int, int]  # which points of contact go: (Basque one, Japanese one)
    days: int
    description: str
    stops: tuple[Stop, ...]
    outcomes: str | None = None
    follow_up: str | None = None  # the next action decided on the way home


MISSION_WEEK, DELEGATION_WEEK = MILESTONES[0].weeks_ago, MILESTONES[2].weeks_ago
AERO_WEEK, INDUSTRY_WEEK = MILESTONES[4].weeks_ago, MILESTONES[5].weeks_ago

DELEGATIONS = (
    Delegation(
        MISSION_WEEK, TO_MIE, "Basque business mission to Mie", GOVERNMENT_EU,
        ("SPRI", "Precisión Mecánica Urola S.L.", "Aeroestructuras Araba S.A.",
         "Herramientas de Precisión Eibar S.A.", "Arrasate Press Systems S.Coop."),
        (1, 0), 4,
        "The Basque Government's first mission to Mie: the MoU is signed in Tsu, and five "
        "Basque manufacturers meet Mie companies at the B2B day.",
        (
            Stop(0, (10, 0), 90, GOVERNMENT_JP, "Mie Prefectural Office, Tsu", MOU_SIGNING),
            Stop(1, (14, 0), 90, "Mie Prefecture Industrial Research Institute",
                 "Mie Prefecture Industrial Research Institute, Tsu",
                 "Tour of the materials and ceramics laboratories"),
            Stop(2, (13, 0), 240, SUPPORT_CENTRE, "Mie Prefectural Culture Center, Tsu",
                 "B2B matchmaking day"),
            Stop(3, (10, 0), 120, "Suzuka Precision Parts Co., Ltd.", "Suzuka plant",
                 "Plant visit: precision turning and milling lines"),
        ),
        "MoU signed by both governments. A full afternoon of B2B meetings; Precisión Mecánica "
        "Urola and Suzuka Precision Parts agreed to exchange drawings.",
        "Send the mission report to the Basque Government",
    ),
    Delegation(
        DELEGATION_WEEK, TO_EUSKADI, "Mie Prefecture delegation to the Basque Country",
        GOVERNMENT_JP,
        (SUPPORT_CENTRE, "Mie University", "Suzuka Precision Parts Co., Ltd.",
         "Tsu Robotics Inc.", "Ise Agri-Food Cooperative"),
        (0, 1), 4,
        "Return visit of Mie Prefecture, led by the Vice-Governor: MoU follow-up committee, "
        "technology centres and the Euskadi–Mie B2B Forum in Bilbao.",
        (
            Stop(0, (11, 0), 90, GOVERNMENT_EU, "Lehendakaritza, Vitoria-Gasteiz",
                 "Reception and first MoU follow-up committee"),
            Stop(1, (10, 0), 120, "Fundación Tecnalia Research & Innovation",
                 "Tecnalia, Donostia-San Sebastián",
                 "Visit to the composites and robotics pilot lines"),
            Stop(2, (9, 30), 240, "SPRI", "Euskalduna Conference Centre, Bilbao",
                 "Euskadi–Mie B2B Forum"),
            Stop(3, (10, 30), 120, "Basque Culinary Center", "Basque Culinary Center, Donostia",
                 "Food innovation workshop with the Ise producers", logged=False),
        ),
        "Joint work plan for the year adopted. Tecnalia and Mie's research institute will "
        "prepare a researcher exchange.",
        "Draft the researcher exchange between Tecnalia and the Mie institute",
    ),
    Delegation(
        AERO_WEEK, TO_MIE, "Basque aeronautics mission to Mie and Chubu",
        "Cluster de Aeronáutica HEGAN",
        ("Precisión Mecánica Urola S.L.", "Aeroestructuras Araba S.A."),
        (0, 1), 5,
        "HEGAN takes Basque aerostructure and machining suppliers to Mie's aerospace "
        "association and to the Chubu aerospace partnering days.",
        (
            Stop(1, (10, 0), 90, "Mie Aerospace Industry Association", "Tsu",
                 "Meeting with the association's members"),
            Stop(2, (10, 0), 120, "Suzuka Precision Parts Co., Ltd.", "Suzuka plant",
                 "Joint quality review of the first machined titanium parts"),
            Stop(3, (14, 0), 90, "Yokkaichi Advanced Materials", "Yokkaichi plant",
                 "CFRP prepreg lines and qualification plan"),
            Stop(4, (10, 0), 240, "Chubu Aerospace Cluster", "Aichi Sky Expo, Tokoname",
                 "Chubu aerospace partnering days", logged=False),
        ),
        "Aeroestructuras Araba, the association's first member from outside Japan, presented "
        "its CFRP work; Urola and Suzuka Precision Parts agree on a combined offer.",
        "Prepare the combined machining offer with Suzuka Precision Parts",
    ),
    Delegation(
        INDUSTRY_WEEK, TO_EUSKADI, "Mie Industry 4.0 delegation at the Basque Industry 4.0 Week",
        SUPPORT_CENTRE,
        ("Tsu Robotics Inc.", "Kuwana Casting Works Co., Ltd.",
         "Mie Prefecture Industrial Research Institute"),
        (1, 0), 4,
        "Mie SMEs and the prefecture's research institute see Basque digital manufacturing "
        "at work during the Basque Industry 4.0 Week.",
        (
            Stop(0, (10, 0), 60, "SPRI", "SPRI, Bilbao",
                 "Briefing on the Basque Industry 4.0 programmes"),
            Stop(1, (10, 0), 120, "Ideko", "Ideko, Elgoibar",
                 "Machine monitoring and chatter suppression demonstrations"),
            Stop(2, (15, 30), 90, "Arrasate Press Systems S.Coop.", "Arrasate-Mondragón",
                 "Digital twin of a servo press line"),
            Stop(3, (10, 0), 90, "ACICAE - Cluster de Automoción de Euskadi",
                 "Automotive Intelligence Center, Amorebieta-Etxano",
                 "Electrification projects with the automotive cluster", logged=False),
        ),
        "Kuwana Casting Works asked Ideko for a monitoring pilot on its finishing line.",
        "Send Ideko's pilot proposal to Kuwana Casting Works",
    ),
    Delegation(
        -4, TO_MIE, "Basque agri-food mission to Ise-Shima", GOVERNMENT_EU,
        ("Basque Culinary Center", "Conservas Artesanas Bermeo S.L.",
         "Gipuzkoa BioSolutions S.L."),
        (1, 0), 3,
        "Food producers, chefs and a biotech start-up visit Ise-Shima's tea, beef and "
        "seaweed producers.",
        (
            Stop(0, (10, 0), 60, GOVERNMENT_JP, "Mie Prefectural Office, Tsu",
                 "MoU follow-up meeting on agri-food"),
            Stop(1, (10, 0), 120, "Ise Agri-Food Cooperative", "Ise",
                 "Tea and mandarin processing plant"),
            Stop(1, (15, 0), 90, "Matsusaka Meat Processing Co., Ltd.", "Matsusaka",
                 "Cold chain and export certification"),
            Stop(2, (10, 0), 90, "Shima Seaweed Biotech Co., Ltd.", "Ago Bay, Shima",
                 "Seaweed farms and extraction pilot"),
        ),
    ),
)  # fmt: skip


def arrival(builder, delegation):
    """The Monday the delegation arrives, as a calendar day at the destination."""
    today = builder.now.astimezone(ZoneInfo(delegation.direction.timezone)).date()
    return today - timedelta(days=today.weekday() + 7 * delegation.weeks_ago)


def signing_day(builder):
    """When the MoU was signed: the first stop of the first mission."""
    first = DELEGATIONS[0]
    return arrival(builder, first) + timedelta(days=first.stops[0].day)


def create_visits(builder):
    """Create every delegation; return (visits, stops, meetings logged)."""
    by_name = {org.entry.name: org for org in builder.orgs}
    stops = logged = 0
    for delegation in DELEGATIONS:
        visit, made = plan_visit(builder, delegation, by_name)
        stops += len(made)
        logged += log_visit(builder, delegation, visit, made, by_name)
    return {"visits": len(DELEGATIONS), "visit stops": stops, "visit meetings": logged}


def plan_visit(builder, delegation, by_name):
    eu_index, jp_index = delegation.travellers
    eu, jp = builder.points["eu"][eu_index], builder.points["jp"][jp_index]
    planner = eu if delegation.direction is TO_MIE else jp
    first = arrival(builder, delegation)
    zone = delegation.direction.timezone
    # Planned some seven weeks ahead; the itinerary is filled in over the next fortnight.
    builder.travel(builder.at(first - timedelta(days=50), (10, 0), planner))
    people = [delegation.lead, *delegation.members, *(stop.host for stop in delegation.stops)]
    contact_ids = list(dict.fromkeys(by_name[name].contacts[0].id for name in people))
    visit = services.create_visit(
        {
            "direction": delegation.direction,
            "title": delegation.title,
            "start_date": first,
            "end_date": first + timedelta(days=delegation.days - 1),
            "lead_organization_id": by_name[delegation.lead].record.id,
            "description": delegation.description,
            "outcomes": None,
            "user_ids": [eu.id, jp.id],
            "contact_ids": contact_ids,
        },
        actor=planner,
    )
    made = []
    for n, stop in enumerate(delegation.stops):
        builder.travel(builder.at(first - timedelta(days=40 - 3 * n), (11, 0), planner))
        local = datetime.combine(first + timedelta(days=stop.day), time(*stop.at))
        data = {
            "starts_at": local_to_utc(local, zone),
            "duration_minutes": stop.minutes,
            "host_organization_id": by_name[stop.host].record.id,
            "place": stop.place,
            "purpose": stop.purpose,
        }
        made.append(services.add_stop(visit, data, actor=planner))
    return visit, made


def log_visit(builder, delegation, visit, made, by_name):
    """Log the stops that happened, record the outcomes, and the action decided."""
    if delegation.outcomes is None:
        return 0
    home = "jp" if delegation.direction is TO_MIE else "eu"
    logger = builder.points[home][delegation.travellers[home == "jp"]]
    meeting = None
    for stop, row in zip(delegation.stops, made, strict=True):
        if not stop.logged:
            continue
        builder.travel(row.starts_at + timedelta(minutes=stop.minutes, hours=3))
        loaded = db.session.scalar(
            select(VisitStop)
            .where(VisitStop.id == row.id)
            .options(
                selectinload(VisitStop.visit).options(
                    selectinload(Visit.users), selectinload(Visit.contacts)
                ),
                selectinload(VisitStop.host),
            )
        )
        meeting = services.log_stop_as_meeting(loaded, actor=logger)
    planner = visit.owner_id
    owner = next(user for user in builder.users if user.id == planner)
    back = visit.end_date + timedelta(days=2)
    builder.travel(builder.at(back, (10, 0), owner))
    services.update_visit(visit, {"outcomes": delegation.outcomes}, actor=owner)
    actions.create_action(
        {
            "title": delegation.follow_up,
            "owner_id": owner.id,
            "due_date": back + timedelta(days=14),
            "organization_id": by_name[delegation.lead].record.id,
            "meeting_id": meeting.id,
        },
        actor=owner,
    )
    builder.action_count += 1
    return sum(stop.logged for stop in delegation.stops)
