"""services/notifications/messages.py (#15): session messages say how and where a session is held —
at the branch's address, by a phone call the counselor makes, or by the video link — in English and
Kiswahili, by email and in one SMS part."""

import pytest

from services.notifications.messages import (
    fits_one_sms,
    render,
    shorten,
    sms_length,
    sms_plain,
)
from tests.unit.notifications.test_messages import (
    CLIENT,
    COUNSELOR,
    JOIN_URL,
    PUBLIC_URL,
    make_facts,
)

SESSION_KINDS = ("confirmation", "reminder", "rescheduled", "cancelled", "reassigned")
NOTICE_KINDS = ("confirmation", "reminder", "rescheduled", "reassigned")  # those that say how to attend
ADDRESS = "Njia Career Centre, 3rd Floor, Kenyatta Avenue, Nakuru"
# As long as an address gets: a building, a floor, a road, an estate, a town, directions.
LONG_ADDRESS = (
    "Njia Career & Counselling Centre, Mezzanine Floor, Kimathi House, Kenyatta Avenue opposite "
    "the Nakuru County Assembly, Nakuru Town East, Nakuru County"
)
CLIENT_PHONE = "+254712345678"
FULL_SESSION = {"id": "sty_full", "name": {"en": "Full session", "sw": "Kipindi kamili"}}


def in_person(kind, language, reader, address=ADDRESS, **overrides):
    facts = make_facts(kind, modality="in_person", location=address, **overrides)
    return render(kind, language, facts, reader, PUBLIC_URL)


def by_phone(kind, language, reader, **overrides):
    return render(kind, language, make_facts(kind, modality="phone", **overrides), reader, PUBLIC_URL)


# In person -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", [CLIENT, COUNSELOR], ids=["client", "counselor"])
@pytest.mark.parametrize("language", ["en", "sw"])
@pytest.mark.parametrize("kind", SESSION_KINDS)
def test_an_in_person_sessions_messages_say_the_address_in_email_and_sms(kind, language, reader):
    message = in_person(kind, language, reader)

    assert ADDRESS in message.text
    assert ADDRESS in message.html
    if kind == "cancelled":  # its SMS offers the client a new booking: the address may be shortened
        assert "Njia Career Centre" in message.sms
    else:
        assert ADDRESS in message.sms
    assert JOIN_URL not in message.text + message.html + message.sms  # no video link to follow


@pytest.mark.parametrize(
    ("language", "label", "sentence"),
    [
        ("en", "Where: ", "The session is held in person, at "),
        ("sw", "Mahali: ", "Kipindi kitafanyika ana kwa ana, mahali hapa: "),
    ],
)
def test_an_in_person_confirmation_tells_where_in_the_readers_language(language, label, sentence):
    message = in_person("confirmation", language, CLIENT)

    assert f"{label}{ADDRESS}" in message.text
    assert f"{sentence}{ADDRESS}." in message.text


def test_an_in_person_sms_says_at_the_address_in_english_and_mahali_in_kiswahili():
    assert f"09:00 EAT at {ADDRESS}." in in_person("confirmation", "en", CLIENT).sms
    assert f"EAT, mahali: {ADDRESS}." in in_person("confirmation", "sw", CLIENT).sms


def test_an_address_in_html_is_escaped():
    message = in_person("reminder", "en", CLIENT, address="<b>Upper Hill</b> & Co", offset_minutes=60)

    assert "&lt;b&gt;Upper Hill&lt;/b&gt; &amp; Co" in message.html
    assert "<b>Upper Hill</b>" not in message.html


def test_an_in_person_session_without_an_address_says_the_branch():
    facts = make_facts("confirmation", modality="in_person", location=None)

    english = render("confirmation", "en", facts, CLIENT, PUBLIC_URL)
    swahili = render("confirmation", "sw", facts, CLIENT, PUBLIC_URL)

    assert "in person, at the branch." in english.text and JOIN_URL not in english.sms
    assert "ofisini kwa tawi" in swahili.text and JOIN_URL not in swahili.sms


# By phone ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_a_phone_sessions_client_hears_their_counselor_will_call_them_in_both_languages(kind):
    english = by_phone(kind, "en", CLIENT)
    swahili = by_phone(kind, "sw", CLIENT)

    for message in (english, swahili):
        assert JOIN_URL not in message.text + message.html + message.sms
    assert f"Your counselor will call you on {CLIENT_PHONE}." in english.sms
    assert f"Your counselor will call you on {CLIENT_PHONE}." in english.text
    assert f"Mshauri wako atakupigia simu kwa {CLIENT_PHONE}." in swahili.sms
    assert f"Mshauri wako atakupigia simu kwa {CLIENT_PHONE}." in swahili.text
    assert f"Mshauri wako atakupigia simu kwa {CLIENT_PHONE}." in swahili.html


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_a_phone_sessions_counselor_is_told_to_call_the_client_on_their_number(kind):
    english = by_phone(kind, "en", COUNSELOR)
    swahili = by_phone(kind, "sw", COUNSELOR)

    assert f"Call Wanjiru Kamau on {CLIENT_PHONE}." in english.text
    assert f"Call Wanjiru Kamau on {CLIENT_PHONE}." in english.sms
    assert f"Call Wanjiru Kamau on {CLIENT_PHONE}." in english.html
    assert f"Mpigie Wanjiru Kamau simu kwa {CLIENT_PHONE}." in swahili.text
    assert f"Mpigie Wanjiru Kamau simu kwa {CLIENT_PHONE}." in swahili.sms


def test_the_client_hears_the_number_they_have_now():
    reader = {**CLIENT, "phone": "+254799000111"}

    message = by_phone("reminder", "en", reader, offset_minutes=60)

    assert "Your counselor will call you on +254799000111." in message.sms


def test_a_cancelled_phone_session_says_how_it_was_to_be_held_but_asks_no_call():
    message = by_phone("cancelled", "en", COUNSELOR)

    assert "How:" in message.text and "by phone" in message.text
    assert "Call Wanjiru" not in message.sms


# Video, as before ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "sw"])
@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_a_video_session_keeps_its_join_link_and_says_no_address(kind, language):
    default = render(kind, language, make_facts(kind), CLIENT, PUBLIC_URL)
    video = render(kind, language, make_facts(kind, modality="video"), CLIENT, PUBLIC_URL)

    assert default == video
    assert JOIN_URL in video.sms and JOIN_URL in video.text and JOIN_URL in video.html
    assert "Where:" not in video.text and "Mahali:" not in video.text


# The session type -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "name"), [("en", "Full session"), ("sw", "Kipindi kamili")])
def test_the_session_types_name_is_shown_in_the_readers_language(language, name):
    message = in_person("confirmation", language, CLIENT, session_type=FULL_SESSION)

    assert name in message.text and name in message.html


def test_a_session_type_named_in_english_only_is_shown_in_english_to_a_swahili_reader():
    only_english = {"id": "sty_cv", "name": {"en": "CV clinic"}}

    message = in_person("confirmation", "sw", CLIENT, session_type=only_english)

    assert "CV clinic" in message.text


# One SMS part ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", [CLIENT, COUNSELOR], ids=["client", "counselor"])
@pytest.mark.parametrize("language", ["en", "sw"])
@pytest.mark.parametrize("kind", SESSION_KINDS)
def test_a_long_address_is_shortened_so_the_sms_stays_one_part(kind, language, reader):
    message = in_person(kind, language, reader, address=LONG_ADDRESS)

    assert fits_one_sms(message.sms) and sms_length(message.sms) <= 160, message.sms
    assert message.sms.isascii(), message.sms
    assert "Njia Career & Counselling" in message.sms  # the start of the address stays
    assert LONG_ADDRESS in message.text  # the email says it all


def test_a_shortened_address_keeps_whole_parts_and_says_there_was_more():
    message = in_person("reminder", "sw", CLIENT, address=LONG_ADDRESS, offset_minutes=1440)

    assert "..." in message.sms
    kept = message.sms.split("mahali: ", 1)[1].split("...")[0]
    assert LONG_ADDRESS.startswith(kept)
    assert kept.endswith(("Floor", "House", "Centre", "Avenue")), kept


@pytest.mark.parametrize("language", ["en", "sw"])
def test_a_long_address_and_a_long_name_still_make_one_sms(language):
    counselor = {**make_facts("confirmation")["counselor"], "name": "Achieng Atieno-Wambui Nyambura Kariuki"}

    message = in_person("reassigned", language, CLIENT, address=LONG_ADDRESS, counselor=counselor)

    assert sms_length(message.sms) <= 160, message.sms
    assert "Achieng" in message.sms


def test_an_address_with_accents_and_curly_quotes_reaches_the_phone_as_plain_gsm_text():
    address = "M\u016brang\u2019a Road \u2013 Wanjohi\u2019s Plaza, Nyeri"  # a curly quote, an en dash

    message = in_person("confirmation", "en", CLIENT, address=address)

    assert "Murang'a Road - Wanjohi's Plaza, Nyeri" in message.sms
    assert message.sms.isascii() and fits_one_sms(message.sms)
    assert address in message.text  # the email keeps the address as written


def test_sms_length_counts_gsm_extension_characters_twice_and_unicode_as_ucs2():
    assert sms_length("a[b]") == 6
    assert fits_one_sms("x" * 160) and not fits_one_sms("x" * 161)
    assert not fits_one_sms("\u2019" + "x" * 70)  # one curly quote: UCS-2, 70 characters a part


@pytest.mark.parametrize(
    ("room", "shortened"),
    [
        (100, ADDRESS),
        (33, "Njia Career Centre, 3rd Floor..."),
        (25, "Njia Career Centre..."),
        (14, "Njia Career..."),
        (4, "Njia"),
    ],
)
def test_an_address_is_cut_at_a_comma_then_a_word_then_anywhere(room, shortened):
    assert shorten(ADDRESS, room) == shortened
    assert sms_length(shorten(ADDRESS, room)) <= room


def test_sms_plain_keeps_one_line():
    assert sms_plain("Plot 12,\n  Moi Avenue\u00a0Mombasa") == "Plot 12, Moi Avenue Mombasa"


# A counselor's no-show, told to the admins ------------------------------------------------------------

ADMIN = {"name": "Amina Njeri", "role": "branch_admin", "timezone": "Africa/Nairobi", "language": "sw"}


@pytest.mark.parametrize(
    ("language", "subject", "said"),
    [
        (
            "en",
            "Counselor did not join: Achieng Otieno",
            "Achieng Otieno did not join their video session on",
        ),
        ("sw", "Mshauri hakujiunga: Achieng Otieno", "Achieng Otieno hakujiunga na kipindi chake cha video"),
    ],
)
def test_a_counselors_no_show_tells_the_admin_which_session_without_the_clients_contacts(
    language, subject, said
):
    facts = make_facts("counselor_no_show")

    message = render("counselor_no_show", language, facts, ADMIN, PUBLIC_URL)

    assert message.subject.startswith(subject)
    assert said in message.text and "09:00" in message.text  # the admin's zone (Nairobi)
    assert "Wanjiru" in message.text and "Kamau" not in message.text
    for contact in ("wanjiru@example.org", "+254712345678", "0712345678"):
        assert contact not in message.text + message.html + message.sms
    assert JOIN_URL in message.text  # the session's page, for the admin to act on


# The counselor's agenda -------------------------------------------------------------------------------


def agenda_of(*sessions, language="en"):
    facts = {"date": "2026-12-01", "sessions": list(sessions)}
    return render("agenda", language, facts, COUNSELOR, PUBLIC_URL)


def agenda_session(hour, **extra):
    return {
        "start": f"2026-12-01T{hour:02d}:00:00Z",
        "end": f"2026-12-01T{hour + 1:02d}:00:00Z",
        "client_name": "Baraka Mwangi",
        "topic": None,
        **extra,
    }


def test_the_agenda_says_where_each_session_is_and_lists_a_workshop_once_with_its_seats():
    sessions = (
        agenda_session(6, modality="in_person", location=ADDRESS),
        agenda_session(8, modality="phone", client_phone=CLIENT_PHONE),
        agenda_session(10, modality="video", join_path="/#/sessions/ses_1"),
        agenda_session(12, modality="in_person", location=ADDRESS, seats=12, session_type=FULL_SESSION),
    )

    english = agenda_of(*sessions).text
    swahili = agenda_of(*sessions, language="sw").text

    assert f"In person: {ADDRESS}" in english and f"Ana kwa ana: {ADDRESS}" in swahili
    assert f"By phone: call Baraka Mwangi on {CLIENT_PHONE}" in english
    assert f"Kwa simu: mpigie Baraka Mwangi kwa {CLIENT_PHONE}" in swahili
    assert english.count(PUBLIC_URL + "/#/sessions/") == 1  # only the video session has a link
    assert "Full session, 12 seats taken" in english
    assert "Kipindi kamili, nafasi 12 zimechukuliwa" in swahili
