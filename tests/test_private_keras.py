"""What chapter 6 reads from Keras's private modules (``keras.src``), pinned.

Private code may change in any Keras release; these tests name the function
that moved or changed when requirements.txt's Keras pin is raised.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import importlib  # noqa: E402

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from grubook.model import build_adder  # noqa: E402


def test_cudnn_needs_reset_after_and_no_unrolling():
    rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")
    supports = rnn._do_gru_arguments_support_cudnn
    tanh, sigmoid = keras.activations.tanh, keras.activations.sigmoid
    assert supports(tanh, sigmoid, unroll=False, use_bias=True, reset_after=True)
    assert not supports(tanh, sigmoid, unroll=False, use_bias=True, reset_after=False)
    assert not supports(tanh, sigmoid, unroll=True, use_bias=True, reset_after=True)
    assert not supports(tanh, keras.activations.relu, unroll=False, use_bias=True,
                        reset_after=True)


def test_auto_jit_compile_is_off_on_a_cpu_only_machine(monkeypatch):
    trainer = importlib.import_module("keras.src.trainers.trainer")
    assert callable(trainer.Trainer._resolve_auto_jit_compile)
    model = build_adder(4, cell="keras", seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    accelerated = any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    assert model.jit_compile is (accelerated and trainer.model_supports_jit(model))
    # On any machine: with only CPUs in sight, "auto" turns XLA off although
    # every layer of the adder supports it. (Keras also refuses XLA while op
    # determinism is on, which is global: another test in this process may
    # have switched it on, so each state is set here.)
    cpus = tf.config.list_physical_devices("CPU")
    monkeypatch.setattr(tf.config, "list_physical_devices",
                        lambda device_type=None: cpus if device_type in (None, "CPU") else [])
    framework_config = importlib.import_module("tensorflow.python.framework.config")
    for deterministic in (False, True):
        monkeypatch.setattr(framework_config, "is_op_determinism_enabled",
                            lambda on=deterministic: on)
        assert trainer.model_supports_jit(model) is not deterministic
    model = build_adder(4, cell="keras", seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    assert model.jit_compile is False
