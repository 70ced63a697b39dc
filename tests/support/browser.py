"""A real browser for tests: Debian's headless Chromium driven through Selenium.

Installed by ``make setup`` (the ``chromium`` and ``chromium-driver`` packages and the
axe-core npm package in tests/browser/node_modules); nothing is downloaded at run time:
an explicit driver path keeps Selenium Manager out of it.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver as Chromium
from selenium.webdriver.chromium.webdriver import ChromiumDriver
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots go to a git-ignored folder, so a test run leaves the work tree clean; `make screenshots`
# sets NJIA_SCREENSHOTS_DIR=docs/screenshots to refresh the ones the README and docs/ show.
SCREENSHOTS = ROOT / (os.environ.get("NJIA_SCREENSHOTS_DIR") or ".njia/screenshots")
SERIOUS = ("serious", "critical")
PHONE_WIDTH = 600  # narrower than this is a phone

T = TypeVar("T")


def open_browser(
    width: int = 1280, height: int = 900, timezone: str | None = None, language: str = "en-GB"
) -> Chromium:
    """A headless Chromium showing pages at ``width`` x ``height`` CSS pixels (a phone below 600 wide),
    preferring ``language``, in the time zone ``timezone`` (an IANA name) or the machine's own.
    Quit it when done."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        f"--lang={language}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    if width < PHONE_WIDTH:
        # A desktop window is at least 500 pixels wide: a phone's screen is emulated instead, as a
        # touch screen honouring the page's viewport meta tag like a phone's browser.
        metrics = {"width": width, "height": height, "pixelRatio": 2.0, "touch": True, "mobile": True}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    # The browser's console, read by console_errors().
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    if timezone:
        set_timezone(driver, timezone)
    return driver


def set_timezone(driver: ChromiumDriver, timezone: str) -> None:
    """Make the page see ``timezone`` (e.g. "Africa/Nairobi") as the device's; holds across navigations."""
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": timezone})


def wait_for(
    driver: WebDriver, condition: Callable[[WebDriver], Literal[False] | T], timeout: float = 10
) -> T:
    """Wait until ``condition(driver)`` is truthy (an ``expected_conditions`` one or any callable) and
    return what it gave; otherwise fail naming the page and what its console said."""
    try:
        # The app re-renders a page as answers arrive: an element read mid-render is simply asked again.
        return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
            condition
        )
    except TimeoutException:
        errors = console_errors(driver) if isinstance(driver, ChromiumDriver) else []
        said = "\n".join(errors) or "(no errors)"
        raise AssertionError(
            f"waited {timeout} s on {driver.current_url} for {condition}; the console said:\n{said}"
        ) from None


def page_loaded(driver: WebDriver) -> bool:
    """A condition for wait_for: the document and everything it references have loaded."""
    return bool(driver.execute_script("return document.readyState === 'complete'"))


def console_errors(driver: ChromiumDriver) -> list[str]:
    """What the page logged as errors since the last call: uncaught exceptions, console.error and
    failed requests (Chromium reports each as SEVERE). Reading the log empties it."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def check_accessibility(driver: WebDriver) -> list[dict[str, Any]]:
    """The serious and critical accessibility violations axe-core finds in the current page."""
    driver.set_script_timeout(30)
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(results => done({violations: results.violations}))
          .catch(error => done({error: String(error)}));
        """
    )
    if "error" in result:
        raise AssertionError(f"axe-core failed on {driver.current_url}: {result['error']}")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Accessibility violations as lines a person can act on: rule, impact, help and the elements."""
    lines = []
    for violation in violations:
        targets = ", ".join(str(node["target"]) for node in violation.get("nodes", [])[:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)


def transferred_bytes(driver: WebDriver) -> int:
    """Bytes the browser fetched over the network for the current page: the document and every
    resource it loaded (what cache hits skipped counts 0). Wait for page_loaded first."""
    return int(
        driver.execute_script(
            """
            const entries = performance.getEntriesByType('navigation')
              .concat(performance.getEntriesByType('resource'));
            return entries.reduce((sum, entry) => sum + (entry.transferSize || 0), 0);
            """
        )
    )


def loaded_urls(driver: WebDriver) -> list[str]:
    """Every URL the current page has fetched: the document and its resources."""
    return list(
        driver.execute_script(
            """
            return performance.getEntriesByType('navigation')
              .concat(performance.getEntriesByType('resource')).map(entry => entry.name);
            """
        )
    )


def screenshot(driver: WebDriver, name: str, max_height: int = 1800) -> Path:
    """Save the whole page, from its top (up to ``max_height`` CSS pixels), as <name>.png in
    SCREENSHOTS (.njia/screenshots, or NJIA_SCREENSHOTS_DIR) and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = driver.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollHeight,"
        " window.devicePixelRatio]"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": size[0],
                "height": min(size[1], max_height),
                "scale": 1 / size[2],
            },
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def page_problems(driver: ChromiumDriver, name: str) -> list[str]:
    """What is wrong with the page shown once it has loaded: accessibility violations, a page wider
    than the window, script errors (a 4xx the API answered is shown to the person, not an error)."""
    wait_for(driver, lambda d: not d.find_elements("css selector", "main .loading"))
    problems = []
    violations = check_accessibility(driver)
    if violations:
        problems.append(f"{name}: {describe_violations(violations)}")
    if driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append(f"{name}: wider than the screen")
    errors = [line for line in console_errors(driver) if not re.search(r"status of 4\d\d", line)]
    if errors:
        problems.append(f"{name}: console errors {errors}")
    return problems
