"""Nothing a person typed is lost: not on a reload, not when their sign-in expires mid-booking."""

import uuid
from urllib.parse import quote

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from tests.browser.journey import PASSWORD, click, field, fill, go, open_practice, sign_in, submit, visit
from tests.support.browser import open_browser, wait_for
from tests.support.builders import make_registration
from tests.support.platform import Api


def test_a_half_filled_sign_up_survives_a_reload_but_the_password_is_never_kept(platform):
    driver = open_browser(360, 740)
    try:
        visit(driver, platform, "/sign-up?org=nakuru")
        fill(
            driver, "sign-up", {"name": "Wairimu Kamau", "email": "wairimu@example.org", "password": PASSWORD}
        )
        driver.refresh()
        assert field(driver, "sign-up", "name").get_attribute("value") == "Wairimu Kamau"
        assert field(driver, "sign-up", "email").get_attribute("value") == "wairimu@example.org"
        assert field(driver, "sign-up", "password").get_attribute("value") == ""
        stored = driver.execute_script("return JSON.stringify(sessionStorage)")
        assert PASSWORD not in stored
    finally:
        driver.quit()


@pytest.mark.parametrize("then", ["books", "looks at another page"])
def test_a_topic_typed_when_the_sign_in_has_expired_is_there_again_after_signing_in(platform, then):
    practice = open_practice(platform)
    registration = make_registration(practice.org["slug"], email=f"otieno-{uuid.uuid4().hex[:8]}@example.org")
    assert Api(platform).post("/api/v1/auth/register", registration).status_code == 201
    topic = "Switching from nursing to public health research"
    driver = open_browser(1280, 900)
    try:
        sign_in(driver, platform, registration["email"])
        click(driver, "button.slot")
        fill(driver, "booking", {"topic": topic})
        # The token runs out while they type (here: it stops being valid).
        driver.execute_script("localStorage.setItem('njia.token', 'expired.token.value')")
        if then == "books":
            try:
                submit(driver, "booking")
            except (NoSuchElementException, StaleElementReferenceException):
                pass  # the app's own check for new notifications noticed the expiry first: just as good
            came_from = "/book"
        else:
            # Leaving with the topic field still focused: the field reports its last change only
            # as it is removed, when the address already names the next page.
            driver.execute_script("location.hash = '#/notifications'")
            came_from = "/notifications"
        wait_for(driver, lambda d: "/sign-in" in d.current_url)
        assert f"next={quote(came_from, safe='')}" in driver.current_url, "signing in leads back"
        fill(driver, "sign-in", {"email": registration["email"], "password": PASSWORD})
        submit(driver, "sign-in")
        wait_for(driver, lambda d: came_from in d.current_url)
        if came_from != "/book":
            go(driver, "/book")
        click(driver, "button.slot")
        assert field(driver, "booking", "topic").get_attribute("value") == topic
        submit(driver, "booking")
        wait_for(driver, lambda d: "/sessions/" in d.current_url)
        assert topic in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
