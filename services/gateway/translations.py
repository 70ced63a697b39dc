"""API error messages in the caller's language: English as the services raise them, or Kiswahili.

The services raise English (``Conflict("That time was just taken; choose another.", ...)``); the
gateway translates an error body as it writes it (``translate_error``), for the language the
caller asks for in ``Accept-Language`` (``language_of``). ``MESSAGES`` holds fixed texts;
``PATTERNS`` texts with values in them, written as templates (``"No such {thing}."``) whose values
are kept, or translated by the pattern's ``values`` when they are words. Only the human texts
change: the ``code``, the ``details`` keys and every value that is not a list of messages
(``reason``, ``retry_after_seconds``, ``opens_at``, ``error_id``, ``allowed``) stay as they are,
and a text the catalog does not know stays English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

ENGLISH, SWAHILI = "en", "sw"
LANGUAGES = (ENGLISH, SWAHILI)
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


Words = Mapping[str, str]


@dataclass(frozen=True)
class Pattern:
    """``english`` with ``{name}`` for each value; ``swahili`` uses the same names.

    A value is kept as it is (a number, a path, a file name) unless ``values`` translates it: by
    a table of words (``{"cancelled": "kimeghairiwa"}``) or by patterns of its own ("2 hours").
    """

    english: str
    swahili: str
    values: Mapping[str, Words | tuple[Pattern, ...]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return _PLACEHOLDER.findall(self.english)

    @property
    def fixed_parts(self) -> tuple[str, ...]:
        return tuple(_PLACEHOLDER.split(self.english)[::2])

    def translate(self, text: str) -> str | None:
        found = _compiled(self.english).fullmatch(text)
        if found is None:
            return None
        return self.swahili.format_map(
            {name: self._word(name, value) for name, value in found.groupdict().items()}
        )

    def _word(self, name: str, value: str) -> str:
        words = self.values.get(name, {})
        if isinstance(words, tuple):
            return next((t for t in (p.translate(value) for p in words) if t is not None), value)
        return words.get(value, value)


@cache
def _compiled(english: str) -> re.Pattern[str]:
    pieces = _PLACEHOLDER.split(english)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces))
    return re.compile(regex, re.DOTALL)


def swahili(text: str) -> str | None:
    """``text`` in Kiswahili, or None when the catalog does not know it."""
    if text in MESSAGES:
        return MESSAGES[text]
    for pattern in _MOST_FIXED_TEXT_FIRST:
        translated = pattern.translate(text)
        if translated is not None:
            return translated
    return None


def pattern_for(fixed_parts: tuple[str, ...]) -> Pattern | None:
    """The pattern of a template whose fixed texts (around its values) are ``fixed_parts``."""
    return next((p for p in PATTERNS if p.fixed_parts == fixed_parts), None)


def translate(text: str, language: str) -> str:
    if language != SWAHILI:
        return text
    return swahili(text) or text


def translate_error(body: dict[str, Any], language: str) -> dict[str, Any]:
    """API.md's error body with its message and the messages in its details in ``language``."""
    if language != SWAHILI or not isinstance(body.get("error"), dict):
        return body
    error = dict(body["error"])
    if isinstance(error.get("message"), str):
        error["message"] = translate(error["message"], language)
    error["details"] = _details(error.get("details") or {}, language)
    return {**body, "error": error}


def _details(details: Any, language: str) -> Any:
    """Texts in lists are messages; anything else is a machine value (``reason``, ``opens_at``,
    ``retry_after_seconds``, ``error_id``, ``allowed`` …) and a status in a list is no sentence
    the catalog knows, so it stays as it is too."""
    if isinstance(details, dict):
        return {key: _details(value, language) for key, value in details.items()}
    if isinstance(details, list):
        return [
            translate(item, language) if isinstance(item, str) else _details(item, language)
            for item in details
        ]
    return details


def language_of(accept_language: str | None) -> str:
    """The language to answer in, from an ``Accept-Language`` header: of English and Kiswahili
    the one the caller ranks highest (q-values respected, ``sw-KE`` is ``sw``); else English."""
    ranked: list[tuple[float, int, str]] = []
    for order, entry in enumerate((accept_language or "").split(",")):
        tag, *params = entry.split(";")
        language = tag.strip().lower().split("-")[0]
        if language not in LANGUAGES:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if 0 < quality <= 1:
            ranked.append((-quality, order, language))
    return min(ranked)[2] if ranked else ENGLISH


# The catalog ------------------------------------------------------------------------------------------
# Plain Kiswahili as the web app speaks it (kikao, mshauri, mteja, tawi, shirika, msimamizi, miadi).
# Field names, codes and values the API defines (branch_id, from, riasec, application/json) stay
# as they are written: they are what the caller sends.

MESSAGES: Mapping[str, str] = {
    # Session types, in person and by phone, attendance (#15, scheduling).
    "Sessions of this type are workshops: book a seat in a workshop.": (
        "Vikao vya aina hii ni warsha: chukua nafasi katika warsha."
    ),
    "Sessions of this type are not given at this branch.": "Vikao vya aina hii havitolewi katika tawi hili.",
    "This counselor does not give sessions of this type.": "Mshauri huyu hatoi vikao vya aina hii.",
    "This counselor is not of the type's branch.": "Mshauri huyu si wa tawi la aina hii ya kikao.",
    "This branch has no address for sessions in person yet; an admin adds it to the branch.": (
        "Tawi hili bado halina anwani ya vikao vya ana kwa ana; msimamizi huiongeza kwenye tawi."
    ),
    "A phone session needs the client's phone number; add it to their account.": (
        "Kikao cha simu kinahitaji nambari ya simu ya mteja; iongeze kwenye akaunti yake."
    ),
    "The intake form must be complete before a session of this type is booked.": (
        "Fomu ya usajili wa awali lazima ikamilike kabla ya kuweka kikao cha aina hii."
    ),
    "This session is not a video call: it is held in person or by phone.": (
        "Kikao hiki si cha video: kinafanyika ana kwa ana au kwa simu."
    ),
    "A workshop seat is not moved; give it back and take a seat in another workshop.": (
        "Nafasi ya warsha haihamishwi; iachie kisha uchukue nafasi katika warsha nyingine."
    ),
    "A workshop type needs a length of its own.": "Aina ya warsha inahitaji urefu wake yenyewe.",
    "Branch admins manage the session types of their own branch.": (
        "Wasimamizi wa tawi husimamia aina za vikao za tawi lao tu."
    ),
    "Give at least one field to change.": "Toa angalau sehemu moja ya kubadilisha.",
    "The default type is what a booking naming no type is of; it is not retired.": (
        "Aina ya msingi ndiyo inayotumika miadi isipotaja aina; haiondolewi."
    ),
    "The default type is one-to-one: 1 seat.": "Aina ya msingi ni ya mtu mmoja: nafasi 1.",
    "The default type stays active; retire another instead.": (
        "Aina ya msingi hubaki hai; ondoa aina nyingine badala yake."
    ),
    "The default type is given at every branch.": "Aina ya msingi hutolewa katika kila tawi.",
    "The default type is given by every counselor.": "Aina ya msingi hutolewa na kila mshauri.",
    "Use a 3-letter ISO 4217 code, e.g. KES.": "Tumia msimbo wa herufi 3 wa ISO 4217, k.m. KES.",
    # The account life cycle: invitations, resets, deactivation, admins changing people (#14).
    "This account is deactivated; ask your organization's admin.": (
        "Akaunti hii imesitishwa; muulize msimamizi wa shirika lako."
    ),
    "This account was deactivated; ask your organization's admin.": (
        "Akaunti hii ilisitishwa; muulize msimamizi wa shirika lako."
    ),
    "This account no longer exists or was deactivated.": "Akaunti hii haipo tena au imesitishwa.",
    "This sign-in has ended; sign in again.": "Kuingia huku kumekwisha; ingia tena.",
    "Already has an account.": "Tayari ana akaunti.",
    "Give an email address or a phone number to send it to.": (
        "Toa barua pepe au nambari ya simu ya kuitumia."
    ),
    "Give at least one of name, phone, role or branch_id.": (
        "Toa angalau kimoja kati ya name, phone, role au branch_id."
    ),
    "Give at least one of name, timezone or address.": (
        "Toa angalau kimoja kati ya name, timezone au address."
    ),
    "Give the email address you will sign in with.": "Toa barua pepe utakayoitumia kuingia.",
    "No such invitation.": "Hakuna mwaliko kama huo.",
    "This invitation link is not valid; ask for a new one.": "Kiungo hiki cha mwaliko si sahihi; omba kipya.",
    "This invitation link has expired; ask for a new one.": (
        "Muda wa kiungo hiki cha mwaliko umekwisha; omba kipya."
    ),
    "This invitation was already accepted; sign in instead.": (
        "Mwaliko huu tayari umekubaliwa; ingia badala yake."
    ),
    "This invitation was withdrawn; ask your organization for a new one.": (
        "Mwaliko huu uliondolewa; omba shirika lako mwaliko mpya."
    ),
    "This invitation was already accepted; deactivate the person instead.": (
        "Mwaliko huu tayari umekubaliwa; sitisha akaunti ya mtu huyo badala yake."
    ),
    "This invitation was accepted; it cannot be sent again.": (
        "Mwaliko huu ulikubaliwa; hauwezi kutumwa tena."
    ),
    "This invitation was withdrawn; it cannot be sent again.": (
        "Mwaliko huu uliondolewa; hauwezi kutumwa tena."
    ),
    "This person is being changed by another request; look again and retry.": (
        "Mtu huyu anabadilishwa na ombi jingine; angalia tena kisha ujaribu tena."
    ),
    "This reset link has expired; ask for a new one.": (
        "Muda wa kiungo hiki cha kubadili nenosiri umekwisha; omba kipya."
    ),
    "This reset link is not valid or was already used; ask for a new one.": (
        "Kiungo hiki cha kubadili nenosiri si sahihi au kimeshatumika; omba kipya."
    ),
    "This reset link is not valid; ask for a new one.": (
        "Kiungo hiki cha kubadili nenosiri si sahihi; omba kipya."
    ),
    "This reset link was already used; ask for a new one.": (
        "Kiungo hiki cha kubadili nenosiri kimeshatumika; omba kipya."
    ),
    "You cannot change your own role or branch; ask another admin.": (
        "Huwezi kubadili jukumu au tawi lako mwenyewe; muombe msimamizi mwingine."
    ),
    "You cannot change your own standing; ask another admin.": (
        "Huwezi kubadili hali ya akaunti yako mwenyewe; muombe msimamizi mwingine."
    ),
    # Sessions waiting for a counselor, calendar feeds rotated (#14).
    "That counselor has another session at that time.": "Mshauri huyo ana kikao kingine wakati huo.",
    "Busy at the session's time.": "Ana shughuli wakati wa kikao.",
    "That counselor is not active.": "Akaunti ya mshauri huyo imesitishwa.",
    "Only admins list the sessions waiting for a counselor.": (
        "Wasimamizi pekee ndio huorodhesha vikao vinavyosubiri mshauri."
    ),
    "Only the counselor or their admins end this calendar feed.": (
        "Mshauri au wasimamizi wake pekee ndio hukomesha kiungo hiki cha kalenda."
    ),
    # Sessions: retried requests, sharing, reschedule limits.
    "This session has been rescheduled once, the most allowed; "
    "cancel and book again, or ask your counselor.": (
        "Kikao hiki kimehamishwa mara moja, idadi ya juu inayoruhusiwa; kighairi kisha uweke miadi upya, "
        "au muulize mshauri wako."
    ),
    "Sessions here cannot be rescheduled; cancel and book again, or ask your counselor.": (
        "Vikao hapa haviwezi kuhamishwa; kighairi kisha uweke miadi upya, au muulize mshauri wako."
    ),
    "Only counselors of the client's branch can be given the client's record.": (
        "Kumbukumbu za mteja zinaweza kushirikiwa na washauri wa tawi la mteja pekee."
    ),
    "A request with this Idempotency-Key is still being processed; try again in a moment.": (
        "Ombi lenye Idempotency-Key hii bado linashughulikiwa; jaribu tena baada ya muda mfupi."
    ),
    "Still being processed.": "Bado linashughulikiwa.",
    "This Idempotency-Key was sent before with another request; use a new key for a new request.": (
        "Idempotency-Key hii ilitumwa awali na ombi jingine; tumia ufunguo mpya kwa ombi jipya."
    ),
    "Already used for a different request.": "Tayari imetumika kwa ombi jingine.",
    # The default message of each error code (shared/errors.py).
    "Something went wrong on our side.": "Kuna hitilafu upande wetu.",
    "The request could not be read.": "Ombi halikuweza kusomwa.",
    "Sign in to continue.": "Ingia ili kuendelea.",
    "You are not allowed to do that.": "Huruhusiwi kufanya hivyo.",
    "Not found.": "Haikupatikana.",
    "That method is not allowed on this path.": "Mbinu hiyo ya ombi hairuhusiwi kwenye njia hii.",
    "That clashes with the current state.": "Hilo linakinzana na hali ilivyo sasa.",
    "The request body is too large.": "Mwili wa ombi ni mkubwa mno.",
    "Some fields are not valid.": "Baadhi ya sehemu si sahihi.",
    "Too early.": "Ni mapema mno.",
    "Too many requests; try again shortly.": "Maombi mengi mno; jaribu tena baada ya muda mfupi.",
    "A part of Njia is not answering; please retry shortly.": (
        "Sehemu ya Njia haijibu; tafadhali jaribu tena baada ya muda mfupi."
    ),
    # Reading a request (gateway).
    "Bad request.": "Ombi si sahihi.",
    "Send the body as JSON with Content-Type: application/json.": (
        "Tuma mwili wa ombi kama JSON, ukiwa na Content-Type: application/json."
    ),
    "Empty body.": "Mwili wa ombi ni mtupu.",
    "The request body is empty; send a JSON object.": "Mwili wa ombi ni mtupu; tuma kitu cha JSON (object).",
    "The request body is not valid JSON.": "Mwili wa ombi si JSON sahihi.",
    "Invalid Unicode.": "Unicode si sahihi.",
    "The body holds text that is not valid Unicode.": "Mwili wa ombi una maandishi ambayo si Unicode sahihi.",
    "The body must be a JSON object.": "Mwili wa ombi lazima uwe kitu cha JSON (object).",
    "Must be a JSON object.": "Lazima iwe kitu cha JSON (object).",
    "Send an object.": "Tuma kitu cha JSON (object).",
    "Text may not contain the NUL character (U+0000).": "Maandishi hayawezi kuwa na herufi ya NUL (U+0000).",
    "The Idempotency-Key header must be 1 to 255 printable ASCII characters.": (
        "Kichwa cha Idempotency-Key lazima kiwe na herufi 1 hadi 255 za ASCII zinazoonekana."
    ),
    "1 to 255 printable ASCII characters.": "Herufi 1 hadi 255 za ASCII zinazoonekana.",
    "Something went wrong on our side; quote the error id if you contact us.": (
        "Kuna hitilafu upande wetu; taja kitambulisho cha hitilafu (error_id) ukiwasiliana nasi."
    ),
    "The cursor is not one Njia gave out.": "Kiashiria (cursor) hiki hakikutolewa na Njia.",
    "Unknown cursor.": "Kiashiria (cursor) hakijulikani.",
    # werkzeug's description of the 400 it raises reading a request.
    "The browser (or proxy) sent a request that this server could not understand.": (
        "Kivinjari (au proksi) kilituma ombi ambalo seva hii haikuweza kulielewa."
    ),
    # Signing in and permissions (shared/auth.py).
    "Sign in to continue: no access token was sent.": (
        "Ingia ili kuendelea: hakuna tokeni ya kuingia iliyotumwa."
    ),
    "Your session has expired; sign in again.": "Muda wako wa kuingia umekwisha; ingia tena.",
    "The access token is not valid.": "Tokeni ya kuingia si sahihi.",
    "Only Njia's own services may ask this.": "Ni huduma za Njia pekee zinazoweza kuomba hili.",
    "Only an organization's or a branch's admins may read the audit log.": (
        "Ni wasimamizi wa shirika au wa tawi pekee wanaoweza kusoma kumbukumbu za ukaguzi."
    ),
    "The audit log cannot be written just now; try again shortly.": (
        "Kumbukumbu za ukaguzi haziwezi kuandikwa kwa sasa; jaribu tena baada ya muda mfupi."
    ),
    # Accounts.
    "Wrong email or password.": "Barua pepe au nenosiri si sahihi.",
    "No organization has this slug.": "Hakuna shirika lenye msimbo huu.",
    "No such branch in this organization.": "Hakuna tawi kama hilo katika shirika hili.",
    "No such branch in your organization.": "Hakuna tawi kama hilo katika shirika lako.",
    "This account no longer exists.": "Akaunti hii haipo tena.",
    "This organization no longer exists.": "Shirika hili halipo tena.",
    "Your details are being changed by another request; look at them again and retry.": (
        "Taarifa zako zinabadilishwa na ombi lingine; ziangalie tena kisha ujaribu tena."
    ),
    "No such branch.": "Hakuna tawi kama hilo.",
    "No such user.": "Hakuna mtumiaji kama huyo.",
    "No such person.": "Hakuna mtu kama huyo.",
    "A branch admin lists their own branch only.": "Msimamizi wa tawi huorodhesha tawi lake pekee.",
    "Not your branch.": "Si tawi lako.",
    # Finding clients and adding walk-ins (#15, accounts).
    "Staff of a branch list their own branch only.": "Wafanyakazi wa tawi huorodhesha tawi lao pekee.",
    "Counselors find clients only: ask for role=client.": (
        "Washauri hutafuta wateja pekee: omba role=client."
    ),
    "Use role=client.": "Tumia role=client.",
    "Staff sign in with their email address: give one.": (
        "Wafanyakazi huingia kwa anwani yao ya barua pepe: itoe."
    ),
    "Give an email address or a phone number.": "Toa anwani ya barua pepe au nambari ya simu.",
    "Without an email there is nothing to sign in with: leave out the password.": (
        "Bila barua pepe hakuna cha kuingia nacho: acha nenosiri."
    ),
    "That email address already has an account.": "Barua pepe hiyo tayari ina akaunti.",
    "That slug is taken; choose another.": "Msimbo huo tayari unatumika; chagua mwingine.",
    "This branch admin has no branch.": "Msimamizi huyu wa tawi hana tawi.",
    "A branch admin cannot create organization admins.": (
        "Msimamizi wa tawi hawezi kuongeza wasimamizi wa shirika."
    ),
    "A branch admin adds people to their own branch only.": (
        "Msimamizi wa tawi huongeza watu kwenye tawi lake pekee."
    ),
    "Only admins add people.": "Wasimamizi pekee ndio huongeza watu.",
    "Give at least one of name, phone, timezone or language.": (
        "Weka angalau kimoja kati ya name, phone, timezone au language."
    ),
    "Use 1-40 lowercase letters, digits or hyphens, not starting or ending with a hyphen.": (
        "Tumia herufi ndogo, tarakimu au vistari, 1 hadi 40, bila kuanza wala kuishia na kistari."
    ),
    "Use between 8 and 128 characters.": "Tumia herufi kati ya 8 na 128.",
    "Not a valid phone number; use the international form, e.g. +254712345678.": (
        "Nambari ya simu si sahihi; tumia muundo wa kimataifa, k.m. +254712345678."
    ),
    "Not a known IANA time zone (e.g. Africa/Nairobi).": (
        "Si saa za eneo za IANA zinazojulikana (k.m. Africa/Nairobi)."
    ),
    "Use a time between 1970 and 2100.": "Tumia wakati ulio kati ya mwaka 1970 na 2100.",
    # Scheduling: availability.
    "Weekday must be 0 (Monday) to 6 (Sunday).": "Siku ya wiki lazima iwe 0 (Jumatatu) hadi 6 (Jumapili).",
    "0 is Monday, 6 is Sunday.": "0 ni Jumatatu, 6 ni Jumapili.",
    "A day off has no hours: leave out start and end.": "Siku ya mapumziko haina saa: acha start na end.",
    "Changed hours need a start time.": "Saa zilizobadilishwa zinahitaji muda wa kuanza.",
    "Changed hours need an end time.": "Saa zilizobadilishwa zinahitaji muda wa kumaliza.",
    "Hours must end after they start.": "Muda wa kumaliza lazima uwe baada ya muda wa kuanza.",
    "Use 24-hour HH:MM, e.g. 09:00.": "Tumia saa za mfumo wa saa 24 (HH:MM), k.m. 09:00.",
    "No such counselor.": "Hakuna mshauri kama huyo.",
    "Only the counselor or their admins manage this availability.": (
        "Ni mshauri au wasimamizi wake pekee wanaoweza kubadilisha muda huu wa kupatikana."
    ),
    "This counselor has not set their availability yet.": (
        "Mshauri huyu bado hajaweka muda wake wa kupatikana."
    ),
    "No counselor of this branch has set availability.": (
        "Hakuna mshauri wa tawi hili aliyeweka muda wa kupatikana."
    ),
    # Scheduling: finding and booking times.
    "Must be after from (and after now).": "Lazima iwe baada ya from (na baada ya sasa).",
    "At most 31 days per search.": "Tafuta kwa kipindi kisichozidi siku 31.",
    "Must be after from, and at most a year later.": (
        "Lazima iwe baada ya from, na isizidi mwaka mmoja baadaye."
    ),
    "Give counselor_id or branch_id (one of them).": "Weka counselor_id au branch_id (kimoja tu).",
    "That time has already passed.": "Muda huo umeshapita.",
    "That time is not one of the counselor's session times.": (
        "Muda huo si mmoja wa nyakati za vikao vya mshauri."
    ),
    "That time overlaps another session.": "Muda huo unaingiliana na kikao kingine.",
    "That time was just taken; choose another.": "Muda huo umechukuliwa sasa hivi; chagua mwingine.",
    "That time is already booked.": "Muda huo tayari umewekewa miadi.",
    "The client already has a session at that time.": "Mteja tayari ana kikao wakati huo.",
    "Overlaps another of the client's sessions.": "Kinaingiliana na kikao kingine cha mteja.",
    "No counselor of this branch is free at that time.": "Hakuna mshauri wa tawi hili aliye huru wakati huo.",
    "This counselor has not opened any times yet.": "Mshauri huyu bado hajafungua nyakati zozote za vikao.",
    "No availability set.": "Hakuna muda wa kupatikana uliowekwa.",
    "The counselor has no availability.": "Mshauri hana muda wa kupatikana.",
    "Clients book for themselves.": "Wateja hujiwekea miadi wenyewe.",
    "Leave it out, or use your own id.": "Iache, au tumia kitambulisho chako mwenyewe.",
    "Staff booking for a client must name the client.": (
        "Mfanyakazi anayemwekea mteja miadi lazima amtaje mteja huyo."
    ),
    "That person is not a client.": "Mtu huyo si mteja.",
    "Staff of a branch book for clients of their own branch.": (
        "Wafanyakazi wa tawi huwawekea miadi wateja wa tawi lao pekee."
    ),
    "Staff of a branch book with counselors of their own branch.": (
        "Wafanyakazi wa tawi huweka miadi na washauri wa tawi lao pekee."
    ),
    # Scheduling: sessions.
    "No such session.": "Hakuna kikao kama hicho.",
    "This session was changed at the same moment; reload it and try again.": (
        "Kikao hiki kimebadilishwa wakati huo huo; kifungue upya kisha ujaribu tena."
    ),
    "Reschedule limit reached.": "Kikomo cha kuhamisha kikao kimefikiwa.",
    "A session can be completed once it has started.": "Kikao kinaweza kukamilishwa tu baada ya kuanza.",
    "Not started yet.": "Bado hakijaanza.",
    "This session has ended.": "Kikao hiki kimekwisha.",
    "Only the counselor gets their private calendar feed.": (
        "Ni mshauri pekee anayeweza kupata kiungo cha kalenda yake ya faragha."
    ),
    "No such calendar feed.": "Hakuna kiungo cha kalenda kama hicho.",
    "No such client.": "Hakuna mteja kama huyo.",
    "The client or their admins decide who sees the client's record.": (
        "Mteja au wasimamizi wake ndio huamua nani aone kumbukumbu za mteja."
    ),
    # Notifications.
    "At most 5 reminder offsets.": "Chagua nyakati za vikumbusho zisizozidi 5.",
    "Each offset is between 1 minute and 14 days (20160 minutes).": (
        "Kila kikumbusho kiwe kati ya dakika 1 na siku 14 (dakika 20160) kabla ya kikao."
    ),
    "No such webhook.": "Hakuna webhook kama hiyo.",
    "Unknown SMS callback.": "Ujumbe wa SMS usiojulikana.",
    # Assessments.
    "Not answered yet.": "Bado halijajibiwa.",
    "No such item in this assessment.": "Hakuna swali kama hilo katika tathmini hii.",
    "Job zones 1 to 5, separated by commas (e.g. 2,3).": (
        "Viwango vya maandalizi 1 hadi 5, vikitenganishwa kwa koma (k.m. 2,3)."
    ),
    "Some answers are not for this assessment or not on its scale.": (
        "Baadhi ya majibu si ya tathmini hii au hayako kwenye kipimo chake."
    ),
    "You have no saved answers for this assessment.": "Huna majibu yaliyohifadhiwa ya tathmini hii.",
    "Some answers are missing, unknown or not on the scale.": (
        "Baadhi ya majibu hayapo, hayajulikani au hayako kwenye kipimo."
    ),
    "No such result.": "Hakuna matokeo kama hayo.",
    # The intake form (#15, assessments).
    "Some questions of the intake form are not right.": (
        "Baadhi ya maswali ya fomu ya usajili wa awali si sahihi."
    ),
    "Some answers are not for this form or not of their kind.": (
        "Baadhi ya majibu si ya fomu hii au si ya aina ya maswali yao."
    ),
    "Answer every required question before submitting.": "Jibu kila swali la lazima kabla ya kuwasilisha.",
    "The intake form is being changed by others; look at it again and retry.": (
        "Fomu ya usajili wa awali inabadilishwa na wengine; iangalie tena kisha ujaribu tena."
    ),
    "Required: answer this before submitting.": "Lazima: jibu swali hili kabla ya kuwasilisha.",
    "No such question in the intake form.": "Hakuna swali kama hilo katika fomu ya usajili wa awali.",
    "Must be text, not empty.": "Lazima yawe maandishi, yasiyo matupu.",
    "Must not contain the NUL character.": "Lisiwe na herufi NUL.",
    "Must be a number.": "Lazima iwe namba.",
    "At most 15 digits before the decimal point.": "Tarakimu zisizidi 15 kabla ya nukta ya desimali.",
    "Must be a date as YYYY-MM-DD.": "Lazima iwe tarehe kama YYYY-MM-DD.",
    "Each option at most once.": "Kila chaguo mara moja tu.",
    "Use 1-40 letters, digits, _ or -.": "Tumia herufi, tarakimu, _ au - (kati ya 1 na 40).",
    "Give the label in English and Swahili: {en, sw}.": (
        "Toa maandishi kwa Kiingereza na Kiswahili: {en, sw}."
    ),
    "Unknown language; use en and sw.": "Lugha isiyojulikana; tumia en na sw.",
    "Unknown field; an option has id and label.": "Sehemu isiyojulikana; chaguo lina id na label.",
    "Must be text or an object {id?, label: {en, sw}}.": (
        "Lazima yawe maandishi au kitu {id?, label: {en, sw}}."
    ),
    # Profiles.
    "Use a date like 2020-03-09, 2020-03 or 2020.": "Tumia tarehe kama 2020-03-09, 2020-03 au 2020.",
    "Use a full date like 2020-03-09.": "Tumia tarehe kamili kama 2020-03-09.",
    "Not a JSON Resume 1.0.0 field.": "Si sehemu ya JSON Resume 1.0.0.",
    "This is not a ZIP file; upload the ZIP LinkedIn sent you, as it is.": (
        "Hili si faili la ZIP; pakia ZIP ambayo LinkedIn ilikutumia, kama ilivyo."
    ),
    "A GitHub username: letters, digits and single hyphens, at most 39 characters.": (
        "Jina la mtumiaji la GitHub: herufi, tarakimu na vistari kimoja kimoja, zisizozidi herufi 39."
    ),
    "This is not a valid JSON Resume (schema 1.0.0).": "Hii si JSON Resume sahihi (muundo 1.0.0).",
    "Connect a source first: a LinkedIn export, a JSON Resume or a GitHub account.": (
        "Unganisha chanzo kwanza: data ya LinkedIn, JSON Resume au akaunti ya GitHub."
    ),
    "No such profile.": "Hakuna wasifu kama huo.",
    "An O*NET-SOC code such as 41-1011.00.": "Msimbo wa O*NET-SOC kama 41-1011.00.",
    "The profile has no such skill.": "Wasifu hauna ujuzi huo.",
    # Outcome measures (#18, assessments).
    "No such measure.": "Hakuna kipimo kama hicho.",
    "A destination has no chart; read its series.": "Hali ya sasa haina chati; soma mfululizo wake.",
    "Answer the items (item id to 1-5).": "Jibu vipengele (kitambulisho cha kipengele na 1-5).",
    "Clients answer for themselves.": "Wateja hujibu kwa ajili yao wenyewe.",
    "Counselors enter only a destination a client reported, naming the client.": (
        "Washauri huingiza tu hali ya sasa aliyoripoti mteja, wakimtaja mteja."
    ),
    "Say where the client is now.": "Sema mteja yuko wapi sasa.",
    "University, TVET or a short course?": "Chuo kikuu, TVET au kozi fupi?",
    "Not an item of this measure.": "Si kipengele cha kipimo hiki.",
    "A whole number from 1 to 5.": "Nambari kamili kutoka 1 hadi 5.",
    "Name a target occupation, or take the interest profiler first: its matches are the targets.": (
        "Taja kazi unayolenga, au ufanye kwanza tathmini ya mapendeleo: kazi zinazokufaa ndizo zitalengwa."
    ),
    "Name an O*NET or ESCO concept Njia knows: scheme (onet or esco) and id.": (
        "Taja dhana ya O*NET au ESCO ambayo Njia inaijua: scheme (onet au esco) na id."
    ),
    "Name the client whose profile you want to see.": "Taja mteja ambaye ungependa kuona wasifu wake.",
    "No such sync.": "Hakuna usawazishaji kama huo.",
    "Not a file upload.": "Hiki si faili lililopakiwa.",
    "The upload could not be read.": "Faili ulilopakia halikuweza kusomwa.",
    "No file in the form.": "Hakuna faili kwenye fomu.",
    "The form holds no file; attach the export ZIP.": (
        "Fomu haina faili; ambatisha faili la ZIP la data yako."
    ),
    "Send the export as application/zip, or as a file in a multipart/form-data form.": (
        "Tuma data kama application/zip, au kama faili ndani ya fomu ya multipart/form-data."
    ),
    "Empty upload.": "Faili tupu.",
    "The upload is empty; attach the export ZIP.": (
        "Faili ulilopakia ni tupu; ambatisha faili la ZIP la data yako."
    ),
    "That is not a valid URL.": "Hiyo si anwani sahihi ya mtandao (URL).",
    "Only http:// and https:// URLs can be fetched.": (
        "Ni anwani za http:// na https:// pekee zinazoweza kusomwa."
    ),
    "The URL names no host.": "Anwani (URL) haina jina la seva.",
    "URLs with a user name or password are not fetched.": (
        "Anwani zenye jina la mtumiaji au nenosiri hazisomwi."
    ),
    # marshmallow's own messages: the schema's, its fields' and its validators'.
    "Unknown field.": "Sehemu hii haijulikani.",
    "Invalid input type.": "Aina ya data si sahihi.",
    "Missing data for required field.": "Sehemu hii inahitajika.",
    "Field may not be null.": "Sehemu hii haiwezi kuwa tupu (null).",
    "Invalid type.": "Aina si sahihi.",
    "Invalid value.": "Thamani si sahihi.",
    "Invalid input.": "Ulichoweka si sahihi.",
    "Not a valid string.": "Lazima iwe maandishi.",
    "Not a valid utf-8 string.": "Si maandishi sahihi ya utf-8.",
    "Not a valid integer.": "Lazima iwe namba kamili.",
    "Not a valid number.": "Lazima iwe namba.",
    "Number too large.": "Namba ni kubwa mno.",
    "Special numeric values (nan or infinity) are not permitted.": (
        "Thamani maalum za namba (nan au infinity) haziruhusiwi."
    ),
    "Not a valid boolean.": "Lazima iwe true au false.",
    "Not a valid list.": "Lazima iwe orodha.",
    "Not a valid tuple.": "Lazima iwe orodha ya vipengele vilivyowekwa.",
    "Not a valid mapping type.": "Lazima iwe kitu cha JSON (object).",
    "Not a valid date.": "Si tarehe sahihi.",
    "Not a valid period of time.": "Si kipindi sahihi cha muda.",
    "Not a valid email address.": "Barua pepe si sahihi.",
    "Not a valid URL.": "Si anwani sahihi ya mtandao (URL).",
    "Not a valid UUID.": "Si UUID sahihi.",
    "Not a valid IP address.": "Si anwani sahihi ya IP.",
    "Not a valid IPv4 address.": "Si anwani sahihi ya IPv4.",
    "Not a valid IPv6 address.": "Si anwani sahihi ya IPv6.",
    "Not a valid IP interface.": "Si kiolesura sahihi cha IP.",
    "Not a valid IPv4 interface.": "Si kiolesura sahihi cha IPv4.",
    "Not a valid IPv6 interface.": "Si kiolesura sahihi cha IPv6.",
    "String does not match expected pattern.": "Maandishi hayalingani na muundo unaotarajiwa.",
    # Staff two-factor sign-in (accounts: security.py, two_factor.py)
    "Enter the 6-digit code from your authenticator app.": (
        "Weka msimbo wa tarakimu 6 kutoka kwenye programu yako ya uthibitishaji."
    ),
    "Enter the 6-digit code from your authenticator app, or a recovery code like k7mq-2xfa.": (
        "Weka msimbo wa tarakimu 6 kutoka kwenye programu yako ya uthibitishaji, au msimbo wa "
        "kurejesha kama k7mq-2xfa."
    ),
    "That code is not right; enter the code your authenticator app shows now.": (
        "Msimbo huo si sahihi; weka msimbo ambao programu yako ya uthibitishaji inaonyesha sasa."
    ),
    "That code was already used; wait for the next one.": (
        "Msimbo huo umeshatumika; subiri msimbo unaofuata."
    ),
    "That recovery code is not right, or was already used.": (
        "Msimbo huo wa kurejesha si sahihi, au umeshatumika."
    ),
    "This set-up was confirmed by another request.": "Mpangilio huu umethibitishwa na ombi lingine.",
    "Too many wrong codes; try again shortly.": (
        "Misimbo mingi mno isiyo sahihi; jaribu tena baada ya muda mfupi."
    ),
    "Two-factor sign-in is for counselors and admins.": (
        "Kuingia kwa hatua mbili ni kwa washauri na wasimamizi."
    ),
    "Two-factor sign-in is not being set up; begin again.": (
        "Kuingia kwa hatua mbili hakuwekwi kwa sasa; anza upya."
    ),
    "Two-factor sign-in is on already; turn it off first to move to a new phone.": (
        "Kuingia kwa hatua mbili kumeshawashwa; kuzime kwanza ili kuhamia simu mpya."
    ),
    # Workshops (issue 15) ---------------------------------------------------------------------
    "No such workshop.": "Hakuna warsha kama hiyo.",
    "No such seat.": "Hakuna kiti kama hicho.",
    "No such session type.": "Hakuna aina ya kikao kama hiyo.",
    "This session type is no longer offered.": "Aina hii ya kikao haitolewi tena.",
    "A workshop needs a session type with more than one seat.": (
        "Warsha inahitaji aina ya kikao yenye viti zaidi ya kimoja."
    ),
    "This session type is offered by another branch.": "Aina hii ya kikao inatolewa na tawi jingine.",
    "This counselor does not hold sessions of this type.": "Mshauri huyu haendeshi vikao vya aina hii.",
    "This counselor has not set a session length; choose a type with its own length.": (
        "Mshauri huyu hajaweka urefu wa kikao; chagua aina yenye urefu wake."
    ),
    "Counselors make workshops for themselves; admins for their counselors.": (
        "Washauri huandaa warsha zao wenyewe; wasimamizi huandaa za washauri wao."
    ),
    "Clients take seats for themselves.": "Wateja huchukua viti kwa ajili yao wenyewe.",
    "Staff seating a client must name the client.": "Mfanyakazi anayempa mteja kiti lazima amtaje mteja.",
    "This seat was taken and given back too often; ask the workshop's counselor.": (
        "Kiti hiki kimechukuliwa na kurudishwa mara nyingi mno; muulize mshauri wa warsha."
    ),
    "This workshop was cancelled.": "Warsha hii ilighairiwa.",
    "This workshop has already started.": "Warsha hii imeshaanza.",
    "Attendance is marked from 10 minutes before the workshop starts.": (
        "Mahudhurio yanawekwa kuanzia dakika 10 kabla warsha haijaanza."
    ),
    "Every seat of this workshop is taken.": "Viti vyote vya warsha hii vimechukuliwa.",
    "No seat left.": "Hakuna kiti kilichobaki.",
    "Only the workshop's counselor and its admins do this.": (
        "Ni mshauri wa warsha na wasimamizi wake pekee wanaofanya hivi."
    ),
    "Only the workshop's counselor and its admins seat clients.": (
        "Ni mshauri wa warsha na wasimamizi wake pekee wanaowapa wateja viti."
    ),
    "Attendance is already marked for this seat.": "Mahudhurio ya kiti hiki yameshawekwa.",
    "Must be after from.": "Lazima iwe baada ya from.",
    "At most 92 days per search.": "Siku 92 zaidi kwa kila utafutaji.",
}

# What marshmallow, JSON Schema and Njia call a kind of value.
KINDS: Words = {
    "datetime": "tarehe na saa",
    "date": "tarehe",
    "time": "saa",
    "string": "maandishi",
    "object": "kitu cha JSON (object)",
    "array": "orodha",
    "number": "namba",
    "integer": "namba kamili",
    "boolean": "true au false",
    "null": "null",
    "email": "barua pepe",
    "uri": "anwani ya mtandao (URI)",
}
AWARENESS: Words = {"aware": "yenye saa za eneo (k.m. +03:00)", "naive": "isiyo na saa za eneo"}
ROLES: Words = {
    "client": "Mteja",
    "counselor": "Mshauri",
    "branch_admin": "Msimamizi wa tawi",
    "org_admin": "Msimamizi wa shirika",
}
# A session's status as "This session is …" says it (underscores read as spaces).
STATUSES: Words = {
    "booked": "kimewekwa",
    "cancelled": "kimeghairiwa",
    "late cancelled": "kimeghairiwa kwa kuchelewa",
    "completed": "kimekamilika",
    "no show": "kimewekwa kuwa mteja hakuhudhuria",
}
# What an availability's minutes are (scheduling's domain names them).
DURATIONS_OF: Words = {
    "A session": "Urefu wa kikao",
    "The buffer": "Mapumziko baada ya kikao",
    "The minimum notice": "Notisi ya chini kabisa",
}
NOTHING: Words = {"nothing": "hakuna kitu"}
DURATIONS = (
    Pattern("{count} days", "siku {count}"),
    Pattern("{count} day", "siku {count}"),
    Pattern("{count} hours", "saa {count}"),
    Pattern("{count} hour", "saa {count}"),
    Pattern("{count} minutes", "dakika {count}"),
    Pattern("{count} minute", "dakika {count}"),
)
# json's reasons a text is not JSON (the 400 for a body that does not parse).
JSON_REASONS: Words = {
    "Expecting value": "Thamani inatarajiwa",
    "Expecting property name enclosed in double quotes": (
        "Jina la sehemu ndani ya alama za nukuu mbili linatarajiwa"
    ),
    "Expecting ':' delimiter": "Alama ':' inatarajiwa",
    "Expecting ',' delimiter": "Alama ',' inatarajiwa",
    "Unterminated string starting at": "Maandishi yasiyofungwa yanaanzia",
    "Invalid control character at": "Herufi ya udhibiti isiyo sahihi iko",
    "Extra data": "Data ya ziada",
}

PATTERNS: tuple[Pattern, ...] = (
    # Reading a request (gateway).
    Pattern("There is nothing at {path}.", "Hakuna kitu katika {path}."),
    Pattern("{method} is not allowed on {path}.", "{method} hairuhusiwi kwenye {path}."),
    Pattern(
        "Expected application/json, got {got}.",
        "Ilitarajiwa application/json, lakini imepokelewa {got}.",
        {"got": NOTHING},
    ),
    Pattern("The body is over the {kib} KiB limit.", "Mwili wa ombi umezidi kikomo cha KiB {kib}."),
    Pattern(
        "{reason}: line {line} column {column} (char {char})",
        "{reason}: mstari {line}, safu {column} (herufi {char})",
        {"reason": JSON_REASONS},
    ),
    Pattern("The web app has no file {name}.", "Programu ya wavuti haina faili {name}."),
    Pattern("Not answering: {services}.", "Huduma hizi hazijibu: {services}."),
    Pattern("The {service} service is not running.", "Huduma ya {service} haifanyi kazi."),
    Pattern("The {service} service did not answer in time.", "Huduma ya {service} haikujibu kwa wakati."),
    Pattern(
        "database for {database} is not reachable: {error}", "hifadhidata ya {database} haifikiki: {error}"
    ),
    Pattern("No dead letter {id} in {service}.", "Hakuna ujumbe uliokwama {id} katika {service}."),
    # Signing in and permissions.
    Pattern("This needs the role {roles}.", "Hili linahitaji jukumu la {roles}."),
    # Accounts.
    Pattern("Unknown role {role}.", "Jukumu {role} halijulikani."),
    Pattern(
        "A {role} belongs to a branch: give branch_id.",
        "{role} lazima awe wa tawi: weka branch_id.",
        {"role": ROLES},
    ),
    # Scheduling.
    Pattern(
        "{zone} is not a time zone we know (try e.g. 'Africa/Nairobi').",
        "{zone} si saa za eneo tunazozijua (jaribu k.m. 'Africa/Nairobi').",
    ),
    Pattern(
        "These hours overlap {start} to {end} on the same weekday.",
        "Saa hizi zinaingiliana na {start} hadi {end} siku hiyo hiyo ya wiki.",
    ),
    Pattern("{date} already has an exception.", "Tarehe {date} tayari ina mabadiliko yake."),
    Pattern(
        "Times must be on a {minutes}-minute grid (e.g. 09:05).",
        "Tumia saa zinazoenda kwa hatua za dakika {minutes} (k.m. 09:05).",
    ),
    Pattern(
        "{what} must be {low} to {high} minutes.",
        "{what}: lazima iwe kati ya dakika {low} na {high}.",
        {"what": DURATIONS_OF},
    ),
    Pattern(
        "{what} must be a multiple of {minutes} minutes.",
        "{what}: lazima iwe katika hatua za dakika {minutes}.",
        {"what": DURATIONS_OF},
    ),
    Pattern(
        "That time is inside the counselor's minimum notice of {notice}.",
        "Muda huo ni karibu mno: mshauri anahitaji notisi ya angalau {notice}.",
        {"notice": DURATIONS},
    ),
    Pattern(
        "That time overlaps another session or the {minutes}-minute break kept around it.",
        "Muda huo unaingiliana na kikao kingine au mapumziko ya dakika {minutes} yanayoachwa kati ya vikao.",
    ),
    Pattern("This session is {status}.", "Kikao hiki {status}.", {"status": STATUSES}),
    Pattern(
        "This session has been rescheduled {count} times, the most allowed; "
        "cancel and book again, or ask your counselor.",
        "Kikao hiki kimehamishwa mara {count}, idadi ya juu inayoruhusiwa; "
        "kighairi kisha uweke miadi upya, au muulize mshauri wako.",
    ),
    Pattern("The session opens at {opens_at}.", "Kikao kitafunguliwa {opens_at}."),
    # Assessments.
    Pattern("There is no assessment {key}.", "Hakuna tathmini {key}."),
    Pattern(
        "There is no assessment {key}; try riasec or work_values.",
        "Hakuna tathmini {key}; jaribu riasec au work_values.",
    ),
    Pattern("No occupation {code} in Njia's table.", "Hakuna kazi {code} katika jedwali la Njia."),
    # The intake form (#15, assessments).
    Pattern(
        "Question {index} has this id too; ids are unique.", "Swali {index} lina id hii pia; id hazirudiwi."
    ),
    Pattern(
        "Option {index} has this id too; ids are unique.", "Chaguo {index} lina id hii pia; id hazirudiwi."
    ),
    Pattern(
        "A {kind} question needs options to choose from.",
        "Swali la aina ya {kind} linahitaji machaguo ya kuchagua.",
    ),
    Pattern(
        "Only choice and multi questions have options, not {kind}.",
        "Ni maswali ya choice na multi pekee yaliyo na machaguo, si {kind}.",
    ),
    Pattern("At most {count} questions.", "Maswali yasizidi {count}."),
    Pattern("At most {count} options.", "Machaguo yasizidi {count}."),
    Pattern("At most {count} characters.", "Herufi zisizidi {count}."),
    Pattern("Must be a list of some of: {choices}.", "Lazima iwe orodha ya baadhi ya: {choices}."),
    Pattern(
        "Give an id: the English label is over {count} characters.",
        "Toa id: maandishi ya Kiingereza yanazidi herufi {count}.",
    ),
    Pattern(
        "Must be a whole number from {low} to {high}.", "Lazima iwe namba kamili kuanzia {low} hadi {high}."
    ),
    Pattern(
        "answers are not complete and on the scale: {problems}",
        "majibu hayajakamilika au hayako kwenye kipimo: {problems}",
    ),
    # Profiles: uploads, LinkedIn exports, JSON Resume, fetching a URL.
    Pattern(
        "Expected application/zip or multipart/form-data, got {got}.",
        "Ilitarajiwa application/zip au multipart/form-data, lakini imepokelewa {got}.",
        {"got": NOTHING},
    ),
    Pattern("Must be a {kind}.", "Lazima iwe {kind}.", {"kind": KINDS}),
    Pattern("Must be an {kind}.", "Lazima iwe {kind}.", {"kind": KINDS}),
    Pattern("The export is over the {limit} MiB limit.", "Data imezidi kikomo cha MiB {limit}."),
    Pattern(
        "The ZIP file is damaged and cannot be read ({error}).",
        "Faili la ZIP limeharibika na haliwezi kusomwa ({error}).",
    ),
    Pattern(
        "The ZIP holds a file named {name}, which points outside the archive; Njia refuses such archives.",
        "ZIP ina faili linaloitwa {name}, linaloelekeza nje ya ZIP; Njia haikubali ZIP za aina hiyo.",
    ),
    Pattern(
        "The ZIP holds {count} files; a LinkedIn export has far fewer.",
        "ZIP ina faili {count}; data ya LinkedIn huwa na faili chache zaidi sana.",
    ),
    Pattern(
        "The ZIP holds {name}, which is not a CSV file; upload the export exactly as LinkedIn sent it.",
        "ZIP ina {name}, ambalo si faili la CSV; pakia data kama LinkedIn ilivyoituma, bila kuibadilisha.",
    ),
    Pattern(
        "{name} is encrypted; upload the export without a password.",
        "{name} imefungwa kwa nenosiri; pakia data bila nenosiri.",
    ),
    Pattern(
        "{name} uses a compression method LinkedIn exports do not use.",
        "{name} imebanwa kwa njia ambayo data za LinkedIn hazitumii.",
    ),
    Pattern(
        "{name} would expand to {size} MiB, over the {limit} MiB limit per file.",
        "{name} ingefunguka hadi MiB {size}, zaidi ya kikomo cha MiB {limit} kwa kila faili.",
    ),
    Pattern(
        "{name} expands {times} times over; that is a ZIP bomb, not an export.",
        "{name} hufunguka mara {times} zaidi; hilo ni bomu la ZIP, si data ya LinkedIn.",
    ),
    Pattern(
        "The export would expand to more than {limit} MiB; a LinkedIn export is much smaller.",
        "Data hii ingefunguka zaidi ya MiB {limit}; data ya LinkedIn ni ndogo kuliko hapo.",
    ),
    Pattern(
        "This does not look like a LinkedIn data export: none of {files} is in it.",
        "Hii haionekani kuwa data ya LinkedIn: hakuna hata moja kati ya {files} ndani yake.",
    ),
    Pattern("{name} is damaged in the ZIP ({error}).", "{name} imeharibika ndani ya ZIP ({error})."),
    Pattern("{name} is not a CSV text file.", "{name} si faili la maandishi la CSV."),
    Pattern("{name} expands beyond the limit per file.", "{name} hufunguka zaidi ya kikomo kwa kila faili."),
    Pattern("{name} has no header row with {columns}.", "{name} haina safu ya vichwa yenye {columns}."),
    Pattern("{name} has more than {rows} rows.", "{name} ina safu zaidi ya {rows}."),
    Pattern("{name} could not be read as CSV ({error}).", "{name} haikuweza kusomwa kama CSV ({error})."),
    Pattern("{host} could not be found.", "{host} haikupatikana."),
    Pattern("{host} could not be found ({error}).", "{host} haikupatikana ({error})."),
    Pattern(
        "{host} is a private, local or reserved address ({address}); Njia reaches only public ones.",
        "{host} ni anwani ya faragha, ya ndani au iliyotengwa ({address}); "
        "Njia hufikia anwani za umma pekee.",
    ),
    Pattern("{host} did not answer within {seconds} s.", "{host} haikujibu ndani ya sekunde {seconds}."),
    Pattern("{host} did not answer ({error}).", "{host} haikujibu ({error})."),
    Pattern("{host} did not answer in time ({error}).", "{host} haikujibu kwa wakati ({error})."),
    Pattern(
        "{host} did not finish answering within {seconds} s.",
        "{host} haikumaliza kujibu ndani ya sekunde {seconds}.",
    ),
    Pattern("{host} could not be reached ({error}).", "{host} haikuweza kufikiwa ({error})."),
    Pattern(
        "More than {count} redirects; Njia stopped following.",
        "Zaidi ya mielekezo {count}; Njia iliacha kuifuata.",
    ),
    Pattern("The answer is over the {kib} KiB limit.", "Jibu limezidi kikomo cha KiB {kib}."),
    # marshmallow's messages with values (its validators and fields).
    Pattern("Not a valid {kind}.", "Si {kind} sahihi.", {"kind": KINDS}),
    Pattern(
        "Not a valid {awareness} {kind}.",
        "Weka {kind} {awareness}.",
        {"awareness": AWARENESS, "kind": KINDS},
    ),
    Pattern(
        '"{input}" cannot be formatted as a {kind}.',
        '"{input}" haiwezi kuandikwa kama {kind}.',
        {"kind": KINDS},
    ),
    Pattern('"{input}" cannot be formatted as a date.', '"{input}" haiwezi kuandikwa kama tarehe.'),
    Pattern(
        "{input} cannot be formatted as a timedelta.", "{input} haiwezi kuandikwa kama kipindi cha muda."
    ),
    Pattern("Shorter than minimum length {min}.", "Ni fupi mno: angalau {min}."),
    Pattern("Longer than maximum length {max}.", "Ni ndefu mno: isizidi {max}."),
    Pattern("Length must be between {min} and {max}.", "Urefu lazima uwe kati ya {min} na {max}."),
    Pattern("Length must be {equal}.", "Urefu lazima uwe {equal}."),
    Pattern("Must be greater than or equal to {min}.", "Lazima iwe {min} au zaidi."),
    Pattern("Must be greater than {min}.", "Lazima iwe zaidi ya {min}."),
    Pattern("Must be less than or equal to {max}.", "Lazima isizidi {max}."),
    Pattern("Must be less than {max}.", "Lazima iwe chini ya {max}."),
    Pattern(
        "Must be greater than or equal to {min} and less than or equal to {max}.",
        "Lazima iwe kati ya {min} na {max}.",
    ),
    Pattern(
        "Must be greater than or equal to {min} and less than {max}.",
        "Lazima iwe {min} au zaidi, na chini ya {max}.",
    ),
    Pattern(
        "Must be greater than {min} and less than or equal to {max}.",
        "Lazima iwe zaidi ya {min}, na isizidi {max}.",
    ),
    Pattern(
        "Must be greater than {min} and less than {max}.", "Lazima iwe zaidi ya {min} na chini ya {max}."
    ),
    Pattern("Must be equal to {other}.", "Lazima iwe {other}."),
    Pattern("Must be one of: {choices}.", "Lazima iwe mojawapo ya: {choices}."),
    Pattern(
        "One or more of the choices you made was not in: {choices}.",
        "Chaguo lako moja au zaidi halimo kwenye: {choices}.",
    ),
    Pattern(
        "One or more of the choices you made was in: {values}.",
        "Chaguo lako moja au zaidi ni kati ya yasiyoruhusiwa: {values}.",
    ),
)

# The pattern with the most fixed text wins ("Must be a whole number from 1 to 5." is not a kind).
_MOST_FIXED_TEXT_FIRST = tuple(sorted(PATTERNS, key=lambda p: -len("".join(p.fixed_parts))))
