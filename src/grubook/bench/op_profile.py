"""Where the time of an XLA training step goes, instruction by instruction
(``python -m grubook.bench profile``).

TensorFlow's profiler records, for every instruction of an XLA program it
runs on the CPU, an event with its duration, and stores the compiled
program beside them. :func:`op_seconds` joins the two and sorts each
instruction into one of :data:`CATEGORIES` by what it computes
(:func:`category`); :func:`profile` captures a few calls of any function.
The study profiles the training steps behind chapter 6's results
(:data:`CASES`): the book's and Keras's fastest at 4,096 x 9 with the full
fused layer beside them; the fused layer in both conventions at 512 units
beside its matrix products alone (the roofline's miss); and the XLA steps
behind the two headline misses, at 64 x 9 and 64 x 1,000, beside the
products alone; in a few rounds. Rows: ``{"label", "variant",
"round", "batch", "steps", "units", "calls", "wall_seconds", "seconds":
{category: s}, "ops": {category: n}, "once": {category: s}, "top": [...]}``,
per call.

Times are CPU time summed over threads (XLA runs independent instructions
side by side), with the profiler's own cost inside them: shares, not a
clock.
"""

from __future__ import annotations

import collections
import functools
import glob
import os
import tempfile
import time
from collections.abc import Callable

import numpy as np
import tensorflow as tf
from tensorflow.compiler.xla.service import hlo_pb2
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from grubook._checks import check_positive_int
from grubook.bench.budget import (
    Budget,
    load_study,
    parse_study_arguments,
    study_writer,
)
from grubook.bench.process import prepare_process
from grubook.bench.roofline import make_products
from grubook.bench.runners import make_runner, problems, quiet_retracing
from grubook.bench.variants import build_variant_models

CATEGORIES = ("matrix products", "moving data", "elementwise and reductions")
"""What an instruction computes: a product of matrices; copies, concatenations, slices and
broadcasts (memory written, nothing computed); everything else."""
PRODUCT_OPCODES = frozenset({"dot", "convolution"})
MOVE_OPCODES = frozenset({"copy", "concatenate", "slice", "dynamic-slice",
                          "dynamic-update-slice", "pad", "transpose", "broadcast",
                          "reshape", "bitcast", "iota"})
CONTROL_OPCODES = frozenset({"while", "conditional", "call"})
"""Instructions whose events contain their bodies' events: not counted, to count nothing twice."""
CASES = (
    ("4,096 x 9", 4096, 9, 16, ("fused: + unrolled + XLA", "Keras GRU + XLA", "fused + XLA")),
    ("512 units", 64, 100, 512, ("fused + XLA", "fused, reset after + XLA", "products + XLA")),
    ("64 x 9", 64, 9, 16, ("fused: + unrolled + XLA", "fused + XLA",
                           "Keras GRU, reset after + XLA", "products + XLA")),
    ("64 x 1,000", 64, 1000, 16, ("fused + XLA", "products + XLA")),
)
"""The study's cases: ``(label, batch, steps, units, versions)``. At 64 x 9 and 64 x 1,000,
the XLA versions that were the book's or Keras's fastest in a headline run, beside a loop
of the same matrix products alone (``roofline.make_products``); Keras's fastest at
1,000 steps runs without XLA, which this profile cannot sort."""

load = load_study
"""A stored profile study: ``(everything but the rows, rows)``."""


def category(instruction, computations: dict) -> str | None:
    """The one of :data:`CATEGORIES` an HLO ``instruction`` belongs to; None for control flow.

    A fusion is a product if any instruction it calls (at any depth) is a
    product, else it is sorted by the instruction that writes its result.
    ``computations`` maps computation ids to ``HloComputationProto``.
    """
    opcode = instruction.opcode
    if opcode in CONTROL_OPCODES:
        return None
    if opcode in PRODUCT_OPCODES:
        return CATEGORIES[0]
    if opcode == "fusion":
        called = [computations[i] for i in instruction.called_computation_ids]
        if PRODUCT_OPCODES & _opcodes_within(called, computations):
            return CATEGORIES[0]
        root = next(j for c in called for j in c.instructions if j.id == c.root_id)
        return category(root, computations)
    return CATEGORIES[1] if opcode in MOVE_OPCODES else CATEGORIES[2]


def _opcodes_within(called: list, computations: dict) -> set[str]:
    """Every opcode in ``called`` and in the computations they call, recursively."""
    seen, stack, opcodes = set(), list(called), set()
    while stack:
        computation = stack.pop()
        if computation.id in seen:
            continue
        seen.add(computation.id)
        for instruction in computation.instructions:
            opcodes.add(instruction.opcode)
            stack += [computations[i] for i in instruction.called_computation_ids]
    return opcodes


def shape_of(instruction) -> list:
    """An HLO instruction's result shape: its dimensions, or a list of them for a tuple."""
    shape = instruction.shape
    if shape.tuple_shapes:
        return [list(part.dimensions) for part in shape.tuple_shapes]
    return list(shape.dimensions)


def hlo_categories(space) -> dict[tuple[str, str], tuple[str, str | None, list]]:
    """``(module, instruction) -> (opcode, category, shape)`` for every program in an
    ``XSpace``."""
    found = {}
    for plane in space.planes:
        for metadata in plane.event_metadata.values():
            for stat in metadata.stats:
                if not stat.bytes_value:
                    continue
                proto = hlo_pb2.HloProto()
                proto.ParseFromString(stat.bytes_value)
                module = proto.hlo_module
                computations = {c.id: c for c in module.computations}
                for computation in module.computations:
                    for instruction in computation.instructions:
                        found[module.name, instruction.name] = (
                            instruction.opcode, category(instruction, computations),
                            shape_of(instruction))
    return found


def op_seconds(space, calls: int) -> list[dict]:
    """Every XLA instruction run in ``space``: ``{"name", "opcode", "category", "shape",
    "seconds", "runs"}``.

    Seconds are summed over every thread and divided by ``calls``, as are
    the runs; control flow is left out (see :data:`CONTROL_OPCODES`). Sorted
    by seconds, largest first.
    """
    calls = check_positive_int(calls, "calls")
    kinds = hlo_categories(space)
    seconds, runs = collections.Counter(), collections.Counter()
    for plane in space.planes:
        stat_names = {k: m.name for k, m in plane.stat_metadata.items()}
        for line in plane.lines:
            for event in line.events:
                stats = {stat_names.get(s.metadata_id): s for s in event.stats}
                if "hlo_op" not in stats or "hlo_module" not in stats:
                    continue
                module = stat_names.get(stats["hlo_module"].ref_value)
                name = plane.event_metadata[event.metadata_id].name
                key = (module, name)
                if key not in kinds:
                    raise KeyError(f"the profile names instruction {name!r} of {module!r}, "
                                   "which its stored program does not hold")
                seconds[key] += event.duration_ps * 1e-12
                runs[key] += 1
    rows = [{"name": name, "opcode": kinds[module, name][0],
             "category": kinds[module, name][1], "shape": kinds[module, name][2],
             "seconds": s / calls, "runs": runs[module, name] / calls}
            for (module, name), s in seconds.items() if kinds[module, name][1] is not None]
    return sorted(rows, key=lambda r: -r["seconds"])


def profile(function: Callable[[], object], calls: int = 10, warmup: int = 2):
    """Run ``function`` ``warmup`` times, then ``calls`` times under the profiler.

    Returns ``(space, wall_seconds)``: the profiler's ``XSpace`` and the
    wall time per profiled call.
    """
    calls, warmup = check_positive_int(calls, "calls"), check_positive_int(warmup, "warmup")
    for _ in range(warmup):
        function()
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        start = time.perf_counter()
        for _ in range(calls):
            function()
        wall = (time.perf_counter() - start) / calls
        tf.profiler.experimental.stop()
        (path,) = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
        space = xplane_pb2.XSpace()
        with open(path, "rb") as file:
            space.ParseFromString(file.read())
    return space, wall


def summarise(ops: list[dict], top: int = 6) -> dict:
    """Per call, in each of :data:`CATEGORIES`: seconds, runs, and the seconds of instructions
    run once (outside any loop); and the ``top`` instructions."""
    def total(key, keep=lambda r: True):
        return {c: sum(r[key] for r in ops if r["category"] == c and keep(r)) for c in CATEGORIES}

    return {"seconds": total("seconds"), "ops": total("runs"),
            "once": total("seconds", lambda r: r["runs"] <= 1), "top": ops[:top]}


def _functions(batch: int, steps: int, units: int, versions) -> dict[str, Callable]:
    """Each version's training step at ``(batch, steps)`` and ``units``; or the products alone."""
    trained = [v for v in versions if v != "products + XLA"]
    models = build_variant_models(units, 0, trained)
    x, y = (tf.constant(a) for a in problems(batch, steps, 0))
    functions = {v: functools.partial(make_runner(v, "train", models), x, y) for v in trained}
    if "products + XLA" in versions:
        functions["products + XLA"] = make_products(batch, steps, units, xla=True)
    return functions


def study(cases=CASES, calls: int = 10, rounds: int = 5, seed: int = 0,
          budget: Budget | None = None,
          on_row: Callable[[list[dict]], None] | None = None) -> list[dict]:
    """Profile every version of every case, ``rounds`` times in turn; the rows (see the module).

    Each round profiles a case's versions in an order drawn from ``seed``.
    With ``budget`` no profile starts once it is spent; ``on_row`` is called
    with all rows so far after each.
    """
    rounds = check_positive_int(rounds, "rounds")
    order = np.random.default_rng(seed)
    rows: list[dict] = []
    for label, batch, steps, units, versions in cases:
        with quiet_retracing():
            functions = _functions(batch, steps, units, versions)
            for round_ in range(rounds):
                for k in order.permutation(len(functions)):
                    variant, function = list(functions.items())[k]
                    if budget is not None and budget.spent():
                        return rows
                    space, wall = profile(function, calls)
                    rows.append({"label": label, "variant": variant, "round": round_,
                                 "batch": batch, "steps": steps, "units": units,
                                 "calls": calls, "wall_seconds": wall,
                                 **summarise(op_seconds(space, calls))})
                    if on_row is not None:
                        on_row(rows)
    return rows


def per_round(rows: list[dict], label: str, variant: str, key: str | None = None,
              field: str = "seconds") -> np.ndarray:
    """One value per round for ``variant`` in case ``label``: the profiled call's wall
    seconds (``key`` None), or ``row[field][key]`` (``field`` "seconds", "ops" or "once")."""
    found = [r["wall_seconds"] if key is None else r[field][key]
             for r in rows if (r["label"], r["variant"]) == (label, variant)]
    if not found:
        raise KeyError(f"no row for {variant!r} in {label!r}")
    return np.array(found)


def median_ms(rows: list[dict], label: str, variant: str, key: str | None = None) -> float:
    """The median over rounds of :func:`per_round` (the call, or category ``key``), in ms."""
    return 1e3 * float(np.median(per_round(rows, label, variant, key)))


def summed(rows: list[dict], label: str, variant: str, field: str = "seconds") -> np.ndarray:
    """Per round, ``row[field]`` summed over :data:`CATEGORIES` for ``variant`` in case
    ``label``: the seconds, the instructions run ("ops") or the seconds run once ("once")."""
    return sum(per_round(rows, label, variant, c, field) for c in CATEGORIES)


def over_rounds(values, digits: int = 1) -> str:
    """``'2.9 (2.1 to 3.9)'``: the median of per-round ``values``, then the smallest and
    the largest, to ``digits`` decimals."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("values must hold at least one round, got none")
    low, mid, high = values.min(), np.median(values), values.max()
    return f"{mid:.{digits}f} ({low:.{digits}f} to {high:.{digits}f})"


def main(argv=None) -> None:
    """Profile the study's cases; print each version's seconds per category."""
    args = parse_study_arguments("profile", main.__doc__, argv, rounds=5,
                                 counts=[("--calls", 10, "profiled calls")])
    process = prepare_process(args)
    budget = Budget(args.budget)
    write = study_writer(args, "profile", argv, budget, process)
    rows = study(calls=args.calls, rounds=args.rounds, budget=budget,
                 on_row=lambda r: write(r, False))
    write(rows, len(rows) == args.rounds * sum(len(case[-1]) for case in CASES))
    for row in rows:
        parts = "  ".join(f"{c} {s * 1e3:.2f} ms" for c, s in row["seconds"].items())
        print(f"{row['label']:10} {row['variant']:25} round {row['round']} "
              f"wall {row['wall_seconds'] * 1e3:.2f} ms  {parts}")
