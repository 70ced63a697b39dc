"""Webhooks may not point Njia at its own network: refused at registration, and again at delivery
(DNS may change after registration). NJIA_WEBHOOK_ALLOW_PRIVATE is left at its default here."""

import pytest

from services.accounts.service import AccountsService
from services.notifications.service import NotificationsService
from services.scheduling.service import SchedulingService
from shared.errors import ValidationFailed
from shared.mongo import now
from tests.support.containers import call, open_practice, start_containers, store_of
from tests.support.waiting import wait_until

SECRET = "a-webhook-secret-for-tests"


@pytest.fixture
def platform(container_factory, config, smtp):
    settings = {**config, "NJIA_SMTP_PORT": str(smtp.port), "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    return start_containers(
        container_factory, settings, AccountsService, SchedulingService, NotificationsService
    )


@pytest.fixture
def people(platform):
    return open_practice(platform)


@pytest.mark.parametrize("where", ["this machine", "cloud metadata"])
def test_a_webhook_to_a_private_address_is_refused_at_registration_naming_the_url(
    platform, people, provider, where
):
    url = (
        f"{provider.url}/hooks/njia"
        if where == "this machine"
        else "http://169.254.169.254/latest/meta-data/"
    )
    with pytest.raises(ValidationFailed) as caught:
        call(
            platform["notifications"],
            "add_webhook",
            {"url": url, "events": ["session.booked"], "secret": SECRET},
            token=people["admin"],
        )
    assert "private, local or reserved" in caught.value.details["url"][0]
    assert call(platform["notifications"], "list_webhooks", token=people["admin"])["items"] == []


def test_a_webhook_whose_host_now_points_here_fails_its_delivery_without_sending_and_the_rest_goes_on(
    platform, people, provider, smtp
):
    # As registered while its host answered with a public address; it now resolves to 127.0.0.1.
    hooks = store_of(platform["notifications"]).webhooks
    hooks.insert_one(
        {
            "_id": "wh_moved",
            "org_id": people["org_id"],
            "url": f"{provider.url}/hooks/njia",
            "events": ["session.booked"],
            "secret": SECRET,
            "active": True,
            "consecutive_failures": 0,
            "created_at": now(),
            "created_by": "usr_admin",
        }
    )
    scheduling = platform["scheduling"]
    slots = call(scheduling, "open_slots", {"counselor_id": people["counselor_id"]}, token=people["client"])
    call(
        scheduling,
        "book_session",
        {"counselor_id": people["counselor_id"], "start": slots["items"][0]["start"]},
        token=people["client"],
    )

    deliveries = store_of(platform["notifications"]).deliveries
    [failed] = wait_until(
        lambda: list(deliveries.find({"channel": "webhook", "status": "failed"})),
        timeout=15,
        message=lambda: f"webhook delivery not failed: {list(deliveries.find({'channel': 'webhook'}))}",
    )
    assert "refused" in failed["last_error"] and "private, local or reserved" in failed["last_error"]
    assert failed["attempts"] == 1
    assert provider.requests() == []
    assert hooks.find_one({"_id": "wh_moved"})["consecutive_failures"] == 1
    # Everything else about the booking still goes out.
    wait_until(
        lambda: len([m for m in smtp.messages if m["X-Njia-Delivery"].startswith("confirmation:")]) >= 2,
        timeout=15,
        message="confirmations not sent",
    )
