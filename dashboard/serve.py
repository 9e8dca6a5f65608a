"""The hardened entry point: `streamlit run dashboard/serve.py` serves dashboard/app.py with
security headers on every HTTP response (Streamlit's ``st.App`` with a Starlette middleware).

``dashboard/app.py`` stays the Streamlit script (AppTest, Community Cloud and
`streamlit run dashboard/app.py` run it without these headers). The policy lets the page load
nothing from another origin: scripts, styles, fonts, images and connections are the app's own
(``data:``/``blob:`` for the charts' images, fonts and deck.gl's workers). Framing is allowed from
the same origin only, unless ``CONFLICT_TIMELINE_FRAME_ANCESTORS`` lists more (for a host that
embeds the app in a frame, e.g. ``"'self' https://example.org"``).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware

FRAME_ANCESTORS_VAR = "CONFLICT_TIMELINE_FRAME_ANCESTORS"
POLICY = {
    "default-src": "'self'",
    # Streamlit's page and components use inline scripts and styles; its protobuf decoder (long.js)
    # compiles a small WebAssembly module ('wasm-unsafe-eval' allows that, not JavaScript eval)
    "script-src": "'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self' ws: wss:",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}


def content_security_policy(frame_ancestors: str | None = None) -> str:
    policy = dict(POLICY)
    if frame_ancestors and frame_ancestors.strip():
        policy["frame-ancestors"] = " ".join(frame_ancestors.split())
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def security_headers(frame_ancestors: str | None = None) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        # outgoing source links carry no trace of the view (filters, search) that led to them
        "Referrer-Policy": "no-referrer",
    }


class SecurityHeaders:
    """Pure ASGI middleware: sets the headers on every HTTP response; WebSockets pass through."""

    def __init__(self, app, headers: dict[str, str]):
        self.app = app
        self.headers = headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


app = st.App(
    Path(__file__).resolve().with_name("app.py"),
    middleware=[Middleware(SecurityHeaders, headers=security_headers(os.environ.get(FRAME_ANCESTORS_VAR)))],
)
