"""Choosing an organization in a picker the way a person does: type part of its name in the
picker's search box, then click the match."""


def pick_organization(page, field, typed, name):
    """In the picker labelled ``field``, type ``typed`` and choose the option ``name``."""
    picker = page.get_by_role("group", name=field, exact=True)
    picker.get_by_role("combobox", name="Search organizations").fill(typed)
    picker.get_by_role("option", name=name).click()
    picker.get_by_role("button", name=f"Remove {name}").wait_for()
