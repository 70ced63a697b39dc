"""shared/fetching.py over real HTTP from local servers: the address, redirect, size and time limits
of a fetch, and a POST (a webhook) that follows no redirect."""

import time

import pytest

from shared.fetching import FetchFailed, FetchPolicy, FetchRefused, fetch
from tests.support.http_provider import HttpProvider
from tests.support.provider_server import ProviderServer, Reply

LOCAL = FetchPolicy(timeout=3, max_bytes=64 * 1024, max_redirects=2, allow_private=True)
RESUME = {"basics": {"name": "Wanjiru Kamau", "label": "Data analyst", "summary": "Counts things."}}


@pytest.fixture
def server():
    with ProviderServer() as running:
        yield running


@pytest.fixture
def receiver():
    with HttpProvider() as running:
        yield running


def test_a_url_on_this_machine_is_refused_without_a_request_being_made(server):
    server.serve("/resume.json", RESUME)
    with pytest.raises(FetchRefused, match="private, local or reserved"):
        fetch(server.url("/resume.json"), FetchPolicy(allow_private=False))
    assert server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x", "http:///nohost"])
def test_only_http_urls_with_a_host_are_fetched(url):
    with pytest.raises(FetchRefused):
        fetch(url, LOCAL)


def test_a_redirect_to_the_cloud_metadata_address_is_refused(server):
    server.queue("/resume.json", Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254"):
        fetch(server.url("/resume.json"), LOCAL)


def test_at_most_a_few_redirects_are_followed(server):
    server.serve("/final", RESUME)
    server.queue("/a", Reply(301, headers={"Location": "/b"}))
    server.queue("/b", Reply(302, headers={"Location": "/final"}))
    assert fetch(server.url("/a"), LOCAL).status == 200
    server.queue("/1", Reply(302, headers={"Location": "/2"}))
    server.queue("/2", Reply(302, headers={"Location": "/3"}))
    server.queue("/3", Reply(302, headers={"Location": "/final"}))
    with pytest.raises(FetchFailed, match="redirects") as caught:
        fetch(server.url("/1"), LOCAL)
    assert caught.value.code == "too_many_redirects"


def test_an_answer_over_the_size_limit_is_cut_off(server):
    server.serve("/huge.json", b"[" + b"1," * 100_000 + b"1]")
    with pytest.raises(FetchFailed) as caught:
        fetch(server.url("/huge.json"), LOCAL)
    assert caught.value.code == "too_large"


def test_a_server_that_does_not_answer_in_time_is_given_up_on(server):
    server.queue("/slow.json", Reply(200, RESUME, delay=2))
    started = time.monotonic()
    with pytest.raises(FetchFailed) as caught:
        fetch(server.url("/slow.json"), FetchPolicy(timeout=0.5, allow_private=True))
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_a_post_sends_its_body_and_headers_to_the_checked_address(receiver):
    answer = fetch(
        f"{receiver.url}/hooks/njia?v=1",
        LOCAL,
        {"Content-Type": "application/json", "X-Njia-Event": "session.booked"},
        method="POST",
        body=b'{"ok":true}',
    )
    assert answer.status == 200
    [seen] = receiver.requests("/hooks/njia")
    assert (seen.method, seen.body, seen.headers["X-Njia-Event"]) == (
        "POST",
        b'{"ok":true}',
        "session.booked",
    )


def test_a_post_that_is_redirected_is_not_sent_on(server):
    server.queue("/hook", Reply(307, headers={"Location": "/elsewhere"}))
    answer = fetch(server.url("/hook"), LOCAL, method="POST", body=b"{}")
    assert answer.status == 307
    assert [(seen.method, seen.path) for seen in server.requests] == [("POST", "/hook")]


def test_a_post_to_this_machine_is_refused_unless_allowed(receiver):
    with pytest.raises(FetchRefused):
        fetch(f"{receiver.url}/hooks/njia", FetchPolicy(), method="POST", body=b"{}")
    assert receiver.requests() == []
