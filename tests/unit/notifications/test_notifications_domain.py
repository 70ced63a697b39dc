"""services/notifications/domain.py: what goes to whom, on which channel, when; what a sweep reads."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.notifications.domain import (
    CANCELLED,
    MAX_OFFSET_MINUTES,
    SKIPPED,
    Preferences,
    Recipient,
    agenda_entries,
    buckets_between,
    buckets_to_sweep,
    check_offsets,
    current_recipient,
    due_bucket,
    older_than_kept,
    plan_assessment_summaries,
    plan_counselor_no_show,
    plan_reminders,
    plan_session_messages,
    plan_webhooks,
    recipient_of,
    reply_handled,
    reply_refused,
    retry_delay,
    sees_reminders,
    sms_reply_record,
    told_of,
    webhook_changes,
    webhook_stopped,
    when_due,
)

NAIROBI = timezone(timedelta(hours=3))
NOW = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
START = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)  # two days and three hours after NOW
FACTS = {"session_id": "ses_1", "counselor_name": "Amina Odhiambo"}


def person(user_id="usr_client", role="client", email="client@example.org", phone="+254700000001"):
    return Recipient(
        user_id=user_id,
        role=role,
        name="Wanjiru Kamau",
        email=email,
        phone=phone,
        timezone="Africa/Nairobi",
        language="sw",
    )


def prefs(email=True, sms=True, in_app=True, offsets=(1440, 60)):
    return Preferences(email=email, sms=sms, in_app=in_app, reminder_offsets_minutes=offsets)


def reminders(recipients, start=START, now=NOW, facts=FACTS):
    return plan_reminders("ses_1", start, recipients, now, facts)


# plan_reminders ------------------------------------------------------------------------------------


def test_a_reminder_is_planned_at_each_offset_before_the_start_on_every_channel():
    planned = reminders([(person(), prefs(offsets=(1440, 60)))])

    assert [(d.offset_minutes, d.channel, d.due_at) for d in planned] == [
        (1440, "email", START - timedelta(days=1)),
        (1440, "sms", START - timedelta(days=1)),
        (1440, "in_app", START - timedelta(days=1)),
        (60, "email", START - timedelta(hours=1)),
        (60, "sms", START - timedelta(hours=1)),
        (60, "in_app", START - timedelta(hours=1)),
    ]
    assert {d.kind for d in planned} == {"reminder"}
    assert {d.recipient_id for d in planned} == {"usr_client"}
    assert {d.session_id for d in planned} == {"ses_1"}
    assert {d.session_start for d in planned} == {START}


def test_each_recipient_is_reminded_at_their_own_offsets():
    client = person("usr_client", "client")
    counselor = person("usr_counselor", "counselor", email="c@example.org")
    planned = reminders(
        [
            (client, prefs(sms=False, in_app=False, offsets=(60,))),
            (counselor, prefs(sms=False, in_app=False, offsets=(30, 10))),
        ]
    )

    assert [(d.recipient_id, d.offset_minutes, d.due_at) for d in planned] == [
        ("usr_client", 60, START - timedelta(minutes=60)),
        ("usr_counselor", 30, START - timedelta(minutes=30)),
        ("usr_counselor", 10, START - timedelta(minutes=10)),
    ]


def test_offsets_are_planned_largest_first_and_a_repeated_offset_only_once():
    planned = reminders([(person(), prefs(sms=False, in_app=False, offsets=(10, 60, 10, 1440)))])

    assert [d.offset_minutes for d in planned] == [1440, 60, 10]


def test_a_reminder_whose_time_has_already_passed_is_left_out():
    # Booked three hours ahead: the day-before reminder is already past, the hour-before one is not.
    now = START - timedelta(hours=3)
    planned = reminders([(person(), prefs(sms=False, in_app=False, offsets=(1440, 60)))], now=now)

    assert [d.offset_minutes for d in planned] == [60]


def test_a_reminder_due_exactly_now_is_left_out():
    now = START - timedelta(minutes=60)
    planned = reminders([(person(), prefs(sms=False, in_app=False, offsets=(60, 30)))], now=now)

    assert [d.offset_minutes for d in planned] == [30]


def test_a_session_starting_sooner_than_every_offset_gets_no_reminders():
    assert reminders([(person(), prefs(offsets=(1440, 60)))], now=START - timedelta(minutes=5)) == []


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        ({"email": True, "sms": True, "in_app": True}, ["email", "sms", "in_app"]),
        ({"email": False, "sms": True, "in_app": True}, ["sms", "in_app"]),
        ({"email": True, "sms": False, "in_app": False}, ["email"]),
        ({"email": False, "sms": False, "in_app": False}, []),
    ],
)
def test_reminders_go_only_on_the_channels_the_recipient_allows(allowed, expected):
    planned = reminders([(person(), prefs(**allowed, offsets=(60,)))])

    assert [d.channel for d in planned] == expected


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        ({"email": None}, ["sms", "in_app"]),
        ({"email": ""}, ["sms", "in_app"]),
        ({"phone": None}, ["email", "in_app"]),
        ({"email": None, "phone": None}, ["in_app"]),
    ],
)
def test_reminders_go_only_on_the_channels_the_recipient_can_be_reached_by(contact, expected):
    planned = reminders([(person(**contact), prefs(offsets=(60,)))])

    assert [d.channel for d in planned] == expected


def test_a_reminder_carries_its_offset_and_the_recipient_without_changing_the_facts_given():
    facts = {"session_id": "ses_1"}
    client = person()
    [delivery] = reminders([(client, prefs(sms=False, in_app=False, offsets=(60,)))], facts=facts)

    assert delivery.facts == {"session_id": "ses_1", "offset_minutes": 60}
    assert facts == {"session_id": "ses_1"}
    assert delivery.recipient["user_id"] == "usr_client"
    assert delivery.recipient["language"] == "sw"
    assert delivery.recipient["timezone"] == "Africa/Nairobi"


def test_planning_the_same_reminders_twice_gives_the_same_ids():
    recipients = [(person(), prefs()), (person("usr_counselor", "counselor"), prefs())]

    first = [d.id for d in reminders(recipients)]
    again = [d.id for d in reminders(recipients, now=NOW + timedelta(minutes=5))]

    assert first == again
    assert len(set(first)) == len(first)  # one id per recipient, offset and channel


def test_the_same_start_written_in_another_time_zone_gives_the_same_ids():
    recipients = [(person(), prefs())]

    assert [d.id for d in reminders(recipients, start=START.astimezone(NAIROBI))] == [
        d.id for d in reminders(recipients)
    ]


def test_a_rescheduled_session_gets_reminders_with_new_ids():
    recipients = [(person(), prefs())]
    before = reminders(recipients)
    after = reminders(recipients, start=START + timedelta(hours=2))

    assert not {d.id for d in before} & {d.id for d in after}
    assert {d.session_start for d in after} == {START + timedelta(hours=2)}


def test_reminder_times_are_given_in_utc_whatever_zone_the_start_came_in():
    [delivery] = reminders(
        [(person(), prefs(sms=False, in_app=False, offsets=(60,)))],
        start=datetime(2025, 3, 12, 12, 0, tzinfo=NAIROBI),
    )

    assert delivery.due_at == datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
    assert delivery.due_at.utcoffset() == timedelta(0)
    assert delivery.session_start == START
    assert delivery.session_start.utcoffset() == timedelta(0)


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError):
        reminders([(person(), prefs())], start=START.replace(tzinfo=None))


# plan_session_messages -----------------------------------------------------------------------------


def test_a_confirmation_is_due_now_for_each_recipient_on_each_allowed_channel():
    client = person("usr_client", "client")
    counselor = person("usr_counselor", "counselor", phone=None)
    planned = plan_session_messages(
        "confirmation",
        "ses_1",
        START,
        [(client, prefs(sms=False)), (counselor, prefs())],
        NOW,
        FACTS,
    )

    assert [(d.recipient_id, d.channel) for d in planned] == [
        ("usr_client", "email"),
        ("usr_client", "in_app"),
        ("usr_counselor", "email"),
        ("usr_counselor", "in_app"),
    ]
    assert {d.due_at for d in planned} == {NOW}
    assert {d.kind for d in planned} == {"confirmation"}
    assert {d.session_start for d in planned} == {START}
    assert {d.offset_minutes for d in planned} == {None}
    assert all(d.facts == FACTS for d in planned)


def test_a_session_message_is_due_now_in_utc_even_when_now_is_given_in_another_zone():
    [delivery] = plan_session_messages(
        "confirmation",
        "ses_1",
        START,
        [(person(), prefs(sms=False, in_app=False))],
        NOW.astimezone(NAIROBI),
        FACTS,
    )

    assert delivery.due_at == NOW
    assert delivery.due_at.utcoffset() == timedelta(0)


def test_planning_a_confirmation_twice_gives_the_same_ids_and_another_kind_different_ones():
    recipients = [(person(), prefs())]

    first = plan_session_messages("confirmation", "ses_1", START, recipients, NOW, FACTS)
    again = plan_session_messages(
        "confirmation", "ses_1", START, recipients, NOW + timedelta(seconds=30), FACTS
    )
    cancelled = plan_session_messages("cancelled", "ses_1", START, recipients, NOW, FACTS)

    assert [d.id for d in first] == [d.id for d in again]
    assert not {d.id for d in first} & {d.id for d in cancelled}


def test_a_recipient_who_allows_no_channel_gets_no_session_message():
    assert (
        plan_session_messages(
            "confirmation",
            "ses_1",
            START,
            [(person(), prefs(email=False, sms=False, in_app=False))],
            NOW,
            FACTS,
        )
        == []
    )


# when_due ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["booked", None])
def test_a_due_reminder_is_sent_while_the_session_is_booked_and_not_started(status):
    assert when_due(START - timedelta(minutes=1), START, status) == "send"


def test_a_late_reminder_is_still_sent_before_the_start():
    # Due a day before, found only a second before the start: it still goes.
    assert when_due(START - timedelta(seconds=1), START, "booked") == "send"


@pytest.mark.parametrize("now", [START, START + timedelta(seconds=1), START + timedelta(days=1)])
def test_a_reminder_found_at_or_after_the_start_is_skipped(now):
    assert when_due(now, START, "booked") == SKIPPED


def test_the_start_is_compared_as_an_instant_whatever_its_zone():
    assert when_due(START.astimezone(NAIROBI), START, "booked") == SKIPPED
    assert when_due(START - timedelta(seconds=1), START.astimezone(NAIROBI), "booked") == "send"


def test_a_message_without_a_session_start_is_sent():
    assert when_due(NOW, None, None) == "send"


@pytest.mark.parametrize("status", ["cancelled", "completed", "no_show", "rescheduled"])
def test_a_reminder_for_a_session_no_longer_booked_is_cancelled(status):
    assert when_due(START - timedelta(hours=1), START, status) == CANCELLED
    assert when_due(START + timedelta(hours=1), START, status) == CANCELLED


# retry_delay ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(0, 30.0), (1, 30.0), (2, 60.0), (3, 120.0), (4, 240.0), (5, 480.0)],
)
def test_the_wait_after_a_failure_doubles_with_each_attempt(attempt, expected):
    assert retry_delay(attempt, 30) == expected


def test_the_wait_after_a_failure_is_capped():
    assert retry_delay(20, 30) == 3600.0
    assert retry_delay(4, 30, cap_seconds=100) == 100.0
    assert retry_delay(1, 30, cap_seconds=100) == 30.0


def test_the_wait_is_a_float():
    assert isinstance(retry_delay(2, 30), float)


# check_offsets -------------------------------------------------------------------------------------


def test_offsets_come_back_distinct_and_largest_first():
    assert check_offsets([60, 1440, 10, 60]) == [1440, 60, 10]


def test_no_offsets_are_allowed():
    assert check_offsets([]) == []


@pytest.mark.parametrize("offset", [1, MAX_OFFSET_MINUTES])
def test_offsets_from_one_minute_to_fourteen_days_are_accepted(offset):
    assert MAX_OFFSET_MINUTES == 20160
    assert check_offsets([offset]) == [offset]


@pytest.mark.parametrize("offset", [0, -5, MAX_OFFSET_MINUTES + 1])
def test_an_offset_outside_one_minute_to_fourteen_days_is_refused(offset):
    with pytest.raises(ValueError, match="between 1 minute and 14 days"):
        check_offsets([60, offset])


def test_five_offsets_are_accepted_and_six_refused():
    assert check_offsets([1, 2, 3, 4, 5]) == [5, 4, 3, 2, 1]
    with pytest.raises(ValueError, match="At most 5 reminder offsets"):
        check_offsets([1, 2, 3, 4, 5, 6])


# due_bucket / buckets_between ----------------------------------------------------------------------


def at(hour, minute, second, microsecond=0, day=10, tz=UTC):
    return datetime(2025, 3, day, hour, minute, second, microsecond, tzinfo=tz)


@pytest.mark.parametrize(
    ("moment", "bucket"),
    [
        (at(9, 59, 50), "20250310095950"),
        (at(9, 59, 59), "20250310095950"),
        (at(9, 59, 59, 999_999), "20250310095950"),
        (at(10, 0, 0), "20250310100000"),
        (at(10, 0, 9), "20250310100000"),
        (at(10, 0, 10), "20250310100010"),
        (at(23, 59, 59), "20250310235950"),
        (at(0, 0, 0, day=11), "20250311000000"),
    ],
)
def test_a_moment_falls_in_its_ten_second_bucket(moment, bucket):
    assert due_bucket(moment) == bucket


def test_a_moment_in_another_zone_is_bucketed_in_utc():
    assert due_bucket(at(12, 0, 5, tz=NAIROBI)) == "20250310090000"
    assert due_bucket(at(2, 30, 15, day=11, tz=NAIROBI)) == "20250310233010"


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        due_bucket(datetime(2025, 3, 10, 9, 0))


def test_buckets_within_one_bucket_are_that_bucket():
    assert buckets_between(at(9, 59, 51), at(9, 59, 59, 999_999)) == ["20250310095950"]
    assert buckets_between(at(10, 0, 0), at(10, 0, 0)) == ["20250310100000"]


def test_buckets_across_the_hour_include_both_ends_oldest_first():
    assert buckets_between(at(9, 59, 45), at(10, 0, 10)) == [
        "20250310095940",
        "20250310095950",
        "20250310100000",
        "20250310100010",
    ]


def test_buckets_from_a_moment_just_before_a_boundary_reach_the_next_bucket():
    assert buckets_between(at(9, 59, 59, 500_000), at(10, 0, 0, 200_000)) == [
        "20250310095950",
        "20250310100000",
    ]


def test_buckets_across_midnight_roll_over_to_the_next_day():
    assert buckets_between(at(23, 59, 40), at(0, 0, 5, day=11)) == [
        "20250310235940",
        "20250310235950",
        "20250311000000",
    ]


def test_buckets_across_the_end_of_a_month_and_year():
    assert buckets_between(
        datetime(2025, 12, 31, 23, 59, 55, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)
    ) == ["20251231235950", "20260101000000"]


def test_buckets_over_a_minute_are_six_per_minute_plus_the_last():
    buckets = buckets_between(at(10, 0, 0), at(10, 1, 0))

    assert len(buckets) == 7
    assert buckets[0] == "20250310100000"
    assert buckets[-1] == "20250310100100"
    assert len(set(buckets)) == 7


def test_buckets_between_moments_in_other_zones_are_utc_buckets():
    # 02:59:55 and 03:00:05 in Nairobi are 23:59:55 and 00:00:05 UTC: across midnight in UTC.
    assert buckets_between(at(2, 59, 55, day=11, tz=NAIROBI), at(3, 0, 5, day=11, tz=NAIROBI)) == [
        "20250310235950",
        "20250311000000",
    ]


def test_buckets_between_moments_given_in_different_zones():
    assert buckets_between(at(12, 59, 58, tz=NAIROBI), at(10, 0, 1)) == ["20250310095950", "20250310100000"]


# buckets_to_sweep ----------------------------------------------------------------------------------


@pytest.mark.parametrize("look_back", [False, True])
def test_a_first_sweep_reads_every_bucket(look_back):
    assert buckets_to_sweep(at(10, 0, 0), None, look_back) is None


def test_a_look_back_reads_the_last_hour_up_to_now():
    now = at(10, 0, 3)
    buckets = buckets_to_sweep(now, at(10, 0, 0), look_back=True)

    assert buckets is not None
    assert buckets[0] == "20250310090000"
    assert buckets[-1] == "20250310100000"
    assert len(buckets) == 361  # 6 per minute for 60 minutes, plus the current bucket
    assert buckets == sorted(buckets)


def test_a_regular_sweep_reads_from_the_bucket_before_the_last_complete_sweep_up_to_now():
    buckets = buckets_to_sweep(at(10, 0, 12), at(10, 0, 1), look_back=False)

    assert buckets == ["20250310095950", "20250310100000", "20250310100010"]


def test_a_regular_sweep_right_after_the_last_reads_that_bucket_and_the_one_before():
    assert buckets_to_sweep(at(10, 0, 4), at(10, 0, 2), look_back=False) == [
        "20250310095950",
        "20250310100000",
    ]


def test_a_regular_sweep_after_a_pause_reads_every_bucket_since():
    buckets = buckets_to_sweep(at(10, 2, 0), at(10, 0, 0), look_back=False)

    assert buckets is not None
    assert buckets[0] == "20250310095950"
    assert buckets[-1] == "20250310100200"
    assert len(buckets) == 14


def test_a_regular_sweep_across_midnight_in_another_zone():
    buckets = buckets_to_sweep(at(3, 0, 5, day=11, tz=NAIROBI), at(2, 59, 58, day=11, tz=NAIROBI), False)

    assert buckets == ["20250310235940", "20250310235950", "20250311000000"]


def test_a_message_goes_out_in_the_language_and_zone_the_person_chose_after_it_was_planned():
    planned = person()
    now_kept = replace(planned, language="en", timezone="Europe/London", role="", revision=1)
    sent_to = current_recipient(planned, now_kept)
    assert (sent_to.language, sent_to.timezone, sent_to.role) == ("en", "Europe/London", "client")


def test_a_message_planned_from_a_newer_copy_of_the_person_keeps_that_copy():
    planned = replace(person(), language="en", revision=3)
    assert current_recipient(planned, replace(person(), revision=2)) is planned
    assert current_recipient(planned, None) is planned
    assert current_recipient(planned, replace(person(), user_id="usr_other", revision=9)) is planned


def test_a_planned_webhook_delivery_is_sent_only_while_its_webhook_is_there_on_and_wants_the_event():
    hook = {"active": True, "events": ["session.booked"]}
    assert webhook_stopped(hook, "session.booked") is None
    assert webhook_stopped(None, "session.booked") == "webhook removed"
    assert webhook_stopped({**hook, "active": False}, "session.booked") == "webhook turned off"
    assert webhook_stopped(hook, "session.cancelled") == "webhook no longer subscribed to session.cancelled"


def test_a_kept_person_without_zone_language_or_revision_is_reached_in_utc_and_english():
    kept = {"user_id": "usr_1", "role": "client", "name": "Wanjiru Kamau", "email": "w@example.org"}
    assert recipient_of(kept) == Recipient(
        "usr_1", "client", "Wanjiru Kamau", "w@example.org", None, "UTC", "en", revision=0
    )
    assert recipient_of({**kept, "timezone": "Africa/Nairobi", "language": "sw", "revision": 4}).revision == 4


def test_a_session_event_older_than_the_one_kept_is_older_and_an_equal_or_newer_one_is_not():
    assert older_than_kept({"revision": 1}, {"revision": 2})
    assert not older_than_kept({"revision": 2}, {"revision": 2})
    assert not older_than_kept({"revision": 3}, {"revision": 2})
    assert not older_than_kept({"revision": 0}, None)
    assert not older_than_kept({}, {})  # from senders before revisions


def test_an_event_goes_to_each_webhook_that_wants_it_once_per_webhook_and_event():
    envelope = {"event_id": "evt_1", "event_type": "session.booked", "data": {"session_id": "ses_1"}}
    planned = plan_webhooks(envelope, [{"_id": "wh_1"}, {"_id": "wh_2"}], NOW)

    assert [d.id for d in planned] == ["webhook:wh_1:evt_1", "webhook:wh_2:evt_1"]
    assert {(d.kind, d.channel, d.due_at, d.session_id) for d in planned} == {
        ("webhook", "webhook", NOW, "ses_1")
    }
    assert planned[0].facts == {"webhook_id": "wh_1", "envelope": envelope}


def test_a_webhook_turned_back_on_starts_counting_failures_again_and_one_turned_off_says_when():
    off = {"active": False}
    on = {"active": True}
    assert webhook_changes(off, {"active": True}, NOW) == {
        "active": True,
        "updated_at": NOW,
        "consecutive_failures": 0,
        "enabled_at": NOW,
        "disabled_at": None,
    }
    assert webhook_changes(on, {"active": True}, NOW) == {
        "active": True,
        "updated_at": NOW,
        "consecutive_failures": 0,
    }
    assert webhook_changes(on, {"active": False}, NOW) == {
        "active": False,
        "updated_at": NOW,
        "disabled_at": NOW,
    }
    assert webhook_changes(off, {"active": False}, NOW) == {"active": False, "updated_at": NOW}
    assert webhook_changes(on, {"url": "https://example.org/h"}, NOW) == {
        "url": "https://example.org/h",
        "updated_at": NOW,
    }


def test_a_finished_assessment_is_summed_up_for_each_counselor_in_the_app_and_by_email_once():
    facts = {
        "result_id": "res_1",
        "key": "riasec",
        "title": "Interest profiler",
        "code": "SIA",
        "top_matches": [{"soc_code": "25-2031.00", "title": "Secondary School Teachers", "fit": 0.9}],
        "client": {"name": "Wanjiru Kamau"},
        "result_path": "/results/res_1",
        "scores": {"S": 38.0},
    }
    amina = person("usr_amina", "counselor", email="amina@example.org")
    baraka = person("usr_baraka", "counselor", email="baraka@example.org")
    planned = plan_assessment_summaries(facts, [(amina, prefs()), (baraka, prefs(email=False))], NOW)

    assert [d.id for d in planned] == [
        "assessment_summary:res_1:usr_amina:email",
        "assessment_summary:res_1:usr_amina:in_app",
        "assessment_summary:res_1:usr_baraka:in_app",
    ]  # no SMS: a summary is read at leisure
    assert planned == plan_assessment_summaries(facts, [(amina, prefs()), (baraka, prefs(email=False))], NOW)
    assert {(d.kind, d.due_at, d.session_id) for d in planned} == {("assessment_summary", NOW, None)}
    assert planned[0].facts == {
        "result_id": "res_1",
        "key": "riasec",
        "title": "Interest profiler",
        "code": "SIA",
        "top_matches": ["Secondary School Teachers"],
        "client_name": "Wanjiru Kamau",
        "result_path": "/results/res_1",
    }
    assert planned[0].recipient["user_id"] == "usr_amina"
    assert plan_assessment_summaries(facts, [], NOW) == []


@dataclass(frozen=True)
class Viewer:
    user_id: str
    role: str
    org_id: str = "org_1"
    branch_id: str | None = None


def test_a_sessions_reminders_are_seen_by_its_counselor_and_its_branch_and_organization_admins_only():
    session = {"org_id": "org_1", "branch_id": "br_1", "counselor_id": "usr_counselor"}

    assert sees_reminders(Viewer("usr_counselor", "counselor"), session)
    assert sees_reminders(Viewer("usr_admin", "branch_admin", branch_id="br_1"), session)
    assert sees_reminders(Viewer("usr_owner", "org_admin"), session)
    assert not sees_reminders(Viewer("usr_other", "counselor"), session)
    assert not sees_reminders(Viewer("usr_admin", "branch_admin", branch_id="br_2"), session)
    assert not sees_reminders(Viewer("usr_owner", "org_admin", org_id="org_2"), session)
    assert not sees_reminders(Viewer("usr_counselor", "counselor", org_id="org_2"), session)
    assert not sees_reminders(Viewer("usr_counselor", "counselor"), None)


def test_an_sms_reply_is_kept_as_received_less_nul_characters_with_what_became_of_it():
    answer = reply_refused("conflict", "cancel", "ses_1", "Too late to cancel.")
    record = sms_reply_record(
        "sms:ATXid_1", {"from": "+254712345678", "text": "2\x00\x00", "id": "ATXid_1"}, answer, NOW
    )

    assert answer == {
        "handled": False,
        "reason": "conflict",
        "action": "cancel",
        "session_id": "ses_1",
        "message": "Too late to cancel.",
    }
    assert record == {
        "_id": "sms:ATXid_1",
        "form": {"from": "+254712345678", "text": "2", "id": "ATXid_1"},
        "received_at": NOW,
        "outcome": "refused",
        "answer": answer,
    }
    assert reply_refused("unknown sender") == {"handled": False, "reason": "unknown sender"}
    handled = reply_handled("confirm", "ses_1")
    assert sms_reply_record("sms_x", {}, handled, NOW)["outcome"] == "handled"


# Workshop seats and counselors' no-shows (#15) ------------------------------------------------------


def test_a_workshop_seats_changes_are_told_to_its_client_and_not_to_the_counselor():
    seat = {"session_id": "ses_1", "workshop_id": "wks_1"}

    assert told_of(seat, ("client", "counselor")) == ("client",)
    assert told_of(seat, ("counselor",)) == ()
    assert told_of({"session_id": "ses_1", "workshop_id": None}, ("client", "counselor")) == (
        "client",
        "counselor",
    )


def test_a_client_without_email_is_planned_sms_and_in_app_only_and_one_with_neither_no_sms():
    phone_only = person(email=None)
    neither = person(user_id="usr_other", email=None, phone=None)

    planned = plan_session_messages(
        "confirmation", "ses_1", START, [(phone_only, prefs()), (neither, prefs())], NOW, FACTS
    )

    assert sorted((d.recipient_id, d.channel) for d in planned) == [
        ("usr_client", "in_app"),
        ("usr_client", "sms"),
        ("usr_other", "in_app"),
    ]


NO_SHOW_FACTS = {
    "session_id": "ses_1",
    "org_id": "org_1",
    "branch_id": "br_1",
    "status": "booked",
    "start": START.isoformat(),
    "end": (START + timedelta(hours=1)).isoformat(),
    "join_path": "/#/sessions/ses_1",
    "modality": "video",
    "session_type": None,
    "revision": 2,
    "counselor": {
        "user_id": "usr_c",
        "role": "counselor",
        "name": "Amina Odhiambo",
        "email": "a@example.org",
    },
    "client": {
        "user_id": "usr_cl",
        "role": "client",
        "name": "Wanjiru Kamau",
        "email": "w@example.org",
        "phone": "+254700000001",
    },
}


def test_a_counselors_no_show_goes_to_each_admin_by_email_and_in_app_once_with_no_client_contact():
    admin = person(user_id="usr_admin", role="branch_admin", email="admin@example.org")

    planned = plan_counselor_no_show(NO_SHOW_FACTS, [(admin, prefs())], NOW)
    again = plan_counselor_no_show(NO_SHOW_FACTS, [(admin, prefs())], NOW + timedelta(minutes=5))

    assert [(d.kind, d.channel, d.recipient_id) for d in planned] == [
        ("counselor_no_show", "email", "usr_admin"),
        ("counselor_no_show", "in_app", "usr_admin"),
    ]
    assert [d.id for d in planned] == [d.id for d in again]  # handled twice: the same messages
    kept = planned[0].facts
    assert kept["client"] == {"user_id": "usr_cl", "role": "client", "name": "Wanjiru"}
    assert "email" not in kept["counselor"]
    assert "+254700000001" not in repr(kept) and "w@example.org" not in repr(kept)


def test_an_agenda_lists_a_workshop_once_with_its_seats_and_a_join_link_for_video_sessions_only():
    def kept(session_id, hour, **extra):
        start = datetime(2026, 12, 1, hour, tzinfo=UTC)
        return {
            "_id": session_id,
            "start": start,
            "end": start + timedelta(hours=1),
            "client_name": "Baraka",
            **extra,
        }

    entries = agenda_entries(
        [
            kept("ses_video", 6),  # kept before #15: a video session
            kept("ses_desk", 7, modality="in_person", location="Kenyatta Avenue"),
            kept("ses_seat_1", 9, modality="in_person", location="Hall", workshop_id="wks_1"),
            kept("ses_seat_2", 9, modality="in_person", location="Hall", workshop_id="wks_1"),
            kept("ses_seat_3", 9, modality="in_person", location="Hall", workshop_id="wks_1"),
        ]
    )

    assert [(e["session_id"], e.get("seats"), "join_path" in e) for e in entries] == [
        ("ses_video", None, True),
        ("ses_desk", None, False),
        ("ses_seat_1", 3, False),
    ]
    assert entries[2]["client_name"] == ""  # a workshop is named by its type, not one client
