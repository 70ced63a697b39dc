"""A counselor who works until midnight says so in the availability editor (issue 13, point 21)."""

from selenium.webdriver.common.by import By

from tests.browser.journey import click, go, main_text, open_practice, sign_in, signed_in_api, submit
from tests.support.browser import wait_for


def test_a_counselor_opens_an_evening_until_midnight_and_sees_it_kept(platform, browser):
    practice = open_practice(platform)
    sign_in(browser, platform, practice.counselor_email)
    go(browser, "/availability")
    first_row = "#availability-weekly-0"
    click(browser, f"{first_row} input.until-midnight")
    end = browser.find_element(By.CSS_SELECTOR, f"{first_row} input[type=time][name='weekly.0.end']")
    assert not end.is_enabled()  # the time input cannot hold 24:00: the choice stands for it
    submit(browser, "availability")
    wait_for(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[role=status], .flash") or "24:00" in main_text(d),
    )

    counselor = signed_in_api(platform, practice.counselor_email)
    me = counselor.get("/api/v1/me").json()

    def kept_until_midnight() -> bool:
        hours = counselor.get(f"/api/v1/counselors/{me['id']}/availability").json()
        return hours["weekly"][0]["end"] == "24:00"

    wait_for(browser, lambda _: kept_until_midnight())
    browser.refresh()
    box = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{first_row} input.until-midnight"))[
        0
    ]
    assert box.is_selected()
