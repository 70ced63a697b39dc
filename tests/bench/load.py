"""A closed-loop load generator: N clients, each sending its next request when the last answered."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

Request = Callable[[requests.Session, int], requests.Response]


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def ok_throughput(self) -> float:
        """Successful requests per second (``throughput`` counts failures too)."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)


def run_load(
    name: str,
    send: Request,
    clients: int = 16,
    seconds: float = 6.0,
    warmup: float = 1.0,
    session_factory: Callable[[int], requests.Session] | None = None,
    expect: tuple[int, ...] = (200, 201),
) -> Result:
    """Run ``send`` from ``clients`` threads for ``seconds`` after ``warmup``; count measured requests."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    counter = [0]
    start_measure = time.perf_counter() + warmup
    stop_at = start_measure + seconds
    first_error: list[str] = []

    def client(index: int) -> None:
        session = session_factory(index) if session_factory else requests.Session()
        sequence = 0
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            sequence += 1
            try:
                response = send(session, index * 1_000_000 + sequence)
                ok = response.status_code in expect
                if not ok and not first_error:
                    first_error.append(f"{response.status_code} {response.text[:200]}")
            except requests.RequestException as exc:
                ok = False
                if not first_error:
                    first_error.append(repr(exc))
            ended = time.perf_counter()
            if began >= start_measure:
                with lock:
                    counter[0] += 1
                    if ok:
                        latencies.append((ended - began) * 1000)
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if first_error:
        print(f"  note: {name}: first failure: {first_error[0]}")
    return Result(name, counter[0], errors[0], seconds, latencies)
