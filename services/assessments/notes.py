"""The notes a client reads beside a result and its matches, in English and Swahili.

Plain text and functions, no I/O: ``service.py`` picks which notes a result carries.
"""

from __future__ import annotations

from services.assessments.domain import Scored
from services.assessments.inventories import LANGUAGES, Inventory

SHOWN_ALTERNATIVES = 5

NOTES = {
    "flat": {
        "en": "Every interest area scored the same, so no occupation stands out. "
        "Talk it through with your counselor, or take the profiler again.",
        "sw": "Kila eneo la mapendeleo lilipata alama sawa, kwa hivyo hakuna kazi inayojitokeza. "
        "Zungumza na mshauri wako, au jaza kipimo tena.",
    },
    "ties": {
        "en": "Some areas scored the same ({areas}); your code could also be read as {codes}. "
        "Equal scores are ordered by the number of top answers, then R, I, A, S, E, C.",
        "sw": "Baadhi ya maeneo yalipata alama sawa ({areas}); msimbo wako unaweza pia kusomeka {codes}. "
        "Alama sawa hupangwa kwa idadi ya majibu ya juu kabisa, kisha R, I, A, S, E, C.",
    },
    "value_ties": {
        "en": "Some values scored the same ({areas}); your top three could also be read as {orders}. "
        "Equal scores are ordered by the number of “{top}” answers, then {order}.",
        "sw": "Baadhi ya maadili yalipata alama sawa ({areas}); maadili yako makuu matatu yanaweza pia "
        "kusomeka {orders}. Alama sawa hupangwa kwa idadi ya majibu ya “{top}”, kisha {order}.",
    },
    "us_figures": {
        "en": "Wages and outlook are US figures (BLS): there are none for {region} yet.",
        "sw": "Mishahara na matarajio ni takwimu za Marekani (BLS): bado hakuna za {region}.",
    },
    "values": {
        "en": "Matches are adjusted for your top work values: {values}.",
        "sw": "Kazi zinazolingana zimerekebishwa kulingana na maadili yako makuu ya kazi: {values}.",
    },
    "no_profile": {
        "en": "Take the interest profiler to see which occupations fit you.",
        "sw": "Jaza kipimo cha mapendeleo ya kazi ili kuona kazi zinazokufaa.",
    },
}


def note(name: str, language: str, **values: str) -> str:
    return NOTES[name].get(language, NOTES[name]["en"]).format(**values)


def ties_note(inv: Inventory, scored: Scored, language: str) -> str | None:
    """What the equal scores that decided a result allow instead, or None when nothing was tied.

    The interest profiler's alternatives are three-letter codes (``ISA, SIE``); the work values'
    are orders of named values (``Independence, Achievement, Relationships``), one per reading.
    """
    if not (scored.ties and scored.alternatives):
        return None
    if scored.key == "riasec":
        areas = ", ".join("=".join(group) for group in scored.ties)
        codes = ", ".join(scored.alternative_codes[:SHOWN_ALTERNATIVES])
        return note("ties", language, areas=areas, codes=codes)
    lang = language if language in LANGUAGES else "en"

    def named(keys: tuple[str, ...], between: str) -> str:
        return between.join(inv.area(key).name[lang] for key in keys)

    return note(
        "value_ties",
        lang,
        areas=", ".join(named(group, " = ") for group in scored.ties),
        orders="; ".join(named(order, ", ") for order in scored.alternatives[:SHOWN_ALTERNATIVES]),
        top=inv.scale_labels[lang][-1],
        order=named(inv.area_keys, ", "),
    )
