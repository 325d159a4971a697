"""``python -m plan_checker DATA_DIR PLAN_DIR [PLAN_DIR...]`` (run from ``tests/``).

Prints what the independent checker finds on each written plan (``queueopt
plan --out PLAN_DIR``): paid hours, the checker's LP bound and the true gap,
staff-minutes short, and every broken rule or wrong figure. Exit code 1 when
any plan has a hard finding.
"""

from __future__ import annotations

import sys
from pathlib import Path

from plan_checker.check import check_plan


def main(argv: list[str]) -> int:
    """Check each plan directory against the data directory; 1 if any has a hard finding."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    data, plans = Path(argv[0]), [Path(p) for p in argv[1:]]
    bad = 0
    for plan in plans:
        report = check_plan(plan, data)
        print(report.describe())
        bad += bool(report.hard_findings)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
