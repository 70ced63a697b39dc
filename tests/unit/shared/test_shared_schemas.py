"""shared/schemas.py: the boundary helpers every service validates with."""

import pytest

from shared.errors import ValidationFailed
from shared.schemas import Language, PageQuery, StrictSchema, TimeZone, load


class Place(StrictSchema):
    timezone = TimeZone(required=True)
    language = Language(load_default="en")


@pytest.mark.parametrize("name", ["Africa/Nairobi", "America/New_York", "UTC"])
def test_real_time_zone_is_accepted(name):
    assert load(Place(), {"timezone": name})["timezone"] == name


def test_time_zone_with_stray_spaces_is_accepted_trimmed():
    assert load(Place(), {"timezone": " Africa/Nairobi "})["timezone"] == "Africa/Nairobi"


@pytest.mark.parametrize("name", ["Mars/Base", "", "africa/nairobi", "EAT+3"])
def test_unknown_time_zone_is_refused_with_a_hint(name):
    with pytest.raises(ValidationFailed) as caught:
        load(Place(), {"timezone": name})

    assert list(caught.value.details) == ["timezone"]
    assert "Africa/Nairobi" in caught.value.details["timezone"][0]


def test_server_local_time_is_not_accepted_as_a_time_zone():
    # "localtime" is the host's own zone file: a branch set to it would see its
    # sessions move whenever the service runs on a differently configured host.
    with pytest.raises(ValidationFailed):
        load(Place(), {"timezone": "localtime"})


def test_language_must_be_english_or_swahili():
    assert load(Place(), {"timezone": "UTC", "language": "sw"})["language"] == "sw"
    with pytest.raises(ValidationFailed) as caught:
        load(Place(), {"timezone": "UTC", "language": "fr"})
    assert "language" in caught.value.details


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ValidationFailed) as caught:
        load(PageQuery(), {"limit": 0, "cursor": "c" * 201})

    assert caught.value.status == 422
    assert set(caught.value.details) == {"limit", "cursor"}


@pytest.mark.parametrize("body", [None, [], "limit=5", 5])
def test_body_that_is_not_a_json_object_is_refused_as_a_whole(body):
    with pytest.raises(ValidationFailed) as caught:
        load(PageQuery(), body)

    assert list(caught.value.details) == ["body"]
    assert caught.value.details["body"]


def test_unknown_field_is_refused_rather_than_ignored():
    with pytest.raises(ValidationFailed) as caught:
        load(PageQuery(), {"limt": 10})

    assert list(caught.value.details) == ["limt"]


def test_page_size_defaults_to_50():
    assert load(PageQuery(), {}) == {"limit": 50, "cursor": None}


@pytest.mark.parametrize("limit", [1, 200, "20"])
def test_page_size_between_1_and_200_is_accepted(limit):
    assert load(PageQuery(), {"limit": limit})["limit"] == int(limit)


@pytest.mark.parametrize("limit", [0, -1, 201, "all"])
def test_page_size_outside_1_to_200_is_refused(limit):
    with pytest.raises(ValidationFailed) as caught:
        load(PageQuery(), {"limit": limit})

    assert list(caught.value.details) == ["limit"]
