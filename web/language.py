"""The language of a browser: a cookie written by a real HTTP route, and `<html lang>` from it.

A switch in the page loads `api/language?lang=fr` as a script (ui/language.py): the response
sets the `cxc_lang` cookie (a year; remembered for anonymous visitors too) and its one line sets
`document.documentElement.lang` at once. Every later load of the page gets `<html lang="fr">`
from `LanguageMiddleware`, which rewrites Streamlit's index.html (it says lang="en") from that
cookie, or from Accept-Language when there is none yet.

Why a cookie through a route rather than a query parameter: it survives links from e-mails and
typed URLs, needs no change to any link, and the middleware can read it before the page exists.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.i18n import best_match, default_locale, normalise
from services.public_address import public_url
from services.sessions import LANGUAGE_COOKIE as COOKIE
from services.sessions import LANGUAGE_PATH as PATH
from web.session_cookie import cookie_path

YEAR = 365 * 24 * 3600
SOURCE_TAG = b'<html lang="en">'


def _from_headers(cookie: str | None, accept_language: str | None) -> str:
    return normalise(cookie) or best_match(accept_language) or default_locale()


def set_language(request: Request) -> Response:
    """Remember the language in this browser and say it to the page (a script of one line)."""
    locale = normalise(request.query_params.get("lang"))
    if locale is None:
        return Response("", media_type="text/javascript", status_code=400)
    response = Response(
        f'document.documentElement.lang = "{locale}";\n',
        media_type="text/javascript",
        headers={"Cache-Control": "no-store"},
    )
    secure = public_url().lower().startswith("https://")
    response.set_cookie(COOKIE, locale, max_age=YEAR, path=cookie_path(), secure=secure, httponly=True, samesite="lax")
    return response


def routes(base_path: str = "") -> list[Route]:
    prefix = f"/{base_path.strip('/')}" if base_path.strip("/") else ""
    return [Route(f"{prefix}/{PATH}", set_language, methods=["GET"])]


class LanguageMiddleware:
    """Pure ASGI middleware: `<html lang="en">` of the page becomes the browser's language.

    A request for a page (its Accept names text/html) reaches Streamlit without Accept-Encoding
    and validators, so that the page (8 kB) comes back whole and uncompressed: the one form this
    can rewrite. The answer varies with the cookie and Accept-Language, so it carries no ETag. The
    language codes all have two letters: the length (and Content-Length) stays the same.
    """

    DROPPED = (b"accept-encoding", b"if-none-match", b"if-modified-since")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"text/html" not in Request(scope).headers.get("accept", "").encode():
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        locale = _from_headers(request.cookies.get(COOKIE), request.headers.get("accept-language"))
        tag = f'<html lang="{locale}">'.encode()
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in self.DROPPED]}
        rewrite = False

        async def send_with_lang(message: Message) -> None:
            nonlocal rewrite
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                rewrite = headers.get(b"content-type", b"").startswith(b"text/html") and (
                    b"content-encoding" not in headers
                )
                if rewrite:
                    kept = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() not in (b"etag", b"last-modified")
                    ]
                    message = {**message, "headers": [*kept, (b"vary", b"Cookie, Accept-Language")]}
            elif message["type"] == "http.response.body" and rewrite and tag != SOURCE_TAG:
                message = {**message, "body": message.get("body", b"").replace(SOURCE_TAG, tag, 1)}
            await send(message)

        await self.app(scope, receive, send_with_lang)
