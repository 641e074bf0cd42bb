"""The allocator study (grubook.bench allocator): its processes, their order and the ratios."""

import sys

import pytest

from grubook.bench import allocator, pairs
from grubook.bench.cli import parse_args


def test_each_process_is_the_benchmark_at_the_long_shape_with_its_allocator():
    pooled = allocator.run_command(3, 5, "p.json", pooled=True)
    default = allocator.run_command(3, 5, "d.json", pooled=False)
    assert pooled[:3] == [sys.executable, "-m", "grubook.bench"]
    args, default_args = parse_args(pooled[3:]), parse_args(default[3:])
    assert args.shapes == [allocator.SHAPE] and args.modes == ["train"]
    assert args.variants == list(allocator.ALLOCATOR_VARIANTS)
    assert (args.rounds, args.seed, args.out) == (5, 3, "p.json")
    assert not args.default_allocator and default_args.default_allocator
    assert not args.xla_multi_thread
    assert parse_args(allocator.run_command(0, 5, "m.json", True, multi_thread=True)[3:]
                      ).xla_multi_thread


def test_the_study_refuses_default_allocator(capsys):
    with pytest.raises(SystemExit):
        allocator.main(["--default-allocator"])
    assert "--default-allocator does not apply" in capsys.readouterr().err


@pytest.mark.slow
def test_the_command_times_one_pair_and_writes_both_processes(run_one_pair):
    stored, rows = run_one_pair("allocator")
    assert stored["complete"] and [r["pooled_allocator"] for r in rows] == [False, True]
    # Both processes ran without oneDNN, whose default allocator would pool.
    assert [r["onednn"] for r in rows] == [False, False]
    assert stored["process_environment"] == {"TF_ENABLE_ONEDNN_OPTS": "0"}
    assert len(pairs.pair_ratios(rows, "fused + XLA", "pooled_allocator")) == 1


def test_a_process_that_pooled_when_asked_not_to_is_refused_with_the_reason():
    from grubook.bench.process import check_recorded_allocator

    check_recorded_allocator("pair 0", False, {"pooled_allocator": False, "onednn": False})
    check_recorded_allocator("pair 0", True, {"pooled_allocator": True, "onednn": True})
    with pytest.raises(RuntimeError, match=r"pair 2: asked for pooled=False, the process "
                                           r"recorded True \(TensorFlow ran oneDNN there"):
        check_recorded_allocator("pair 2", False, {"pooled_allocator": True, "onednn": True})
    with pytest.raises(RuntimeError) as refused:
        check_recorded_allocator("pair 1", True, {"pooled_allocator": False, "onednn": False})
    assert str(refused.value) == "pair 1: asked for pooled=True, the process recorded False"


def test_allocator_processes_alternate_and_run_without_onednn():
    from grubook.bench.budget import Budget

    # Each fake process records the allocator it was asked for and oneDNN's
    # variable as it saw it, as a study's JSON.
    probe = ("import json, os, sys; json.dump({'pooled_allocator': sys.argv[2] == '1', "
             "'onednn': os.environ['TF_ENABLE_ONEDNN_OPTS'] != '0', 'rows': [sys.argv[3]]}, "
             "open(sys.argv[1], 'w'))")

    def command(pair, pooled, out):
        return [sys.executable, "-c", probe, out, str(int(pooled)), f"p{pair}"]

    seen = list(allocator.allocator_processes(2, command, Budget(120)))
    assert [(pair, pooled) for pair, pooled, _, _ in seen] == [(0, False), (0, True),
                                                               (1, True), (1, False)]
    assert all(stored["onednn"] is False and rows == [f"p{pair}"]
               for pair, _, stored, rows in seen)


def test_allocator_processes_refuse_a_process_that_recorded_another_allocator():
    from grubook.bench.budget import Budget

    probe = ("import json, sys; json.dump({'pooled_allocator': True, 'onednn': True, "
             "'rows': []}, open(sys.argv[1], 'w'))")
    with pytest.raises(RuntimeError, match="pair 0: asked for pooled=False"):
        list(allocator.allocator_processes(
            1, lambda pair, pooled, out: [sys.executable, "-c", probe, out], Budget(120)))
