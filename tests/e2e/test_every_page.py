"""Every page Zubia has, in real Chromium: it fits the screen at every width from a phone to a
wide monitor (no sideways page scroll), and axe-core finds no violation of impact serious or
critical (contrast, names, ARIA, focus). axe-core is vendored from the npm registry
(tests/e2e/vendor, MPL-2.0), so the suite needs no network."""

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from crm.accounts.models import Role
from crm.authorization import MATRIX, PARTICIPANT
from crm.events.blueprint import SECTIONS as EVENT_SECTIONS
from tests import test_authorization
from tests.e2e.test_records_journey import sign_in
from tests.test_labels import PAGES

# The event page shows one section at a time: the others are pages of their own.
SECTIONS = [
    (f"events.detail.{section}", f"{path}?section={section}")
    for endpoint, path in PAGES
    if endpoint == "events.detail"
    for section in EVENT_SECTIONS[1:]
]
# A B2B event participant's own pages open by a mailed link, not by signing in.
PARTICIPANT_PAGES = [(e, p) for e, p in PAGES if MATRIX.get(e) == PARTICIPANT]
STAFF_PAGES = [(e, p) for e, p in PAGES + SECTIONS if (e, p) not in PARTICIPANT_PAGES]

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
build = test_authorization.build  # the walk's fixture: the path's records, owned by the user
SEVERE = {"serious", "critical"}
WIDTHS = (360, 390, 768, 1280, 1920)
# How far the page is wider than the screen, and the outermost elements that stick out.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [...document.body.querySelectorAll("*")].filter(e =>
    e.getBoundingClientRect().right > width + 1 && !(e.parentElement.closest(".table-responsive"))
    && !(e.parentElement.getBoundingClientRect().right > width + 1));
  return [document.documentElement.scrollWidth - width,
          out.slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${e.className}`)];
}"""
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))
  }));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    # Zubia's CSP forbids inline scripts, and axe is injected as one.
    return {**browser_context_args, "bypass_csp": True}


def problems(page, url):
    """What is wrong with the page at ``url``: overflow per width, then axe's violations."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in error.message:
            return []  # an attachment: a file, not a page
        raise
    if (
        response is None
        or response.status != 200
        or "text/html" not in response.headers.get("content-type", "")
    ):
        return []  # redirects, files and feeds have no page to check
    if not response.text().lstrip().lower().startswith("<!doctype"):
        return []  # a fragment htmx puts into a page (the page itself is checked)
    return as_shown(page)


def as_shown(page):
    """What is wrong with the page as it is now: overflow per width, then axe's violations."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        extra, culprits = page.evaluate(OVERFLOW)
        if extra > 0:
            found.append(f"{extra} px wider than the screen at {width} px: {culprits}")
    page.add_script_tag(path=str(AXE))
    return found + [v for v in page.evaluate(RUN_AXE) if v["impact"] in SEVERE]


ROLES = list(Role)


# One walk per role, in one browser page signed in once: each page is loaded once and resized
# to every width (a sign-in and a new app per page made the walk three times slower).
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_every_page_fits_every_width_and_has_no_serious_accessibility_violation(
    page, live_server, make_user, build, sectors, role
):
    user = make_user(role, email="ane@zubia.example", name="Ane Etxeberria")
    sign_in(page, live_server, user.email)
    found = {}
    for endpoint, path in STAFF_PAGES:
        # A page the role may not open (403) is skipped by problems(), as redirects are.
        trouble = problems(page, live_server + build(path, user))
        if trouble:
            found[endpoint] = trouble
    assert found == {}


def test_every_participant_page_fits_every_width_and_has_no_serious_violation(
    page, live_server, make_user, build, sectors
):
    user = make_user(Role.ADMIN, email="ane@zubia.example", name="Ane Etxeberria")
    found = {}
    for endpoint, path in PARTICIPANT_PAGES:
        url = live_server + build(path, user)
        follow_a_link(page, live_server, build.app, build.registrant)
        trouble = problems(page, url)
        if trouble:
            found[endpoint] = trouble
    assert PARTICIPANT_PAGES and found == {}


def follow_a_link(page, live_server, app, registrant_id):
    from crm.clock import now_utc
    from crm.extensions import db
    from crm.public_events import links
    from crm.public_events.models import LinkPurpose, Registrant

    with app.test_request_context():
        registrant = db.session.get(Registrant, registrant_id)
        token = links.token(links.issue(registrant, LinkPurpose.ACCESS, now_utc()))
        db.session.commit()
    page.goto(f"{live_server}/e/link/{token}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me")


def test_the_open_picker_has_no_serious_accessibility_violation(
    page, live_server, make_user, records
):
    """The states the crawl never sees: a chip, the combobox's list open on an option."""
    user = make_user(name="Ane Etxeberria")
    suzuka = records.org(user, name="Suzuka Precision", native_name="鈴鹿精密")
    records.org(user, name="Suzuki Motor")
    records.contact(user, suzuka, given_name="Taro", family_name="Yamada")
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/meetings/new?organization_id={suzuka}")
    combobox = page.get_by_role("combobox", name="Search organizations")
    combobox.fill("suzu")
    page.get_by_role("listbox", name="Matching organizations").get_by_role("option").wait_for()
    page.keyboard.press("ArrowDown")
    assert as_shown(page) == []
