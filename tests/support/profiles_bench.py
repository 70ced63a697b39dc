"""Benchmark: importing a large LinkedIn export (10,000 positions and 10,000 skills rows).

Two measurements, for `make bench` to call:

* ``import_in_process()``: the product's own code path (inspect, decompress, read the CSVs,
  normalize, merge, export), timed, with its peak Python memory (tracemalloc);
* ``import_over_http(platform)``: the whole product: the upload through the gateway (202),
  the profiles service reading it off the request path, until the sync is done; with the
  profiles process's peak RSS (VmHWM) before and after.

Run alone: ``.venv/bin/python -m tests.support.profiles_bench`` (starts its own platform).
"""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from services.profiles import domain, linkedin
from tests.support.builders import make_branch, make_organization, make_user
from tests.support.linkedin_exports import large_export
from tests.support.platform import Platform
from tests.support.waiting import wait_until

ROWS = 10_000


def import_in_process(rows: int = ROWS) -> dict[str, Any]:
    data = large_export(rows)
    tracemalloc.start()
    started = time.perf_counter()
    linkedin.inspect(data)
    values = domain.from_linkedin(linkedin.read_export(data))
    merged = domain.merge([domain.observe(None, domain.LINKEDIN, values, datetime.now(UTC))])
    domain.to_json_resume(merged.values)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(merged.values["positions"]) == rows and len(merged.values["skills"]) == rows
    return {"rows": rows, "zip_mib": len(data) / 2**20, "seconds": seconds, "peak_mib": peak / 2**20}


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _client(platform: Platform) -> str:
    """A new organization, branch and client; the client's token."""
    org = make_organization()
    requests.post(platform.url("/api/v1/organizations"), json=org, timeout=30).raise_for_status()
    admin = requests.post(
        platform.url("/api/v1/auth/token"),
        json={"email": org["admin"]["email"], "password": org["admin"]["password"]},
        timeout=30,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {admin}"}
    branch = requests.post(platform.url("/api/v1/branches"), json=make_branch(), headers=headers, timeout=30)
    client = make_user("client", branch.json()["id"])
    requests.post(platform.url("/api/v1/users"), json=client, headers=headers, timeout=30).raise_for_status()
    token = requests.post(
        platform.url("/api/v1/auth/token"),
        json={"email": client["email"], "password": client["password"]},
        timeout=30,
    ).json()["access_token"]
    return str(token)


def import_over_http(platform: Platform, rows: int = ROWS) -> dict[str, Any]:
    """Upload a large export as a client and wait until the profile holds it."""
    data = large_export(rows)
    pid = platform.processes[("profiles", 1)].pid
    rss_before = _peak_rss_mib(pid)
    headers = {"Authorization": f"Bearer {_client(platform)}"}
    started = time.perf_counter()
    accepted = requests.put(
        platform.url("/api/v1/profile/sources/linkedin"),
        data=data,
        headers={**headers, "Content-Type": "application/zip"},
        timeout=60,
    )
    accepted.raise_for_status()
    answered = time.perf_counter() - started
    sync_id = accepted.json()["sync_id"]

    def done() -> bool:
        sync = requests.get(
            platform.url(f"/api/v1/profile/syncs/{sync_id}"), headers=headers, timeout=60
        ).json()
        return sync["status"] == "done"

    wait_until(done, timeout=300, interval=0.2, message="the large export was not imported")
    synced = time.perf_counter() - started
    profile = requests.get(platform.url("/api/v1/profile"), headers=headers, timeout=60).json()
    assert len(profile["positions"]) == rows, profile["sources"]
    return {
        "rows": rows,
        "zip_mib": len(data) / 2**20,
        "upload_answered_seconds": answered,
        "imported_seconds": synced,
        "profile_read_seconds": time.perf_counter() - started - synced,
        "profiles_peak_rss_mib_before": rss_before,
        "profiles_peak_rss_mib_after": _peak_rss_mib(pid),
    }


def main() -> None:
    print(
        "in process:", {k: round(v, 2) if isinstance(v, float) else v for k, v in import_in_process().items()}
    )
    platform = Platform(env={"NJIA_LOG_LEVEL": "WARNING"}).start()
    try:
        result = import_over_http(platform)
        print("over HTTP:", {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
