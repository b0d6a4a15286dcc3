"""Server time of one action: the contact form submitted by a logged-in participant.

Measured inside Streamlit's ScriptRunner (the whole script run, its rerun included), so what is
counted is the server's own work, not the test harness around it; see `make profile` for where
the time goes.
"""

from __future__ import annotations

import statistics

from bench.profile_action import measure

GOAL_MS = 25.0


def main() -> list[str]:
    results = measure(profile=False)
    read = statistics.median(results["read"][0])
    action = statistics.median(results["action"][0])
    return [
        f"BENCH contact_action_server_ms value={action:.1f} goal={GOAL_MS:.0f} "
        f"{'ok' if action <= GOAL_MS else 'short'}",
        f"BENCH home_page_rerun_server_ms value={read:.1f} goal=none info",
    ]


if __name__ == "__main__":
    for line in main():
        print(line)
