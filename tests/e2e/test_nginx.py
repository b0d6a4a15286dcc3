"""deploy/ as written: Debian's nginx with deploy/nginx.conf (only ports and paths changed) in
front of three app processes on PostgreSQL, driven by Chromium through the proxy."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import ssl
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import func, select

from db.engine import dispose_engines, read_session, write_session
from db.models import ContactMessage, Evidence, Exchange
from deploy.cluster import running_app, running_nginx, self_signed_certificate
from services import exchanges
from tests import factories as f
from tests.conftest import _truncate_pg
from tests.e2e.conftest import _production_env, button, choose, free_port, log_in, open_page, settle, textbox
from tests.journey import agreed_exchange, cast, plan_answers, through_signing

pytestmark = pytest.mark.pg
PROCESSES = 3


@dataclass
class Cluster:
    url: str
    app_ports: list[int]
    processes: list
    folder: Path

    def sessions_per_process(self) -> list[int]:
        """Browser sessions each process holds, read from its own /metrics."""
        counts = []
        for port in self.app_ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                text = response.read().decode()
            counts.append(int(re.search(r"^cxc_sessions_open (\d+)$", text, re.M).group(1)))  # type: ignore[union-attr]
        return counts


@contextmanager
def _cluster(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    *,
    tls: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    _truncate_pg(database_url)
    folder = tmp_path / "cluster"
    data_dir = folder / "data"
    data_dir.mkdir(parents=True)
    listen = free_port()
    certificate = self_signed_certificate(folder) if tls else None
    url = f"{'https' if tls else 'http'}://127.0.0.1:{listen}"
    env = {
        **_production_env(),
        "DATABASE_URL": database_url,
        "CXC_DATA_DIR": str(data_dir),
        "CXC_PUBLIC_URL": url,
        **(extra_env or {}),
    }
    ports = [free_port() for _ in range(PROCESSES)]
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CXC_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CXC_PUBLIC_URL", url)
    dispose_engines()
    with ExitStack() as stack:
        processes = [stack.enter_context(running_app(folder / f"app-{port}.log", env, port)) for port in ports]
        stack.enter_context(running_nginx(folder, app_ports=ports, listen_port=listen, tls=certificate))
        yield Cluster(url, ports, processes, folder)
    dispose_engines()


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_migrated: str) -> Iterator[Cluster]:
    with _cluster(tmp_path, monkeypatch, pg_migrated, extra_env={"CXC_MAX_EVIDENCE_MB": "20"}) as running:
        yield running


def _headers(url: str, context: ssl.SSLContext | None = None) -> tuple[dict[str, list[str]], str]:
    with urllib.request.urlopen(url, timeout=10, context=context) as response:
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        return headers, response.read().decode(errors="replace")


def _assert_security_headers(headers: dict[str, list[str]], *, https: bool) -> None:
    for name in (
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
    ):
        assert len(headers.get(name, [])) == 1, (name, headers.get(name))  # present, and not twice
    assert "frame-ancestors 'none'" in headers["content-security-policy"][0]
    assert headers["x-frame-options"] == ["DENY"] and headers["x-content-type-options"] == ["nosniff"]
    assert headers["server"] == ["nginx"]  # no version banner, and uvicorn's own header is not passed on
    assert ("strict-transport-security" in headers) is https


def test_headers_health_and_metrics_through_nginx(cluster: Cluster) -> None:
    _health, body = _headers(f"{cluster.url}/healthz")
    assert body.strip() == "ok"
    page_headers, index = _headers(f"{cluster.url}/")
    _assert_security_headers(page_headers, https=False)
    assert any(cookie.startswith("cxc_route=") and "HttpOnly" in cookie for cookie in page_headers["set-cookie"])
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', index)
    assert script is not None
    static_headers, _body = _headers(f"{cluster.url}/{script.group(1)}")
    _assert_security_headers(static_headers, https=False)
    _metrics, text = _headers(f"{cluster.url}/metrics")  # from this machine: allowed
    assert "cxc_outbox_backlog 0" in text and "cxc_script_run_p95_ms" in text


def _send_contact_message(page: Page, base: str, subject: str, *, by_menu: bool = False) -> None:
    if by_menu:  # in the running page, over its websocket (a page load would open a new one)
        page.get_by_test_id("stSidebar").get_by_role("link", name="Contact").click()
        expect(page.get_by_role("heading", name="Contact the Support Office").first).to_be_visible()
        settle(page)
    else:
        open_page(page, f"{base}/contact")
    form = page.get_by_test_id("stForm")
    textbox(form, "Subject").fill(subject)
    textbox(form, "Your message").fill("Sent through nginx.")
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you. The Support Office answers").first).to_be_visible()


def _messages(subject: str) -> int:
    with read_session() as session:
        return session.exec(
            select(func.count()).select_from(ContactMessage).where(ContactMessage.subject == subject)
        ).one()


def test_each_process_serves_logged_in_browsers_and_sessions_stay_where_they_started(
    cluster: Cluster, browser: Browser
) -> None:
    with write_session() as session:
        f.admin(session)
        for n in range(12):
            f.participant(session, f"person{n}")
    pages: list[Page] = []
    # New browsers until every process holds at least one (the route cookie is random).
    while min(cluster.sessions_per_process()) == 0:
        assert len(pages) < 12, f"the route cookie did not spread browsers: {cluster.sessions_per_process()}"
        page = browser.new_context().new_page()
        log_in(page, cluster.url, f"person{len(pages)}", f.PASSWORD)
        pages.append(page)
    before = cluster.sessions_per_process()
    # A journey step in each browser; every websocket stays on its process (no session moves).
    for n, page in enumerate(pages):
        _send_contact_message(page, cluster.url, f"Through nginx {n}")
        expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_be_visible()
        assert _messages(f"Through nginx {n}") == 1
    assert cluster.sessions_per_process() == before
    for page in pages:
        page.context.close()


def test_an_idle_websocket_stays_open_for_two_minutes(cluster: Cluster, page: Page) -> None:
    with write_session() as session:
        f.participant(session, "pat")
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    log_in(page, cluster.url, "pat", f.PASSWORD)
    stream = [s for s in sockets if s.url.endswith("/_stcore/stream")]
    assert len(stream) == 1 and not stream[0].is_closed()
    page.wait_for_timeout(125_000)  # the idle time is what is tested: nothing happens meanwhile
    assert not stream[0].is_closed()
    _send_contact_message(page, cluster.url, "After two idle minutes", by_menu=True)
    assert len([s for s in sockets if s.url.endswith("/_stcore/stream")]) == 1  # no reconnect was needed
    assert _messages("After two idle minutes") == 1


def test_a_15_mb_evidence_file_goes_through_nginx(cluster: Cluster, page: Page, tmp_path: Path) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        plan = exchanges.save_plan(
            session=session,
            actor=c.visitor,
            exchange_id=exchange.id,  # type: ignore[arg-type]
            answers=plan_answers(date(2026, 10, 12), date(2026, 10, 16)),
            base_version=None,
        )
        for side in (c.visitor, c.host):
            exchanges.agree_plan(session=session, actor=side, exchange_id=exchange.id, version=plan.version)  # type: ignore[arg-type]
        for coordinator in (c.vop_coordinator, c.hop_coordinator):
            exchanges.decide_plan(session=session, actor=coordinator, exchange_id=exchange.id, approve=True)  # type: ignore[arg-type]
        through_signing(session, session.get(Exchange, exchange.id), c)  # type: ignore[arg-type]
        exchange_id = exchange.id
    scan = tmp_path / "scanned-invoices.pdf"
    # A real PDF whose size is a 15 MB scan's: the bytes after %%EOF are ignored by readers.
    scan.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n" + os.urandom(15 * 1024 * 1024)
    )
    log_in(page, cluster.url, "visitor", "correct-horse-battery-staple")
    open_page(page, f"{cluster.url}/exchange?id={exchange_id}")
    button(page, "The stay has ended")
    expect(page.get_by_text("Closing report due").first).to_be_visible()
    form = page.get_by_test_id("stForm")
    choose(page, form, "What the file proves", "Accommodation invoice")
    form.locator("input[type=file]").set_input_files(str(scan))
    expect(page.get_by_text(scan.name).first).to_be_visible(timeout=60_000)
    form.get_by_role("button", name="Add this evidence").click()
    settle(page)
    expect(page.get_by_text(f"{scan.name} · Accommodation invoice").first).to_be_visible()
    with read_session() as session:
        evidence = session.exec(select(Evidence).where(Evidence.filename == scan.name)).one()
    assert evidence.size_bytes == scan.stat().st_size  # every byte arrived
    assert evidence.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()


def test_a_killed_process_hands_its_browsers_to_another_still_logged_in(cluster: Cluster, page: Page) -> None:
    with write_session() as session:
        f.participant(session, "pat")
    log_in(page, cluster.url, "pat", f.PASSWORD)
    _send_contact_message(page, cluster.url, "Saved before the crash")
    holder = cluster.sessions_per_process().index(1)
    os.kill(cluster.processes[holder].pid, signal.SIGKILL)
    cluster.processes[holder].wait()
    # Streamlit's page reconnects by itself; nginx sends it to a living process.
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_be_visible(timeout=60_000)
    settle(page)
    _send_contact_message(page, cluster.url, "Sent after the crash")
    assert _messages("Saved before the crash") == 1 and _messages("Sent after the crash") == 1
    living = [n for n in range(PROCESSES) if n != holder]
    counts = []
    for n in living:
        with urllib.request.urlopen(f"http://127.0.0.1:{cluster.app_ports[n]}/metrics", timeout=5) as response:
            counts.append(int(re.search(r"^cxc_sessions_open (\d+)$", response.read().decode(), re.M).group(1)))  # type: ignore[union-attr]
    assert sum(counts) == 1


def test_tls_at_the_proxy_secure_cookie_and_hsts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_migrated: str, browser: Browser
) -> None:
    with _cluster(tmp_path, monkeypatch, pg_migrated, tls=True) as running:
        context = ssl.create_default_context(cafile=str(running.folder / "cert.pem"))
        headers, _body = _headers(f"{running.url}/", context)
        _assert_security_headers(headers, https=True)
        with write_session() as session:
            f.participant(session, "pat")
        page = browser.new_context(ignore_https_errors=True).new_page()
        log_in(page, running.url, "pat", f.PASSWORD)  # over https and wss
        cookie = next(c for c in page.context.cookies() if c["name"] == "cxc_session")
        assert cookie["secure"] and cookie["httpOnly"]
        page.context.close()
