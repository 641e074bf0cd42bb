"""The certificate as a file anyone can re-check: ``book/data/proved_adder.json``.

:func:`certificate_document` writes a proved adder and its boxes in the
format ``"grubook-certificate/1"`` (the fields are listed there), which a
checker that shares no code with this package can verify
(``tests/test_certificate_file.py``). :func:`export_adder` trains the
certified recipe on one seed, proves it and writes the file:
``python -m grubook.verify export --seed 40 --out book/data/proved_adder.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from grubook.analysis import Readout
from grubook.reference import GRUParams
from grubook.verify.certificate import Certificate, certify
from grubook.verify.keys import key_window
from grubook.verify.rounding import READOUT_FLOOR, float32_readout_error

FORMAT = "grubook-certificate/1"
"""The ``format`` field of the files :func:`certificate_document` writes."""

EXPORT_HISTORIES = (0, 1, 2)
"""The window lengths :func:`export_adder` tries, shortest first."""

EXPORT_SEED = 40
"""The seed exported: no design decision used it (the recipe was designed on
seeds 0 and 1, chapter 7 shows seed 0, and seeds 10 to 19 are the ten-seed
result), so the adder readers meet is a fresh draw of the recipe."""

COVERS = (
    "Exact (real) arithmetic, and every implementation whose every GRU step is within "
    "step_error of the exact step in every unit (for states with |h| <= 1.1) and whose "
    "readout logit is within readout_error - 1e-6 of the exact one: "
    "grubook.analysis.run_adder (NumPy float32) and the Keras float32 model "
    "(grubook.model.add) on a CPU, both tested against this bound, and any float64 "
    "evaluation of these float32 weights whose exp and tanh are accurate to 1e-12. "
    "Not covered: GPUs that multiply in TF32, and XLA's fused kernels."
)
"""The ``covers`` field: the implementations the proof covers, in words."""


def _float32_list(values) -> list:
    """float32 values as Python floats (``repr`` round-trips them exactly)."""
    return np.asarray(values, dtype=np.float32).astype(np.float64).tolist()


def _boxes(certificate: Certificate) -> list:
    """The boxes as ``{"carry", "window", "low", "high"}``, in key order."""
    entries = []
    for key in sorted(certificate.boxes):
        carry, window = key_window(key, certificate.history)
        box = certificate.boxes[key]
        entries.append({
            "carry": int(carry),
            "window": [list(pair) for pair in window],
            "low": np.asarray(box.lo, np.float64).tolist(),
            "high": np.asarray(box.hi, np.float64).tolist(),
        })
    return entries


def certificate_document(params: GRUParams, readout: Readout, certificate: Certificate) -> dict:
    """The proof of a proved ``certificate`` as the fields of the file, in order.

    ``format``, ``units``, ``kernel`` (2, 3H), ``recurrent_kernel``
    (H, 3H), ``bias`` (3H,) (float32 values; gate blocks z, r, h; the book's
    ``h = (1 - z) h_prev + z h_tilde``, reset before the recurrent product),
    ``readout_kernel`` (H,), ``readout_bias`` (bit 1 iff
    ``readout_kernel . h + readout_bias > 0``), ``history`` (k), ``boxes``
    (the box of the states after a prefix whose last k pairs are ``window``
    and whose carry before them was ``carry``), ``step_error``,
    ``readout_error`` (the float32 readout's rounding plus
    :data:`READOUT_FLOOR`: what every margin exceeds), ``margin`` and
    ``covers``. A ValueError if the certificate is not a proof.
    """
    if not certificate.proved:
        raise ValueError(f"certificate must be a proof, got: {certificate.reason}")
    kernel, recurrent, bias = params
    return {
        "format": FORMAT,
        "units": int(np.shape(recurrent)[0]),
        "kernel": _float32_list(kernel),
        "recurrent_kernel": _float32_list(recurrent),
        "bias": _float32_list(bias),
        "readout_kernel": _float32_list(readout.w),
        "readout_bias": float(np.float32(readout.b)),
        "history": certificate.history,
        "boxes": _boxes(certificate),
        "step_error": certificate.step_error,
        "readout_error": float32_readout_error(readout) + READOUT_FLOOR,
        "margin": certificate.margin,
        "covers": COVERS,
    }


def prove_first(params, readout, warm_start, histories=EXPORT_HISTORIES) -> Certificate:
    """The certificate of the shortest window in ``histories`` that proves the adder
    (or the last attempt, not a proof, if none does)."""
    for history in histories:
        attempt = certify(params, readout, history=history, warm_start=warm_start)
        if attempt.proved:
            return attempt
    return attempt


def export_adder(seed: int, out: str, argv=None) -> dict:
    """Train the certified recipe on ``seed``, prove it, write the file ``out``.

    Adds to :func:`certificate_document` the run's ``seed``, ``recipe``,
    ``command``, ``commit``, ``versions`` and ``wall_seconds``; returns the
    document. A RuntimeError (and no file) if no window proves the adder.
    """
    from grubook._results import git_commit, versions
    from grubook.analysis import adder_weights
    from grubook.certified import CERTIFIED_RECIPE, train_for_certificate
    from grubook.data import addition_batch

    start, commit = time.perf_counter(), git_commit()
    params, readout = adder_weights(train_for_certificate(seed))
    params = GRUParams(*(np.asarray(p, np.float64) for p in params))
    certificate = prove_first(params, readout, addition_batch(200, 60, rng=seed)[0])
    if not certificate.proved:
        raise RuntimeError(f"seed {seed} is not proved: {certificate.reason}")
    arguments = argv if argv is not None else sys.argv[1:]
    document = {
        **certificate_document(params, readout, certificate),
        "seed": seed,
        "recipe": {"name": "certified", **CERTIFIED_RECIPE},
        "command": "python -m grubook.verify " + " ".join(arguments),
        "commit": commit,
        "versions": versions(),
        "wall_seconds": round(time.perf_counter() - start, 1),
    }
    with open(out, "w") as file:
        json.dump(document, file, indent=1)
    print(f"wrote {out}: seed {seed}, history {certificate.history}, "
          f"{len(document['boxes'])} boxes, margin {certificate.margin:.3g}")
    return document


def export_main(argv) -> None:
    """``python -m grubook.verify export --seed S --out FILE``."""
    from grubook._checks import check_int

    parser = argparse.ArgumentParser(
        prog="python -m grubook.verify export",
        description="Train the certified recipe on one seed, prove it, and write the "
        "certificate as JSON that a checker without the book's code can verify.",
    )
    parser.add_argument("--seed", type=int, default=EXPORT_SEED,
                        help=f"the seed to train (default {EXPORT_SEED}: no design used it)")
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    export_adder(check_int(args.seed, "seed", minimum=0), args.out, ["export", *argv])
