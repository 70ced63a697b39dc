"""services/audit/domain.py: entries chained by hash, and the first entry that does not hold."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.audit.domain import (
    Broken,
    Link,
    Record,
    Scope,
    UnreadableEntry,
    Verified,
    canonical_time,
    chained,
    entry_hash,
    entry_of,
    genesis_hash,
    reader_scope,
    verify,
)

AT = datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=UTC)


def record(n: int, org_id: str = "org_1", **overrides) -> Record:
    fields = {
        "id": f"evt_{n}",
        "org_id": org_id,
        "at": AT + timedelta(minutes=n),
        "action": "case_notes.read",
        "actor_id": "usr_counselor",
        "subject_id": "usr_client",
        "branch_id": "brn_1",
        "request_id": f"req_{n}",
        "ip": "192.0.2.1",
    }
    return Record(**(fields | overrides))


def stored(entry) -> dict:
    """An entry as the store gives it back: its fields, ``id`` for its id."""
    r = entry.record
    return {
        "id": r.id,
        "org_id": r.org_id,
        "seq": entry.seq,
        "at": r.at,
        "action": r.action,
        "actor_id": r.actor_id,
        "subject_id": r.subject_id,
        "branch_id": r.branch_id,
        "request_id": r.request_id,
        "ip": r.ip,
        "previous_hash": entry.previous_hash,
        "hash": entry.hash,
    }


def chain(count: int, org_id: str = "org_1") -> list[dict]:
    entries, end = [], None
    for n in range(1, count + 1):
        entry = chained(record(n, org_id), end)
        entries.append(stored(entry))
        end = entry.link
    return entries


def test_the_first_entry_hangs_from_the_organizations_genesis_hash():
    first = chained(record(1), None)
    assert (first.seq, first.previous_hash) == (1, genesis_hash("org_1"))
    assert genesis_hash("org_1") != genesis_hash("org_2")


def test_each_entry_carries_the_hash_of_the_one_before():
    first = chained(record(1), None)
    second = chained(record(2), first.link)
    assert (second.seq, second.previous_hash) == (2, first.hash)


def test_the_hash_covers_every_field_shown():
    entry = chained(record(1), None)
    for name, value in [("actor_id", "usr_other"), ("subject_id", None), ("ip", "203.0.113.9")]:
        changed = replace(entry.record, **{name: value})
        assert entry_hash(changed, entry.seq, entry.previous_hash) != entry.hash, name
    assert entry_hash(entry.record, 2, entry.previous_hash) != entry.hash


def test_times_are_kept_to_the_millisecond_in_utc_as_the_database_keeps_them():
    nairobi = timezone(timedelta(hours=3))
    entry = chained(record(1, at=AT.astimezone(nairobi)), None)
    assert entry.record.at == AT.replace(microsecond=123000)
    assert canonical_time(entry.record.at) == "2026-12-01T09:00:00.123Z"


def test_an_untouched_chain_holds():
    outcome = verify("org_1", chain(4), head_seq=4)
    assert isinstance(outcome, Verified)
    assert outcome.entries == 4 and outcome.end is not None and outcome.end.seq == 4


def test_an_empty_chain_holds():
    assert verify("org_1", []) == Verified("org_1", 0, None)


def test_a_changed_entry_is_named():
    entries = chain(4)
    entries[2]["subject_id"] = "usr_someone_else"
    outcome = verify("org_1", entries)
    assert isinstance(outcome, Broken)
    assert (outcome.entry_id, outcome.seq) == ("evt_3", 3)
    assert "changed after it was written" in outcome.reason


def test_a_changed_entry_with_its_hash_recomputed_breaks_the_next_link():
    entries = chain(4)
    entries[1]["subject_id"] = "usr_someone_else"
    entries[1]["hash"] = entry_hash(entry_of(entries[1]).record, 2, entries[1]["previous_hash"])
    outcome = verify("org_1", entries)
    assert isinstance(outcome, Broken) and outcome.entry_id == "evt_3"


def test_the_entry_after_a_removed_one_is_named():
    entries = chain(4)
    del entries[1]
    outcome = verify("org_1", entries)
    assert isinstance(outcome, Broken)
    assert (outcome.entry_id, outcome.seq) == ("evt_3", 3)
    assert "seq 2 is missing" in outcome.reason


def test_two_entries_that_swapped_places_are_named():
    entries = chain(4)
    entries[1]["seq"], entries[2]["seq"] = 3, 2
    entries[1], entries[2] = entries[2], entries[1]
    outcome = verify("org_1", entries)
    assert isinstance(outcome, Broken) and outcome.entry_id == "evt_3"


def test_removing_the_newest_entries_shows_against_the_remembered_head():
    outcome = verify("org_1", chain(3), head_seq=5)
    assert isinstance(outcome, Broken)
    assert (outcome.entry_id, outcome.seq) == ("evt_3", 3)
    assert "ends at seq 3" in outcome.reason


def test_an_entry_of_another_organization_does_not_belong():
    entries = chain(2)
    entries[1]["org_id"] = "org_2"
    outcome = verify("org_1", entries)
    assert isinstance(outcome, Broken) and outcome.entry_id == "evt_2"


@pytest.mark.parametrize(
    ("field", "value"), [("seq", "2"), ("at", "2026-12-01"), ("hash", None), ("actor_id", 7)]
)
def test_an_entry_with_a_field_of_the_wrong_kind_is_named(field, value):
    entries = chain(3)
    entries[1][field] = value
    outcome = verify("org_1", entries)
    assert isinstance(outcome, Broken) and outcome.entry_id == "evt_2"
    assert "cannot be read" in outcome.reason


def test_an_entry_missing_a_field_cannot_be_read():
    fields = chain(1)[0]
    del fields["action"]
    with pytest.raises(UnreadableEntry):
        entry_of(fields)


def test_an_entry_read_back_is_the_entry_written():
    entry = chained(record(1), Link(7, "a" * 64))
    assert entry_of(stored(entry)) == entry


def test_org_admins_read_their_organization_and_branch_admins_their_branch():
    assert reader_scope("org_admin", "org_1", None) == Scope("org_1")
    assert reader_scope("branch_admin", "org_1", "brn_1") == Scope("org_1", "brn_1")
    for role in ("counselor", "client"):
        assert reader_scope(role, "org_1", "brn_1") is None
    assert reader_scope("branch_admin", "org_1", None) is None
