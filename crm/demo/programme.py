"""The programme's institutional layer in the demo: the MoU, the success story, the guide."""

from datetime import timedelta

from sqlalchemy import select

from crm.demo.guide import PAGES
from crm.extensions import db
from crm.guide.services import create_page
from crm.matching.models import Match
from crm.organizations.models import Sector
from crm.programme import services
from crm.programme.models import Achievement, AgreementStatus

MOU_PARTIES = ("Eusko Jaurlaritza - Gobierno Vasco", "Mie Prefectural Government")
STORY_PAIR = ("Precisión Mecánica Urola S.L.", "Suzuka Precision Parts Co., Ltd.")


def load_programme(builder, manager, signed_on):
    """Create the agreement, the precision-machining success story and the guide pages."""
    ids = {org.entry.name: org.record.id for org in builder.orgs}
    builder.travel(builder.at(signed_on, (18, 0), manager))
    services.save_agreement(
        None,
        {
            "title": "Memorandum of Understanding on industrial cooperation",
            "status": AgreementStatus.SIGNED,
            "signed_on": signed_on,
            "document_url": "https://www.euskadi.example/mou-mie.pdf",
            "summary": "The Basque Government and Mie Prefecture agree to promote exchanges "
            "between their companies, clusters and technology centres in the sectors below.",
            "party_ids": [ids[name] for name in MOU_PARTIES if name in ids],
            "sector_ids": list(db.session.scalars(select(Sector.id))),
        },
        actor=manager,
    )
    match = db.session.scalar(
        select(Match).where(
            Match.basque_id == ids.get(STORY_PAIR[0]), Match.mie_id == ids.get(STORY_PAIR[1])
        )
    )
    # Suzuka's heat-treater finishes the titanium parts both machine shops make.
    partners = [
        org.record.id
        for org in builder.orgs
        if org.entry.city == "Suzuka" and org.entry.name.endswith("Surface Treatment Co., Ltd.")
    ]
    stories = 0
    if match is not None:
        builder.travel(builder.now - timedelta(days=20))
        services.save_story(
            None,
            {
                "title": "Machined parts offered together to Japanese aeronautics",
                "achievement": Achievement.COMBINED_OFFERING,
                "achieved_on": (builder.now - timedelta(days=20)).date(),
                "match_id": match.id,
                "organization_ids": [ids[STORY_PAIR[0]], ids[STORY_PAIR[1]], *partners],
                "summary": "A Basque precision-machining SME and Japanese SMEs from Suzuka now "
                "quote machined aluminium and titanium parts together: one offer, two plants, "
                "shared quality documentation in English and Japanese.",
            },
            actor=manager,
        )
        stories = 1
    for slug, title, body in PAGES:
        create_page({"slug": slug, "title": title, "body": body}, actor=manager)
    return {"agreements": 1, "success stories": stories, "guide pages": len(PAGES)}
