"""A timing process's settings (grubook.bench.process): XLA's threads and the pooling allocator.

TensorFlow makes its CPU allocator once per process, so each case runs in a
fresh Python process, with oneDNN turned off and on (``TF_ENABLE_ONEDNN_OPTS``):
its default CPU allocator is malloc's without oneDNN and a pool with it.
"""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # each case starts a Python process that imports TensorFlow

PROBE = """
import argparse, json, sys
from grubook.bench.process import add_process_arguments, prepare_process
parser = argparse.ArgumentParser()
add_process_arguments(parser)
args = parser.parse_args(sys.argv[1:])
{before}
print(json.dumps(prepare_process(args)))
"""


def _run(argv, before="", onednn=False):
    result = subprocess.run([sys.executable, "-c", PROBE.format(before=before), *argv],
                            capture_output=True, text=True, timeout=180,
                            env={**_environment(), "TF_CPP_MIN_LOG_LEVEL": "2",
                                 "TF_ENABLE_ONEDNN_OPTS": str(int(onednn))})
    return result


def _environment():
    import os

    return {k: v for k, v in os.environ.items()
            if k not in ("TF_CPU_ALLOCATOR_USE_BFC", "XLA_FLAGS")}


@pytest.mark.parametrize("onednn", [False, True])
@pytest.mark.parametrize("argv, pooled, single", [([], True, True),
                                                  (["--default-allocator"], False, True),
                                                  (["--xla-multi-thread"], True, False)])
def test_prepare_process_makes_and_reports_the_settings_asked_for(argv, pooled, single, onednn):
    result = _run(argv, onednn=onednn)
    assert result.returncode == 0, result.stderr[-2000:]
    settings = json.loads(result.stdout.strip().splitlines()[-1])
    assert settings["onednn"] is onednn
    assert settings["pooled_allocator"] is (pooled or onednn)  # oneDNN's default pools
    assert ("--xla_cpu_multi_thread_eigen=false" in settings["xla_flags"]) is single


def test_asking_for_the_pool_after_tensorflow_ran_is_refused():
    result = _run([], before="import tensorflow as tf; tf.ones(3) + 1")
    assert result.returncode != 0
    assert "TF_CPU_ALLOCATOR_USE_BFC was set after TensorFlow's first operation" in result.stderr


def test_asking_late_is_no_error_where_the_default_allocator_pools():
    result = _run([], before="import tensorflow as tf; tf.ones(3) + 1", onednn=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1])["pooled_allocator"] is True
