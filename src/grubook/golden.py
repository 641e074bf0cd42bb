"""Golden files for the live adder: what the page's JavaScript must reproduce.

The landing page runs the network of ``book/data/proved_adder.json`` in a
small JavaScript module (``grubook/site_static/gru_adder.js``). As
TensorFlow.js's own tests do, Python writes the expected outputs and
``node --test tests/js/`` requires the JavaScript to reproduce them:

- ``cases``: random pairs of up to 300 decimal digits, hard pairs
  (:func:`grubook.hard_cases.hard_pairs`), the named cases
  (:func:`grubook.analysis.adversarial_pairs`), each with the network's sum
  bits, least significant first (``T`` = width of the wider operand + 1);
- ``traces``: the gates z, r and the state h ``(T, H)`` of a few inputs;
- ``steps``: single steps from given states, with the exact next state and
  readout logit (``mpmath``, 50 significant digits, then rounded to the
  nearest float64), so that the JavaScript step's deviation from exact
  arithmetic can be measured;
- ``functions``: points where the forward pass evaluates exp and tanh, with
  the correctly rounded float64 values, to measure the browser's
  ``Math.exp`` and ``Math.tanh`` in ulps.

The expected bits and gates come from :func:`grubook.analysis.trace_adder`:
the book's NumPy forward pass in **float64** arithmetic over the float32
weights (float64 like the JavaScript; the readout logit
``h @ readout_kernel + readout_bias`` in float64, bit 1 iff it is > 0).

``make test`` writes the file to ``_build/golden.json`` (it is not
committed: it follows ``proved_adder.json``) with
``python -m grubook.golden --out _build/golden.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from grubook.analysis import Readout, adversarial_pairs, trace_adder
from grubook.data import encode_pair
from grubook.hard_cases import hard_pairs
from grubook.reference import GRUParams

__all__ = [
    "FORMAT",
    "NETWORK",
    "load_network",
    "network_bits",
    "exact_step",
    "golden",
    "main",
]

FORMAT = "grubook-golden/1"
NETWORK = Path(__file__).resolve().parents[2] / "book" / "data" / "proved_adder.json"
"""The certificate the page runs (``book/data/proved_adder.json``)."""

EXACT_DIGITS = 50
"""Significant digits of the mpmath reference of single steps."""


def _float32_exact(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    as_float32 = array.astype(np.float32).astype(np.float64)
    if not np.all(np.isfinite(array)) or np.any(as_float32 != array):
        raise ValueError(f"{name} must hold float32 numbers written exactly")
    return array


def _nearest(value) -> float:
    """The float64 nearest the mpmath number ``value`` (``float()`` of an mpf truncates)."""
    import mpmath

    return float(mpmath.nstr(value, 40, min_fixed=-1, max_fixed=-1))


def load_network(path=NETWORK) -> tuple[GRUParams, Readout, dict]:
    """The network of a ``grubook-certificate/1`` file: (params, readout, document).

    ``params``: float64 arrays holding the file's float32 values, kernel
    (2, 3H), recurrent_kernel (H, 3H), bias (3H,); ``readout``: w (H,), b.
    Raises ``ValueError`` for another format, wrong shapes, or a weight that
    is not a float32 number.
    """
    document = json.loads(Path(path).read_text(encoding="utf8"))
    if document.get("format") != "grubook-certificate/1":
        raise ValueError(
            f"{path}: format must be 'grubook-certificate/1', got {document.get('format')!r}"
        )
    units = int(document["units"])
    shapes = {"kernel": (2, 3 * units), "recurrent_kernel": (units, 3 * units),
              "bias": (3 * units,), "readout_kernel": (units,)}
    arrays = {}
    for name, shape in shapes.items():
        arrays[name] = _float32_exact(document[name], name)
        if arrays[name].shape != shape:
            raise ValueError(f"{path}: {name} must have shape {shape}, got {arrays[name].shape}")
    bias = float(_float32_exact(document["readout_bias"], "readout_bias"))
    params = GRUParams(arrays["kernel"], arrays["recurrent_kernel"], arrays["bias"])
    return params, Readout(arrays["readout_kernel"], bias), document


def network_bits(params: GRUParams, readout: Readout, a: int, b: int):
    """The network's run on ``a + b`` in float64.

    Returns the sum bits uint8 (T,), the trace (arrays (1, T, H)) and the
    readout logits (T,).
    """
    x = encode_pair(a, b)[None]
    trace = trace_adder(params, x)
    logits = trace.h[0] @ readout.w + readout.b
    return (logits > 0).astype(np.uint8), trace, logits


def exact_step(params: GRUParams, readout: Readout, h, pair) -> tuple[list[float], float]:
    """One step from the float64 state ``h`` (H,) on ``pair`` in mpmath.

    Returns the exact next state (H floats, each the float64 nearest the
    value computed with :data:`EXACT_DIGITS` digits) and its readout logit.
    """
    import mpmath

    with mpmath.workdps(EXACT_DIGITS):
        mp = mpmath.mpf
        kernel, recurrent, bias = (np.asarray(p, np.float64) for p in params)
        units = recurrent.shape[0]
        hs = [mp(float(v)) for v in h]
        k = [[mp(float(v)) for v in row] for row in kernel]
        u = [[mp(float(v)) for v in row] for row in recurrent]
        x = [mp(float(v)) for v in pair]
        pre = [x[0] * k[0][j] + x[1] * k[1][j] + mp(float(bias[j])) for j in range(3 * units)]
        gate = []
        for j in range(2 * units):
            s = mpmath.fsum(hs[i] * u[i][j] for i in range(units))
            gate.append(1 / (1 + mpmath.exp(-(pre[j] + s))))
        z, r = gate[:units], gate[units:]
        new = []
        for j in range(units):
            s = mpmath.fsum(r[i] * hs[i] * u[i][2 * units + j] for i in range(units))
            candidate = mpmath.tanh(pre[2 * units + j] + s)
            new.append((1 - z[j]) * hs[j] + z[j] * candidate)
        logit = mpmath.fsum(new[i] * mp(float(readout.w[i])) for i in range(units)) + mp(readout.b)
        return [_nearest(v) for v in new], _nearest(logit)


def _bitstring(bits) -> str:
    return "".join(str(int(v)) for v in bits)


def _case(name: str, params, readout, a: int, b: int) -> dict:
    bits, _, _ = network_bits(params, readout, a, b)
    total = sum(int(v) << t for t, v in enumerate(bits))
    return {"name": name, "a": str(a), "b": str(b), "bits": _bitstring(bits),
            "sum": str(total), "exact": total == a + b}


def _cases(params, readout, rng) -> list[dict]:
    cases = []
    for i in range(60):
        digits_a, digits_b = (int(v) for v in rng.integers(1, 301, size=2))
        a = int("".join(map(str, rng.integers(0, 10, size=digits_a))))
        b = int("".join(map(str, rng.integers(0, 10, size=digits_b))))
        cases.append(_case(f"random {i}", params, readout, a, b))
    for n_bits in (8, 64, 997):
        for i, (a, b) in enumerate(hard_pairs(n_bits, 8, seed=n_bits)):
            cases.append(_case(f"hard {n_bits} bits {i}", params, readout, a, b))
    for n_bits in (1, 64, 997):
        for name, (a, b) in adversarial_pairs(n_bits, seed=n_bits).items():
            cases.append(_case(f"{name}, n = {n_bits}", params, readout, a, b))
    return cases


def _traces(params, readout) -> list[dict]:
    out = []
    for name, (a, b) in {"carry chain, n = 12": (2**12 - 1, 1),
                         "long hold, n = 12": (2**12 - 1, 0),
                         "12345 + 678": (12345, 678)}.items():
        bits, trace, logits = network_bits(params, readout, a, b)
        out.append({"name": name, "a": str(a), "b": str(b), "bits": _bitstring(bits),
                    "z": trace.z[0].tolist(), "r": trace.r[0].tolist(), "h": trace.h[0].tolist(),
                    "logits": logits.tolist()})
    return out


def _steps(params, readout) -> list[dict]:
    """Single steps along three inputs: the float64 state before, the exact step after."""
    out = []
    hard = hard_pairs(64, 1, seed=1)[0]
    for a, b in ((2**64 - 1, 1), hard, (12345678901234567890, 98765432109876543210)):
        x = encode_pair(a, b)
        trace = trace_adder(params, x[None])
        before = np.vstack([np.zeros((1, trace.h.shape[2])), trace.h[0, :-1]])
        for t in range(x.shape[0]):
            exact, logit = exact_step(params, readout, before[t], x[t])
            out.append({"pair": [int(x[t, 0]), int(x[t, 1])], "h": before[t].tolist(),
                        "exact_next": exact, "exact_logit": logit})
    return out


def _preactivations(params, x, h) -> np.ndarray:
    kernel, recurrent, bias = (np.asarray(p, np.float64) for p in params)
    return (x @ kernel + bias + h @ recurrent).ravel()


def _functions(params, rng) -> dict:
    """Arguments of exp and tanh (a grid and ones the forward pass meets) with exact values."""
    import mpmath

    x = encode_pair(2**40 - 1, 12345)
    trace = trace_adder(params, x[None])
    seen = _preactivations(params, x, np.vstack([np.zeros((1, trace.h.shape[2])), trace.h[0, :-1]]))
    points = np.concatenate([np.linspace(-30, 30, 121), rng.normal(0, 4, 100), seen[::7],
                             [1e-9, -1e-9, 0.5, -0.5, 1e-3, -1e-3]])
    with mpmath.workdps(EXACT_DIGITS):
        exp = [[float(v), _nearest(mpmath.exp(mpmath.mpf(float(v))))] for v in points]
        tanh = [[float(v), _nearest(mpmath.tanh(mpmath.mpf(float(v))))] for v in points]
    return {"exp": exp, "tanh": tanh}


def golden(path=NETWORK, seed: int = 0) -> dict:
    """The golden document for the network at ``path`` (see the module docstring)."""
    from grubook.verify import float32_step_error

    params, readout, document = load_network(path)
    rng = np.random.default_rng(seed)
    bound32 = float32_step_error(params)
    return {
        "format": FORMAT,
        "network_sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        "arithmetic": "grubook.analysis.trace_adder: NumPy float64 over the float32 weights",
        "exact_digits": EXACT_DIGITS,
        "units": int(document["units"]),
        "step_error": float(document["step_error"]),
        "readout_error": float(document["readout_error"]),
        # float32_step_error's bound is a sum of terms each proportional to
        # the unit roundoff u (with function errors budgeted at 8 u); with
        # u = 2**-53 instead of 2**-24 every term shrinks by 2**-29 or more.
        "float64_step_bound": bound32 * 2.0**-29,
        "cases": _cases(params, readout, rng),
        "traces": _traces(params, readout),
        "steps": _steps(params, readout),
        "functions": _functions(params, rng),
    }


def main(argv=None) -> None:
    """``python -m grubook.golden [--network PATH] --out golden.json``."""
    parser = argparse.ArgumentParser(
        prog="python -m grubook.golden", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--network", type=Path, default=NETWORK, help="the certificate (default %(default)s)"
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write golden.json")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random pairs (default 0)")
    args = parser.parse_args(argv)
    if not args.network.is_file():
        parser.error(f"{args.network} does not exist (chapter 7's export writes it)")
    document = golden(args.network, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document), encoding="utf8")
    print(f"wrote {args.out}: {len(document['cases'])} cases, {len(document['steps'])} exact steps")


if __name__ == "__main__":
    main()
