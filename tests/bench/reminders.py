"""The reminder burst: 10,000 reminders falling due in the same minute, two notifications replicas,
a local SMTP sink. Prints delivery lateness p50/p99/max and duplicates (must be 0).

The reminders are planned straight into the notifications database, as the service itself plans
them from session events, so the figure measures sending: the sweep, the lease per message,
rendering, SMTP, the outcome and its event.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from services.notifications.domain import due_bucket
from shared.mongo import connect, database_name
from tests.bench import costs
from tests.support.platform import Platform
from tests.support.smtp_sink import SmtpSink


def _person(index: int, role: str) -> dict[str, object]:
    return {
        "user_id": f"usr_bench_{role}_{index}",
        "role": role,
        "name": f"Bench {role.title()} {index}",
        "email": f"{role}-{index}@bench.njia.local",
        "phone": None,
        "timezone": "Africa/Nairobi",
        "language": "en" if index % 2 else "sw",
    }


def seed(platform: Platform, count: int, due_from: datetime, spread_seconds: float) -> dict[str, datetime]:
    """``count`` email reminders due between ``due_from`` and ``due_from + spread``; returns id -> due."""
    client = connect(platform.env.get("NJIA_MONGO_URI", "mongodb://127.0.0.1:27017/"))
    db = client[database_name(platform.env["NJIA_MONGO_DB_PREFIX"], "notifications")]
    sessions: list[dict[str, object]] = []
    deliveries: list[dict[str, object]] = []
    due_of: dict[str, datetime] = {}
    start = due_from + timedelta(hours=2)
    for index in range(count // 2):
        session_id = f"ses_bench_{index}"
        counselor, person = _person(index % 50, "counselor"), _person(index, "client")
        facts = {
            "session_id": session_id,
            "org_id": "org_bench",
            "branch_id": "br_bench",
            "status": "booked",
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=45)).isoformat(),
            "topic": None,
            "counselor": counselor,
            "client": person,
            "join_path": f"/sessions/{session_id}/join",
            "offset_minutes": 120,
        }
        sessions.append(
            {
                "_id": session_id,
                "org_id": "org_bench",
                "branch_id": "br_bench",
                "counselor_id": counselor["user_id"],
                "client_id": person["user_id"],
                "status": "booked",
                "start": start,
                "end": start + timedelta(minutes=45),
                "topic": None,
                "client_name": person["name"],
                "counselor_name": counselor["name"],
            }
        )
        for recipient in (person, counselor):
            due = due_from + timedelta(seconds=spread_seconds * len(deliveries) / count)
            delivery_id = f"reminder:{session_id}:bench:{recipient['user_id']}:120:email"
            due_of[delivery_id] = due
            deliveries.append(
                {
                    "_id": delivery_id,
                    "kind": "reminder",
                    "channel": "email",
                    "recipient_id": recipient["user_id"],
                    "session_id": session_id,
                    "session_start": start,
                    "offset_minutes": 120,
                    "due_at": due,
                    "due_bucket": due_bucket(due),
                    "status": "scheduled",
                    "attempts": 0,
                    "facts": facts,
                    "recipient": recipient,
                    "planned_at": due_from,
                }
            )
    for batch in range(0, len(sessions), 1000):
        db.sessions.insert_many(sessions[batch : batch + 1000])
    for batch in range(0, len(deliveries), 1000):
        db.deliveries.insert_many(deliveries[batch : batch + 1000])
    client.close()
    return due_of


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(
    count: int = 10_000,
    replicas: int = 2,
    lead_seconds: float = 45.0,
    spread_seconds: float = 55.0,
    deadline_seconds: float = 240.0,
) -> dict[str, float]:
    with SmtpSink() as sink:
        platform = Platform(
            replicas={"notifications": replicas},
            env={
                "NJIA_SMTP_PORT": str(sink.port),
                "NJIA_REMINDER_SWEEP_SECONDS": "1",
                "NJIA_DELIVERY_CONCURRENCY": "30",
                "NJIA_LOG_LEVEL": "WARNING",
                "NJIA_ENV": "development",
            },
        )
        platform.start()
        try:
            due_from = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=lead_seconds)
            began = time.perf_counter()
            due_of = seed(platform, count, due_from, spread_seconds)
            print(
                f"  seeded {len(due_of)} reminders in {time.perf_counter() - began:.1f} s, "
                f"due from {due_from:%H:%M:%S} over {spread_seconds:.0f} s"
            )
            pids = costs.platform_pids(process.pid for process in platform.processes.values())
            cpu_before = costs.cpu_seconds(pids)
            end_wait = time.time() + lead_seconds + spread_seconds + deadline_seconds
            while sink.count < count and time.time() < end_wait:
                time.sleep(1)
            time.sleep(3)  # let any duplicate that would come, come
            costs.settle(pids)
            cpu_ms = (costs.cpu_seconds(pids) - cpu_before) * 1000
            received = sink.messages
            ids = [m["X-Njia-Delivery"] for m in received]
            seen = Counter(ids)
            lateness = []
            for message in received:
                due = due_of.get(message["X-Njia-Delivery"])
                if due is not None:
                    lateness.append(max(0.0, message.received_at - due.timestamp()))
            result = {
                "delivered": float(len(seen)),
                "expected": float(count),
                "duplicates": float(sum(n - 1 for n in seen.values())),
                "p50": statistics.median(lateness) if lateness else float("nan"),
                "p99": percentile(lateness, 99) if lateness else float("nan"),
                "max": max(lateness) if lateness else float("nan"),
                "cpu_ms_per_reminder": cpu_ms / max(len(seen), 1),
            }
        finally:
            platform.stop()
    return result


def report(result: dict[str, float]) -> None:
    ok = result["delivered"] == result["expected"] and result["duplicates"] == 0 and result["max"] <= 60
    print(
        f"  reminder burst: {int(result['delivered'])}/{int(result['expected'])} delivered, "
        f"duplicates {int(result['duplicates'])}, lateness p50 {result['p50']:.1f} s, "
        f"p99 {result['p99']:.1f} s, max {result['max']:.1f} s  "
        f"[target: all within 60 s, none twice: {'met' if ok else 'NOT met'}]"
    )
    print(f"  cost: {result['cpu_ms_per_reminder']:.1f} ms of CPU per reminder sent, every process")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args(argv)
    report(run(args.count, args.replicas))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
