"""RPC between services, always with a timeout.

nameko 2.14's ``RpcProxy`` waits forever for an answer. ``ServiceRpc`` gives every
call ``NJIA_RPC_TIMEOUT_SECONDS`` and turns silence into ``Unavailable`` (503).
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy

from shared.config import load_settings
from shared.errors import Unavailable


class _TimedMethod:
    def __init__(self, service: str, method: str, proxy: Any, timeout: float) -> None:
        self.service, self.method, self._proxy, self._timeout = service, method, proxy, timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(self._timeout, *args, **kwargs)

    def call(self, timeout: float, *args: Any, **kwargs: Any) -> Any:
        try:
            reply = self._proxy.call_async(*args, **kwargs)
        except UnknownService:
            raise Unavailable(f"The {self.service} service is not running.") from None
        try:
            with eventlet.Timeout(timeout):
                return reply.result()
        except eventlet.Timeout:
            raise Unavailable(
                f"The {self.service} service did not answer in time.",
                {"service": self.service, "method": self.method, "timeout_seconds": timeout},
            ) from None


class _TimedService:
    def __init__(self, service: str, proxy: Any, timeout: float) -> None:
        self._service, self._proxy, self._timeout = service, proxy, timeout

    def __getattr__(self, method: str) -> _TimedMethod:
        return _TimedMethod(self._service, method, getattr(self._proxy, method), self._timeout)


class ServiceRpc(RpcProxy):
    """``accounts_rpc = ServiceRpc("accounts")``: nameko's proxy plus a timeout."""

    def setup(self) -> None:
        super().setup()
        self.timeout = load_settings(self.container.config).rpc_timeout_seconds

    def get_dependency(self, worker_ctx: Any) -> Any:
        return _TimedService(self.target_service, super().get_dependency(worker_ctx), self.timeout)
