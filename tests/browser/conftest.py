"""Browser tests: the web app in Debian's headless Chromium, against Njia started with `make up`."""

import pytest

from tests.support.browser import open_browser
from tests.support.platform import MadeUpPlatform


@pytest.fixture(scope="session")
def platform():
    running = MadeUpPlatform().start()
    yield running
    running.stop()
    # A quiet platform: no service logged an error while the pages were used.
    errors = running.logged_errors()
    assert not errors, "services logged errors:\n" + "\n".join(errors[:10])


@pytest.fixture
def browser():
    """A desktop-sized browser."""
    driver = open_browser(width=1280, height=900)
    yield driver
    driver.quit()


@pytest.fixture
def phone():
    """A phone-sized browser (360 x 740, a common Android screen)."""
    driver = open_browser(width=360, height=740)
    yield driver
    driver.quit()
