"""Arithmetic changed on purpose, to show that the stored outputs do not depend on it.

Readers run the notebooks on other CPUs, with other BLAS kernels and other
numbers of threads, and every one of these changes the last bits of some
floating-point results. A stored output that prints those bits fails strict
nbval on the reader's machine. ``ENVIRONMENTS`` holds settings that change
the arithmetic on *this* machine; the tests first show that each of them
really changes raw float results (:func:`fingerprints`), then re-run strict
nbval on every notebook under each of them (``make test-numerics``).

Command line::

    python -m grubook.perturb fingerprints          # raw results, as JSON
    python -m grubook.perturb run old-cpu -- CMD     # CMD under an environment
    python -m grubook.perturb nbval book/*.ipynb     # strict nbval under each
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

from grubook._checks import check_one_of

__all__ = [
    "ENVIRONMENTS",
    "perturbed_environ",
    "fingerprints",
    "fingerprints_in",
    "run_nbval",
    "main",
]

ENVIRONMENTS: dict[str, dict[str, str]] = {
    # NumPy's OpenBLAS with the kernels of a CPU with AVX but without FMA,
    # and TensorFlow's oneDNN kernels limited to SSE4.1: another CPU's
    # arithmetic on this one (other block sizes, other summation orders).
    "old-cpu": {
        "OPENBLAS_CORETYPE": "Sandybridge",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
    },
    # TensorFlow without its oneDNN kernels (Eigen's instead), NumPy with
    # OpenBLAS's AVX2 kernels, and one thread everywhere.
    "no-onednn-one-thread": {
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "OPENBLAS_CORETYPE": "Haswell",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
    },
}
"""Name -> environment variables that change floating-point results here."""


def perturbed_environ(name: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default ``os.environ``) with environment ``name`` applied."""
    check_one_of(name, "name", sorted(ENVIRONMENTS))
    environ = dict(os.environ if base is None else base)
    environ.update(ENVIRONMENTS[name])
    return environ


def _digest(array) -> str:
    """A short hash of an array's bytes: equal only if every bit is equal."""
    import numpy as np

    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:16]


def fingerprints() -> dict[str, str]:
    """Hashes of raw float results of NumPy and TensorFlow in this process.

    Matrix products in float64 and float32 (NumPy, shapes (256, 256) and
    (64, 2048) @ (2048, 48)), TensorFlow's matrix product of the same
    operands, and the weights of a small Keras GRU after 20 steps of Adam.
    Two processes agree on a key only if that result is bit-identical.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np

    rng = np.random.default_rng(0)
    square = rng.standard_normal((256, 256))
    wide, tall = rng.standard_normal((64, 2048)), rng.standard_normal((2048, 48))
    found = {
        "numpy float64 matmul": _digest(square @ square),
        "numpy float32 matmul": _digest(wide.astype(np.float32) @ tall.astype(np.float32)),
    }
    import keras
    import tensorflow as tf

    product = tf.matmul(wide.astype(np.float32), tall.astype(np.float32))
    found["tensorflow float32 matmul"] = _digest(product.numpy())
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((9, 2)), keras.layers.GRU(16, return_sequences=True), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    x = rng.standard_normal((64, 9, 2)).astype(np.float32)
    model.fit(x, x[..., :1], epochs=20, batch_size=64, verbose=0)
    found["keras GRU trained 20 steps"] = _digest(model.get_weights()[0])
    return found


def fingerprints_in(environ: dict[str, str]) -> dict[str, str]:
    """:func:`fingerprints` computed in a fresh Python process with ``environ``."""
    result = subprocess.run(
        [sys.executable, "-m", "grubook.perturb", "fingerprints"],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_nbval(notebooks: list[str], names: list[str], pytest_args: list[str]) -> int:
    """Strict nbval on ``notebooks`` under each environment in ``names``, in turn.

    Prints pytest's summary and the time taken for each; returns the number
    of environments whose run failed.
    """
    failed = 0
    for name in names:
        command = [sys.executable, "-m", "pytest", *notebooks, "--nbval", "--nbval-current-env"]
        command += ["-p", "no:cacheprovider", *pytest_args]
        settings = " ".join(f"{k}={v}" for k, v in ENVIRONMENTS[name].items())
        print(f"== strict nbval under {name}: {settings}", flush=True)
        start = time.perf_counter()
        code = subprocess.run(command, env=perturbed_environ(name)).returncode
        print(f"== {name}: exit status {code} in {time.perf_counter() - start:.0f} s", flush=True)
        failed += code != 0
    return failed


def main(argv=None) -> None:
    """Fingerprints of raw results, a command under an environment, or nbval under each."""
    parser = argparse.ArgumentParser(prog="python -m grubook.perturb", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fingerprints", help="print raw-result hashes as JSON")
    run = commands.add_parser("run", help="run a command under one environment")
    run.add_argument("name", choices=sorted(ENVIRONMENTS))
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- then the command")
    nbval = commands.add_parser("nbval", help="strict nbval under every environment")
    nbval.add_argument("notebooks", nargs="+")
    nbval.add_argument("--env", action="append", choices=sorted(ENVIRONMENTS))
    args, extra = parser.parse_known_args(argv)
    if args.command == "fingerprints":
        print(json.dumps(fingerprints(), sort_keys=True))
    elif args.command == "run":
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            parser.error("run needs a command after --")
        os.execvpe(cmd[0], cmd, perturbed_environ(args.name))
    else:
        raise SystemExit(run_nbval(args.notebooks, args.env or sorted(ENVIRONMENTS), extra))


if __name__ == "__main__":
    main()
