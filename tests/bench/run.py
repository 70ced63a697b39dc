"""`make bench`: each business operation as a ratio to the framework floor, in one run.

The floor is an HTTP request through the gateway to a trivial RPC (`GET /api/v1/ping`)
and back. Every figure is measured against the platform started here, as processes,
for each FerretDB backend (PostgreSQL and SQLite), so the two can be compared.
Production-strength password hashing is used, as a real deployment would.

Scheduling is measured against BRIEF.md's targets: booking (every request on its own free
slot, so none conflicts) and the slot search for a branch of 20 counselors over 14 days.
Everything is seeded through the HTTP API, as the product is used.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import requests

from services.assessments.inventories import RIASEC
from tests.bench import costs, reminders
from tests.bench.load import Result, run_load
from tests.support import profiles_bench
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.platform import Platform

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"  # public data beside the repository, not in a user's clone
BACKENDS = {"postgresql": "127.0.0.1:27017", "sqlite": "127.0.0.1:27018"}

BOOKING = "POST /api/v1/sessions (distinct slots)"
SLOT_SEARCH = "GET /api/v1/slots (branch of 20, 14 days)"
SLOT_SEARCH_ALONE = "  the same, 1 client (unloaded latency)"
# Booking: counselors open every day 00:00-23:55 in 15-minute sessions (95 a day), so 40 of
# them over 14 days give ~53,000 slots: more than a run at the floor's throughput can book.
BOOKING_COUNSELORS = 40
BOOKING_CLIENTS = 200  # round-robin over start times; at least BOOKING_COUNSELORS, so none overlaps
BOOKING_DAYS = 14
BOOKING_LEAD = timedelta(hours=1)  # skip slots that could pass into the past before they are booked
SEARCH_COUNSELORS = 20
SEARCH_DAYS = 14
SEED_THREADS = 8

T = TypeVar("T")


def ferretdb(action: str, backend: str, addr: str) -> None:
    env = {**os.environ, "NJIA_FERRETDB_BACKEND": backend, "NJIA_FERRETDB_ADDR": addr}
    script = str(ROOT / "deploy/local/ferretdb.sh")
    subprocess.run(["bash", script, action], env=env, check=True, stdout=subprocess.DEVNULL)


def listening(addr: str) -> bool:
    host, port = addr.rsplit(":", 1)
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed(platform: Platform) -> dict[str, str]:
    """An organization with a branch and a counselor who signs in during the benchmark."""
    org = make_organization()
    requests.post(platform.url("/api/v1/organizations"), json=org, timeout=30).raise_for_status()
    admin_token = requests.post(
        platform.url("/api/v1/auth/token"),
        json={"email": org["admin"]["email"], "password": org["admin"]["password"]},
        timeout=30,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {admin_token}"}
    branch = requests.post(
        platform.url("/api/v1/branches"), json=make_branch(), headers=headers, timeout=30
    ).json()
    counselor = make_user("counselor", branch["id"])
    requests.post(
        platform.url("/api/v1/users"), json=counselor, headers=headers, timeout=30
    ).raise_for_status()
    # A realistic directory to filter: 300 clients, added without passwords (no hashing to wait for).
    for _ in range(300):
        client = make_user("client", branch["id"])
        client.pop("password")
        client["invite"] = False  # a directory imported ahead of time: nobody emailed
        requests.post(
            platform.url("/api/v1/users"), json=client, headers=headers, timeout=30
        ).raise_for_status()
    return {
        "email": counselor["email"],
        "password": counselor["password"],
        "token": admin_token,
        "branch_id": branch["id"],
    }


def in_parallel(work: Callable[[T], Any], items: Iterable[T]) -> list[Any]:
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        return list(pool.map(work, items))


def call(method: str, url: str, headers: dict[str, str], **kwargs: Any) -> Any:
    response = requests.request(method, url, headers=headers, timeout=60, **kwargs)
    if not response.ok:
        raise RuntimeError(f"seeding: {method} {url} -> {response.status_code} {response.text[:300]}")
    return response.json()


def add_branch(platform: Platform, headers: dict[str, str]) -> str:
    body = make_branch(timezone="Africa/Nairobi")
    return str(call("POST", platform.url("/api/v1/branches"), headers, json=body)["id"])


def add_people(
    platform: Platform, headers: dict[str, str], role: str, branch_id: str, count: int
) -> list[str]:
    """``count`` users added by the admin, without passwords (no hashing to wait for)."""

    def add(_: int) -> str:
        body = make_user(role, branch_id)
        body.pop("password")
        body["invite"] = False
        return str(call("POST", platform.url("/api/v1/users"), headers, json=body)["id"])

    return in_parallel(add, range(count))


def open_hours(
    platform: Platform, headers: dict[str, str], counselors: list[str], body: dict[str, Any]
) -> None:
    url = platform.url("/api/v1/counselors/{}/availability")
    in_parallel(lambda cid: call("PUT", url.format(cid), headers, json=body), counselors)


@dataclass
class SchedulingSeed:
    bookings: deque[dict[str, str]]  # each a free slot of its own: {counselor_id, start, client_id}
    search_branch_id: str


def seed_scheduling(platform: Platform, headers: dict[str, str]) -> SchedulingSeed:
    """Counselors and clients for booking, and a separate branch of 20 to search."""
    book_branch, search_branch = add_branch(platform, headers), add_branch(platform, headers)
    counselors = add_people(platform, headers, "counselor", book_branch, BOOKING_COUNSELORS)
    clients = add_people(platform, headers, "client", book_branch, BOOKING_CLIENTS)
    all_day = make_availability(
        weekly=[{"weekday": day, "start": "00:00", "end": "23:55"} for day in range(7)],
        session_minutes=15,
        buffer_minutes=0,
        min_notice_minutes=0,
    )
    open_hours(platform, headers, counselors, all_day)
    searched = add_people(platform, headers, "counselor", search_branch, SEARCH_COUNSELORS)
    office_hours = make_availability(  # Monday-Friday 08:00-17:00, 45 minutes, 15 buffer, 2 h notice
        weekly=[{"weekday": day, "start": "08:00", "end": "17:00"} for day in range(5)]
    )
    open_hours(platform, headers, searched, office_hours)

    # The open slots, as the API lists them (at most 31 days per search).
    earliest = datetime.now(UTC) + BOOKING_LEAD
    window = {"from": earliest.isoformat(), "to": (earliest + timedelta(days=BOOKING_DAYS)).isoformat()}
    slots_url = platform.url("/api/v1/slots")

    def slots_of(counselor_id: str) -> list[tuple[str, str]]:
        found, cursor = [], None
        while True:  # every page (slots page by 50 unless asked for more)
            query = {
                "counselor_id": counselor_id,
                **window,
                "limit": 200,
                **({"cursor": cursor} if cursor else {}),
            }
            page = call("GET", slots_url, headers, params=query)
            found += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return [(s["start"], s["counselor_id"]) for s in found]

    slots = sorted(slot for found in in_parallel(slots_of, counselors) for slot in found)
    # Sorted by start, at most BOOKING_COUNSELORS slots share a start, so assigning clients
    # round-robin never gives a client two sessions at once (15-minute slots on a 15-minute grid).
    # Then shuffled: clients book all sorts of times, not the calendar in order.
    bookings = [
        {"counselor_id": counselor_id, "start": start, "client_id": clients[i % len(clients)]}
        for i, (start, counselor_id) in enumerate(slots)
    ]
    random.Random(20).shuffle(bookings)
    return SchedulingSeed(deque(bookings), search_branch)


def booking(url: str, headers: dict[str, str], queue: deque[dict[str, str]]) -> Callable[..., Any]:
    def send(session: requests.Session, _: int) -> requests.Response:
        try:
            body = queue.popleft()  # atomic: each slot goes to exactly one request
        except IndexError:
            raise requests.RequestException("the queue of free slots ran out; seed more") from None
        return session.post(url, json=body, headers=headers, timeout=30)

    return send


COST_OPERATIONS = 200


def client_token(platform: Platform, headers: dict[str, str], branch_id: str) -> str:
    """A client who signs in, for the operations a client makes (an assessment submitted)."""
    body = make_user("client", branch_id)
    call("POST", platform.url("/api/v1/users"), headers, json=body)
    signed_in = call(
        "POST",
        platform.url("/api/v1/auth/token"),
        {},
        json={"email": body["email"], "password": body["password"]},
    )
    return str(signed_in["access_token"])


def measure_costs(
    platform: Platform, uri: str, who: dict[str, str], plan: SchedulingSeed, search: dict[str, str]
) -> list[costs.Cost]:
    """CPU and database commands per operation, each over a fixed number of operations."""
    auth = {"Authorization": f"Bearer {who['token']}"}
    client = {"Authorization": f"Bearer {client_token(platform, auth, who['branch_id'])}"}
    answers = {"answers": {item_id: 1 + i % 5 for i, item_id in enumerate(RIASEC.item_ids)}}
    ping, slots = platform.url("/api/v1/ping"), platform.url("/api/v1/slots")
    submit = platform.url("/api/v1/assessments/riasec/responses")
    pids = [process.pid for process in platform.processes.values()]
    runs: list[tuple[str, Callable[..., Any], tuple[int, ...]]] = [
        ("floor: GET /api/v1/ping", lambda s, i: s.get(ping, timeout=30), (200,)),
        (SLOT_SEARCH, lambda s, i: s.get(slots, params=search, headers=auth, timeout=30), (200,)),
        (
            BOOKING + " with its confirmations",
            booking(platform.url("/api/v1/sessions"), auth, plan.bookings),
            (201,),
        ),
        (
            "POST .../riasec/responses (scored, matched)",
            lambda s, i: s.post(submit, json=answers, headers=client, timeout=30),
            (200, 201),
        ),
    ]
    return [costs.cost_of(name, send, COST_OPERATIONS, pids, uri, expect) for name, send, expect in runs]


def measure(backend: str, seconds: float, clients: int) -> tuple[list[Result], dict[str, float]]:
    uri = f"mongodb://{BACKENDS[backend]}/"
    platform = Platform(
        env={
            "NJIA_MONGO_URI": uri,
            "NJIA_ENV": "development",
            "NJIA_ARGON2_TIME_COST": "2",
            "NJIA_ARGON2_MEMORY_KIB": "19456",
        }
    )
    # Platform.stop() drops the run's databases through this process's settings, not the
    # platform's: point them at this backend too, or the SQLite run's would be left behind.
    previous_uri = os.environ.get("NJIA_MONGO_URI")
    os.environ["NJIA_MONGO_URI"] = uri
    try:
        platform.start()  # inside the try: a platform that fails to start is still stopped
        began = time.perf_counter()
        who = seed(platform)
        auth = {"Authorization": f"Bearer {who['token']}"}
        plan = seed_scheduling(platform, auth)
        slots_planned = len(plan.bookings)
        print(
            f"  ({backend}: seeded in {time.perf_counter() - began:.0f} s; "
            f"{slots_planned} free slots queued for booking)",
            flush=True,
        )
        sessions_url = platform.url("/api/v1/sessions")
        now = datetime.now(UTC)
        search = {
            "branch_id": plan.search_branch_id,
            "from": now.isoformat(),
            "to": (now + timedelta(days=SEARCH_DAYS)).isoformat(),
        }
        slots_url = platform.url("/api/v1/slots")
        ping_url, token_url, me_url = (
            platform.url(p) for p in ("/api/v1/ping", "/api/v1/auth/token", "/api/v1/me")
        )
        credentials = {"email": who["email"], "password": who["password"]}
        counselors_url = platform.url(f"/api/v1/counselors?branch_id={who['branch_id']}")
        results = [
            run_load("floor: GET /api/v1/ping", lambda s, i: s.get(ping_url, timeout=30), clients, seconds),
            run_load(
                "POST /api/v1/auth/token",
                lambda s, i: s.post(token_url, json=credentials, timeout=30),
                clients,
                seconds,
            ),
            run_load(
                "GET /api/v1/me", lambda s, i: s.get(me_url, headers=auth, timeout=30), clients, seconds
            ),
            run_load(
                "GET /api/v1/counselors?branch_id",
                lambda s, i: s.get(counselors_url, headers=auth, timeout=30),
                clients,
                seconds,
            ),
            run_load(
                SLOT_SEARCH,
                lambda s, i: s.get(slots_url, params=search, headers=auth, timeout=30),
                clients,
                seconds,
                expect=(200,),
            ),
            run_load(
                SLOT_SEARCH_ALONE,
                lambda s, i: s.get(slots_url, params=search, headers=auth, timeout=30),
                1,
                seconds,
                expect=(200,),
            ),
            run_load(BOOKING, booking(sessions_url, auth, plan.bookings), clients, seconds, expect=(201,)),
        ]
        booked = slots_planned - len(plan.bookings)
        print(f"  ({backend}: {booked} booking requests sent, {len(plan.bookings)} slots left)", flush=True)
        costs.report(measure_costs(platform, uri, who, plan, search))
        imported = profiles_bench.import_over_http(platform)
        rows, mib = imported["rows"], imported["zip_mib"]
        answered, done = imported["upload_answered_seconds"], imported["imported_seconds"]
        before, after = imported["profiles_peak_rss_mib_before"], imported["profiles_peak_rss_mib_after"]
        print(
            f"  profile import ({rows} positions and {rows} skills, {mib:.2f} MiB ZIP): "
            f"upload answered in {answered:.2f} s, imported {done:.2f} s after it, "
            f"profiles peak RSS {before:.0f} -> {after:.0f} MiB",
            flush=True,
        )
        memory = {f"{name}#{replica}": rss_mb(p.pid) for (name, replica), p in platform.processes.items()}
        return results, memory
    finally:
        try:
            platform.stop()
        finally:
            if previous_uri is None:
                os.environ.pop("NJIA_MONGO_URI", None)
            else:
                os.environ["NJIA_MONGO_URI"] = previous_uri


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def targets(results: list[Result]) -> str:
    """BRIEF.md's speed targets for booking and slot search, and whether this run met them."""
    by_name = {r.name: r for r in results}
    floor, book, search = results[0], by_name[BOOKING], by_name[SLOT_SEARCH]
    alone = by_name[SLOT_SEARCH_ALONE]
    ratio = book.ok_throughput / floor.throughput if floor.throughput else float("nan")
    return (
        f"  targets (BRIEF.md): booking >= 0.5 x floor: {ratio:.2f} x ({book.ok_throughput:.1f} booked/s) "
        f"{verdict(ratio >= 0.5)}; booking p99 < 100 ms: {book.p99:.1f} ms {verdict(book.p99 < 100)}; "
        f"slot search p50 < 50 ms: {search.p50:.1f} ms {verdict(search.p50 < 50)} "
        f"(1 client: {alone.p50:.1f} ms {verdict(alone.p50 < 50)})"
    )


def report(backend: str, results: list[Result], memory: dict[str, float], clients: int) -> None:
    floor = results[0]
    width = max(len(r.name) for r in results)
    print(f"\nFerretDB backend: {backend}   ({clients} concurrent clients)")
    print(f"  {'operation':<{width}} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in results:
        ratio = r.throughput / floor.throughput if floor.throughput else float("nan")
        figures = f"{r.throughput:>8.1f} {ratio:>7.2f} {r.p50:>8.1f} {r.p99:>8.1f} {r.errors:>7}"
        print(f"  {r.name:<{width}} {figures}")
    print(targets(results))
    print("  memory (RSS MB, target < 150): " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(memory.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds per operation")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--reminders", type=int, default=10_000, help="reminder burst size (0 skips it)")
    args = parser.parse_args(argv)
    backends = list(BACKENDS) if args.backend == "both" else [args.backend]
    for backend in backends:
        started_here = not listening(BACKENDS[backend])
        ferretdb("start", backend, BACKENDS[backend])
        try:
            results, memory = measure(backend, args.seconds, args.clients)
        finally:
            if started_here:  # leave the machine as we found it
                ferretdb("stop", backend, BACKENDS[backend])
        report(backend, results, memory, args.clients)
    print(
        "\nAssessments: scoring plus matching against the full O*NET table, in process (target p50 < 20 ms)"
    )
    if (SHARED_DATA / "onet").is_dir():
        subprocess.run(
            [sys.executable, "-m", "tests.integration.assessments.matching_timing", "--runs", "1000"],
            cwd=ROOT,
            check=False,
        )
    else:
        print(f"  skipped: the O*NET files it reads are not here ({SHARED_DATA} is absent)")
    print("\nSkills: a 200-skill profile mapped plus its gap, pathways, title search, in process")
    subprocess.run(
        [sys.executable, "-m", "tests.integration.assessments.skills_timing"], cwd=ROOT, check=False
    )
    if args.reminders:
        print(
            f"\nReminder burst ({args.reminders} reminders due in one minute, 2 notifications replicas, "
            "PostgreSQL backend)"
        )
        reminders.report(reminders.run(args.reminders))
    return 0


if __name__ == "__main__":
    sys.exit(main())
