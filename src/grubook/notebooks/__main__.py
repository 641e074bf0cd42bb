"""``python -m grubook.notebooks``: runs :func:`grubook.notebooks.cli.main`."""

from grubook.notebooks.cli import main

if __name__ == "__main__":
    main()
