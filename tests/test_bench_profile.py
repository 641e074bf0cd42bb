"""The op-level profile (grubook.bench profile): instructions sorted by what they compute."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.compiler.xla.service import hlo_pb2  # noqa: E402
from tensorflow.tsl.profiler.protobuf import xplane_pb2  # noqa: E402

from grubook.bench import op_profile  # noqa: E402


def _computation(cid, opcodes, root=0, calls=None):
    """A computation of one instruction per opcode; instruction ``root`` writes its result."""
    computation = hlo_pb2.HloComputationProto(id=cid, name=f"c{cid}", root_id=cid * 100 + root)
    for k, opcode in enumerate(opcodes):
        instruction = computation.instructions.add(id=cid * 100 + k, name=f"i{cid}_{k}",
                                                   opcode=opcode)
        instruction.called_computation_ids.extend((calls or {}).get(k, []))
    return computation


def test_a_fusion_is_a_product_if_it_calls_one_at_any_depth_else_goes_by_its_root():
    inner = _computation(3, ["parameter", "dot"])
    with_dot = _computation(1, ["parameter", "call"], root=1, calls={1: [3]})
    concat = _computation(2, ["multiply", "concatenate"], root=1)
    computations = {c.id: c for c in (inner, with_dot, concat)}

    def fusion(cid):
        instruction = hlo_pb2.HloInstructionProto(opcode="fusion")
        instruction.called_computation_ids.append(cid)
        return instruction

    assert op_profile.category(fusion(1), computations) == "matrix products"
    assert op_profile.category(fusion(2), computations) == "moving data"
    for opcode, expected in (("dot", "matrix products"), ("copy", "moving data"),
                             ("tanh", "elementwise and reductions"), ("while", None)):
        instruction = hlo_pb2.HloInstructionProto(opcode=opcode)
        assert op_profile.category(instruction, {}) == expected


def _space(events, module_name="m"):
    """An XSpace with one program (a dot and a copy) and ``events`` of ``(name, ps)``."""
    module = hlo_pb2.HloProto()
    module.hlo_module.name = module_name
    module.hlo_module.computations.append(_computation(1, ["dot", "copy", "while"]))
    space = xplane_pb2.XSpace()
    metadata = space.planes.add(name="/host:metadata")
    metadata.event_metadata[1].stats.add(bytes_value=module.SerializeToString())
    plane = space.planes.add(name="/host:CPU")
    for k, name in enumerate(("hlo_op", "hlo_module", module_name), start=1):
        plane.stat_metadata[k].name = name
    line = plane.lines.add(name="thread")
    for k, (name, picoseconds) in enumerate(events, start=1):
        plane.event_metadata[k].name = name
        event = line.events.add(metadata_id=k, duration_ps=picoseconds)
        event.stats.add(metadata_id=1, int64_value=k)
        event.stats.add(metadata_id=2, ref_value=3)
    return space


def test_op_seconds_sums_each_instruction_per_call_and_leaves_out_control_flow():
    space = _space([("i1_0", 4 * 10**6), ("i1_0", 2 * 10**6), ("i1_1", 10**6),
                    ("i1_2", 9 * 10**6)])
    ops = op_profile.op_seconds(space, calls=2)
    assert [(r["name"], r["category"]) for r in ops] == [("i1_0", "matrix products"),
                                                          ("i1_1", "moving data")]
    assert ops[0]["seconds"] == pytest.approx(3e-6) and ops[0]["runs"] == 1.0
    summary = op_profile.summarise(ops, top=1)
    assert summary["seconds"]["moving data"] == pytest.approx(0.5e-6)
    assert summary["seconds"]["elementwise and reductions"] == 0
    assert summary["once"]["matrix products"] == pytest.approx(3e-6)
    in_one_call = op_profile.summarise(op_profile.op_seconds(space, calls=1))
    assert in_one_call["once"]["matrix products"] == 0  # it ran twice in that call
    assert in_one_call["once"]["moving data"] == pytest.approx(1e-6)
    assert [r["name"] for r in summary["top"]] == ["i1_0"]


def test_op_seconds_refuses_an_instruction_missing_from_the_program():
    with pytest.raises(KeyError, match="'nowhere'"):
        op_profile.op_seconds(_space([("nowhere", 1)]), calls=1)
    with pytest.raises(ValueError, match="calls"):
        op_profile.op_seconds(_space([]), calls=0)


def test_a_real_profile_finds_the_product_and_the_concatenation():
    a = tf.random.stateless_normal((64, 64), (0, 1))

    @tf.function(jit_compile=True)
    def step():
        product = tf.matmul(a, a)
        return tf.concat([product, a], axis=0), tf.concat([a, a * 2.0], axis=1)

    space, wall = op_profile.profile(step, calls=2, warmup=1)
    ops = op_profile.op_seconds(space, calls=2)
    categories = {r["category"] for r in ops}
    assert {"matrix products", "moving data"} <= categories and wall > 0
    assert all(r["runs"] == 1.0 for r in ops)
    shapes = [r["shape"] for r in ops if r["category"] == "moving data"]
    assert [128, 64] in shapes or [64, 128] in shapes  # a concatenation's result


def test_per_round_reads_one_version_per_round():
    rows = [{"label": "a", "variant": "v", "wall_seconds": w, "seconds": {"moving data": s},
             "ops": {"moving data": 3.0}} for s, w in ((1.0, 5.0), (2.0, 6.0))]
    rows.append({"label": "b", "variant": "v", "wall_seconds": 0.0,
                 "seconds": {"moving data": 9.0}})
    assert op_profile.per_round(rows, "a", "v", "moving data").tolist() == [1.0, 2.0]
    assert op_profile.per_round(rows, "a", "v").tolist() == [5.0, 6.0]
    assert op_profile.per_round(rows, "a", "v", "moving data", "ops").tolist() == [3.0, 3.0]
    assert op_profile.median_ms(rows, "a", "v") == 5500.0
    assert op_profile.median_ms(rows, "a", "v", "moving data") == 1500.0
    with pytest.raises(KeyError, match="no row for 'w' in 'a'"):
        op_profile.per_round(rows, "a", "w", "moving data")


def test_summed_adds_the_categories_round_by_round():
    rows = [{"label": "a", "variant": "v",
             "ops": dict(zip(op_profile.CATEGORIES, (1.0, 2.0, 3.0 + k), strict=True))}
            for k in (0, 10)]
    assert op_profile.summed(rows, "a", "v", "ops").tolist() == [6.0, 16.0]


def test_over_rounds_gives_the_median_then_the_extremes():
    assert op_profile.over_rounds([3.0, 1.0, 2.5]) == "2.5 (1.0 to 3.0)"
    assert op_profile.over_rounds([0.123, 0.2], digits=2) == "0.16 (0.12 to 0.20)"
    with pytest.raises(ValueError, match="values must hold at least one round"):
        op_profile.over_rounds([])


def test_the_command_line_refuses_calls_below_one(capsys):
    with pytest.raises(SystemExit):
        op_profile.main(["--calls", "0"])
    assert "--calls must be an int >= 1, got 0" in capsys.readouterr().err
