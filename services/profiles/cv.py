"""A client's CV from the merged profile: a printable page (HTML with A4 print styles) and the hints
a counselor would give on it. Plain functions, no I/O.

The page is built from escaped text only: a profile's values come from LinkedIn, a JSON Resume or
GitHub, so nothing in them is ever read as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

LANGUAGES = ("en", "sw")
TEMPLATES = ("classic", "compact")
SUMMARY_WORDS = 120  # a summary longer than this is read past, not read
DASH = "\N{EN DASH}"
TARGET_HINTS = 5  # a target's missing skills, most important first: more would bury the rest

HEADINGS = {
    "en": {
        "summary": "Profile",
        "positions": "Experience",
        "education": "Education",
        "skills": "Skills",
        "certifications": "Certificates",
        "languages": "Languages",
        "links": "Links",
        "present": "present",
        "title": "Curriculum vitae",
    },
    "sw": {
        "summary": "Wasifu",
        "positions": "Uzoefu wa kazi",
        "education": "Elimu",
        "skills": "Ujuzi",
        "certifications": "Vyeti",
        "languages": "Lugha",
        "links": "Viungo",
        "present": "sasa",
        "title": "Wasifu wa kazi (CV)",
    },
}
MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "sw": ("Jan", "Feb", "Mac", "Apr", "Mei", "Jun", "Jul", "Ago", "Sep", "Okt", "Nov", "Des"),
}

# What each hint says, in both languages; ``{…}`` are filled from the hint's facts.
HINTS = {
    "position_without_dates": {
        "en": "Add when you started (and ended) as {title}: employers read a CV by its dates.",
        "sw": "Ongeza ulipoanza (na ulipomaliza) kazi ya {title}: waajiri husoma CV kwa tarehe zake.",
    },
    "position_without_results": {
        "en": "Say what you achieved as {title}: a line or two with a number or a result.",
        "sw": "Eleza ulichofanikisha kama {title}: mstari mmoja au miwili yenye idadi au matokeo.",
    },
    "skill_unsupported": {
        "en": "No position, course or certificate shows where you used “{skill}”; add one that does.",
        "sw": "Hakuna kazi, kozi wala cheti kinachoonyesha ulipotumia “{skill}”; ongeza kimoja.",
    },
    "summary_too_long": {
        "en": "Your profile summary has {words} words; keep it under {limit}.",
        "sw": "Muhtasari wako una maneno {words}; ufupishe chini ya {limit}.",
    },
    "missing_target_skill": {
        "en": "{occupation} asks for “{skill}”, which your CV does not show yet.",
        "sw": "Kazi ya {occupation} inahitaji “{skill}”, ambayo CV yako bado haionyeshi.",
    },
    "no_positions": {
        "en": "Add your work so far, paid or not: jobs, attachments, volunteering, jua kali.",
        "sw": "Ongeza kazi ulizofanya, za malipo au la: ajira, mafunzo kazini, kujitolea, jua kali.",
    },
}

_WORD = re.compile(r"[\w+#.]+", re.UNICODE)

PRINT_STYLE = """
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 178mm;
  font-size: 10.5pt; line-height: 1.4; padding: 12px; }
h1 { font-size: 20pt; margin: 0; }
.headline { font-size: 12pt; color: #3d4f5c; margin: 2px 0 0; }
.where { color: #555; margin: 2px 0 0; }
h2 { font-size: 12pt; text-transform: uppercase; letter-spacing: .06em; color: #0b5f56;
  border-bottom: 1px solid #0b5f56; margin: 16px 0 6px; padding-bottom: 2px; }
.item { margin: 0 0 8px; break-inside: avoid; }
.item .what { font-weight: bold; }
.item .when { float: right; color: #555; font-size: 9.5pt; }
.item p { margin: 2px 0; }
ul { margin: 2px 0 0 18px; padding: 0; }
.skills { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; margin: 0; }
a { color: inherit; }
.compact h2 { margin-top: 10px; }
.compact .item { margin-bottom: 4px; }
@media print { body { padding: 0; } a { text-decoration: none; } }
"""


def _text(value: Any) -> str:
    return escape(str(value or "").strip())


def when(start: str | None, end: str | None, lang: str) -> str:
    """ "Mar 2020 - present" (an en dash) from JSON Resume dates (``2020``, ``2020-03``, ``2020-03-09``)."""
    if not start and not end:
        return ""
    first = _month_year(start, lang) if start else ""
    last = _month_year(end, lang) if end else HEADINGS[lang]["present"]
    return f"{first} {DASH} {last}" if first else last


def _month_year(value: str, lang: str) -> str:
    parts = value.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[lang][int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def cv_html(values: Mapping[str, Any], lang: str = "en", template: str = "classic") -> str:
    """The whole printable page, headings in ``lang``; sections without content are left out."""
    words = HEADINGS[lang]
    name = _text(values.get("name")) or words["title"]
    parts = [f"<header><h1>{name}</h1>"]
    if values.get("headline"):
        parts.append(f'<p class="headline">{_text(values["headline"])}</p>')
    if values.get("location"):
        parts.append(f'<p class="where">{_text(values["location"])}</p>')
    parts.append("</header>")
    if values.get("summary"):
        parts.append(_section(words["summary"], "summary", [f"<p>{_text(values['summary'])}</p>"]))
    parts.append(
        _section(words["positions"], "positions", [_position(p, lang) for p in _list(values, "positions")])
    )
    parts.append(
        _section(words["education"], "education", [_schooling(e, lang) for e in _list(values, "education")])
    )
    skills = [f"<li>{_text(s.get('name'))}</li>" for s in _list(values, "skills") if s.get("name")]
    if skills:
        parts.append(_section(words["skills"], "skills", [f'<ul class="skills">{"".join(skills)}</ul>']))
    parts.append(
        _section(
            words["certifications"],
            "certifications",
            [_certificate(c, lang) for c in _list(values, "certifications")],
        )
    )
    spoken = [_spoken(item) for item in _list(values, "languages") if item.get("name")]
    if spoken:
        parts.append(_section(words["languages"], "languages", [f"<ul>{''.join(spoken)}</ul>"]))
    links = [
        f'<li><a href="{_text(link.get("url"))}">{_text(link.get("label") or link.get("url"))}</a>: '
        f"{_text(link.get('url'))}</li>"
        for link in _list(values, "links")
        if str(link.get("url") or "").startswith(("http://", "https://"))
    ]
    if links:
        parts.append(_section(words["links"], "links", [f"<ul>{''.join(links)}</ul>"]))
    body = "".join(part for part in parts if part)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{name} {DASH} {escape(words['title'])}</title><style>{PRINT_STYLE}</style></head>"
        f'<body class="{template}">{body}</body></html>'
    )


def _spoken(language: Mapping[str, Any]) -> str:
    level = f" {DASH} {_text(language['proficiency'])}" if language.get("proficiency") else ""
    return f"<li>{_text(language.get('name'))}{level}</li>"


def _list(values: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
    return [item for item in values.get(field) or [] if isinstance(item, Mapping)]


def _section(heading: str, field: str, items: Sequence[str]) -> str:
    kept = [item for item in items if item]
    if not kept:
        return ""
    return f'<section class="{field}"><h2>{escape(heading)}</h2>{"".join(kept)}</section>'


def _item(what: str, dates: str, lines: Iterable[str]) -> str:
    text = "".join(lines)
    stamp = f'<span class="when">{escape(dates)}</span>' if dates else ""
    return f'<div class="item">{stamp}<p class="what">{what}</p>{text}</div>'


def _position(position: Mapping[str, Any], lang: str) -> str:
    title, where = _text(position.get("title")), _text(position.get("organization"))
    what = ", ".join(part for part in (title, where) if part)
    if not what:
        return ""
    lines = []
    if position.get("description"):
        lines.append(f"<p>{_text(position['description'])}</p>")
    highlights = [f"<li>{_text(h)}</li>" for h in position.get("highlights") or [] if str(h).strip()]
    if highlights:
        lines.append(f"<ul>{''.join(highlights)}</ul>")
    return _item(what, when(position.get("start"), position.get("end"), lang), lines)


def _schooling(school: Mapping[str, Any], lang: str) -> str:
    course = ", ".join(part for part in (_text(school.get("degree")), _text(school.get("area"))) if part)
    what = f" {DASH} ".join(part for part in (course, _text(school.get("institution"))) if part)
    return _item(what, when(school.get("start"), school.get("end"), lang), []) if what else ""


def _certificate(certificate: Mapping[str, Any], lang: str) -> str:
    what = ", ".join(
        part for part in (_text(certificate.get("name")), _text(certificate.get("authority"))) if part
    )
    return (
        _item(what, when(certificate.get("start"), None, lang) if certificate.get("start") else "", [])
        if what
        else ""
    )


# Review ---------------------------------------------------------------------------------


def _words(text: Any) -> set[str]:
    return {word.casefold().strip(".") for word in _WORD.findall(str(text or ""))}


def _evidence(values: Mapping[str, Any]) -> set[str]:
    """Every word of the places a skill can be shown used: positions, education, certificates."""
    seen: set[str] = set()
    for position in _list(values, "positions"):
        for text in (position.get("title"), position.get("description"), *(position.get("highlights") or [])):
            seen |= _words(text)
    for school in _list(values, "education"):
        seen |= _words(school.get("area")) | _words(school.get("degree"))
    for certificate in _list(values, "certifications"):
        seen |= _words(certificate.get("name"))
    return seen


def _hint(code: str, lang: str, field: str, index: int | None = None, **facts: Any) -> dict[str, Any]:
    return {
        "code": code,
        "field": field if index is None else f"{field}.{index}",
        "message": HINTS[code][lang].format(**facts),
        **({"facts": facts} if facts else {}),
    }


def review(
    values: Mapping[str, Any],
    lang: str = "en",
    missing: Sequence[Mapping[str, Any]] = (),
    occupation: str | None = None,
) -> list[dict[str, Any]]:
    """Concrete hints, most useful first: positions without dates or results, skills nothing shows
    used, an overlong summary, and the chosen target occupation's missing skills (``missing``)."""
    hints: list[dict[str, Any]] = []
    positions = _list(values, "positions")
    if not positions:
        hints.append(_hint("no_positions", lang, "positions"))
    for i, position in enumerate(positions):
        title = str(position.get("title") or position.get("organization") or "?")
        if not position.get("start"):
            hints.append(_hint("position_without_dates", lang, "positions", i, title=title))
        if not position.get("description") and not position.get("highlights"):
            hints.append(_hint("position_without_results", lang, "positions", i, title=title))
    evidence = _evidence(values)
    for i, skill in enumerate(_list(values, "skills")):
        name = str(skill.get("name") or "").strip()
        if name and not _words(name) <= evidence:
            hints.append(_hint("skill_unsupported", lang, "skills", i, skill=name))
    count = len(str(values.get("summary") or "").split())
    if count > SUMMARY_WORDS:
        hints.append(_hint("summary_too_long", lang, "summary", words=count, limit=SUMMARY_WORDS))
    for item in missing:
        label = str(item.get("name") or item.get("label") or "").strip()
        if label:
            hints.append(
                _hint("missing_target_skill", lang, "skills", occupation=occupation or "?", skill=label)
            )
    return hints
