"""The ASGI application: Streamlit's server with our cookie routes, security headers and `<html lang>`.

`serve.py` (what `make run` starts) runs this file with `streamlit run`; an operator may
also start it with any ASGI server (`uvicorn asgi:app`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config as streamlit_config
from streamlit.runtime.pages_manager import PagesManager

from services.public_address import public_url
from services.settings import oidc_auth_section
from web import language, metrics, news_unsubscribe, session_cookie
from web.headers import SecurityHeadersMiddleware
from web.language import LanguageMiddleware

# Our pages are registered with st.navigation only; see serve.py for why this matters.
PagesManager.uses_pages_directory = False

# Sign-in through an OpenID Provider, when the environment configures one (README: "Signing in
# through your organisation"); otherwise an [auth] section in .streamlit/secrets.toml, if any.
_auth = oidc_auth_section()
_base_path = streamlit_config.get_option("server.baseUrlPath") or ""

app = st.App(
    str(Path(__file__).resolve().with_name("app.py")),
    secrets={"auth": _auth} if _auth else None,
    routes=[
        *session_cookie.routes(_base_path),
        *metrics.routes(_base_path),
        *news_unsubscribe.routes(_base_path),
        *language.routes(_base_path),
    ],
    middleware=[
        Middleware(SecurityHeadersMiddleware, https=lambda: public_url().startswith("https://")),
        Middleware(LanguageMiddleware),
    ],
)
