"""An independent check of the exported certificate, book/data/proved_adder.json.

This file shares no code with ``grubook``: it imports only the standard
library and ``mpmath``, and re-verifies the proof from the file's schema
(format ``"grubook-certificate/1"``) with mpmath's interval arithmetic,
which rounds every endpoint outward. Its own enclosures of the sigmoid and
tanh are ``1 / (1 + exp(-x))`` and ``1 - 2 / (1 + exp(2 x))`` evaluated on
intervals: each is increasing in ``x`` and uses ``x`` once, so the interval
result contains every value, however mpmath rounds inside.

The induction it checks, from ``h_0 = 0`` and carry 0:

* base: every prefix of ``k = history`` input pairs (all ``4**k``) reads
  every sum bit right and ends inside the box of (carry 0, its pairs);
  with ``k = 0``, ``h_0`` lies in the box of carry 0;
* step: every box (c, w) under every input pair p lands, widened by
  ``step_error``, inside the box of its successor and reads the sum bit of p
  (carry-in: the carry after c and all of w) with a margin above
  ``readout_error``. The successor is (the carry after c and w's first
  pair, w without it followed by p), or (the carry after c and p, []) for
  ``k = 0``.

Every step of the states is widened by ``step_error``, so the proof covers
any implementation within that error of the exact step. The chapter loads
:func:`check_certificate` from this file with importlib, to show its verdict
beside the prover's.
"""

from __future__ import annotations

import ast
import copy
import itertools
import json
import math
import time
from pathlib import Path
from typing import NamedTuple

import pytest
from mpmath import iv

CERTIFICATE = Path(__file__).resolve().parent.parent / "book" / "data" / "proved_adder.json"

FIELDS = (
    "format", "units", "kernel", "recurrent_kernel", "bias", "readout_kernel",
    "readout_bias", "history", "boxes", "step_error", "readout_error", "margin", "covers",
    "seed", "recipe", "command", "commit", "versions", "wall_seconds",
)
"""The fields of a ``grubook-certificate/1`` document, in order."""

PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))


class Refused(Exception):
    """The certificate does not prove what it claims; the message says why."""


class Verdict(NamedTuple):
    """What :func:`check_certificate` found.

    accepted  True when every check of the induction held
    reason    in words: what was checked, or the first check that failed
    margin    the smallest readout margin the checker found (a lower bound)
    slack     the smallest distance of a widened image inside its target box
    checks    how many box inclusions and readouts it checked
    """

    accepted: bool
    reason: str
    margin: float
    slack: float
    checks: int


# --- The schema ---------------------------------------------------------------------


def _is_float32(value) -> bool:
    """Whether a JSON number is a finite float32 number (24-bit significand)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    value = float(value)
    if not math.isfinite(value) or abs(value) > 3.4028234663852886e38:
        return False
    if value == 0:
        return True
    mantissa, exponent = math.frexp(value)
    bits = min(24, exponent + 149)  # below 2**-126 (subnormals) fewer bits remain
    return bits > 0 and (mantissa * 2**bits).is_integer()


def _matrix(document, name, rows, columns):
    value = document[name]
    if len(value) != rows or any(len(row) != columns for row in value):
        raise Refused(f"{name} must be {rows} x {columns}")
    if not all(_is_float32(v) for row in value for v in row):
        raise Refused(f"{name} must hold float32 numbers")
    return [[float(v) for v in row] for row in value]


def _vector(document, name, size):
    return _matrix({name: [document[name]]}, name, 1, size)[0]


def _carry(carry, pairs):
    for a, b in pairs:
        carry = (a + b + carry) // 2
    return carry


def _read(document):
    """The checked network, boxes and bounds of ``document``."""
    if list(document) != list(FIELDS):
        raise Refused(f"the fields must be exactly {FIELDS}, got {tuple(document)}")
    if document["format"] != "grubook-certificate/1":
        raise Refused(f"unknown format {document['format']!r}")
    units, history = document["units"], document["history"]
    if not (isinstance(units, int) and units >= 1 and isinstance(history, int) and history >= 0):
        raise Refused("units must be >= 1 and history >= 0, whole numbers")
    net = {
        "kernel": _matrix(document, "kernel", 2, 3 * units),
        "recurrent": _matrix(document, "recurrent_kernel", units, 3 * units),
        "bias": _vector(document, "bias", 3 * units),
        "readout": _vector(document, "readout_kernel", units),
        "readout_bias": _vector({"readout_bias": [document["readout_bias"]]}, "readout_bias", 1)[0],
    }
    boxes = {}
    for entry in document["boxes"]:
        window = tuple(tuple(pair) for pair in entry["window"])
        key = (entry["carry"], window)
        if entry["carry"] not in (0, 1) or len(window) != history or any(
                pair not in PAIRS for pair in window) or key in boxes:
            raise Refused(f"box {key} is not a new (carry, window of {history} pairs)")
        low, high = entry["low"], entry["high"]
        if len(low) != units or len(high) != units or not all(
                isinstance(v, int | float) and math.isfinite(v) and lo <= v
                for lo, v in zip(low, high, strict=True)):
            raise Refused(f"box {key} must hold {units} finite intervals low <= high")
        boxes[key] = [iv.mpf([float(lo), float(hi)]) for lo, hi in zip(low, high, strict=True)]
    errors = [document[name] for name in ("step_error", "readout_error")]
    if not all(isinstance(e, int | float) and math.isfinite(e) and e >= 0 for e in errors):
        raise Refused("step_error and readout_error must be finite numbers >= 0")
    return net, boxes, history, iv.mpf(float(errors[0])), iv.mpf(float(errors[1]))


# --- The interval GRU step --------------------------------------------------------------


def _sigmoid(x):
    return 1 / (1 + iv.exp(-x))


def _tanh(x):
    return 1 - 2 / (1 + iv.exp(2 * x))


def _hull(values):
    return iv.mpf([min(v.a for v in values), max(v.b for v in values)])


def _step(net, state, pair):
    """Every state one exact GRU step reaches from the box ``state`` on ``pair``."""
    units = len(state)
    a, b = pair

    def pre(j, h):
        total = iv.mpf(net["bias"][j]) + a * net["kernel"][0][j] + b * net["kernel"][1][j]
        return total + sum((h[i] * net["recurrent"][i][j] for i in range(units)), iv.mpf(0))

    z = [_sigmoid(pre(j, state)) for j in range(units)]
    r = [_sigmoid(pre(units + j, state)) for j in range(units)]
    reset = [r[i] * state[i] for i in range(units)]
    candidate = [_tanh(pre(2 * units + j, reset)) for j in range(units)]
    new = []
    for j in range(units):  # (1 - z) h + z g is affine in each of z, h, g: corners suffice
        corners = [(1 - zz) * hh + zz * gg for zz, hh, gg in itertools.product(
            (z[j].a, z[j].b), (state[j].a, state[j].b), (candidate[j].a, candidate[j].b))]
        new.append(_hull(corners))
    return new


def _widen(state, error):
    return [iv.mpf([(v - error).a, (v + error).b]) for v in state]


def _margin(net, state, bit):
    """The readout logit's smallest distance from 0 on the side ``bit`` needs."""
    logit = iv.mpf(net["readout_bias"]) + sum(
        (w * h for w, h in zip(net["readout"], state, strict=True)), iv.mpf(0))
    return logit.a if bit == 1 else -logit.b


def _inside(inner, outer) -> bool:
    """Whether every interval of ``inner`` lies in that of ``outer`` (exact comparisons
    of endpoints, which are numbers, not intervals)."""
    return all((i.a >= o.a) is True and (o.b >= i.b) is True
               for i, o in zip(inner, outer, strict=True))


def _slack(inner, outer) -> float:
    """The smallest gap between ``inner`` and the edges of ``outer``, for the report."""
    return min(min(float(i.a) - float(o.a), float(o.b) - float(i.b))
               for i, o in zip(inner, outer, strict=True))


# --- The induction ------------------------------------------------------------------


def check_certificate(document) -> Verdict:
    """Re-verify a ``grubook-certificate/1`` document (a dict); a :class:`Verdict`."""
    try:
        return _check(document)
    except Refused as refusal:
        return Verdict(False, str(refusal), math.nan, math.nan, 0)


def _check(document) -> Verdict:
    net, boxes, history, step_error, readout_error = _read(document)
    worst = {"margin": None, "slack": None, "checks": 0}

    def readout(state, bit, where):
        margin = _margin(net, state, bit)
        if (margin > readout_error) is not True:
            raise Refused(f"the readout of {where} is not right by more than readout_error "
                          f"(margin {float(margin.a):.3g})")
        worst["margin"] = margin if worst["margin"] is None else min(worst["margin"], margin)
        worst["checks"] += 1

    def inside(state, key, where):
        if key not in boxes:
            raise Refused(f"{where} leads to {key}, which has no box")
        slack = _slack(state, boxes[key])
        if not _inside(state, boxes[key]):
            raise Refused(f"{where} is not inside the box of {key} (by {-slack:.3g})")
        worst["slack"] = slack if worst["slack"] is None else min(worst["slack"], slack)
        worst["checks"] += 1

    start = [iv.mpf(0)] * len(net["readout"])
    frontier = [((), 0, start)]  # (pairs so far, carry, box of states)
    for _ in range(history):
        grown = []
        for pairs, carry, state in frontier:
            for pair in PAIRS:
                image = _widen(_step(net, state, pair), step_error)
                readout(image, (sum(pair) + carry) % 2, f"the prefix {pairs + (pair,)}")
                grown.append((pairs + (pair,), _carry(carry, [pair]), image))
        frontier = grown
    for pairs, _, state in frontier:
        inside(state, (0, pairs), f"the prefix {pairs} from h_0 = 0")
    for (carry, window), box in boxes.items():
        carry_in = _carry(carry, window)
        for pair in PAIRS:
            where = f"box {(carry, window)} on {pair}"
            image = _widen(_step(net, box, pair), step_error)
            readout(image, (sum(pair) + carry_in) % 2, where)
            if history == 0:
                successor = (_carry(carry, [pair]), ())
            else:
                successor = (_carry(carry, window[:1]), window[1:] + (pair,))
            inside(image, successor, where)
    margin, slack = float(worst["margin"]), worst["slack"]
    return Verdict(True, f"every prefix of {history} pairs and every one of the {len(boxes)} "
                   f"boxes under every input checked; smallest margin {margin:.3g}",
                   margin, slack, worst["checks"])


# --- The tests ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def document():
    return json.loads(CERTIFICATE.read_text())


def test_the_checker_shares_no_code_with_grubook():
    tree = ast.parse(Path(__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "ast", "copy", "itertools", "json", "math", "time",
                        "pathlib", "typing", "pytest", "mpmath"}, imported


def test_the_stored_certificate_is_accepted(document):
    start = time.perf_counter()
    verdict = check_certificate(document)
    seconds = time.perf_counter() - start
    assert verdict.accepted, verdict.reason
    assert verdict.margin > document["readout_error"] and verdict.slack >= 0
    expected = 4 ** document["history"] + 8 * len(document["boxes"])  # base + step checks
    expected += sum(4**j for j in range(1, document["history"] + 1))
    assert verdict.checks == expected
    assert seconds < 30


def test_the_stored_certificate_holds_float32_weights_and_every_key(document):
    assert all(_is_float32(v) for name in ("kernel", "recurrent_kernel")
               for row in document[name] for v in row)
    assert len(document["boxes"]) == 2 * 4 ** document["history"]
    assert document["margin"] > document["readout_error"] > 0 < document["step_error"]


def _shrunk(document):
    tampered = copy.deepcopy(document)
    box = tampered["boxes"][-1]
    width = [hi - lo for lo, hi in zip(box["low"], box["high"], strict=True)]
    box["low"] = [lo + 0.3 * w for lo, w in zip(box["low"], width, strict=True)]
    box["high"] = [hi - 0.3 * w for hi, w in zip(box["high"], width, strict=True)]
    return tampered


def _leaky(document):
    tampered = copy.deepcopy(document)
    tampered["recurrent_kernel"] = [[0.5 * v for v in row] for row in document["recurrent_kernel"]]
    return tampered


def _flipped(document):
    tampered = copy.deepcopy(document)
    tampered["readout_kernel"] = [-v for v in document["readout_kernel"]]
    tampered["readout_bias"] = -document["readout_bias"]
    return tampered


@pytest.mark.parametrize("tamper, words", [
    (_shrunk, "is not inside the box"),
    (_leaky, "is not inside the box"),
    (_flipped, "readout of the prefix"),
])
def test_tampered_copies_are_refused(document, tamper, words):
    verdict = check_certificate(tamper(document))
    assert not verdict.accepted and words in verdict.reason, verdict.reason


def test_a_copy_with_a_missing_or_extra_field_or_a_float64_weight_is_refused(document):
    missing = {k: v for k, v in document.items() if k != "covers"}
    assert "fields must be exactly" in check_certificate(missing).reason
    extra = {**document, "seed_note": "x"}
    assert "fields must be exactly" in check_certificate(extra).reason
    nudged = copy.deepcopy(document)
    nudged["bias"][0] += 1e-12
    assert check_certificate(nudged).reason == "bias must hold float32 numbers"


def test_is_float32_reads_the_significand():
    assert _is_float32(0.5) and _is_float32(1 + 2**-23) and _is_float32(2.0**-140)
    assert _is_float32(2.0**-149) and not _is_float32(2.0**-150) and not _is_float32(3 * 2.0**-150)
    assert not _is_float32(0.1) and not _is_float32(1 + 2**-24) and not _is_float32(1e39)
    assert not _is_float32(True) and not _is_float32(math.nan)
