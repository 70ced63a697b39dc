"""API.md's "Assessments" routes, with drafts, re-matching and occupations: the assessments service."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from services.assessments import schemas as assessments
from services.gateway.http import RouteDoc, api, query_of, read_json
from shared.rpc import ServiceRpc

SVG = "image/svg+xml"


class AssessmentsRoutes:
    assessments_rpc = ServiceRpc("assessments")

    @api(
        "GET",
        "/api/v1/assessments",
        doc=RouteDoc(
            "The assessments a client can take",
            "assessments",
            query=assessments.AssessmentQuery,
            response=assessments.AssessmentList,
        ),
    )
    def list_assessments(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.list_assessments(query_of(request, assessments.AssessmentQuery))

    @api(
        "GET",
        "/api/v1/assessments/<key>",
        doc=RouteDoc(
            "An assessment's items and answer scale, in English or Swahili",
            "assessments",
            path=assessments.AssessmentPath,
            query=assessments.LanguageQuery,
            response=assessments.AssessmentOut,
            errors=(404,),
        ),
    )
    def get_assessment(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.get_assessment(key, query_of(request, assessments.LanguageQuery))

    @api(
        "PUT",
        "/api/v1/assessments/<key>/draft",
        doc=RouteDoc(
            "Save answers part-way, to resume later (clients); replaces the saved answers",
            "assessments",
            path=assessments.AssessmentPath,
            body=assessments.DraftIn,
            response=assessments.DraftOut,
            errors=(403, 404),
        ),
    )
    def save_draft(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.save_draft(key, read_json(request))

    @api(
        "GET",
        "/api/v1/assessments/<key>/draft",
        doc=RouteDoc(
            "The answers saved part-way and where to resume (clients)",
            "assessments",
            path=assessments.AssessmentPath,
            response=assessments.DraftOut,
            errors=(403, 404),
        ),
    )
    def get_draft(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.get_draft(key)

    @api(
        "DELETE",
        "/api/v1/assessments/<key>/draft",
        doc=RouteDoc(
            "Throw away the answers saved part-way (clients)",
            "assessments",
            path=assessments.AssessmentPath,
            response=assessments.DraftDiscarded,
            errors=(403, 404),
        ),
    )
    def discard_draft(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.discard_draft(key)

    @api(
        "POST",
        "/api/v1/assessments/<key>/responses",
        doc=RouteDoc(
            "Answer an assessment (clients): scores, code and matching occupations",
            "assessments",
            path=assessments.AssessmentPath,
            status=201,
            body=assessments.ResponseIn,
            response=assessments.ResultOut,
            errors=(403, 404),
        ),
    )
    def submit_response(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.submit_response(key, read_json(request))

    @api(
        "GET",
        "/api/v1/results",
        doc=RouteDoc(
            "Results the caller may see (own; their clients'; their branch's or organization's)",
            "assessments",
            query=assessments.ResultQuery,
            response=assessments.ResultPage,
            errors=(400,),
        ),
    )
    def list_results(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.list_results(query_of(request, assessments.ResultQuery))

    @api(
        "GET",
        "/api/v1/results/<result_id>",
        doc=RouteDoc("One result", "assessments", response=assessments.ResultOut, errors=(404,)),
    )
    def get_result(self, request: Request, result_id: str) -> dict[str, Any]:
        return self.assessments_rpc.get_result(result_id)

    @api(
        "GET",
        "/api/v1/results/<result_id>/matches",
        doc=RouteDoc(
            "Occupations for a result again, in the job zones asked for (e.g. ?job_zones=2,3)",
            "assessments",
            query=assessments.MatchQuery,
            response=assessments.MatchList,
            errors=(404,),
        ),
    )
    def result_matches(self, request: Request, result_id: str) -> dict[str, Any]:
        return self.assessments_rpc.result_matches(result_id, query_of(request, assessments.MatchQuery))

    @api(
        "GET",
        "/api/v1/results/<result_id>/chart.svg",
        doc=RouteDoc(
            "The scores drawn as a hexagon (interests) or bars (work values), sized to the screen",
            "assessments",
            query=assessments.LanguageQuery,
            content_type=SVG,
            errors=(404,),
            extra={"response_schema": {"type": "string"}},
        ),
    )
    def result_chart(self, request: Request, result_id: str) -> Response:
        svg = self.assessments_rpc.result_chart(result_id, query_of(request, assessments.LanguageQuery))
        return Response(svg, status=200, mimetype=SVG)

    @api(
        "GET",
        "/api/v1/occupations/<code>",
        doc=RouteDoc(
            "An occupation's interest profile, job zone and labour-market figures for the caller's region",
            "assessments",
            path=assessments.OccupationPath,
            response=assessments.OccupationOut,
            errors=(404,),
        ),
    )
    def get_occupation(self, request: Request, code: str) -> dict[str, Any]:
        return self.assessments_rpc.get_occupation(code)

    @api(
        "GET",
        "/api/v1/occupations",
        doc=RouteDoc(
            "Occupations by a job title a person would type (titles, O*NET alternate titles, ESCO titles), "
            "best first: the title itself, an alternate title, every word, some words",
            "assessments",
            query=assessments.OccupationSearchQuery,
            response=assessments.OccupationHits,
            errors=(400,),
        ),
    )
    def search_occupations(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.search_occupations(query_of(request, assessments.OccupationSearchQuery))

    @api(
        "GET",
        "/api/v1/occupations/<code>/requirements",
        doc=RouteDoc(
            "What an occupation requires: O*NET skills, knowledge and technologies (suppressed and "
            "not-relevant elements left out), ESCO essential skills, and the data's attribution",
            "assessments",
            path=assessments.OccupationPath,
            response=assessments.RequirementsOut,
            errors=(404,),
        ),
    )
    def occupation_requirements(self, request: Request, code: str) -> dict[str, Any]:
        return self.assessments_rpc.occupation_requirements(code)

    @api(
        "GET",
        "/api/v1/clients/<client_id>/skills",
        doc=RouteDoc(
            "The skills of a client's profile, each mapped to O*NET or ESCO (exact, alt_label, fuzzy to "
            "confirm, none): the client, their counselors and admins in scope",
            "assessments",
            path=assessments.ClientPath,
            query=assessments.ClientSkillsQuery,
            response=assessments.MappedSkills,
            errors=(404,),
        ),
    )
    def client_skills(self, request: Request, client_id: str) -> dict[str, Any]:
        return self.assessments_rpc.client_skills(client_id, query_of(request, assessments.ClientSkillsQuery))

    @api(
        "GET",
        "/api/v1/clients/<client_id>/skills-gap",
        doc=RouteDoc(
            "What a client has of an occupation's requirements, with evidence, and what is missing, "
            "weightiest first: the client, their counselors and admins in scope",
            "assessments",
            path=assessments.ClientPath,
            query=assessments.SkillsGapQuery,
            response=assessments.SkillsGapOut,
            errors=(404,),
        ),
    )
    def client_skills_gap(self, request: Request, client_id: str) -> dict[str, Any]:
        return self.assessments_rpc.client_skills_gap(
            client_id, query_of(request, assessments.SkillsGapQuery)
        )

    @api(
        "GET",
        "/api/v1/clients/<client_id>/pathways",
        doc=RouteDoc(
            "Up to five career paths of one to three moves through O*NET's related occupations, from the "
            "client's current or latest job toward ?target= (or their interest matches); each step with job "
            "zone, wages, outlook, interest fit and the skills to add",
            "assessments",
            path=assessments.ClientPath,
            query=assessments.PathwaysQuery,
            response=assessments.PathwaysOut,
            errors=(404, 422),
        ),
    )
    def client_pathways(self, request: Request, client_id: str) -> dict[str, Any]:
        return self.assessments_rpc.client_pathways(client_id, query_of(request, assessments.PathwaysQuery))

    @api(
        "PUT",
        "/api/v1/clients/<client_id>/skills/<path:skill>",
        doc=RouteDoc(
            "Confirm, reject or re-map one skill's match (the client or a counselor of theirs); "
            "deciding again replaces the decision",
            "assessments",
            path=assessments.ClientSkillPath,
            body=assessments.SkillDecisionIn,
            response=assessments.MappedSkill,
            errors=(403, 404),
        ),
    )
    def decide_skill(self, request: Request, client_id: str, skill: str) -> dict[str, Any]:
        return self.assessments_rpc.decide_skill(client_id, skill, read_json(request))

    # The intake form (#15) ---------------------------------------------------------------------

    @api(
        "PUT",
        "/api/v1/intake-form",
        doc=RouteDoc(
            "Set the organization's intake form (org admins): each PUT is a new version; clients' "
            "answers keep the version they answered",
            "assessments",
            body=assessments.IntakeFormIn,
            response=assessments.IntakeFormOut,
            errors=(403,),
        ),
    )
    def set_intake_form(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.set_intake_form(read_json(request))

    @api(
        "GET",
        "/api/v1/intake-form",
        doc=RouteDoc(
            "The organization's current intake form (anyone of it); version 0 with no questions when "
            "none was set",
            "assessments",
            response=assessments.IntakeFormOut,
        ),
    )
    def get_intake_form(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.get_intake_form()

    @api(
        "GET",
        "/api/v1/me/intake",
        doc=RouteDoc(
            "The client's own intake: answers, draft or complete, and the required questions unanswered",
            "assessments",
            response=assessments.IntakeOut,
            errors=(403,),
        ),
    )
    def get_my_intake(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.get_my_intake()

    @api(
        "PUT",
        "/api/v1/me/intake",
        doc=RouteDoc(
            "Save intake answers as a draft (clients); with submit: true, complete the intake",
            "assessments",
            body=assessments.IntakeIn,
            response=assessments.IntakeOut,
            errors=(403,),
        ),
    )
    def save_my_intake(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.save_my_intake(read_json(request))

    @api(
        "GET",
        "/api/v1/clients/<client_id>/intake",
        doc=RouteDoc(
            "A client's intake: the client, counselors of their branch or with a session with them, "
            "the admin of their branch, org admins",
            "assessments",
            path=assessments.ClientPath,
            response=assessments.IntakeOut,
            errors=(404,),
        ),
    )
    def client_intake(self, request: Request, client_id: str) -> dict[str, Any]:
        return self.assessments_rpc.client_intake(client_id)

    # Outcome measures (#18) ------------------------------------------------------------------------

    @api(
        "GET",
        "/api/v1/measures",
        doc=RouteDoc(
            "The outcome measures: career readiness, the pulse after a session, where a client is now",
            "assessments",
            query=assessments.LanguageQuery,
            response=assessments.MeasureList,
        ),
    )
    def list_measures(self, request: Request) -> dict[str, Any]:
        return self.assessments_rpc.list_measures(query_of(request, assessments.LanguageQuery))

    @api(
        "GET",
        "/api/v1/measures/<key>",
        doc=RouteDoc(
            "A measure's items and scale (or a destination's choices), in ?lang=",
            "assessments",
            path=assessments.MeasurePath,
            query=assessments.LanguageQuery,
            response=assessments.MeasureOut,
            errors=(404,),
        ),
    )
    def get_measure(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.get_measure(key, query_of(request, assessments.LanguageQuery))

    @api(
        "POST",
        "/api/v1/measures/<key>/responses",
        doc=RouteDoc(
            "Answer a measure (the client), or enter a destination the client reported (their counselor, "
            "naming client_id): 201 the scored response; an answer off the scale is 422 naming it",
            "assessments",
            path=assessments.MeasurePath,
            status=201,
            body=assessments.MeasureResponseIn,
            response=assessments.MeasureResponseOut,
            errors=(403, 404),
        ),
    )
    def submit_measure_response(self, request: Request, key: str) -> dict[str, Any]:
        return self.assessments_rpc.submit_measure_response(key, read_json(request))

    @api(
        "GET",
        "/api/v1/clients/<client_id>/measures/<key>",
        doc=RouteDoc(
            "A client's answers to a measure over time, and the change from the first to the latest with "
            "its reliable change index (once Njia holds 50 complete responses)",
            "assessments",
            path=assessments.ClientMeasurePath,
            response=assessments.MeasureSeries,
            errors=(404,),
        ),
    )
    def client_measure_series(self, request: Request, client_id: str, key: str) -> dict[str, Any]:
        return self.assessments_rpc.client_measure_series(client_id, key)

    @api(
        "GET",
        "/api/v1/clients/<client_id>/measures/<key>/chart.svg",
        doc=RouteDoc(
            "A client's scores on a measure over time, drawn as a line",
            "assessments",
            path=assessments.ClientMeasurePath,
            query=assessments.LanguageQuery,
            content_type=SVG,
            errors=(404,),
            extra={"response_schema": {"type": "string"}},
        ),
    )
    def client_measure_chart(self, request: Request, client_id: str, key: str) -> Response:
        query = query_of(request, assessments.LanguageQuery)
        return Response(
            self.assessments_rpc.client_measure_chart(client_id, key, query), status=200, mimetype=SVG
        )
