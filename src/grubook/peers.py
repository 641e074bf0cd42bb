"""PyTorch's GRU beside the book's: weights converted, proved equal, then timed.

``torch.nn.GRU`` is what most practitioners would pick instead of Keras: on a
CPU it runs its loop over the steps inside PyTorch's C++ library. It is an optional
extra of the book (``pip install -r requirements-peers.txt``; ``make peers``
writes ``book/data/peers.json``), because on most Linux machines the pinned
``torch`` pulls a large CUDA build.

PyTorch's GRU is the reset-after form in Keras's update convention::

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

with weights ``weight_ih_l0`` (3H, D) and ``weight_hh_l0`` (3H, H) in the
gate order r, z, n, and two biases per gate (``bias_ih_l0``, ``bias_hh_l0``,
each (3H,)). The book's cell with ``reset_after=True`` computes the same
after :func:`torch_state` reorders, transposes and sign-flips its weights.

    python -m grubook.peers --rounds 20 --out book/data/peers.json
"""

from __future__ import annotations

import argparse
import functools
import os
import time

import numpy as np
import tensorflow as tf

from grubook import bench, conventions
from grubook.bench.process import add_process_arguments, prepare_process
from grubook.cell import GRUParams, get_params

__all__ = [
    "TORCH_VARIANTS",
    "TF_VARIANTS",
    "torch_state",
    "book_gradients",
    "TorchAdder",
    "torch_adder",
    "torch_train_step",
    "check_torch",
    "benchmark",
    "main",
]

TORCH_VARIANTS = bench.FAMILIES["PyTorch"]
"""``torch.nn.GRU`` with Adam, eagerly and under ``torch.compile``."""
TF_VARIANTS = ("fused + XLA", "fused: + unrolled + XLA", "fused, reset after + XLA",
               "Keras GRU", "Keras GRU + XLA", "Keras GRU, reset after",
               "Keras GRU, reset after + XLA")
"""The book's and Keras's fastest settings in the stored full run, timed beside PyTorch."""


def torch_state(params: GRUParams) -> dict[str, np.ndarray]:
    """The book's reset-after weights as ``torch.nn.GRU``'s state dict (NumPy arrays).

    ``params`` in Keras's layout (kernel (D, 3H), recurrent kernel (H, 3H),
    bias (2, 3H)) in the book's convention. The map (negate the z-block,
    reorder the blocks to r, z, n, transpose) is
    :func:`grubook.conventions.to_torch`, which chapter 3 checks beside the
    Keras, cuDNN and tutorial layouts.
    """
    return conventions.to_torch(params)


def book_gradients(state: dict[str, np.ndarray]) -> GRUParams:
    """Gradients with respect to :func:`torch_state`'s arrays, in the book's layout.

    The map from the book's weights to PyTorch's only moves entries and
    flips signs, so gradients move back by the same map, inverted:
    :func:`grubook.conventions.from_torch`.
    """
    return conventions.from_torch(state)


def _torch():
    try:
        import torch
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ImportError("grubook.peers needs PyTorch: pip install -r requirements-peers.txt"
                          ) from error
    return torch


class TorchAdder:
    """The adder in PyTorch: ``torch.nn.GRU``, then ``Linear(H, 1)`` and a sigmoid.

    Built by :func:`torch_adder`; ``module`` is the ``torch.nn.Module``.
    """

    def __init__(self, units: int):
        torch = _torch()

        class Adder(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.gru = torch.nn.GRU(2, units, batch_first=True)
                self.readout = torch.nn.Linear(units, 1)

            def forward(self, x):
                """``x`` (B, T, 2) -> probabilities (B, T, 1)."""
                return torch.sigmoid(self.readout(self.gru(x)[0]))

        self.module = Adder()


def torch_adder(params: GRUParams, readout) -> TorchAdder:
    """A :class:`TorchAdder` computing what the book's reset-after adder computes.

    ``readout`` is the book's ``(kernel (H, 1), bias (1,))``.
    """
    torch = _torch()
    adder = TorchAdder(np.shape(params.recurrent_kernel)[0])
    with torch.no_grad():
        for name, value in torch_state(params).items():
            getattr(adder.module.gru, name).copy_(torch.from_numpy(np.ascontiguousarray(value)))
        adder.module.readout.weight.copy_(torch.from_numpy(np.asarray(readout[0]).T.copy()))
        adder.module.readout.bias.copy_(torch.from_numpy(np.asarray(readout[1]).copy()))
    return adder


def torch_train_step(adder: TorchAdder, learning_rate: float = 1e-3, compile: bool = False):
    """``(x (B, T, 2), y (B, T, 1)) -> loss``: one Adam step on the binary cross-entropy.

    The same step as ``bench.make_runner(..., "train", ...)`` takes in
    TensorFlow; ``compile`` wraps it in ``torch.compile``.
    """
    torch = _torch()
    module = adder.module
    optimizer = torch.optim.Adam(module.parameters(), learning_rate)

    def step(x, y):
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.binary_cross_entropy(module(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return torch.compile(step) if compile else step


def check_torch(units: int = 16, steps: int = 9, seed: int = 0, atol: float = 1e-5) -> float:
    """Prove ``torch.nn.GRU`` computes the book's reset-after adder, before timing it.

    Outputs and every weight's gradient of the loss, on 8 problems of
    ``steps`` steps, against the eager loop over the book's cell (reset
    after, float32). Returns the largest difference; raises
    ``AssertionError`` above ``atol``.
    """
    torch = _torch()
    models = bench.build_variant_models(units, seed, ["Keras GRU, reset after"])
    book = models["book, reset after"]
    params = get_params(book.get_layer("gru").cell)
    readout = book.get_layer("readout").get_weights()
    x, y = bench.problems(8, steps, seed)
    want = bench.outputs_and_gradients(bench.Variant("book, reset after", "eager", loop=True),
                                       models, tf.constant(x), tf.constant(y))
    adder = torch_adder(params, readout)
    probabilities = adder.module(torch.from_numpy(x))
    torch.nn.functional.binary_cross_entropy(probabilities, torch.from_numpy(y)).backward()
    gru = adder.module.gru
    grads = book_gradients({n: getattr(gru, n).grad.numpy() for n in torch_state(params)})
    readout_grads = [adder.module.readout.weight.grad.numpy().T,
                     adder.module.readout.bias.grad.numpy()]
    got = [probabilities.detach().numpy(), *grads, *readout_grads]
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(got, want, strict=True))
    if worst > atol:
        raise AssertionError(f"torch.nn.GRU differs from the book's cell by {worst:.2e}, "
                             f"more than atol={atol:g}")
    return worst


def _timed_functions(batch: int, steps: int, units: int, seed: int) -> dict:
    """Each version's training step at one shape, as a call without arguments.

    The PyTorch adders start from the book's reset-after weights; the
    TensorFlow versions are :data:`TF_VARIANTS` (those that can run at
    ``steps``), with their own weights as ``bench.build_variant_models`` sets.
    """
    torch = _torch()
    variants = bench.timed_at(TF_VARIANTS, steps, eager_max_steps=0)
    models = bench.build_variant_models(units, seed, variants)
    book = models["book, reset after"]
    params = get_params(book.get_layer("gru").cell)
    readout = book.get_layer("readout").get_weights()
    x, y = bench.problems(batch, steps, seed)
    torch_xy, tf_xy = (torch.from_numpy(x), torch.from_numpy(y)), (tf.constant(x), tf.constant(y))
    functions = {}
    for name in TORCH_VARIANTS:
        step = torch_train_step(torch_adder(params, readout), compile=name.endswith("compiled"))
        functions[name] = functools.partial(step, *torch_xy)
    for variant in variants:
        functions[variant] = functools.partial(bench.make_runner(variant, "train", models),
                                               *tf_xy)
    return functions


def benchmark(shapes=bench.DEFAULT_SHAPES, rounds: int = 20, units: int = 16, seed: int = 0,
              min_block_seconds: float = bench.MIN_BLOCK_SECONDS,
              check: bool = True) -> list[bench.Timing]:
    """Training steps of PyTorch's GRU and of :data:`TF_VARIANTS`, interleaved.

    With ``check``, :func:`check_torch` first proves PyTorch's GRU equal to
    the book's cell. At each ``(batch, steps)`` shape every version is then
    timed in the same rounds, in a random order per round, as
    ``bench.benchmark`` does.
    """
    if check:
        check_torch(units, seed=seed)
    rows = []
    for batch, steps in shapes:
        functions = _timed_functions(batch, steps, units, seed)
        with bench.quiet_retracing():
            timed = bench.time_interleaved(functions, rounds=rounds, order_seed=seed,
                                           min_block_seconds=min_block_seconds)
        rows += bench.timings_to_rows(batch, steps, "train", timed)
    return rows


def main(argv=None) -> None:
    """Time PyTorch's GRU beside the book's and Keras's fastest; write JSON with ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m grubook.peers", description=main.__doc__)
    parser.add_argument("--shapes", nargs="+", type=bench.parse_shape,
                        default=list(bench.DEFAULT_SHAPES), metavar="BATCHxSTEPS")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--min-block-ms", type=float, default=1e3 * bench.MIN_BLOCK_SECONDS)
    parser.add_argument("--out", metavar="PATH")
    add_process_arguments(parser)
    args = parser.parse_args(argv)
    if args.rounds < 2:
        parser.error(f"--rounds must be an int >= 2, got {args.rounds}")
    process = prepare_process(args)
    start = time.perf_counter()
    worst = check_torch()
    print(f"torch.nn.GRU against the book's cell: outputs and gradients within {worst:.1e}")
    rows = benchmark(args.shapes, args.rounds, min_block_seconds=args.min_block_ms / 1e3,
                     check=False)
    print(bench.format_table(rows))
    if args.out:
        from grubook._results import write_results

        torch = _torch()
        fields = {"settings": {k: v for k, v in vars(args).items() if k != "out"},
                  "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
                  "check_max_difference": worst,
                  **process, "cpus": os.cpu_count()}
        write_results(args.out, "grubook.peers", argv, start, fields, bench.rows_to_json(rows),
                      "timings")


if __name__ == "__main__":
    main()
