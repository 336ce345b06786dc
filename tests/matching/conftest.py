"""Helpers shared by the matching tests: sectors and organizations with a screening profile."""

import pytest

from crm.accounts.models import User
from crm.extensions import db
from crm.organizations.models import Kind, Organization, Region, Sector


@pytest.fixture
def sector_ids(app):
    """The MoU's sectors, created; returns {code: id}."""
    from crm.demo.cli import load_sectors

    with app.app_context():
        load_sectors()
        db.session.commit()
        return {sector.code: sector.id for sector in db.session.query(Sector)}


@pytest.fixture
def make_orgs(app, make_user, sector_ids):
    """``make_orgs([{...}, ...])`` creates organizations through the service; returns their ids.

    Each dict takes the service's keys, with ``sectors`` as codes instead of ``sector_ids``.
    """
    from crm.organizations.services import create_organization

    owner = make_user()

    def make(items):
        ids = []
        with app.test_request_context():
            actor = db.session.get(User, owner.id)
            for item in items:
                data = {
                    "name": item["name"],
                    "native_name": item.get("native_name"),
                    "kind": Kind(item.get("kind", "company")),
                    "region": Region(item["region"]),
                    "country": item.get("country", "JP" if item["region"] == "mie" else "ES"),
                    "capabilities": item.get("capabilities", ""),
                    "interests": item.get("interests", ""),
                    "languages": item.get("languages", ""),
                    "sector_ids": [sector_ids[code] for code in item.get("sectors", [])],
                    "cadence_days": 60,
                }
                org = create_organization(data, actor=actor)
                assert org.languages == data["languages"]
                ids.append(org.id)
            db.session.commit()
        return ids

    return make


@pytest.fixture
def trash(app):
    def put_in_trash(organization_id):
        from crm import clock

        with app.app_context():
            db.session.get(Organization, organization_id).deleted_at = clock.now_utc()
            db.session.commit()

    return put_in_trash
