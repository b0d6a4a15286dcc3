"""Load figures of one app process, for operators: a plain-text page and a log line a minute.

`GET /metrics` answers in Prometheus' text format (any scraper reads it; people can too):
browser sessions open, script runs in the last minute (every click, form submission or page
switch is one run), the 95th percentile of their duration, and the outbox backlog (e-mails
waiting). The same figures go to the log once a minute (logger `cxc.metrics`), so an operator
sees load rising before people complain. Only requests from the machine itself are answered:
behind nginx, `deploy/nginx.conf` refuses /metrics to everyone else too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

WINDOW_S = 60.0
LOG_EVERY_S = 60.0
log = logging.getLogger("cxc.metrics")

_runs: deque[tuple[float, float]] = deque(maxlen=100_000)  # (finished at, seconds), this process
_runs_total = 0
_lock = threading.Lock()


@contextmanager
def timed_run() -> Iterator[None]:
    """Around one script run (app.py): counted and timed whether it ends, reruns or stops."""
    global _runs_total
    started = time.monotonic()
    try:
        yield
    finally:
        finished = time.monotonic()
        with _lock:
            _runs.append((finished, finished - started))
            _runs_total += 1


@dataclass(frozen=True)
class Figures:
    sessions_open: int
    runs_last_minute: int
    runs_total: int
    run_p95_ms: float
    outbox_backlog: int


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _sessions_open() -> int:
    from streamlit import runtime

    if not runtime.exists():
        return 0
    # Streamlit has no public count of open sessions; its session manager keeps one.
    return runtime.get_instance()._session_mgr.num_active_sessions()


def _outbox_backlog() -> int:
    from sqlmodel import func, select

    from db.engine import read_session
    from db.models import Outbox
    from domain.enums import OutboxState

    with read_session() as session:
        return session.exec(select(func.count()).select_from(Outbox).where(Outbox.state == OutboxState.QUEUED)).one()


def figures() -> Figures:
    now = time.monotonic()
    with _lock:
        recent = [seconds for finished, seconds in _runs if now - finished <= WINDOW_S]
        total = _runs_total
    return Figures(
        sessions_open=_sessions_open(),
        runs_last_minute=len(recent),
        runs_total=total,
        run_p95_ms=round(_p95(recent) * 1000, 1),
        outbox_backlog=_outbox_backlog(),
    )


def exposition(current: Figures) -> str:
    lines = [
        "# HELP cxc_sessions_open Browser sessions connected to this process.",
        "# TYPE cxc_sessions_open gauge",
        f"cxc_sessions_open {current.sessions_open}",
        "# HELP cxc_script_runs_last_minute Script runs (clicks, submissions, page switches) in the last 60 s.",
        "# TYPE cxc_script_runs_last_minute gauge",
        f"cxc_script_runs_last_minute {current.runs_last_minute}",
        "# HELP cxc_script_runs_total Script runs since this process started.",
        "# TYPE cxc_script_runs_total counter",
        f"cxc_script_runs_total {current.runs_total}",
        "# HELP cxc_script_run_p95_ms 95th percentile of script run time in the last 60 s, milliseconds.",
        "# TYPE cxc_script_run_p95_ms gauge",
        f"cxc_script_run_p95_ms {current.run_p95_ms}",
        "# HELP cxc_outbox_backlog E-mails waiting to be sent.",
        "# TYPE cxc_outbox_backlog gauge",
        f"cxc_outbox_backlog {current.outbox_backlog}",
    ]
    return "\n".join(lines) + "\n"


def log_line(current: Figures) -> str:
    return (
        f"metrics sessions_open={current.sessions_open} runs_per_min={current.runs_last_minute} "
        f"run_p95_ms={current.run_p95_ms} outbox_backlog={current.outbox_backlog}"
    )


def metrics_page(request: Request) -> Response:
    client = request.client.host if request.client else ""
    if client not in {"127.0.0.1", "::1"}:
        return PlainTextResponse("Not found\n", status_code=404)
    return PlainTextResponse(exposition(figures()), media_type="text/plain; version=0.0.4")


def routes(base_path: str = "") -> list[Route]:
    prefix = f"/{base_path.strip('/')}" if base_path.strip("/") else ""
    return [Route(f"{prefix}/metrics", metrics_page, methods=["GET"])]


def start_logging(interval_s: float = LOG_EVERY_S) -> threading.Event:
    """A log line every `interval_s` from a daemon thread (serve.py starts it); set the event to stop."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            try:
                log.info(log_line(figures()))
            except Exception:  # a database hiccup must not end the reporting
                log.exception("metrics: could not collect the figures")

    threading.Thread(target=loop, name="cxc-metrics", daemon=True).start()
    return stop
