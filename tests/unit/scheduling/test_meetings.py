"""services/scheduling/meetings.py: Jitsi room names and join links."""

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from services.scheduling.meetings import join_url, new_room_name, verify_join_token

NOW = datetime(2024, 5, 2, 9, 52, tzinfo=UTC)
SESSION_END = datetime(2024, 5, 2, 10, 45, tzinfo=UTC)
BASE_URL = "https://meet.njia.example/"
APP_ID = "njia"
APP_SECRET = "jitsi-app-secret-for-tests-0123456789"
ROOM = "njia-abcdefghijklmnopqrstuvwx"


def make_join_url(**overrides):
    arguments = {
        "base_url": BASE_URL,
        "room": ROOM,
        "participant_id": "usr_amina",
        "participant_name": "Amina Odhiambo",
        "participant_email": "amina@njia.example",
        "moderator": True,
        "expires_at": SESSION_END,
        "now": NOW,
        "app_id": APP_ID,
        "app_secret": APP_SECRET,
    }
    arguments.update(overrides)
    return join_url(**arguments)


def token_of(url):
    [token] = parse_qs(urlsplit(url).query)["jwt"]
    return token


def test_room_names_look_like_njia_rooms():
    for _ in range(100):
        assert re.fullmatch(r"njia-[a-z0-9]{24}", new_room_name())


def test_room_names_are_unique_over_a_thousand_draws():
    names = {new_room_name() for _ in range(1000)}

    assert len(names) == 1000


def test_join_url_without_token_settings_is_the_plain_room_url():
    url = make_join_url(app_id=None, app_secret=None)

    assert url == f"https://meet.njia.example/{ROOM}"


def test_join_url_with_token_settings_is_the_room_url_with_a_jwt():
    url = make_join_url()

    assert url.startswith(f"https://meet.njia.example/{ROOM}?jwt=")
    assert set(parse_qs(urlsplit(url).query)) == {"jwt"}


def test_join_token_verifies_with_the_app_secret_and_names_room_audience_issuer_and_host():
    claims = verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID)

    assert claims["room"] == ROOM
    assert claims["aud"] == "jitsi"
    assert claims["iss"] == APP_ID
    assert claims["sub"] == "meet.njia.example"


def test_join_token_host_leaves_out_port_and_path():
    url = make_join_url(base_url="https://Meet.Njia.example:8443/video/")
    claims = verify_join_token(token_of(url), APP_SECRET, APP_ID)

    assert url.startswith(f"https://Meet.Njia.example:8443/video/{ROOM}?jwt=")
    assert claims["sub"] == "meet.njia.example"


def test_join_token_expires_when_the_session_ends_and_is_valid_a_minute_early():
    claims = verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID)

    assert claims["exp"] == int(SESSION_END.timestamp())
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["nbf"] == int((NOW - timedelta(seconds=60)).timestamp())


def test_join_token_signed_with_hs256():
    assert jwt.get_unverified_header(token_of(make_join_url()))["alg"] == "HS256"


def test_counselor_join_token_carries_their_name_email_and_moderator_right():
    claims = verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID)

    assert claims["context"] == {
        "user": {
            "id": "usr_amina",
            "name": "Amina Odhiambo",
            "email": "amina@njia.example",
            "moderator": True,
        }
    }


def test_client_join_token_is_not_a_moderator_and_may_have_no_email():
    url = make_join_url(
        participant_id="usr_brian", participant_name="Brian Kiprono", participant_email=None, moderator=False
    )
    user = verify_join_token(token_of(url), APP_SECRET, APP_ID)["context"]["user"]

    assert user == {"id": "usr_brian", "name": "Brian Kiprono", "email": None, "moderator": False}


def test_join_token_signed_with_another_secret_is_refused():
    url = make_join_url(app_secret="another-jitsi-secret-for-tests-012345")

    with pytest.raises(jwt.InvalidSignatureError):
        verify_join_token(token_of(url), APP_SECRET, APP_ID)


def test_join_token_from_another_app_is_refused():
    url = make_join_url(app_id="someone-else")

    with pytest.raises(jwt.InvalidIssuerError):
        verify_join_token(token_of(url), APP_SECRET, APP_ID)


def test_token_for_another_audience_is_refused():
    claims = verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID)
    other = jwt.encode({**claims, "aud": "not-jitsi"}, APP_SECRET, algorithm="HS256")

    with pytest.raises(jwt.InvalidAudienceError):
        verify_join_token(other, APP_SECRET, APP_ID)


def test_token_without_a_room_is_refused():
    claims = verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID)
    del claims["room"]
    roomless = jwt.encode(claims, APP_SECRET, algorithm="HS256")

    with pytest.raises(jwt.MissingRequiredClaimError):
        verify_join_token(roomless, APP_SECRET, APP_ID)


def test_tampered_join_token_is_refused():
    token = token_of(make_join_url())
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload, signature[::-1]])

    with pytest.raises(jwt.InvalidTokenError):
        verify_join_token(tampered, APP_SECRET, APP_ID)


def test_join_token_is_valid_during_the_session():
    token = token_of(make_join_url())

    verify_join_token(token, APP_SECRET, APP_ID, now=NOW)
    verify_join_token(token, APP_SECRET, APP_ID, now=SESSION_END - timedelta(seconds=1))


def test_join_token_is_refused_once_the_session_has_ended():
    with pytest.raises(jwt.ExpiredSignatureError):
        verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID, now=SESSION_END)


def test_join_token_is_refused_before_it_was_issued():
    with pytest.raises(jwt.ImmatureSignatureError):
        verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID, now=NOW - timedelta(minutes=2))


def test_join_url_accepts_times_in_any_zone():
    nairobi = timezone(timedelta(hours=3))
    url = make_join_url(now=NOW.astimezone(nairobi), expires_at=SESSION_END.astimezone(nairobi))
    claims = verify_join_token(token_of(url), APP_SECRET, APP_ID)

    assert claims["exp"] == int(SESSION_END.timestamp())
    assert claims["iat"] == int(NOW.timestamp())


@pytest.mark.parametrize("field", ["now", "expires_at"])
def test_naive_datetimes_are_refused(field):
    with pytest.raises(ValueError):
        make_join_url(**{field: datetime(2024, 5, 2, 10, 0)})


def test_naive_datetimes_are_refused_even_without_token_settings():
    with pytest.raises(ValueError):
        make_join_url(app_id=None, app_secret=None, now=datetime(2024, 5, 2, 10, 0))


def test_naive_now_is_refused_when_verifying():
    with pytest.raises(ValueError):
        verify_join_token(token_of(make_join_url()), APP_SECRET, APP_ID, now=datetime(2024, 5, 2, 10, 0))


@pytest.mark.parametrize(("app_id", "app_secret"), [(APP_ID, None), (None, APP_SECRET), ("", APP_SECRET)])
def test_half_configured_token_settings_are_refused(app_id, app_secret):
    with pytest.raises(ValueError):
        make_join_url(app_id=app_id, app_secret=app_secret)


def test_base_url_without_a_host_is_refused_when_signing():
    with pytest.raises(ValueError):
        make_join_url(base_url="meet.njia.example")
