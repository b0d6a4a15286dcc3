"""Routes that write and clear the login cookie in real HTTP responses.

Streamlit talks to the page over a websocket, which cannot set an HttpOnly cookie; a cookie
component in the page could, but its extra script run raced the login. So a login stores a
one-time ticket and the page loads `api/session?ticket=…` as an invisible image: this
route answers with the session cookie (HttpOnly, SameSite=Lax, Secure on https), holding
an opaque random token that scripts in the page never see.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from db.engine import write_session
from services import sessions
from services.public_address import public_url
from services.sessions import HANDOFF_PATH, LOGOUT_PATH
from services.settings import load_settings

# A transparent 1×1 GIF: the routes are loaded as images.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def cookie_path() -> str:
    """The app's own path (server.baseUrlPath), so the cookie goes nowhere else on the host."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def _secure() -> bool:
    return public_url().lower().startswith("https://")


def _same_site_request(request: Request) -> bool:
    # Browsers say where a request comes from; a page of another site may not log anyone in.
    return request.headers.get("sec-fetch-site", "same-origin") in {"same-origin", "none"}


def _pixel() -> Response:
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


def issue_cookie(request: Request) -> Response:
    """Exchange a login's one-time ticket for the session cookie (once; later tries change nothing)."""
    response = _pixel()
    if not _same_site_request(request):
        return response
    name = load_settings().cookie_name
    with write_session() as session:
        issued = sessions.redeem_ticket(
            session=session, ticket=request.query_params.get("ticket", ""), replaced_token=request.cookies.get(name)
        )
    if issued is not None:
        max_age = max(int((issued.expires_at - datetime.now(UTC)).total_seconds()), 0)
        response.set_cookie(
            name, issued.token, max_age=max_age, path=cookie_path(), secure=_secure(), httponly=True, samesite="lax"
        )
    return response


def clear_cookie(request: Request) -> Response:
    """Logout: end the session behind this browser's cookie and delete the cookie."""
    response = _pixel()
    if not _same_site_request(request):
        return response
    name = load_settings().cookie_name
    token = request.cookies.get(name)
    if token:
        with write_session() as session:
            sessions.revoke_token(session=session, token=token)
    response.delete_cookie(name, path=cookie_path(), secure=_secure(), httponly=True, samesite="lax")
    return response


def routes(base_path: str = "") -> list[Route]:
    prefix = f"/{base_path.strip('/')}" if base_path.strip("/") else ""
    return [
        Route(f"{prefix}/{HANDOFF_PATH}", issue_cookie, methods=["GET"]),
        Route(f"{prefix}/{LOGOUT_PATH}", clear_cookie, methods=["GET"]),
    ]
