"""What each notification says: subject, plain text, HTML and an SMS line, in English or Swahili.

Pure rendering: the facts of an event and who receives it go in, a ``Message``
comes out. The only I/O is reading this package's own Jinja2 templates
(``templates/<lang>/<kind>.txt`` and ``.html``). The ``.txt`` template carries three
blocks, ``subject``, ``sms`` and ``body``; the ``.html`` template gets the rendered
subject as ``subject``. Both get ``how`` (``templates/<lang>/_how.txt`` or ``.html``): how
and where a session is held (#15): the join link of a video call, the branch's address for
one in person, who calls whom for one by phone.

Times are shown in the recipient's own zone, with the zone's abbreviation or its
UTC offset. Swahili shows the time the way it is spoken in East Africa (hours
counted from 06:00 and 18:00, "saa 3:00 asubuhi" for 09:00) and the 24-hour clock
beside it.

Templates use StrictUndefined: a fact a template needs and the caller did not
give raises ``jinja2.UndefinedError`` rather than leaving a blank. Facts the
event contracts mark optional (``topic``, ``reason``) may be absent or None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

KINDS = (
    "confirmation",
    "reminder",
    "rescheduled",
    "cancelled",
    "no_show",
    "agenda",
    "assessment_summary",
    "unassigned",
    "reassigned",
    "invitation",
    "password_reset",
    "sign_in_throttled",
    "counselor_no_show",
)
# What an invitation calls the role it offers: in a sentence ("as a counselor") and as a label.
ROLE_NAMES = {
    "en": {
        "client": ("a client", "Client"),
        "counselor": ("a counselor", "Counselor"),
        "branch_admin": ("a branch administrator", "Branch administrator"),
        "org_admin": ("an organization administrator", "Organization administrator"),
    },
    "sw": {
        "client": ("mteja", "Mteja"),
        "counselor": ("mshauri", "Mshauri"),
        "branch_admin": ("msimamizi wa tawi", "Msimamizi wa tawi"),
        "org_admin": ("msimamizi wa shirika", "Msimamizi wa shirika"),
    },
}
LANGUAGES = ("en", "sw")
DEFAULT_LANGUAGE = "en"
SMS_LIMIT = 160  # one SMS part in GSM-7, in septets
UCS2_LIMIT = 70  # one part when a character is not in GSM-7 (the whole SMS is then sent as UCS-2)
# GSM 03.38: the basic character set (one septet each) and its extension table (two: escape + char).
GSM7_BASIC = frozenset(
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9"
    " !\"#\u00a4%&'()*+,-./0123456789:;<=>?\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "\u00c4\u00d6\u00d1\u00dc\u00a7\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|\u20ac\f")
# Characters an address may hold that have a plain equivalent an SMS can carry.
_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "`": "'",
    }
)
MODALITIES = ("video", "in_person", "phone")
DASH = "\u2013"  # an en dash, for ranges in email; SMS stays plain ASCII

TEMPLATES = Path(__file__).parent / "templates"

_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SW_DAYS = ("Jumatatu", "Jumanne", "Jumatano", "Alhamisi", "Ijumaa", "Jumamosi", "Jumapili")
_SW_MONTHS = (
    "Januari",
    "Februari",
    "Machi",
    "Aprili",
    "Mei",
    "Juni",
    "Julai",
    "Agosti",
    "Septemba",
    "Oktoba",
    "Novemba",
    "Desemba",
)


@dataclass(frozen=True)
class Message:
    """One notification, ready for every channel: email (subject, text, html) and SMS (one line)."""

    subject: str
    text: str
    html: str
    sms: str


def render(
    kind: str, language: str, facts: dict[str, Any], recipient: dict[str, Any], public_url: str
) -> Message:
    """The message of ``kind`` for ``recipient`` ({name, role, timezone, ...}) in ``language``.

    ``facts`` is the ``data`` of a session event (plus ``offset_minutes`` for a
    reminder), or for ``agenda`` ``{date, sessions: [{start, end, client_name,
    topic}]}``, or for ``assessment_summary`` ``{title, code, top_matches}``.
    Links are ``public_url`` joined with a path from the facts.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; one of {', '.join(KINDS)}")
    lang = language_of(language)
    context = _context(kind, lang, facts, recipient, public_url)
    environment = _environment()
    text_template = environment.get_template(f"{lang}/{kind}.txt")
    subject = _one_line(_render_block(text_template, "subject", _with_how(context, "txt")))
    sms = _sms(text_template, context)
    text = text_template.render(_with_how(context, "txt")).strip() + "\n"
    html_context = _with_how({**context, "subject": subject}, "html")
    html = environment.get_template(f"{lang}/{kind}.html").render(html_context)
    return Message(subject=subject, text=text, html=html.strip() + "\n", sms=sms)


def _sms(template: jinja2.Template, context: dict[str, Any]) -> str:
    """The SMS line, kept to one part: a long name gives way to the first name, then a long address
    is shortened (``shorten``). Never split: a second part costs the client twice."""
    sms = _one_line(_render_block(template, "sms", _with_how(context, "txt")))
    first_name = _shorter_name(context)
    if not fits_one_sms(sms) and first_name:
        # A long name is what usually pushes an SMS past one part: try the first name alone.
        context = {**context, "sms_name": first_name}
        sms = _one_line(_render_block(template, "sms", _with_how(context, "txt")))
    place = context.get("sms_location")
    if not fits_one_sms(sms) and isinstance(place, str) and place and place in sms:
        room = sms_length(place) - (sms_length(sms) - sms_limit(sms))
        context = {**context, "sms_location": shorten(place, room)}
        sms = _one_line(_render_block(template, "sms", _with_how(context, "txt")))
    return sms


def _with_how(context: dict[str, Any], extension: str) -> dict[str, Any]:
    """``context`` with ``how``: the language's ``_how.txt`` or ``_how.html`` (how and where the
    session is held) made with this very context, so its words follow the name and address the
    message uses. Given rather than imported: a block rendered alone (the subject, the SMS) runs
    no import of its template."""
    module = _environment().get_template(f"{context['lang']}/_how.{extension}").make_module(context)
    return {**context, "how": module}


def sms_limit(text: str) -> int:
    """How long one SMS part of ``text`` may be: 160 septets in GSM-7, else 70 UCS-2 characters."""
    return SMS_LIMIT if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text) else UCS2_LIMIT


def sms_length(text: str) -> int:
    """``text``'s length as an SMS part counts it: septets in GSM-7 (an extension character such as
    ``[`` takes two), else UCS-2 characters."""
    if sms_limit(text) == UCS2_LIMIT:
        return len(text)
    return sum(2 if c in GSM7_EXTENDED else 1 for c in text)


def fits_one_sms(text: str) -> bool:
    return sms_length(text) <= sms_limit(text)


def sms_plain(text: str) -> str:
    """``text`` on one line in characters every phone shows in one GSM-7 SMS: accents dropped
    ("Mūranga" is "Muranga"), dashes and quotes made plain, anything else left out."""
    folded = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    kept = "".join(c for c in folded if c in GSM7_BASIC and c not in "\r\n" and c.isascii())
    return _one_line(kept)


def shorten(place: str, room: int) -> str:
    """An address cut to ``room`` septets where it reads best: whole comma-separated parts from the
    start, else whole words, each followed by "..." to show that more was there; at worst cut hard."""
    if sms_length(place) <= room:
        return place
    ellipsis = "..."
    parts = [part.strip() for part in place.split(",") if part.strip()]
    for count in range(len(parts) - 1, 0, -1):
        candidate = ", ".join(parts[:count]) + ellipsis
        if sms_length(candidate) <= room:
            return candidate
    words = place.split()
    for count in range(len(words) - 1, 0, -1):
        candidate = " ".join(words[:count]).rstrip(",") + ellipsis
        if sms_length(candidate) <= room:
            return candidate
    cut = ""
    for char in place:
        if sms_length(cut + char) > max(0, room):
            break
        cut += char
    return cut.strip()


def language_of(language: str | None) -> str:
    """``sw``, ``sw-KE`` and ``sw_TZ`` are Swahili; English for everything else."""
    primary = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


# -- time, the recipient's way -------------------------------------------------------------------


def zone_label(local: datetime) -> str:
    """The zone's abbreviation (EAT, GMT, BST), else its offset (UTC+4, UTC+5:30)."""
    name = local.tzname() or ""
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    if not hours and not minutes:
        return "UTC"
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def swahili_clock(moment: time | datetime, *, minutes_always: bool = True) -> str:
    """East African time of day: hours counted from 06:00 and 18:00 ("saa 3:00 asubuhi" is 09:00)."""
    hour, minute = moment.hour, moment.minute
    count = (hour - 6) % 12 or 12
    if hour < 4:
        period = "usiku"
    elif hour < 6:
        period = "alfajiri"
    elif hour < 12:
        period = "asubuhi"
    elif hour < 16:
        period = "mchana"
    elif hour < 19:
        period = "jioni"
    else:
        period = "usiku"
    shown = f"{count}:{minute:02d}" if minutes_always or minute else f"{count}"
    return f"saa {shown} {period}"


def long_date(day: date, lang: str) -> str:
    """Tuesday 1 December 2026 / Jumanne, 1 Desemba 2026."""
    if lang == "sw":
        return f"{_SW_DAYS[day.weekday()]}, {day.day} {_SW_MONTHS[day.month - 1]} {day.year}"
    return f"{_EN_DAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date, lang: str) -> str:
    """Tue 1 Dec / Jumanne 1 Des (Swahili has no customary short weekday names)."""
    if lang == "sw":
        return f"{_SW_DAYS[day.weekday()]} {day.day} {_SW_MONTHS[day.month - 1][:3]}"
    return f"{_EN_DAYS[day.weekday()][:3]} {day.day} {_EN_MONTHS[day.month - 1][:3]}"


def clock(local: datetime, lang: str) -> str:
    """09:00 / saa 3:00 asubuhi."""
    return swahili_clock(local) if lang == "sw" else f"{local:%H:%M}"


def long_time(local: datetime, lang: str) -> str:
    """Tuesday 1 December 2026, 09:00 (EAT) / Jumanne, 1 Desemba 2026, saa 3:00 asubuhi (09:00 EAT)."""
    if lang == "sw":
        return f"{long_date(local.date(), lang)}, {swahili_clock(local)} ({local:%H:%M} {zone_label(local)})"
    return f"{long_date(local.date(), lang)}, {local:%H:%M} ({zone_label(local)})"


def time_range(start: datetime, end: datetime, lang: str) -> str:
    """Tuesday 1 December 2026, 09:00-10:00 (EAT) (an en dash), in ``start``'s zone.

    Both dates are shown when the session crosses midnight there.
    """
    if start.date() != end.date():
        return f"{long_time(start, lang)} {DASH} {long_time(end, lang)}"
    zone = zone_label(start)
    if lang == "sw":
        return (
            f"{long_date(start.date(), lang)}, {swahili_clock(start)} hadi {swahili_clock(end)}"
            f" ({start:%H:%M}{DASH}{end:%H:%M} {zone})"
        )
    return f"{long_date(start.date(), lang)}, {start:%H:%M}{DASH}{end:%H:%M} ({zone})"


def sms_time(local: datetime, lang: str) -> str:
    """Tue 1 Dec 09:00 EAT / Jumanne 1 Des saa 3 asubuhi EAT: short, plain ASCII."""
    return f"{short_date(local.date(), lang)} {sms_clock(local, lang)}"


def sms_clock(local: datetime, lang: str) -> str:
    """09:00 EAT / saa 3 asubuhi EAT."""
    if lang == "sw":
        return f"{swahili_clock(local, minutes_always=False)} {zone_label(local)}"
    return f"{local:%H:%M} {zone_label(local)}"


def lead_time(offset_minutes: int, lang: str) -> str:
    """How long before the session a reminder goes: "in 1 hour", "in 24 hours" / "baada ya saa 1", "kesho"."""
    minutes = int(offset_minutes)
    if minutes < 0:
        raise ValueError(f"offset_minutes must not be negative, got {minutes}")
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(minutes, 60)
    if lang == "sw":
        if minutes == 0:
            return "sasa"
        if minutes == 1440:
            return "kesho"
        if minutes == 2880:
            return "keshokutwa"
        if days >= 3 and not rest:
            return f"baada ya siku {days}"
        if minutes < 60:
            return f"baada ya dakika {minutes}"
        if not mins:
            return f"baada ya saa {hours}"
        return f"baada ya saa {hours} na dakika {mins}"
    if minutes == 0:
        return "now"

    def unit(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    if days >= 2 and not rest:
        return f"in {unit(days, 'day')}"
    if minutes < 60:
        return f"in {unit(minutes, 'minute')}"
    if not mins:
        return f"in {unit(hours, 'hour')}"
    return f"in {unit(hours, 'hour')} {unit(mins, 'minute')}"


def webhook_disabled(language: str | None, url: str, failures: int) -> tuple[str, str]:
    """The in-app notice to an organization's admin that Njia turned a webhook off after
    ``failures`` failed deliveries: (subject, text), in the admin's language."""
    if language_of(language) == "sw":
        times = "mara moja" if failures == 1 else f"mara {failures} mfululizo"
        return (
            "Webhook imezimwa",
            f"Njia imezima webhook ya {url} baada ya kushindwa kufikisha ujumbe {times}. "
            "Rekebisha mpokeaji, kisha uwashe webhook tena.",
        )
    failed = "a delivery failed" if failures == 1 else f"{failures} failed deliveries in a row"
    return (
        "A webhook was turned off",
        f"Njia turned off the webhook to {url} after {failed}. "
        "Fix the receiver, then turn the webhook back on.",
    )


def instant(value: str | datetime) -> datetime:
    """An aware datetime from an RFC 3339 string or an aware datetime; naive ones are refused."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return moment


# -- the templates' context -----------------------------------------------------------------------


def _context(
    kind: str, lang: str, facts: Mapping[str, Any], recipient: Mapping[str, Any], public_url: str
) -> dict[str, Any]:
    """Everything a template may use.

    A value derived from a fact the caller did not give is a StrictUndefined naming
    that fact, so the template that needs it fails with a clear message.
    """
    for key in ("name", "role", "timezone"):
        if key not in recipient:
            raise ValueError(f"recipient has no {key!r}")
    zone = ZoneInfo(recipient["timezone"])
    role = "counselor" if recipient["role"] == "counselor" else "client"
    other_role = "client" if role == "counselor" else "counselor"
    base = public_url.rstrip("/")
    context: dict[str, Any] = {
        **facts,
        "lang": lang,
        "recipient": recipient,
        "role": role,
        "public_url": base,
        "topic": facts.get("topic"),
    }
    derived = {
        "start": ("when", "sms_when", "when_range"),
        "end": ("when_range",),
        "previous_start": ("previous_when", "previous_sms_when"),
        other_role: ("other", "sms_name"),
        "join_path": ("join_url",),
        "offset_minutes": ("lead",),
    }
    for fact, names in derived.items():
        if fact not in facts:
            context.update({name: _missing(fact, name) for name in names})

    if "start" in facts:
        start = instant(facts["start"]).astimezone(zone)
        context["when"] = long_time(start, lang)
        context["sms_when"] = sms_time(start, lang)
        if "end" in facts:
            context["when_range"] = time_range(start, instant(facts["end"]).astimezone(zone), lang)
    if "previous_start" in facts:
        previous = instant(facts["previous_start"]).astimezone(zone)
        context["previous_when"] = long_time(previous, lang)
        context["previous_sms_when"] = sms_time(previous, lang)
    if other_role in facts:
        other = facts[other_role]
        context["other"] = other
        context["sms_name"] = other["name"]
    if "join_path" in facts:
        context["join_url"] = _link(base, facts["join_path"])
    if "offset_minutes" in facts:
        context["lead"] = lead_time(facts["offset_minutes"], lang)
    context.update(_how(lang, facts, recipient))
    if kind == "counselor_no_show":
        context.update(_counselor_no_show(facts))
    if kind == "cancelled":
        context["reason"] = facts.get("reason")
        context["cancelled_by_role"] = _role_of(facts.get("cancelled_by"), facts)
    if kind == "agenda":
        context.update(_agenda(lang, facts, zone, base))
    if kind in ("invitation", "password_reset", "sign_in_throttled"):
        context.update(_account(lang, facts, zone))
    if kind == "assessment_summary":
        context["client_name"] = facts.get("client_name")
        context["results_url"] = _link(base, facts["result_path"]) if facts.get("result_path") else base
        if "top_matches" in facts:
            context["top_matches"] = [_title(match) for match in facts["top_matches"]]
    return context


def _how(lang: str, facts: Mapping[str, Any], recipient: Mapping[str, Any]) -> dict[str, Any]:
    """How and where the session is held (#15), as the messages say it: ``modality``, the branch's
    address (``location``, and ``sms_location`` plain for an SMS), the client's number for a phone
    session (the client's own as kept now, when the client is reading), whom the counselor calls
    (``call_name``) and the session type's name in the reader's language."""
    modality = facts.get("modality") or "video"
    if modality not in MODALITIES:
        modality = "video"
    client = _participant(facts, "client")
    location = _one_line(str(facts["location"])) if facts.get("location") else None
    own_phone = recipient.get("phone") if recipient.get("role") == "client" else None
    kind = facts.get("session_type")
    names = kind.get("name") if isinstance(kind, Mapping) else None
    type_name = None
    if isinstance(names, Mapping) and names:
        type_name = names.get(lang) or names.get(DEFAULT_LANGUAGE) or next(iter(names.values()))
    return {
        "modality": modality,
        "location": location,
        "sms_location": sms_plain(location) if location else None,
        "client_phone": own_phone or client.get("phone"),
        "call_name": client.get("name"),
        "session_type_name": type_name,
    }


def _counselor_no_show(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The admins' notice names the counselor and the client by first name (or id) only: no
    client contact details."""
    counselor, client = _participant(facts, "counselor"), _participant(facts, "client")
    first = str(client.get("name") or "").split()
    return {
        "counselor_name": counselor.get("name") or "",
        "client_label": first[0] if first else str(client.get("user_id") or ""),
    }


def _participant(facts: Mapping[str, Any], role: str) -> Mapping[str, Any]:
    """The session's client or counselor as the facts name them; empty when they do not."""
    person = facts.get(role)
    return person if isinstance(person, Mapping) else {}


def _missing(fact: str, name: str) -> jinja2.StrictUndefined:
    return jinja2.StrictUndefined(hint=f"{name!r} needs the fact {fact!r}, which was not given", name=name)


def _shorter_name(context: Mapping[str, Any]) -> str | None:
    """The other participant's first name, when their full name has more than one word."""
    name = context.get("sms_name")
    if not isinstance(name, str) or len(name.split()) < 2:
        return None
    return name.split()[0]


def _agenda(lang: str, facts: Mapping[str, Any], zone: ZoneInfo, base: str) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if "date" in facts:
        day = date.fromisoformat(str(facts["date"]))
        context["date_long"] = long_date(day, lang)
        context["date_short"] = short_date(day, lang)
        context["zone"] = zone_label(datetime.combine(day, time(12), zone))
    else:
        context.update({name: _missing("date", name) for name in ("date_long", "date_short", "zone")})
    if "sessions" in facts:
        items = []
        for session in sorted(facts["sessions"], key=lambda s: instant(s["start"])):
            start = instant(session["start"]).astimezone(zone)
            end = instant(session["end"]).astimezone(zone)
            seats = session.get("seats")
            items.append(
                {
                    "starts": clock(start, lang),
                    "ends": clock(end, lang),
                    "hours": f"{start:%H:%M}{DASH}{end:%H:%M}",
                    "sms_starts": sms_clock(start, lang),
                    # A workshop is listed once, by its type's name and the seats taken (#15).
                    "client_name": _workshop_label(lang, session, seats) if seats else session["client_name"],
                    "topic": session.get("topic"),
                    "join_url": _link(base, session["join_path"]) if session.get("join_path") else None,
                    "modality": session.get("modality") or "video",
                    "location": session.get("location"),
                    "client_phone": session.get("client_phone"),
                    "seats": seats,
                }
            )
        context["sessions"] = items
    return context


# A workshop in an agenda: (its name when its type has none, a seat taken, several seats taken).
WORKSHOP_WORDS = {
    "en": ("Workshop", "{seats} seat taken", "{seats} seats taken"),
    "sw": ("Warsha", "nafasi {seats} imechukuliwa", "nafasi {seats} zimechukuliwa"),
}


def _workshop_label(lang: str, session: Mapping[str, Any], seats: int) -> str:
    """CV clinic, 12 seats taken / Kliniki ya CV, nafasi 12 zimechukuliwa."""
    default, one, many = WORKSHOP_WORDS[lang]
    name = _how(lang, session, {}).get("session_type_name") or default
    return f"{name}, {(one if seats == 1 else many).format(seats=seats)}"


def _account(lang: str, facts: Mapping[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """An account message's times in the recipient's zone, and the role an invitation offers. The
    link (``link``) is in the facts only when the message is sent by email or SMS: never stored."""
    context: dict[str, Any] = {}
    if "expires_at" in facts:
        expires = instant(facts["expires_at"]).astimezone(zone)
        months = _SW_MONTHS if lang == "sw" else _EN_MONTHS
        context.update(
            expires=long_time(expires, lang),
            sms_expires=sms_time(expires, lang),
            sms_expires_day=f"{expires.day} {months[expires.month - 1][:3]}",  # an SMS with a link is short
        )
    if "at" in facts:
        context["when_at"] = long_time(instant(facts["at"]).astimezone(zone), lang)
    if "retry_after_seconds" in facts:
        context["retry_minutes"] = max(1, -(-int(facts["retry_after_seconds"]) // 60))
    if "invited_role" in facts:
        names = ROLE_NAMES[lang].get(facts["invited_role"], (facts["invited_role"], facts["invited_role"]))
        context.update(role_name=names[0], role_label=names[1])
    return context


def _role_of(user_id: Any, facts: Mapping[str, Any]) -> str | None:
    """Which participant did it ("client" or "counselor"), or None for someone else (an admin)."""
    if user_id is None:
        return None
    for role in ("client", "counselor"):
        participant = facts.get(role)
        if isinstance(participant, Mapping) and participant.get("user_id") == user_id:
            return role
    return None


def _title(match: Any) -> str:
    return str(match["title"]) if isinstance(match, Mapping) else str(match)


def _link(base: str, path: str) -> str:
    return base + (path if path.startswith("/") else "/" + path)


# -- Jinja2 ----------------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    """One environment per process; templates are read once and cached by Jinja2."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render_block(template: jinja2.Template, block: str, context: Mapping[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(dict(context))))


def _one_line(text: str) -> str:
    return " ".join(text.split())
