"""The gateway serves the web app: one page and its files, compressed, revalidated, from this host only."""

import requests

from tests.support.platform import Api


def test_the_app_page_is_served_with_a_policy_that_forbids_other_hosts(anonymous):
    page = anonymous.get("/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert '<script type="module" src="/app/js/main.js">' in page.text


def test_an_unchanged_file_costs_a_304_and_a_script_travels_compressed(anonymous):
    first = anonymous.get("/app/js/main.js", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert "javascript" in first.headers["Content-Type"]
    again = anonymous.get("/app/js/main.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_the_strings_file_carries_english_and_swahili_for_every_key(anonymous):
    strings = anonymous.get("/app/strings.json").json()
    assert strings["nav.sign_in"] == {"en": "Sign in", "sw": "Ingia"}
    assert all(set(texts) == {"en", "sw"} for texts in strings.values())


def test_a_file_the_app_does_not_have_is_a_404_in_the_api_error_shape(anonymous):
    missing = anonymous.get("/app/js/nothing-here.js")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    escaped = requests.get(anonymous.platform.url("/app/../pyproject.toml"), timeout=10)
    assert escaped.status_code == 404


def test_the_app_needs_no_token_but_the_api_behind_it_does(platform):
    assert Api(platform).get("/").status_code == 200
    assert Api(platform).get("/api/v1/me").status_code == 401
