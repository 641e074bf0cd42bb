"""The perturbing environments really change floating-point results here.

``make test-numerics`` re-runs strict nbval on every notebook under each of
``grubook.perturb.ENVIRONMENTS``. That check means something only if each
environment changes some raw float result, which is shown here against a
clean environment, run twice to show that the clean results repeat.
"""

from __future__ import annotations

import os

import pytest

from grubook.perturb import ENVIRONMENTS, fingerprints_in, perturbed_environ

SETTINGS = {key for settings in ENVIRONMENTS.values() for key in settings}
CLEAN = {k: v for k, v in os.environ.items() if k not in SETTINGS}


@pytest.fixture(scope="module")
def clean_fingerprints():
    # Slow (about 6 s): a fresh Python process that imports TensorFlow and computes the
    # fingerprints; a subprocess is the only way to apply an environment.
    return fingerprints_in(CLEAN)


@pytest.mark.slow  # subprocesses, about 10 s each
def test_clean_results_repeat_bit_for_bit(clean_fingerprints):
    assert fingerprints_in(CLEAN) == clean_fingerprints


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENVIRONMENTS))
def test_environment_changes_raw_float_results(name, clean_fingerprints):
    perturbed = fingerprints_in(perturbed_environ(name, CLEAN))
    assert perturbed.keys() == clean_fingerprints.keys()
    changed = sorted(k for k in perturbed if perturbed[k] != clean_fingerprints[k])
    print(f"{name} changes: {changed}")
    assert changed, f"{name} changes no raw float result on this machine"


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="name must be one of"):
        perturbed_environ("fast-cpu")
