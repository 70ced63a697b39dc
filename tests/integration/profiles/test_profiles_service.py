"""The profiles service in real containers, reading sources served by a local HTTP server:
the normalized profile, provenance, events, backoff, rate limits, refusals and who may see what."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from services.profiles.service import ProfilesService
from shared.auth import TOKEN_KEY, Auth, Caller, Tokens
from shared.config import load_settings
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.events.contracts import PROFILE_SYNC_FAILED, PROFILE_SYNCED, SESSION_BOOKED
from shared.events.envelope import build, validate_envelope
from shared.ids import new_id
from shared.mongo import now
from shared.service import rpc
from tests.support.containers import store_of
from tests.support.linkedin_exports import csv_text, make_linkedin_export, zip_of
from tests.support.provider_server import (
    ProviderServer,
    Reply,
    github_server,
    rate_limited,
    serve_github_user,
)
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

BACKOFF_SECONDS = 60
RESUME = {
    "basics": {"name": "Wanjiru Kamau", "label": "Data analyst", "summary": "Counts things for the county."},
    "skills": [{"name": "Statistics", "keywords": ["R", "SPSS"]}],
}


# Stands where notifications and reports will: records every profile event.
RecorderService, received = event_recorder("profiles", PROFILE_SYNCED, PROFILE_SYNC_FAILED, name="recorder")


sessions_together: set[tuple[str, str]] = set()  # (counselor, client) as scheduling would answer


class SchedulingStandIn:
    """Stands where scheduling is: answers a counselor's "my sessions with this client?"."""

    name = "scheduling"
    auth = Auth()

    @rpc
    def list_sessions(self, query):
        counselor = self.auth.caller("counselor").user_id
        together = (counselor, query["client_id"]) in sessions_together
        return {"items": [{"id": "ses_1"}] if together else [], "next_cursor": None}


@pytest.fixture(autouse=True)
def _clear():
    received.clear()
    sessions_together.clear()


@pytest.fixture
def github():
    with github_server() as running:
        yield running


@pytest.fixture
def host():
    """Where clients publish their JSON Resume."""
    with ProviderServer() as running:
        yield running


@pytest.fixture
def profiles_config(config, github):
    return {
        **config,
        "NJIA_GITHUB_API_URL": github.base_url,
        "NJIA_FETCH_ALLOW_PRIVATE": "true",
        "NJIA_FETCH_TIMEOUT_SECONDS": "3",
        "NJIA_PROFILE_BACKOFF_SECONDS": str(BACKOFF_SECONDS),
        "NJIA_PROFILE_SYNC_SWEEP_SECONDS": "3600",
    }


@pytest.fixture
def profiles(container_factory, profiles_config):
    container = container_factory(ProfilesService, profiles_config)
    container.start()
    recorder = container_factory(RecorderService, profiles_config)
    recorder.start()
    scheduling = container_factory(SchedulingStandIn, profiles_config)
    scheduling.start()
    return container


class Person:
    def __init__(self, config, role, org_id="org_nakuru", branch_id="br_town"):
        self.caller = Caller(new_id("usr"), org_id, role, branch_id)
        self.id = self.caller.user_id
        self.token = Tokens.from_settings(load_settings(config)).issue(self.caller, now())


@pytest.fixture
def client(profiles_config):
    return Person(profiles_config, "client")


def call(container, method, *args, person=None):
    context = {TOKEN_KEY: person.token} if person else {}
    with entrypoint_hook(container, method, context_data=context) as hook:
        return hook(*args)


def upload(profiles, person, data):
    import base64

    return call(profiles, "upload_linkedin_export", base64.b64encode(data).decode(), person=person)


def finished(profiles, person, accepted):
    """Wait for a 202'd sync to finish; its outcome per source."""
    return wait_until(
        lambda: (
            (s := call(profiles, "get_sync", accepted["sync_id"], person=person))["status"] == "done" and s
        ),
        timeout=30,  # generous: FerretDB can be slow while the whole suite runs
        message=f"sync {accepted['sync_id']} did not finish",
    )


def events(kind, client_id=None):
    """Each event once: delivery is at least once (the outbox relay may publish a copy)."""
    unique = {e["event_id"]: e for e in received}
    return [
        e for e in unique.values() if e["event_type"] == kind and client_id in (None, e["data"]["client_id"])
    ]


def profile_of(profiles, person, client_id=None):
    return call(profiles, "get_profile", {"client_id": client_id} if client_id else {}, person=person)


def source(profile, kind):
    return next(s for s in profile["sources"] if s["kind"] == kind)


# --- sources become a normalized profile ------------------------------------------------------


def test_a_linkedin_export_becomes_a_normalized_profile_with_provenance_and_one_synced_event(
    profiles, client
):
    accepted = upload(profiles, client, make_linkedin_export())
    assert accepted["status"] == "pending" and accepted["sources"] == ["linkedin"]
    assert finished(profiles, client, accepted)["results"]["linkedin"]["status"] == "ok"
    profile = profile_of(profiles, client)
    assert profile["headline"] == "Data analyst, Nakuru"
    assert profile["summary"] == "I turn county data into decisions.\nOpen to mentoring, too."
    assert [p["organization"] for p in profile["positions"]] == ["Nakuru County Government", "Safaricom"]
    assert profile["positions"][1]["end"] == "2019-12"
    assert profile["education"][0]["institution"] == "Egerton University"
    assert [s["name"] for s in profile["skills"]] == ["SQL", "Data Visualization", "Python"]
    assert profile["provenance"]["headline"]["source"] == "linkedin"
    assert datetime.fromisoformat(profile["provenance"]["headline"]["at"]) <= datetime.now(UTC)
    assert source(profile, "linkedin")["status"] == "ok" and source(profile, "linkedin")["last_synced_at"]
    wait_until(lambda: events(PROFILE_SYNCED), message="no profile.synced")
    (synced,) = events(PROFILE_SYNCED)
    validate_envelope(synced)
    assert synced["data"]["client_id"] == client.id
    assert synced["data"]["changed_fields"] == [
        "name", "headline", "summary", "location", "positions", "education", "skills", "certifications",
        "languages", "links",
    ]  # fmt: skip
    assert store_of(profiles).profiles.find_one({"_id": client.id})["outbox"] == {}


def test_a_resync_with_no_change_publishes_nothing_and_a_change_publishes_exactly_the_changed_fields(
    profiles, client, host
):
    host.serve("/wanjiru.json", RESUME)
    accepted = call(profiles, "connect_json_resume", {"url": host.url("/wanjiru.json")}, person=client)
    finished(profiles, client, accepted)
    wait_until(lambda: len(events(PROFILE_SYNCED)) == 1, message="first sync published nothing")
    assert set(events(PROFILE_SYNCED)[0]["data"]["changed_fields"]) == {
        "name",
        "headline",
        "summary",
        "skills",
    }

    again = finished(profiles, client, call(profiles, "sync_now", person=client))
    assert again["results"]["json_resume"] == {"status": "ok", "changed_fields": []}
    assert host.requests_to("/wanjiru.json")[-1].status == 304
    host.serve("/wanjiru.json", {**RESUME, "basics": {**RESUME["basics"], "summary": "Now a team lead."}})
    changed = finished(profiles, client, call(profiles, "sync_now", person=client))
    assert changed["results"]["json_resume"]["changed_fields"] == ["summary"]
    wait_until(lambda: len(events(PROFILE_SYNCED)) == 2, message="the change published nothing")
    assert events(PROFILE_SYNCED)[1]["data"]["changed_fields"] == ["summary"]
    assert profile_of(profiles, client)["summary"] == "Now a team lead."
    assert len(events(PROFILE_SYNCED)) == 2  # the 304 re-sync published nothing


def test_github_and_linkedin_merge_skills_and_the_newest_summary_wins(profiles, client, github):
    serve_github_user(github)
    finished(profiles, client, upload(profiles, client, make_linkedin_export()))
    finished(profiles, client, call(profiles, "connect_github", {"username": "wanjiru-codes"}, person=client))
    profile = profile_of(profiles, client)
    skills = {s["name"]: s["source"] for s in profile["skills"]}
    assert skills["Python"] == "github" and skills["Go"] == "github" and skills["SQL"] == "linkedin"
    assert profile["summary"] == "I build tools for county health data."
    assert profile["provenance"]["summary"]["source"] == "github"
    assert profile["provenance"]["headline"]["source"] == "linkedin"
    assert {"label": "GitHub", "url": "https://github.com/wanjiru-codes", "source": "github"} in profile[
        "links"
    ]
    assert source(profile, "github")["username"] == "wanjiru-codes"
    exported = call(profiles, "export_profile", {}, person=client)
    from services.profiles import jsonresume

    assert jsonresume.problems(exported) == {}
    assert exported["basics"]["summary"] == "I build tools for county health data."
    assert {s["name"] for s in exported["skills"]} >= {"Python", "SQL"}


def test_a_manual_edit_beats_a_later_sync(profiles, client):
    finished(profiles, client, upload(profiles, client, make_linkedin_export()))
    edited = call(profiles, "update_profile", {"headline": "Careers in data, Nakuru"}, person=client)
    assert edited["headline"] == "Careers in data, Nakuru"
    assert edited["provenance"]["headline"]["source"] == "manual"
    newer = make_linkedin_export(
        {
            "Profile.csv": csv_text(
                ["First Name", "Last Name", "Headline"], [{"First Name": "W", "Headline": "New"}]
            )
        }
    )
    finished(profiles, client, upload(profiles, client, newer))
    profile = profile_of(profiles, client)
    assert profile["headline"] == "Careers in data, Nakuru"
    assert profile["name"] == "W"
    cleared = call(profiles, "update_profile", {"headline": None}, person=client)
    assert cleared["headline"] == "New"


# --- failures: backoff, rate limits, reasons ------------------------------------------------------


def test_a_rate_limited_github_source_waits_for_the_reset_and_says_why(profiles, client, github):
    serve_github_user(github)
    reset = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    github.queue("/users/wanjiru-codes", rate_limited(reset))
    outcome = finished(
        profiles, client, call(profiles, "connect_github", {"username": "wanjiru-codes"}, person=client)
    )
    assert outcome["results"]["github"]["code"] == "rate_limited"
    state = source(profile_of(profiles, client), "github")
    assert state["status"] == "failed"
    assert datetime.fromisoformat(state["next_sync_at"]) == reset
    assert "rate limit" in state["error"]
    wait_until(lambda: events(PROFILE_SYNC_FAILED), message="no profile.sync_failed")
    failed = events(PROFILE_SYNC_FAILED)[0]["data"]
    assert failed["code"] == "rate_limited" and "NJIA_GITHUB_TOKEN" in failed["reason"]
    assert datetime.fromisoformat(failed["retry_at"]) == reset
    # Neither the schedule nor a "sync now" asks GitHub again before the reset.
    call(profiles, "resync_due_sources")
    finished(profiles, client, call(profiles, "sync_now", person=client))
    assert len(github.requests) == 1


def test_a_failing_source_backs_off_exponentially_and_recovers(profiles, client, github):
    serve_github_user(github)
    github.queue(
        "/users/wanjiru-codes", Reply(502, {"message": "Bad gateway"}), Reply(503, {"message": "Down"})
    )
    store = store_of(profiles)
    before = datetime.now(UTC)
    finished(profiles, client, call(profiles, "connect_github", {"username": "wanjiru-codes"}, person=client))
    first = store.source(client.id, "github")
    assert first["failures"] == 1
    assert first["next_sync_at"] - before >= timedelta(seconds=BACKOFF_SECONDS)
    assert first["next_sync_at"] - datetime.now(UTC) <= timedelta(seconds=BACKOFF_SECONDS)

    call(profiles, "resync_due_sources")  # not due yet: GitHub is not asked
    assert len(github.requests) == 1

    def due_now():
        attempted = store.source(client.id, "github")["last_attempt_at"]
        store.sources.update_one({"_id": f"{client.id}:github"}, {"$set": {"next_sync_at": now()}})
        call(profiles, "resync_due_sources")
        wait_until(
            lambda: store.source(client.id, "github")["last_attempt_at"] > attempted,
            timeout=15,
            message="the due source was not synced",
        )

    due_now()
    second = store.source(client.id, "github")
    assert second["failures"] == 2
    assert second["next_sync_at"] - second["last_attempt_at"] == timedelta(seconds=2 * BACKOFF_SECONDS)
    due_now()  # GitHub answers again
    recovered = store.source(client.id, "github")
    assert (recovered["status"], recovered["failures"], recovered["error"]) == ("ok", 0, None)
    assert recovered["next_sync_at"] - recovered["last_synced_at"] == timedelta(days=1)
    wait_until(
        lambda: len(events(PROFILE_SYNC_FAILED)) == 2 and events(PROFILE_SYNCED), message="events missing"
    )
    assert [e["data"]["attempts"] for e in events(PROFILE_SYNC_FAILED)] == [1, 2]
    assert all("GitHub failed" in e["data"]["reason"] for e in events(PROFILE_SYNC_FAILED))


def test_a_broken_export_that_passed_the_first_check_fails_with_a_reason(profiles, client):
    # A CSV whose header never names a column LinkedIn writes.
    export = zip_of({"Skills.csv": "\n".join(["x"] * 20).encode()})
    outcome = finished(profiles, client, upload(profiles, client, export))
    assert "header row" in outcome["results"]["linkedin"]["error"]
    assert "Upload the export again" in source(profile_of(profiles, client), "linkedin")["error"]
    wait_until(lambda: events(PROFILE_SYNC_FAILED), message="no profile.sync_failed")


# --- refusals: 4xx and nothing stored ---------------------------------------------------------------


def nothing_stored(profiles):
    store = store_of(profiles)
    return all(
        store.db[name].count_documents({}) == 0
        for name in ("profiles", "sources", "syncs", "uploads", "snapshots")
    )


ATTACKS = {
    "zip bomb": zip_of({"Positions.csv": b"Company Name,Title\r\n" + b"0" * (40 * 1024 * 1024)}),
    "path traversal": zip_of({"../../etc/cron.d/Skills.csv": b"Name\r\nx\r\n"}),
    "absolute path": zip_of({"/tmp/Skills.csv": b"Name\r\nx\r\n"}),
    "non-CSV junk": zip_of({"Skills.csv": b"Name\r\nSQL\r\n", "run.sh": b"#!/bin/sh\nrm -rf /\n"}),
    "binary named .csv": zip_of({"Positions.csv": bytes(range(256)) * 64}),
    "too many entries": zip_of({f"f{i}.csv": b"a\r\n" for i in range(400)}),
    "not a zip": b"GIF89a not an export at all",
    "no LinkedIn files": zip_of({"budget.csv": b"item,amount\r\n"}),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_unsafe_upload_is_refused_and_nothing_is_stored(profiles, client, attack):
    with pytest.raises(ValidationFailed) as refused:
        upload(profiles, client, ATTACKS[attack])
    assert refused.value.details["export"][0] == refused.value.message
    assert nothing_stored(profiles)


def test_a_json_resume_url_on_this_machine_is_refused_when_private_addresses_are_not_allowed(
    container_factory, profiles_config, host, client
):
    container = container_factory(ProfilesService, {**profiles_config, "NJIA_FETCH_ALLOW_PRIVATE": "false"})
    container.start()
    host.serve("/wanjiru.json", RESUME)
    for url in (host.url("/wanjiru.json"), "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"):
        with pytest.raises(ValidationFailed) as refused:
            call(container, "connect_json_resume", {"url": url}, person=client)
        assert "url" in refused.value.details
    assert host.requests == []
    assert nothing_stored(container)


def test_an_invalid_json_resume_document_is_refused_naming_each_field(profiles, client):
    with pytest.raises(ValidationFailed) as refused:
        call(
            profiles,
            "connect_json_resume",
            {"basics": {"email": "wanjiru-at-example"}, "work": [{"startDate": "last March"}]},
            person=client,
        )
    assert set(refused.value.details) == {"basics.email", "work.0.startDate"}
    assert nothing_stored(profiles)


def test_a_posted_json_resume_document_is_read_off_the_request_path(profiles, client):
    document = {"$schema": "https://example.org/schema.json", **RESUME}
    finished(profiles, client, call(profiles, "connect_json_resume", document, person=client))
    profile = profile_of(profiles, client)
    assert profile["headline"] == "Data analyst"
    assert source(profile, "json_resume")["next_sync_at"] is None  # nothing to re-fetch


def test_sync_now_without_a_source_is_a_conflict(profiles, client):
    with pytest.raises(Conflict):
        call(profiles, "sync_now", person=client)


# --- who sees a profile ------------------------------------------------------------------------------


def book_session(config, counselor, client):
    def participant(person, role):
        return {
            "user_id": person.id,
            "role": role,
            "name": role.title(),
            "email": f"{person.id}@example.org",
            "timezone": "Africa/Nairobi",
            "language": "en",
        }

    start = datetime.now(UTC) + timedelta(days=1)
    data = {
        "session_id": new_id("ses"),
        "org_id": client.caller.org_id,
        "branch_id": client.caller.branch_id,
        "status": "booked",
        "start": start,
        "end": start + timedelta(minutes=45),
        "counselor": participant(counselor, "counselor"),
        "client": participant(client, "client"),
        "join_path": "/sessions/x/join",
        "booked_by": client.id,
    }
    event_dispatcher(config)("scheduling", SESSION_BOOKED, build(SESSION_BOOKED, data, now()))


def test_a_counselor_sees_a_clients_profile_once_they_have_a_session_together(
    profiles, client, profiles_config, container_factory
):
    finished(profiles, client, upload(profiles, client, make_linkedin_export()))
    counselor = Person(profiles_config, "counselor")
    with pytest.raises(NotFound):
        profile_of(profiles, counselor, client.id)
    with entrypoint_waiter(profiles, "handle_session_booked"):
        book_session(profiles_config, counselor, client)
    assert profile_of(profiles, counselor, client.id)["headline"] == "Data analyst, Nakuru"
    assert call(profiles, "export_profile", {"client_id": client.id}, person=counselor)["basics"]["name"]

    assert profile_of(profiles, Person(profiles_config, "org_admin"), client.id)["client_id"] == client.id
    assert profile_of(profiles, Person(profiles_config, "branch_admin"), client.id)["client_id"] == client.id
    for outsider in (
        Person(profiles_config, "branch_admin", branch_id="br_other"),
        Person(profiles_config, "org_admin", org_id="org_other"),
        Person(profiles_config, "client"),
    ):
        with pytest.raises(NotFound):
            profile_of(profiles, outsider, client.id)


def test_a_counselor_with_a_session_scheduling_knows_of_sees_the_profile_too(
    profiles, client, profiles_config
):
    finished(profiles, client, upload(profiles, client, make_linkedin_export()))
    counselor = Person(profiles_config, "counselor")
    sessions_together.add((counselor.id, client.id))
    assert profile_of(profiles, counselor, client.id)["client_id"] == client.id
    sessions_together.clear()  # remembered: scheduling is not asked again
    assert profile_of(profiles, counselor, client.id)["client_id"] == client.id


def test_a_client_sees_an_empty_profile_before_connecting_anything(profiles, client):
    profile = profile_of(profiles, client)
    assert profile["client_id"] == client.id
    assert profile["headline"] is None and profile["skills"] == [] and profile["sources"] == []
    assert json.dumps(profile)
