"""An admin looks after people in the browser (issue 14): changes a counselor's details, deactivates
them (their token stops working) and gives their booked session to another counselor, reactivates
them, edits the branch, requires two-factor sign-in of staff and reads what the audit log recorded.
Every page is checked by axe-core and photographed."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.journey import click, fill, go, main_text, open_practice, sign_in, signed_in_api, submit
from tests.support.browser import (
    open_browser,
    page_problems,
    screenshot,
    wait_for,
)
from tests.support.builders import make_user

pytestmark = pytest.mark.slow


def check(driver, name: str, problems: list[str]) -> None:
    problems += page_problems(driver, name)
    screenshot(driver, name)


def test_an_admin_deactivates_a_counselor_reassigns_their_session_and_reads_the_audit_log(platform):
    practice = open_practice(platform)
    admin_api = signed_in_api(platform, practice.admin_email)
    counselor_api = signed_in_api(platform, practice.counselor_email)
    counselor = counselor_api.get("/api/v1/me").json()
    # A second counselor with the same hours, free to take the session over.
    other_body = make_user("counselor", practice.branch["id"], name="Baraka Mwangi")
    other = admin_api.post("/api/v1/users", other_body).json()
    hours = admin_api.get(f"/api/v1/counselors/{counselor['id']}/availability").json()
    kept = ("timezone", "weekly", "exceptions", "session_minutes", "buffer_minutes", "min_notice_minutes")
    hours = {key: hours[key] for key in kept}
    assert admin_api.put(f"/api/v1/counselors/{other['id']}/availability", hours).status_code == 200
    client = admin_api.post(
        "/api/v1/users", make_user("client", practice.branch["id"], name="Kamau Njoroge")
    ).json()
    booked = admin_api.post(
        "/api/v1/sessions",
        {
            "counselor_id": counselor["id"],
            "client_id": client["id"],
            "start": practice.first_start.isoformat(),
        },
    )
    assert booked.status_code == 201, booked.text
    session_id = booked.json()["id"]

    problems: list[str] = []
    driver = open_browser(1280, 900)
    try:
        sign_in(driver, platform, practice.admin_email)

        # Their details, then the account deactivated after a confirmation.
        go(driver, f"/people/{counselor['id']}")
        fill(driver, "person", {"phone": "+254722000333"})
        submit(driver, "person")
        wait_for(
            driver,
            lambda _: admin_api.get(f"/api/v1/users/{counselor['id']}").json()["phone"] == "+254722000333",
        )
        check(driver, "admin-person", problems)
        click(driver, "#person-deactivate")
        click(driver, "#person-deactivate-confirm")
        wait_for(driver, lambda d: "Deactivated" in d.find_element(By.ID, "person-status").text)
        wait_for(driver, lambda _: counselor_api.get("/api/v1/me").status_code == 401)

        # Their booked session waits for another counselor.
        go(driver, "/reassign")
        wait_for(driver, lambda d: d.find_elements(By.ID, f"reassign-{session_id}-counselor_id"))
        check(driver, "admin-reassign", problems)
        fill(driver, f"reassign-{session_id}", {"counselor_id": other["id"]})
        submit(driver, f"reassign-{session_id}")
        wait_for(driver, lambda d: not d.find_elements(By.ID, f"needs-{session_id}"))
        moved = admin_api.get(f"/api/v1/sessions/{session_id}").json()
        assert moved["counselor_id"] == other["id"], moved

        go(driver, f"/people/{counselor['id']}")
        click(driver, "#person-reactivate")
        click(driver, "#person-reactivate-confirm")
        wait_for(driver, lambda d: "Active" in d.find_element(By.ID, "person-status").text)
        assert signed_in_api(platform, practice.counselor_email).get("/api/v1/me").status_code == 200

        # The branch's address.
        go(driver, "/branches")
        click(driver, f"#edit-branch-{practice.branch['id']}")
        wait_for(driver, lambda d: d.find_elements(By.ID, "branch-address"))
        check(driver, "admin-branch-edit", problems)
        fill(driver, "branch", {"address": "Kenyatta Avenue 12, Nakuru"})
        submit(driver, "branch")
        wait_for(driver, lambda d: "Kenyatta Avenue 12, Nakuru" in main_text(d))

        # Two-factor sign-in required of every staff member.
        go(driver, "/security")
        click(driver, "#org-security-require_two_factor_for_staff")
        submit(driver, "org-security")
        wait_for(
            driver,
            lambda _: admin_api.get("/api/v1/organization/security").json()["require_two_factor_for_staff"],
        )
        check(driver, "admin-security", problems)

        # What the audit log recorded about the counselor.
        go(driver, f"/audit?subject_id={counselor['id']}")
        table = wait_for(driver, lambda d: d.find_elements(By.ID, "audit-table"))[0]
        wait_for(
            driver, lambda _: "Account deactivated" in table.text and "Account reactivated" in table.text
        )
        check(driver, "admin-audit", problems)
        fill(driver, "audit-filter", {"action": "user.deactivated"})
        submit(driver, "audit-filter")
        wait_for(driver, lambda d: "action=user.deactivated" in d.current_url)
        rows = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr"))
        assert all("Account deactivated" in row.text for row in rows), [row.text for row in rows]

        # A counselor without it is asked to set it up when they next sign in.
        counselor_browser = open_browser(1280, 900)
        try:
            sign_in(counselor_browser, platform, practice.counselor_email)
            wait_for(counselor_browser, lambda d: "/security?setup=1" in d.current_url)
            wait_for(counselor_browser, lambda d: d.find_elements(By.ID, "two-factor-start"))
            assert "requires two-factor sign-in" in main_text(counselor_browser)
        finally:
            counselor_browser.quit()
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
