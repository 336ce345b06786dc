"""A row without a region cell takes its region from what else it says, and the preview says so."""

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.imports import regions
from crm.organizations.models import Organization, Region
from tests.imports.conftest import mapping_post, run_id_of, upload


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ({"address": "三重県津市栗真町屋町1577"}, None, (Region.MIE, "address")),
        ({"city": "Yokkaichi"}, None, (Region.MIE, "address")),
        ({"address": "Parque Tecnológico, Zamudio"}, None, (Region.BASQUE_COUNTRY, "address")),
        ({"postcode": "〒514-8507"}, None, (Region.MIE, "postcode")),
        ({"postcode": "100-0001"}, "JP", (Region.OTHER_JAPAN, "postcode")),
        ({"postcode": "20009"}, "ES", (Region.BASQUE_COUNTRY, "postcode")),
        ({"postcode": "28001"}, "ES", (Region.OTHER_EUROPE, "postcode")),
        ({"phone": "+81 59-231-9000"}, None, (Region.MIE, "phone")),
        ({"phone": "059-231-9000"}, None, (Region.MIE, "phone")),
        ({"phone": "+34 943 00 90 02"}, None, (Region.BASQUE_COUNTRY, "phone")),
        ({"phone": "944 00 90 02"}, None, (Region.BASQUE_COUNTRY, "phone")),
        ({"phone": "+81 3-1234-5678"}, None, (Region.OTHER_JAPAN, "phone")),
        ({}, "DE", (Region.OTHER_EUROPE, "country")),
        ({"phone": "0081 59 231 9000"}, None, (Region.MIE, "phone")),
        ({}, "ES", (Region.OTHER_EUROPE, "country")),
        ({}, None, (None, None)),
        ({"city": "Miedes"}, None, (None, None)),  # "mie" only as a word
    ],
)  # fmt: skip
def test_the_first_rule_that_tells_decides(raw, country, expected):
    assert regions.infer(raw, country, None) == expected


def test_the_default_comes_last():
    assert regions.infer({}, None, "mie") == (Region.MIE, "default")
    # A country with two of the programme's regions: the default says which, if it can.
    assert regions.infer({}, "ES", "basque_country") == (Region.BASQUE_COUNTRY, "default")
    assert regions.infer({}, "ES", "mie") == (Region.OTHER_EUROPE, "country")
    assert regions.infer({}, "JP", "mie") == (Region.MIE, "default")
    assert regions.infer({"phone": "+34 944 000 000"}, None, "mie")[0] is Region.BASQUE_COUNTRY


def test_an_organization_file_without_regions(client, login, app):
    login()
    data = (
        "会社名,住所,電話,国\n"
        "伊勢湾航空部品株式会社,三重県四日市市霞ヶ浦1-2-3,,\n"
        "Bizkaia Forge,,+34 944 00 90 02,\n"
        "Berlin Tooling,,,Germany\n"
        "Somewhere Ltd,,,\n"
    ).encode()
    run_id = run_id_of(upload(client, data, kind="organization"))
    mapping_post(client, run_id, new_region="mie")
    html = client.get(f"/imports/{run_id}/preview?show=all").get_data(as_text=True)
    assert "Mie Prefecture, from its address" in html
    assert "Basque Country, from its phone number" in html
    assert "from the region chosen for this file" in html
    client.post(f"/imports/{run_id}/confirm")
    with app.app_context():
        found = dict(db.session.execute(select(Organization.name, Organization.region)).all())
    assert found == {
        "伊勢湾航空部品株式会社": Region.MIE,
        "Bizkaia Forge": Region.BASQUE_COUNTRY,
        "Berlin Tooling": Region.OTHER_EUROPE,
        "Somewhere Ltd": Region.MIE,
    }


def test_without_a_default_a_row_that_tells_nothing_is_refused(client, login, app):
    login()
    data = b"Name,City\nSomewhere Ltd,\nTsu Valves,Tsu-shi Mie\n"
    run_id = run_id_of(upload(client, data, kind="organization"))
    mapping_post(client, run_id)
    html = client.get(f"/imports/{run_id}/preview?show=all").get_data(as_text=True)
    assert "Region: this required field is empty." in html


def test_organizations_created_by_a_contact_import_take_the_region_of_their_row(
    client, login, app, partners
):
    login()
    data = (
        "Company,First Name,Last Name,Business Phone\n"
        "伊勢湾航空部品株式会社,Kenji,Ito,059-345-1234\n"
        "Gernika Coop,Ane,Arrieta,\n"
    ).encode()
    run_id = run_id_of(upload(client, data))
    mapping_post(client, run_id, create_organizations="y", new_region="basque_country")
    html = client.get(f"/imports/{run_id}/preview?show=all").get_data(as_text=True)
    assert "Mie Prefecture, from its phone number" in html
    client.post(f"/imports/{run_id}/confirm")
    with app.app_context():
        found = dict(
            db.session.execute(
                select(Organization.name, Organization.region).where(
                    Organization.name.in_(["伊勢湾航空部品株式会社", "Gernika Coop"])
                )
            ).all()
        )
    assert found == {"伊勢湾航空部品株式会社": Region.MIE, "Gernika Coop": Region.BASQUE_COUNTRY}
