"""Helpers shared by the organization tests."""

import re

import pytest

from crm.extensions import db
from crm.organizations.models import Organization, Sector


def org_form(**changes):
    """The organization form as a browser posts it (a Japanese government body by default)."""
    data = {
        "name": "Mie Prefectural Government",
        "native_name": "三重県庁",
        "kind": "government",
        "region": "mie",
        "country": "JP",
        "city": "Tsu",
        "size": "",
        "website": "https://www.pref.mie.lg.jp/",
        "description": "",
        "capabilities": "",
        "interests": "",
        "cadence_days": "60",
    }
    data.update(changes)
    return data


def version_in(html):
    """The hidden version field of an edit form."""
    match = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', html)
    assert match, "the edit form carries no version"
    return match.group(1)


def form_values(app, organization_id, **changes):
    """The edit form of a stored organization, filled in as it is now, with some changes."""
    with app.app_context():
        org = db.session.get(Organization, organization_id)
        data = org_form(
            name=org.name,
            native_name=org.native_name or "",
            kind=org.kind.value,
            region=org.region.value,
            country=org.country,
            city=org.city or "",
            website=org.website or "",
            description=org.description or "",
            cadence_days=str(org.cadence_days),
            version=str(org.version),
        )
    data.update(changes)
    return data


@pytest.fixture
def sectors(app):
    """Three MoU sectors, by code: {code: id}."""
    with app.app_context():
        rows = [
            Sector(code="automotive", name_en="Automotive", name_ja="自動車", name_es="Automoción"),
            Sector(code="aeronautics", name_en="Aeronautics", name_ja="航空宇宙", name_es="x"),
            Sector(code="agri-food", name_en="Agri-food", name_ja="農業・食品", name_es="y"),
        ]
        db.session.add_all(rows)
        db.session.commit()
        return {s.code: s.id for s in rows}
