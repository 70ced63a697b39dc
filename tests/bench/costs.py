"""What one operation costs across every process of the platform: CPU milliseconds summed over the
services, the gateway, FerretDB, PostgreSQL and RabbitMQ (from /proc, before and after a fixed
number of operations and the work they cause, such as confirmations), and database commands
(FerretDB's own counters, `serverStatus` metrics.commands).

Unlike throughput, these figures barely move with the load generator or the machine's other work.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

from shared.mongo import connect

TICKS = os.sysconf("SC_CLK_TCK")
INFRASTRUCTURE = ("ferretdb", "postgres", "beam.smp", "epmd", "erl_child_setup", "inet_gethost")
QUIET_CPU_SHARE = 0.03  # the platform is idle again once it uses less than this of one core
SETTLE_MAX_SECONDS = 60.0
COST_CLIENTS = 4


@dataclass
class Cost:
    name: str
    operations: int
    cpu_ms: float  # per operation, every process of the platform
    db_commands: float  # per operation

    def line(self, width: int) -> str:
        return f"  {self.name:<{width}} {self.cpu_ms:>10.1f} {self.db_commands:>12.1f} {self.operations:>6}"


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def platform_pids(service_pids: Iterable[int]) -> list[int]:
    """The platform's processes: its services and gateway, and the broker and database (by name)."""
    infrastructure = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _command(int(entry.name)) in INFRASTRUCTURE
    ]
    return sorted({*service_pids, *infrastructure})


def cpu_seconds(pids: Iterable[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone: a PostgreSQL backend that ended; its time is lost either way
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def database_commands(mongo_uri: str) -> int:
    client = connect(mongo_uri)
    try:
        commands = client.admin.command("serverStatus").get("metrics", {}).get("commands", {})
    finally:
        client.close()
    return sum(int(v.get("total", 0)) for v in commands.values() if isinstance(v, dict))


def settle(pids: list[int]) -> None:
    """Wait until the work an operation caused (events, confirmations) is done: the platform idle."""
    deadline = time.monotonic() + SETTLE_MAX_SECONDS
    last = cpu_seconds(pids)
    quiet = 0
    while time.monotonic() < deadline and quiet < 2:
        time.sleep(1.0)
        now = cpu_seconds(pids)
        quiet = quiet + 1 if now - last < QUIET_CPU_SHARE else 0
        last = now


def cost_of(
    name: str,
    send: Callable[[requests.Session, int], requests.Response],
    operations: int,
    service_pids: Iterable[int],
    mongo_uri: str,
    expect: tuple[int, ...] = (200, 201),
) -> Cost:
    """Send ``operations`` requests (a few clients at a time), wait for what they cause to finish,
    and divide what every process spent meanwhile by the operations that succeeded."""
    pids = platform_pids(service_pids)
    settle(pids)
    cpu_before, commands_before = cpu_seconds(pids), database_commands(mongo_uri)
    sessions = [requests.Session() for _ in range(COST_CLIENTS)]

    def one(index: int) -> bool:
        return send(sessions[index % COST_CLIENTS], index).status_code in expect

    with ThreadPoolExecutor(COST_CLIENTS) as pool:
        succeeded = sum(pool.map(one, range(operations)))
    settle(pids)
    cpu_after, commands_after = cpu_seconds(pids), database_commands(mongo_uri)
    done = max(succeeded, 1)
    # Each serverStatus read is itself one command: not the operation's.
    return Cost(
        name, succeeded, (cpu_after - cpu_before) * 1000 / done, (commands_after - commands_before - 1) / done
    )


def report(costs: list[Cost]) -> None:
    width = max(len(c.name) for c in costs)
    print(f"\n  cost per operation, every process  {'':<{max(0, width - 34)}}")
    print(f"  {'operation':<{width}} {'CPU ms':>10} {'db commands':>12} {'n':>6}")
    for cost in costs:
        print(cost.line(width))
