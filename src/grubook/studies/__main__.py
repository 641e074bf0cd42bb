"""``python -m grubook.studies``: run a study (see :mod:`grubook.studies.cli`)."""

from grubook.studies.cli import main

if __name__ == "__main__":
    main()
