"""``python -m grubook.verify``: certify the adders of a recipe on many seeds."""

from grubook.verify.cli import main

main()
