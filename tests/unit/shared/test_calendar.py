"""services/scheduling/calendar.py: a session's .ics, a counselor's feed, feed tokens."""

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from shared.calendar import (
    CalendarEntry,
    counseling_session,
    counselor_feed,
    counselor_of_feed_token,
    feed_token,
    session_calendar,
)
from shared.people import sees_contact

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
NAIROBI = timezone(timedelta(hours=3))
START = datetime(2024, 5, 2, 13, 0, tzinfo=NAIROBI)  # 10:00 UTC
END = START + timedelta(minutes=45)
JOIN_PAGE = "https://njia.example/sessions/ses_1/join"
FEED_SECRET = "feed-secret-for-tests-0123456789abcdef"


def make_entry(**overrides):
    fields = {
        "session_id": "ses_1",
        "start": START,
        "end": END,
        "summary": "Career session with Amina Odhiambo",
        "description": "Topic: moving into data analysis",
        "organizer_name": "Amina Odhiambo",
        "organizer_email": "amina@njia.example",
        "attendee_name": "Brian Kiprono",
        "attendee_email": "brian@example.org",
        "join_page_url": JOIN_PAGE,
        "status": "booked",
        "sequence": 0,
    }
    fields.update(overrides)
    return CalendarEntry(**fields)


def only_event(ics: bytes):
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_session_calendar_is_a_published_calendar_from_njia():
    calendar = Calendar.from_ical(session_calendar(make_entry(), NOW))

    assert str(calendar["PRODID"]) == "-//Njia//Njia career counseling//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"


def test_session_event_uid_is_the_session_id_at_njia():
    event = only_event(session_calendar(make_entry(), NOW))

    assert str(event["UID"]) == "ses_1@njia"


def test_session_times_are_written_in_utc_whatever_zone_they_came_in():
    ics = session_calendar(make_entry(), NOW)
    event = only_event(ics)

    assert event.decoded("DTSTART") == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2024, 5, 2, 10, 45, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert b"DTSTART:20240502T100000Z\r\n" in ics
    assert b"DTEND:20240502T104500Z\r\n" in ics
    assert b"DTSTAMP:20240501T080000Z\r\n" in ics


def test_counselor_is_the_organizer_and_client_a_required_attendee():
    event = only_event(session_calendar(make_entry(), NOW))

    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:amina@njia.example"
    assert organizer.params["CN"] == "Amina Odhiambo"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:brian@example.org"
    assert attendee.params["CN"] == "Brian Kiprono"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"


def test_client_without_an_email_is_left_off_the_attendees():
    event = only_event(session_calendar(make_entry(attendee_email=None), NOW))

    assert "ATTENDEE" not in event
    assert str(event["ORGANIZER"]) == "mailto:amina@njia.example"


def test_names_with_commas_and_quotes_survive_as_attendee_names():
    entry = make_entry(organizer_name='Amina "Ami" Odhiambo, MSc', attendee_name="Kiprono; Brian")
    event = only_event(session_calendar(entry, NOW))

    assert event["ORGANIZER"].params["CN"] == 'Amina "Ami" Odhiambo, MSc'
    assert event["ATTENDEE"].params["CN"] == "Kiprono; Brian"


def test_join_page_is_in_the_description_url_and_location():
    event = only_event(session_calendar(make_entry(), NOW))

    description = str(event["DESCRIPTION"])
    assert description.startswith("Topic: moving into data analysis")
    assert JOIN_PAGE in description
    assert str(event["URL"]) == JOIN_PAGE
    assert str(event["LOCATION"]) == JOIN_PAGE


def test_session_without_a_description_still_tells_where_to_join():
    event = only_event(session_calendar(make_entry(description=""), NOW))

    assert str(event["DESCRIPTION"]) == f"Join: {JOIN_PAGE}"


@pytest.mark.parametrize("status", ["booked", "completed", "no_show"])
def test_session_that_took_place_or_will_is_confirmed(status):
    event = only_event(session_calendar(make_entry(status=status), NOW))

    assert str(event["STATUS"]) == "CONFIRMED"


@pytest.mark.parametrize("status", ["cancelled", "late_cancelled"])
def test_cancelled_session_is_a_cancelled_event_without_a_reminder(status):
    event = only_event(session_calendar(make_entry(status=status), NOW))

    assert str(event["STATUS"]) == "CANCELLED"
    assert event.walk("VALARM") == []


def test_rescheduled_session_carries_its_sequence_so_calendar_apps_update_it():
    event = only_event(session_calendar(make_entry(sequence=3), NOW))

    assert event.decoded("SEQUENCE") == 3


def test_new_session_has_sequence_zero():
    event = only_event(session_calendar(make_entry(), NOW))

    assert event.decoded("SEQUENCE") == 0


def test_calendar_app_reminds_fifteen_minutes_before_the_session():
    event = only_event(session_calendar(make_entry(), NOW))

    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)
    assert str(alarm["DESCRIPTION"]) == "Career session with Amina Odhiambo"


def test_calendar_lines_end_with_crlf():
    ics = session_calendar(make_entry(), NOW)

    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")


def test_summary_with_comma_semicolon_and_newline_survives_the_round_trip():
    summary = "Career plan, part 2; bring CV\nand cover letter"
    ics = session_calendar(make_entry(summary=summary, description="Notes; a, b\nc"), NOW)
    event = only_event(ics)

    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]).startswith("Notes; a, b\nc")
    assert b"SUMMARY:Career plan\\, part 2\\; bring CV\\nand cover letter\r\n" in ics


def test_non_ascii_names_are_written_as_utf8():
    entry = make_entry(summary="Kikao na Amina — mpango wa kazi", attendee_name="Zoë Wanjirũ")
    event = only_event(session_calendar(entry, NOW))

    assert str(event["SUMMARY"]) == "Kikao na Amina — mpango wa kazi"
    assert event["ATTENDEE"].params["CN"] == "Zoë Wanjirũ"


def test_counselor_feed_holds_one_event_per_session_and_the_counselor_name():
    entries = [
        make_entry(session_id="ses_1"),
        make_entry(session_id="ses_2", start=START + timedelta(days=1), end=END + timedelta(days=1)),
        make_entry(session_id="ses_3", status="cancelled"),
    ]
    calendar = Calendar.from_ical(counselor_feed("Amina Odhiambo", entries, NOW))

    assert str(calendar["X-WR-CALNAME"]) == "Njia — Amina Odhiambo"
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [
        "ses_1@njia",
        "ses_2@njia",
        "ses_3@njia",
    ]
    assert [str(event["STATUS"]) for event in calendar.walk("VEVENT")] == [
        "CONFIRMED",
        "CONFIRMED",
        "CANCELLED",
    ]


def test_counselor_feed_asks_calendar_apps_to_refresh_every_fifteen_minutes():
    ics = counselor_feed("Amina Odhiambo", [make_entry()], NOW)
    calendar = Calendar.from_ical(ics)

    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in ics
    assert b"X-PUBLISHED-TTL:PT15M\r\n" in ics
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(minutes=15)


def test_counselor_feed_without_sessions_is_an_empty_calendar():
    calendar = Calendar.from_ical(counselor_feed("Amina Odhiambo", [], NOW))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Njia — Amina Odhiambo"


def test_feed_events_are_the_same_as_the_single_session_event():
    entry = make_entry(sequence=1)
    single = only_event(session_calendar(entry, NOW))
    [in_feed] = Calendar.from_ical(counselor_feed("Amina Odhiambo", [entry], NOW)).walk("VEVENT")

    assert in_feed.to_ical() == single.to_ical()


def test_feed_token_names_its_counselor():
    token = feed_token(FEED_SECRET, "usr_amina")

    assert token.startswith("usr_amina.")
    assert len(token.rpartition(".")[2]) == 32
    assert counselor_of_feed_token(FEED_SECRET, token) == "usr_amina"


def test_feed_token_is_the_same_every_time_so_it_needs_no_storage():
    assert feed_token(FEED_SECRET, "usr_amina") == feed_token(FEED_SECRET, "usr_amina")


def test_counselor_id_with_dots_still_round_trips_through_a_feed_token():
    token = feed_token(FEED_SECRET, "org.1.usr_amina")

    assert counselor_of_feed_token(FEED_SECRET, token) == "org.1.usr_amina"


def test_tampered_feed_token_is_refused():
    token = feed_token(FEED_SECRET, "usr_amina")
    last = token[-1]
    tampered = token[:-1] + ("0" if last != "0" else "1")

    assert counselor_of_feed_token(FEED_SECRET, tampered) is None


def test_feed_token_with_another_counselors_id_is_refused():
    signature = feed_token(FEED_SECRET, "usr_amina").rpartition(".")[2]

    assert counselor_of_feed_token(FEED_SECRET, f"usr_brian.{signature}") is None


def test_feed_token_made_with_another_secret_is_refused():
    token = feed_token("another-secret-for-tests-0123456789ab", "usr_amina")

    assert counselor_of_feed_token(FEED_SECRET, token) is None


@pytest.mark.parametrize("token", ["", "usr_amina", "usr_amina.", ".abc", "usr_amina.not-hex-at-all"])
def test_malformed_feed_token_is_refused(token):
    assert counselor_of_feed_token(FEED_SECRET, token) is None


def test_feed_token_without_a_secret_is_refused():
    with pytest.raises(ValueError):
        feed_token("", "usr_amina")


@pytest.mark.parametrize("field", ["start", "end"])
def test_naive_session_times_are_refused(field):
    naive = getattr(make_entry(), field).replace(tzinfo=None)

    with pytest.raises(ValueError):
        make_entry(**{field: naive})


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        session_calendar(make_entry(), NOW.replace(tzinfo=None))


def test_session_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        make_entry(end=START - timedelta(minutes=1))


def test_unknown_session_status_is_refused():
    with pytest.raises(ValueError):
        make_entry(status="postponed")


def test_calendar_entry_cannot_be_changed_after_it_is_made():
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_entry().summary = "changed"  # type: ignore[misc]


def _client_and_counselor():
    counselor = {
        "user_id": "usr_c",
        "role": "counselor",
        "name": "Amina Odhiambo",
        "email": "amina@njia.example",
    }
    client = {"user_id": "usr_k", "role": "client", "name": "Brian Kiprono", "email": "brian@example.org"}
    return counselor, client


@pytest.mark.parametrize(
    "reader, shown",
    [("client", False), ("counselor", True)],
)
def test_a_clients_calendar_names_the_counselor_without_their_email_as_the_users_api_does(reader, shown):
    counselor, client = _client_and_counselor()
    viewer = client if reader == "client" else counselor
    entry = counseling_session(
        "ses_1",
        START,
        END,
        counselor,
        client,
        None,
        "booked",
        JOIN_PAGE,
        organizer_contact=sees_contact(viewer["user_id"], viewer["role"], counselor["user_id"]),
    )
    ics = session_calendar(entry, NOW)
    assert (b"amina@njia.example" in ics) is shown
    organizer = only_event(ics)["organizer"]
    assert organizer.params["CN"] == "Amina Odhiambo"
    assert str(organizer) == ("mailto:amina@njia.example" if shown else "mailto:counselor@njia.invalid")


# -- where a session is held (#15) -----------------------------------------------------------------


def _where(modality, location=None, language="en", phone="+254712345678"):
    counselor, client = _client_and_counselor()
    entry = counseling_session(
        "ses_1",
        START,
        END,
        counselor,
        {**client, "phone": phone},
        None,
        "booked",
        JOIN_PAGE,
        modality=modality,
        location=location,
        language=language,
    )
    return only_event(session_calendar(entry, NOW))


def test_an_in_person_sessions_location_is_the_branchs_address_and_its_page_is_no_join_link():
    event = _where("in_person", "Kenyatta Avenue 12, Nakuru")
    assert str(event["location"]) == "Kenyatta Avenue 12, Nakuru"
    assert "Where: Kenyatta Avenue 12, Nakuru" in str(event["description"])
    assert "Join:" not in str(event["description"]) and f"Session page: {JOIN_PAGE}" in str(
        event["description"]
    )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Phone call: Amina Odhiambo calls Brian Kiprono on +254712345678"),
        ("sw", "Simu: Amina Odhiambo atampigia Brian Kiprono kwa nambari +254712345678"),
    ],
)
def test_a_phone_sessions_location_says_who_calls_which_number_in_the_readers_language(language, said):
    assert str(_where("phone", language=language)["location"]) == said


def test_a_phone_session_without_a_number_still_says_who_calls():
    assert str(_where("phone", phone=None)["location"]) == "Phone call: Amina Odhiambo calls Brian Kiprono"


def test_a_video_sessions_location_is_still_its_join_page_and_swahili_readers_get_swahili_words():
    event = _where("video", language="sw")
    assert str(event["location"]) == JOIN_PAGE
    assert str(event["summary"]) == "Ushauri wa taaluma: Amina Odhiambo na Brian Kiprono"
    assert f"Jiunge: {JOIN_PAGE}" in str(event["description"])
