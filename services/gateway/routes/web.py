"""The web app: its page at ``/`` and its files below ``/app/``, from memory, revalidated by ETag."""

from __future__ import annotations

import functools

from werkzeug.wrappers import Request, Response

from services.gateway.assets import Asset, load_assets
from services.gateway.http import RouteDoc, api
from shared.errors import NotFound

# The SHA-256 of the printable CV's one stylesheet (services/profiles/cv.py PRINT_STYLE; a unit test
# keeps them equal): the CV preview is a blob document in a frame, under this page's policy.
CV_STYLE = "'sha256-b/AzxT0K96U0A4ezCK/Z8RLAR0sMx9jhnEhrzfB2e6Y='"
# Nothing from another host, no inline script, no inline style but the CV's: the page can only talk
# to this API; the only frame it shows is the CV it fetched (a blob).
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; img-src 'self' blob: data:; style-src 'self' {CV_STYLE}; script-src 'self'; "
    "frame-src blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@functools.cache
def _assets() -> dict[str, Asset]:
    """The app's files, read and compressed once per process: they change only with a release."""
    return load_assets()


def asset_response(request: Request, name: str) -> Response:
    asset = _assets().get(name)
    if asset is None:
        raise NotFound(f"The web app has no file {name!r}.")
    headers = {
        "ETag": asset.etag,
        # Always revalidated: a new release is seen at once; an unchanged file costs a 304.
        "Cache-Control": "no-cache",
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "no-referrer",
    }
    if asset.etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    return Response(body, status=200, content_type=asset.content_type, headers=headers)


class WebRoutes:
    @api(
        "GET",
        "/",
        doc=RouteDoc(
            "The web app for clients, counselors and admins", "web app", auth=False, content_type="text/html"
        ),
    )
    def web_app(self, request: Request) -> Response:
        return asset_response(request, "")

    @api(
        "GET",
        "/app/<path:name>",
        doc=RouteDoc(
            "The web app's scripts, styles and strings",
            "web app",
            auth=False,
            errors=(404,),
            content_type="application/octet-stream",
        ),
    )
    def web_asset(self, request: Request, name: str) -> Response:
        return asset_response(request, name)

    @api(
        "GET",
        "/favicon.ico",
        doc=RouteDoc("The app's icon", "web app", auth=False, content_type="image/svg+xml"),
    )
    def favicon(self, request: Request) -> Response:
        return asset_response(request, "icon.svg")
