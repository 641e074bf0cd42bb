"""``python -m grubook.bench``: time the versions (see :mod:`grubook.bench.cli`)."""

from grubook.bench.cli import main

if __name__ == "__main__":
    main()
