"""The long workload (grubook.bench long): every version computes the same probabilities."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from grubook.bench import long_inference  # noqa: E402


def test_every_version_timed_computes_the_same_sums():
    found = long_inference.functions(bits=6, batch=3, torch=False)
    assert list(found) == ["NumPy loop", *long_inference.TF_VARIANTS]
    outputs = {name: np.reshape(call(), (3, 7)) for name, call in found.items()}
    for name, probabilities in outputs.items():
        np.testing.assert_allclose(probabilities, outputs["NumPy loop"], atol=1e-5,
                                   err_msg=name)


def test_median_seconds_reads_one_configuration():
    rows = [{"bits": 8, "batch": 1, "variant": "fused", "seconds": [3.0, 1.0, 2.0]},
            {"bits": 8, "batch": 2, "variant": "fused", "seconds": [9.0]}]
    assert long_inference.median_seconds(rows, "fused", 8, 1) == 2.0
    with pytest.raises(KeyError, match="no row for 'fused' at 9 bits, batch 1"):
        long_inference.median_seconds(rows, "fused", 9, 1)


def test_functions_refuse_bad_sizes():
    with pytest.raises(ValueError, match="bits"):
        long_inference.functions(bits=0, batch=1)
