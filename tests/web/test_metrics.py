"""The operators' load figures: counted runs, the p95, the text format, local callers only."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.models import Outbox
from web import metrics


def test_runs_are_counted_and_the_page_speaks_prometheus_text(session) -> None:  # type: ignore[no-untyped-def]
    session.add(Outbox(to_email="a@example.org", subject="s", body="b"))
    session.commit()
    before = metrics.figures().runs_total
    for _n in range(3):
        with metrics.timed_run():
            pass
    current = metrics.figures()
    assert current.runs_total == before + 3 and current.runs_last_minute >= 3 and current.outbox_backlog == 1
    text = metrics.exposition(current)
    assert re.search(r"^cxc_outbox_backlog 1$", text, re.M)
    assert all(line.startswith("# ") or re.fullmatch(r"cxc_[a-z0-9_]+ [0-9.]+", line) for line in text.splitlines())
    assert metrics.log_line(current).startswith("metrics sessions_open=0 ")


def test_p95_of_a_hundred_runs_is_the_ninety_sixth() -> None:
    assert metrics._p95([float(n) for n in range(1, 101)]) == 95.0
    assert metrics._p95([]) == 0.0


def test_only_this_machine_may_read_the_figures(sqlite_url: str) -> None:
    app = Starlette(routes=metrics.routes())
    with TestClient(app, client=("127.0.0.1", 5000)) as local:
        assert local.get("/metrics").status_code == 200
    with TestClient(app, client=("203.0.113.9", 5000)) as remote:
        response = remote.get("/metrics")
    assert response.status_code == 404 and "cxc_" not in response.text
