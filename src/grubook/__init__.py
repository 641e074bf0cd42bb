"""grubook: the library that the GRU book builds chapter by chapter.

Each chapter builds its piece step by step in the notebook, then shows the
packaged version and imports it from here. Import modules by name;
importing the package itself stays light. Packages list their own modules
in their docstrings.

Chapter 1, adding numbers as sequences
    ``grubook.data``: reversed bitstrings, addition problems as sequences.
    ``grubook.hard_cases``: operand pairs that need memory; the shortcut rules.
Chapter 2, deriving the GRU
    ``grubook.reference``: the GRU equations in NumPy (both reset placements).
Chapter 3, building the cell
    ``grubook.cell``: the GRU cell as a Keras layer; weights to and from Keras.
    ``grubook.conventions``: the weights in Keras's, PyTorch's, cuDNN's and the tutorial's layouts.
Chapter 4, teaching the GRU to add
    ``grubook.model``: ``build_adder`` and ``add`` for Python ints of any size.
    ``grubook.heldout``: the validation and test sets, fixed and disjoint.
    ``grubook.train``: training; exact match.
Chapter 5, inside the trained GRU
    ``grubook.analysis``: traces, probes, length tests, a hand-built adder (no TensorFlow).
    ``grubook.studies``: recipes, noisy cells and the multi-seed studies.
Chapter 6, making it fast
    ``grubook.fused``: the fused GRU layer.
    ``grubook.bench``: the timing harness.
    ``grubook.peers``: PyTorch's ``nn.GRU`` beside the book (optional extra).
Chapter 7, proved for every length
    ``grubook.certified``: training for the certificate.
    ``grubook.verify``: intervals, the certificate, the automaton (no TensorFlow).
    ``grubook.golden``: golden files for the page's live adder (JavaScript).
Every chapter
    ``grubook.exercises``: self-checks for the exercises, ``check(exercise_id, answer)``.
    ``grubook.stats``: Clopper-Pearson intervals, Fisher, McNemar, Holm.
    ``grubook.plots``: every figure, one module per chapter, one style.
    ``grubook.notebooks``: executing, comparing and gluing notebooks; the student edition.
    ``grubook.perturb``: arithmetic changed on purpose, for the numerics test.
Shared machinery
    ``grubook._checks``: the argument checks every function uses.
    ``grubook._cli``: argument types the commands share (a range of seeds).
    ``grubook._results``: the JSON document every command writes.
    ``grubook._site``: the Sphinx extension the site is built with.
    ``grubook._times_directive``: its table of each chapter's reading and run time.
    ``grubook._pdf``: the PDF edition, the one-page build printed by Chromium.
    ``grubook._repository``: the one setting that says where the book lives.
    ``grubook._release``: one version in every file; links to a release's files.
"""

__version__ = "0.1.0"
