"""A person's own settings in the browser: the language they choose is kept on their account (so
their emails follow it), and a mistake is shown beside its field without losing what they typed."""

from selenium.webdriver.common.by import By

from tests.browser.journey import fill, go, heading, open_practice, sign_in, signed_in_api, submit
from tests.support.browser import open_browser, wait_for


def test_a_counselor_switches_to_swahili_and_fixes_a_wrong_phone_number(platform):
    practice = open_practice(platform)
    driver = open_browser(1280, 900)
    try:
        sign_in(driver, platform, practice.counselor_email)
        go(driver, "/settings")
        fill(driver, "language-form", {"language": "sw"})
        submit(driver, "language-form")
        wait_for(driver, lambda d: heading(d) == "Mipangilio")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sw"
        account = signed_in_api(platform, practice.counselor_email)
        assert account.get("/api/v1/me").json()["language"] == "sw"

        fill(driver, "details", {"name": "Achieng Otieno Odhiambo", "phone": "not a phone"})
        submit(driver, "details")
        error = wait_for(driver, lambda d: d.find_element(By.ID, "details-phone-error").text)
        assert error
        assert driver.find_element(By.ID, "details-name").get_attribute("value") == "Achieng Otieno Odhiambo"
        assert account.get("/api/v1/me").json()["name"] == "Achieng Otieno", "nothing saved from a bad change"

        fill(driver, "details", {"phone": "+254722000111"})
        submit(driver, "details")
        wait_for(driver, lambda d: account.get("/api/v1/me").json()["phone"] == "+254722000111")
        assert account.get("/api/v1/me").json()["name"] == "Achieng Otieno Odhiambo"
        # The header greets them by the new name.
        wait_for(driver, lambda d: "Achieng Otieno Odhiambo" in d.find_element(By.CSS_SELECTOR, ".who").text)
    finally:
        driver.quit()
