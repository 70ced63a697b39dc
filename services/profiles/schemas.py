"""The profiles service's RPC schemas; the gateway documents its HTTP API from these."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.schemas import StrictSchema

ID = validate.Length(min=1, max=64)
SOURCE_KINDS = ("linkedin", "json_resume", "github")
SYNC_STATUSES = ("pending", "running", "done")
SOURCE_STATUSES = ("pending", "ok", "failed")
GITHUB_USERNAME = validate.Regexp(
    r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\Z",
    error="A GitHub username: letters, digits and single hyphens, at most 39 characters.",
)
TEXT = validate.Length(max=20_000)


class JsonResumeUrlIn(StrictSchema):
    """Either this (the document is fetched, then re-fetched on schedule) or a JSON Resume document itself."""

    url = fields.Url(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2000),
        metadata={"description": "Where your JSON Resume is published, e.g. a GitHub gist's raw URL"},
    )


class GitHubIn(StrictSchema):
    username = fields.String(required=True, validate=GITHUB_USERNAME)


class SyncAccepted(StrictSchema):
    sync_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(SYNC_STATUSES))
    sources = fields.List(fields.String(validate=validate.OneOf(SOURCE_KINDS)), required=True)


class SourceResult(StrictSchema):
    status = fields.String(required=True)
    error = fields.String(allow_none=True)
    code = fields.String(allow_none=True)
    changed_fields = fields.List(fields.String())


class SyncOut(StrictSchema):
    sync_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(SYNC_STATUSES))
    sources = fields.List(fields.String(), required=True)
    requested_at = fields.String(required=True)
    finished_at = fields.String(allow_none=True)
    results = fields.Dict(keys=fields.String(), values=fields.Nested(SourceResult), required=True)


class PositionOut(StrictSchema):
    title = fields.String()
    organization = fields.String()
    location = fields.String()
    start = fields.String(metadata={"description": "2020, 2020-03 or 2020-03-09"})
    end = fields.String()
    description = fields.String()
    url = fields.String()
    highlights = fields.List(fields.String())


class EducationOut(StrictSchema):
    institution = fields.String()
    degree = fields.String()
    area = fields.String()
    start = fields.String()
    end = fields.String()
    notes = fields.String()
    activities = fields.String()


class SkillOut(StrictSchema):
    name = fields.String(required=True)
    level = fields.String()
    keywords = fields.List(fields.String())
    source = fields.String(metadata={"description": "linkedin, json_resume, github or manual"})


class CertificationOut(StrictSchema):
    name = fields.String()
    authority = fields.String()
    url = fields.String()
    start = fields.String()
    end = fields.String()
    license_number = fields.String()


class LanguageOut(StrictSchema):
    name = fields.String()
    proficiency = fields.String()


class LinkOut(StrictSchema):
    label = fields.String()
    url = fields.String(required=True)
    source = fields.String()


class ProvenanceOut(StrictSchema):
    source = fields.String(required=True, metadata={"description": "linkedin, json_resume, github or manual"})
    at = fields.String(required=True, metadata={"description": "when that source's value last changed"})


class SourceOut(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(SOURCE_KINDS))
    status = fields.String(required=True, validate=validate.OneOf(SOURCE_STATUSES))
    last_synced_at = fields.String(required=True, allow_none=True)
    next_sync_at = fields.String(allow_none=True)
    failures = fields.Integer()
    error = fields.String(allow_none=True)
    error_code = fields.String(allow_none=True)
    url = fields.String()
    username = fields.String()


class ProfileOut(StrictSchema):
    client_id = fields.String(required=True)
    name = fields.String(allow_none=True)
    headline = fields.String(required=True, allow_none=True)
    summary = fields.String(required=True, allow_none=True)
    location = fields.String(allow_none=True)
    skills = fields.List(fields.Nested(SkillOut), required=True)
    positions = fields.List(fields.Nested(PositionOut), required=True)
    education = fields.List(fields.Nested(EducationOut), required=True)
    certifications = fields.List(fields.Nested(CertificationOut))
    languages = fields.List(fields.Nested(LanguageOut))
    links = fields.List(fields.Nested(LinkOut), required=True)
    sources = fields.List(fields.Nested(SourceOut), required=True)
    provenance = fields.Dict(keys=fields.String(), values=fields.Nested(ProvenanceOut))
    updated_at = fields.String(allow_none=True)


class ProfileQuery(StrictSchema):
    client_id = fields.String(
        load_default=None,
        validate=ID,
        metadata={
            "description": "whose profile: required of counselors and admins (422 naming client_id "
            "without it); a client leaves it out, or gives their own id"
        },
    )


class ExportQuery(ProfileQuery):
    format = fields.String(load_default="json-resume", validate=validate.OneOf(("json-resume",)))


class CvQuery(ProfileQuery):
    lang = fields.String(load_default="en", validate=validate.OneOf(("en", "sw")))
    template = fields.String(load_default="classic", validate=validate.OneOf(("classic", "compact")))


class CvReviewQuery(ProfileQuery):
    lang = fields.String(load_default="en", validate=validate.OneOf(("en", "sw")))
    target = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{2}-\d{4}\.\d{2}$", error="An O*NET-SOC code such as 41-1011.00."),
        metadata={"description": "a target occupation: its missing skills become hints too"},
    )


class CvHint(StrictSchema):
    code = fields.String(required=True)
    field = fields.String(required=True, metadata={"description": "the part of the profile to change"})
    message = fields.String(required=True)
    facts = fields.Dict()


class CvReviewOut(StrictSchema):
    client_id = fields.String(required=True)
    hints = fields.List(fields.Nested(CvHint), required=True)


class SkillIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(validate=validate.Length(max=200))


class LinkIn(StrictSchema):
    label = fields.String(validate=validate.Length(max=100))
    url = fields.Url(required=True, schemes={"http", "https"}, validate=validate.Length(max=2000))


class ProfileEdit(StrictSchema):
    """The client's own edits: a value beats every source; ``null`` gives the field back to the sources."""

    name = fields.String(allow_none=True, validate=validate.Length(max=200))
    headline = fields.String(allow_none=True, validate=validate.Length(max=300))
    summary = fields.String(allow_none=True, validate=TEXT)
    location = fields.String(allow_none=True, validate=validate.Length(max=200))
    skills = fields.List(fields.Nested(SkillIn), allow_none=True, validate=validate.Length(max=500))
    links = fields.List(fields.Nested(LinkIn), allow_none=True, validate=validate.Length(max=50))
