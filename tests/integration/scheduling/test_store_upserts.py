"""SchedulingStore's writes that create a document when it is missing, raced on the real database:
FerretDB lets two upserts of one new ``_id`` both try the insert and fails the loser with a
duplicate-key error, which a counselor saving hours twice at once or an admin's double click must
never see."""

from datetime import UTC, datetime

from tests.support.builders import make_availability
from tests.support.racing import race

WRITERS = 8
ROUNDS = 10
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def hours(counselor_id: str, writer: int) -> dict:
    body = make_availability(session_minutes=45 + 5 * writer)
    return {
        "counselor_id": counselor_id,
        "org_id": "org_a",
        "branch_id": "br_1",
        **body,
        "exceptions": [],
        "buffer_minutes": 15,
        "min_notice_minutes": 120,
        "updated_at": AT,
    }


def test_a_counselors_first_hours_saved_twice_at_once_are_kept_once(store):
    for round_ in range(ROUNDS):
        counselor_id = f"usr_counselor_{round_}"
        assert race(lambda writer, c=counselor_id: store.save_availability(hours(c, writer), None)) == []
        assert store.availability_of(counselor_id)["session_minutes"] in range(45, 45 + 5 * WRITERS, 5)


def test_hours_replaced_twice_at_once_are_kept_as_one_past_version(store):
    for round_ in range(ROUNDS):
        counselor_id = f"usr_counselor_{round_}"
        store.save_availability(hours(counselor_id, 0), None)
        previous = store.availability_of(counselor_id)
        retired = {**previous, "_id": f"{counselor_id}:1", "valid_from": AT, "valid_until": AT}
        assert (
            race(lambda writer, c=counselor_id, r=retired: store.save_availability(hours(c, writer), r)) == []
        )
        assert store.availability_history.count_documents({"counselor_id": counselor_id}) == 1


def test_a_clients_first_sharing_saved_twice_at_once_is_kept_once(store):
    for round_ in range(ROUNDS):
        client_id = f"usr_client_{round_}"
        assert race(lambda writer, c=client_id: store.share(c, [f"usr_counselor_{writer}"], AT)) == []
        assert len(store.shared_with(client_id)) == 1


def test_an_organizations_first_policy_set_twice_at_once_is_kept_once(store):
    for round_ in range(ROUNDS):
        org_id = f"org_{round_}"
        assert (
            race(
                lambda writer, o=org_id: store.set_policy(
                    o, {"late_cancel_hours": 24, "max_reschedules": writer}
                )
            )
            == []
        )
        assert store.policy(org_id)["max_reschedules"] in range(WRITERS)
