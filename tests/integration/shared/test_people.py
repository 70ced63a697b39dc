"""shared/people.py beside real accounts, scheduling and notifications: a person a service has not
yet heard of is asked of accounts whole, whoever's request names them first."""

import pytest

from services.accounts.service import AccountsService
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared import people as shared_people
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.waiting import wait_until


@pytest.fixture
def platform(container_factory, config, smtp):
    settings = {**config, "NJIA_SMTP_PORT": str(smtp.port), "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    return start_containers(
        container_factory, settings, AccountsService, SchedulingService, NotificationsService
    )


def test_a_client_booking_a_counselor_scheduling_has_not_heard_of_still_gets_them_reminded_by_email(
    platform, smtp
):
    accounts, scheduling = platform["accounts"], platform["scheduling"]
    body = make_organization()
    call(accounts, "create_organization", body)
    admin = call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "pass-word-1"})
    branch = call(accounts, "create_branch", make_branch(), token=admin["access_token"])
    tokens, people = {}, {}
    for role, extra in (("counselor", {"phone": "+254712345678"}), ("client", {})):
        user = make_user(role, branch["id"], **extra)
        people[role] = call(accounts, "create_user", user, token=admin["access_token"])
        tokens[role] = call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})[
            "access_token"
        ]
    counselor = people["counselor"]
    call(scheduling, "set_availability", counselor["id"], make_availability(), token=tokens["counselor"])
    # As if `user.registered` had not reached scheduling yet: the client's booking names them first.
    # (Once accounts' outbox is clear no second copy of the event can bring them back.)
    users = store_of(accounts).users
    wait_until(lambda: users.find_one({"_id": counselor["id"]}).get("outbox") == {}, message="event unsent")
    kept = store_of(scheduling).people
    wait_until(lambda: kept.find_one({"_id": counselor["id"]}), message="counselor never kept")
    kept.delete_one({"_id": counselor["id"]})
    shared_people._recent.clear()  # and from what this process (the services' host) read lately

    slots = call(scheduling, "open_slots", {"counselor_id": counselor["id"]}, token=tokens["client"])["items"]
    session = call(
        scheduling,
        "book_session",
        {"counselor_id": counselor["id"], "start": slots[0]["start"]},
        token=tokens["client"],
    )

    relearned = kept.find_one({"_id": counselor["id"]})
    assert (relearned["email"], relearned["phone"]) == (counselor["email"], "+254712345678")
    # (A session today may also bring the counselor's agenda: only the confirmation is looked for.)
    wait_until(
        lambda: [
            m
            for m in smtp.messages
            if m["To"] == counselor["email"] and m["X-Njia-Delivery"].startswith("confirmation:")
        ],
        timeout=15,
        message="the counselor's confirmation email never arrived",
    )
    reminders = list(
        store_of(platform["notifications"]).deliveries.find(
            {
                "session_id": session["id"],
                "kind": "reminder",
                "recipient_id": counselor["id"],
                "channel": "email",
            }
        )
    )
    assert reminders and {r["recipient"]["email"] for r in reminders} == {counselor["email"]}
