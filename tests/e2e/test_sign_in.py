"""A point of contact signs in, as a person would: by typing into the labelled fields."""

import re

import pytest
from playwright.sync_api import expect

from crm.accounts.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_sign_in_lands_on_the_home_page(page, live_server, make_user):
    user = make_user(name="Ane Etxeberria", email="ane@zubia.example")
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email", exact=True).fill("ane@zubia.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(user.name)
    expect(page.get_by_text("Tsu")).to_be_visible()


def test_a_wrong_password_shows_a_message_and_keeps_the_email(page, live_server, make_user):
    make_user(email="ane@zubia.example")
    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill("ane@zubia.example")
    page.get_by_label("Password").fill("not the right one")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email", exact=True)).to_have_value("ane@zubia.example")


def test_a_tsu_user_works_in_japanese_and_signs_out(browser, live_server, make_user):
    make_user(email="haruka@mie.example", name="山田 遥", language="ja", timezone="Asia/Tokyo")
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(live_server + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_label("メールアドレス").fill("haruka@mie.example")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("山田 遥")
    page.get_by_role("button", name="山田 遥").click()  # the menu under the person's name
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    context.close()


def test_an_admin_creates_an_account_with_the_form(page, live_server, make_user):
    admin = make_user(Role.ADMIN)
    page.goto(live_server + "/login")
    page.get_by_label("Email", exact=True).fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="More").click()  # secondary areas are in a menu
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="New account").click()
    page.get_by_label("Email", exact=True).fill("kenji@mie.example")
    page.get_by_label("Display name").fill("鈴木 健二")
    page.get_by_label("Role").select_option(label="Point of contact")
    page.get_by_label("Language").first.select_option("ja")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_label("New password", exact=True).fill("a passphrase for Tsu")
    page.get_by_label("Repeat the new password").fill("a passphrase for Tsu")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Account created for 鈴木 健二.")
    expect(page.get_by_role("cell", name="kenji@mie.example")).to_be_visible()
