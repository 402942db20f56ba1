"""Benchmark: ``ann.MLP`` against Keras and scikit-learn on the digits data set.

One architecture, trained the same way by all three libraries in the same run:
64 inputs -> 128 ReLU units -> 10 softmax units, Glorot-uniform initial weights (scikit-learn
also draws its biases from that range; the others start them at 0), plain mini-batch SGD (no
momentum, no weight decay) with the same learning rate, batch size and number of epochs, on the
same stratified split of scikit-learn's digits (pixels scaled to [0, 1]).

Measured: seconds per epoch (wall time of the whole ``fit`` divided by the number of epochs) and
accuracy on the test set, each the median of ``REPEATS`` seeded runs (the machine may be shared).
Keras's ``fit`` time includes tracing its training step into a graph during the first epoch, so
its steady-state time (the median of its epochs, timed by a callback) is reported too; ``ann.MLP``
is compared against that, the stricter number.

Run directly (``python benchmarks/bench_mlp.py``) to print the rows, or through
``benchmarks/run.py``.
"""

from __future__ import annotations

import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from ann.mlp import MLP

HIDDEN_UNITS = 128
BATCH_SIZE = 32
EPOCHS = 30
LEARNING_RATE = 0.05
SEED = 0
REPEATS = 3
BENCHMARK = f"MLP on digits (64-{HIDDEN_UNITS}-10, batch {BATCH_SIZE}, {EPOCHS} epochs SGD)"


def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Digits scaled to [0, 1], split 75/25 with the classes' proportions kept."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=SEED)


def time_ann(X_train, X_test, y_train, y_test) -> tuple[float, float]:
    """Seconds per epoch and test accuracy of this package's MLP."""
    mlp = MLP(
        hidden_layer_sizes=(HIDDEN_UNITS,),
        activation="relu",
        output="softmax",
        learning_rate=LEARNING_RATE,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        random_state=SEED,
    )
    start = time.perf_counter()
    mlp.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return seconds / EPOCHS, mlp.score(X_test, y_test)


def time_scikit_learn(X_train, X_test, y_train, y_test) -> tuple[float, float]:
    """Seconds per epoch and test accuracy of scikit-learn's MLPClassifier with plain SGD."""
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN_UNITS,),
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=BATCH_SIZE,
        learning_rate="constant",
        learning_rate_init=LEARNING_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        max_iter=EPOCHS,
        n_iter_no_change=EPOCHS + 1,  # never stop early: exactly EPOCHS epochs
        random_state=SEED,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return seconds / EPOCHS, model.score(X_test, y_test)


def time_keras(X_train, X_test, y_train, y_test) -> tuple[float, float, float]:
    """Seconds per epoch (whole fit, and median epoch) and test accuracy of a Keras model."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.durations = []

        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.durations.append(time.perf_counter() - self.started)

    keras.utils.set_random_seed(SEED)
    model = keras.Sequential(
        [
            keras.Input(shape=(X_train.shape[1],)),
            keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    timer = EpochTimer()
    start = time.perf_counter()
    model.fit(X_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0, callbacks=[timer])
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(X_test, y_test, verbose=0)
    return seconds / EPOCHS, float(np.median(timer.durations)), accuracy


def median_of_runs(measure, split) -> tuple[float, ...]:
    """Run ``measure(*split)`` REPEATS times and return the median of each measured number."""
    runs = [measure(*split) for _ in range(REPEATS)]
    return tuple(float(np.median(values)) for values in zip(*runs, strict=True))


def rows() -> list[dict[str, str]]:
    """Train the three models and return the benchmark's rows."""
    split = digits_split()
    ann_seconds, ann_accuracy = median_of_runs(time_ann, split)
    keras_seconds, keras_steady_seconds, keras_accuracy = median_of_runs(time_keras, split)
    sklearn_seconds, sklearn_accuracy = median_of_runs(time_scikit_learn, split)

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    speed_target = (
        f"<= Keras median epoch ({keras_steady_seconds:.4f}): "
        f"{verdict(ann_seconds <= keras_steady_seconds)}"
    )
    accuracy_target = (
        f">= Keras accuracy - 0.01 ({keras_accuracy - 0.01:.4f}): "
        f"{verdict(ann_accuracy >= keras_accuracy - 0.01)}"
    )
    measurements = [
        ("ann.MLP s/epoch", f"{ann_seconds:.4f}", speed_target),
        ("Keras s/epoch (whole fit / epochs)", f"{keras_seconds:.4f}", "reference"),
        ("Keras s/epoch (median epoch)", f"{keras_steady_seconds:.4f}", "reference"),
        ("scikit-learn MLPClassifier s/epoch", f"{sklearn_seconds:.4f}", "reference"),
        ("ann.MLP test accuracy", f"{ann_accuracy:.4f}", accuracy_target),
        ("Keras test accuracy", f"{keras_accuracy:.4f}", "reference"),
        ("scikit-learn MLPClassifier test accuracy", f"{sklearn_accuracy:.4f}", "reference"),
    ]
    return [
        {"benchmark": BENCHMARK, "measurement": measurement, "value": value, "target": target}
        for measurement, value, target in measurements
    ]


if __name__ == "__main__":
    for row in rows():
        print(" | ".join(row[key] for key in ("benchmark", "measurement", "value", "target")))
