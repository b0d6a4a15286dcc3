#!/usr/bin/env python3
"""Serve CXC Desk: `python serve.py [streamlit options]` (what `make run` does).

Streamlit treats the first script run of a process as an old-style multipage app when a
`pages/` folder exists, and shows a "Page not found" dialog to the first visitor of a deep
link. Our pages live in role sub-folders of `pages/` and are registered with
`st.navigation` only, so the old mode is switched off before the server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = str(Path(__file__).resolve().with_name("app.py"))


def main(argv: list[str]) -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", APP, *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
