"""`make bench`: every benchmark, one line per figure: BENCH <name> value=<x> goal=<y> ok|short."""

from __future__ import annotations

import platform
from datetime import UTC, datetime

from bench import bench_documents


def main() -> None:
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()} · Python {platform.python_version()}")
    for line in bench_documents.main():
        print(line)


if __name__ == "__main__":
    main()
