"""`make bench`: every benchmark, one line per figure: BENCH <name> value=<x> goal=<y> ok|short."""

from __future__ import annotations

import platform
from datetime import UTC, datetime

from bench import bench_action, bench_documents, bench_login, bench_scale, bench_sessions


def main() -> None:
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()} · Python {platform.python_version()}")
    for line in bench_action.main():
        print(line, flush=True)
    for line in bench_documents.main():
        print(line, flush=True)
    for line in bench_scale.main():
        print(line, flush=True)
    for line in bench_sessions.main():
        print(line, flush=True)
    for line in bench_sessions.main_nginx():
        print(line, flush=True)
    for line in bench_login.main():
        print(line, flush=True)


if __name__ == "__main__":
    main()
