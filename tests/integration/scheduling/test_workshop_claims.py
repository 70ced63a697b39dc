"""The claims of workshops and their seats on the real database (issue 15): a workshop's hold on its
counselor's time outlives the two minutes after which an orphan's claim is taken over, seats raced
by many writers go to one each, and a seat is taken over only from an attempt that never wrote its
session."""

from datetime import UTC, datetime, timedelta

from services.scheduling import domain, seating
from services.scheduling.store import STALE_CLAIM
from tests.support.racing import race

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SLOT = domain.Interval(AT + timedelta(days=2), AT + timedelta(days=2, hours=1))
LATER = AT + STALE_CLAIM + timedelta(minutes=1)


def workshop(workshop_id: str, seats: int = 3) -> dict:
    return {
        "_id": workshop_id,
        "org_id": "org_a",
        "branch_id": "brn_1",
        "counselor_id": "usr_wanjiru",
        "start": SLOT.start,
        "end": SLOT.end,
        "seats": seats,
        "status": "scheduled",
        "created_at": AT,
    }


def test_a_workshops_hold_on_its_counselors_time_is_never_taken_over_as_an_orphans(store):
    keys = domain.counselor_claim_keys("usr_wanjiru", SLOT, 15)
    assert store.claim_time(keys, "wks_clinic", AT) is None
    store.add_workshop(workshop("wks_clinic"))
    # Long after the two minutes an unwritten booking's claims are taken over in:
    assert store.claim_time(keys, "ses_one_to_one", LATER) == keys[0]
    # Claims of an attempt that never wrote its workshop are, as a booking's.
    other = domain.counselor_claim_keys("usr_otieno", SLOT, 15)
    assert store.claim_time(other, "wks_never_written", AT) is None
    assert store.claim_time(other, "ses_one_to_one", LATER) is None


def test_writers_racing_for_three_seats_get_one_each(store):
    store.add_workshop(workshop("wks_race", seats=3))
    won: list[int] = []

    def take(writer: int) -> None:
        for seat in seating.seat_order(3, writer % 3 + 1):
            if store.claim_seat(seating.seat_key("wks_race", seat), "wks_race", f"ses_{writer}", AT):
                won.append(seat)
                return

    assert race(take, writers=12) == []
    assert sorted(won) == [1, 2, 3]
    owners = [c["owner"] for c in store.seat_claims("wks_race")]
    assert len(owners) == len(set(owners)) == 3


def test_a_seat_is_taken_over_only_from_an_attempt_that_never_wrote_its_session(store):
    store.add_workshop(workshop("wks_takeover", seats=1))
    key = seating.seat_key("wks_takeover", 1)
    assert store.claim_seat(key, "wks_takeover", "ses_written", AT)
    store.sessions.insert_one({"_id": "ses_written", "start": SLOT.start, "workshop_id": "wks_takeover"})
    [held] = store.seat_claims("wks_takeover")
    assert not store.take_over_seat(held, "wks_takeover", "ses_newcomer", LATER)

    store.sessions.delete_one({"_id": "ses_written"})  # as if its attempt had crashed before writing
    assert not store.take_over_seat(held, "wks_takeover", "ses_newcomer", AT)  # not stale yet
    assert store.take_over_seat(held, "wks_takeover", "ses_newcomer", LATER)
    assert [c["owner"] for c in store.seat_claims("wks_takeover")] == ["ses_newcomer"]
