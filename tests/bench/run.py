"""`make bench`: each business operation as a ratio to the framework floor, in one run.

The floor is an HTTP request through the gateway to a trivial RPC (`GET /api/v1/ping`)
and back. Every figure is measured against the platform started here, as processes,
for each FerretDB backend (PostgreSQL and SQLite), so the two can be compared.
Production-strength password hashing is used, as a real deployment would.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import requests

from tests.bench.load import Result, run_load
from tests.support.builders import make_branch, make_organization, make_user
from tests.support.platform import Platform

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = {"postgresql": "127.0.0.1:27017", "sqlite": "127.0.0.1:27018"}


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
        requests.post(
            platform.url("/api/v1/users"), json=client, headers=headers, timeout=30
        ).raise_for_status()
    return {
        "email": counselor["email"],
        "password": counselor["password"],
        "token": admin_token,
        "branch_id": branch["id"],
    }


def measure(backend: str, seconds: float, clients: int) -> tuple[list[Result], dict[str, float]]:
    platform = Platform(
        env={
            "NJIA_MONGO_URI": f"mongodb://{BACKENDS[backend]}/",
            "NJIA_ENV": "development",
            "NJIA_ARGON2_TIME_COST": "2",
            "NJIA_ARGON2_MEMORY_KIB": "19456",
        }
    ).start()
    try:
        who = seed(platform)
        auth = {"Authorization": f"Bearer {who['token']}"}
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
        ]
        memory = {f"{name}#{replica}": rss_mb(p.pid) for (name, replica), p in platform.processes.items()}
        return results, memory
    finally:
        platform.stop()


def report(backend: str, results: list[Result], memory: dict[str, float], clients: int) -> None:
    floor = results[0]
    print(f"\nFerretDB backend: {backend}   ({clients} concurrent clients)")
    print(f"  {'operation':<32} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in results:
        ratio = r.throughput / floor.throughput if floor.throughput else float("nan")
        print(f"  {r.name:<32} {r.throughput:>8.1f} {ratio:>7.2f} {r.p50:>8.1f} {r.p99:>8.1f} {r.errors:>7}")
    print("  memory (RSS MB, target < 150): " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(memory.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds per operation")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
