"""``audit.recorded``: the one event several services may publish, each as itself."""

from datetime import UTC, datetime

import pytest

from shared.events.contracts import AUDIT_RECORDED, AUDITED_SERVICES
from shared.events.envelope import InvalidEvent, build, validate_envelope

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DATA = {"at": AT, "action": "case_notes.read", "org_id": "org_1", "subject_id": "usr_client"}


@pytest.mark.parametrize("source", AUDITED_SERVICES)
def test_every_audited_service_may_publish_a_record_as_itself(source):
    envelope = build(AUDIT_RECORDED, DATA, AT, source=source)
    assert envelope["source"] == source
    assert validate_envelope(envelope)["data"]["action"] == "case_notes.read"


def test_a_service_not_audited_may_not_publish_a_record():
    with pytest.raises(InvalidEvent) as refused:
        build(AUDIT_RECORDED, DATA, AT, source="gateway")
    assert "source" in refused.value.problems
    envelope = {**build(AUDIT_RECORDED, DATA, AT, source="profiles"), "source": "gateway"}
    with pytest.raises(InvalidEvent):
        validate_envelope(envelope)


def test_a_record_names_its_organization_and_an_action_shaped_like_one():
    for broken in ({**DATA, "org_id": None}, {**DATA, "action": "read notes"}):
        envelope = build(AUDIT_RECORDED, DATA, AT, source="scheduling")
        envelope["data"] = {**envelope["data"], **{k: v for k, v in broken.items() if k != "at"}}
        with pytest.raises(InvalidEvent):
            validate_envelope(envelope)
