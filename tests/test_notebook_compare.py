"""``grubook.notebooks`` finds the stored outputs that a new run changes.

The drift workflow and ``make compare`` report with it, so it must see what
strict nbval sees: changed text and glued values, not images, not cells
tagged to be ignored, and not the way a stream was split into writes.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from grubook.notebooks import changed_outputs, compare, output_texts


def stream(text, name="stdout"):
    return new_output("stream", name=name, text=text)


def result(data):
    return new_output("execute_result", data=data, execution_count=1)


def notebook(*outputs_per_cell, tags=None):
    cells = [new_code_cell("pass", outputs=list(outputs)) for outputs in outputs_per_cell]
    for index, cell_tags in (tags or {}).items():
        cells[index].metadata["tags"] = cell_tags
    return new_notebook(cells=cells)


def test_a_changed_digit_is_reported_with_its_cell_number():
    stored = notebook([stream("a\n")], [stream("rate 1.311\n")])
    executed = notebook([stream("a\n")], [stream("rate 1.316\n")])
    [(number, diff)] = changed_outputs(stored, executed)
    assert number == 1
    assert "-stdout: rate 1.311" in diff and "+stdout: rate 1.316" in diff


def test_a_changed_glued_value_is_reported():
    record = "application/papermill.record/text/plain"
    stored = notebook([result({record: "0.4180035796560321"})])
    executed = notebook([result({record: "0.41800357965603213"})])
    assert [number for number, _ in changed_outputs(stored, executed)] == [0]


def test_equal_runs_and_ignored_cells_report_nothing():
    stored = notebook([stream("1.0\n")], [stream("12 ms\n")], tags={1: ["nbval-ignore-output"]})
    executed = notebook([stream("1.0\n")], [stream("15 ms\n")])
    assert changed_outputs(stored, executed) == []


def test_images_are_not_compared_but_their_text_is():
    png = {"image/png": "AAAA", "text/plain": "<Figure size 640x480 with 1 Axes>"}
    other = dict(png, **{"image/png": "BBBB"})
    assert changed_outputs(notebook([result(png)]), notebook([result(other)])) == []
    smaller = dict(png, **{"text/plain": "<Figure size 320x240 with 1 Axes>"})
    assert len(changed_outputs(notebook([result(png)]), notebook([result(smaller)]))) == 1


def test_a_stream_split_into_other_writes_is_the_same_output():
    whole = new_code_cell("pass", outputs=[stream("S = 10\nS = 20\n")])
    split = new_code_cell("pass", outputs=[stream("S = 10\n"), stream(""), stream("S = 20\n")])
    assert output_texts(whole) == output_texts(split) == ["stdout: S = 10\nS = 20\n"]


def test_notebooks_with_other_cells_are_refused():
    with pytest.raises(ValueError, match="1 and 2 code cells"):
        changed_outputs(notebook([]), notebook([], []))


def test_compare_executes_without_changing_the_file(tmp_path):
    path = tmp_path / "tiny.ipynb"
    cell = new_code_cell("print(6 * 7)", outputs=[stream("41\n")])
    stored = new_notebook(cells=[cell])
    stored.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(stored, path)
    before = path.read_text()
    [(number, diff)] = compare(path)
    assert number == 0 and "+stdout: 42" in diff
    assert path.read_text() == before


def test_merge_streams_joins_runs_of_one_stream_and_drops_empty_writes():
    from grubook.notebooks import merge_streams

    png = result({"image/png": "AAAA", "text/plain": "<Figure>"})
    cell = new_code_cell(
        "pass",
        outputs=[stream("a\n"), stream(""), stream("b\n"), stream("!", "stderr"), png, stream("c")],
    )
    merge_streams(cell)
    assert [(o.output_type, o.get("text")) for o in cell.outputs] == [
        ("stream", "a\nb\n"),
        ("stream", "!"),
        ("execute_result", None),
        ("stream", "c"),
    ]
