"""The web app's promise, in a real browser: a client signs up and books a time shown in their own
zone, is told in the app, and joins inside the window; the counselor sees it on the day's agenda and
writes a note the client never sees; the admin finds it in the branch report. Once on a desktop
screen and once on a 360 px phone, with every main page checked by axe-core and photographed."""

from __future__ import annotations

import re
import uuid

import pytest
from selenium.webdriver.common.by import By

from tests.browser.journey import (
    CLIENT_ZONE,
    PASSWORD,
    Practice,
    click,
    clock,
    fill,
    go,
    heading,
    main_text,
    open_practice,
    sign_in,
    signed_in_api,
    stored_user,
    submit,
    visit,
)
from tests.support.browser import (
    check_accessibility,
    console_errors,
    describe_violations,
    open_browser,
    screenshot,
    transferred_bytes,
    wait_for,
)

pytestmark = pytest.mark.slow

SCREENS = {"desktop": (1280, 900), "phone": (360, 740)}
PAGE_BUDGET_BYTES = 200_000


class Checks:
    """What every main page must pass, gathered so one run reports them all."""

    def __init__(self, screen: str) -> None:
        self.screen = screen
        self.problems: list[str] = []

    def page(self, driver, name: str) -> None:
        wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "main .loading"))
        violations = check_accessibility(driver)
        if violations:
            self.problems.append(f"{name}: {describe_violations(violations)}")
        if driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1"):
            self.problems.append(f"{name}: wider than the {self.screen} screen")
        # A 4xx the API answered is shown to the person (the sign-up mistake); scripts must not fail.
        errors = [line for line in console_errors(driver) if not re.search(r"status of 4\d\d", line)]
        if errors:
            self.problems.append(f"{name}: console errors {errors}")
        prefix = "" if self.screen == "desktop" else f"{self.screen}-"
        screenshot(driver, f"{prefix}{name}")

    def first_load(self, driver, name: str) -> None:
        sent = transferred_bytes(driver)
        if sent >= PAGE_BUDGET_BYTES:
            self.problems.append(f"{name}: {sent} bytes transferred")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_client_books_and_joins_the_counselor_notes_it_and_the_admin_sees_it(platform, screen):
    practice = open_practice(platform)
    checks = Checks(screen)
    width, height = SCREENS[screen]
    client = open_browser(width, height, timezone=CLIENT_ZONE)
    counselor = open_browser(width, height)
    admin = open_browser(width, height)
    try:
        session_id, shown = client_signs_up_books_and_joins(platform, client, practice, checks)
        note = counselor_finds_it_on_the_agenda_and_writes_a_note(
            platform, counselor, practice, session_id, checks
        )
        client_cannot_see_the_note(platform, client, session_id, note)
        admin_sees_it_in_the_branch_report(platform, admin, practice, checks)
    finally:
        for driver in (client, counselor, admin):
            driver.quit()
    assert not checks.problems, "\n".join(checks.problems)
    assert shown == clock(practice.first_start, CLIENT_ZONE)


def client_signs_up_books_and_joins(platform, driver, practice: Practice, checks: Checks):
    email = f"kamau-{uuid.uuid4().hex[:8]}@example.org"
    visit(driver, platform, f"/sign-up?org={practice.org['slug']}")
    checks.first_load(driver, "client-sign-up")
    # The time zone comes from the phone itself; the client need not know its IANA name.
    assert driver.find_element(By.ID, "sign-up-timezone").get_attribute("value") == CLIENT_ZONE
    assert driver.find_element(By.ID, "sign-up-org_slug").get_attribute("value") == practice.org["slug"]
    checks.page(driver, "client-sign-up")

    # A mistake is shown beside its field and nothing typed is lost.
    fill(driver, "sign-up", {"name": "Kamau Njoroge", "email": email, "password": "short"})
    submit(driver, "sign-up")
    error = wait_for(driver, lambda d: d.find_element(By.ID, "sign-up-password-error").text)
    assert error
    assert driver.find_element(By.ID, "sign-up-name").get_attribute("value") == "Kamau Njoroge"
    assert driver.find_element(By.ID, "sign-up-email").get_attribute("value") == email

    fill(driver, "sign-up", {"password": PASSWORD})
    submit(driver, "sign-up")
    wait_for(driver, lambda d: "/book" in d.current_url)
    assert stored_user(driver)["timezone"] == CLIENT_ZONE

    # The first free time, in the client's zone, not the branch's.
    first = click(driver, "button.slot")
    shown = first.text
    assert shown == clock(practice.first_start, CLIENT_ZONE)
    assert f"{CLIENT_ZONE}" in main_text(driver)
    fill(driver, "booking", {"topic": "Moving from teaching into data work"})
    checks.page(driver, "client-book")
    submit(driver, "booking")
    wait_for(driver, lambda d: "/sessions/" in d.current_url)
    session_id = driver.current_url.rsplit("/sessions/", 1)[1].split("?")[0]
    # The address changes before the session's page has its answer: wait for the page itself.
    assert shown in wait_for(driver, lambda d: d.find_elements(By.ID, "session-when"))[0].text

    # Inside the join window the button works and hands over the video room.
    click(driver, "#join")
    room = wait_for(driver, lambda d: d.find_elements(By.ID, "room-link"))[0]
    assert (room.get_attribute("href") or "").startswith("http")
    checks.page(driver, "client-session")

    # The booking confirmation arrives in the app (sent by the notifications service).
    heading_text = go(driver, "/notifications")
    assert heading_text

    def confirmation_listed(d) -> bool:
        if d.find_elements(By.CSS_SELECTOR, "#notifications li"):
            return True
        click(d, "main button")  # "Check for new"
        return False

    wait_for(driver, confirmation_listed, timeout=30)
    listed = driver.find_element(By.ID, "notifications").text
    assert shown in listed, listed
    checks.page(driver, "client-notifications")

    go(driver, "/sessions")
    assert shown in main_text(driver)
    checks.page(driver, "client-sessions")
    return session_id, shown


def counselor_finds_it_on_the_agenda_and_writes_a_note(platform, driver, practice, session_id, checks):
    sign_in(driver, platform, practice.counselor_email)
    checks.first_load(driver, "counselor-agenda")
    assert "/agenda" in driver.current_url
    agenda = main_text(driver)
    assert "Kamau Njoroge" in agenda
    assert clock(practice.first_start, practice.branch["timezone"]) in agenda
    checks.page(driver, "counselor-agenda")

    click(driver, f"a[href='#/sessions/{session_id}']")
    wait_for(driver, lambda d: d.find_elements(By.ID, "note-form-text"))
    note = f"Strong maths background; wants a data analyst route ({uuid.uuid4().hex[:6]})."
    fill(driver, "note-form", {"text": note})
    submit(driver, "note-form")
    wait_for(driver, lambda d: note in main_text(d))
    checks.page(driver, "counselor-session")

    go(driver, "/availability")
    checks.page(driver, "counselor-availability")
    return note


def client_cannot_see_the_note(platform, driver, session_id, note):
    go(driver, f"/sessions/{session_id}")
    heading(driver)
    assert note not in driver.page_source
    client = signed_in_api(platform, stored_user(driver)["email"])
    assert client.get(f"/api/v1/sessions/{session_id}/notes").status_code in (403, 404)


def admin_sees_it_in_the_branch_report(platform, driver, practice, checks):
    sign_in(driver, platform, practice.admin_email)
    checks.first_load(driver, "admin-report")
    assert "/report" in driver.current_url
    row = wait_for(
        driver,
        lambda d: [
            r for r in d.find_elements(By.CSS_SELECTOR, "main table tr") if practice.branch["name"] in r.text
        ],
    )[0]
    # sessions, completed, cancelled, no-show: the one booked session is counted.
    assert [cell.text for cell in row.find_elements(By.TAG_NAME, "td")][1] == "1"
    assert driver.find_elements(By.CSS_SELECTOR, "main svg[role='img']")
    checks.page(driver, "admin-report")
    go(driver, "/branches")
    assert practice.counselor_name in main_text(driver)
    checks.page(driver, "admin-branches")
