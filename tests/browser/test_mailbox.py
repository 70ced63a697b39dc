"""`make up` starts a mailbox where a newcomer reads the email Njia sends (issue 13, point 18)."""

import requests

from tests.browser.journey import open_practice, signed_in_api
from tests.support.builders import make_user
from tests.support.waiting import wait_until


def test_a_booking_confirmation_is_readable_in_the_mailbox_make_up_started(platform, browser):
    practice = open_practice(platform)
    admin = signed_in_api(platform, practice.admin_email)
    client_body = make_user("client", practice.branch["id"], name="Kamau Njoroge")
    client = admin.post("/api/v1/users", client_body).json()
    booked = admin.post(
        "/api/v1/sessions",
        {
            "branch_id": practice.branch["id"],
            "client_id": client["id"],
            "start": practice.first_start.isoformat(),
        },
    )
    assert booked.status_code == 201, booked.text

    def confirmation():
        listed = requests.get(f"{platform.mailbox_url}/api/messages", timeout=5).json()
        return next((m for m in listed if client_body["email"] in m["to"]), None)

    message = wait_until(confirmation, timeout=60, message="the confirmation never reached the mailbox")
    assert "Kamau" in requests.get(f"{platform.mailbox_url}/messages/{message['id']}", timeout=5).text

    # As a newcomer sees it: the page lists it, and the message opens with its text.
    browser.get(platform.mailbox_url)
    assert message["subject"] in browser.page_source
    browser.find_element("link text", message["subject"]).click()
    assert "Kamau" in browser.page_source
