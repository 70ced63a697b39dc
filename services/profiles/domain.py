"""Rules of a client's networking profile; plain data, no I/O, time passed in.

Each source (a LinkedIn export, a JSON Resume, a GitHub account) is read into the
same normalized fields. What a source last said is a ``Snapshot`` that remembers,
per field, when that source's value last changed. The profile is the merge of the
snapshots and the client's own edits:

* a manual edit beats every source, until the client clears it;
* otherwise, per field, the value that changed most recently at its source wins
  (ties go to the source earlier in ``SOURCES``);
* ``skills`` and ``links`` are the union of every source's items instead, each item
  naming its source, newest source first.

A re-sync that brings nothing new changes no ``changed_at``, so it changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

LINKEDIN = "linkedin"
JSON_RESUME = "json_resume"
GITHUB = "github"
MANUAL = "manual"
SOURCES = (LINKEDIN, JSON_RESUME, GITHUB)
# The path segment of API.md's routes for each source.
SOURCE_PATHS = {LINKEDIN: "linkedin", JSON_RESUME: "json-resume", GITHUB: "github"}

TEXT_FIELDS = ("name", "headline", "summary", "location")
LIST_FIELDS = ("positions", "education", "skills", "certifications", "languages", "links")
FIELDS = TEXT_FIELDS + LIST_FIELDS
UNION_FIELDS = {"skills": "name", "links": "url"}

MAX_TEXT = 20_000
MAX_ITEMS = 20_000

PENDING, OK, FAILED = "pending", "ok", "failed"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^([12]\d{3})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
_MONTH_YEAR = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]+)\.?,?\s+([12]\d{3})$")
_SLASHED = re.compile(r"^(\d{1,2})/(?:(\d{1,2})/)?([12]\d{3})$")
_URL = re.compile(r"https?://[^\s,\]\[<>\"']+", re.IGNORECASE)


# Text and dates -------------------------------------------------------------------------


def clean(value: Any) -> str | None:
    """Stripped text, cut to ``MAX_TEXT``; ``None`` for nothing."""
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text[:MAX_TEXT] or None


def partial_date(value: Any) -> str | None:
    """A date as JSON Resume writes it (``2020``, ``2020-03``, ``2020-03-09``), or ``None``.

    Reads ISO dates, LinkedIn's ``Mar 2020`` / ``09 Mar 2020`` and ``3/9/2020`` (month first).
    """
    text = clean(value)
    if text is None:
        return None
    if _ISO.match(text):
        return text
    found = _MONTH_YEAR.match(text)
    if found and found[2].lower() in _MONTHS:
        day, month, year = found[1], _MONTHS[found[2].lower()], found[3]
        if day and 1 <= int(day) <= 31:
            return f"{year}-{month:02d}-{int(day):02d}"
        return f"{year}-{month:02d}"
    found = _SLASHED.match(text)
    if found:
        month, day, year = int(found[1]), found[2], found[3]
        if not 1 <= month <= 12:
            return None
        if day is None:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{int(day):02d}" if 1 <= int(day) <= 31 else None
    return None


def urls_in(text: Any) -> list[str]:
    """Every http(s) URL in a free-text cell (LinkedIn's ``[PORTFOLIO:https://…]`` lists)."""
    return _URL.findall(str(text or ""))


def _items(rows: Iterable[Mapping[str, Any]], shape: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows to items: ``shape`` maps each item key to a row key (or a function of the row)."""
    items = []
    for row in rows:
        item: dict[str, Any] = {}
        for key, source in shape.items():
            value = source(row) if callable(source) else clean(row.get(source))
            if value not in (None, "", []):
                item[key] = value
        if item:
            items.append(item)
        if len(items) >= MAX_ITEMS:
            break
    return items


def _unique(items: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    kept = []
    for item in items:
        name = str(item.get(key, "")).casefold()
        if name and name not in seen:
            seen.add(name)
            kept.append(item)
    return kept


def _link(url: str, label: str | None = None) -> dict[str, Any]:
    return {"label": label or _label_of(url), "url": url}


def _label_of(url: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url.lower()).split("/", 1)[0]
    known = {
        "github.com": "GitHub",
        "linkedin.com": "LinkedIn",
        "twitter.com": "Twitter",
        "x.com": "X",
        "gitlab.com": "GitLab",
    }
    return known.get(host, "Website")


def _values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Only the known fields that say something."""
    return {f: raw[f] for f in FIELDS if raw.get(f) not in (None, "", [])}


# Reading each source into the normalized fields ----------------------------------------


def from_linkedin(tables: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, Any]:
    """A LinkedIn export's tables (by ``linkedin.TABLES`` name, rows by real column name)."""
    profile = tables.get("profile") or [{}]
    me = profile[0]
    name = " ".join(p for p in (clean(me.get("First Name")), clean(me.get("Last Name"))) if p)
    summaries = tables.get("profile_summary") or [{}]
    links = [_link(url) for url in urls_in(me.get("Websites"))]
    twitter = clean(me.get("Twitter Handles"))
    if twitter:
        for handle in re.findall(r"[A-Za-z0-9_]{1,15}", twitter):
            links.append(_link(f"https://twitter.com/{handle}", "Twitter"))
    return _values(
        {
            "name": clean(name),
            "headline": clean(me.get("Headline")),
            "summary": clean(me.get("Summary")) or clean(summaries[0].get("Profile Summary")),
            "location": clean(me.get("Geo Location")),
            "positions": _items(
                tables.get("positions", []),
                {
                    "title": "Title",
                    "organization": "Company Name",
                    "location": "Location",
                    "start": lambda r: partial_date(r.get("Started On")),
                    "end": lambda r: partial_date(r.get("Finished On")),
                    "description": "Description",
                },
            ),
            "education": _items(
                tables.get("education", []),
                {
                    "institution": "School Name",
                    "degree": "Degree Name",
                    "start": lambda r: partial_date(r.get("Start Date")),
                    "end": lambda r: partial_date(r.get("End Date")),
                    "notes": "Notes",
                    "activities": "Activities",
                },
            ),
            "skills": _unique(_items(tables.get("skills", []), {"name": "Name"}), "name"),
            "certifications": _items(
                tables.get("certifications", []),
                {
                    "name": "Name",
                    "authority": "Authority",
                    "url": "Url",
                    "start": lambda r: partial_date(r.get("Started On")),
                    "end": lambda r: partial_date(r.get("Finished On")),
                    "license_number": "License Number",
                },
            ),
            "languages": _items(tables.get("languages", []), {"name": "Name", "proficiency": "Proficiency"}),
            "links": _unique(links, "url"),
        }
    )


def from_json_resume(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Resume document (already validated against its schema)."""
    basics = doc.get("basics") or {}
    where = basics.get("location") or {}
    location = ", ".join(
        p for p in (clean(where.get(k)) for k in ("city", "region", "countryCode")) if p
    ) or clean(where.get("address"))
    website = clean(basics.get("url"))
    links = [_link(website, "Website")] if website else []
    for profile in basics.get("profiles") or []:
        url = clean(profile.get("url"))
        if url:
            links.append(_link(url, clean(profile.get("network"))))

    def highlights(item: Mapping[str, Any]) -> list[str]:
        return [h for h in (clean(x) for x in item.get("highlights") or []) if h]

    return _values(
        {
            "name": clean(basics.get("name")),
            "headline": clean(basics.get("label")),
            "summary": clean(basics.get("summary")),
            "location": location,
            "positions": _items(
                doc.get("work") or [],
                {
                    "title": "position",
                    "organization": lambda r: clean(r.get("name") or r.get("company")),
                    "location": "location",
                    "start": lambda r: partial_date(r.get("startDate")),
                    "end": lambda r: partial_date(r.get("endDate")),
                    "description": "summary",
                    "url": "url",
                    "highlights": highlights,
                },
            ),
            "education": _items(
                doc.get("education") or [],
                {
                    "institution": "institution",
                    "degree": "studyType",
                    "area": "area",
                    "start": lambda r: partial_date(r.get("startDate")),
                    "end": lambda r: partial_date(r.get("endDate")),
                },
            ),
            "skills": _unique(
                _items(
                    doc.get("skills") or [],
                    {
                        "name": "name",
                        "level": "level",
                        "keywords": lambda r: [k for k in (clean(x) for x in r.get("keywords") or []) if k],
                    },
                ),
                "name",
            ),
            "certifications": _items(
                doc.get("certificates") or [],
                {
                    "name": "name",
                    "authority": "issuer",
                    "url": "url",
                    "start": lambda r: partial_date(r.get("date")),
                },
            ),
            "languages": _items(doc.get("languages") or [], {"name": "language", "proficiency": "fluency"}),
            "links": _unique(links, "url"),
        }
    )


def from_github(user: Mapping[str, Any], repos: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A GitHub user and their public repositories: languages and topics become skills.

    Forks say little about the person, so only their own repositories count; skills are
    ordered by how many repositories use them.
    """
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for repo in repos:
        if repo.get("fork"):
            continue
        for skill in [repo.get("language"), *(repo.get("topics") or [])]:
            name = clean(skill)
            if name:
                key = name.casefold()
                counts[key] = counts.get(key, 0) + 1
                names.setdefault(key, name)
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    links = []
    blog = clean(user.get("blog"))
    if blog:
        links.append(_link(blog if re.match(r"^https?://", blog, re.I) else f"https://{blog}"))
    profile_url = clean(user.get("html_url"))
    if profile_url:
        links.append(_link(profile_url, "GitHub"))
    return _values(
        {
            "name": clean(user.get("name")),
            "summary": clean(user.get("bio")),
            "location": clean(user.get("location")),
            "skills": [{"name": names[k]} for k in ranked][:MAX_ITEMS],
            "links": _unique(links, "url"),
        }
    )


# Snapshots and the merge ----------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What one source (or the client's own edits) says, and when each value last changed."""

    source: str
    values: Mapping[str, Any]
    changed_at: Mapping[str, datetime]


def observe(previous: Snapshot | None, source: str, values: Mapping[str, Any], now: datetime) -> Snapshot:
    """The snapshot after a sync that read ``values``: unchanged values keep their time."""
    kept = _values(values)
    changed_at = {}
    for field, value in kept.items():
        unchanged = previous is not None and previous.values.get(field) == value
        changed_at[field] = previous.changed_at[field] if unchanged and previous else now
    return Snapshot(source, kept, changed_at)


def after_reading(
    previous: Snapshot | None, source: str, values: Mapping[str, Any] | None, now: datetime
) -> Snapshot:
    """The snapshot after a source was read; ``values`` None: it said nothing changed since."""
    if values is None:
        return previous or observe(None, source, {}, now)
    return observe(previous, source, values, now)


def edit(previous: Snapshot | None, changes: Mapping[str, Any], now: datetime) -> Snapshot:
    """The client's own edits: a value pins the field, ``None`` gives it back to the sources."""
    values = dict(previous.values) if previous else {}
    changed_at = dict(previous.changed_at) if previous else {}
    for field, value in changes.items():
        if field not in FIELDS:
            continue
        if value in (None, "", []):
            values.pop(field, None)
            changed_at.pop(field, None)
        elif values.get(field) != value:
            values[field] = value
            changed_at[field] = now
    return Snapshot(MANUAL, values, changed_at)


@dataclass(frozen=True)
class Merged:
    values: dict[str, Any]
    provenance: dict[str, dict[str, Any]]  # field -> {"source", "at"}


def _rank(source: str) -> int:
    order = (MANUAL, *SOURCES)
    return order.index(source) if source in order else len(order)


def merge(snapshots: Iterable[Snapshot], manual: Snapshot | None = None) -> Merged:
    """The profile: manual edits first, then per field the most recently changed source value."""
    sources = [s for s in snapshots if s.source != MANUAL]
    values: dict[str, Any] = {}
    provenance: dict[str, dict[str, Any]] = {}
    for field in FIELDS:
        if manual is not None and field in manual.values:
            values[field] = manual.values[field]
            provenance[field] = {"source": MANUAL, "at": manual.changed_at[field]}
            continue
        saying = [s for s in sources if field in s.values]
        if not saying:
            continue
        saying.sort(key=lambda s: (-s.changed_at[field].timestamp(), _rank(s.source)))
        newest = saying[0]
        provenance[field] = {"source": newest.source, "at": newest.changed_at[field]}
        if field in UNION_FIELDS:
            values[field] = _unique(
                ({**item, "source": s.source} for s in saying for item in s.values[field]),
                UNION_FIELDS[field],
            )
        else:
            values[field] = newest.values[field]
    return Merged(values, provenance)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The fields whose merged value differs, in ``FIELDS`` order."""
    return [f for f in FIELDS if before.get(f) != after.get(f)]


# Sync state of a source -----------------------------------------------------------------


@dataclass(frozen=True)
class SourceState:
    kind: str
    status: str = PENDING
    last_synced_at: datetime | None = None
    last_attempt_at: datetime | None = None
    failures: int = 0
    next_sync_at: datetime | None = None
    error: str | None = None
    error_code: str | None = None


def rereads_itself(kind: str, config: Mapping[str, Any]) -> bool:
    """Only what can change by itself is re-read on schedule: GitHub and a JSON Resume URL."""
    return kind == GITHUB or (kind == JSON_RESUME and bool(config.get("url")))


def backoff_delay(failures: int, base: timedelta, cap: timedelta) -> timedelta:
    """Exponential: ``base`` after the first failure, doubling each time, never above ``cap``."""
    if failures <= 0:
        return timedelta(0)
    return min(base * (2 ** min(failures - 1, 30)), cap)


def sync_succeeded(state: SourceState, now: datetime, interval: timedelta, scheduled: bool) -> SourceState:
    """A good sync: the next one is a full interval away (when the source can be re-read)."""
    return replace(
        state,
        status=OK,
        last_synced_at=now,
        last_attempt_at=now,
        failures=0,
        next_sync_at=now + interval if scheduled else None,
        error=None,
        error_code=None,
    )


def sync_failed(
    state: SourceState,
    now: datetime,
    code: str,
    reason: str,
    base: timedelta,
    cap: timedelta,
    scheduled: bool,
    not_before: datetime | None = None,
) -> SourceState:
    """A failed sync: retried after an exponential backoff, and never before ``not_before``."""
    failures = state.failures + 1
    retry = now + backoff_delay(failures, base, cap)
    if not_before is not None and not_before > retry:
        retry = not_before
    return replace(
        state,
        status=FAILED,
        last_attempt_at=now,
        failures=failures,
        next_sync_at=retry if scheduled else None,
        error=reason,
        error_code=code,
    )


def is_due(state: SourceState, now: datetime) -> bool:
    return state.next_sync_at is not None and state.next_sync_at <= now


# Who sees a profile ---------------------------------------------------------------------


class Viewer(Protocol):
    """Who asks (``shared.auth.Caller`` is one)."""

    @property
    def user_id(self) -> str: ...
    @property
    def org_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def branch_id(self) -> str | None: ...


def staff_may_see(viewer: Viewer, profile: Mapping[str, Any] | None, counsels: Callable[[], bool]) -> bool:
    """Staff see a client's profile of their own organization: its admins, the admins of the
    client's branch, and the client's counselors (``counsels`` is asked only of a counselor)."""
    if profile is None or profile["org_id"] != viewer.org_id:
        return False
    if viewer.role == "org_admin":
        return True
    if viewer.role == "branch_admin" and profile.get("branch_id") == viewer.branch_id:
        return True
    return viewer.role == "counselor" and counsels()


# Export ---------------------------------------------------------------------------------


def to_json_resume(values: Mapping[str, Any]) -> dict[str, Any]:
    """The profile as a JSON Resume 1.0.0 document (only what it has; valid against the schema)."""

    def pick(item: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
        return {out: item[key] for out, key in names.items() if item.get(key) not in (None, "", [])}

    basics: dict[str, Any] = pick(values, {"name": "name", "label": "headline", "summary": "summary"})
    if values.get("location"):
        basics["location"] = {"address": values["location"]}
    links = list(values.get("links") or [])
    websites = [link for link in links if link.get("label") == "Website"]
    if websites:
        basics["url"] = websites[0]["url"]
    # A link's label is optional: a link without one is a profile without a network name.
    profiles = [
        {**({"network": link["label"]} if link.get("label") else {}), "url": link["url"]}
        for link in links
        if link not in websites[:1]
    ]
    if profiles:
        basics["profiles"] = profiles
    resume: dict[str, Any] = {}
    if basics:
        resume["basics"] = basics
    sections = {
        "work": (
            "positions",
            {
                "name": "organization",
                "position": "title",
                "location": "location",
                "url": "url",
                "startDate": "start",
                "endDate": "end",
                "summary": "description",
                "highlights": "highlights",
            },
        ),
        "education": (
            "education",
            {
                "institution": "institution",
                "studyType": "degree",
                "area": "area",
                "startDate": "start",
                "endDate": "end",
            },
        ),
        "skills": ("skills", {"name": "name", "level": "level", "keywords": "keywords"}),
        "certificates": (
            "certifications",
            {"name": "name", "issuer": "authority", "url": "url", "date": "start"},
        ),
        "languages": ("languages", {"language": "name", "fluency": "proficiency"}),
    }
    for section, (field, names) in sections.items():
        items = [pick(item, names) for item in values.get(field) or []]
        if section == "certificates":  # the schema wants a full date there
            items = [{k: v for k, v in item.items() if k != "date" or len(v) == 10} for item in items]
        items = [item for item in items if item]
        if items:
            resume[section] = items
    return resume
