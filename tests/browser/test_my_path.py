"""A client's "My path" on a 360 px phone in Swahili, and the printable CV (issue 19)."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By

from tests.browser.journey import CLIENT_ZONE, open_practice, signed_in_api
from tests.support.browser import open_browser, page_problems, wait_for
from tests.support.builders import make_registration
from tests.support.platform import Api
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

CASHIER_RESUME = {
    "basics": {"name": "Wanjiku Kamau", "label": "Cashier"},
    "skills": [{"name": "Operating a cash register"}, {"name": "Juggling"}],
    "work": [
        {"name": "Naivas", "position": "Cashier", "startDate": "2021-03-01"},
        {"name": "Duka la Mama", "position": "Shop assistant"},
    ],
}


@pytest.fixture(scope="module")
def cashier(platform):
    practice = open_practice(platform)
    registration = make_registration(practice.org["slug"], timezone=CLIENT_ZONE, language="sw")
    assert Api(platform).post("/api/v1/auth/register", registration).status_code == 201
    client = signed_in_api(platform, registration["email"])
    accepted = client.put("/api/v1/profile/sources/json-resume", CASHIER_RESUME)
    assert accepted.status_code == 202, accepted.text
    sync = f"/api/v1/profile/syncs/{accepted.json()['sync_id']}"
    wait_until(lambda: client.get(sync).json()["status"] == "done", timeout=30, message="resume not read")
    return client


def signed_in_phone(platform, api):
    driver = open_browser(360, 740)
    driver.get(platform.url("/app/icon.svg"))
    driver.execute_script(
        "localStorage.setItem('njia.token', arguments[0]);"
        "localStorage.setItem('njia.user', arguments[1]);"
        "localStorage.setItem('njia.language', 'sw');",
        api.token,
        json.dumps(api.get("/api/v1/me").json()),
    )
    return driver


def test_a_cashier_sees_the_way_to_management_in_swahili_on_a_phone(platform, cashier):
    driver = signed_in_phone(platform, cashier)
    try:
        driver.get(platform.url("/#/path?target=11-1021.00"))
        best = wait_for(driver, lambda d: d.find_elements(By.ID, "pathway-1"))[0]
        assert driver.find_element(By.CSS_SELECTOR, "main h1").text == "Njia yangu ya kazi"
        assert "Kuanzia kazi yako ya Cashier (Cashiers)." in driver.find_element(By.ID, "path-start").text
        steps = best.find_elements(By.CSS_SELECTOR, ".path-step")
        assert [s.find_element(By.TAG_NAME, "strong").text for s in steps] == [
            "First-Line Supervisors of Retail Sales Workers",
            "General and Operations Managers",
        ]
        assert "Hatua ya 1:" in steps[0].text and "Maandalizi mengi yanahitajika" in steps[1].text
        for step in steps:
            assert "Ujuzi wa kuongeza kwa hatua hii:" in step.text
            assert step.find_elements(By.CSS_SELECTOR, "ul.skills li")
        assert page_problems(driver, "/path") == []

        # Another target, chosen by typing a job title as a person would.
        driver.find_element(By.ID, "target-q").send_keys("store manager")
        driver.find_element(By.ID, "target-search").click()
        choice = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#target-results button"))[0]
        code = choice.get_attribute("data-code")
        choice.click()
        wait_for(driver, lambda d: f"target={code}" in d.current_url)
        wait_for(
            driver, lambda d: d.find_elements(By.ID, "pathways") or d.find_elements(By.CSS_SELECTOR, ".empty")
        )
    finally:
        driver.quit()


def test_the_cv_print_view_is_styled_for_a4_with_its_hints(platform, cashier):
    driver = signed_in_phone(platform, cashier)
    try:
        driver.get(platform.url("/#/cv?target=41-1011.00"))
        hints = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#cv-hints li"))
        codes = {hint.get_attribute("data-code") for hint in hints}
        assert {"position_without_dates", "skill_unsupported", "missing_target_skill"} <= codes
        assert any("Ongeza ulipoanza" in hint.text for hint in hints)
        assert driver.find_element(By.ID, "cv-print").is_displayed()
        frame = wait_for(driver, lambda d: d.find_elements(By.ID, "cv-frame"))[0]
        driver.switch_to.frame(frame)
        name = wait_for(driver, lambda d: d.find_elements(By.TAG_NAME, "h1"))[0]
        assert name.text == "Wanjiku Kamau"
        # Its headings, upper-cased by its own style.
        assert "UZOEFU WA KAZI" in driver.find_element(By.TAG_NAME, "body").text
        # The CV's own stylesheet applies inside the app (its policy allows exactly that style).
        assert driver.execute_script("return getComputedStyle(arguments[0]).fontSize", name) == "26.6667px"
        driver.switch_to.default_content()
        assert page_problems(driver, "/cv") == []
    finally:
        driver.quit()
