"""Security headers on every HTTP response of the app, with or without a proxy in front.

The Content-Security-Policy is as strict as Streamlit's frontend allows:
- scripts: only the app's own files, plus the one inline script of Streamlit's index.html,
  allowed by its SHA-256 (computed from the installed Streamlit at start-up, so an upgrade
  cannot silently break the page);
- styles: 'unsafe-inline', because Streamlit's components style themselves at run time
  (Emotion inserts <style> elements);
- images, fonts, media and frames: the app itself plus data: and blob: URLs, which
  Streamlit uses for uploaded previews, downloads and the PDF viewer;
- connections: the app itself (the websocket is same-origin);
- nobody may frame the app (frame-ancestors 'none', X-Frame-Options DENY).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@lru_cache(maxsize=1)
def inline_script_hashes() -> tuple[str, ...]:
    """The CSP hashes of the inline scripts in Streamlit's own index.html."""
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    scripts = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), flags=re.S)
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'" for body in scripts
    )


def content_security_policy(*, extra_form_actions: tuple[str, ...] = ()) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *inline_script_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *extra_form_actions],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": content_security_policy(),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "cross-origin-opener-policy": "same-origin",
    }
    if https:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the headers to every HTTP response (never to websockets)."""

    def __init__(self, app: ASGIApp, *, https: bool | Callable[[], bool] = False) -> None:
        # `https` may be asked per response: the instance's public address is a setting an
        # administrator changes while the servers run, and HSTS follows it.
        self.app = app
        self.https = https if callable(https) else (lambda: https)
        self.variants = {flag: security_headers(https=flag) for flag in (False, True)}
        self.names = {name for name, _value in self.variants[True]}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = self.variants[self.https()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
