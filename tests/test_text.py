"""Organization names compare without their legal form (duplicates, imports)."""

import pytest

from crm.text import organization_name_key, search_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("監査工業（株）", "監査工業株式会社"),
        ("㈱監査工業", "株式会社 監査工業"),
        ("Ise Bay Aero Co., Ltd.", "ISE BAY AERO"),
        ("Ideko S.Coop.", "Ideko"),
        ("Gestamp S.A.", "Gestamp"),
        ("Aernnova S.L.U.", "Aernnova"),
        ("Ｍｉｅ Ｓｅｉｋｉ Ｋ.Ｋ.", "Mie Seiki"),
    ],
)
def test_legal_forms_do_not_make_another_organization(a, b):
    assert organization_name_key(a) == organization_name_key(b)


@pytest.mark.parametrize("name", ["Casa", "Sala", "Limited", "SA"])
def test_a_name_is_not_its_legal_form(name):
    assert organization_name_key(name) == search_key(name).replace(" ", "")
