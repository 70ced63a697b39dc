"""``njia-admin``: operator commands that talk to a running platform over RabbitMQ.

njia-admin declare-queues            create every event queue before traffic starts
njia-admin ping SERVICE              exit 0 when SERVICE answers (for probes)
njia-admin dead-letters list [SERVICE ...]
njia-admin dead-letters replay SERVICE ID
njia-admin audit verify [--org ORG]  check each organization's audit chain; names the first broken entry
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kombu import Connection, Exchange, Queue

from shared.config import BACKENDS, load_settings
from shared.events.contracts import SUBSCRIPTIONS


def event_queue(source: str, event_type: str, service: str, handler: str) -> Queue:
    """The queue nameko's SERVICE_POOL event handler declares, declared ahead of it."""
    exchange = Exchange(f"{source}.events", type="topic", durable=True)
    return Queue(
        f"evt-{source}-{event_type}--{service}.{handler}",
        exchange=exchange,
        routing_key=event_type,
        durable=True,
        auto_delete=False,
        exclusive=False,
    )


def declare_queues(
    amqp_uri: str, subscriptions: tuple[tuple[str, str, str, str], ...] = SUBSCRIPTIONS
) -> int:
    with Connection(amqp_uri, connect_timeout=10) as conn:
        channel = conn.channel()
        for subscription in subscriptions:
            queue = event_queue(*subscription)
            queue.exchange.declare(channel=channel)
            queue(channel).declare()
    return len(subscriptions)


def _rpc(amqp_uri: str, service: str, method: str, *args: Any, timeout: float = 10) -> Any:
    import eventlet

    eventlet.monkey_patch()
    from nameko.standalone.rpc import ClusterRpcProxy

    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout) as cluster:
        return getattr(getattr(cluster, service), method)(*args)


VERIFY_TIMEOUT_SECONDS = 600.0


def audit_verify(amqp_uri: str, org_id: str | None) -> int:
    """Print each chain's state; exit 1 naming the first entry that does not hold, 2 when the audit
    service does not answer."""
    try:
        chains = _rpc(amqp_uri, "audit", "verify_chains", org_id, timeout=VERIFY_TIMEOUT_SECONDS)
    except Exception as exc:
        print(f"audit: not answering ({type(exc).__name__})", file=sys.stderr)
        return 2
    broken = [chain for chain in chains if not chain["ok"]]
    for chain in chains:
        if chain["ok"]:
            print(f"OK {chain['org_id']}: {chain['entries']} entries, head {chain['head_hash'] or '-'}")
        else:
            print(
                f"BROKEN {chain['org_id']}: entry {chain['entry_id']} (seq {chain['seq']}): {chain['reason']}"
            )
    print(f"{len(chains)} chains checked, {len(broken)} broken", file=sys.stderr)
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="njia-admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("declare-queues", help="create every event queue and binding")
    ping = sub.add_parser("ping", help="exit 0 when the service answers over RabbitMQ")
    ping.add_argument("service")
    dead = sub.add_parser("dead-letters", help="list or replay events whose handler kept failing")
    dead_sub = dead.add_subparsers(dest="action", required=True)
    listing = dead_sub.add_parser("list")
    listing.add_argument("services", nargs="*", default=list(BACKENDS))
    replay = dead_sub.add_parser("replay")
    replay.add_argument("service")
    replay.add_argument("id")
    audit = sub.add_parser("audit", help="the audit log's hash chains")
    audit_sub = audit.add_subparsers(dest="action", required=True)
    verify = audit_sub.add_parser("verify", help="check every chain; exit 1 naming the first broken entry")
    verify.add_argument("--org", default=None, help="only this organization's chain")
    args = parser.parse_args(argv)
    settings = load_settings()

    if args.command == "declare-queues":
        count = declare_queues(settings.amqp_uri)
        print(f"declared {count} event queues")
        return 0
    if args.command == "ping":
        try:
            _rpc(settings.amqp_uri, args.service, "health", timeout=5)
        except Exception as exc:
            print(f"{args.service}: not answering ({exc})", file=sys.stderr)
            return 1
        print(f"{args.service}: ok")
        return 0
    if args.command == "audit":
        return audit_verify(settings.amqp_uri, args.org)
    if args.action == "list":
        total = 0
        for service in args.services:
            try:
                letters = _rpc(settings.amqp_uri, service, "list_dead_letters", timeout=5)
            except Exception as exc:
                print(f"{service}: not answering ({type(exc).__name__})", file=sys.stderr)
                continue
            for letter in letters:
                total += 1
                print(json.dumps({"service": service, **letter}, default=str))
        print(f"{total} dead letters", file=sys.stderr)
        return 0
    result = _rpc(settings.amqp_uri, args.service, "replay_dead_letter", args.id)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
