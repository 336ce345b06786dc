"""A file exported from Zubia imports back: its headers are the fields' own labels."""

import pytest

from crm.accounts.models import Role
from crm.contacts import fields as contacts
from crm.organizations import fields as organizations
from tests.imports.conftest import mapping_post, run_id_of, selected_mapping, upload


@pytest.mark.parametrize(
    ("kind", "fields", "path"),
    [
        ("organization", organizations.FIELDS, "/organizations/export.csv"),
        ("contact", contacts.FIELDS, "/contacts/export.csv"),
    ],
)
def test_an_export_maps_back_onto_its_fields(client, login, records, kind, fields, path):
    manager = login(Role.MANAGER)
    org_id = records.org(manager, name="Mie University", native_name="三重大学")
    records.contact(
        manager, org_id, given_name="Taro", family_name="Yamada", phone="+81592311111",
        email="yamada@mie-u.example", reading="やまだ たろう",
    )  # fmt: skip
    exported = client.get(path).data
    run_id = run_id_of(upload(client, exported, kind=kind))
    chosen = selected_mapping(client.get(f"/imports/{run_id}/mapping").get_data(as_text=True))
    headers = {str(label) for label, _cell in fields.exported}
    expected = {str(f.label): f.import_name for f in fields.imported if str(f.label) in headers}
    assert expected, kind
    assert {header: chosen[header] for header in expected} == expected
    assert chosen["ID"] == "" and chosen["Created"] == ""  # not fields anyone imports


def test_an_exported_file_imports_back_unchanged(client, login, records):
    """Every value survives the way out and back in: nothing to create, nothing to update."""
    manager = login(Role.MANAGER)
    org_id = records.org(manager, name="Mie University", native_name="三重大学", city="Tsu")
    records.contact(
        manager, org_id, given_name="Taro", family_name="Yamada", phone="+81592311111",
        email="yamada@mie-u.example", reading="やまだ たろう", job_title="教授",
        other_phones="Home: +81592221111; Fax: +81592319002",
    )  # fmt: skip
    records.contact(  # an unlabelled first number: the export marks the cell with '
        manager, org_id, given_name="Keiko", family_name="Tanaka", email="tanaka@mie-u.example",
        other_phones="+81592221112; Home: +81592221113",
    )  # fmt: skip
    for kind, path in (("organization", "/organizations/export.csv"),
                       ("contact", "/contacts/export.csv")):  # fmt: skip
        run_id = run_id_of(upload(client, client.get(path).data, kind=kind))
        assert mapping_post(client, run_id).status_code == 302
        html = client.get(f"/imports/{run_id}/preview?show=all").get_data(as_text=True)
        assert "0 will be created, 0 will update" in html, kind
        assert "0 of them because of a problem" in html, kind
        assert "unchanged" in html, kind
