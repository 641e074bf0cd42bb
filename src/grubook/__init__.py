"""grubook: the library that the GRU book builds chapter by chapter.

Modules (import them by name; importing the package itself stays light):

- ``grubook.data``: binary addition as a sequence task (reversed bitstrings).
- ``grubook.reference``: the GRU equations in NumPy, the ground truth.
- ``grubook.cell``: the book's GRU cell as a Keras 3 layer.
- ``grubook.model``: the adder model and neural addition of Python ints.
- ``grubook.train``: training and honest, held-out evaluation.
- ``grubook.analysis``: gate traces, carry probes, length tests, a hand-built adder
  (``python -m grubook.analysis``).
- ``grubook.fused``: a fast GRU layer (input projections and gates fused).
- ``grubook.bench``: the timing harness of the speed chapter (``python -m grubook.bench``).
- ``grubook.plots``: every figure, in one colour-blind-safe style.
"""

__version__ = "0.1.0"
