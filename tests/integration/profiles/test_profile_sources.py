"""Reading profile sources over real HTTP from a local server: conditional requests, rate limits,
retries. (The address, redirect, size and time limits of a fetch: tests/*/shared/test_fetching.py.)"""

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.profiles.sources import SourceFailed, read_github, read_json_resume_url
from shared.fetching import FetchPolicy
from tests.support.provider_server import (
    ProviderServer,
    Reply,
    github_server,
    rate_limited,
    serve_github_user,
)

LOCAL = FetchPolicy(timeout=3, max_bytes=64 * 1024, max_redirects=2, allow_private=True)
RESUME = {"basics": {"name": "Wanjiru Kamau", "label": "Data analyst", "summary": "Counts things."}}


@pytest.fixture
def server():
    with ProviderServer() as running:
        yield running


@pytest.fixture
def github():
    with github_server() as running:
        yield running


def now():
    return datetime.now(UTC)


# --- JSON Resume by URL --------------------------------------------------------------------------


def test_a_json_resume_url_is_read_then_asked_for_conditionally(server):
    resource = server.serve("/resume.json", RESUME)
    first = read_json_resume_url(server.url("/resume.json"), {}, LOCAL, now())
    assert first.values["headline"] == "Data analyst"
    assert first.cache == {"etag": resource.etag, "last_modified": resource.last_modified}
    again = read_json_resume_url(server.url("/resume.json"), first.cache, LOCAL, now())
    assert again.values is None  # 304 Not Modified
    asked = server.requests_to("/resume.json")[-1].headers
    assert asked["if-none-match"] == resource.etag
    assert asked["if-modified-since"] == resource.last_modified


def test_an_invalid_json_resume_fails_naming_the_fields(server):
    server.serve("/resume.json", {"basics": {"email": "nope"}, "work": [{"startDate": "last year"}]})
    with pytest.raises(SourceFailed) as caught:
        read_json_resume_url(server.url("/resume.json"), {}, LOCAL, now())
    assert caught.value.code == "invalid_document"
    assert set(caught.value.details) == {"basics.email", "work.0.startDate"}
    assert "correct it" in caught.value.reason


def test_a_missing_json_resume_says_to_check_the_url(server):
    with pytest.raises(SourceFailed, match="check the URL") as caught:
        read_json_resume_url(server.url("/gone.json"), {}, LOCAL, now())
    assert caught.value.code == "not_found"


def test_a_page_that_is_not_json_says_to_give_the_raw_file(server):
    server.serve("/resume.html", b"<html>my resume</html>")
    with pytest.raises(SourceFailed, match="raw JSON"):
        read_json_resume_url(server.url("/resume.html"), {}, LOCAL, now())


# --- GitHub --------------------------------------------------------------------------------------


def test_a_github_user_and_repositories_are_read_then_asked_for_conditionally(github):
    serve_github_user(github)
    first = read_github("wanjiru-codes", [], github.base_url, "", LOCAL, now())
    assert first.values["summary"] == "I build tools for county health data."
    assert first.values["skills"][0] == {"name": "Python"}
    again = read_github("wanjiru-codes", first.cache["entries"], github.base_url, "", LOCAL, now())
    assert again.values is None
    assert [r.status for r in github.requests] == [200, 200, 304, 304]
    assert github.requests[-1].headers["if-none-match"]


def test_the_token_is_sent_to_github(github):
    serve_github_user(github)
    read_github("wanjiru-codes", [], github.base_url, "ghp_secret", LOCAL, now())
    assert github.requests[0].headers["authorization"] == "Bearer ghp_secret"
    assert github.requests[0].headers["accept"] == "application/vnd.github+json"


def test_a_rate_limited_answer_fails_until_its_reset(github):
    serve_github_user(github)
    reset = (now() + timedelta(minutes=30)).replace(microsecond=0)
    github.queue("/users/wanjiru-codes", rate_limited(reset))
    with pytest.raises(SourceFailed) as caught:
        read_github("wanjiru-codes", [], github.base_url, "", LOCAL, now())
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_at == reset
    assert "NJIA_GITHUB_TOKEN" in caught.value.reason
    # While blocked, GitHub is not asked at all.
    with pytest.raises(SourceFailed):
        read_github("wanjiru-codes", [], github.base_url, "", LOCAL, now(), blocked_until=reset)
    assert len(github.requests) == 1


def test_the_last_request_of_the_hour_stops_further_requests_until_the_reset(github):
    serve_github_user(github)
    reset = int((now() + timedelta(minutes=10)).timestamp())
    github.queue(
        "/users/wanjiru-codes",
        Reply(
            200, {"login": "wanjiru-codes"}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
        ),
    )
    with pytest.raises(SourceFailed) as caught:
        read_github("wanjiru-codes", [], github.base_url, "", LOCAL, now())
    assert caught.value.retry_at == datetime.fromtimestamp(reset, UTC)
    assert [r.path.split("?")[0] for r in github.requests] == ["/users/wanjiru-codes"]


def test_retry_after_is_honoured(github):
    serve_github_user(github)
    github.queue("/users/wanjiru-codes", Reply(429, {"message": "slow down"}, {"Retry-After": "120"}))
    asked_at = now()
    with pytest.raises(SourceFailed) as caught:
        read_github("wanjiru-codes", [], github.base_url, "", LOCAL, asked_at)
    assert caught.value.retry_at == asked_at + timedelta(seconds=120)


def test_a_github_server_error_fails_with_a_retry_later_reason(github):
    github.queue("/users/wanjiru-codes", Reply(502, {"message": "Bad gateway"}))
    with pytest.raises(SourceFailed, match="tries again later") as caught:
        read_github("wanjiru-codes", [], github.base_url, "", LOCAL, now())
    assert caught.value.code == "server_error"


def test_an_unknown_github_user_says_to_check_the_spelling(github):
    with pytest.raises(SourceFailed, match="no user named nobody-here"):
        read_github("nobody-here", [], github.base_url, "", LOCAL, now())


def test_repositories_are_read_across_pages(github):
    github.serve("/users/wanjiru-codes", {"login": "wanjiru-codes"})
    github.queue(
        "/users/wanjiru-codes/repos",
        Reply(
            200,
            [{"name": "a", "fork": False, "language": "Python", "topics": []}],
            {"Link": f'<{github.url("/user/1/repos?page=2")}>; rel="next"'},
        ),
    )
    github.serve("/user/1/repos", [{"name": "b", "fork": False, "language": "Kotlin", "topics": []}])
    reading = read_github("wanjiru-codes", [], github.base_url, "", LOCAL, now())
    assert [s["name"] for s in reading.values["skills"]] == ["Kotlin", "Python"]
    assert json.dumps(reading.cache)  # what is kept for next time is plain data
