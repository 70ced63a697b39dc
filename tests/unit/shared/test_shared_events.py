"""shared/events: the envelope every event travels in, and the registered contracts."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from shared.events import CONTRACTS, InvalidEvent, build, contracts, validate_envelope

OCCURRED = datetime(2024, 5, 1, 13, 0, tzinfo=ZoneInfo("Africa/Nairobi"))


def registration(**overrides):
    data = {
        "user_id": "usr_1",
        "org_id": "org_1",
        "branch_id": "brn_1",
        "role": "client",
        "email": "amina@example.org",
        "name": "Amina",
        "phone": "+254712345678",
        "timezone": "Africa/Nairobi",
        "language": "sw",
    }
    data.update(overrides)
    return data


@pytest.fixture
def envelope():
    return build("user.registered", registration(), OCCURRED)


def test_built_event_carries_id_type_version_time_source_and_data(envelope):
    assert set(envelope) == {"event_id", "event_type", "version", "occurred_at", "source", "data"}
    assert envelope["event_id"].startswith("evt_")
    assert envelope["event_type"] == "user.registered"
    assert envelope["version"] == 1
    assert envelope["source"] == "accounts"
    assert envelope["data"] == registration()


def test_event_time_is_rfc3339_with_its_offset(envelope):
    assert envelope["occurred_at"] == "2024-05-01T13:00:00+03:00"
    assert datetime.fromisoformat(envelope["occurred_at"]) == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_two_events_about_the_same_thing_have_different_ids():
    first = build("user.registered", registration(), OCCURRED)
    second = build("user.registered", registration(), OCCURRED)

    assert first["event_id"] != second["event_id"]


def test_fields_outside_the_contract_never_leave_the_service():
    envelope = build("user.registered", registration(password_hash="$argon2id$secret"), OCCURRED)

    assert "password_hash" not in envelope["data"]


@pytest.mark.parametrize("missing", ["name", "org_id", "role"])
def test_event_missing_a_required_field_is_refused_naming_it(missing):
    data = registration()
    del data[missing]

    with pytest.raises(InvalidEvent) as caught:
        build("user.registered", data, OCCURRED)

    assert list(caught.value.problems) == [f"data.{missing}"]
    assert caught.value.event_type == "user.registered"


def test_a_client_known_only_by_phone_is_registered_without_an_email():
    data = registration(email=None, phone="+254712345678")

    envelope = build("user.registered", data, OCCURRED)

    assert envelope["data"]["email"] is None and envelope["data"]["phone"] == "+254712345678"


def test_event_with_an_invalid_role_is_refused():
    with pytest.raises(InvalidEvent) as caught:
        build("user.registered", registration(role="superuser"), OCCURRED)

    assert list(caught.value.problems) == ["data.role"]


def test_event_at_a_naive_time_is_refused():
    with pytest.raises(InvalidEvent) as caught:
        build("user.registered", registration(), datetime(2024, 5, 1, 13, 0))

    assert "occurred_at" in caught.value.problems


def test_received_event_passes_when_it_matches_its_contract(envelope):
    assert validate_envelope(envelope) == envelope


def test_received_event_with_extra_data_fields_is_accepted(envelope):
    newer = {**envelope, "data": {**envelope["data"], "referral": "radio"}}

    assert validate_envelope(newer) == newer


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "scheduling"}, "source"),
        ({"version": 99}, "version"),
        ({"occurred_at": "2024-05-01T13:00:00"}, "occurred_at"),
        ({"event_type": "UserRegistered"}, "event_type"),
    ],
)
def test_received_event_breaking_the_envelope_is_refused_naming_the_field(envelope, change, field):
    with pytest.raises(InvalidEvent) as caught:
        validate_envelope({**envelope, **change})

    assert list(caught.value.problems) == [field]


def test_received_event_without_an_id_is_refused(envelope):
    del envelope["event_id"]

    with pytest.raises(InvalidEvent) as caught:
        validate_envelope(envelope)

    assert list(caught.value.problems) == ["event_id"]


def test_received_message_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidEvent):
        validate_envelope(["user.registered"])


def _camel(event_type):
    return "".join(part.capitalize() for part in re.split(r"[._]", event_type))


@pytest.mark.parametrize("key", sorted(CONTRACTS), ids=lambda key: f"{key}")
def test_every_event_is_named_thing_dot_past_participle_with_matching_schema_and_constant(key):
    found = CONTRACTS[key]

    assert re.fullmatch(r"[a-z_]+\.[a-z_]+", found.event_type)
    assert found.schema.__name__ == _camel(found.event_type)
    constant = found.event_type.replace(".", "_").upper()
    assert getattr(contracts, constant) == found.event_type


def test_camel_case_rule_reads_as_style_md_says():
    assert _camel("user.registered") == "UserRegistered"
    assert _camel("session.no_show_marked") == "SessionNoShowMarked"
