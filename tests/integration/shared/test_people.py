"""shared/people.py beside real accounts, scheduling and notifications: a person a service has not
yet heard of is asked of accounts whole, whoever's request names them first; a change of their
details reaches every service keeping them, and an older word never undoes a newer one."""

import pytest
from nameko.standalone.events import event_dispatcher

from services.accounts.service import AccountsService
from services.assessments.service import AssessmentsService
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.events.contracts import USER_REGISTERED, USER_UPDATED
from shared.events.envelope import build
from shared.events.handling import inbox_key
from shared.mongo import now
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
    store_of(scheduling).recent_people.clear()  # and from what the service read lately

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


# Changes of a person's details, redelivered and out of order ------------------------------------

KEEPERS = ("scheduling", "notifications", "assessments")


@pytest.fixture
def keepers(container_factory, config, smtp):
    settings = {**config, "NJIA_SMTP_PORT": str(smtp.port), "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    return start_containers(
        container_factory,
        settings,
        AccountsService,
        SchedulingService,
        NotificationsService,
        AssessmentsService,
    ), settings


def a_client(accounts):
    body = make_organization()
    call(accounts, "create_organization", body)
    admin = call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "pass-word-1"})
    branch = call(accounts, "create_branch", make_branch(), token=admin["access_token"])
    user = make_user("client", branch["id"], phone="+254712345678")
    client = call(accounts, "create_user", user, token=admin["access_token"])
    token = call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})["access_token"]
    return client, token


def changed_person(client, revision, **details):
    data = {
        k: client[k]
        for k in ("email", "name", "role", "org_id", "branch_id", "phone", "timezone", "language")
    }
    return {**data, "user_id": client["id"], **details, "revision": revision, "updated_at": now()}


def everyone_handled(platform, handler, envelope):
    for name in KEEPERS:
        store = store_of(platform[name])
        wait_until(
            lambda store=store: store.event_seen(inbox_key(handler, envelope["event_id"])),
            timeout=10,
            message=f"{name} never handled {envelope['event_type']}",
        )


def kept_everywhere(platform, user_id):
    for name in KEEPERS:
        store_of(platform[name]).recent_people.clear()
    return {name: store_of(platform[name]).person(user_id) for name in KEEPERS}


def test_a_change_of_language_and_time_zone_reaches_every_service_keeping_the_person(keepers):
    platform, _ = keepers
    client, token = a_client(platform["accounts"])
    for name in KEEPERS:
        wait_until(
            lambda name=name: store_of(platform[name]).person(client["id"]), message=f"{name} never heard"
        )

    call(
        platform["accounts"], "update_me", {"language": "sw", "timezone": "Africa/Dar_es_Salaam"}, token=token
    )

    # No waiting out the minute each process keeps a person read lately: the change drops it.
    wait_until(
        lambda: all(store_of(platform[n]).person(client["id"])["revision"] == 1 for n in KEEPERS),
        timeout=10,
        message="not every service heard of the change",
    )
    for person in kept_everywhere(platform, client["id"]).values():
        assert (person["language"], person["timezone"]) == ("sw", "Africa/Dar_es_Salaam")


def test_an_older_change_arriving_after_a_newer_one_does_not_undo_it(keepers):
    platform, settings = keepers
    client, _ = a_client(platform["accounts"])
    dispatch = event_dispatcher(settings)
    newer = build(USER_UPDATED, changed_person(client, 2, language="sw", phone=None), now())
    older = build(USER_UPDATED, changed_person(client, 1, language="en", timezone="Europe/London"), now())

    dispatch("accounts", USER_UPDATED, newer)
    everyone_handled(platform, "handle_user_updated", newer)
    dispatch("accounts", USER_UPDATED, older)
    everyone_handled(platform, "handle_user_updated", older)

    for name, person in kept_everywhere(platform, client["id"]).items():
        assert (person["revision"], person["language"], person["phone"]) == (2, "sw", None), name
        assert person["timezone"] == client["timezone"], name
    # Replies from the number the client gave up are no longer taken as theirs.
    assert store_of(platform["notifications"]).person_by_phone("+254712345678") is None


def test_a_sign_up_arriving_after_a_change_does_not_undo_the_change(keepers):
    platform, settings = keepers
    client, _ = a_client(platform["accounts"])
    registered = {k: v for k, v in changed_person(client, 0).items() if k not in ("revision", "updated_at")}
    wait_until(lambda: all(store_of(platform[n]).person(client["id"]) for n in KEEPERS), message="not heard")
    changed = build(USER_UPDATED, changed_person(client, 1, language="sw", name="Achieng O."), now())
    dispatch = event_dispatcher(settings)
    dispatch("accounts", USER_UPDATED, changed)
    everyone_handled(platform, "handle_user_updated", changed)
    # The sign-up once more, as a redelivery (or a relay publishing it late) would bring it.
    late = build(USER_REGISTERED, registered, now())
    dispatch("accounts", USER_REGISTERED, late)
    everyone_handled(platform, "handle_user_registered", late)

    for name, person in kept_everywhere(platform, client["id"]).items():
        assert (person["revision"], person["language"], person["name"]) == (1, "sw", "Achieng O."), name
