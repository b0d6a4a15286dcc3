#!/usr/bin/env python3
"""Serve CXC Desk: `python serve.py [streamlit options]` (what `make run` does).

Streamlit treats the first script run of a process as an old-style multipage app when a
`pages/` folder exists, and shows a "Page not found" dialog to the first visitor of a deep
link. Our pages live in role sub-folders of `pages/` and are registered with
`st.navigation` only, so the old mode is switched off before the server starts.

With SMTP_URL set, a background thread of the server delivers the outbox every
CXC_MAIL_INTERVAL seconds (default 30); several servers share the work safely. Another logs
the process's load figures every CXC_METRICS_INTERVAL seconds (default 60; 0: off).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

# asgi.py wraps app.py in st.App: our cookie routes and security headers around Streamlit.
APP = str(Path(__file__).resolve().with_name("asgi.py"))
log = logging.getLogger("cxc.mail")


def mail_loop(stop: threading.Event, interval: float) -> None:
    from services.mailer import deliver_configured

    while not stop.wait(interval):
        try:
            report = deliver_configured()
            if report is not None and (report.sent or report.retrying or report.failed):
                log.warning("outbox: %s", report.line())
        except Exception:  # a bad SMTP_URL or a database hiccup must not stop the server
            log.exception("outbox delivery failed")


def main(argv: list[str]) -> int:
    PagesManager.uses_pages_directory = False
    if os.environ.get("SMTP_URL", "").strip():
        interval = float(os.environ.get("CXC_MAIL_INTERVAL", "30") or 30)
        threading.Thread(
            target=mail_loop, args=(threading.Event(), max(interval, 1.0)), name="cxc-mail", daemon=True
        ).start()
    metrics_interval = float(os.environ.get("CXC_METRICS_INTERVAL", "60") or 0)
    if metrics_interval > 0:
        from web.metrics import start_logging

        start_logging(max(metrics_interval, 1.0))
    sys.argv = ["streamlit", "run", APP, *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
