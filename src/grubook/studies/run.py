"""Running tasks: train one adder per task and measure it, on any executor.

Every worker runs TensorFlow with one thread, so a study gives the same
numbers whatever the number of workers.
"""

from __future__ import annotations

import concurrent.futures
import time

from grubook.analysis import length_sweep
from grubook.studies.recipes import compiled_bits, train_with_recipe


def _one_thread_tensorflow() -> None:
    """Run TensorFlow with one thread in this process, once, if still possible.

    A worker's numbers then do not depend on how many workers share the
    machine. In a process whose TensorFlow has already started (such as a
    notebook) the setting cannot change and is left as it is.
    """
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    tf.config.experimental.enable_op_determinism()


def run_task(task: dict) -> dict:
    """Train the adder that ``task`` describes and measure it; one result row.

    ``task`` holds ``cell``, ``units``, ``recipe``, ``seed``,
    ``learning_rate``, ``steps`` (None: the recipe's), ``pause`` (0: the
    book's task), ``lengths`` (a list, possibly empty) and ``split`` (the
    set the length test reads: "test", or "validation" for a study that
    decides). The row
    repeats them and adds ``steps_trained``, ``steps_to_exact`` (first
    100 % on the validation set, or None), ``validation_exact`` (the last
    validation measurement), ``sweep`` (:func:`grubook.analysis.length_sweep`
    on the test set, or None without lengths) and ``seconds``.
    """
    _one_thread_tensorflow()
    start = time.perf_counter()
    steps = {} if task["steps"] is None else {"steps": task["steps"]}
    model, history = train_with_recipe(
        task["recipe"],
        task["seed"],
        units=task["units"],
        cell=task["cell"],
        pause=task["pause"],
        learning_rate=task["learning_rate"],
        **steps,
    )
    sweep = (
        length_sweep(
            compiled_bits(model, task["pause"]),
            task["lengths"],
            split=task["split"],
        )
        if task["lengths"]
        else None
    )
    return {
        **task,
        "steps_trained": len(history.loss),
        "steps_to_exact": history.steps_to_exact,
        "validation_exact": history.eval_exact[-1],
        "sweep": sweep,
        "seconds": round(time.perf_counter() - start, 1),
    }


def _describe(row: dict) -> str:
    """One line about a finished task, for the log."""
    text = (
        f"{row['cell']:>10} {row['units']:>2} units {row['recipe']:>11} "
        f"pause {row['pause']:>2} "
        f"lr {row['learning_rate']:g} seed {row['seed']:>2}: "
        f"{row['steps_trained']:>4} steps, validation 100 % at "
        f"{row['steps_to_exact']}"
    )
    if row["sweep"] is not None:
        sweep = row["sweep"]
        text += (
            f"; {sweep['split']} at {sweep['lengths'][-1]} bits: random "
            f"{sweep['random'][-1]}/{sweep['n_random']}, hard "
            f"{sweep['hard'][-1]}/{sweep['n_hard']}"
        )
    return text + f" ({row['seconds']} s)"


def run_tasks(tasks, executor=None, log=print) -> list[dict]:
    """Run every task; the result rows in the order of ``tasks``.

    ``executor`` is any ``concurrent.futures.Executor`` (a process pool, a
    cluster's executor); None runs the tasks one after the other here.
    ``log`` receives one line per finished task.
    """
    tasks = list(tasks)
    if executor is None:
        rows = []
        for task in tasks:
            rows.append(run_task(task))
            log(_describe(rows[-1]))
        return rows
    futures = [executor.submit(run_task, task) for task in tasks]
    for future in concurrent.futures.as_completed(futures):
        log(_describe(future.result()))
    return [future.result() for future in futures]

