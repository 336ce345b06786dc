"""What the demo meetings and next actions say.

Placeholders: {eu} and {jp} are the two organizations of a matchmaking meeting, {host} and
{guest} those of a visit or a stand, {org} the only one of a single-organization meeting, {other}
the far end of the bridge for it, {topic} a shared interest, {event} a programme event, {person}
a contact who was there and {place} the host's label (its Japanese name when it has one).
Outcomes may offer alternatives separated by " | ".
"""

from typing import NamedTuple

from crm.meetings.models import MeetingKind

VIDEO, CALL, EMAIL = MeetingKind.VIDEO, MeetingKind.CALL, MeetingKind.EMAIL
IN_PERSON, EVENT, VISIT = MeetingKind.IN_PERSON, MeetingKind.EVENT, MeetingKind.VISIT


class Story(NamedTuple):
    kind: MeetingKind
    title: str
    summary: str
    outcomes: str


class Milestone(NamedTuple):
    weeks_ago: int
    side: str  # where it is held: "eu" or "jp"
    event: str
    location: str


# What the organizations of a meeting share, by MoU sector code.
TOPICS = {
    "aeronautics": "aeronautics parts",
    "manufacturing": "precision machining",
    "advanced-materials": "CFRP and advanced materials",
    "robotics": "collaborative robotics",
    "agri-food": "food processing",
    "automotive": "automotive components",
    "biotechnology": "marine biotechnology",
    "industry-4-0": "digital manufacturing",
    "rd-innovation": "joint R&D projects",
}

MATCHMAKING = [  # one Basque and one Japanese organization, remotely
    Story(
        VIDEO,
        "Matchmaking call: {eu} and {jp}",
        "First video call between {eu} and {jp}, set up by the programme. Both presented "
        "their {topic} activity; consecutive interpretation by the Tsu office.",
        "Both interested: NDAs and capability sheets to be exchanged. | "
        "Polite interest only; no follow-up for now.",
    ),
    Story(
        VIDEO,
        "Screening call: {topic} capabilities",
        "{jp} asked about {eu}'s {topic} capabilities: materials, tolerances, "
        "certifications and lead times.",
        "{eu} will prepare a short technical presentation. | "
        "A second call with the engineers of both sides is needed.",
    ),
    Story(
        VIDEO,
        "Technical follow-up on {topic}",
        "Engineers from {eu} and {jp} went through drawings, test reports and open questions.",
        "Samples to be produced; target dates agreed. | "
        "Specifications need another iteration before quoting.",
    ),
    Story(
        EMAIL,
        "Email exchange: NDA between {eu} and {jp}",
        "Sent the bilingual mutual NDA template to both sides and answered questions "
        "about the governing law.",
        "NDA signed by both parties. | Waiting for the legal department of {jp}.",
    ),
    Story(
        EMAIL,
        "Email: request for quotation from {jp}",
        "{jp} sent a request for quotation on {topic}; forwarded to {eu} with a summary.",
        "Quotation expected within three weeks.",
    ),
    Story(
        CALL,
        "Three-way call on the {topic} pilot",
        "Call with {eu} and {jp} on the scope, budget and funding of a pilot project.",
        "Consortium to apply to the next joint call of SPRI and Mie Prefecture. | "
        "Pilot postponed to next year's budget.",
    ),
]

PARTNERSHIP = [  # institutions at both ends of the bridge, remotely
    Story(VIDEO, "MoU working group: {eu} and {jp}",
          "Working-group call between {eu} and {jp} on the MoU action plan, with a focus on "
          "{topic}.",
          "Next joint seminar agreed. | Each side will propose two companies for a pilot."),
    Story(VIDEO, "Cooperation call on {topic}",
          "{eu} and {jp} compared their support programmes for {topic} and looked for joint "
          "activities.",
          "A joint webinar is planned for next quarter. | Contact lists to be exchanged."),
    Story(EMAIL, "Email: draft cooperation agreement",
          "Comments on the draft cooperation agreement between {eu} and {jp}; the Japanese and "
          "Spanish versions were checked against the English one.",
          "Text agreed; signature at the next visit. | Legal review still pending."),
    Story(CALL, "Call to prepare the next delegation",
          "{eu} and {jp} went through the programme, the companies and the interpreters of the "
          "next delegation.",
          "Draft agenda to be circulated."),
]  # fmt: skip

SINGLE = [  # one organization, by its own point of contact
    Story(
        CALL,
        "Follow-up call with {person}",
        "Caught up with {person} on the {topic} contacts made through the programme.",
        "No blocking issues; next check-in in a few weeks. | "
        "Asked for help with a translation of their catalogue.",
    ),
    Story(
        CALL,
        "Call: interest in the {other} programme",
        "{org} asked how the programme works and which partners in {other} fit their "
        "{topic} plans.",
        "A shortlist of three possible partners will be sent.",
    ),
    Story(
        VIDEO,
        "Introduction call: {org}",
        "First call with {org}. They presented their {topic} activity and their plans for {other}.",
        "Joined the programme; capability sheet requested. | Too early for them; revisit "
        "in six months.",
    ),
    Story(
        IN_PERSON,
        "Quarterly meeting at {org}",
        "Review of the ongoing contacts of {org} in {other} and of the coming events.",
        "Priorities for the next quarter agreed.",
    ),
    Story(
        IN_PERSON,
        "Lunch meeting with {person}",
        "Informal lunch with {person} about {topic} trends and the MoU.",
        "Interested in joining the next mission. | Good relationship; nothing to follow up.",
    ),
    Story(
        EMAIL,
        "Email: call for B2B applications",
        "Sent {org} the call for applications to the next B2B meetings with companies "
        "from {other}.",
        "Application received. | They will not apply this time.",
    ),
    Story(
        EMAIL,
        "Email: updated capability sheet from {org}",
        "{org} sent its capability sheet, now in English and Japanese.",
        "Shared with the partners at the other end.",
    ),
]

KICKOFF = Story(VIDEO, "Programme kick-off: {eu} and {jp}",
                "Kick-off of the business programme under the MoU: goals for the first 18 "
                "months, priority sectors and the points of contact at each end.",
                "Action plan approved; first B2B event to be held in Tsu.")  # fmt: skip
B2B = Story(EVENT, "B2B meeting at {event}",
            "Twenty-minute B2B slot between {eu} and {jp} on {topic}.",
            "Interest confirmed on both sides; a follow-up video call will be scheduled. | "
            "No fit for now, but both keep in touch.")  # fmt: skip
STAND = Story(EVENT, "Stand visit at {event}: {guest}",
              "{guest} visited the stand of {host}; demonstration of their {topic} work.",
              "Catalogues exchanged; {host} will send a proposal.")  # fmt: skip
INSTITUTIONAL_VISIT = Story(
    VISIT, "Institutional visit to {place}",
    "Delegation including {guest} received at {host}: presentation of the MoU and of the "
    "opportunities in {topic}.",
    "Commitment to a joint seminar; contact persons named on both sides.",
)  # fmt: skip
PLANT_VISIT = Story(
    VISIT, "Plant visit: {guest} at {place}",
    "{guest} toured the plant of {host}, focusing on {topic}.",
    "Samples and a quotation requested. | Impressed by the automation level; a return "
    "visit is planned.",
)  # fmt: skip

MILESTONES = [
    Milestone(72, "jp", "the Basque business mission to Mie",
              "Mie Prefectural Culture Center, Tsu"),
    Milestone(58, "eu", "BIEMH, the Bilbao machine-tool biennial",
              "Bilbao Exhibition Centre, Barakaldo"),
    Milestone(40, "eu", "the Mie delegation to the Basque Country",
              "Euskalduna Conference Centre, Bilbao"),
    Milestone(24, "jp", "the Mie Monozukuri Business Fair", "Yokkaichi Dome, Yokkaichi"),
    Milestone(14, "jp", "the Chubu aerospace partnering days", "Aichi Sky Expo, Tokoname"),
    Milestone(5, "eu", "the Basque Industry 4.0 Week", "Euskalduna Conference Centre, Bilbao"),
]  # fmt: skip

BUSINESS_ACTIONS = [  # about a company or a technology centre
    "Send the NDA to {org}",
    "Share the technical drawings with {org}",
    "Prepare a sample quotation for {org}",
    "Book the plant visit at {org}",
    "Translate the capability sheet of {org}",
    "Follow up on the samples with {org}",
    "Check funding eligibility for {org}",
]
INSTITUTION_ACTIONS = [  # about a government body, a cluster, an association, a university
    "Send the MoU action plan to {org}",
    "Propose two companies to {org} for the pilot",
    "Prepare the briefing for the visit to {org}",
    "Check the joint funding call with {org}",
]
ACTIONS = [  # about any organization
    "Send the meeting summary to {org}",
    "Invite {org} to the next B2B event",
    "Introduce {org} to a second partner",
]
GENERAL_ACTIONS = [  # not about one organization
    "Update the MoU progress report",
    "Prepare the agenda of the next Mie delegation",
    "Confirm interpreters for the next B2B event",
    "Collect the quarterly figures of the programme",
]
REPEATING_ACTIONS = [  # title, organization, owner's e-mail
    ("Monthly MoU follow-up report", "Eusko Jaurlaritza - Gobierno Vasco",
     "iker.zubizarreta@zubia.example"),
    ("Monthly check-in with the SME support centre",
     "Mie Industry and Enterprise Support Center", "haruka.yamada@zubia.example"),
]  # fmt: skip
