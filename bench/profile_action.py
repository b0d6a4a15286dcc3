"""`make profile`: where the server's time goes in one page run and in one action.

Runs the app (app.py, as the server does) with AppTest, logged in as a participant, and
profiles with cProfile: a rerun of "What to do next" (a read) and a submission of the contact
form (an action: one message stored, e-mails to the administrators written). Prints the median
time of each and the functions that take most of it, so that what does not depend on the work
(settings, rules and specs parsed again, navigation rebuilt, session set-up) stands out.
"""

from __future__ import annotations

import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("CXC_PROFILE_RUNS", "30"))
TOP = int(os.environ.get("CXC_PROFILE_TOP", "25"))


def _prepare() -> dict[str, str | None]:
    """A fresh SQLite database for this measurement; returns the environment it replaced."""
    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "CXC_DATA_DIR", "CXC_BCRYPT_ROUNDS")}
    folder = Path(tempfile.mkdtemp(prefix="cxc-profile-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'cxc.db'}"
    os.environ["CXC_DATA_DIR"] = str(folder)
    os.environ.setdefault("CXC_BCRYPT_ROUNDS", "4")  # the password check is not what is profiled here
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    from db.engine import dispose_engines

    dispose_engines()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _logged_in_app():  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    from db.engine import get_engine, write_session
    from db.migrate import upgrade
    from tests import factories as f

    upgrade(get_engine())
    with write_session() as session:
        f.admin(session)
        user = f.participant(session, "pat")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        f.log_in(at, session, user)
    at.run()
    return at


def _timed(runs: int, one_run, *, profile: bool = True) -> tuple[list[float], pstats.Stats | None]:  # type: ignore[no-untyped-def]
    """Profile the script runs themselves: AppTest runs them in a thread of its own, where a
    profiler enabled here would see nothing, so Streamlit's ScriptRunner is wrapped instead."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    profiler = cProfile.Profile()
    timings: list[float] = []
    original = ScriptRunner._run_script

    def profiled(self, rerun_data):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        if profile:
            profiler.enable()
        try:
            return original(self, rerun_data)
        finally:
            if profile:
                profiler.disable()
            timings.append((time.perf_counter() - started) * 1000)

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    try:
        for _n in range(runs):
            one_run()
    finally:
        ScriptRunner._run_script = original  # type: ignore[method-assign]
    return timings, pstats.Stats(profiler) if profile else None


def _report(name: str, timings: list[float], stats: pstats.Stats | None) -> str:
    if stats is None:
        return ""
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(TOP)
    return f"== {name}: median {statistics.median(timings):.1f} ms over {len(timings)} runs\n{out.getvalue()}"


def measure(*, profile: bool) -> dict[str, tuple[list[float], pstats.Stats | None]]:
    """Server time of each script run: a read (rerun of the home page) and an action (contact form)."""
    saved = _prepare()
    try:
        return _measure(profile)
    finally:
        _restore(saved)


def _measure(profile: bool) -> dict[str, tuple[list[float], pstats.Stats | None]]:
    at = _logged_in_app()
    at.switch_page(str(ROOT / "pages/participant/home.py"))
    at.run()
    results = {"read": _timed(RUNS, at.run, profile=profile)}

    at.switch_page(str(ROOT / "pages/public/contact.py"))
    at.run()
    counter = iter(range(1, 10_000))

    def submit() -> None:
        at.text_input(key="contact_subject").input(f"Question {next(counter)}")
        at.text_area(key="contact_body").input("How long does a payment take?")
        next(button for button in at.button if button.label == "Send").click()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)

    results["action"] = _timed(RUNS, submit, profile=profile)
    return results


def main() -> int:
    results = measure(profile=True)
    sys.stdout.write(_report("rerun of 'What to do next'", *results["read"]))
    sys.stdout.write(_report("contact form submission", *results["action"]))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
