"""Agreements, success stories and guide pages go to the trash and come back (DATA-4)."""

from datetime import date

import pytest

from crm.accounts.models import Role
from crm.extensions import db
from crm.guide.models import GuidePage
from crm.programme.models import Agreement, SuccessStory


def add(app, item):
    with app.app_context():
        db.session.add(item)
        db.session.commit()
        return item.id


@pytest.fixture
def kinds(app):
    """kind → (detail URL, list URL, delete URL, the text that shows the record) per owner."""

    def make(owner):
        agreement = add(app, Agreement(title="MoU on shared sectors", owner_id=owner.id))
        story = add(
            app,
            SuccessStory(
                title="Precision machining order",
                achievement="other",
                achieved_on=date(2026, 5, 1),
                owner_id=owner.id,
            ),
        )
        add(app, GuidePage(slug="business-cards", title="Business cards", owner_id=owner.id))
        return {
            "agreement": (
                f"/programme/agreements/{agreement}",
                "/programme/agreements/",
                "MoU on shared sectors",
                agreement,
            ),
            "story": (
                f"/programme/stories/{story}",
                "/programme/stories/",
                "Precision machining order",
                story,
            ),
            "guide_page": ("/guide/business-cards", "/guide/", "Business cards", None),
        }

    return make


@pytest.mark.parametrize("kind", ["agreement", "story", "guide_page"])
def test_trashed_then_restored(app, client, login, kinds, kind):
    manager = login(Role.MANAGER)
    detail, listing, text, _ = kinds(manager)[kind]
    page = client.get(detail)
    assert "Move to trash" in page.text

    response = client.post(f"{detail}/delete", follow_redirects=True)
    assert "was moved to the trash" in response.text
    assert client.get(detail).status_code == 404
    assert text not in client.get(listing).text
    trash = client.get("/trash/").text
    assert text in trash

    with app.app_context():
        model = {"agreement": Agreement, "story": SuccessStory, "guide_page": GuidePage}[kind]
        item = db.session.scalar(db.select(model).where(model.title == text))
        record_id = item.id
    client.post(f"/trash/{kind}/{record_id}/restore")
    assert client.get(detail).status_code == 200
    assert text in client.get(listing).text


def test_a_point_of_contact_may_not_trash_someone_elses_guide_page(client, login, make_user, kinds):
    kinds(make_user())
    login(Role.POINT_OF_CONTACT)
    page = client.get("/guide/business-cards")
    assert "Edit" in page.text and "Move to trash" not in page.text
    assert client.post("/guide/business-cards/delete").status_code == 403
    assert client.get("/guide/business-cards").status_code == 200


def test_a_new_page_cannot_take_the_address_of_a_trashed_one(client, login, kinds):
    manager = login(Role.MANAGER)
    kinds(manager)
    client.post("/guide/business-cards/delete")
    response = client.post(
        "/guide/new", data={"title": "Cards", "slug": "business-cards", "body": "Two hands."}
    )
    assert "A page in the trash has this address" in response.text
