"""Every event handler's queue is declared before traffic starts, and nothing else is."""

import importlib
import inspect
import pkgutil

import services
from shared.events import CONTRACTS
from shared.events.contracts import SUBSCRIPTIONS
from shared.events.handling import HANDLERS_ATTR
from shared.service import NjiaService


def service_classes():
    for module_info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"services.{module_info.name}.service")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, NjiaService) and cls is not NjiaService and cls.__module__ == module.__name__:
                yield cls


def handlers():
    found = set()
    for cls in service_classes():
        for name in dir(cls):
            method = getattr(cls, name)
            if getattr(method, HANDLERS_ATTR, None):
                entrypoint = next(iter(method.nameko_entrypoints))
                found.add((entrypoint.source_service, entrypoint.event_type, cls.name, name))
    return found


def test_every_handler_is_a_declared_subscription_and_every_subscription_has_a_handler():
    assert handlers() == set(SUBSCRIPTIONS)


def test_every_subscribed_event_has_a_contract_from_its_source():
    contracts = {(source, c.event_type) for c in CONTRACTS.values() for source in c.sources}
    for source, event_type, _, _ in SUBSCRIPTIONS:
        assert (source, event_type) in contracts
