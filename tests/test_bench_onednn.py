"""The oneDNN study (grubook.bench onednn): its processes, their checks, the programs' digests."""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from grubook.bench import onednn  # noqa: E402


def test_each_process_times_in_itself_with_the_pool():
    command = onednn.process_command(3, 7, "p.json")
    assert command[:4] == [sys.executable, "-m", "grubook.bench", "onednn"]
    assert "--in-process" in command and "--default-allocator" not in command
    assert command[command.index("--seed") + 1] == "3"
    assert command[command.index("--rounds") + 1] == "7"
    assert command[command.index("--out") + 1] == "p.json"
    assert "--xla-multi-thread" in onednn.process_command(0, 1, "m.json", multi_thread=True)


def test_the_sides_set_onednn_off_and_on():
    assert onednn.SIDES == {False: {"TF_ENABLE_ONEDNN_OPTS": "0"},
                            True: {"TF_ENABLE_ONEDNN_OPTS": "1"}}


def test_a_process_that_ran_otherwise_than_asked_is_refused():
    onednn.check_recorded_onednn("pair 0", True, {"onednn": True})
    onednn.check_recorded_onednn("pair 0", False, {"onednn": False})
    with pytest.raises(RuntimeError, match="pair 2: asked for oneDNN on, the process recorded "
                                           "False"):
        onednn.check_recorded_onednn("pair 2", True, {"onednn": False})
    with pytest.raises(RuntimeError, match="asked for oneDNN off, the process recorded None"):
        onednn.check_recorded_onednn("pair 1", False, {"onednn": None})


def test_the_study_refuses_default_allocator(capsys):
    with pytest.raises(SystemExit):
        onednn.main(["--default-allocator"])
    assert "--default-allocator does not apply" in capsys.readouterr().err


def test_a_normalised_program_drops_metadata_and_the_numbers_in_names():
    one = ('%while_body_1382.5 = f32[64,16]{1,0} dot(%p_3.1, %q), '
           'metadata={op_type="MatMul" op_name="gru_1/MatMul" source_file="/a/ops.py"}')
    two = ('%while_body_3416.5 = f32[64,16]{1,0} dot(%p_7.1, %q), '
           'metadata={op_type="MatMul" op_name="gru_2/MatMul" source_file="/b/ops.py"}')
    assert onednn.normalised_program(one) == onednn.normalised_program(two)
    assert "metadata" not in onednn.normalised_program(one)
    other_shape = two.replace("f32[64,16]", "f32[64,32]")
    assert onednn.normalised_program(one) != onednn.normalised_program(other_shape)


def test_the_digests_cover_the_xla_steps_and_tell_programs_apart():
    digests = onednn.program_digests(["fused + XLA", "Keras GRU + XLA", "Keras GRU"])
    assert set(digests) == {"fused + XLA", "Keras GRU + XLA"}  # the plain step is not XLA's
    assert all(len(d) == 64 and int(d, 16) >= 0 for d in digests.values())
    assert digests["fused + XLA"] != digests["Keras GRU + XLA"]
    again = onednn.program_digests(["Keras GRU + XLA"])  # renamed by TensorFlow, same program
    assert again == {"Keras GRU + XLA": digests["Keras GRU + XLA"]}
    wider = onednn.program_digests(["Keras GRU + XLA"], shape=(8, 9))
    assert wider != again


@pytest.mark.slow
def test_the_command_times_one_pair_and_records_both_sides(run_one_pair):
    stored, rows = run_one_pair("onednn")
    assert stored["complete"] and [r["onednn"] for r in rows] == [False, True]
    assert all(r["pooled_allocator"] for r in rows)
    assert stored["process_environment"] == {"off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
                                             "on": {"TF_ENABLE_ONEDNN_OPTS": "1"}}
    assert {v for r in rows for v in r["programs"]} == {
        v for v in onednn.ONEDNN_VARIANTS if v.endswith("+ XLA")}
    timed = {t["variant"] for r in rows for t in r["timings"]}
    assert timed == set(onednn.ONEDNN_VARIANTS)
