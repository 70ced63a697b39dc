"""The assessments service's RPC schemas; the gateway documents its HTTP API from these."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.assessments.inventories import INVENTORIES
from shared.schemas import Language, PageQuery, StrictSchema, page_of

KEYS = tuple(INVENTORIES)
ID = validate.Length(min=1, max=64)
MAX_ANSWERS = 200
ZONES = validate.Regexp(r"^[1-5](,[1-5]){0,4}\Z", error="Job zones 1 to 5, separated by commas (e.g. 2,3).")
# O*NET-SOC codes, as the occupations table is keyed.
SOC_CODE = r"^[0-9]{2}-[0-9]{4}\.[0-9]{2}$"


class AssessmentPath(StrictSchema):
    """The ``{key}`` of an assessment's paths, for the document: the service answers 404 for others."""

    key = fields.String(required=True, validate=validate.OneOf(KEYS))


class OccupationPath(StrictSchema):
    """The ``{code}`` of ``/api/v1/occupations/{code}``, for the document: unknown codes are 404."""

    code = fields.String(
        required=True,
        metadata={"pattern": SOC_CODE, "example": "15-1252.00", "description": "O*NET-SOC code"},
    )


class LanguageQuery(StrictSchema):
    lang = Language(load_default=None, metadata={"description": "en or sw (default: the caller's language)"})


class AssessmentQuery(PageQuery):
    """``GET /api/v1/assessments``: a page of the catalog, in the language asked for."""

    lang = Language(load_default=None, metadata={"description": "en or sw (default: the caller's language)"})


class AssessmentSummary(StrictSchema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    item_count = fields.Integer(required=True)
    minutes = fields.Integer(required=True, metadata={"description": "about how long it takes"})


AssessmentList = page_of(AssessmentSummary)


class Scale(StrictSchema):
    min = fields.Integer(required=True)
    max = fields.Integer(required=True)
    labels = fields.List(fields.String(), required=True, metadata={"description": "from min to max"})


class AreaOut(StrictSchema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)


class ItemOut(StrictSchema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    area = fields.String(required=True)


class AssessmentOut(StrictSchema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    prompt = fields.String(required=True)
    language = fields.String(required=True)
    scale = fields.Nested(Scale, required=True)
    areas = fields.List(fields.Nested(AreaOut), required=True)
    items = fields.List(fields.Nested(ItemOut), required=True)


def answer_sets(complete: bool) -> list[dict[str, Any]]:
    """What ``answers`` may be, assessment by assessment, for the document: its item ids, each a whole
    number on its scale; every one of them in a response (``complete``), some in a draft."""
    sets = []
    for inv in INVENTORIES.values():
        value = {"type": "integer", "minimum": inv.scale_min, "maximum": inv.scale_max}
        answers: dict[str, Any] = {
            "type": "object",
            "title": f"{inv.key} answers",
            "properties": dict.fromkeys(inv.item_ids, value),
            "additionalProperties": False,
        }
        if complete:
            answers["required"] = list(inv.item_ids)
        sets.append(answers)
    return sets


def answers_field(complete: bool) -> fields.Dict:
    """Answers by item id. Keys and values are checked against the assessment of the path by the
    domain, which names the item and the scale (422); the document lists each assessment's items."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=20)),
        values=fields.Raw(allow_none=True, metadata={"type": "integer", "nullable": False}),
        required=True,
        validate=validate.Length(max=MAX_ANSWERS),
        metadata={
            "description": "item id (as GET /api/v1/assessments/{key} lists them) -> a whole number on "
            "the assessment's scale: "
            + ("every item of the assessment in the path" if complete else "some items of the assessment")
            + "; another assessment's item is a 422 naming answers.<item id>",
            "oneOf" if complete else "anyOf": answer_sets(complete),
        },
    )


class ResponseIn(StrictSchema):
    answers = answers_field(complete=True)
    job_zones = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, 5)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=5),
        metadata={
            "description": "interest profiler: the job zones (1-5) to match occupations in; default all"
        },
    )


class DraftIn(StrictSchema):
    answers = answers_field(complete=False)


class DraftOut(StrictSchema):
    key = fields.String(required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    answered = fields.Integer(required=True)
    total = fields.Integer(required=True)
    next_item_id = fields.String(required=True, allow_none=True, metadata={"description": "where to resume"})
    updated_at = fields.String(required=True)


class DraftDiscarded(StrictSchema):
    key = fields.String(required=True)
    discarded = fields.Boolean(required=True, metadata={"description": "false: nothing was saved"})


class MatchOut(StrictSchema):
    soc_code = fields.String(required=True, metadata={"description": "O*NET-SOC code, e.g. 15-1252.00"})
    title = fields.String(required=True)
    fit = fields.Float(required=True, metadata={"description": "-1 to 1; what the matches are ranked by"})
    interest_fit = fields.Float(required=True, metadata={"description": "Pearson correlation of profiles"})
    values_fit = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "0 to 1, when the occupation has work values"},
    )
    job_zone = fields.Integer(required=True)
    job_zone_label = fields.String(required=True)
    profile = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    occupation_code = fields.String(required=True, metadata={"description": "its own top three areas"})
    shared_areas = fields.String(required=True)
    isco_codes = fields.List(fields.String(), required=True)
    median_wage = fields.Float(required=True, allow_none=True)
    median_wage_at_least = fields.Boolean(required=True)
    wage_currency = fields.String(required=True, allow_none=True)
    wage_period = fields.String(required=True, allow_none=True)
    wage_year = fields.String(required=True, allow_none=True)
    outlook = fields.String(required=True, allow_none=True)
    employment_change_pct = fields.Float(required=True, allow_none=True)
    projection_period = fields.String(required=True, allow_none=True)
    labour_region = fields.String(required=True, allow_none=True)
    local_figures = fields.Boolean(
        required=True, metadata={"description": "false: the figures are not the branch region's (US ones)"}
    )
    labour_source = fields.String(required=True, allow_none=True)


class ScoreRange(StrictSchema):
    min = fields.Integer(required=True)
    max = fields.Integer(required=True)


class ResultOut(StrictSchema):
    id = fields.String(required=True)
    key = fields.String(required=True)
    title = fields.String(required=True)
    client_id = fields.String(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    score_range = fields.Nested(ScoreRange, required=True)
    code = fields.String(required=True, allow_none=True)
    ranking = fields.List(fields.String(), required=True)
    top_values = fields.List(fields.String(), required=True)
    ties = fields.List(fields.List(fields.String()), required=True)
    alternative_codes = fields.List(fields.String(), required=True)
    job_zones = fields.List(fields.Integer(), required=True)
    region = fields.String(required=True, allow_none=True)
    matches = fields.List(fields.Nested(MatchOut), required=True)
    notes = fields.List(fields.String(), required=True)
    created_at = fields.String(required=True)


class ResultQuery(PageQuery):
    client_id = fields.String(load_default=None, validate=ID)
    key = fields.String(load_default=None, validate=validate.OneOf(KEYS))


ResultPage = page_of(ResultOut)


class MatchQuery(StrictSchema):
    job_zones = fields.String(load_default=None, validate=ZONES)
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "the previous page's next_cursor: the matches ranked after it"},
    )


class MatchList(StrictSchema):
    items = fields.List(fields.Nested(MatchOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    region = fields.String(required=True, allow_none=True)
    top_values = fields.List(fields.String(), required=True)
    notes = fields.List(fields.String(), required=True)


class OccupationOut(MatchOut):
    """An occupation's facts for the caller's region; ``fit`` fields are absent."""

    fit = fields.Float(required=False)
    interest_fit = fields.Float(required=False)
    values_fit = fields.Float(required=False, allow_none=True)
    work_values = fields.Dict(keys=fields.String(), values=fields.Float(), required=True, allow_none=True)


# Occupations by title, and what they require ------------------------------------------------------


class OccupationSearchQuery(PageQuery):
    """``GET /api/v1/occupations?q=``: occupations by a job title a person would type."""

    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "a job title, e.g. cashier, boda boda rider, M-Pesa agent",
            "example": "cashier",
        },
    )
    lang = Language(
        load_default=None,
        metadata={"description": "en or sw (default: the caller's language); the titles are in English"},
    )


class OccupationHit(StrictSchema):
    code = fields.String(required=True, metadata={"description": "O*NET-SOC code"})
    title = fields.String(required=True)
    matched_title = fields.String(required=True, metadata={"description": "the title the text was found in"})
    match = fields.String(
        required=True,
        validate=validate.OneOf(("title", "alternate_title", "words", "some_words")),
        metadata={"description": "title, alternate_title, words (every word found), some_words; best first"},
    )
    job_zone = fields.Integer(required=True, allow_none=True)


class OccupationHits(page_of(OccupationHit)):  # type: ignore[misc]
    language = fields.String(required=True)


class RatedElement(StrictSchema):
    id = fields.String(required=True, metadata={"description": "O*NET Content Model element, e.g. 2.A.1.a"})
    name = fields.String(required=True)
    importance = fields.Float(required=True, metadata={"description": "O*NET importance, 1-5"})
    level = fields.Float(required=True, metadata={"description": "O*NET level, 0-7"})


class TechnologyOut(StrictSchema):
    example = fields.String(required=True)
    commodity = fields.String(required=True, allow_none=True)
    hot = fields.Boolean(required=True, metadata={"description": "O*NET Hot Technology"})
    in_demand = fields.Boolean(required=True, metadata={"description": "O*NET In Demand"})


class EscoSkillOut(StrictSchema):
    uri = fields.String(required=True)
    label = fields.String(required=True)
    share = fields.Float(
        required=True,
        metadata={
            "description": "of the ESCO occupations mapped to this one, the fraction it is essential to"
        },
    )


class RequirementsOut(StrictSchema):
    """Suppressed and not-relevant O*NET elements are left out; most important first."""

    code = fields.String(required=True)
    title = fields.String(required=True)
    skills = fields.List(fields.Nested(RatedElement), required=True)
    knowledge = fields.List(fields.Nested(RatedElement), required=True)
    technology = fields.List(fields.Nested(TechnologyOut), required=True)
    esco_essential = fields.List(fields.Nested(EscoSkillOut), required=True)
    related = fields.List(
        fields.String(), required=True, metadata={"description": "O*NET's related occupations"}
    )
    rated = fields.Boolean(
        required=True, metadata={"description": "false where O*NET has not rated the occupation's skills yet"}
    )
    attribution = fields.String(required=True)


# A client's skills, mapped, and their gap to an occupation ---------------------------------------


class ClientPath(StrictSchema):
    client_id = fields.String(required=True, metadata={"description": "the client's user id"})


class ClientSkillsQuery(PageQuery):
    pass


class MappedSkill(StrictSchema):
    name = fields.String(required=True, metadata={"description": "the skill as the profile has it"})
    source = fields.String(
        required=True, allow_none=True, metadata={"description": "linkedin, json_resume, github or manual"}
    )
    scheme = fields.String(required=True, allow_none=True, metadata={"description": "onet or esco"})
    id = fields.String(required=True, allow_none=True)
    label = fields.String(required=True, allow_none=True)
    match = fields.String(
        required=True,
        validate=validate.OneOf(("exact", "alt_label", "fuzzy", "none")),
        metadata={"description": "fuzzy matches are to be confirmed by a person; they count for nothing"},
    )
    matched_label = fields.String(required=True, allow_none=True)
    score = fields.Float(required=True)
    decision = fields.Nested(lambda: SkillDecision(), required=True, allow_none=True)
    counts = fields.Boolean(
        required=True,
        metadata={"description": "whether the gap counts it: exact, alt_label, confirmed or re-mapped"},
    )


class PositionOccupation(StrictSchema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    matched_title = fields.String(required=True)


class MappedPosition(StrictSchema):
    title = fields.String(required=True)
    organization = fields.String(required=True, allow_none=True)
    start = fields.String(required=True, allow_none=True)
    end = fields.String(required=True, allow_none=True)
    source = fields.String(required=True, allow_none=True)
    occupation = fields.Nested(PositionOccupation, required=True, allow_none=True)
    match = fields.String(
        required=True,
        validate=validate.OneOf(("exact", "alt_label", "fuzzy", "none")),
        metadata={
            "description": "exact: the occupation's title; alt_label: another of its titles; fuzzy: its words"
        },
    )


class MappedSkills(page_of(MappedSkill)):  # type: ignore[misc]
    client_id = fields.String(required=True)
    positions = fields.List(
        fields.Nested(MappedPosition), required=True, metadata={"description": "every position, not paged"}
    )


class SkillsGapQuery(StrictSchema):
    occupation = fields.String(
        required=True,
        validate=validate.Regexp(SOC_CODE, error="An O*NET-SOC code such as 41-1011.00."),
        metadata={"description": "the target occupation's O*NET-SOC code", "example": "41-1011.00"},
    )


class Evidence(StrictSchema):
    name = fields.String(required=True)
    source = fields.String(required=True, allow_none=True)
    match = fields.String(required=True)


class Requirement(StrictSchema):
    scheme = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "skills, knowledge or esco_essential"})
    id = fields.String(required=True)
    label = fields.String(required=True)
    importance = fields.Float(required=True, allow_none=True)
    level = fields.Float(required=True, allow_none=True)
    weight = fields.Float(required=True)
    evidence = fields.List(fields.Nested(Evidence), required=True)


class GapOccupation(StrictSchema):
    code = fields.String(required=True)
    title = fields.String(required=True)


class GapEvidence(StrictSchema):
    skills = fields.Integer(required=True)
    counted = fields.Integer(required=True)
    sources = fields.List(fields.String(), required=True)


class SkillsGapOut(StrictSchema):
    occupation = fields.Nested(GapOccupation, required=True)
    have = fields.List(fields.Nested(Requirement), required=True)
    missing = fields.List(
        fields.Nested(Requirement), required=True, metadata={"description": "weightiest first"}
    )
    coverage = fields.Float(required=True, allow_none=True, metadata={"description": "0-1, by weight"})
    hot_technologies_missing = fields.List(fields.String(), required=True)
    technologies_had = fields.List(fields.String(), required=True)
    to_confirm = fields.List(fields.Nested(MappedSkill), required=True)
    evidence = fields.Nested(GapEvidence, required=True)
    attribution = fields.String(required=True)


class PathwaysQuery(StrictSchema):
    target = fields.String(
        load_default=None,
        validate=validate.Regexp(SOC_CODE, error="An O*NET-SOC code such as 41-1011.00."),
        metadata={
            "description": "the occupation to head for; left out, the top matches of the client's "
            "latest interest profile are the targets",
            "example": "11-1021.00",
        },
    )


class SkillToAdd(StrictSchema):
    label = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "skills, knowledge or esco_essential"})
    importance = fields.Float(required=True, allow_none=True)


class PathwayStep(StrictSchema):
    soc_code = fields.String(required=True)
    title = fields.String(required=True)
    job_zone = fields.Integer(required=True)
    job_zone_label = fields.String(required=True)
    median_wage = fields.Float(required=True, allow_none=True)
    wage_currency = fields.String(required=True, allow_none=True)
    wage_period = fields.String(required=True, allow_none=True)
    outlook = fields.String(required=True, allow_none=True)
    labour_region = fields.String(required=True, allow_none=True)
    local_figures = fields.Boolean(required=True)
    interest_fit = fields.Float(
        required=True, allow_none=True, metadata={"description": "-1..1; null without an interest profile"}
    )
    coverage = fields.Float(
        required=True, allow_none=True, metadata={"description": "0-1 of its requirements"}
    )
    skills_to_add = fields.List(
        fields.Nested(SkillToAdd), required=True, metadata={"description": "the five weightiest missing"}
    )


class Pathway(StrictSchema):
    steps = fields.List(fields.Nested(PathwayStep), required=True)
    reaches = fields.String(required=True, metadata={"description": "the target it ends at"})
    rank = fields.Integer(required=True)


class PathwayStart(StrictSchema):
    soc_code = fields.String(required=True, allow_none=True)
    title = fields.String(required=True, allow_none=True)
    job_zone = fields.Integer(required=True, allow_none=True)
    source = fields.String(
        required=True,
        metadata={
            "description": "position: the job the client holds or held last; matches: no job named "
            "an occupation, so each path starts at an occupation the client could enter"
        },
    )
    position_title = fields.String(required=True, allow_none=True)


class PathwaysOut(StrictSchema):
    client_id = fields.String(required=True)
    start = fields.Nested(PathwayStart, required=True)
    targets = fields.List(fields.Nested(GapOccupation), required=True)
    paths = fields.List(fields.Nested(Pathway), required=True)
    attribution = fields.String(required=True)


class ClientSkillPath(StrictSchema):
    client_id = fields.String(required=True)
    skill = fields.String(required=True, metadata={"description": "the skill's name as the profile has it"})


class SkillDecisionIn(StrictSchema):
    action = fields.String(
        required=True,
        validate=validate.OneOf(("confirm", "reject", "remap")),
        metadata={"description": "confirm the match, reject it, or remap the skill to the concept named"},
    )
    scheme = fields.String(load_default=None, validate=validate.OneOf(("onet", "esco")))
    id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "for remap: an O*NET element id, technology:<example> or an ESCO skill URI"},
    )


class SkillDecision(StrictSchema):
    action = fields.String(required=True)
    by = fields.String(required=True)
    role = fields.String(required=True)
    at = fields.String(required=True)
    scheme = fields.String()
    id = fields.String()
    label = fields.String()


# The intake form and a client's intake (intake.py, #15) ------------------------------------------

INTAKE_KINDS = ("text", "choice", "multi", "date", "number")
INTAKE_LABEL = {
    "type": "object",
    "properties": {"en": {"type": "string"}, "sw": {"type": "string"}},
    "required": ["en", "sw"],
    "additionalProperties": False,
}
INTAKE_OPTION = {
    "oneOf": [
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 80,
            "description": "its id and its label in both languages",
        },
        {
            "type": "object",
            "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 80}, "label": INTAKE_LABEL},
            "required": ["label"],
            "additionalProperties": False,
            "description": "without an id, the English label is its id",
        },
    ]
}


class IntakeLabel(StrictSchema):
    en = fields.String(required=True, validate=validate.Length(min=1, max=300))
    sw = fields.String(required=True, validate=validate.Length(min=1, max=300))


class IntakeQuestionIn(StrictSchema):
    id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={
            "pattern": r"^[A-Za-z0-9_-]{1,40}$",
            "description": "unique in the form; answers are keyed by it",
        },
    )
    label = fields.Nested(IntakeLabel, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(INTAKE_KINDS))
    options = fields.List(
        fields.Raw(metadata=INTAKE_OPTION),
        load_default=None,
        allow_none=True,
        metadata={
            "description": "choice and multi only (required for them): strings or {id?, label: {en, sw}}"
        },
    )
    required = fields.Boolean(load_default=False)


class IntakeFormIn(StrictSchema):
    class Meta:
        description = (
            "Each PUT is a new version of the form. Question ids are unique; choice and multi questions "
            "need options (422 naming e.g. questions.2.options); other kinds have none."
        )

    questions = fields.List(fields.Nested(IntakeQuestionIn), required=True, validate=validate.Length(max=100))


class IntakeOptionOut(StrictSchema):
    id = fields.String(required=True)
    label = fields.Nested(IntakeLabel, required=True)


class IntakeQuestionOut(StrictSchema):
    id = fields.String(required=True)
    label = fields.Nested(IntakeLabel, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(INTAKE_KINDS))
    options = fields.List(fields.Nested(IntakeOptionOut), metadata={"description": "choice and multi only"})
    required = fields.Boolean(required=True)


class IntakeFormOut(StrictSchema):
    version = fields.Integer(required=True, metadata={"description": "1, 2, ...; 0: no form set yet"})
    questions = fields.List(fields.Nested(IntakeQuestionOut), required=True)
    updated_at = fields.String(required=True, allow_none=True)


class IntakeIn(StrictSchema):
    class Meta:
        description = (
            "Saves the answers given over the saved ones (null or an empty value removes one); with "
            "submit: true, completes the intake when every required question is answered (422 naming "
            "answers.<question id> for each one unanswered)."
        )

    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=40)),
        values=fields.Raw(allow_none=True),
        load_default=dict,
        validate=validate.Length(max=100),
        metadata={
            "description": "question id -> answer: text; a choice's option id; a list of option ids (multi); "
            "a date as YYYY-MM-DD; a number"
        },
    )
    submit = fields.Boolean(load_default=False)


class IntakeOut(StrictSchema):
    client_id = fields.String(required=True)
    version = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "the form version last answered (null: none)"},
    )
    form_version = fields.Integer(required=True, metadata={"description": "the current form's version"})
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    answer_versions = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "the form version each answer was given in"},
    )
    status = fields.String(required=True, validate=validate.OneOf(("draft", "complete")))
    missing = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "required questions of the current form unanswered"},
    )
    submitted_at = fields.String(required=True, allow_none=True)
    updated_at = fields.String(required=True, allow_none=True)


# Outcome measures (#18) ------------------------------------------------------------------------------

MEASURE_KEYS = ("career_readiness", "session_pulse", "destination")
DESTINATION_STATUSES = (
    "employed_full_time",
    "employed_part_time",
    "self_employed",
    "internship",
    "further_education",
    "volunteering",
    "seeking",
    "not_seeking",
)


class MeasurePath(StrictSchema):
    key = fields.String(required=True, validate=validate.OneOf(MEASURE_KEYS))


class MeasureSummary(StrictSchema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "scale (items 1-5) or destination"})
    item_count = fields.Integer(required=True)


class MeasureList(StrictSchema):
    items = fields.List(fields.Nested(MeasureSummary), required=True)
    language = fields.String(required=True)


class MeasureItem(StrictSchema):
    id = fields.String(required=True)
    subscale = fields.String(required=True)
    text = fields.String(required=True)


class MeasureOption(StrictSchema):
    key = fields.String(required=True)
    label = fields.String(required=True)


class MeasureOut(MeasureSummary):
    language = fields.String(required=True)
    scale = fields.Dict(allow_none=True, metadata={"description": "{min, max, labels} of a scale measure"})
    subscales = fields.List(fields.Nested(MeasureOption), required=True)
    items = fields.List(fields.Nested(MeasureItem), required=True)
    statuses = fields.List(fields.Nested(MeasureOption), metadata={"description": "destination only"})


class MeasureResponseIn(StrictSchema):
    """A scale measure's ``answers`` (item id → 1-5, or null for skipped), or a destination's facts."""

    client_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "a counselor entering a destination the client reported names the client"},
    )
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=16)), values=fields.Raw(allow_none=True)
    )
    session_id = fields.String(load_default=None, validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(DESTINATION_STATUSES))
    occupation_title = fields.String(load_default=None, validate=validate.Length(max=200))
    sector = fields.String(load_default=None, validate=validate.Length(max=200))
    related_to_plan = fields.String(load_default=None, validate=validate.OneOf(("yes", "partly", "no")))
    education_kind = fields.String(
        load_default=None, validate=validate.OneOf(("university", "tvet", "short_course"))
    )
    source = fields.String(load_default=None, validate=validate.OneOf(("client", "counselor", "verified")))


class MeasureResponseOut(StrictSchema):
    id = fields.String(required=True)
    client_id = fields.String(required=True)
    measure = fields.String(required=True)
    created_at = fields.String(required=True)
    score = fields.Float(required=True, allow_none=True)
    subscales = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True)
    reason = fields.String(required=True, allow_none=True, metadata={"description": "insufficient_items"})
    answers = fields.Dict(required=True)
    destination = fields.Dict(allow_none=True)
    session_id = fields.String(allow_none=True)
    entered_by = fields.String(required=True)


class MeasureChange(StrictSchema):
    first = fields.Float(required=True)
    latest = fields.Float(required=True)
    change = fields.Float(required=True)
    rci = fields.Float(required=True, allow_none=True)
    reliable = fields.Boolean(required=True, allow_none=True)
    alpha = fields.Float(
        required=True, allow_none=True, metadata={"description": "Cronbach's alpha, Njia's data"}
    )
    n = fields.Integer(required=True, metadata={"description": "complete responses alpha is computed from"})
    note = fields.String(required=True, allow_none=True)


class MeasureSeries(StrictSchema):
    client_id = fields.String(required=True)
    measure = fields.String(required=True)
    items = fields.List(fields.Nested(MeasureResponseOut), required=True)
    change = fields.Nested(MeasureChange, required=True, allow_none=True)


class ClientMeasurePath(ClientPath):
    key = fields.String(required=True, validate=validate.OneOf(MEASURE_KEYS))
