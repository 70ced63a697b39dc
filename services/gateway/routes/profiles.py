"""API.md's "Networking profile" routes: answered by the profiles service."""

from __future__ import annotations

import base64
from typing import Any

from werkzeug.wrappers import Request, Response

from services.gateway.http import MAX_UPLOAD_BYTES, RouteDoc, api, query_of, read_json
from services.profiles import schemas as profiles
from shared.errors import BadRequest
from shared.rpc import ServiceRpc

HTML = "text/html"
# The CV page holds only a profile's escaped text and its own styles: nothing in it may run or load.
CV_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
_EXPORT = {
    "type": "string",
    "format": "binary",
    "minLength": 1,
    "description": 'the ZIP LinkedIn\'s "Download your data" gives (at most 10 MiB); anything else is a '
    "422 naming export",
}
# The upload is no JSON: the document says what read_upload takes.
LINKEDIN_UPLOAD = {
    "application/zip": {"schema": _EXPORT},
    "multipart/form-data": {
        "schema": {"type": "object", "properties": {"export": _EXPORT}, "required": ["export"]},
    },
}


def read_upload(request: Request) -> bytes:
    """The export's bytes: a raw ``application/zip`` body, or the file of a multipart form."""
    mimetype = (request.mimetype or "").lower()
    if mimetype == "multipart/form-data":
        upload = next(iter(request.files.values()), None)
        if upload is None:
            raise BadRequest(
                "The form holds no file; attach the export ZIP.", {"export": ["No file in the form."]}
            )
        data = upload.read(MAX_UPLOAD_BYTES + 1)
    elif mimetype in ZIP_TYPES:
        data = request.get_data(cache=False)
    else:
        raise BadRequest(
            "Send the export as application/zip, or as a file in a multipart/form-data form.",
            {
                "content_type": [
                    f"Expected application/zip or multipart/form-data, got {request.mimetype or 'nothing'}."
                ]
            },
        )
    if not data:
        raise BadRequest("The upload is empty; attach the export ZIP.", {"export": ["Empty upload."]})
    return data


class ProfilesRoutes:
    profiles_rpc = ServiceRpc("profiles")

    @api(
        "PUT",
        "/api/v1/profile/sources/linkedin",
        doc=RouteDoc(
            "Upload a LinkedIn data export (application/zip, or multipart/form-data); read off the request "
            "path, then see GET /api/v1/profile/syncs/{sync_id}",
            "profiles",
            status=202,
            response=profiles.SyncAccepted,
            errors=(400, 403, 413, 422),
            extra={"request_body": LINKEDIN_UPLOAD},
        ),
        max_body=MAX_UPLOAD_BYTES,
    )
    def upload_linkedin_export(self, request: Request) -> dict[str, Any]:
        encoded = base64.b64encode(read_upload(request)).decode("ascii")
        return self.profiles_rpc.upload_linkedin_export(encoded)

    @api(
        "PUT",
        "/api/v1/profile/sources/json-resume",
        doc=RouteDoc(
            "Connect a JSON Resume: {url} (fetched, then re-fetched daily) or a JSON Resume 1.0.0 document",
            "profiles",
            status=202,
            body=profiles.JsonResumeUrlIn,
            response=profiles.SyncAccepted,
            errors=(403,),
        ),
    )
    def connect_json_resume(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.connect_json_resume(read_json(request))

    @api(
        "PUT",
        "/api/v1/profile/sources/github",
        doc=RouteDoc(
            "Connect a GitHub account: its bio, blog, repositories' languages and topics",
            "profiles",
            status=202,
            body=profiles.GitHubIn,
            response=profiles.SyncAccepted,
            errors=(403,),
        ),
    )
    def connect_github(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.connect_github(read_json(request))

    @api(
        "POST",
        "/api/v1/profile/sync",
        doc=RouteDoc(
            "Sync every connected source now",
            "profiles",
            status=202,
            response=profiles.SyncAccepted,
            errors=(403, 409),
        ),
    )
    def sync_now(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.sync_now()

    @api(
        "GET",
        "/api/v1/profile/syncs/<sync_id>",
        doc=RouteDoc(
            "How a requested sync went, per source", "profiles", response=profiles.SyncOut, errors=(404,)
        ),
    )
    def get_sync(self, request: Request, sync_id: str) -> dict[str, Any]:
        return self.profiles_rpc.get_sync(sync_id)

    @api(
        "GET",
        "/api/v1/profile",
        doc=RouteDoc(
            "The caller's profile, or (counselors, admins) a client's: ?client_id=",
            "profiles",
            query=profiles.ProfileQuery,
            response=profiles.ProfileOut,
            errors=(404,),
        ),
    )
    def get_profile(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.get_profile(query_of(request, profiles.ProfileQuery))

    @api(
        "PATCH",
        "/api/v1/profile",
        doc=RouteDoc(
            "Edit your own profile: an edit beats every source; null gives the field back to them",
            "profiles",
            body=profiles.ProfileEdit,
            response=profiles.ProfileOut,
            errors=(403,),
        ),
    )
    def update_profile(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.update_profile(read_json(request))

    @api(
        "GET",
        "/api/v1/profile/export",
        doc=RouteDoc(
            "The profile as a JSON Resume 1.0.0 document",
            "profiles",
            query=profiles.ExportQuery,
            errors=(404,),
            extra={"response_schema": {"type": "object"}},
        ),
    )
    def export_profile(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.export_profile(query_of(request, profiles.ExportQuery))

    @api(
        "GET",
        "/api/v1/profile/cv",
        doc=RouteDoc(
            "A printable CV (HTML with A4 print styles) from the merged profile; ?lang=en|sw for its "
            "headings, ?template=classic|compact; counselors and admins name the client with ?client_id=",
            "profiles",
            query=profiles.CvQuery,
            content_type=HTML,
            errors=(404,),
            extra={"response_schema": {"type": "string"}},
        ),
    )
    def get_cv(self, request: Request) -> Response:
        page = self.profiles_rpc.get_cv(query_of(request, profiles.CvQuery))
        headers = {"Content-Security-Policy": CV_POLICY, "Cache-Control": "no-store"}
        return Response(page, status=200, mimetype=HTML, headers=headers)

    @api(
        "GET",
        "/api/v1/profile/cv/review",
        doc=RouteDoc(
            "Concrete hints on the CV: positions without dates or results, skills nothing shows used, "
            "an overlong summary; with ?target= an occupation's most important missing skills",
            "profiles",
            query=profiles.CvReviewQuery,
            response=profiles.CvReviewOut,
            errors=(404,),
        ),
    )
    def review_cv(self, request: Request) -> dict[str, Any]:
        return self.profiles_rpc.review_cv(query_of(request, profiles.CvReviewQuery))
