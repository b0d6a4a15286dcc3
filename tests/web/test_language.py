"""The browser's language: the route that remembers it, and `<html lang>` of every page load."""

from __future__ import annotations

import gzip
from pathlib import Path

import streamlit
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from web import language

INDEX = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")


def _app() -> Starlette:
    def page(request) -> HTMLResponse:  # type: ignore[no-untyped-def]
        # as Streamlit's static handler: compressed and validated when the browser allows
        assert "accept-encoding" not in request.headers and "if-none-match" not in request.headers
        return HTMLResponse(INDEX, headers={"etag": '"abc"', "last-modified": "Thu, 03 Dec 2026 06:14:36 GMT"})

    def zipped(_request) -> Response:  # type: ignore[no-untyped-def]
        return Response(gzip.compress(INDEX.encode()), media_type="text/html", headers={"content-encoding": "gzip"})

    return Starlette(
        routes=[Route("/", page), Route("/zipped", zipped), *language.routes()],
        middleware=[Middleware(language.LanguageMiddleware)],
    )


def _lang(response) -> str:  # type: ignore[no-untyped-def]
    return response.text.split("<html lang=", 1)[1][1:3]


PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Encoding": "gzip", "If-None-Match": '"abc"'}


def test_the_page_says_the_language_of_the_cookie_else_of_accept_language() -> None:
    assert '<html lang="en">' in INDEX  # what the middleware rewrites: a Streamlit upgrade must keep it
    with TestClient(_app()) as browser:
        assert _lang(browser.get("/", headers=PAGE)) == "en"
        polish = browser.get("/", headers={**PAGE, "Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
        assert _lang(polish) == "pl" and "etag" not in polish.headers and "last-modified" not in polish.headers
        assert polish.headers["vary"] == "Cookie, Accept-Language"
        assert _lang(browser.get("/", headers={**PAGE, "Accept-Language": "ja"})) == "en"
        remembered = browser.get("/api/language?lang=it")
        assert remembered.status_code == 200 and remembered.headers["content-type"].startswith("text/javascript")
        assert remembered.text == 'document.documentElement.lang = "it";\n'
        cookie = remembered.headers["set-cookie"]
        assert cookie.startswith("cxc_lang=it;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
        page = browser.get("/", headers={**PAGE, "Accept-Language": "pl"})
        assert _lang(page) == "it"  # the choice wins over the browser's first guess
        assert int(page.headers["content-length"]) == len(page.content)
        assert browser.get("/zipped", headers=PAGE).text == INDEX  # a compressed page passes untouched


def test_only_our_languages_are_remembered() -> None:
    with TestClient(_app()) as browser:
        refused = browser.get('/api/language?lang=en";alert(1);"')
        assert refused.status_code == 400 and "set-cookie" not in refused.headers
        assert _lang(browser.get("/", headers=PAGE)) == "en"
