"""The assessments service in real containers beside accounts and scheduling: RabbitMQ, FerretDB."""

import io

import pytest

from services.accounts.service import AccountsService
from services.assessments.importer import run_import
from services.assessments.inventories import RIASEC, WORK_VALUES
from services.assessments.readers import Progress, Sources
from services.assessments.service import AssessmentsService
from services.assessments.store import open_store
from services.scheduling.service import SchedulingService
from shared.errors import BadRequest, Forbidden, NotFound, ValidationFailed
from shared.events.contracts import ASSESSMENT_COMPLETED
from shared.events.envelope import validate_envelope
from tests.support.builders import make_availability, make_branch, make_organization, make_user
from tests.support.containers import call, start_containers, store_of
from tests.support.recorders import event_recorder
from tests.support.waiting import wait_until

# Stands where notifications listens: records every assessment.completed.
RecorderService, completed = event_recorder("assessments", ASSESSMENT_COMPLETED, name="assessment_recorder")


def answers_with(inv, **sums):
    """Answers whose per-area sums are ``sums`` (each spread evenly over the area's items)."""
    answers = {}
    for area in inv.area_keys:
        items = inv.items_of(area)
        base, extra = divmod(sums[area], len(items))
        for n, item in enumerate(items):
            answers[item.id] = base + (1 if n < extra else 0)
    return answers


SOCIAL = answers_with(RIASEC, R=14, I=22, A=12, S=38, E=20, C=18)  # code SIE


@pytest.fixture(autouse=True)
def _clear():
    completed.clear()


@pytest.fixture
def platform(container_factory, config):
    config = {**config, "NJIA_OCCUPATIONS_REFRESH_SECONDS": "0.1", "NJIA_NO_SHOW_SWEEP_SECONDS": "3600"}
    return start_containers(
        container_factory, config, AccountsService, SchedulingService, AssessmentsService, RecorderService
    )


def organization(platform, *people, branch_zone="Africa/Nairobi"):
    """An organization with a Nairobi branch and its people (``"client"``, ``"counselor"``...), signed in."""
    accounts = platform["accounts"]
    body = make_organization()
    call(accounts, "create_organization", body)
    admin = call(accounts, "issue_token", {"email": body["admin"]["email"], "password": "pass-word-1"})
    admin = admin["access_token"]
    branch = call(accounts, "create_branch", make_branch(timezone=branch_zone), token=admin)
    org = {"tokens": {"org_admin": admin}, "ids": {}, "branch": branch}
    for name in people:
        add_person(platform, org, name)
    return org


def add_person(platform, org, name, role=None):
    role = role or name.removeprefix("other_")
    user = make_user(role, org["branch"]["id"])
    accounts, admin = platform["accounts"], org["tokens"]["org_admin"]
    org["ids"][name] = call(accounts, "create_user", user, token=admin)["id"]
    token = call(accounts, "issue_token", {"email": user["email"], "password": "pass-word-1"})
    org["tokens"][name] = token["access_token"]


@pytest.fixture
def org(platform):
    return organization(platform, "client", "counselor")


def book_session(platform, org, client="client"):
    """The client books the counselor: from then on the counselor counsels the client."""
    scheduling, tokens, ids = platform["scheduling"], org["tokens"], org["ids"]
    call(scheduling, "set_availability", ids["counselor"], make_availability(), token=tokens["counselor"])
    slot = call(scheduling, "open_slots", {"counselor_id": ids["counselor"]}, token=tokens[client])
    call(
        scheduling,
        "book_session",
        {"counselor_id": ids["counselor"], "start": slot["items"][0]["start"]},
        token=tokens[client],
    )
    store = store_of(platform["assessments"])
    wait_until(lambda: store.counsels(ids["counselor"], ids[client]), message="session.booked not kept")


def submit(platform, org, key="riasec", answers=SOCIAL, who="client", **extra):
    body = {"answers": answers, **extra}
    return call(platform["assessments"], "submit_response", key, body, token=org["tokens"][who])


# Taking an assessment --------------------------------------------------------------------------------


def test_a_client_gets_scores_a_code_matches_and_the_counselor_hears_of_it(platform, org):
    book_session(platform, org)
    result = submit(platform, org)
    assert result["scores"] == {"R": 14, "I": 22, "A": 12, "S": 38, "E": 20, "C": 18}
    assert result["code"] == "SIE"
    assert result["score_range"] == {"min": 8, "max": 40}
    assert len(result["matches"]) == 20
    assert result["matches"][0]["occupation_code"][0] in "SI"
    assert all(m["job_zone"] in (1, 2, 3, 4, 5) and -1 <= m["fit"] <= 1 for m in result["matches"])
    # A Nairobi branch: no Kenyan figures were imported, so the US ones are shown and marked.
    assert result["region"] == "KE"
    with_figures = [m for m in result["matches"] if m["median_wage"]]
    assert with_figures and all(m["labour_region"] == "US" and not m["local_figures"] for m in with_figures)
    assert any("US figures" in note and "KE" in note for note in result["notes"])

    wait_until(lambda: completed, message="no assessment.completed event")
    # One event; the outbox relay may deliver a copy too (at least once), with the same id.
    assert len({e["event_id"] for e in completed}) == 1
    event = completed[0]
    validate_envelope(event)
    data = event["data"]
    assert data["result_id"] == result["id"] and data["key"] == "riasec" and data["code"] == "SIE"
    assert data["client"]["user_id"] == org["ids"]["client"] and data["client"]["email"].startswith("client-")
    assert [c["user_id"] for c in data["counselors"]] == [org["ids"]["counselor"]]
    assert data["top_matches"][0]["soc_code"] == result["matches"][0]["soc_code"]
    assert data["result_path"] == f"/results/{result['id']}"
    assert store_of(platform["assessments"]).results.find_one({"_id": result["id"]})["outbox"] == {}

    svg = call(
        platform["assessments"], "result_chart", result["id"], {"lang": "sw"}, token=org["tokens"]["client"]
    )
    assert svg.startswith("<?xml") and "<svg" in svg and "Msimbo: SIE" in svg and "Kijamii" in svg


def test_the_client_chooses_the_job_zones_matched(platform, org):
    result = submit(platform, org, job_zones=[1, 2])
    assert result["job_zones"] == [1, 2]
    assert {m["job_zone"] for m in result["matches"]} <= {1, 2}
    again = call(
        platform["assessments"],
        "result_matches",
        result["id"],
        {"job_zones": "5", "limit": "5"},
        token=org["tokens"]["client"],
    )
    assert len(again["items"]) == 5 and {m["job_zone"] for m in again["items"]} == {5}


def test_the_catalog_of_assessments_pages_with_limit_and_cursor(platform, org):
    assessments, token = platform["assessments"], org["tokens"]["client"]

    def catalog(**query):
        return call(assessments, "list_assessments", query, token=token)

    whole = catalog()
    assert [a["key"] for a in whole["items"]] == ["riasec", "work_values"] and whole["next_cursor"] is None
    first = catalog(limit="1")
    assert [a["key"] for a in first["items"]] == ["riasec"] and first["next_cursor"]
    second = catalog(limit="1", cursor=first["next_cursor"])
    assert [a["key"] for a in second["items"]] == ["work_values"] and second["next_cursor"] is None
    with pytest.raises(BadRequest):
        catalog(cursor="%%%")
    with pytest.raises(ValidationFailed):
        catalog(limit="201")


def test_a_results_matches_page_with_a_cursor_in_rank_order_to_the_last(platform, org):
    result = submit(platform, org)
    assessments, token = platform["assessments"], org["tokens"]["client"]

    def matches(**query):
        return call(assessments, "result_matches", result["id"], query, token=token)

    whole = matches(job_zones="1,2", limit="100")
    assert 5 < len(whole["items"]) < 100 and whole["next_cursor"] is None
    paged, cursor = [], None
    while True:
        page = matches(job_zones="1,2", limit="5", **({"cursor": cursor} if cursor else {}))
        paged += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["items"]) == 5
    assert [m["soc_code"] for m in paged] == [m["soc_code"] for m in whole["items"]]
    with pytest.raises(BadRequest):
        matches(cursor="bm90LWEtcmFuaw")  # "not-a-rank"


def test_bad_answers_are_refused_item_by_item_and_nothing_is_stored(platform, org):
    answers = dict(SOCIAL)
    answers.pop("C08")
    answers.update({"R01": 6, "I02": "4", "X99": 3})
    with pytest.raises(ValidationFailed) as refused:
        submit(platform, org, answers=answers)
    assert refused.value.details == {
        "answers.R01": ["Must be a whole number from 1 to 5."],
        "answers.I02": ["Must be a whole number from 1 to 5."],
        "answers.X99": ["No such item in this assessment."],
        "answers.C08": ["Not answered yet."],
    }
    assert store_of(platform["assessments"]).results.count_documents({}) == 0
    with pytest.raises(ValidationFailed) as refused:
        submit(platform, org, job_zones=[0, 6])
    assert set(refused.value.details) == {"job_zones.0", "job_zones.1"}
    with pytest.raises(Forbidden):  # only clients answer
        submit(platform, org, who="counselor")
    with pytest.raises(NotFound):
        submit(platform, org, key="myers_briggs")


def test_answers_saved_part_way_resume_where_the_client_stopped(platform, org):
    add_person(platform, org, "other_client")
    assessments, token = platform["assessments"], org["tokens"]["client"]
    first_half = {item_id: 4 for item_id in RIASEC.item_ids[:20]}
    saved = call(assessments, "save_draft", "riasec", {"answers": first_half}, token=token)
    assert saved["answered"] == 20 and saved["total"] == 48 and saved["next_item_id"] == "A05"
    resumed = call(assessments, "get_draft", "riasec", token=token)
    assert resumed["answers"] == first_half and resumed["next_item_id"] == "A05"
    with pytest.raises(ValidationFailed) as refused:
        call(assessments, "save_draft", "riasec", {"answers": {"R01": 0, "Q1": 2}}, token=token)
    assert set(refused.value.details) == {"answers.R01", "answers.Q1"}
    assert call(assessments, "get_draft", "riasec", token=token)["answered"] == 20  # unchanged
    submit(platform, org)
    with pytest.raises(NotFound):  # submitting finishes the draft
        call(assessments, "get_draft", "riasec", token=token)
    with pytest.raises(NotFound):  # drafts are the client's own
        call(assessments, "get_draft", "riasec", token=org["tokens"]["other_client"])


# Who sees a result ---------------------------------------------------------------------------------


def test_a_result_is_seen_by_the_client_their_counselor_and_the_branch_admin_only(platform, org):
    for name in ("other_client", "other_counselor", "branch_admin"):
        add_person(platform, org, name)
    book_session(platform, org)
    result = submit(platform, org)
    assessments, tokens = platform["assessments"], org["tokens"]
    for who in ("client", "counselor", "branch_admin", "org_admin"):
        assert call(assessments, "get_result", result["id"], token=tokens[who])["id"] == result["id"], who
    for who in ("other_client", "other_counselor"):
        with pytest.raises(NotFound):
            call(assessments, "get_result", result["id"], token=tokens[who])
        assert call(assessments, "list_results", {}, token=tokens[who])["items"] == [], who
    elsewhere = organization(platform, "counselor")
    for who in ("counselor", "org_admin"):
        with pytest.raises(NotFound):
            call(assessments, "get_result", result["id"], token=elsewhere["tokens"][who])
        with pytest.raises(NotFound):
            call(assessments, "result_chart", result["id"], {}, token=elsewhere["tokens"][who])
    listed = call(assessments, "list_results", {"client_id": org["ids"]["client"]}, token=tokens["counselor"])
    assert [r["id"] for r in listed["items"]] == [result["id"]]
    assert (
        call(assessments, "list_results", {"client_id": org["ids"]["client"]}, token=tokens["other_client"])[
            "items"
        ]
        == []
    )


def test_a_counselor_pages_through_the_results_of_every_client_they_counsel_and_no_one_elses(platform, org):
    add_person(platform, org, "other_client")
    add_person(platform, org, "unseen", role="client")  # never booked the counselor
    book_session(platform, org)
    book_session(platform, org, client="other_client")
    values = answers_with(
        WORK_VALUES,
        achievement=20,
        working_conditions=8,
        recognition=8,
        relationships=10,
        support=18,
        independence=16,
    )
    made = [
        (
            who,
            key,
            submit(platform, org, key=key, answers=SOCIAL if key == "riasec" else values, who=who)["id"],
        )
        for who, key in [
            ("client", "riasec"),
            ("other_client", "riasec"),
            ("unseen", "riasec"),
            ("client", "work_values"),
            ("other_client", "work_values"),
            ("client", "riasec"),
            ("unseen", "work_values"),
        ]
    ]
    assessments, tokens = platform["assessments"], org["tokens"]

    def every_page(query, limit):
        ids, cursor, pages = [], None, 0
        while True:
            found = call(
                assessments,
                "list_results",
                {**query, "limit": str(limit), "cursor": cursor},
                token=tokens["counselor"],
            )
            assert len(found["items"]) <= limit
            ids += [r["id"] for r in found["items"]]
            pages += 1
            cursor = found["next_cursor"]
            if cursor is None:
                return ids, pages

    counseled = sorted(rid for who, _, rid in made if who != "unseen")  # ids sort by creation
    for limit in (1, 2, 3, 5, 100):
        ids, pages = every_page({}, limit)
        assert ids == counseled, limit
        assert pages == max(1, -(-len(counseled) // limit)), limit  # no empty page at the end
    values_only = sorted(rid for who, key, rid in made if who != "unseen" and key == "work_values")
    assert every_page({"key": "work_values"}, 1)[0] == values_only
    theirs = sorted(rid for who, _, rid in made if who == "other_client")
    assert every_page({"client_id": org["ids"]["other_client"]}, 1)[0] == theirs
    assert every_page({"client_id": org["ids"]["unseen"]}, 2) == ([], 1)
    # The organization's admin sees the same results in the same order, and the unseen client's too.
    everyone = call(assessments, "list_results", {"limit": "100"}, token=tokens["org_admin"])["items"]
    assert [r["id"] for r in everyone] == sorted(rid for _, _, rid in made)


def test_a_tie_among_work_values_is_explained_value_by_value_in_the_clients_language(platform, org):
    tied = answers_with(
        WORK_VALUES,
        achievement=19,
        working_conditions=12,
        recognition=8,
        relationships=18,
        support=16,
        independence=19,
    )
    result = submit(platform, org, key="work_values", answers=tied)
    assert result["ties"] == [["achievement", "independence"]] and result["alternative_codes"] == []
    assert any(
        "(Achievement = Independence)" in note
        and "could also be read as Independence, Achievement, Relationships." in note
        for note in result["notes"]
    ), result["notes"]


# The occupations table, imported while the services run ----------------------------------------------


def test_an_import_reaches_running_services_kenyan_figures_shown_for_a_kenyan_branch(
    platform, org, db_prefix, tmp_path
):
    result = submit(platform, org)
    with_isco = next(m for m in result["matches"] if m["isco_codes"])
    isco = with_isco["isco_codes"][0]
    kenya = tmp_path / "kenya.csv"
    kenya.write_text(
        "region,scheme,code,median_wage,currency,wage_period,wage_year,outlook,source\n"
        f"KE,isco,{isco},85000,KES,month,2024,growing,KNBS Economic Survey 2024\n"
    )
    with open_store(db_prefix=db_prefix) as store:
        run_import(Sources(labour_market=[kenya]), store, Progress(io.StringIO()))

    def kenyan():
        again = call(
            platform["assessments"], "result_matches", result["id"], {}, token=org["tokens"]["client"]
        )
        return next(
            (m for m in again["items"] if m["soc_code"] == with_isco["soc_code"] and m["local_figures"]), None
        )

    shown = wait_until(kenyan, message="the running service never showed the imported figures")
    assert (
        shown["median_wage"] == 85000.0
        and shown["wage_currency"] == "KES"
        and shown["wage_period"] == "month"
    )
    assert shown["labour_region"] == "KE" and shown["labour_source"] == "KNBS Economic Survey 2024"


def test_imported_work_values_move_the_occupations_that_offer_the_clients_top_values_up(
    platform, org, db_prefix, tmp_path
):
    onet = tmp_path / "onet"
    onet.mkdir()
    two = {"21-1012.00": "Career Guides (values)", "21-1013.00": "Career Guides (no values)"}
    (onet / "Occupation Data.txt").write_text(
        "O*NET-SOC Code\tTitle\tDescription\n" + "".join(f"{c}\t{t}\tGuide people.\n" for c, t in two.items())
    )
    interests = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tDate\tDomain Source\n"
    for code in two:
        for name, value in zip(
            ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional"),
            (1.5, 3.5, 1.0, 7.0, 3.0, 2.5),  # 8 + 4 x this is the client's scores: a perfect fit
            strict=True,
        ):
            interests += f"{code}\t1.B.1.x\t{name}\tOI\t{value}\t11/2023\tAnalyst\n"
    (onet / "Interests.txt").write_text(interests)
    (onet / "Job Zones.txt").write_text(
        "O*NET-SOC Code\tJob Zone\tDate\tDomain Source\n"
        + "".join(f"{c}\t4\t08/2023\tAnalyst\n" for c in two)
    )
    values = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tDate\tDomain Source\n"
    for code, extent in (("21-1012.00", 7.0), ("21-1013.00", 1.0)):
        for name in (
            "Achievement",
            "Working Conditions",
            "Recognition",
            "Relationships",
            "Support",
            "Independence",
        ):
            values += f"{code}\t1.B.2.x\t{name}\tEX\t{extent}\t11/2020\tAnalyst\n"
    (onet / "Work Values.txt").write_text(values)
    with open_store(db_prefix=db_prefix) as store:
        run_import(
            Sources(
                occupation_data=onet / "Occupation Data.txt",
                interests=onet / "Interests.txt",
                job_zones=onet / "Job Zones.txt",
                work_values=onet / "Work Values.txt",
            ),
            store,
            Progress(io.StringIO()),
        )
    values_result = submit(
        platform,
        org,
        key="work_values",
        answers=answers_with(
            WORK_VALUES,
            achievement=20,
            working_conditions=8,
            recognition=8,
            relationships=10,
            support=18,
            independence=16,
        ),
    )
    assert values_result["top_values"] == ["achievement", "support", "independence"]
    profile = answers_with(RIASEC, R=14, I=22, A=12, S=36, E=20, C=18)

    def boosted():
        matches = submit(platform, org, answers=profile)["matches"]
        codes = [m["soc_code"] for m in matches]
        return matches if "21-1012.00" in codes else None

    matches = wait_until(boosted, message="the imported occupations never reached the service")
    codes = [m["soc_code"] for m in matches]
    assert codes.index("21-1012.00") < codes.index("21-1013.00")
    offered = matches[codes.index("21-1012.00")]
    assert offered["values_fit"] == 1.0 and offered["interest_fit"] == pytest.approx(1.0)
    assert matches[codes.index("21-1013.00")]["values_fit"] == 0.0


def test_with_the_shipped_table_a_clients_work_values_move_their_matches(platform, org):
    interests = submit(platform, org)
    assert all(m["values_fit"] is None for m in interests["matches"])  # no work values yet
    values = answers_with(
        WORK_VALUES,
        achievement=8,
        working_conditions=18,
        recognition=8,
        relationships=20,
        support=16,
        independence=8,
    )
    assert submit(platform, org, key="work_values", answers=values)["top_values"] == [
        "relationships",
        "working_conditions",
        "support",
    ]
    again = call(
        platform["assessments"], "result_matches", interests["id"], {}, token=org["tokens"]["client"]
    )
    assert sum(m["values_fit"] is not None for m in again["items"]) >= 15
    assert [m["soc_code"] for m in again["items"]] != [m["soc_code"] for m in interests["matches"]]
    assert any("Relationships" in note for note in again["notes"])
