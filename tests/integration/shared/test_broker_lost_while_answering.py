"""A service whose broker goes away while it sends an RPC answer keeps running (nameko alone would
let that error end the container; seen with SIGKILL-free broker restarts in the fault scenarios)."""

from unittest.mock import patch

import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout
from nameko.rpc import Responder
from nameko.standalone.rpc import ClusterRpcProxy

from services.accounts.service import AccountsService


def test_an_answer_lost_with_the_broker_leaves_the_service_answering(container_factory, config):
    container = container_factory(AccountsService, config)
    container.start()
    real = Responder.send_response
    failures = iter([OperationalError("[Errno 111] ECONNREFUSED")])

    def broker_gone_once(self, result, exc_info):
        for failure in failures:
            raise failure
        return real(self, result, exc_info)

    with patch.object(Responder, "send_response", broker_gone_once):
        with ClusterRpcProxy(config, timeout=2) as cluster, pytest.raises(RpcTimeout):
            cluster.accounts.ping()  # its answer is lost: the caller's own timeout answers
        with ClusterRpcProxy(config, timeout=10) as cluster:
            assert cluster.accounts.ping() == {"pong": True}
    assert not container._died.ready(), "the container died over a lost answer"
