"""The command line ``python -m grubook.bench``: its options and ``main``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

from grubook._results import write_results
from grubook.bench.process import add_process_arguments, prepare_process
from grubook.bench.rows import format_table, rows_to_json
from grubook.bench.timing import EAGER_MAX_STEPS, MIN_BLOCK_SECONDS, benchmark
from grubook.bench.variants import DEFAULT_SHAPES, MODES, VARIANTS

STUDIES = {"floor": "grubook.bench.floor", "time_to_adder": "grubook.bench.adder_time",
           "roofline": "grubook.bench.roofline", "long": "grubook.bench.long_inference",
           "headline": "grubook.bench.headline", "copies": "grubook.bench.xla_copies",
           "profile": "grubook.bench.op_profile", "allocator": "grubook.bench.allocator",
           "faults": "grubook.bench.page_faults", "onednn": "grubook.bench.onednn"}
"""``python -m grubook.bench ITEM ...`` runs that module's ``main`` (each has ``--budget``)."""


def parse_shape(text: str) -> tuple[int, int]:
    """``"64x9"`` -> ``(64, 9)``: a batch size and a number of time steps, both >= 1."""
    parts = str(text).lower().replace(" ", "").split("x")
    try:
        batch, steps = (int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a shape is BATCHxSTEPS with two ints >= 1, such as 64x9; got {text!r}"
        ) from None
    if batch < 1 or steps < 1:
        raise argparse.ArgumentTypeError(
            f"batch and steps must be >= 1, got {text!r}"
        )
    return batch, steps


def parse_args(argv=None) -> argparse.Namespace:
    """The command line of ``python -m grubook.bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m grubook.bench",
        description="Time versions of the same GRU adder in interleaved blocks. "
        f"The studies {', '.join(STUDIES)} are run as python -m grubook.bench STUDY --help.",
    )
    parser.add_argument(
        "--shapes",
        nargs="+",
        type=parse_shape,
        default=list(DEFAULT_SHAPES),
        metavar="BATCHxSTEPS",
        help="shapes to time (default: 64x9 64x1000 4096x9)",
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=VARIANTS,
        default=list(VARIANTS),
        metavar="VARIANT",
        help=f"variants to time, of: {', '.join(VARIANTS)}",
    )
    parser.add_argument(
        "--modes", nargs="+", choices=MODES, default=list(MODES)
    )
    parser.add_argument(
        "--units", type=int, default=16, help="hidden units H (default 16)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleaved rounds; the table shows the median (default 5)",
    )
    parser.add_argument(
        "--repetitions",
        type=int,
        default=3,
        help="calls of each variant per block (default 3)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="untimed calls of each variant first (default 2)",
    )
    parser.add_argument(
        "--min-block-ms",
        type=float,
        default=1e3 * MIN_BLOCK_SECONDS,
        help="fast variants repeat in a block until it lasts about this long "
        f"(default {1e3 * MIN_BLOCK_SECONDS:g})",
    )
    parser.add_argument(
        "--eager-max-steps",
        type=int,
        default=EAGER_MAX_STEPS,
        help="time the eager loop only up to this many steps "
        f"(default {EAGER_MAX_STEPS})",
    )
    add_process_arguments(parser)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="also write every round's timings, the settings and the versions as JSON",
    )
    args = parser.parse_args(argv)
    for name in ("units", "rounds", "repetitions"):
        if getattr(args, name) < 1:
            parser.error(
                f"--{name} must be an int >= 1, got {getattr(args, name)}"
            )
    for name in ("warmup", "eager_max_steps", "seed", "min_block_ms"):
        if getattr(args, name) < 0:
            parser.error(
                f"--{name.replace('_', '-')} must be an int >= 0, "
                f"got {getattr(args, name)}"
            )
    return args


def main(argv=None) -> None:
    """Print the table for the shapes, variants and repetitions on the command line.

    A first argument naming one of :data:`STUDIES` runs that study instead.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments and arguments[0] in STUDIES:
        importlib.import_module(STUDIES[arguments[0]]).main(arguments[1:])
        return
    args = parse_args(argv)
    process = prepare_process(args)
    start = time.perf_counter()
    rows = benchmark(
        args.shapes,
        args.variants,
        args.modes,
        args.units,
        args.rounds,
        args.repetitions,
        args.warmup,
        args.seed,
        eager_max_steps=args.eager_max_steps,
        min_block_seconds=args.min_block_ms / 1e3,
    )
    print(format_table(rows))
    print(
        f"median of {args.rounds} interleaved rounds; a block is {args.repetitions} calls "
        f"or more, to last at least {args.min_block_ms:g} ms; "
        f"{args.warmup} warm-up calls; units {args.units}; "
        f"XLA_FLAGS={process['xla_flags']!r}; pooled allocator {process['pooled_allocator']}; "
        f"wall time {time.perf_counter() - start:.0f} s"
    )
    if args.out:
        fields = {
            "settings": {key: value for key, value in vars(args).items() if key != "out"},
            **process,
            "cpus": os.cpu_count(),
        }
        write_results(args.out, "grubook.bench", argv, start, fields, rows_to_json(rows),
                      "timings")
