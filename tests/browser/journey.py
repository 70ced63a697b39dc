"""What the browser tests do as people: sign up, book, join, write notes, read the report.

Pages are found by what a person sees and by the stable ids the app gives its forms
(``<form id>-<field name>``), never by layout.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as seen

from tests.support.browser import page_loaded, wait_for
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.platform import Api, MadeUpPlatform, Platform
from tests.support.waiting import wait_until

PASSWORD = "pass-word-1"
# Far from every branch zone, with a half-hour offset: a time shown in the wrong zone is plain to see.
CLIENT_ZONE = "Australia/Adelaide"
BRANCH_ZONES = ("Africa/Nairobi", "America/Sao_Paulo", "Asia/Tokyo", "Pacific/Honolulu", "Europe/Lisbon")


def daytime_zone(now: dt.datetime) -> str:
    """A branch zone where it is day for the next hours, so a session starting soon is today there."""
    for zone in BRANCH_ZONES:
        if 1 <= now.astimezone(ZoneInfo(zone)).hour <= 19:
            return zone
    raise AssertionError("no daytime zone")  # pragma: no cover - five zones cover every hour


@dataclass
class Practice:
    """An organization with one branch and one counselor who is free from a few minutes from now."""

    org: dict[str, Any]
    admin_email: str
    branch: dict[str, Any]
    counselor_email: str
    counselor_name: str
    first_start: dt.datetime


def open_practice(platform: Platform) -> Practice:
    body = make_organization()
    org = Api(platform).post("/api/v1/organizations", body).json()
    admin = signed_in_api(platform, body["admin"]["email"])
    now = dt.datetime.now(dt.UTC)
    zone = daytime_zone(now)
    branch = admin.post("/api/v1/branches", make_branch(timezone=zone)).json()
    counselor_body = make_user("counselor", branch["id"], name="Achieng Otieno")
    counselor = admin.post("/api/v1/users", counselor_body).json()
    # The first free time starts 3 to 8 minutes from now: inside the join window once booked.
    local = (now + dt.timedelta(minutes=3)).astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)
    first = local + dt.timedelta(minutes=(5 - local.minute % 5) % 5)
    availability = make_availability(
        timezone=zone,
        min_notice_minutes=0,
        exceptions=[{"date": first.date().isoformat(), "start": f"{first:%H:%M}", "end": "23:55"}],
    )
    saved = admin.put(f"/api/v1/counselors/{counselor['id']}/availability", availability)
    assert saved.status_code == 200, saved.text
    return Practice(org, body["admin"]["email"], branch, counselor_body["email"], "Achieng Otieno", first)


def signed_in_api(platform: Platform, email: str) -> Api:
    token = Api(platform).post("/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return Api(platform, token.json()["access_token"])


def clock(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")


# The browser ---------------------------------------------------------------------------------


def visit(driver: WebDriver, platform: Platform, route: str) -> None:
    driver.get(platform.url(f"/#{route}"))
    wait_for(driver, page_loaded)
    heading(driver)


def heading(driver: WebDriver) -> str:
    """The page's heading; read in the page itself, as the app may re-render it at any moment."""
    return str(
        wait_for(driver, lambda d: d.execute_script("return document.querySelector('main h1')?.innerText"))
    )


def go(driver: WebDriver, route: str) -> str:
    """Follow the app's own link (as a person clicking the menu), then wait for the page."""
    before = driver.execute_script("return document.querySelector('main h1')")
    driver.execute_script("location.hash = arguments[0]", f"#{route}")
    wait_for(
        driver, lambda d: d.execute_script("return document.querySelector('main h1')") not in (None, before)
    )
    return heading(driver)


def field(driver: WebDriver, form_id: str, name: str) -> WebElement:
    return wait_for(driver, seen.element_to_be_clickable((By.ID, f"{form_id}-{name}")))


def fill(driver: WebDriver, form_id: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        element = field(driver, form_id, name)
        if element.tag_name == "select":
            driver.execute_script(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))",
                element,
                value,
            )
        else:
            element.clear()
            element.send_keys(value)


def submit(driver: WebDriver, form_id: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type=submit]").click()


def click(driver: WebDriver, css: str, timeout: float = 10) -> WebElement:
    element = wait_for(driver, seen.element_to_be_clickable((By.CSS_SELECTOR, css)), timeout)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    return element


def main_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def sign_in(driver: WebDriver, platform: Platform, email: str) -> str:
    visit(driver, platform, "/sign-in")
    fill(driver, "sign-in", {"email": email, "password": PASSWORD})
    submit(driver, "sign-in")
    wait_for(driver, lambda d: "/sign-in" not in d.current_url)
    return heading(driver)


def stored_user(driver: WebDriver) -> dict[str, Any]:
    return json.loads(driver.execute_script("return localStorage.getItem('njia.user')") or "null")


def mailed_link(platform: MadeUpPlatform, to: str, page: str, timeout: float = 60) -> str:
    """The link to the web app's ``page`` ("/#/accept") in the newest email the mailbox `make up`
    started received for ``to``, read from the message's text as its reader would."""
    pattern = re.compile(rf"https?://[^\s<>\"']+{re.escape(page)}\?token=[A-Za-z0-9_\-]+")

    def found() -> str | None:
        listed = requests.get(f"{platform.mailbox_url}/api/messages", timeout=5).json()
        for summary in listed:  # newest first
            if to not in summary["to"]:
                continue
            raw = requests.get(f"{platform.mailbox_url}/messages/{summary['id']}/raw", timeout=5).text
            message = email.message_from_string(raw, policy=email.policy.default)
            body = message.get_body(("plain", "html"))
            match = pattern.search(body.get_content() if body is not None else "")  # type: ignore[attr-defined]
            if match:
                return match.group(0)
        return None

    missing = f"no email to {to} with a {page} link reached the mailbox"
    return str(wait_until(found, timeout=timeout, interval=0.5, message=missing))
