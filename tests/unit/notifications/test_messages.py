"""services/notifications/messages.py: what each notification says, in whose time zone and language."""

from datetime import UTC, datetime

import jinja2
import pytest

from services.notifications.messages import (
    KINDS,
    Message,
    lead_time,
    render,
    swahili_clock,
    webhook_disabled,
    zone_label,
)
from shared.links import session_page

PUBLIC_URL = "https://njia.example.org"
SESSION_ID = "65f0c0ffee0123456789abcd"  # as long as a MongoDB ObjectId, the longest id a link carries
JOIN_PATH = session_page(SESSION_ID)
JOIN_URL = PUBLIC_URL + JOIN_PATH

CLIENT = {"name": "Wanjiru Kamau", "role": "client", "timezone": "Africa/Nairobi", "language": "sw"}
COUNSELOR = {"name": "Achieng Otieno", "role": "counselor", "timezone": "Europe/London", "language": "en"}


PREVIOUS_COUNSELOR = {
    "user_id": "usr_previous",
    "role": "counselor",
    "name": "Otieno Mwangi",
    "email": "otieno@example.org",
    "phone": None,
    "timezone": "Africa/Nairobi",
    "language": "sw",
}
TOKEN = "Xk3" * 14 + "q"  # as long as shared.one_time.link_token's (43 characters)
# Account messages' facts as a delivery keeps them, with the link the sender adds at send time.
ACCOUNT_FACTS = {
    "invitation": {
        "record_id": "inv_1",
        "nonce": "nonce-1",
        "org_name": "Njia Nakuru",
        "inviter_name": "Amina Njeri",
        "invited_role": "counselor",
        "expires_at": "2026-12-08T06:00:00+00:00",
        "link": f"{PUBLIC_URL}/#/accept?token={TOKEN}",
    },
    "password_reset": {
        "record_id": "rst_1",
        "nonce": "nonce-2",
        "expires_at": "2026-12-01T06:30:00+00:00",
        "valid_minutes": 30,
        "link": f"{PUBLIC_URL}/#/reset?token={TOKEN}",
    },
    "sign_in_throttled": {"failures": 5, "retry_after_seconds": 900, "at": "2026-12-01T06:00:00+00:00"},
}


def make_session_facts(**overrides):
    """The data of a session event: 1 December 2026, 06:00-07:00 UTC (09:00 EAT, 06:00 GMT)."""
    facts = {
        "session_id": SESSION_ID,
        "org_id": "org_1",
        "branch_id": "br_1",
        "status": "booked",
        "start": "2026-12-01T06:00:00+00:00",
        "end": "2026-12-01T07:00:00+00:00",
        "topic": "Changing careers",
        "counselor": {
            "user_id": "usr_counselor",
            "role": "counselor",
            "name": COUNSELOR["name"],
            "email": "achieng@example.org",
            "phone": "+447700900123",
            "timezone": COUNSELOR["timezone"],
            "language": "en",
        },
        "client": {
            "user_id": "usr_client",
            "role": "client",
            "name": CLIENT["name"],
            "email": "wanjiru@example.org",
            "phone": "+254712345678",
            "timezone": CLIENT["timezone"],
            "language": "sw",
        },
        "join_path": JOIN_PATH,
    }
    facts.update(overrides)
    return facts


def make_facts(kind, **overrides):
    """Facts for any kind, with the extras that kind needs."""
    if kind == "agenda":
        facts = {
            "date": "2026-12-01",
            "sessions": [
                {
                    "start": "2026-12-01T09:00:00Z",
                    "end": "2026-12-01T10:00:00Z",
                    "client_name": "Baraka Mwangi",
                    "topic": None,
                },
                {
                    "start": "2026-12-01T06:00:00Z",
                    "end": "2026-12-01T07:00:00Z",
                    "client_name": CLIENT["name"],
                    "topic": "Changing careers",
                    "join_path": JOIN_PATH,
                },
            ],
        }
    elif kind == "assessment_summary":
        facts = {
            "title": "Interest Profiler",
            "code": "SIA",
            "top_matches": ["Secondary School Teachers", "Registered Nurses", "Social Workers"],
            "client_name": CLIENT["name"],
        }
    else:
        extras = {
            "reminder": {"offset_minutes": 1440},
            "rescheduled": {
                "previous_start": "2026-11-30T12:00:00Z",
                "previous_end": "2026-11-30T13:00:00Z",
                "rescheduled_by": "usr_client",
            },
            "cancelled": {"cancelled_by": "usr_client", "reason": "Unwell", "late": True},
            "unassigned": {"reason": "counselor_deactivated", "unassigned_by": "usr_admin"},
            "reassigned": {"previous_counselor": PREVIOUS_COUNSELOR, "reassigned_by": "usr_admin"},
        }
        if kind in ACCOUNT_FACTS:
            return {**ACCOUNT_FACTS[kind], **overrides}
        facts = make_session_facts(**extras.get(kind, {}))
    facts.update(overrides)
    return facts


def render_for(recipient, kind="confirmation", language=None, **overrides):
    return render(kind, language or "en", make_facts(kind, **overrides), recipient, PUBLIC_URL)


@pytest.mark.parametrize("recipient", [CLIENT, COUNSELOR], ids=["client", "counselor"])
@pytest.mark.parametrize(("language", "greeting"), [("en", "Hello"), ("sw", "Habari")])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_for_client_and_counselor_in_english_and_swahili(
    kind, language, greeting, recipient
):
    message = render(kind, language, make_facts(kind), recipient, PUBLIC_URL)

    assert isinstance(message, Message)
    assert message.subject and "\n" not in message.subject
    assert message.sms and "\n" not in message.sms
    assert message.text.endswith("\n")
    greeting = "Good morning" if kind == "agenda" and language == "en" else greeting
    assert recipient["name"] in message.text
    assert greeting in message.text
    assert message.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in message.html


def test_the_same_session_is_shown_in_each_recipients_own_zone():
    client = render_for(CLIENT, "confirmation")
    counselor = render_for(COUNSELOR, "confirmation")

    assert client.subject == "Session confirmed: Tuesday 1 December 2026, 09:00 (EAT)"
    assert "Tuesday 1 December 2026, 09:00\u201310:00 (EAT)" in client.text
    assert "Tue 1 Dec 09:00 EAT" in client.sms
    # London keeps GMT (UTC+0) in December.
    assert counselor.subject == "New session booked: Wanjiru Kamau, Tuesday 1 December 2026, 06:00 (GMT)"
    assert "Tuesday 1 December 2026, 06:00\u201307:00 (GMT)" in counselor.text
    assert "06:00" in counselor.html and "09:00" not in counselor.html


def test_swahili_shows_east_african_time_beside_the_24_hour_clock():
    message = render_for(CLIENT, "confirmation", "sw")

    assert message.subject == "Kipindi kimethibitishwa: Jumanne, 1 Desemba 2026, saa 3:00 asubuhi (09:00 EAT)"
    assert "saa 3:00 asubuhi hadi saa 4:00 asubuhi (09:00\u201310:00 EAT)" in message.text
    assert "Jumanne 1 Des saa 3 asubuhi EAT" in message.sms


def test_summer_time_in_london_is_shown_as_bst():
    message = render_for(COUNSELOR, "reminder", start="2026-07-01T06:00:00Z", end="2026-07-01T07:00:00Z")

    assert "Wednesday 1 July 2026, 07:00\u201308:00 (BST)" in message.text


def test_a_zone_without_an_abbreviation_shows_its_utc_offset():
    dubai = {**CLIENT, "timezone": "Asia/Dubai"}
    kathmandu = {**CLIENT, "timezone": "Asia/Kathmandu"}

    assert "10:00 (UTC+4)" in render_for(dubai).subject
    assert "11:45 (UTC+5:45)" in render_for(kathmandu).subject
    assert zone_label(datetime(2026, 12, 1, tzinfo=UTC)) == "UTC"


def test_times_may_come_as_aware_datetimes_or_rfc3339_strings():
    as_strings = render_for(CLIENT, start="2026-12-01T06:00:00Z", end="2026-12-01T07:00:00Z")
    as_datetimes = render_for(
        CLIENT, start=datetime(2026, 12, 1, 6, tzinfo=UTC), end=datetime(2026, 12, 1, 7, tzinfo=UTC)
    )

    assert as_datetimes == as_strings


def test_a_time_without_an_offset_is_refused():
    with pytest.raises(ValueError, match="no UTC offset"):
        render_for(CLIENT, start="2026-12-01T06:00:00")


@pytest.mark.parametrize("language", ["en", "sw"])
@pytest.mark.parametrize("kind", ["confirmation", "reminder", "rescheduled"])
def test_the_join_link_is_in_the_text_and_behind_the_html_button(kind, language):
    message = render_for(CLIENT, kind, language)
    label = "Join session" if language == "en" else "Jiunge na kipindi"

    assert JOIN_URL in message.text
    assert JOIN_URL in message.sms
    assert f'<a href="{JOIN_URL}"' in message.html
    assert f">{label}</a>" in message.html


def test_a_public_url_with_a_trailing_slash_gives_one_clean_link():
    message = render("confirmation", "en", make_facts("confirmation"), CLIENT, PUBLIC_URL + "/")

    assert JOIN_URL in message.text
    assert "org//" not in message.text


def test_html_escapes_a_topic_that_looks_like_markup():
    topic = "<script>alert('hi')</script> & more"
    message = render_for(CLIENT, "confirmation", topic=topic)

    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt; &amp; more" in message.html
    assert topic in message.text  # plain text is not HTML


def test_a_missing_fact_raises_instead_of_leaving_a_blank():
    facts = make_facts("confirmation")
    del facts["join_path"]
    with pytest.raises(jinja2.UndefinedError, match="join_path"):
        render("confirmation", "en", facts, CLIENT, PUBLIC_URL)

    facts = make_facts("cancelled")
    del facts["late"]
    with pytest.raises(jinja2.UndefinedError, match="late"):
        render("cancelled", "sw", facts, CLIENT, PUBLIC_URL)

    facts = make_facts("reminder")
    del facts["offset_minutes"]
    with pytest.raises(jinja2.UndefinedError, match="offset_minutes"):
        render("reminder", "en", facts, COUNSELOR, PUBLIC_URL)


def test_optional_facts_may_be_absent():
    facts = make_facts("cancelled", topic=None)
    del facts["reason"]

    message = render("cancelled", "en", facts, COUNSELOR, PUBLIC_URL)

    assert "Topic" not in message.text
    assert "Reason" not in message.text


@pytest.mark.parametrize("language", ["en", "sw"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_sms_is_one_short_plain_line(kind, language):
    for recipient in (CLIENT, COUNSELOR):
        sms = render_for(recipient, kind, language).sms

        assert len(sms) <= 160, sms
        assert sms.isascii(), sms
        assert sms == " ".join(sms.split())
        assert sms.startswith("Njia")


def test_a_long_name_gives_way_to_the_first_name_in_an_sms():
    counselor = {**make_session_facts()["counselor"], "name": "Achieng Atieno-Wambui Nyambura Kariuki"}

    message = render_for(CLIENT, "reminder", "sw", counselor=counselor, offset_minutes=60)

    assert len(message.sms) <= 160, message.sms
    assert "Achieng " in message.sms and "Kariuki" not in message.sms
    assert "Achieng Atieno-Wambui Nyambura Kariuki" in message.text


@pytest.mark.parametrize("language", ["fr", "", "EN-gb", "xx"])
def test_an_unknown_language_falls_back_to_english(language):
    assert render_for(CLIENT, "reminder", language) == render_for(CLIENT, "reminder", "en")


@pytest.mark.parametrize("language", ["sw-KE", "sw_TZ", "SW"])
def test_swahili_is_recognised_with_a_region(language):
    assert render_for(CLIENT, "reminder", language) == render_for(CLIENT, "reminder", "sw")


@pytest.mark.parametrize(
    ("minutes", "english", "swahili"),
    [
        (1440, "in 24 hours", "kesho"),
        (60, "in 1 hour", "baada ya saa 1"),
        (120, "in 2 hours", "baada ya saa 2"),
        (90, "in 1 hour 30 minutes", "baada ya saa 1 na dakika 30"),
        (1, "in 1 minute", "baada ya dakika 1"),
        (15, "in 15 minutes", "baada ya dakika 15"),
        (2880, "in 2 days", "keshokutwa"),
        (10080, "in 7 days", "baada ya siku 7"),
    ],
)
def test_a_reminder_says_how_soon_from_its_offset(minutes, english, swahili):
    assert lead_time(minutes, "en") == english
    assert lead_time(minutes, "sw") == swahili
    assert f"starts {english}." in render_for(CLIENT, "reminder", "en", offset_minutes=minutes).text
    assert f"kinaanza {swahili}." in render_for(CLIENT, "reminder", "sw", offset_minutes=minutes).text


@pytest.mark.parametrize(
    ("hour", "minute", "spoken"),
    [
        (6, 0, "saa 12:00 asubuhi"),
        (7, 0, "saa 1:00 asubuhi"),
        (9, 30, "saa 3:30 asubuhi"),
        (12, 0, "saa 6:00 mchana"),
        (15, 0, "saa 9:00 mchana"),
        (17, 15, "saa 11:15 jioni"),
        (18, 0, "saa 12:00 jioni"),
        (20, 0, "saa 2:00 usiku"),
        (0, 0, "saa 6:00 usiku"),
        (5, 0, "saa 11:00 alfajiri"),
    ],
)
def test_swahili_time_counts_the_hours_from_six(hour, minute, spoken):
    assert swahili_clock(datetime(2026, 12, 1, hour, minute)) == spoken


def test_a_rescheduled_session_shows_the_new_and_the_previous_time():
    message = render_for(CLIENT, "rescheduled")

    assert message.subject == "Session moved to Tuesday 1 December 2026, 09:00 (EAT)"
    assert "Previous time: Monday 30 November 2026, 15:00 (EAT)" in message.text


def test_a_cancellation_says_who_cancelled_why_and_that_it_was_late():
    counselor = render_for(COUNSELOR, "cancelled")
    client = render_for(CLIENT, "cancelled", "sw")

    expected = "Wanjiru Kamau has cancelled your session on Tuesday 1 December 2026, 06:00 (GMT)."
    assert expected in counselor.text
    assert "Reason given: Unwell" in counselor.text
    assert "short notice" in counselor.text
    assert "kama ulivyoomba" in client.text  # the client asked for it themselves
    assert JOIN_URL not in counselor.text + client.text


def test_the_agenda_lists_the_days_sessions_in_order_in_the_counselors_zone():
    message = render_for(COUNSELOR, "agenda")

    assert message.subject == "Your sessions for Tuesday 1 December 2026"
    first, second = message.text.index("06:00\u201307:00"), message.text.index("09:00\u201310:00")
    assert first < second
    assert "(times in GMT)" in message.text
    assert JOIN_URL in message.text and f'href="{JOIN_URL}"' in message.html
    assert message.sms == "Njia agenda Tue 1 Dec: 2 sessions, first at 06:00 GMT (Wanjiru Kamau)."


def test_an_empty_agenda_says_so():
    english = render_for(COUNSELOR, "agenda", sessions=[])
    swahili = render_for(COUNSELOR, "agenda", "sw", sessions=[])

    assert "You have no sessions booked for Tuesday 1 December 2026." in english.text
    assert "Huna kipindi chochote" in swahili.text


def test_an_assessment_summary_lists_the_top_matches():
    message = render_for(CLIENT, "assessment_summary", "sw")

    assert message.subject == "Matokeo yako ya Interest Profiler yako tayari"
    assert "Msimbo wako ni SIA." in message.text
    assert "  - Registered Nurses" in message.text
    assert "<li" in message.html and "Registered Nurses</li>" in message.html


def test_a_counselor_hears_of_a_clients_results_and_a_summary_without_a_code_names_none():
    english = render_for(COUNSELOR, "assessment_summary", "en", result_path="/results/res_1")
    values = render_for(COUNSELOR, "assessment_summary", "en", title="Work values", code=None)
    swahili = render_for(COUNSELOR, "assessment_summary", "sw", code=None)

    assert english.subject == f"{CLIENT['name']} completed Interest Profiler"
    assert f"{CLIENT['name']} has completed Interest Profiler. Their code is SIA.\n" in english.text
    assert f"{PUBLIC_URL}/results/res_1" in english.text and "(code SIA)" in english.sms
    assert f"{CLIENT['name']} has completed Work values.\n\nOccupations that fit them best:" in values.text
    for message in (values, swahili):
        assert "None" not in message.text + message.sms + message.html
        assert "code" not in message.sms and "msimbo" not in message.sms.lower()
    assert "Msimbo" not in swahili.text


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown notification kind"):
        render("birthday", "en", make_session_facts(), CLIENT, PUBLIC_URL)


def test_an_agenda_of_one_session_speaks_of_one_session_in_english_and_swahili():
    one = [make_facts("agenda")["sessions"][1]]
    english = render_for(COUNSELOR, "agenda", sessions=one)
    swahili = render_for(COUNSELOR, "agenda", "sw", sessions=one)

    assert english.subject == "Your session for Tuesday 1 December 2026"
    assert "Here is your session for Tuesday 1 December 2026" in english.text
    assert "Here is your session for Tuesday 1 December 2026" in english.html
    assert "your sessions" not in english.text + english.html + english.subject
    assert "Hiki ni kipindi chako cha Jumanne, 1 Desemba 2026" in swahili.text
    assert "Hiki ni kipindi chako cha Jumanne, 1 Desemba 2026" in swahili.html
    assert "vipindi" not in swahili.text and "vipindi" not in swahili.html
    assert english.sms == "Njia agenda Tue 1 Dec: 1 session, at 06:00 GMT (Wanjiru Kamau)."
    many_en, many_sw = render_for(COUNSELOR, "agenda"), render_for(COUNSELOR, "agenda", "sw")
    assert "Here are your sessions for" in many_en.text and "Here are your sessions for" in many_en.html
    assert "Hivi ni vipindi vyako vya" in many_sw.text and "Hivi ni vipindi vyako vya" in many_sw.html


@pytest.mark.parametrize(
    ("failures", "language", "says"),
    [
        (1, "en", "after a delivery failed."),
        (3, "en", "after 3 failed deliveries in a row."),
        (1, "sw", "baada ya kushindwa kufikisha ujumbe mara moja."),
        (3, "sw", "baada ya kushindwa kufikisha ujumbe mara 3 mfululizo."),
    ],
)
def test_a_webhook_turned_off_says_how_many_deliveries_failed_in_the_admins_language(
    failures, language, says
):
    subject, text = webhook_disabled(language, "https://example.org/hooks", failures)

    assert says in text and "https://example.org/hooks" in text
    assert subject == {"en": "A webhook was turned off", "sw": "Webhook imezimwa"}[language]
    assert "1 failed deliveries" not in text and "(s)" not in text
