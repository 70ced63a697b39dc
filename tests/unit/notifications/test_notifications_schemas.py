"""services/notifications/schemas.py: what a webhook registration must give (IP literals only: no DNS)."""

import pytest

from services.notifications.schemas import WebhookChanges, WebhookIn
from shared.errors import ValidationFailed
from shared.schemas import load


def webhook(url):
    return {"url": url, "events": ["session.booked"], "secret": "a-webhook-secret-for-tests"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://10.0.0.5/hooks",
        "http://192.168.1.1/hooks",
        "http://[::1]/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/hooks",
    ],
)
def test_a_webhook_to_a_private_local_or_reserved_address_is_refused_naming_the_url(url):
    with pytest.raises(ValidationFailed) as caught:
        load(WebhookIn(), webhook(url))
    assert set(caught.value.details) == {"url"}


def test_a_webhook_to_a_public_address_is_accepted():
    assert load(WebhookIn(), webhook("https://93.184.215.14/hooks"))["url"] == "https://93.184.215.14/hooks"


def test_on_premises_a_webhook_may_reach_a_private_address_but_never_cloud_metadata():
    allowed = WebhookIn(allow_private=True)
    assert load(allowed, webhook("http://10.0.0.5/hooks"))["url"] == "http://10.0.0.5/hooks"
    with pytest.raises(ValidationFailed) as caught:
        load(allowed, webhook("http://169.254.169.254/latest/meta-data/"))
    assert "url" in caught.value.details


def test_a_webhook_change_may_give_any_one_field_or_none():
    assert load(WebhookChanges(), {}) == {}
    assert load(WebhookChanges(), {"active": False}) == {"active": False}
    assert load(WebhookChanges(), {"events": ["session.cancelled"]}) == {"events": ["session.cancelled"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "http://10.0.0.5/hooks"}, "url"),
        ({"url": "ftp://93.184.215.14/hooks"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["session.exploded"]}, "events.0"),
        ({"secret": "short"}, "secret"),
        ({"active": None}, "active"),
        ({"created_by": "usr_x"}, "created_by"),
    ],
)
def test_a_webhook_change_is_checked_as_a_registration_is_naming_the_field(change, field):
    with pytest.raises(ValidationFailed) as caught:
        load(WebhookChanges(), {"active": True, **change})
    assert set(caught.value.details) == {field}


def test_on_premises_a_webhook_may_be_moved_to_a_private_address_but_never_cloud_metadata():
    allowed = WebhookChanges(allow_private=True)
    assert load(allowed, {"url": "http://10.0.0.5/hooks"}) == {"url": "http://10.0.0.5/hooks"}
    with pytest.raises(ValidationFailed) as caught:
        load(allowed, {"url": "http://169.254.169.254/latest/meta-data/"})
    assert set(caught.value.details) == {"url"}
