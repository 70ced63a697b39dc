"""APScheduler as a nameko entrypoint: time drives work, claims make it happen once.

One ``BackgroundScheduler`` per container (a shared extension), started and
stopped with the container. Jobs only *trigger* a worker; the worker claims
what it does atomically in MongoDB, so a late, doubled or replayed firing is
harmless and two replicas never do the same work twice. APScheduler's own
pitfalls are configured away: no misfire window (a late firing still runs),
coalescing (a backlog runs once), one worker at a time, and no job store
(nothing of Njia's state lives in the scheduler).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from nameko.extensions import Entrypoint, ProviderCollector, SharedExtension

from shared.config import Settings, load_settings

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


class SchedulerHost(ProviderCollector, SharedExtension):
    def setup(self) -> None:
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults=JOB_DEFAULTS)

    def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def kill(self) -> None:
        self.stop()


class Scheduled(Entrypoint):
    """``@scheduled(trigger=every_seconds("x"))``, by keyword: nameko takes a lone callable for the method."""

    host = SchedulerHost()

    def __init__(self, trigger: Callable[[Settings], BaseTrigger], **kwargs: Any) -> None:
        self.make_trigger = trigger
        self.running = False
        self.busy = False  # a worker of this entrypoint is running
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.trigger = self.make_trigger(load_settings(self.container.config))
        self.host.register_provider(self)

    def start(self) -> None:
        self.running = True
        self.job_id = f"{self.container.service_name}.{self.method_name}"
        self.host.scheduler.add_job(self.fire, self.trigger, id=self.job_id, replace_existing=True)

    def stop(self) -> None:
        self._halt()
        self.host.unregister_provider(self)
        super().stop()

    def kill(self) -> None:
        self._halt()
        super().kill()

    def _halt(self) -> None:
        self.running = False
        try:
            self.host.scheduler.remove_job(self.job_id)
        except (JobLookupError, AttributeError):
            pass  # never started, or already removed

    def fire(self) -> None:
        # A firing already queued in the scheduler when the container stopped finds it stopped, and
        # one whose last worker still runs (a sweep outlasting its interval) leaves it be.
        if self.running and not self.busy:
            self.busy = True
            try:
                self.container.spawn_worker(self, (), {}, handle_result=self._finished)
            except Exception:
                self.busy = False
                raise

    def _finished(self, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        self.busy = False
        return result, exc_info


scheduled = Scheduled.decorator


def every_seconds(setting: str) -> Callable[[Settings], BaseTrigger]:
    """A trigger factory: every ``settings.<setting>`` seconds."""
    return lambda settings: IntervalTrigger(seconds=float(getattr(settings, setting)))
