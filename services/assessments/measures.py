"""Outcome measures: short instruments a client answers over time, scored; plain data, no I/O.

Written for Njia (no item is taken from a published scale; the Career Decision Self-Efficacy scale
is sold per use and no licence was found for the Career Adapt-Abilities Scale):

* ``career_readiness``: twelve statements in four subscales (knowing myself, knowing my options,
  deciding, acting on a plan), agreed with on 1 to 5, four of them reverse-keyed. Not a validated
  clinical instrument: it shows movement for one client and across a practice.
* ``session_pulse``: three questions after a session (useful, next step clear, confidence now).
* ``destination``: where the client is now (work, study, seeking...), with the occupation.

Scoring: reverse-keyed items count 6 - answer; a subscale's score is the mean of its answered
items and the whole is the mean of every answered item; up to 20 % of the items may be missing
(the mean of the rest stands for them), more gives no score (``insufficient_items``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Text = Mapping[str, str]
MAX_MISSING = 0.2
RELIABLE_Z = 1.96  # a change beyond 1.96 standard errors of the difference is reliable (95 %)
MIN_FOR_RCI = 50  # responses needed before Njia's own reliability estimate is trusted


def _t(en: str, sw: str) -> Text:
    return {"en": en, "sw": sw}


AGREEMENT = {
    "en": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
    "sw": ("Sikubali kabisa", "Sikubali", "Sikubali wala sikatai", "Nakubali", "Nakubali kabisa"),
}
PULSE_SCALE = {
    "en": ("Not at all", "A little", "Somewhat", "Mostly", "Completely"),
    "sw": ("Hata kidogo", "Kidogo", "Kiasi", "Kwa kiasi kikubwa", "Kabisa"),
}


@dataclass(frozen=True)
class Subscale:
    key: str
    name: Text


@dataclass(frozen=True)
class Item:
    id: str
    subscale: str
    text: Text
    reverse: bool = False


@dataclass(frozen=True)
class Measure:
    key: str
    title: Text
    description: Text
    kind: str  # "scale": items answered 1 to 5; "destination": one set of facts
    subscales: tuple[Subscale, ...] = ()
    items: tuple[Item, ...] = ()
    scale_labels: Mapping[str, tuple[str, ...]] | None = None
    scale_min: int = 1
    scale_max: int = 5

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


CAREER_READINESS = Measure(
    key="career_readiness",
    title=_t("Career readiness", "Utayari wa kikazi"),
    description=_t(
        "Twelve statements on how ready you feel to choose and act on a career plan. Answer for how "
        "things are now. Written for Njia; it shows change over time and is not a clinical test.",
        "Kauli kumi na mbili kuhusu jinsi unavyojiona tayari kuchagua na kutekeleza mpango wa kazi. "
        "Jibu kwa jinsi mambo yalivyo sasa. Imeandikwa kwa ajili ya Njia; inaonyesha mabadiliko kwa "
        "muda na si kipimo cha kitabibu.",
    ),
    kind="scale",
    subscales=(
        Subscale("self", _t("Knowing myself", "Kujijua")),
        Subscale("options", _t("Knowing my options", "Kujua machaguo yangu")),
        Subscale("deciding", _t("Deciding", "Kufanya uamuzi")),
        Subscale("acting", _t("Acting on a plan", "Kutekeleza mpango")),
    ),
    items=(
        Item(
            "CR01",
            "self",
            _t(
                "I can name the kinds of work I enjoy most.",
                "Ninaweza kutaja aina za kazi ninazofurahia zaidi.",
            ),
        ),
        Item(
            "CR02",
            "self",
            _t(
                "I know which of my skills employers would value.",
                "Najua ni ujuzi upi wangu ambao waajiri wangeuthamini.",
            ),
        ),
        Item(
            "CR03",
            "self",
            _t("I am not sure what I am good at.", "Sina uhakika ni nini ninachokiweza vizuri."),
            reverse=True,
        ),
        Item(
            "CR04",
            "options",
            _t(
                "I know where to find out about jobs and courses near me.",
                "Najua mahali pa kupata habari za kazi na kozi karibu nami.",
            ),
        ),
        Item(
            "CR05",
            "options",
            _t(
                "I know what the day-to-day work is in at least two occupations that interest me.",
                "Najua kazi za kila siku za angalau kazi mbili zinazonivutia.",
            ),
        ),
        Item(
            "CR06",
            "options",
            _t(
                "I know too little about the world of work to choose.",
                "Najua kidogo mno kuhusu ulimwengu wa kazi kuweza kuchagua.",
            ),
            reverse=True,
        ),
        Item(
            "CR07",
            "deciding",
            _t(
                "I can weigh the good and bad sides of a career choice.",
                "Ninaweza kupima faida na hasara za uchaguzi wa kazi.",
            ),
        ),
        Item(
            "CR08",
            "deciding",
            _t(
                "I have narrowed my choices to a few I would be happy with.",
                "Nimepunguza machaguo yangu hadi machache ambayo ningefurahia.",
            ),
        ),
        Item(
            "CR09",
            "deciding",
            _t(
                "I keep putting off deciding what to do next.",
                "Ninaendelea kuahirisha kuamua nitakachofanya baadaye.",
            ),
            reverse=True,
        ),
        Item(
            "CR10",
            "acting",
            _t(
                "I know the next step I will take toward my goal.",
                "Najua hatua inayofuata nitakayochukua kuelekea lengo langu.",
            ),
        ),
        Item(
            "CR11",
            "acting",
            _t(
                "In the past month I did something toward my career plan.",
                "Mwezi uliopita nilifanya jambo fulani kuelekea mpango wangu wa kazi.",
            ),
        ),
        Item(
            "CR12",
            "acting",
            _t(
                "I would not know how to start applying for the work I want.",
                "Singejua jinsi ya kuanza kuomba kazi ninayoitaka.",
            ),
            reverse=True,
        ),
    ),
    scale_labels=AGREEMENT,
)

SESSION_PULSE = Measure(
    key="session_pulse",
    title=_t("After your session", "Baada ya kikao chako"),
    description=_t(
        "Three quick questions about the session you just had.",
        "Maswali matatu mafupi kuhusu kikao ulichomaliza.",
    ),
    kind="scale",
    subscales=(Subscale("pulse", _t("Session", "Kikao")),),
    items=(
        Item("SP01", "pulse", _t("Was the session useful to you?", "Je, kikao kilikufaa?")),
        Item("SP02", "pulse", _t("Is your next step clear?", "Je, hatua yako inayofuata iko wazi?")),
        Item(
            "SP03",
            "pulse",
            _t(
                "How confident do you feel about your plan now?",
                "Unajiamini kiasi gani kuhusu mpango wako sasa?",
            ),
        ),
    ),
    scale_labels=PULSE_SCALE,
)

# Where a client is now; those marked True are career outcomes (NACE's rate counts them).
DESTINATIONS: dict[str, tuple[Text, bool]] = {
    "employed_full_time": (_t("Employed full-time", "Nimeajiriwa kwa muda wote"), True),
    "employed_part_time": (_t("Employed part-time", "Nimeajiriwa kwa muda"), True),
    "self_employed": (
        _t("Self-employed or informal work (jua kali)", "Kujiajiri au kazi isiyo rasmi (jua kali)"),
        True,
    ),
    "internship": (_t("Internship or attachment", "Mafunzo kazini (internship au attachment)"), True),
    "further_education": (
        _t("Further education or training", "Masomo zaidi au mafunzo"),
        True,
    ),
    "volunteering": (
        _t("Volunteering or national service", "Kujitolea au huduma ya taifa (NYS)"),
        True,
    ),
    "seeking": (_t("Still looking", "Bado natafuta"), False),
    "not_seeking": (_t("Not looking for now", "Sitafuti kwa sasa"), False),
}
EDUCATION_KINDS = ("university", "tvet", "short_course")
RELATED_TO_PLAN = ("yes", "partly", "no")
SOURCES = ("client", "counselor", "verified")

DESTINATION = Measure(
    key="destination",
    title=_t("Where you are now", "Ulipo sasa"),
    description=_t(
        "What you are doing now: work, study, or still looking. It helps your counselor and "
        "the organization see what counseling achieves.",
        "Unachofanya sasa: kazi, masomo, au bado unatafuta. Inamsaidia mshauri wako na shirika "
        "kuona kile ushauri unachofanikisha.",
    ),
    kind="destination",
)

MEASURES = {m.key: m for m in (CAREER_READINESS, SESSION_PULSE, DESTINATION)}


class UnknownMeasure(Exception):
    pass


def measure(key: str) -> Measure:
    try:
        return MEASURES[key]
    except KeyError:
        raise UnknownMeasure(key) from None


# Scoring ----------------------------------------------------------------------------------


def check_answers(m: Measure, answers: Mapping[str, Any]) -> dict[str, str]:
    """Each answer at fault, by item id: unknown items, values off the scale. Missing ones are not
    faults here (``score`` decides whether enough were answered)."""
    faults: dict[str, str] = {}
    known = set(m.item_ids)
    for item_id, value in answers.items():
        if item_id not in known:
            faults[item_id] = "Not an item of this measure."
        elif value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not m.scale_min <= value <= m.scale_max
        ):
            faults[item_id] = f"A whole number from {m.scale_min} to {m.scale_max}."
    return faults


def keyed(m: Measure, item: Item, value: int) -> int:
    return (m.scale_min + m.scale_max - value) if item.reverse else value


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def score(m: Measure, answers: Mapping[str, int | None]) -> dict[str, Any]:
    """``{score, subscales, answered, reason}``: the mean of the keyed answers, per subscale and whole;
    ``score`` None with ``reason: "insufficient_items"`` when over 20 % are unanswered."""
    given = {
        item.id: keyed(m, item, value) for item in m.items if (value := answers.get(item.id)) is not None
    }
    missing = len(m.items) - len(given)
    if missing > MAX_MISSING * len(m.items):
        return {"score": None, "subscales": {}, "answered": len(given), "reason": "insufficient_items"}
    subscales = {
        sub.key: _mean([given[i.id] for i in m.items if i.subscale == sub.key and i.id in given])
        for sub in m.subscales
    }
    return {
        "score": _mean(list(given.values())),
        "subscales": subscales,
        "answered": len(given),
        "reason": None,
    }


def is_career_outcome(status: str) -> bool:
    return DESTINATIONS[status][1]


# Reliability and change ---------------------------------------------------------------------


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of complete response rows (items keyed); None with too few rows or no variance."""
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    item_variances = sum(statistics.variance([row[i] for row in rows]) for i in range(k))
    total_variance = statistics.variance([sum(row) for row in rows])
    if total_variance == 0:
        return None
    return round(k / (k - 1) * (1 - item_variances / total_variance), 3)


def reliable_change(
    first: float, latest: float, spread: float | None, alpha: float | None, n: int
) -> dict[str, Any]:
    """Jacobson and Truax's reliable change index: the change over the standard error of a difference
    (``spread`` the standard deviation of scores, ``alpha`` the reliability), once ``n`` responses
    make Njia's own estimate worth trusting; before that it says so instead."""
    change = round(latest - first, 3)
    base = {"first": first, "latest": latest, "change": change, "alpha": alpha, "n": n}
    if n < MIN_FOR_RCI or alpha is None or not spread:
        note = f"Reliable change is shown once Njia holds {MIN_FOR_RCI} complete responses (it has {n})."
        return {**base, "rci": None, "reliable": None, "note": note}
    error = spread * math.sqrt(2) * math.sqrt(max(1 - alpha, 0.0))
    if error == 0:
        return {**base, "rci": None, "reliable": None, "note": "No measurement error to compare against."}
    rci = round(change / error, 3)
    return {**base, "rci": rci, "reliable": abs(rci) > RELIABLE_Z, "note": None}


def keyed_rows(m: Measure, responses: Sequence[Mapping[str, Any]]) -> list[list[float]]:
    """The complete responses' keyed answers, item by item (what alpha is computed from)."""
    rows = []
    for answers in responses:
        if all(answers.get(item.id) is not None for item in m.items):
            rows.append([float(keyed(m, item, answers[item.id])) for item in m.items])
    return rows
