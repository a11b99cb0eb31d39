"""Summarise the last `make mutants` run as the Markdown table docs/testing.md records.

Reads mutmut's own result files (mutants/<module>.py.meta) and prints, per mutated module, the
mutants killed, survived, without tests and timed out, the score, and the surviving mutants' names
(`.venv/bin/python -m mutmut show NAME` shows each one's diff).
"""

import json
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# mutmut's exit codes (mutmut/stats.py): what each means for the mutant.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 36: "timeout"}
STATUS.update({-24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"})


def main() -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (a developer tool)
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"Tabulated {datetime.now(UTC):%Y-%m-%d} at commit {commit}.\n")
    print("| module | mutants | killed | timeout | survived | no tests | not tried | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    survivors: list[str] = []
    for module in config["only_mutate"]:
        meta = ROOT / "mutants" / f"{module}.meta"
        if not meta.exists():
            print(f"| `{module}` | not run | | | | | | |")
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(
            STATUS.get(code, "other") if code is not None else "not run" for code in codes.values()
        )
        tried = counts["killed"] + counts["survived"] + counts["timeout"]
        score = f"{100 * (counts['killed'] + counts['timeout']) / tried:.0f}%" if tried else "–"
        print(
            f"| `{module}` | {len(codes)} | {counts['killed']} | {counts['timeout']} | "
            f"{counts['survived']} | {counts['no tests']} | {counts['not run']} | {score} |"
        )
        survivors += [
            name
            for name, code in sorted(codes.items())
            if STATUS.get(code) in {"survived", "no tests"}
        ]
    if survivors:
        print("\nSurvivors and mutants no test reached (`mutmut show NAME`):")
        for name in survivors:
            print(f"- `{name}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
