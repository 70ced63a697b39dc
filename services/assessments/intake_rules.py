"""The intake form and a client's answers to it: plain rules, no I/O (``intake.py`` runs them).

An organization's admin sets the form; each setting is a new *version* (1, 2, ...; 0 means no form
yet). A question has an ``id`` (letters, digits, ``_`` or ``-``: answers are stored keyed by it), a
``label`` in English and Swahili, a ``kind`` and whether it is ``required``. Choice and multi
questions have ``options``: each an object ``{id?, label: {en, sw}}`` (without an id, its English
label is its id) or, as a shorthand, a plain string (both its id and its label in either language).
A choice is answered with one option id, a multi with a list of distinct option ids, a date as
``YYYY-MM-DD``, a number with a JSON number, text with text.

A client's answers keep the form version they were given in (``answer_versions``). The intake is
*complete* when it was submitted (or the form asks nothing) and no required question of the current
form is unanswered: a new version makes a submitted intake incomplete again only when it requires a
question the client has not answered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import isoformat

KINDS = ("text", "choice", "multi", "date", "number")
WITH_OPTIONS = ("choice", "multi")
LANGUAGES = ("en", "sw")
# Question ids are keys of the stored answers: no dots, no leading `$` (MongoDB and FerretDB refuse them).
QUESTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}\Z")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MAX_QUESTIONS = 100
MAX_OPTIONS = 50
MAX_LABEL = 300
MAX_OPTION_ID = 80
MAX_TEXT_ANSWER = 2000
# A number answer is kept as the database's 64-bit integer or double: a larger whole number would not fit.
LARGEST_NUMBER = 10**15
DRAFT, COMPLETE = "draft", "complete"

Problems = dict[str, list[str]]


def _text_problem(value: Any, longest: int) -> str | None:
    """What is wrong with ``value`` as a piece of text (None: nothing). PostgreSQL cannot keep U+0000."""
    if not isinstance(value, str) or not value.strip():
        return "Must be text, not empty."
    if len(value) > longest:
        return f"At most {longest} characters."
    if "\x00" in value:
        return "Must not contain the NUL character."
    return None


def _label_problems(label: Any, where: str) -> Problems:
    if not isinstance(label, Mapping):
        return {where: ["Give the label in English and Swahili: {en, sw}."]}
    problems: Problems = {}
    for extra in sorted(set(label) - set(LANGUAGES), key=str):
        problems[f"{where}.{extra}"] = ["Unknown language; use en and sw."]
    for lang in LANGUAGES:
        problem = _text_problem(label.get(lang), MAX_LABEL)
        if problem:
            problems[f"{where}.{lang}"] = [problem]
    return problems


def option(raw: Any) -> dict[str, Any]:
    """An option as it is kept: ``{id, label: {en, sw}}`` (call once ``check_form`` found no problem)."""
    if isinstance(raw, str):
        text = raw.strip()
        return {"id": text, "label": {"en": text, "sw": text}}
    label = {lang: str(raw["label"][lang]).strip() for lang in LANGUAGES}
    given = raw.get("id")
    return {"id": str(given).strip() if given is not None else label["en"], "label": label}


def _option_problems(raw: Any, where: str) -> Problems:
    if isinstance(raw, str):
        problem = _text_problem(raw, MAX_OPTION_ID)
        return {where: [problem]} if problem else {}
    if not isinstance(raw, Mapping):
        return {where: ["Must be text or an object {id?, label: {en, sw}}."]}
    problems: Problems = {}
    for extra in sorted(set(raw) - {"id", "label"}, key=str):
        problems[f"{where}.{extra}"] = ["Unknown field; an option has id and label."]
    if raw.get("id") is not None:
        problem = _text_problem(raw["id"], MAX_OPTION_ID)
        if problem:
            problems[f"{where}.id"] = [problem]
    problems.update(_label_problems(raw.get("label"), f"{where}.label"))
    if "id" not in raw or raw.get("id") is None:
        english = raw["label"].get("en") if isinstance(raw.get("label"), Mapping) else None
        if isinstance(english, str) and len(english.strip()) > MAX_OPTION_ID:
            problems[f"{where}.id"] = [f"Give an id: the English label is over {MAX_OPTION_ID} characters."]
    return problems


def check_form(questions: Sequence[Mapping[str, Any]]) -> Problems:
    """What is wrong with a form's questions (their fields already have the right types), each
    problem named by where it is: ``questions.2.options``, ``questions.3.id``."""
    problems: Problems = {}
    if len(questions) > MAX_QUESTIONS:
        problems["questions"] = [f"At most {MAX_QUESTIONS} questions."]
    seen: dict[str, int] = {}
    for n, question in enumerate(questions):
        where = f"questions.{n}"
        qid = question["id"]
        if not QUESTION_ID.match(qid):
            problems[f"{where}.id"] = ["Use 1-40 letters, digits, _ or -."]
        elif qid in seen:
            problems[f"{where}.id"] = [f"Question {seen[qid]} has this id too; ids are unique."]
        else:
            seen[qid] = n
        problems.update(_label_problems(question["label"], f"{where}.label"))
        problems.update(_options_problems(question["kind"], question.get("options"), f"{where}.options"))
    return problems


def _options_problems(kind: str, options: Any, where: str) -> Problems:
    if kind not in WITH_OPTIONS:
        return {where: [f"Only choice and multi questions have options, not {kind}."]} if options else {}
    if not options:
        return {where: [f"A {kind} question needs options to choose from."]}
    if len(options) > MAX_OPTIONS:
        return {where: [f"At most {MAX_OPTIONS} options."]}
    problems: Problems = {}
    for n, raw in enumerate(options):
        problems.update(_option_problems(raw, f"{where}.{n}"))
    if not problems:
        ids = [option(raw)["id"] for raw in options]
        for n, oid in enumerate(ids):
            if oid in ids[:n]:
                problems[f"{where}.{n}"] = [f"Option {ids.index(oid)} has this id too; ids are unique."]
    return problems


def form_questions(questions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The questions as they are kept (after ``check_form`` found no problem): options spelled out."""
    kept = []
    for question in questions:
        q = {
            "id": question["id"],
            "label": {lang: str(question["label"][lang]).strip() for lang in LANGUAGES},
            "kind": question["kind"],
            "required": bool(question.get("required")),
        }
        if question["kind"] in WITH_OPTIONS:
            q["options"] = [option(raw) for raw in question["options"]]
        kept.append(q)
    return kept


def is_unanswered(value: Any) -> bool:
    """No answer: absent, null, empty text or an empty choice of several."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == []


def _answer_problem(question: Mapping[str, Any], value: Any) -> str | None:
    kind = question["kind"]
    if kind == "text":
        return _text_problem(value, MAX_TEXT_ANSWER)
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok:
            return "Must be a number."
        return None if abs(value) < LARGEST_NUMBER else "At most 15 digits before the decimal point."
    if kind == "date":
        return None if _is_date(value) else "Must be a date as YYYY-MM-DD."
    ids = [o["id"] for o in question.get("options") or []]
    if kind == "choice":
        return None if isinstance(value, str) and value in ids else f"Must be one of: {', '.join(ids)}."
    if not isinstance(value, list) or not all(isinstance(v, str) and v in ids for v in value):
        return f"Must be a list of some of: {', '.join(ids)}."
    return None if len(set(value)) == len(value) else "Each option at most once."


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_answers(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> Problems:
    """What is wrong with answers given to the form's ``questions``: ``answers.<question id>`` for
    each (an unknown question, or a value not of its kind). An unanswered value clears an answer."""
    by_id = {q["id"]: q for q in questions}
    problems: Problems = {}
    for qid, value in answers.items():
        question = by_id.get(qid)
        if question is None:
            problems[f"answers.{qid}"] = ["No such question in the intake form."]
            continue
        if is_unanswered(value):
            continue
        problem = _answer_problem(question, value)
        if problem:
            problems[f"answers.{qid}"] = [problem]
    return problems


def merged_answers(
    kept: Mapping[str, Any], kept_versions: Mapping[str, int], given: Mapping[str, Any], version: int
) -> tuple[dict[str, Any], dict[str, int]]:
    """The answers after a save: those given replace the kept ones (an unanswered value removes
    one) and carry ``version``; the others stay, with the version they were given in."""
    answers, versions = dict(kept), dict(kept_versions)
    for qid, value in given.items():
        if is_unanswered(value):
            answers.pop(qid, None)
            versions.pop(qid, None)
        else:
            answers[qid] = value.strip() if isinstance(value, str) else value
            versions[qid] = version
    return answers, versions


def missing(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> list[str]:
    """The required questions without an answer, in the form's order."""
    return [q["id"] for q in questions if q.get("required") and is_unanswered(answers.get(q["id"]))]


def requires_anything(questions: Sequence[Mapping[str, Any]]) -> bool:
    return any(q.get("required") for q in questions)


def is_complete(questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any], submitted: bool) -> bool:
    """Submitted (or the form requires nothing) and every question the current form requires answered."""
    if missing(questions, answers):
        return False
    return submitted or not requires_anything(questions)


def missing_problems(missing_ids: Sequence[str]) -> Problems:
    """A submit refused: each required question unanswered, named as the answer it wants."""
    return {f"answers.{qid}": ["Required: answer this before submitting."] for qid in missing_ids}


def may_read_intake(
    *,
    viewer_id: str,
    viewer_role: str,
    viewer_branch: str | None,
    client_id: str,
    client_branch: str | None,
    counsels_client: bool,
) -> bool:
    """Who reads a client's intake (both of one organization): the client; an org admin; the admin of
    the client's branch; a counselor of the client's branch or one with a session with the client."""
    if viewer_id == client_id or viewer_role == "org_admin":
        return True
    same_branch = viewer_branch is not None and viewer_branch == client_branch
    if viewer_role == "branch_admin":
        return same_branch
    return viewer_role == "counselor" and (same_branch or counsels_client)


# Views ----------------------------------------------------------------------------------------


def _shown_at(at: datetime | None, zone: str) -> str | None:
    return isoformat(at.astimezone(ZoneInfo(zone))) if at is not None else None


def form_view(form: Mapping[str, Any] | None, zone: str) -> dict[str, Any]:
    """The form as the API shows it: version 0 with no questions when none was set."""
    if form is None:
        return {"version": 0, "questions": [], "updated_at": None}
    return {
        "version": form["version"],
        "questions": list(form["questions"]),
        "updated_at": _shown_at(form["created_at"], zone),
    }


def intake_view(
    client_id: str, form: Mapping[str, Any] | None, intake: Mapping[str, Any] | None, zone: str
) -> dict[str, Any]:
    """A client's intake measured against the current form."""
    questions = form["questions"] if form else []
    answers = dict(intake["answers"]) if intake else {}
    submitted_at = intake.get("submitted_at") if intake else None
    complete = is_complete(questions, answers, submitted_at is not None)
    return {
        "client_id": client_id,
        "version": intake["version"] if intake else None,
        "form_version": form["version"] if form else 0,
        "answers": answers,
        "answer_versions": dict(intake["answer_versions"]) if intake else {},
        "status": COMPLETE if complete else DRAFT,
        "missing": missing(questions, answers),
        "submitted_at": _shown_at(submitted_at, zone),
        "updated_at": _shown_at(intake["updated_at"] if intake else None, zone),
    }


def intake_status(form: Mapping[str, Any] | None, intake: Mapping[str, Any] | None) -> dict[str, Any]:
    """What booking asks: is the intake complete (no form, or one requiring nothing: yes), and the
    form version the client last answered (None: never)."""
    questions = form["questions"] if form else []
    answers = intake["answers"] if intake else {}
    submitted = bool(intake and intake.get("submitted_at") is not None)
    return {
        "complete": is_complete(questions, answers, submitted),
        "version": intake["version"] if intake else None,
    }
