"""Readiness as a load balancer reads it: one service down takes no gateway out (issue 13, point 17)."""

import pytest

from shared.config import BACKENDS
from tests.support.platform import Api, Platform
from tests.support.waiting import wait_until


@pytest.fixture
def platform_losing_profiles():
    running = Platform().start()
    yield running
    running.stop()


def test_a_service_down_leaves_the_gateway_ready_and_shows_which_one(platform_losing_profiles):
    platform = platform_losing_profiles
    api = Api(platform)
    platform.kill("profiles")

    def degraded() -> bool:
        return api.get("/readyz").json().get("status") == "degraded"

    wait_until(degraded, timeout=20, message="readiness never noticed profiles was gone")
    ready = api.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["broker"] == "ok"
    assert body["services"]["profiles"].startswith("unavailable")
    assert all(body["services"][name] == "ok" for name in BACKENDS if name != "profiles")

    # Scripts that need the whole platform ask for every service.
    everything = api.get("/readyz", params={"require": "all"})
    assert everything.status_code == 503
    assert "profiles" in everything.json()["error"]["message"]

    metrics = api.get("/metrics")
    assert metrics.status_code == 200
    assert 'njia_up{part="profiles"} 0' in metrics.text
    assert 'njia_up{part="broker"} 1' in metrics.text
    assert 'njia_up{part="scheduling"} 1' in metrics.text

    # Booking's path still answers through this gateway.
    assert api.get("/api/v1/ping").status_code == 200
