"""Reading each source: the I/O half of a sync, turning what a source says into normalized values.

Every failure becomes ``SourceFailed`` with a short ``code`` and a ``reason`` a person
can act on ("GitHub has no user named …; check the spelling"), and, when the source
said when to come back (rate limits, ``Retry-After``), ``retry_at``. URL sources are
read with conditional requests: what a source answered last time (ETag,
Last-Modified, and for GitHub the data itself) is kept in ``cache``; a ``304 Not
Modified`` everywhere reads as ``values=None`` (nothing new).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urljoin

from services.profiles import domain, jsonresume, linkedin
from shared.fetching import Fetched, FetchFailed, FetchPolicy, FetchRefused, fetch

MAX_REPO_PAGES = 3
MAX_RETRY_AFTER = timedelta(days=1)


class SourceFailed(Exception):
    def __init__(
        self,
        code: str,
        reason: str,
        retry_at: datetime | None = None,
        details: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.retry_at = retry_at
        self.details = details or {}


@dataclass(frozen=True)
class Reading:
    values: dict[str, Any] | None  # None: not modified since the last read
    cache: dict[str, Any] = field(default_factory=dict)
    rate_limited_until: datetime | None = None


def _retry_after(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + min(timedelta(seconds=int(value)), MAX_RETRY_AFTER)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(max(moment, now), now + MAX_RETRY_AFTER)


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# LinkedIn -------------------------------------------------------------------------------


def read_linkedin(data: bytes) -> dict[str, Any]:
    try:
        tables = linkedin.read_export(data)
    except linkedin.ExportRefused as exc:
        raise SourceFailed("invalid_export", f"{exc} Upload the export again.") from None
    return domain.from_linkedin(tables)


# JSON Resume ----------------------------------------------------------------------------


def read_json_resume_document(document: Any) -> dict[str, Any]:
    problems = jsonresume.problems(document)
    if problems:
        first = next(iter(problems.items()))
        raise SourceFailed(
            "invalid_document",
            f"Your JSON Resume does not follow schema 1.0.0 ({first[0]}: {first[1][0]}); correct it and "
            "connect it again.",
            details=problems,
        )
    return domain.from_json_resume(document)


def conditional_headers(cache: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if cache.get("etag"):
        headers["If-None-Match"] = str(cache["etag"])
    if cache.get("last_modified"):
        headers["If-Modified-Since"] = str(cache["last_modified"])
    return headers


def read_json_resume_url(url: str, cache: dict[str, Any], policy: FetchPolicy, now: datetime) -> Reading:
    try:
        fetched = fetch(url, policy, {"Accept": "application/json", **conditional_headers(cache)})
    except FetchRefused as exc:
        raise SourceFailed("refused_url", f"{exc} Give the public URL of your JSON Resume.") from None
    except FetchFailed as exc:
        raise SourceFailed(exc.code, f"Your JSON Resume could not be fetched: {exc}") from None
    status = fetched.status
    if status == 304:
        return Reading(None, cache)
    if status in (429, 503):
        retry_at = _retry_after(fetched.headers.get("retry-after"), now)
        raise SourceFailed(
            "rate_limited" if status == 429 else "server_error",
            f"The server of your JSON Resume asked Njia to wait (HTTP {status}); Njia tries again later.",
            retry_at,
        )
    if status in (404, 410):
        raise SourceFailed(
            "not_found",
            f"{url} answered {status} Not Found; check the URL, or publish your JSON Resume again.",
        )
    if status >= 500:
        raise SourceFailed(
            "server_error", f"The server of your JSON Resume failed (HTTP {status}); Njia tries again later."
        )
    if status != 200:
        raise SourceFailed("http_error", f"{url} answered HTTP {status}; check the URL.")
    try:
        document = json.loads(fetched.body)
    except (ValueError, UnicodeDecodeError):
        raise SourceFailed(
            "invalid_json", f"{url} does not hold JSON; give the URL of the raw JSON file."
        ) from None
    values = read_json_resume_document(document)
    kept = {"etag": fetched.headers.get("etag"), "last_modified": fetched.headers.get("last-modified")}
    return Reading(values, {k: v for k, v in kept.items() if v})


# GitHub ---------------------------------------------------------------------------------

USER_KEYS = ("login", "name", "bio", "blog", "location", "html_url")
REPO_KEYS = ("name", "fork", "language", "topics")


def _next_link(header: str | None) -> str | None:
    for part in (header or "").split(","):
        if 'rel="next"' in part and "<" in part and ">" in part:
            return part[part.index("<") + 1 : part.index(">")]
    return None


class GitHub:
    """GitHub's REST API for one sync: conditional requests, rate limits honoured."""

    def __init__(
        self,
        api_url: str,
        token: str,
        policy: FetchPolicy,
        now: datetime,
        cache: list[dict[str, Any]],
        blocked_until: datetime | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.policy = policy
        self.now = now
        self.previous = {entry["url"]: entry for entry in cache if entry.get("url")}
        self.cache: list[dict[str, Any]] = []
        self.exhausted_until = blocked_until if blocked_until and blocked_until > now else None
        self.modified = False

    def _rate_limited(self, retry_at: datetime) -> SourceFailed:
        hint = "" if self.token else " An administrator can set NJIA_GITHUB_TOKEN to raise the limit."
        return SourceFailed(
            "rate_limited",
            f"GitHub's rate limit was reached; Njia tries again at {_at(retry_at)}.{hint}",
            retry_at,
        )

    def get(self, url: str, username: str) -> dict[str, Any]:
        """The kept entry for ``url``: ``{url, etag, last_modified, data, next}``."""
        url = urljoin(self.api_url + "/", url)
        if self.exhausted_until:
            raise self._rate_limited(self.exhausted_until)
        previous = self.previous.get(url) or {}
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            **conditional_headers(previous),
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            fetched = fetch(url, self.policy, headers)
        except (FetchRefused, FetchFailed) as exc:
            raise SourceFailed(
                "unreachable", f"GitHub could not be reached ({exc}); Njia tries again later."
            ) from None
        self._note_limits(fetched)
        entry = self._entry(fetched, url, username, previous)
        self.cache.append(entry)
        return entry

    def _note_limits(self, fetched: Fetched) -> None:
        remaining = fetched.headers.get("x-ratelimit-remaining")
        reset = fetched.headers.get("x-ratelimit-reset")
        if remaining == "0" and reset and reset.isdigit():
            self.exhausted_until = min(datetime.fromtimestamp(int(reset), UTC), self.now + MAX_RETRY_AFTER)

    def _entry(self, fetched: Fetched, url: str, username: str, previous: dict[str, Any]) -> dict[str, Any]:
        status = fetched.status
        if status in (403, 429):
            retry_at = _retry_after(fetched.headers.get("retry-after"), self.now)
            if retry_at is None and fetched.headers.get("x-ratelimit-remaining") == "0":
                retry_at = self.exhausted_until
            if retry_at is None and status == 429:
                retry_at = self.now + timedelta(minutes=1)
            if retry_at is not None:
                self.exhausted_until = max(retry_at, self.exhausted_until or retry_at)
                raise self._rate_limited(retry_at)
            raise SourceFailed("forbidden", "GitHub refused to share this account's public data (HTTP 403).")
        if status == 401:
            raise SourceFailed(
                "bad_token",
                "GitHub refused Njia's access token; an administrator must renew NJIA_GITHUB_TOKEN.",
            )
        if status == 404:
            raise SourceFailed("not_found", f"GitHub has no user named {username}; check the spelling.")
        if status == 304 and "data" in previous:
            return previous
        if status >= 500 or status == 304:
            raise SourceFailed("server_error", f"GitHub failed (HTTP {status}); Njia tries again later.")
        if status != 200:
            raise SourceFailed("http_error", f"GitHub answered HTTP {status}; Njia tries again later.")
        try:
            body = json.loads(fetched.body)
        except (ValueError, UnicodeDecodeError):
            raise SourceFailed("server_error", "GitHub answered with something that is not JSON.") from None
        if isinstance(body, list):
            data: Any = [{k: repo.get(k) for k in REPO_KEYS} for repo in body if isinstance(repo, dict)]
        elif isinstance(body, dict):
            data = {k: body.get(k) for k in USER_KEYS}
        else:
            raise SourceFailed("server_error", "GitHub answered with an unexpected shape.")
        self.modified = True
        entry = {"url": url, "data": data, "next": _next_link(fetched.headers.get("link"))}
        for header, key in (("etag", "etag"), ("last-modified", "last_modified")):
            if fetched.headers.get(header):
                entry[key] = fetched.headers[header]
        return entry


def read_github(
    username: str,
    cache: list[dict[str, Any]],
    api_url: str,
    token: str,
    policy: FetchPolicy,
    now: datetime,
    blocked_until: datetime | None = None,
) -> Reading:
    """The user and up to 300 of their own public repositories, each asked for conditionally."""
    github = GitHub(api_url, token, policy, now, cache, blocked_until)
    name = quote(username, safe="")
    try:
        user = github.get(f"users/{name}", username)["data"]
        repos: list[dict[str, Any]] = []
        url: str | None = f"users/{name}/repos?per_page=100&type=owner&sort=pushed"
        for _page in range(MAX_REPO_PAGES):
            if not url:
                break
            page = github.get(url, username)
            repos.extend(page["data"])
            url = page.get("next")
    except SourceFailed as failure:
        if failure.code == "rate_limited" and failure.retry_at is None:
            failure.retry_at = github.exhausted_until
        raise
    if not github.modified:
        return Reading(None, {"entries": github.cache}, github.exhausted_until)
    return Reading(domain.from_github(user, repos), {"entries": github.cache}, github.exhausted_until)
