"""Two organizations at either end of the bridge, and a form builder for visits and stops."""

import pytest

from crm.organizations.models import Kind, Region


@pytest.fixture
def orgs(records, make_user):
    """{"basque": id, "mie": id}: the lead organization and a host in Mie."""
    owner = make_user()
    return {
        "basque": records.org(owner, name="SPRI Basque Business Development Agency"),
        "mie": records.org(
            owner,
            name="Mie Prefectural Government",
            native_name="三重県庁",
            kind=Kind.GOVERNMENT,
            region=Region.MIE,
            country="JP",
        ),
    }


def visit_form(user, lead, **changes):
    data = {
        "direction": "to_mie",
        "title": "Basque industry delegation to Mie",
        "start_date": "2026-11-02",
        "end_date": "2026-11-06",
        "lead_organization_id": str(lead),
        "user_ids": [str(user.id)],
        "description": "Meet the prefecture and the aeronautics cluster.",
        "outcomes": "",
    }
    data.update(changes)
    return data


def stop_form(host, **changes):
    data = {
        "date": "2026-11-03",
        "time": "10:00",
        "occurrence": "",
        "duration_minutes": "90",
        "host_organization_id": str(host),
        "place": "Tsu, prefectural office",
        "purpose": "Courtesy call on the governor",
        "version": "1",
    }
    data.update(changes)
    return data
