"""The command line: ``python -m grubook.notebooks execute|compare|student``."""

from __future__ import annotations

import argparse
from pathlib import Path

from grubook.notebooks.execution import execute_in_place, report_changes
from grubook.notebooks.student import write_student_edition

__all__ = ["main"]


def main(argv=None) -> None:
    """Execute notebooks in place: ``python -m grubook.notebooks execute book/*.ipynb``.

    Or list the stored outputs that a run today would change, without
    changing the files (exit status 1 if any did):
    ``python -m grubook.notebooks compare book/*.ipynb``.

    Or write the student edition (solutions removed):
    ``python -m grubook.notebooks student book/*.ipynb --out student``.
    """
    parser = argparse.ArgumentParser(prog="python -m grubook.notebooks", description=main.__doc__)
    parser.add_argument("command", choices=["execute", "compare", "student"])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds per cell (execute, compare)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("student"), help="output folder (student)"
    )
    args = parser.parse_args(argv)
    if args.command == "student":
        for target in write_student_edition(args.paths, args.out):
            print(f"{target}: written without solutions")
        return
    if args.command == "compare":
        raise SystemExit(1 if report_changes(args.paths, args.timeout) else 0)
    for path in args.paths:
        seconds = execute_in_place(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")
