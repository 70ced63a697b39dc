"""An organization admin adds a webhook in the browser, turns it off and on again, and removes it."""

from selenium.webdriver.common.by import By

from tests.browser.journey import click, fill, go, main_text, open_practice, sign_in, submit
from tests.support.browser import check_accessibility, describe_violations, open_browser, wait_for

# A public address literal: registration checks the address, and no DNS is needed for one.
RECEIVER = "https://93.184.215.14/njia-events"


def test_an_admin_adds_a_webhook_turns_it_off_and_on_and_removes_it(platform):
    practice = open_practice(platform)
    driver = open_browser(1280, 900)
    try:
        sign_in(driver, platform, practice.admin_email)
        go(driver, "/webhooks")
        fill(driver, "webhook-form", {"url": RECEIVER, "secret": "a-shared-secret-of-24-chars"})
        submit(driver, "webhook-form")
        item = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#webhook-list > li"))[0]
        hook_id = item.get_attribute("id").removeprefix("webhook-")
        assert RECEIVER in item.text
        violations = check_accessibility(driver)
        assert not violations, describe_violations(violations)

        click(driver, f"#webhook-{hook_id}-off")
        wait_for(driver, lambda d: "Turned off" in d.find_element(By.ID, f"webhook-{hook_id}").text)
        click(driver, f"#webhook-{hook_id}-on")
        wait_for(driver, lambda d: "Active" in d.find_element(By.ID, f"webhook-{hook_id}").text)

        click(driver, f"#webhook-{hook_id}-remove")
        click(driver, f"#webhook-{hook_id}-remove-confirm")
        wait_for(driver, lambda d: not d.find_elements(By.ID, f"webhook-{hook_id}"))
        assert RECEIVER not in main_text(driver)
    finally:
        driver.quit()
