"""services/profiles/domain.py: reading each source, the merge rules, provenance, backoff, export."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.profiles import domain, jsonresume
from services.profiles.domain import (
    GITHUB,
    JSON_RESUME,
    LINKEDIN,
    MANUAL,
    SourceState,
    backoff_delay,
    changed_fields,
    edit,
    from_github,
    from_json_resume,
    from_linkedin,
    merge,
    observe,
    partial_date,
    sync_failed,
    sync_succeeded,
    to_json_resume,
)
from tests.support.provider_server import github_repos, github_user

# The published files, shipped as test fixtures (tests/fixtures/public_data/SOURCES.md).
SPECS = Path(__file__).resolve().parents[2] / "fixtures" / "public_data" / "specs"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours):
    return T0 + timedelta(hours=hours)


# --- reading the sources -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Mar 2021", "2021-03"),
        ("September 2019", "2019-09"),
        ("09 Mar 2021", "2021-03-09"),
        ("2015", "2015"),
        ("2020-03", "2020-03"),
        ("3/9/2021", "2021-03-09"),
        ("", None),
        ("Present", None),
        ("13/2020", None),
    ],
)
def test_linkedin_and_iso_dates_are_read_as_json_resume_dates(written, read):
    assert partial_date(written) == read


def test_a_linkedin_export_fills_headline_summary_positions_education_and_skills():
    tables = {
        "profile": [
            {
                "First Name": "Wanjiru",
                "Last Name": "Kamau",
                "Headline": " Data analyst ",
                "Summary": "Line one\r\nLine two",
                "Geo Location": "Nakuru, Kenya",
                "Websites": "[PORTFOLIO:https://wanjiru.example.org,BLOG:http://blog.example.org/w]",
            }
        ],
        "positions": [
            {
                "Company Name": "Safaricom",
                "Title": "Intern",
                "Started On": "Jun 2019",
                "Finished On": "Dec 2019",
            },
            {"Company Name": "", "Title": "", "Description": ""},
        ],
        "education": [{"School Name": "Egerton University", "Degree Name": "BSc", "Start Date": "2015"}],
        "skills": [{"Name": "SQL"}, {"Name": "sql"}, {"Name": "Python"}],
        "languages": [{"Name": "Swahili", "Proficiency": "Native or bilingual proficiency"}],
    }
    values = from_linkedin(tables)
    assert values["name"] == "Wanjiru Kamau"
    assert values["headline"] == "Data analyst"
    assert values["summary"] == "Line one\nLine two"
    assert values["positions"] == [
        {"title": "Intern", "organization": "Safaricom", "start": "2019-06", "end": "2019-12"}
    ]
    assert values["education"] == [{"institution": "Egerton University", "degree": "BSc", "start": "2015"}]
    assert [s["name"] for s in values["skills"]] == ["SQL", "Python"]
    assert [link["url"] for link in values["links"]] == [
        "https://wanjiru.example.org",
        "http://blog.example.org/w",
    ]
    assert "certifications" not in values  # a missing file says nothing


def test_the_newer_profile_summary_file_fills_an_empty_summary():
    values = from_linkedin({"profile": [{"First Name": "A"}], "profile_summary": [{"Profile Summary": "Hi"}]})
    assert values["summary"] == "Hi"


def test_github_languages_and_topics_become_skills_the_bio_a_summary_and_the_blog_a_link():
    values = from_github(github_user(), github_repos())
    assert [s["name"] for s in values["skills"]] == ["Python", "dashboards", "gis", "Go", "health"]
    assert "Rust" not in [s["name"] for s in values["skills"]]  # forks say little about the person
    assert values["summary"] == "I build tools for county health data."
    assert {"label": "Website", "url": "https://wanjiru.example.org"} in values["links"]
    assert {"label": "GitHub", "url": "https://github.com/wanjiru-codes"} in values["links"]


def test_a_json_resume_fills_every_section():
    sample = json.loads((SPECS / "jsonresume_sample.resume_v1.2.1.json").read_text())
    values = from_json_resume(sample)
    assert values["name"] == sample["basics"]["name"]
    assert values["headline"] == sample["basics"]["label"]
    assert values["positions"][0]["organization"] == sample["work"][0]["name"]
    assert values["positions"][0]["start"] == sample["work"][0]["startDate"]
    assert values["skills"][0]["keywords"] == sample["skills"][0]["keywords"]
    assert any(link["label"] == "Twitter" for link in values["links"])


# --- the merge -------------------------------------------------------------------------------


def test_the_newest_changed_source_wins_a_field_and_provenance_names_it():
    linkedin = observe(None, LINKEDIN, {"headline": "Analyst", "summary": "From LinkedIn"}, at(0))
    github = observe(None, GITHUB, {"summary": "From GitHub"}, at(1))
    merged = merge([linkedin, github])
    assert merged.values["headline"] == "Analyst"
    assert merged.values["summary"] == "From GitHub"
    assert merged.provenance["summary"] == {"source": GITHUB, "at": at(1)}
    assert merged.provenance["headline"] == {"source": LINKEDIN, "at": at(0)}


def test_a_resync_with_nothing_new_keeps_the_older_source_winning():
    linkedin = observe(None, LINKEDIN, {"summary": "From LinkedIn"}, at(0))
    github = observe(None, GITHUB, {"summary": "From GitHub"}, at(1))
    linkedin_again = observe(linkedin, LINKEDIN, {"summary": "From LinkedIn"}, at(5))
    assert linkedin_again == linkedin
    assert merge([linkedin_again, github]).values["summary"] == "From GitHub"
    changed = observe(linkedin, LINKEDIN, {"summary": "Rewritten on LinkedIn"}, at(6))
    assert merge([changed, github]).values["summary"] == "Rewritten on LinkedIn"


def test_a_manual_edit_beats_every_source_until_cleared():
    github = observe(None, GITHUB, {"summary": "From GitHub"}, at(3))
    manual = edit(None, {"summary": "My own words"}, at(1))
    merged = merge([github], manual)
    assert merged.values["summary"] == "My own words"
    assert merged.provenance["summary"]["source"] == MANUAL
    cleared = edit(manual, {"summary": None}, at(4))
    assert merge([github], cleared).values["summary"] == "From GitHub"


def test_skills_and_links_are_the_union_of_every_source_naming_each_items_source():
    linkedin = observe(None, LINKEDIN, {"skills": [{"name": "SQL"}, {"name": "Python"}]}, at(0))
    github = observe(None, GITHUB, {"skills": [{"name": "python"}, {"name": "Go"}]}, at(1))
    skills = merge([linkedin, github]).values["skills"]
    assert skills == [
        {"name": "python", "source": GITHUB},
        {"name": "Go", "source": GITHUB},
        {"name": "SQL", "source": LINKEDIN},
    ]


def test_only_the_fields_whose_value_changed_are_reported():
    before = merge(
        [observe(None, LINKEDIN, {"headline": "A", "summary": "S", "skills": [{"name": "x"}]}, at(0))]
    )
    after = merge(
        [observe(None, LINKEDIN, {"headline": "A", "summary": "S2", "skills": [{"name": "x"}]}, at(1))]
    )
    assert changed_fields(before.values, after.values) == ["summary"]
    assert changed_fields(after.values, after.values) == []


# --- backoff and status ------------------------------------------------------------------------


def test_a_failing_source_backs_off_exponentially_up_to_the_cap():
    base, cap = timedelta(minutes=5), timedelta(hours=1)
    assert [backoff_delay(n, base, cap) for n in range(1, 6)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
        timedelta(minutes=40),
        timedelta(hours=1),
    ]


def test_each_failure_pushes_the_next_attempt_further_and_a_success_resets_it():
    base, cap, day = timedelta(minutes=5), timedelta(days=1), timedelta(days=1)
    state = SourceState(GITHUB)
    state = sync_failed(state, at(0), "server_error", "GitHub failed", base, cap, scheduled=True)
    assert (state.status, state.failures, state.next_sync_at) == ("failed", 1, at(0) + base)
    state = sync_failed(state, at(1), "server_error", "GitHub failed", base, cap, scheduled=True)
    assert state.next_sync_at == at(1) + 2 * base
    assert state.error == "GitHub failed"
    state = sync_succeeded(state, at(2), day, scheduled=True)
    assert (state.status, state.failures, state.error, state.next_sync_at) == ("ok", 0, None, at(2) + day)


def test_a_rate_limit_reset_later_than_the_backoff_holds_the_retry_until_the_reset():
    state = sync_failed(
        SourceState(GITHUB),
        at(0),
        "rate_limited",
        "limit",
        timedelta(minutes=5),
        timedelta(days=1),
        scheduled=True,
        not_before=at(2),
    )
    assert state.next_sync_at == at(2)


def test_an_uploaded_export_is_not_retried_on_its_own():
    state = sync_failed(
        SourceState(LINKEDIN), at(0), "invalid_export", "x", timedelta(1), timedelta(2), False
    )
    assert state.next_sync_at is None and state.failures == 1


# --- export --------------------------------------------------------------------------------------


def test_the_export_is_a_valid_json_resume_holding_the_profile():
    sample = json.loads((SPECS / "jsonresume_sample.resume_v1.2.1.json").read_text())
    linkedin = observe(None, LINKEDIN, {"positions": [{"title": "Analyst", "start": "2021-03"}]}, at(0))
    resume = observe(None, JSON_RESUME, from_json_resume(sample), at(1))
    exported = to_json_resume(merge([linkedin, resume]).values)
    assert jsonresume.problems(exported) == {}
    assert exported["basics"]["name"] == sample["basics"]["name"]
    assert exported["work"][0]["name"] == sample["work"][0]["name"]
    assert {p["network"] for p in exported["basics"]["profiles"]} >= {"Twitter"}


def test_a_link_saved_without_a_label_exports_as_a_profile_without_a_network():
    # Found by the fuzz test: GET /api/v1/profile/export answered 503 (KeyError 'label').
    exported = to_json_resume({"links": [{"url": "https://example.org/amina"}]})
    assert exported["basics"]["profiles"] == [{"url": "https://example.org/amina"}]
    assert jsonresume.problems(exported) == {}


def test_an_empty_profile_exports_an_empty_but_valid_resume():
    assert to_json_resume({}) == {}
    assert jsonresume.problems(to_json_resume({})) == {}


def test_fields_unknown_to_the_profile_are_ignored():
    assert "bogus" not in observe(None, LINKEDIN, {"bogus": "x", "headline": "A"}, at(0)).values
    assert domain.FIELDS[0] == "name"


# --- reading again, and who sees a profile --------------------------------------------------------


def test_a_source_that_says_nothing_changed_keeps_its_snapshot():
    before = observe(None, GITHUB, {"name": "Wanjiru"}, at(0))
    assert domain.after_reading(before, GITHUB, None, at(1)) == before
    assert domain.after_reading(None, GITHUB, None, at(1)) == observe(None, GITHUB, {}, at(1))
    assert domain.after_reading(before, GITHUB, {"name": "Wanjiru K."}, at(1)).changed_at["name"] == at(1)


def test_only_github_and_a_json_resume_url_are_read_again_on_schedule():
    assert domain.rereads_itself(GITHUB, {"username": "wanjiru"})
    assert domain.rereads_itself(JSON_RESUME, {"url": "https://example.org/resume.json"})
    assert not domain.rereads_itself(JSON_RESUME, {"document_json": "{}"})
    assert not domain.rereads_itself(LINKEDIN, {"upload_id": "sync_1"})


@dataclass(frozen=True)
class Viewer:
    role: str
    org_id: str = "org_nakuru"
    branch_id: str | None = "br_town"
    user_id: str = "usr_viewer"


def test_staff_of_the_clients_organization_see_a_profile_counselors_only_their_clients():
    profile = {"org_id": "org_nakuru", "branch_id": "br_town"}
    asked = []

    def counsels():
        asked.append(True)
        return True

    assert domain.staff_may_see(Viewer("org_admin", branch_id=None), profile, counsels)
    assert domain.staff_may_see(Viewer("branch_admin"), profile, counsels)
    assert not domain.staff_may_see(Viewer("branch_admin", branch_id="br_lake"), profile, counsels)
    assert asked == []  # only a counselor is asked about
    assert domain.staff_may_see(Viewer("counselor"), profile, counsels)
    assert not domain.staff_may_see(Viewer("counselor"), profile, lambda: False)
    assert not domain.staff_may_see(Viewer("org_admin", org_id="org_mombasa"), profile, counsels)
    assert not domain.staff_may_see(Viewer("org_admin"), None, counsels)
