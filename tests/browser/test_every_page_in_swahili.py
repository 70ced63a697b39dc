"""Every main page of each role, in Swahili: no English text left on it, no serious accessibility
violation, no console error, and it fits a 360 px phone."""

from __future__ import annotations

import json
import re

import pytest
from selenium.webdriver.common.by import By

from services.gateway.assets import WEB_ROOT, merged_strings
from tests.browser.journey import CLIENT_ZONE, open_practice, signed_in_api
from tests.support.browser import (
    check_accessibility,
    console_errors,
    describe_violations,
    open_browser,
    screenshot,
    wait_for,
)
from tests.support.builders import make_registration
from tests.support.platform import Api

pytestmark = pytest.mark.slow

PAGES = {
    "client": [
        "/book",
        "/sessions",
        "/session",
        "/notifications",
        "/assessments",
        "/profile",
        "/settings",
        "/security",
    ],
    "counselor": [
        "/agenda",
        "/week",
        "/availability",
        "/session",
        "/notifications",
        "/settings",
        "/security",
    ],
    "admin": [
        "/report",
        "/branches",
        "/branch",
        "/people",
        "/person",
        "/reassign",
        "/sessions",
        "/audit",
        "/webhooks",
        "/settings",
        "/security",
    ],
}
# Pages of one thing, and where that thing is.
ONE = {
    "/session": lambda people: f"/sessions/{people['session_id']}",
    "/person": lambda people: f"/people/{people['counselor_id']}",
    "/branch": lambda people: f"/branches/{people['branch_id']}",
}
# The Swahili pages docs/web-app.md shows.
PHOTOGRAPHED = ("/assessments", "/profile", "/week")
# Every text node, and the texts a screen reader reads from attributes.
VISIBLE_TEXTS = """
const texts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) { const text = walker.currentNode.textContent.trim(); if (text) texts.push(text); }
for (const element of document.querySelectorAll('[aria-label], [placeholder], [alt], [title]')) {
  for (const name of ['aria-label', 'placeholder', 'alt', 'title']) {
    const value = element.getAttribute(name); if (value) texts.push(value.trim());
  }
}
return texts;
"""


def english_only_texts() -> set[str]:
    """English texts that differ from their Swahili (names like "SMS" are the same in both)."""
    return {
        texts["en"]
        for texts in merged_strings(WEB_ROOT / "i18n").values()
        if texts["en"] != texts["sw"] and "{" not in texts["en"] and len(texts["en"]) > 3
    }


@pytest.fixture(scope="module")
def people(platform):
    practice = open_practice(platform)
    registration = make_registration(practice.org["slug"], timezone=CLIENT_ZONE, language="sw")
    assert Api(platform).post("/api/v1/auth/register", registration).status_code == 201
    client = signed_in_api(platform, registration["email"])
    slot = client.get("/api/v1/slots", params={"branch_id": practice.branch["id"]}).json()["items"][0]
    booked = client.post("/api/v1/sessions", {"branch_id": practice.branch["id"], "start": slot["start"]})
    assert booked.status_code == 201, booked.text
    return {
        "client": client,
        "counselor": signed_in_api(platform, practice.counselor_email),
        "admin": signed_in_api(platform, practice.admin_email),
        "session_id": booked.json()["id"],
        "counselor_id": booked.json()["counselor_id"],
        "branch_id": practice.branch["id"],
    }


@pytest.mark.parametrize("role", list(PAGES))
def test_every_main_page_speaks_swahili_and_passes_the_accessibility_check(platform, people, role):
    api = people[role]
    me = api.get("/api/v1/me").json()
    english = english_only_texts()
    problems: list[str] = []
    driver = open_browser(360, 740)
    try:
        driver.get(platform.url("/app/icon.svg"))
        driver.execute_script(
            "localStorage.setItem('njia.token', arguments[0]);"
            "localStorage.setItem('njia.user', arguments[1]);"
            "localStorage.setItem('njia.language', 'sw');",
            api.token,
            json.dumps(me),
        )
        for route in PAGES[role]:
            path = ONE[route](people) if route in ONE else route
            driver.get(platform.url(f"/#{path}"))
            wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"))
            wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "main .loading"))
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sw"
            left = sorted(set(driver.execute_script(VISIBLE_TEXTS)) & english)
            if left:
                problems.append(f"{path}: English left: {left}")
            violations = check_accessibility(driver)
            if violations:
                problems.append(f"{path}: {describe_violations(violations)}")
            if driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1"):
                problems.append(f"{path}: wider than a 360 px phone")
            if route in PHOTOGRAPHED:
                screenshot(driver, f"sw-{role}-{route.strip('/')}")
            # A 4xx is an answer the page expects ("no draft yet"); a script error is not.
            errors = [line for line in console_errors(driver) if not re.search(r"status of 4\d\d", line)]
            if errors:
                problems.append(f"{path}: console errors {errors}")
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
