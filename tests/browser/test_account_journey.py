"""An account's life in a real browser (issue 14): an admin invites a counselor by email; the
counselor accepts from the link in the email the SMTP server received, sets a password and weekly
hours, turns on two-factor sign-in and signs in again with a code; a client who forgot their
password resets it from the emailed link. Every new page is checked by axe-core and photographed."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest
from selenium.webdriver.common.by import By

from tests.browser.journey import (
    PASSWORD,
    click,
    fill,
    go,
    heading,
    mailed_link,
    signed_in_api,
    submit,
    visit,
)
from tests.support.browser import (
    open_browser,
    page_problems,
    screenshot,
    wait_for,
)
from tests.support.builders import make_branch, make_organization, make_registration
from tests.support.platform import Api
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

NEW_PASSWORD = "a-new-pass-word-2"


class Checks:
    """What every page of the journey must pass, gathered so one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def page(self, driver, name: str) -> None:
        self.problems += page_problems(driver, name)
        screenshot(driver, name)


def token_of(driver) -> str:
    return str(driver.execute_script("return localStorage.getItem('njia.token')"))


def fresh_code(totp: pyotp.TOTP, used: set[int]) -> str:
    """A code of a time step not used yet (a code is accepted once): waits for the next step if needed."""
    step = wait_until(
        lambda: (totp.timecode(time.time()) not in used) and totp.timecode(time.time()),
        timeout=35,
        interval=0.5,
    )
    used.add(step)
    return totp.generate_otp(step)


def test_an_invited_counselor_joins_turns_on_two_factor_and_a_client_resets_a_password(platform):
    body = make_organization()
    Api(platform).post("/api/v1/organizations", body).raise_for_status()
    admin_api = signed_in_api(platform, body["admin"]["email"])
    branch = admin_api.post("/api/v1/branches", make_branch()).json()
    counselor_email = f"wairimu-{uuid.uuid4().hex[:8]}@example.org"
    checks = Checks()
    admin = open_browser(1280, 900)
    counselor = open_browser(1280, 900)
    client = open_browser(360, 740)
    try:
        admin_invites_a_counselor(platform, admin, body["admin"]["email"], branch, counselor_email, checks)
        counselor_accepts_sets_hours_and_turns_on_two_factor(platform, counselor, counselor_email, checks)
        admin_sees_the_invitation_accepted(admin, counselor_email)
        a_client_resets_a_forgotten_password(platform, client, body["slug"], checks)
    finally:
        for driver in (admin, counselor, client):
            driver.quit()
    assert not checks.problems, "\n".join(checks.problems)


def admin_invites_a_counselor(platform, driver, admin_email, branch, counselor_email, checks):
    visit(driver, platform, "/sign-in")
    fill(driver, "sign-in", {"email": admin_email, "password": PASSWORD})
    submit(driver, "sign-in")
    wait_for(driver, lambda d: "/report" in d.current_url)
    go(driver, "/people")
    fill(
        driver,
        "invite",
        {"name": "Wairimu Kariuki", "email": counselor_email, "role": "counselor", "branch_id": branch["id"]},
    )
    submit(driver, "invite")
    wait_for(driver, lambda d: counselor_email in d.find_element(By.ID, "main").text)
    listed = driver.find_element(By.ID, "invitation-list").text
    assert "Wairimu Kariuki" in listed and "Sent" in listed, listed
    checks.page(driver, "admin-people")


def counselor_accepts_sets_hours_and_turns_on_two_factor(platform, driver, email, checks):
    link = mailed_link(platform, email, "/#/accept")
    assert link.startswith(platform.base_url), link
    driver.get(link)
    assert heading(driver) == "Join your organization on Njia"
    checks.page(driver, "counselor-accept")
    fill(driver, "accept", {"password": PASSWORD})
    submit(driver, "accept")
    wait_for(driver, lambda d: "/agenda" in d.current_url, timeout=20)
    assert "Wairimu Kariuki" in driver.find_element(By.CSS_SELECTOR, ".who").text
    # The link is single-use.
    token = link.split("token=")[1]
    again = Api(platform).post("/api/v1/invitations/accept", {"token": token, "password": PASSWORD})
    assert again.status_code in (404, 409, 410, 422), again.text

    # Weekly hours: the suggested ones, the first day starting an hour earlier.
    go(driver, "/availability")
    start = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name='weekly.0.start']"))[0]
    driver.execute_script(
        "arguments[0].value = '08:00'; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", start
    )
    click(driver, "#availability-save")
    account = Api(platform, token_of(driver))
    me = account.get("/api/v1/me").json()

    def first_start(_) -> bool:
        hours = account.get(f"/api/v1/counselors/{me['id']}/availability").json()
        return bool(hours.get("weekly")) and hours["weekly"][0]["start"] == "08:00"

    wait_for(driver, first_start)
    checks.page(driver, "counselor-first-hours")

    # A new calendar feed link: the old one stops answering at once.
    go(driver, "/agenda")
    old_feed = driver.find_element(By.ID, "calendar-feed-url").get_attribute("value")
    click(driver, "#rotate-feed")
    click(driver, "#rotate-feed-confirm")
    wait_for(driver, lambda d: d.find_element(By.ID, "calendar-feed-url").get_attribute("value") != old_feed)
    assert Api(platform).get(old_feed.removeprefix(platform.base_url)).status_code == 404

    # Two-factor sign-in, with the key shown on the page typed into an authenticator (pyotp).
    go(driver, "/security")
    checks.page(driver, "counselor-security")
    click(driver, "#two-factor-start")
    secret = wait_for(driver, lambda d: d.find_element(By.ID, "two-factor-secret").text).replace(" ", "")
    qr = driver.find_element(By.ID, "two-factor-qr")
    assert qr.get_attribute("alt") and qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert driver.execute_script("return arguments[0].naturalWidth > 0", qr), "the QR code did not draw"
    checks.page(driver, "counselor-two-factor-setup")
    totp = pyotp.TOTP(secret)
    used: set[int] = set()
    fill(driver, "two-factor-confirm", {"code": fresh_code(totp, used)})
    submit(driver, "two-factor-confirm")
    codes = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#recovery-codes li"))
    assert len(codes) == 10
    recovery = [code.text for code in codes]
    checks.page(driver, "counselor-recovery-codes")
    click(driver, "#recovery-saved")
    wait_for(driver, lambda d: d.find_element(By.ID, "two-factor-state").text == "On")

    # Signed out, a password alone is not enough: the page asks for the app's code.
    click(driver, "#sign-out")
    wait_for(driver, lambda d: "/sign-in" in d.current_url)
    heading(driver)
    fill(driver, "sign-in", {"email": email, "password": PASSWORD})
    submit(driver, "sign-in")
    shown = "return [...document.querySelectorAll('#sign-in-code')].filter((e) => e.offsetParent)"
    code_field = wait_for(driver, lambda d: d.execute_script(shown))[0]
    assert "/sign-in" in driver.current_url
    fill(driver, "sign-in", {"code": "000000" if totp.now() != "000000" else "111111"})
    submit(driver, "sign-in")
    wait_for(driver, lambda d: d.find_element(By.ID, "sign-in-code-error").text)
    checks.page(driver, "counselor-sign-in-code")
    code_field.clear()
    fill(driver, "sign-in", {"code": fresh_code(totp, used)})
    submit(driver, "sign-in")
    wait_for(driver, lambda d: "/agenda" in d.current_url, timeout=20)
    assert Api(platform).post("/api/v1/auth/token", {"email": email, "password": PASSWORD}).status_code == 401

    # A recovery code (the phone lost) turns it off again; a password alone then signs in.
    go(driver, "/security")
    fill(driver, "two-factor-off", {"code": recovery[0]})
    submit(driver, "two-factor-off")
    wait_for(driver, lambda d: d.find_element(By.ID, "two-factor-state").text == "Off")
    assert Api(platform).post("/api/v1/auth/token", {"email": email, "password": PASSWORD}).status_code == 200


def admin_sees_the_invitation_accepted(driver, counselor_email):
    go(driver, "/people?status=accepted")
    wait_for(driver, lambda d: counselor_email in d.find_element(By.ID, "invitation-list").text)
    assert "Accepted" in driver.find_element(By.ID, "invitation-list").text


def a_client_resets_a_forgotten_password(platform, driver, org_slug, checks):
    registration = make_registration(org_slug, name="Kamau Njoroge")
    assert Api(platform).post("/api/v1/auth/register", registration).status_code == 201
    visit(driver, platform, "/sign-in")
    click(driver, "#forgot-link")
    wait_for(driver, lambda d: "/forgot" in d.current_url)
    heading(driver)
    fill(driver, "forgot", {"email": registration["email"]})
    submit(driver, "forgot")
    sent = wait_for(driver, lambda d: d.find_elements(By.ID, "forgot-sent"))[0]
    assert registration["email"] in sent.text
    checks.page(driver, "phone-client-forgot")

    link = mailed_link(platform, registration["email"], "/#/reset")
    driver.get(link)
    assert heading(driver) == "Choose a new password"
    checks.page(driver, "phone-client-reset")
    fill(driver, "reset", {"password": NEW_PASSWORD})
    submit(driver, "reset")
    wait_for(driver, lambda d: "/reset" not in d.current_url and "/sign-in" not in d.current_url, timeout=20)
    assert "Kamau Njoroge" in driver.find_element(By.CSS_SELECTOR, ".who").text

    # Signed out, the new password signs in; the old one no longer does.
    click(driver, "#sign-out")
    wait_for(driver, lambda d: "/sign-in" in d.current_url)
    heading(driver)
    fill(driver, "sign-in", {"email": registration["email"], "password": NEW_PASSWORD})
    submit(driver, "sign-in")
    wait_for(driver, lambda d: "/sign-in" not in d.current_url, timeout=20)
    assert "Kamau Njoroge" in driver.find_element(By.CSS_SELECTOR, ".who").text
    old = Api(platform).post("/api/v1/auth/token", {"email": registration["email"], "password": PASSWORD})
    assert old.status_code == 401, old.text
