"""200 simulated browser sessions against one app process: each logged in (its own login cookie),
each opening "What to do next" (a read) and then sending the contact form (an action that writes a
message and e-mails), once at a moment of its own within a minute (the goal figure), then all at
the same instant (the worst case, reported for information). Clients speak Streamlit's own websocket
protocol (protobuf BackMsg and ForwardMsg), as the browser does, without drawing anything.

Figures: p95 latency of the action (click → script finished), and the server's memory per idle
logged-in session (resident memory with all sessions connected, minus before, divided by their number).
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import websockets
from sqlmodel import SQLModel
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from db.engine import dispose_engines, get_engine
from db.migrate import upgrade
from db.models import AuthSession, Organisation, User
from domain.enums import OrgType, Role
from services.accounts import hash_password, sha256_hex
from services.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = int(os.environ.get("CXC_BENCH_SESSIONS", "200"))
SPREAD_S = float(os.environ.get("CXC_BENCH_SPREAD_S", "60"))
LATENCY_GOAL_MS = 1000
MEMORY_GOAL_MB = 1.0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _people(url: str) -> list[tuple[str, str]]:
    """SESSIONS participants, each with an open server-side session; returns (username, cookie)."""
    engine = get_engine(url)
    upgrade(engine)
    password = hash_password("bench-password-123")
    people, rows = [], {"organisation": [], "user": [], "auth_session": []}
    rows["user"].append(
        User(
            id=1,
            username="admin",
            email="admin@example.org",
            full_name="Admin",
            password_hash=password,
            role=Role.ADMIN,
        )
    )
    for n in range(1, SESSIONS + 2):  # one more: the warm-up session
        username = f"person{n}"
        rows["organisation"].append(
            Organisation(id=n, legal_name=f"Organisation {n}", org_type=OrgType.SME, country="PT", city="Porto")
        )
        rows["user"].append(
            User(
                id=n + 1,
                username=username,
                email=f"{username}@example.org",
                full_name=f"Person {n}",
                password_hash=password,
                role=Role.PARTICIPANT,
                organisation_id=n,
            )
        )
        token = secrets.token_urlsafe(32)  # what the cookie route would have set after a login
        rows["auth_session"].append(
            AuthSession(key_hash=sha256_hex(token), user_id=n + 1, expires_at=datetime.now(UTC) + timedelta(hours=2))
        )
        people.append((username, token))
    with engine.begin() as conn:
        for table in ("organisation", "user", "auth_session"):
            model: type[SQLModel] = type(rows[table][0])
            conn.execute(
                sa.insert(model),
                [r.model_dump(exclude={"id"} if table == "auth_session" else set()) for r in rows[table]],
            )
    dispose_engines()
    return people


class Browser:
    """One session, as Streamlit's frontend drives it."""

    def __init__(self, base: str, cookie: str) -> None:
        self.base, self.cookie = base, cookie
        self.socket: websockets.ClientConnection | None = None
        self.widgets: dict[str, object] = {}
        self.page_hash = ""
        self.page = ""
        self.errors: list[str] = []

    async def connect(self) -> None:
        host = self.base.split("//", 1)[1]
        self.socket = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": f"{load_settings().cookie_name}={self.cookie}", "Origin": self.base},
            max_size=None,
            open_timeout=300,
            ping_interval=None,
        )  # as a browser: it waits for busy servers and sends no pings

    async def run(self, page: str, widget_states: list | None = None) -> float:
        """Send a script run and wait for it to finish; returns the milliseconds it took."""
        message = BackMsg()
        message.rerun_script.page_name = page
        self.page = page  # the page by its URL name, as a browser does on every run
        for state in widget_states or []:
            message.rerun_script.widget_states.widgets.append(state)
        started = time.perf_counter()
        assert self.socket is not None
        await self.socket.send(message.SerializeToString())
        while True:
            incoming = ForwardMsg()
            incoming.ParseFromString(await self.socket.recv())
            kind = incoming.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = incoming.new_session.page_script_hash
                self.widgets = {}
            elif kind == "delta" and incoming.delta.WhichOneof("type") == "new_element":
                element = incoming.delta.new_element
                widget = element.WhichOneof("type")
                if widget == "exception":
                    self.errors.append(element.exception.message)
                elif widget == "alert" and element.alert.format == 1:  # ERROR
                    self.errors.append(element.alert.body)
                if widget in ("text_input", "text_area", "button"):
                    proto = getattr(element, widget)
                    self.widgets[proto.label] = proto
            elif kind == "script_finished":
                return (time.perf_counter() - started) * 1000

    def state(self, label: str, **value: object):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        proto = self.widgets[label]
        return WidgetState(id=proto.id, **value)  # type: ignore[arg-type, attr-defined]


class Start:
    """Every session reads first; the actions all go when the last session is ready."""

    def __init__(self, total: int) -> None:
        self.total, self.ready = total, 0
        self.everyone_ready, self.go = asyncio.Event(), asyncio.Event()

    def one_ready(self) -> None:
        self.ready += 1
        if self.ready == self.total:
            self.everyone_ready.set()


async def _send(browser: Browser, n: int, subject: str) -> float:
    return await browser.run(
        "contact",
        [
            browser.state("Subject *", string_value=f"{subject} {n}"),
            browser.state("Your message *", string_value="Which Partnership supervises exchanges to Portugal?"),
            browser.state("Your name *", string_value=f"Person {n}"),
            browser.state("Your e-mail address *", string_value=f"person{n}@example.org"),
            browser.state("Send", trigger_value=True),
        ],
    )


async def _session(
    base: str,
    cookie: str,
    n: int,
    start: Start,
    spread: list[float],
    burst: list[float],
    rng: random.Random,
    burst_go: asyncio.Event,
    spread_done: Start,
) -> Browser:
    browser = Browser(base, cookie)
    await browser.connect()
    await browser.run("participant_home")  # the read
    await browser.run("contact")
    start.one_ready()
    await start.go.wait()
    # People act when they are ready, not on one signal: SPREAD_S seconds of think time at random.
    await asyncio.sleep(rng.uniform(0, SPREAD_S))
    spread.append(await _send(browser, n, "Question"))
    spread_done.one_ready()
    await burst_go.wait()
    burst.append(await _send(browser, n, "Again"))  # every session at the same instant: the worst case
    return browser


async def _drive(base: str, people: list[tuple[str, str]], pid: int) -> tuple[float, float, float, int]:
    # A first session imports every page and warms the caches: not a cost of each session.
    warm = Browser(base, people[0][1])
    await warm.connect()
    await warm.run("participant_home")
    await warm.run("contact")
    await warm.socket.close()  # type: ignore[union-attr]
    people = people[1:]
    start, spread_done, burst_go = Start(len(people)), Start(len(people)), asyncio.Event()
    spread: list[float] = []
    burst: list[float] = []
    rng = random.Random(11)
    before = _rss_mb(pid)
    tasks = [
        asyncio.create_task(_session(base, cookie, n, start, spread, burst, rng, burst_go, spread_done))
        for n, (_u, cookie) in enumerate(people, start=1)
    ]
    # A session that fails to connect would leave the others waiting for ever: fail instead.
    await asyncio.wait_for(start.everyone_ready.wait(), timeout=900)
    idle = _rss_mb(pid)  # every session logged in, its pages read, idle
    start.go.set()
    await spread_done.everyone_ready.wait()
    burst_go.set()
    browsers = await asyncio.gather(*tasks)
    for browser in browsers:
        if browser.socket is not None:
            await browser.socket.close()
    problems = [e for b in browsers for e in b.errors]
    assert not problems, f"{len(problems)} sessions saw an error, e.g. {problems[0]}"
    p95 = statistics.quantiles(spread, n=20)[18]
    return p95, statistics.quantiles(burst, n=20)[18], (idle - before) / len(people), len(spread) + len(burst)


def main() -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="cxc-bench-sessions-"))
    url = f"sqlite:///{folder / 'sessions.db'}"
    os.environ["DATABASE_URL"], os.environ["CXC_DATA_DIR"] = url, str(folder)
    people = _people(url)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "CXC_DATA_DIR": str(folder), "CXC_BCRYPT_ROUNDS": "4"}
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "serve.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _n in range(300):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)  # polling the health endpoint until the server answers
        p95, burst_p95, per_session_mb, actions = asyncio.run(_drive(base, people, server.pid))
        with get_engine(url).connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM contact_message")).scalar_one()
        dispose_engines()
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert stored == actions == 2 * SESSIONS, f"{stored} messages stored for {actions} actions of {SESSIONS} sessions"
    return [
        f"BENCH sessions_{SESSIONS}_p95_action_ms value={p95:.0f} goal={LATENCY_GOAL_MS} "
        f"{'ok' if p95 < LATENCY_GOAL_MS else 'short'}",
        f"BENCH sessions_{SESSIONS}_burst_p95_action_ms value={burst_p95:.0f} goal=none info",
        f"BENCH idle_session_memory_mb value={per_session_mb:.2f} goal={MEMORY_GOAL_MB:g} "
        f"{'ok' if per_session_mb < MEMORY_GOAL_MB else 'short'}",
    ]


BURST_GOAL_MS = 5000
PG_URL = os.environ.get("CXC_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _fresh_pg(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def through_nginx(processes: int) -> tuple[float, float]:
    """The same 200 sessions through deploy/nginx.conf in front of `processes` app processes on
    PostgreSQL; returns the p95 of the spread and of the burst, in ms."""
    from contextlib import ExitStack

    from deploy.cluster import running_app, running_nginx

    folder = Path(tempfile.mkdtemp(prefix=f"cxc-bench-nginx-{processes}-"))
    _fresh_pg(PG_URL)
    os.environ["DATABASE_URL"], os.environ["CXC_DATA_DIR"] = PG_URL, str(folder)
    people = _people(PG_URL)
    ports, listen = [_port() for _ in range(processes)], _port()
    env = {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "CXC_DATA_DIR": str(folder),
        "CXC_BCRYPT_ROUNDS": "4",
        "CXC_PUBLIC_URL": f"http://127.0.0.1:{listen}",
    }
    with ExitStack() as stack:
        apps = [stack.enter_context(running_app(folder / f"app-{port}.log", env, port)) for port in ports]
        stack.enter_context(running_nginx(folder, app_ports=ports, listen_port=listen))
        p95, burst_p95, _memory, actions = asyncio.run(_drive(f"http://127.0.0.1:{listen}", people, apps[0].pid))
    with get_engine(PG_URL).connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM contact_message")).scalar_one()
    dispose_engines()
    assert stored == actions == 2 * SESSIONS, f"{stored} messages stored for {actions} actions through nginx"
    return p95, burst_p95


def main_nginx() -> list[str]:
    lines = []
    for processes in (1, 2):
        p95, burst_p95 = through_nginx(processes)
        lines.append(
            f"BENCH nginx_{processes}_process_sessions_{SESSIONS}_p95_action_ms value={p95:.0f} goal=none info"
        )
        goal = (
            f"goal={BURST_GOAL_MS} {'ok' if burst_p95 <= BURST_GOAL_MS else 'short'}"
            if processes == 2
            else "goal=none info"
        )
        lines.append(
            f"BENCH nginx_{processes}_process_sessions_{SESSIONS}_burst_p95_action_ms value={burst_p95:.0f} {goal}"
        )
    return lines


if __name__ == "__main__":
    for out in main():
        print(out)
