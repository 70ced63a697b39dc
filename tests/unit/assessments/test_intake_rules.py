"""The intake form's rules: what a form may ask, what an answer must be, when an intake is complete."""

from datetime import UTC, datetime

from services.assessments import intake_rules as rules


def question(qid, kind="text", required=False, options=None):
    q = {"id": qid, "label": {"en": qid.title(), "sw": qid.upper()}, "kind": kind, "required": required}
    if options is not None:
        q["options"] = options
    return q


STATUS = {"id": "status", "label": {"en": "Employed", "sw": "Umeajiriwa"}}
FORM = rules.form_questions(
    [
        question("goal", required=True),
        question("situation", "choice", required=True, options=["student", STATUS]),
        question("interests", "multi", options=["tech", "farming", "health"]),
        question("birth_date", "date"),
        question("years_worked", "number"),
    ]
)


def test_a_form_with_distinct_ids_and_options_where_needed_is_accepted():
    assert rules.check_form(FORM) == {}


def test_options_may_be_strings_or_labelled_objects_and_an_object_without_id_takes_its_english_label():
    situation = FORM[1]
    assert situation["options"] == [
        {"id": "student", "label": {"en": "student", "sw": "student"}},
        {"id": "status", "label": {"en": "Employed", "sw": "Umeajiriwa"}},
    ]
    unnamed = rules.option({"label": {"en": "Self-employed", "sw": "Nimejiajiri"}})
    assert unnamed == {"id": "Self-employed", "label": {"en": "Self-employed", "sw": "Nimejiajiri"}}


def test_a_choice_without_options_is_named_by_its_place_in_the_form():
    problems = rules.check_form([question("a"), question("b"), question("c", "choice")])
    assert problems == {"questions.2.options": ["A choice question needs options to choose from."]}


def test_a_repeated_question_id_is_named_at_its_second_use():
    problems = rules.check_form([question("goal"), question("goal")])
    assert problems == {"questions.1.id": ["Question 0 has this id too; ids are unique."]}


def test_ids_that_cannot_key_stored_answers_are_refused():
    problems = rules.check_form([question("a.b"), question("$x")])
    assert set(problems) == {"questions.0.id", "questions.1.id"}


def test_options_on_a_text_question_and_repeated_option_ids_are_refused():
    problems = rules.check_form([question("a", options=["x"]), question("b", "multi", options=["x", "x"])])
    assert problems == {
        "questions.0.options": ["Only choice and multi questions have options, not text."],
        "questions.1.options.1": ["Option 0 has this id too; ids are unique."],
    }


def test_an_option_object_needs_a_label_in_both_languages():
    problems = rules.check_form([question("a", "choice", options=[{"id": "x", "label": {"en": "X"}}])])
    assert problems == {"questions.0.options.0.label.sw": ["Must be text, not empty."]}


def test_answers_are_checked_by_the_kind_of_their_question():
    answers = {
        "goal": "A job in nursing",
        "situation": "employed",
        "interests": ["tech", "tech"],
        "birth_date": "2001-02-30",
        "years_worked": "three",
        "shoe_size": 42,
    }
    assert rules.check_answers(FORM, answers) == {
        "answers.situation": ["Must be one of: student, status."],
        "answers.interests": ["Each option at most once."],
        "answers.birth_date": ["Must be a date as YYYY-MM-DD."],
        "answers.years_worked": ["Must be a number."],
        "answers.shoe_size": ["No such question in the intake form."],
    }


def test_answers_of_the_right_kinds_pass():
    answers = {
        "goal": "A job",
        "situation": "student",
        "interests": ["tech", "health"],
        "birth_date": "2001-02-28",
        "years_worked": 2.5,
    }
    assert rules.check_answers(FORM, answers) == {}
    assert rules.check_answers(FORM, {"years_worked": True}) == {
        "answers.years_worked": ["Must be a number."]
    }
    too_large = rules.check_answers(FORM, {"years_worked": 10**30})
    assert too_large == {"answers.years_worked": ["At most 15 digits before the decimal point."]}


def test_a_saved_answer_keeps_the_version_it_was_given_in_and_an_empty_one_removes_it():
    answers, versions = rules.merged_answers({"goal": "A job"}, {"goal": 1}, {"situation": "student"}, 2)
    assert answers == {"goal": "A job", "situation": "student"}
    assert versions == {"goal": 1, "situation": 2}
    answers, versions = rules.merged_answers(answers, versions, {"goal": None, "situation": ""}, 3)
    assert answers == {} and versions == {}


def test_missing_names_required_questions_unanswered_in_form_order():
    assert rules.missing(FORM, {}) == ["goal", "situation"]
    assert rules.missing(FORM, {"goal": "A job", "situation": "student"}) == []
    assert rules.missing_problems(["goal"]) == {"answers.goal": ["Required: answer this before submitting."]}


def test_an_intake_is_complete_only_once_submitted_with_every_required_answer():
    answered = {"goal": "A job", "situation": "student"}
    assert not rules.is_complete(FORM, answered, submitted=False)
    assert rules.is_complete(FORM, answered, submitted=True)
    assert not rules.is_complete(FORM, {"goal": "A job"}, submitted=True)


def test_a_new_version_undoes_completion_only_when_it_requires_an_unanswered_question():
    answered = {"goal": "A job", "situation": "student"}
    with_optional = [*FORM, rules.form_questions([question("phone_model")])[0]]
    assert rules.is_complete(with_optional, answered, submitted=True)
    with_required = [*FORM, rules.form_questions([question("county", required=True)])[0]]
    assert not rules.is_complete(with_required, answered, submitted=True)


def test_no_form_or_a_form_requiring_nothing_is_complete_for_booking():
    assert rules.intake_status(None, None) == {"complete": True, "version": None}
    optional = {"version": 3, "questions": rules.form_questions([question("hobby")])}
    assert rules.intake_status(optional, None) == {"complete": True, "version": None}
    form = {"version": 2, "questions": FORM}
    intake = {"answers": {"goal": "A job"}, "version": 2, "submitted_at": None}
    assert rules.intake_status(form, intake) == {"complete": False, "version": 2}


def test_who_reads_a_clients_intake():
    def may(role, branch="br_1", viewer="usr_staff", counsels=False):
        return rules.may_read_intake(
            viewer_id=viewer,
            viewer_role=role,
            viewer_branch=branch,
            client_id="usr_client",
            client_branch="br_1",
            counsels_client=counsels,
        )

    assert may("client", viewer="usr_client")
    assert not may("client", viewer="usr_other")
    assert may("counselor") and may("counselor", branch="br_2", counsels=True)
    assert not may("counselor", branch="br_2")
    assert may("branch_admin") and not may("branch_admin", branch="br_2")
    assert may("org_admin", branch=None)


def test_the_view_shows_draft_then_complete_in_the_callers_zone():
    form = {"version": 1, "questions": FORM, "created_at": datetime(2026, 12, 1, 6, tzinfo=UTC)}
    at = datetime(2026, 12, 1, 6, tzinfo=UTC)
    intake = {"answers": {"goal": "A job"}, "answer_versions": {"goal": 1}, "version": 1, "updated_at": at}
    view = rules.intake_view("usr_c", form, intake, "Africa/Nairobi")
    assert view["status"] == "draft" and view["missing"] == ["situation"]
    assert view["updated_at"] == "2026-12-01T09:00:00+03:00" and view["submitted_at"] is None
    empty = rules.form_view(None, "UTC")
    assert empty == {"version": 0, "questions": [], "updated_at": None}
