"""The platform as real processes: each service under ``nameko run``, as ``make up`` starts them.

Every Platform gets its own RabbitMQ vhost, database prefix and HTTP port, so it
can run beside a developer's ``make up`` and beside other test platforms.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from shared.admin import declare_queues
from shared.config import BACKENDS
from tests.support.databases import drop_databases
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "nameko.yaml"
MANAGEMENT = os.environ.get("NJIA_TEST_RABBIT_MANAGEMENT", "http://127.0.0.1:15672")


def service_target(service: str) -> str:
    """What `nameko run` starts, as `make up` names it: the module and its one service class."""
    return f"services.{service}.service:{service.title()}Service"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Platform:
    def __init__(self, replicas: dict[str, int] | None = None, env: dict[str, str] | None = None) -> None:
        self.tag = uuid.uuid4().hex[:8]
        self.vhost = f"njia-test-{self.tag}"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.replicas = {name: 1 for name in BACKENDS} | (replicas or {})
        self.logs = Path(tempfile.mkdtemp(prefix=f"njia-{self.tag}-"))
        self.processes: dict[tuple[str, int], subprocess.Popen[bytes]] = {}
        self.env = {
            **os.environ,
            "NJIA_ENV": "test",
            "NJIA_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}",
            "NJIA_MONGO_DB_PREFIX": f"e2e{self.tag}_",
            "NJIA_HTTP_PORT": str(self.port),
            "NJIA_PUBLIC_URL": self.base_url,
            "NJIA_ARGON2_TIME_COST": "1",
            "NJIA_ARGON2_MEMORY_KIB": "1024",
            "NJIA_LOG_LEVEL": "WARNING",
            # Every test signs up and signs in from 127.0.0.1 (the limits are tested with low values).
            "NJIA_SIGN_UPS_PER_HOUR": "1000000",
            "NJIA_SIGN_IN_FAILURES_PER_MINUTE": "1000000",
            **(env or {}),
        }

    # Lifecycle -----------------------------------------------------------------

    def start(self) -> Platform:
        self._create_vhost()
        declare_queues(self.env["NJIA_AMQP_URI"])
        for service, count in self.replicas.items():
            for replica in range(1, count + 1):
                self.start_service(service, replica)
        self.start_service("gateway", 1)
        self.wait_ready()
        return self

    def start_service(
        self, service: str, replica: int = 1, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{service}-{replica}.log", "ab")  # noqa: SIM115 - the process owns it
        process = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(CONFIG), service_target(service)],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[(service, replica)] = process
        return process

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            self._check_alive()
            try:
                return requests.get(self.url("/readyz?require=all"), timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(ready, timeout=timeout, interval=0.2, message=f"platform not ready; logs in {self.logs}")

    def start_gateway_replica(self, replica: int = 2) -> str:
        """Another gateway on a port of its own (as behind a load balancer); its base URL once ready."""
        port = free_port()
        self.start_service("gateway", replica, {"NJIA_HTTP_PORT": str(port)})
        base_url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            self._check_alive()
            try:
                return requests.get(base_url + "/readyz", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(
            ready, timeout=60, interval=0.2, message=f"gateway #{replica} not ready; logs in {self.logs}"
        )
        return base_url

    def kill(self, service: str, replica: int = 1, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop((service, replica))
        process.send_signal(sig)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        try:
            self._management("delete", f"/api/vhosts/{self.vhost}")
        finally:
            drop_databases(self.env["NJIA_MONGO_DB_PREFIX"])

    def logged_errors(self) -> list[str]:
        """Every line a service logged at level error, named by its log file."""
        return [
            f"{log.name}: {line[:300]}"
            for log in self.logs.glob("*.log")
            for line in log.read_text().splitlines()
            if '"level": "error"' in line
        ]

    def _create_vhost(self) -> None:
        self._management("put", f"/api/vhosts/{self.vhost}")
        self._management(
            "put",
            f"/api/permissions/{self.vhost}/guest",
            json={"configure": ".*", "write": ".*", "read": ".*"},
        )

    def _check_alive(self) -> None:
        for (service, replica), process in self.processes.items():
            if process.poll() is not None:
                log = (self.logs / f"{service}-{replica}.log").read_text()[-3000:]
                raise AssertionError(f"{service} #{replica} exited with {process.returncode}:\n{log}")

    def _management(self, method: str, path: str, **kwargs: Any) -> None:
        response = requests.request(method, MANAGEMENT + path, auth=("guest", "guest"), timeout=10, **kwargs)
        response.raise_for_status()

    # HTTP ------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def session(self, token: str | None = None) -> requests.Session:
        session = requests.Session()
        if token:
            session.headers["Authorization"] = f"Bearer {token}"
        return session


class MadeUpPlatform(Platform):
    """The platform started exactly as a user starts it, with ``make up`` and stopped with ``make down``,
    in run and log folders, a vhost, databases and a port of its own (beside a developer's ``make up``).
    The broker and database are the ones ``make setup`` started; ``make down`` leaves them running."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env=env)
        self.env["NJIA_MONGO_DB_PREFIX"] = f"web{self.tag}_"
        self.env["NJIA_HTTP_HOST"] = "127.0.0.1"
        self.env["NJIA_RUN_DIR"] = str(self.logs / "run")
        self.env["NJIA_LOG_DIR"] = str(self.logs)
        # Its own mailbox, beside a developer's `make up` and its mailbox on the default ports.
        self.env["NJIA_SMTP_PORT"] = str(free_port())
        self.env["NJIA_MAILBOX_PORT"] = str(free_port())
        self.env["NJIA_MAILBOX_DIR"] = str(self.logs / "mail")
        self.mailbox_url = f"http://127.0.0.1:{self.env['NJIA_MAILBOX_PORT']}"

    def start(self) -> MadeUpPlatform:
        self._create_vhost()
        try:
            self._make("up")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        try:
            self._make("down")
        finally:
            super().stop()

    def _make(self, target: str) -> None:
        with open(self.logs / f"make-{target}.out", "ab") as out:
            done = subprocess.run(
                ["make", "--no-print-directory", target],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if done.returncode != 0:
            said = (self.logs / f"make-{target}.out").read_text()[-3000:]
            raise AssertionError(f"make {target} failed ({done.returncode}); logs in {self.logs}:\n{said}")


class Api:
    """A signed-in (or anonymous) user of the HTTP API, for readable tests."""

    def __init__(self, platform: Platform, token: str | None = None) -> None:
        self.platform = platform
        self.http = platform.session(token)
        self.token = token

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.platform.url(path), timeout=30, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.post(self.platform.url(path), json=body, timeout=30, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.put(self.platform.url(path), json=body, timeout=30, **kwargs)

    def delete(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.delete(self.platform.url(path), json=body, timeout=30, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.patch(self.platform.url(path), json=body, timeout=30, **kwargs)


def wait_for_port_closed(port: int, timeout: float = 10) -> None:
    def closed() -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) != 0

    wait_until(closed, timeout=timeout)


def elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000
