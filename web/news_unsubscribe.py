"""RFC 8058 one-click unsubscribe: the address of every news e-mail's List-Unsubscribe header.

A POST (what a mail client sends for "List-Unsubscribe=One-Click") unsubscribes at once; the
HMAC token in the address proves it came from our e-mail. A GET (a person, or a scanner that
opens links) only leads to the news page, which asks for one confirming click.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from db.engine import write_session
from domain.errors import NotFound
from services import news


async def one_click(request: Request) -> Response:
    email, token = request.query_params.get("email", ""), request.query_params.get("token", "")
    if request.method == "GET":
        query = urlencode({"email": email, "token": token, "action": "unsubscribe"})
        return RedirectResponse(f"{request.url.path.removesuffix('/unsubscribe')}?{query}", status_code=303)
    try:
        with write_session() as session:
            news.unsubscribe(session, email, token)
    except NotFound:
        return PlainTextResponse("This unsubscribe link is not valid.\n", status_code=404)
    return PlainTextResponse("Unsubscribed.\n")


def routes(base_path: str = "") -> list[Route]:
    prefix = f"/{base_path.strip('/')}" if base_path.strip("/") else ""
    return [Route(f"{prefix}/{news.UNSUBSCRIBE_PATH}", one_click, methods=["GET", "POST"])]
