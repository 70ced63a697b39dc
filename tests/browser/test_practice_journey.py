"""Sessions as a practice runs them (issue 15), in a real browser on a 360 px phone: a receptionist
(a branch admin) books an in-person session for a walk-in client who has only a phone; a client fills
in the intake form the 60-minute session asks for and is taken back to the time they chose; a client
takes a seat in a workshop; the counselor marks who came. Every page is checked by axe-core, must fit
the phone and is photographed; then the new pages are read in Swahili with no English left."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By

from tests.browser.journey import (
    Practice,
    click,
    fill,
    go,
    heading,
    main_text,
    open_practice,
    sign_in,
    signed_in_api,
    submit,
)
from tests.browser.test_every_page_in_swahili import VISIBLE_TEXTS, english_only_texts
from tests.support.browser import open_browser, page_problems, screenshot, wait_for
from tests.support.builders import make_registration, make_user
from tests.support.platform import Api
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

PHONE = (360, 740)
ADDRESS = "Kenyatta Avenue 12, Nakuru"
INTAKE = {
    "questions": [
        {
            "id": "situation",
            "label": {"en": "What are you doing now?", "sw": "Unafanya nini sasa?"},
            "kind": "choice",
            "options": [
                {"id": "studying", "label": {"en": "Studying", "sw": "Ninasoma"}},
                {"id": "working", "label": {"en": "Working", "sw": "Ninafanya kazi"}},
                {"id": "looking", "label": {"en": "Looking for work", "sw": "Ninatafuta kazi"}},
            ],
            "required": True,
        },
        {
            "id": "hopes",
            "label": {"en": "What do you hope for?", "sw": "Unatarajia nini?"},
            "kind": "text",
            "required": True,
        },
    ]
}


def check(driver, name: str, problems: list[str]) -> None:
    problems += page_problems(driver, name)
    screenshot(driver, f"practice-{name}")


def session_type(admin: Api, **body: Any) -> dict[str, Any]:
    made = admin.post("/api/v1/session-types", {"requires_intake": False, "active": True, "seats": 1, **body})
    assert made.status_code == 201, made.text
    return dict(made.json())


class Setting:
    """The practice of journey.open_practice with an address, a receptionist, three session types,
    an intake form, a client and a workshop starting in a few minutes."""

    def __init__(self, platform) -> None:
        self.practice: Practice = open_practice(platform)
        self.admin = signed_in_api(platform, self.practice.admin_email)
        branch = self.practice.branch
        assert self.admin.patch(f"/api/v1/branches/{branch['id']}", {"address": ADDRESS}).status_code == 200
        receptionist = make_user("branch_admin", branch["id"], name="Njeri Mwangi")
        assert self.admin.post("/api/v1/users", receptionist).status_code == 201
        self.receptionist_email = receptionist["email"]
        self.counselor = signed_in_api(platform, self.practice.counselor_email).get("/api/v1/me").json()
        self.intro = session_type(
            self.admin,
            name={"en": "Intro at the branch", "sw": "Utangulizi tawini"},
            minutes=20,
            buffer_minutes=10,
            modality="in_person",
        )
        self.full = session_type(
            self.admin,
            name={"en": "Full session", "sw": "Kikao kamili"},
            minutes=60,
            buffer_minutes=0,
            modality="video",
            requires_intake=True,
        )
        self.clinic = session_type(
            self.admin,
            name={"en": "CV clinic", "sw": "Kliniki ya CV"},
            minutes=30,
            buffer_minutes=0,
            modality="in_person",
            seats=10,
        )
        saved = self.admin.put("/api/v1/intake-form", INTAKE)
        assert saved.status_code == 200, saved.text
        registration = make_registration(
            self.practice.org["slug"], name="Kamau Njoroge", phone="+254711000222"
        )
        assert Api(platform).post("/api/v1/auth/register", registration).status_code == 201
        self.client_email = registration["email"]
        self.client = signed_in_api(platform, self.client_email)
        # It starts a few minutes from now: seats can still be taken and who came already marked.
        start = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
        workshop = self.admin.post(
            "/api/v1/workshops",
            {
                "session_type_id": self.clinic["id"],
                "counselor_id": self.counselor["id"],
                "start": start.isoformat(),
                "title": {"en": "CV clinic for graduates", "sw": "Kliniki ya CV kwa wahitimu"},
            },
        )
        assert workshop.status_code == 201, workshop.text
        self.workshop = workshop.json()


def local_clock(moment: str, zone: str) -> str:
    return dt.datetime.fromisoformat(moment).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def test_a_walk_in_is_booked_a_client_fills_the_intake_takes_a_seat_and_the_counselor_marks_who_came(
    platform,
):
    setting = Setting(platform)
    problems: list[str] = []
    client = open_browser(*PHONE)
    receptionist = open_browser(*PHONE)
    counselor = open_browser(*PHONE)
    try:
        client_takes_a_seat(platform, client, setting, problems)
        receptionist_books_a_walk_in(platform, receptionist, setting, problems)
        client_fills_the_intake_and_books_an_hour(platform, client, setting, problems)
        counselor_marks_who_came(platform, counselor, setting, problems)
    finally:
        for driver in (client, receptionist, counselor):
            driver.quit()
    assert not problems, "\n".join(problems)


def client_takes_a_seat(platform, driver, setting: Setting, problems: list[str]) -> None:
    sign_in(driver, platform, setting.client_email)
    go(driver, "/workshops")
    workshop_id = setting.workshop["id"]
    seats = wait_for(driver, lambda d: d.find_elements(By.ID, f"workshop-{workshop_id}-seats"))[0]
    assert "10 of 10" in seats.text, seats.text
    check(driver, "client-workshops", problems)
    click(driver, f"#take-seat-{workshop_id}")
    wait_for(driver, lambda d: d.find_elements(By.ID, f"give-back-{workshop_id}"))
    assert "9 of 10" in driver.find_element(By.ID, f"workshop-{workshop_id}-seats").text
    seat = [
        item for item in setting.client.get("/api/v1/sessions").json()["items"] if item.get("workshop_id")
    ]
    assert [item["workshop_id"] for item in seat] == [workshop_id], seat


def receptionist_books_a_walk_in(platform, driver, setting: Setting, problems: list[str]) -> None:
    sign_in(driver, platform, setting.receptionist_email)
    go(driver, "/book")
    wait_for(driver, lambda d: d.find_elements(By.ID, "walk-in-name"))
    # Nobody by that name yet: the receptionist adds the person who walked in, with a phone only.
    fill(driver, "client-search", {"q": "Wanjiru"})
    submit(driver, "client-search")
    wait_for(driver, lambda d: "Wanjiru" in d.find_element(By.ID, "client-search-results").text)
    check(driver, "receptionist-for-whom", problems)
    fill(driver, "walk-in", {"name": "Wanjiru Achieng", "phone": "+254722000111"})
    submit(driver, "walk-in")
    wait_for(driver, lambda d: "Wanjiru Achieng" in d.find_element(By.ID, "booking-for").text)
    click(driver, f"label[for='type-{setting.intro['id']}']")
    first = click(driver, "button.slot")
    shown = first.text
    wait_for(driver, lambda d: d.find_elements(By.ID, "booking-topic"))
    check(driver, "receptionist-book", problems)
    submit(driver, "booking")
    wait_for(driver, lambda d: "/sessions/" in d.current_url)
    where = wait_for(driver, lambda d: d.find_elements(By.ID, "session-where"))[0]
    assert ADDRESS in where.text, where.text
    assert shown in driver.find_element(By.ID, "session-when").text
    check(driver, "receptionist-session", problems)
    session_id = driver.current_url.rsplit("/sessions/", 1)[1].split("?")[0]
    booked = setting.admin.get(f"/api/v1/sessions/{session_id}").json()
    assert booked["modality"] == "in_person", booked
    assert booked["location"] == ADDRESS, booked
    assert booked["session_type_id"] == setting.intro["id"], booked
    walk_in = setting.admin.get(f"/api/v1/users/{booked['client_id']}").json()
    assert walk_in["name"] == "Wanjiru Achieng" and walk_in["phone"] == "+254722000111", walk_in
    assert not walk_in.get("email"), walk_in

    # The branch report counts it by session type and by how it is held.
    go(driver, "/report")
    by_type = wait_for(driver, lambda d: d.find_elements(By.ID, "report-by-type"))[0]
    assert "Intro at the branch" in by_type.text, by_type.text
    in_person = [
        row.text
        for row in driver.find_elements(By.CSS_SELECTOR, "#report-by-modality tbody tr")
        if "In person" in row.text
    ]
    # The walk-in's session (and the workshop seat taken before, held at the branch too).
    assert in_person and int(in_person[0].split()[-3]) >= 1, in_person
    check(driver, "receptionist-report", problems)


def client_fills_the_intake_and_books_an_hour(
    platform, driver, setting: Setting, problems: list[str]
) -> None:
    go(driver, "/book")
    click(driver, f"label[for='type-{setting.full['id']}']")
    first = click(driver, "button.slot")
    chosen = str(first.get_attribute("data-start"))
    wait_for(driver, lambda d: d.find_elements(By.ID, "booking-topic"))
    fill(driver, "booking", {"topic": "From teaching into data work"})
    submit(driver, "booking")
    # The 60-minute session asks for the intake form first: the client is taken there.
    wait_for(driver, lambda d: "/intake" in d.current_url)
    wait_for(driver, lambda d: d.find_elements(By.ID, "intake-submit"))
    check(driver, "client-intake", problems)
    click(driver, "label[for='intake-0-2']")  # looking for work
    hopes = driver.find_element(By.ID, "intake-1-input")
    hopes.send_keys("A first job as a data analyst")
    hopes.send_keys("\t")
    # The draft is kept as they go.
    wait_until(
        lambda: (
            setting.client.get("/api/v1/me/intake").json().get("answers", {}).get("situation") == "looking"
        ),
        timeout=10,
        message="the intake draft was not saved",
    )
    click(driver, "#intake-submit")
    # Back at the very time chosen before, ready to book.
    wait_for(
        driver, lambda d: "/book" in d.current_url and d.find_elements(By.ID, "booking-topic"), timeout=15
    )
    zone = setting.client.get("/api/v1/me").json()["timezone"]
    assert local_clock(chosen, zone) in main_text(driver)
    submit(driver, "booking")
    wait_for(driver, lambda d: "/sessions/" in d.current_url)
    heading(driver)
    session_id = driver.current_url.rsplit("/sessions/", 1)[1].split("?")[0]
    booked = setting.client.get(f"/api/v1/sessions/{session_id}").json()
    length = dt.datetime.fromisoformat(booked["end"]) - dt.datetime.fromisoformat(booked["start"])
    assert length == dt.timedelta(minutes=60), booked
    assert dt.datetime.fromisoformat(booked["start"]) == dt.datetime.fromisoformat(chosen), booked
    assert wait_for(driver, lambda d: d.find_elements(By.ID, "join"))
    check(driver, "client-session-hour", problems)


def counselor_marks_who_came(platform, driver, setting: Setting, problems: list[str]) -> None:
    sign_in(driver, platform, setting.practice.counselor_email)
    workshop_id = setting.workshop["id"]
    go(driver, "/workshops")
    click(driver, f"#workshop-{workshop_id} a")
    client_id = setting.client.get("/api/v1/me").json()["id"]
    wait_for(driver, lambda d: d.find_elements(By.ID, f"attended-{client_id}-yes"))
    check(driver, "counselor-attendees", problems)
    # Marks open 10 minutes before the start: the workshop begins a few minutes after the setting.
    click(driver, f"#attended-{client_id}-yes")
    wait_for(
        driver,
        lambda d: d.find_element(By.ID, f"attended-{client_id}-yes").get_attribute("aria-pressed") == "true",
    )
    listed = signed_in_api(platform, setting.practice.counselor_email).get(
        f"/api/v1/workshops/{workshop_id}/attendees"
    )
    assert listed.status_code == 200, listed.text
    mine = [item for item in listed.json()["items"] if item["client_id"] == client_id]
    assert mine and mine[0].get("attended") is True, mine

    # And holds another next week (a week ahead at 10:00 by default), in both languages.
    go(driver, "/workshops")
    fill(driver, "workshop", {"title-en": "School career day", "title-sw": "Siku ya taaluma shuleni"})
    check(driver, "counselor-workshops", problems)
    submit(driver, "workshop")
    wait_for(driver, lambda d: "/workshops/" in d.current_url and heading(d) == "School career day")
    assert "0 of 10 taken" in driver.find_element(By.ID, "workshop-seats").text


SWAHILI_PAGES = {
    "client": ["/book", "/workshops", "/intake"],
    "receptionist": ["/book", "/session-types", "/intake-form", "/workshops", "/report"],
    "counselor": ["/workshops", "/workshop", "/book", "/client"],
}


def test_the_practice_pages_speak_swahili_on_a_phone(platform):
    setting = Setting(platform)
    people = {
        "client": setting.client,
        "receptionist": signed_in_api(platform, setting.receptionist_email),
        "counselor": signed_in_api(platform, setting.practice.counselor_email),
    }
    english = english_only_texts()
    problems: list[str] = []
    for role, pages in SWAHILI_PAGES.items():
        api = people[role]
        driver = open_browser(*PHONE)
        try:
            driver.get(platform.url("/app/icon.svg"))
            driver.execute_script(
                "localStorage.setItem('njia.token', arguments[0]);"
                "localStorage.setItem('njia.user', arguments[1]);"
                "localStorage.setItem('njia.language', 'sw');",
                api.token,
                json.dumps(api.get("/api/v1/me").json()),
            )
            for route in pages:
                path = {
                    "/workshop": f"/workshops/{setting.workshop['id']}",
                    "/client": f"/clients/{setting.client.get('/api/v1/me').json()['id']}",
                }.get(route, route)
                driver.get(platform.url(f"/#{path}"))
                wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"))
                wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "main .loading"))
                left = sorted(set(driver.execute_script(VISIBLE_TEXTS)) & english)
                if left:
                    problems.append(f"{role} {path}: English left: {left}")
                problems += page_problems(driver, f"{role} {path}")
                screenshot(driver, f"sw-practice-{role}-{route.strip('/')}")
        finally:
            driver.quit()
    assert not problems, "\n".join(problems)


def test_an_admin_adds_a_phone_session_type_and_writes_the_intake_form_and_a_client_is_told_who_calls(
    platform,
):
    practice = open_practice(platform)
    admin = signed_in_api(platform, practice.admin_email)
    problems: list[str] = []
    driver = open_browser(*PHONE)
    try:
        sign_in(driver, platform, practice.admin_email)
        go(driver, "/session-types")
        fill(
            driver,
            "session-type",
            {
                "name-en": "Phone check-in",
                "name-sw": "Mazungumzo kwa simu",
                "minutes": "15",
                "modality": "phone",
            },
        )
        submit(driver, "session-type")
        wait_for(driver, lambda d: "Phone check-in" in d.find_element(By.ID, "type-list").text)
        check(driver, "admin-session-types", problems)
        made = [kind for kind in admin.get("/api/v1/session-types").json()["items"] if kind["minutes"] == 15]
        assert [(kind["name"]["sw"], kind["modality"]) for kind in made] == [("Mazungumzo kwa simu", "phone")]

        # A longer call after all.
        click(driver, f"#type-item-{made[0]['id']} a")
        wait_for(driver, lambda d: d.find_elements(By.ID, "session-type-minutes"))
        check(driver, "admin-session-type", problems)
        fill(driver, "session-type", {"minutes": "20"})
        submit(driver, "session-type")
        wait_for(driver, lambda d: d.current_url.endswith("/session-types"))
        assert admin.get(f"/api/v1/session-types/{made[0]['id']}").json()["minutes"] == 20

        go(driver, "/intake-form")
        click(driver, "#add-question")
        fill(
            driver,
            "question-0",
            {"label-en": "What are you doing now?", "label-sw": "Unafanya nini sasa?", "kind": "choice"},
        )
        fill(driver, "question-0", {"options": "Working | Ninafanya kazi\nStudying | Ninasoma"})
        check(driver, "admin-intake-form", problems)
        click(driver, "#intake-form-save")
        wait_for(driver, lambda d: d.find_elements(By.ID, "intake-version"))
        form = admin.get("/api/v1/intake-form").json()
        assert form["version"] == 1, form
        [question] = form["questions"]
        assert question["kind"] == "choice" and question["required"] is True, question
        assert [option["label"] for option in question["options"]] == [
            {"en": "Working", "sw": "Ninafanya kazi"},
            {"en": "Studying", "sw": "Ninasoma"},
        ], question
    finally:
        driver.quit()

    # A client booked for a phone call reads who calls which number, and has no video room to join.
    registration = make_registration(practice.org["slug"], name="Otieno Ouma", phone="+254733000444")
    assert Api(platform).post("/api/v1/auth/register", registration).status_code == 201
    client = signed_in_api(platform, registration["email"])
    slot = client.get(
        "/api/v1/slots", params={"branch_id": practice.branch["id"], "session_type_id": made[0]["id"]}
    ).json()["items"][0]
    booked = client.post(
        "/api/v1/sessions",
        {"branch_id": practice.branch["id"], "session_type_id": made[0]["id"], "start": slot["start"]},
    )
    assert booked.status_code == 201, booked.text
    driver = open_browser(*PHONE)
    try:
        sign_in(driver, platform, registration["email"])
        go(driver, f"/sessions/{booked.json()['id']}")
        where = wait_for(driver, lambda d: d.find_elements(By.ID, "session-where"))[0]
        assert "will call you on +254733000444" in where.text, where.text
        assert not driver.find_elements(By.ID, "join")
        check(driver, "client-phone-session", problems)
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
