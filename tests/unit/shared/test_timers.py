"""shared/timers.py: a firing starts a worker only while the entrypoint runs and its last worker is done."""

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from shared.timers import Scheduled, every_seconds


class FakeContainer:
    """Records spawned workers; a test finishes one by calling its ``handle_result``."""

    def __init__(self, fail=False):
        self.spawned = []
        self.fail = fail

    def spawn_worker(self, provider, args, kwargs, handle_result=None):
        if self.fail:
            raise RuntimeError("container is stopping")
        self.spawned.append((provider, args, kwargs, handle_result))

    def finish(self, index=-1, result=None, exc_info=None):
        handle_result = self.spawned[index][3]
        return handle_result(object(), result, exc_info)


def started(container):
    """A ``Scheduled`` as ``start`` leaves it, without the scheduler host (``start`` only adds the job)."""
    entrypoint = Scheduled(trigger=every_seconds("reminder_sweep_seconds"))
    entrypoint.container = container
    entrypoint.running = True
    return entrypoint


@pytest.fixture
def container():
    return FakeContainer()


def test_a_firing_spawns_one_worker_with_no_arguments(container):
    entrypoint = started(container)

    entrypoint.fire()

    assert len(container.spawned) == 1
    provider, args, kwargs, handle_result = container.spawned[0]
    assert provider is entrypoint
    assert (args, kwargs) == ((), {})
    assert handle_result is not None


def test_a_firing_while_the_last_worker_still_runs_spawns_nothing(container):
    entrypoint = started(container)

    entrypoint.fire()
    entrypoint.fire()
    entrypoint.fire()

    assert len(container.spawned) == 1


def test_a_firing_after_the_last_worker_finished_spawns_again(container):
    entrypoint = started(container)

    entrypoint.fire()
    container.finish()
    entrypoint.fire()

    assert len(container.spawned) == 2


def test_a_worker_that_failed_also_frees_the_next_firing(container):
    entrypoint = started(container)

    entrypoint.fire()
    error = (RuntimeError, RuntimeError("sweep failed"), None)
    container.finish(exc_info=error)
    entrypoint.fire()

    assert len(container.spawned) == 2


def test_finishing_passes_the_result_and_error_through_unchanged(container):
    entrypoint = started(container)
    entrypoint.fire()
    error = (RuntimeError, RuntimeError("sweep failed"), None)

    assert container.finish(result=42) == (42, None)
    entrypoint.fire()
    assert container.finish(exc_info=error) == (None, error)


@pytest.mark.parametrize("stop", ["running_false", "kill"])
def test_a_firing_after_the_entrypoint_stopped_spawns_nothing(container, stop):
    entrypoint = started(container)
    if stop == "kill":
        entrypoint.kill()  # never started with a scheduler: there is no job to remove
    else:
        entrypoint.running = False

    entrypoint.fire()

    assert container.spawned == []


def test_a_firing_before_the_entrypoint_started_spawns_nothing(container):
    entrypoint = Scheduled(trigger=every_seconds("reminder_sweep_seconds"))
    entrypoint.container = container

    entrypoint.fire()

    assert container.spawned == []


def test_a_firing_the_container_refused_does_not_block_the_next_one():
    container = FakeContainer(fail=True)
    entrypoint = started(container)

    with pytest.raises(RuntimeError, match="container is stopping"):
        entrypoint.fire()
    container.fail = False
    entrypoint.fire()

    assert len(container.spawned) == 1


def test_every_seconds_makes_an_interval_trigger_from_the_named_setting():
    class Settings:
        reminder_sweep_seconds = 7

    trigger = every_seconds("reminder_sweep_seconds")(Settings())  # type: ignore[arg-type]

    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval.total_seconds() == 7.0
