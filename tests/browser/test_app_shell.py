"""The web app's shell: what anyone opening Njia's address gets first, the sign-in page."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import presence_of_element_located

from tests.support.browser import (
    check_accessibility,
    console_errors,
    describe_violations,
    loaded_urls,
    page_loaded,
    transferred_bytes,
    wait_for,
)

# Tags whose src/href the browser fetches as part of the page (an <a href> is only followed on a click).
ASSET_TAGS = {"script", "link", "img", "source", "audio", "video", "iframe", "embed", "track", "input"}


def open_sign_in_page(driver, platform):
    driver.get(platform.url("/"))
    wait_for(driver, presence_of_element_located((By.CSS_SELECTOR, "main h1")))
    wait_for(driver, page_loaded)
    return driver


@pytest.fixture
def sign_in_page(platform, browser):
    return open_sign_in_page(browser, platform)


def test_sign_in_page_shows_a_heading_and_names_its_language(sign_in_page):
    assert sign_in_page.find_element(By.CSS_SELECTOR, "main h1").text.strip()
    assert sign_in_page.find_element(By.TAG_NAME, "html").get_attribute("lang")


def test_sign_in_page_logs_no_errors_in_the_browser_console(sign_in_page):
    assert console_errors(sign_in_page) == []


def test_sign_in_page_transfers_less_than_200_kb(sign_in_page):
    assert transferred_bytes(sign_in_page) < 200_000


def test_sign_in_page_loads_nothing_from_another_host(platform, sign_in_page):
    ours = urlsplit(platform.base_url).netloc
    elsewhere = [url for url in loaded_urls(sign_in_page) if urlsplit(url).netloc != ours]
    assert elsewhere == []


def test_sign_in_page_has_no_serious_accessibility_violations(sign_in_page):
    violations = check_accessibility(sign_in_page)
    assert not violations, describe_violations(violations)


def test_sign_in_page_fits_a_phone_screen_without_sideways_scrolling(platform, phone):
    open_sign_in_page(phone, platform)
    assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


class References(HTMLParser):
    """Every src and href in a page, and which of them the browser fetches with it."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.all.append(value)
                if tag in ASSET_TAGS:
                    self.assets.append(value)


def test_sign_in_page_and_every_asset_it_references_come_from_our_own_host(platform):
    ours = urlsplit(platform.base_url).netloc
    page = requests.get(platform.url("/"), timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    references = References()
    references.feed(page.text)
    # Inline data (data: URIs) and in-page anchors reference no host at all.
    urls = [urljoin(page.url, ref) for ref in references.all if not ref.startswith(("data:", "#"))]
    assert [url for url in urls if urlsplit(url).netloc != ours] == []
    assert references.assets, "the page references no script or stylesheet"
    for ref in references.assets:
        if ref.startswith("data:"):
            continue
        asset = requests.get(urljoin(page.url, ref), timeout=10)
        assert asset.status_code == 200, f"{ref}: {asset.status_code}"
        served_from = {urlsplit(r.url).netloc for r in [*asset.history, asset]}
        assert served_from == {ours}, f"{ref} was redirected to {served_from}"
