"""Tests for ann.mlp: backpropagation against finite differences, TensorFlow and scikit-learn."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, load_iris
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

from ann.losses import get_loss
from ann.mlp import (
    LOSSES_FOR_OUTPUT,
    MLP,
    chain_rule_output_delta,
    gradient_check,
    initial_parameters,
    numerical_gradients,
    output_activation,
    output_delta,
)

HIDDEN_ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "softplus")
OUTPUT_LOSS_PAIRS = [
    (output, loss) for output, losses in LOSSES_FOR_OUTPUT.items() for loss in losses
]


def random_targets(output: str, n_samples: int, n_outputs: int, rng: np.random.Generator):
    """Targets shaped like the network's output: one-hot, 0/1 or real values."""
    if output == "softmax":
        return np.eye(n_outputs)[rng.integers(0, n_outputs, n_samples)]
    if output == "sigmoid":
        return rng.integers(0, 2, size=(n_samples, n_outputs)).astype(float)
    return rng.normal(size=(n_samples, n_outputs))


def tiny_network(activation: str, output: str, loss: str, seed: int = 0):
    """A 3 -> 4 -> 3 -> 3 network with a batch of 6 samples and matching targets."""
    rng = np.random.default_rng(seed)
    mlp = MLP((4, 3), activation=activation, output=output, loss=loss, random_state=seed)
    mlp.initialize(n_inputs=3, n_outputs=3)
    for bias in mlp.biases_:  # non-zero biases, so their gradients are tested too
        bias += rng.normal(scale=0.3, size=bias.shape)
    X = rng.normal(size=(6, 3))
    return mlp, X, random_targets(output, 6, 3, rng)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def iris_scaled():
    X, y = load_iris(return_X_y=True)
    return X / X.max(axis=0), y


# --- Gradients ------------------------------------------------------------------------------------


@pytest.mark.parametrize("output, loss", OUTPUT_LOSS_PAIRS)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_backprop_matches_central_finite_differences(activation, output, loss):
    mlp, X, Y = tiny_network(activation, output, loss)
    backprop = mlp.backward(mlp.forward(X), Y)
    numeric = numerical_gradients(mlp, X, Y)
    for name in ("weights", "biases"):
        for analytic, estimate in zip(getattr(backprop, name), getattr(numeric, name), strict=True):
            np.testing.assert_allclose(analytic, estimate, rtol=1e-5, atol=1e-8)
    assert gradient_check(mlp, X, Y) < 1e-7


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    mlp, X, Y = tiny_network("tanh", "softmax", "categorical_crossentropy")
    assert gradient_check(mlp, X, Y) < 1e-7
    correct_backward = MLP.backward

    def backward_missing_a_factor_2(self, cache, Y):
        gradients = correct_backward(self, cache, Y)
        gradients.weights[0] = 2.0 * gradients.weights[0]
        return gradients

    monkeypatch.setattr(MLP, "backward", backward_missing_a_factor_2)
    assert gradient_check(mlp, X, Y) > 1e-2


def test_numerical_gradients_leave_the_parameters_unchanged():
    mlp, X, Y = tiny_network("relu", "identity", "mse")
    before = [W.copy() for W in mlp.weights_] + [b.copy() for b in mlp.biases_]
    numerical_gradients(mlp, X, Y)
    after = mlp.weights_ + mlp.biases_
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


def tensorflow_loss_and_gradients(tf, mlp: MLP, X, Y):
    """The same computation as ``mlp`` built from TensorFlow ops and Keras losses."""
    import keras

    hidden = {
        "identity": tf.identity,
        "sigmoid": tf.sigmoid,
        "tanh": tf.tanh,
        "relu": tf.nn.relu,
        "softplus": tf.nn.softplus,
    }[mlp.activation]
    output = {"softmax": tf.nn.softmax, "sigmoid": tf.sigmoid, "identity": tf.identity}[mlp.output]
    per_sample_loss = {
        "categorical_crossentropy": keras.losses.categorical_crossentropy,
        "binary_crossentropy": keras.losses.binary_crossentropy,
        "mse": keras.losses.mean_squared_error,
        "mae": keras.losses.mean_absolute_error,
        "huber": keras.losses.huber,
    }[mlp.loss]
    weights = [tf.Variable(W) for W in mlp.weights_]
    biases = [tf.Variable(b) for b in mlp.biases_]
    with tf.GradientTape() as tape:
        a = tf.constant(X)
        for layer, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
            z = tf.matmul(a, W) + b
            a = output(z) if layer == len(weights) else hidden(z)
        loss = tf.reduce_mean(per_sample_loss(tf.constant(Y), a))
    weight_gradients, bias_gradients = tape.gradient(loss, [weights, biases])
    return float(loss), [g.numpy() for g in weight_gradients], [g.numpy() for g in bias_gradients]


@pytest.mark.parametrize("output, loss", OUTPUT_LOSS_PAIRS)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_backprop_matches_tensorflow_gradient_tape(tf, activation, output, loss):
    mlp, X, Y = tiny_network(activation, output, loss, seed=1)
    tf_loss, tf_weight_gradients, tf_bias_gradients = tensorflow_loss_and_gradients(tf, mlp, X, Y)
    gradients = mlp.backward(mlp.forward(X), Y)
    assert mlp.evaluate_loss(X, Y) == pytest.approx(tf_loss, rel=1e-6)
    for ours, theirs in zip(gradients.weights, tf_weight_gradients, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-10)
    for ours, theirs in zip(gradients.biases, tf_bias_gradients, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize(
    "output, loss", [("softmax", "categorical_crossentropy"), ("sigmoid", "binary_crossentropy")]
)
def test_combined_output_gradient_equals_the_chain_rule(output, loss):
    mlp, X, Y = tiny_network("tanh", output, loss, seed=2)
    cache = mlp.forward(X)
    z, a = cache.pre_activations[-1], cache.output
    np.testing.assert_allclose(
        output_delta(output, mlp.loss_function, z, a, Y),
        chain_rule_output_delta(output, mlp.loss_function, z, a, Y),
        rtol=1e-9,
        atol=1e-12,
    )


@pytest.mark.parametrize(
    "output, loss, error_size",
    [("softmax", "categorical_crossentropy", 1.0), ("sigmoid", "binary_crossentropy", 0.5)],
)
def test_combined_output_gradient_keeps_learning_when_the_output_saturates(
    output, loss, error_size
):
    z = np.array([[-60.0, 60.0]])  # probabilities rounded to 0 and 1: confidently wrong
    probabilities = output_activation(output, z)
    Y = np.array([[1.0, 0.0]])
    chain_rule = chain_rule_output_delta(output, get_loss(loss), z, probabilities, Y)
    combined = output_delta(output, get_loss(loss), z, probabilities, Y)
    np.testing.assert_array_equal(chain_rule, 0.0)  # the clipped loss has no gradient left
    # (p - y) / n for softmax with n = 1 sample; (p - y) / (n * n_outputs) for sigmoid
    np.testing.assert_allclose(combined, error_size * np.array([[-1.0, 1.0]]), atol=1e-12)


# --- Initialisation and symmetry ------------------------------------------------------------------


@pytest.mark.parametrize("activation, constant", [("sigmoid", 0.0), ("tanh", 0.5), ("relu", 0.2)])
def test_constant_initialisation_keeps_hidden_units_identical(iris_scaled, activation, constant):
    X, y = iris_scaled
    mlp = MLP(
        (6, 5),
        activation=activation,
        init=constant,
        learning_rate=0.5,
        batch_size=16,
        epochs=30,
        random_state=0,
    ).fit(X, y)
    assert not np.allclose(mlp.weights_[0], constant)  # training did move the weights
    for W in mlp.weights_[:-1]:  # every hidden unit (column) has the same incoming weights
        np.testing.assert_allclose(W, np.broadcast_to(W[:, :1], W.shape), atol=1e-12)
    for b in mlp.biases_[:-1]:
        np.testing.assert_allclose(b, b[0], atol=1e-12)
    for W in mlp.weights_[1:]:  # ... and the same outgoing weights (rows) to the next layer
        np.testing.assert_allclose(W, np.broadcast_to(W[:1], W.shape), atol=1e-12)


def test_random_initialisation_breaks_the_symmetry(iris_scaled):
    X, y = iris_scaled
    mlp = MLP((6,), activation="sigmoid", epochs=5, random_state=0).fit(X, y)
    hidden_weights = mlp.weights_[0]
    differences = hidden_weights[:, 1:] - hidden_weights[:, :1]
    assert np.all(np.abs(differences).max(axis=0) > 1e-3)


@pytest.mark.parametrize("init", ["glorot_uniform", "he_normal"])
def test_random_initialisation_has_the_documented_scale(init):
    fan_in, fan_out = 400, 300
    (W,), (b,) = initial_parameters((fan_in, fan_out), init, np.random.default_rng(0))
    np.testing.assert_array_equal(b, 0.0)
    if init == "glorot_uniform":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        assert np.abs(W).max() <= limit
        assert W.std() == pytest.approx(limit / np.sqrt(3.0), rel=0.02)  # std of U(-r, r)
    else:
        assert W.mean() == pytest.approx(0.0, abs=0.002)
        assert W.std() == pytest.approx(np.sqrt(2.0 / fan_in), rel=0.02)


# --- Training -------------------------------------------------------------------------------------


def test_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 1, 1, 0])
    mlp = MLP(
        (8,),
        activation="tanh",
        output="sigmoid",
        learning_rate=0.5,
        batch_size=4,
        epochs=1000,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(mlp.predict(X), y)
    assert mlp.score(X, y) == 1.0


def test_reaches_95_percent_on_digits_and_its_loss_decreases(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    mlp = MLP(
        (64,), activation="relu", learning_rate=0.05, batch_size=32, epochs=25, random_state=0
    ).fit(X_train, y_train, validation_data=(X_test, y_test))
    assert mlp.score(X_test, y_test) >= 0.95
    assert mlp.score(X_test, y_test) == accuracy_score(y_test, mlp.predict(X_test))
    assert len(mlp.loss_curve_) == len(mlp.validation_loss_curve_) == 25
    assert mlp.loss_curve_[-1] < 0.2 * mlp.loss_curve_[0]
    assert mlp.validation_loss_curve_[-1] < 0.3 * mlp.validation_loss_curve_[0]
    assert np.mean(np.diff(mlp.loss_curve_) < 0) > 0.8  # it goes down almost every epoch


def test_validation_curve_is_the_loss_on_the_validation_data(iris_scaled):
    X_train, X_val, y_train, y_val = train_test_split(
        *iris_scaled, stratify=iris_scaled[1], random_state=0
    )
    mlp = MLP((5,), activation="tanh", epochs=3, random_state=0)
    mlp.fit(X_train, y_train, validation_data=(X_val, y_val))
    targets = (y_val[:, np.newaxis] == mlp.classes_).astype(float)
    assert mlp.validation_loss_curve_[-1] == pytest.approx(mlp.evaluate_loss(X_val, targets))


def test_full_batch_fit_is_one_gradient_descent_step_per_epoch(iris_scaled):
    X, y = iris_scaled
    fitted = MLP((4,), activation="tanh", batch_size=None, epochs=1, random_state=3).fit(X, y)
    by_hand = MLP((4,), activation="tanh", random_state=3).initialize(4, 3)
    Y = np.eye(3)[y]
    initial_loss = by_hand.evaluate_loss(X, Y)
    by_hand.gradient_descent_step(by_hand.backward(by_hand.forward(X), Y), learning_rate=0.01)
    for ours, theirs in zip(fitted.weights_, by_hand.weights_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    # the epoch's loss is measured on the outputs computed before the step
    assert fitted.loss_curve_ == [pytest.approx(initial_loss, rel=1e-12)]


def test_epoch_loss_is_the_size_weighted_mean_of_the_minibatch_losses(iris_scaled):
    X, y = iris_scaled
    settings = {"activation": "relu", "learning_rate": 0.1, "shuffle": False, "random_state": 4}
    fitted = MLP((6,), batch_size=40, epochs=1, **settings).fit(X, y)  # batches 40, 40, 40, 30
    by_hand = MLP((6,), **settings).initialize(4, 3)
    Y = np.eye(3)[y]
    batch_losses, batch_sizes = [], []
    for start in range(0, 150, 40):
        cache = by_hand.forward(X[start : start + 40])
        batch_losses.append(by_hand.loss_function.function(Y[start : start + 40], cache.output))
        batch_sizes.append(cache.output.shape[0])
        by_hand.gradient_descent_step(by_hand.backward(cache, Y[start : start + 40]))
    expected = np.average(batch_losses, weights=batch_sizes)
    assert fitted.loss_curve_[0] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_array_equal(fitted.weights_[0], by_hand.weights_[0])


def test_same_seed_gives_the_same_model_and_another_seed_does_not(iris_scaled):
    X, y = iris_scaled

    def train(seed):
        return MLP((8,), activation="relu", epochs=5, random_state=seed).fit(X, y)

    first, second, other = train(7), train(7), train(8)
    for a, b in zip(first.weights_ + first.biases_, second.weights_ + second.biases_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.loss_curve_ == second.loss_curve_
    assert not np.allclose(first.weights_[0], other.weights_[0])


def test_shuffling_changes_the_order_of_the_minibatches(iris_scaled):
    X, y = iris_scaled

    def train(shuffle):
        return MLP((8,), batch_size=16, epochs=1, shuffle=shuffle, random_state=0).fit(X, y)

    # same seed, so the same initial weights: only the order of the samples differs
    assert not np.allclose(train(True).weights_[0], train(False).weights_[0])


def test_refitting_starts_from_fresh_weights(iris_scaled):
    X, y = iris_scaled
    mlp = MLP((8,), epochs=3, random_state=0)
    first_weights = [W.copy() for W in mlp.fit(X, y).weights_]
    for a, b in zip(first_weights, mlp.fit(X, y).weights_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_binary_classification_with_string_labels(iris_scaled):
    X, y = iris_scaled
    labels = np.where(y == 0, "setosa", "other")
    mlp = MLP(
        (4,), activation="tanh", output="sigmoid", learning_rate=0.5, epochs=20, random_state=0
    )
    mlp.fit(X, labels)
    assert mlp.task_ == "binary"
    assert mlp.classes_.tolist() == ["other", "setosa"]
    probabilities = mlp.predict_proba(X)
    assert probabilities.shape == (150, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert set(mlp.predict(X)) <= {"other", "setosa"}
    assert mlp.score(X, labels) == 1.0


def test_multilabel_classification():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > X[:, 0]]).astype(int)
    mlp = MLP(
        (16,), activation="relu", output="sigmoid", learning_rate=0.5, epochs=40, random_state=0
    ).fit(X, Y)
    assert mlp.task_ == "multilabel"
    assert mlp.predict(X).shape == (300, 2)
    assert mlp.predict_proba(X).shape == (300, 2)
    assert mlp.score(X, Y) > 0.9


@pytest.mark.parametrize("loss", LOSSES_FOR_OUTPUT["identity"])
def test_regression_fits_a_smooth_curve(loss):
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(200, 1))
    y = np.sin(X[:, 0])
    mlp = MLP(
        (32,),
        activation="tanh",
        output="identity",
        loss=loss,
        learning_rate=0.1,
        batch_size=16,
        epochs=150,
        random_state=0,
    ).fit(X, y)
    predictions = mlp.predict(X)
    assert predictions.shape == (200,)
    assert mlp.score(X, y) == pytest.approx(r2_score(y, predictions))
    assert mlp.score(X, y) > 0.9


# --- Agreement with scikit-learn ------------------------------------------------------------------


def copy_parameters(source, mlp: MLP) -> None:
    """Give ``mlp`` the weights of a fitted scikit-learn network of the same shape."""
    mlp.initialize(source.coefs_[0].shape[0], source.coefs_[-1].shape[1])
    mlp.weights_ = [W.copy() for W in source.coefs_]
    mlp.biases_ = [b.copy() for b in source.intercepts_]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
@pytest.mark.parametrize("binary", [False, True])
def test_forward_pass_matches_scikit_learn_with_the_same_weights(iris_scaled, activation, binary):
    X, y = iris_scaled
    if binary:
        y = (y == 2).astype(int)
    reference = MLPClassifier(
        hidden_layer_sizes=(5, 4), activation=activation, max_iter=20, random_state=0
    )
    reference.fit(X, y)
    mlp = MLP((5, 4), activation=activation, output="sigmoid" if binary else "softmax")
    mlp.task_, mlp.classes_ = ("binary" if binary else "multiclass"), reference.classes_
    copy_parameters(reference, mlp)
    np.testing.assert_allclose(mlp.predict_proba(X), reference.predict_proba(X), rtol=1e-10)
    np.testing.assert_array_equal(mlp.predict(X), reference.predict(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_regression_forward_pass_matches_scikit_learn():
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    reference = MLPRegressor(
        hidden_layer_sizes=(6,), activation="tanh", max_iter=20, random_state=0
    ).fit(X, y)
    mlp = MLP((6,), activation="tanh", output="identity")
    mlp.task_, mlp.classes_ = "regression", None
    copy_parameters(reference, mlp)
    np.testing.assert_allclose(mlp.predict(X), reference.predict(X), rtol=1e-10)


@pytest.mark.parametrize("binary", [False, True])
def test_one_epoch_of_minibatch_descent_matches_scikit_learn_sgd(iris_scaled, binary):
    X, y = iris_scaled
    if binary:
        y = (y == 1).astype(int)
    reference = MLPClassifier(
        (5,),
        activation="tanh",
        solver="sgd",
        alpha=0.0,
        batch_size=20,
        learning_rate_init=0.1,
        momentum=0.0,
        nesterovs_momentum=False,
        shuffle=False,
        random_state=0,
    )
    reference.partial_fit(X, y, classes=np.unique(y))  # initialises, then one epoch
    mlp = MLP((5,), activation="tanh", output="sigmoid" if binary else "softmax")
    copy_parameters(reference, mlp)
    Y = y[:, np.newaxis].astype(float) if binary else np.eye(3)[y]
    for start in range(0, len(X), 20):
        batch = slice(start, start + 20)
        mlp.gradient_descent_step(mlp.backward(mlp.forward(X[batch]), Y[batch]), learning_rate=0.1)
    reference.partial_fit(X, y)  # the same epoch in scikit-learn
    ours_and_theirs = zip(
        mlp.weights_ + mlp.biases_, reference.coefs_ + reference.intercepts_, strict=True
    )
    for ours, theirs in ours_and_theirs:
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


# --- Properties -----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 4), max_size=2),
    activation=st.sampled_from(["sigmoid", "tanh", "softplus"]),
    output_loss=st.sampled_from(OUTPUT_LOSS_PAIRS),
    n_samples=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_any_small_network_passes_the_gradient_check(
    hidden, activation, output_loss, n_samples, seed
):
    output, loss = output_loss
    rng = np.random.default_rng(seed)
    n_inputs, n_outputs = int(rng.integers(1, 4)), int(rng.integers(2, 4))
    mlp = MLP(tuple(hidden), activation=activation, output=output, loss=loss, random_state=seed)
    mlp.initialize(n_inputs, n_outputs)
    X = rng.normal(size=(n_samples, n_inputs))
    cache = mlp.forward(X)
    assert [z.shape for z in cache.pre_activations] == [
        (n_samples, width) for width in (*hidden, n_outputs)
    ]
    assert len(cache.activations) == len(hidden) + 2
    assert gradient_check(mlp, X, random_targets(output, n_samples, n_outputs, rng)) < 1e-6


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), scale=st.floats(0.1, 100.0))
def test_softmax_probabilities_are_a_distribution(iris_scaled, seed, scale):
    X, y = iris_scaled
    mlp = MLP((3,), activation="relu", epochs=1, random_state=seed).fit(X, y)
    probabilities = mlp.predict_proba(X * scale)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(mlp.predict(X * scale), np.argmax(probabilities, axis=1))


# --- Validation of arguments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"activation": "step"}, ValueError, "derivative is 0 everywhere"),
        ({"activation": "swish"}, ValueError, "unknown activation 'swish'"),
        ({"activation": "softmax"}, ValueError, "output activation"),
        ({"activation": 3}, TypeError, "must be a string"),
        ({"output": "linear"}, ValueError, "unknown output 'linear'"),
        ({"loss": "mae"}, ValueError, "does not suit output='softmax'"),
        ({"loss": "sparse_categorical_crossentropy"}, ValueError, "one-hot encodes"),
        ({"loss": "hinge"}, ValueError, "unknown loss 'hinge'"),
        ({"output": "identity", "loss": "binary_crossentropy"}, ValueError, "does not suit"),
        ({"hidden_layer_sizes": 10}, TypeError, "sequence of positive integers"),
        ({"hidden_layer_sizes": "10"}, TypeError, "sequence of positive integers"),
        ({"hidden_layer_sizes": (4, 0)}, ValueError, "hidden layer size"),
        ({"hidden_layer_sizes": (2.5,)}, TypeError, "hidden layer size"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": "fast"}, TypeError, "learning_rate"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 8.0}, TypeError, "batch_size"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"init": "uniform"}, ValueError, "unknown init 'uniform'"),
        ({"init": True}, TypeError, "init must be"),
        ({"shuffle": "yes"}, TypeError, "shuffle"),
        ({"random_state": -1}, ValueError, "random_state"),
        ({"random_state": 1.5}, TypeError, "random_state"),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        MLP(**kwargs)


@pytest.mark.parametrize(
    "X, y, output, message",
    [
        (np.arange(6.0), np.arange(6) % 2, "softmax", r"X must be 2-D.*reshape\(-1, 1\)"),
        ([[1.0, np.nan], [0.0, 1.0]], [0, 1], "softmax", "NaN or infinite"),
        ([["a", "b"], ["c", "d"]], [0, 1], "softmax", "real numbers"),
        (np.ones((0, 2)), np.ones(0), "softmax", "no samples"),
        (np.ones((4, 2)), [0, 1, 0], "softmax", "same number of samples"),
        (np.ones((4, 2)), np.ones((4, 2, 1)), "softmax", "must be 1-D"),
        (np.ones((4, 2)), [1, 1, 1, 1], "softmax", "at least 2 classes"),
        (np.ones((3, 2)), [0, 1, 2], "sigmoid", "exactly 2 classes"),
        (np.ones((3, 2)), [[0, 1], [1, 2], [0, 0]], "sigmoid", "0/1 matrix"),
        (np.ones((3, 2)), [0.5, np.nan, 1.0], "softmax", "NaN or infinite"),
        (np.ones((2, 2)), ["a", "b"], "identity", "real numbers"),
        (np.ones((2, 2)), np.ones((2, 1, 1)), "identity", "1-D or 2-D"),
    ],
)
def test_bad_training_data_raise_clear_errors(X, y, output, message):
    with pytest.raises((ValueError, TypeError), match=message):
        MLP((2,), output=output, epochs=1).fit(X, y)


def test_bad_validation_data_raise_clear_errors(iris_scaled):
    X, y = iris_scaled
    mlp = MLP((2,), epochs=1)
    with pytest.raises(ValueError, match="labels not seen during fit"):
        mlp.fit(X[y < 2], y[y < 2], validation_data=(X[y == 2], y[y == 2]))
    with pytest.raises(ValueError, match="3 features, but the network expects 4"):
        mlp.fit(X, y, validation_data=(X[:, :3], y))
    with pytest.raises(ValueError, match="class labels y must be 1-D"):
        mlp.fit(X, y, validation_data=(X, y[:, np.newaxis]))
    with pytest.raises(TypeError, match="pair"):
        mlp.fit(X, y, validation_data=X)


def test_using_a_model_before_it_has_parameters_raises(iris_scaled):
    X, y = iris_scaled
    mlp = MLP((2,))
    with pytest.raises(RuntimeError, match="call fit"):
        mlp.predict(X)
    with pytest.raises(RuntimeError, match="no parameters yet"):
        mlp.forward(X)
    mlp.initialize(4, 3)
    assert (mlp.n_features_in_, mlp.n_outputs_) == (4, 3)
    mlp.forward(X)  # the low-level passes work after initialize()
    with pytest.raises(RuntimeError, match="not fitted"):
        mlp.score(X, y)


def test_bad_inputs_to_a_built_network_raise_clear_errors(iris_scaled):
    X, y = iris_scaled
    mlp = MLP((2,), epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but the network expects 4"):
        mlp.predict(X[:, :3])
    cache = mlp.forward(X)
    with pytest.raises(ValueError, match=r"shape of the network's output \(150, 3\).*one-hot"):
        mlp.backward(cache, y)
    with pytest.raises(ValueError, match="add up to 1 for a softmax output"):
        mlp.backward(cache, 2.0 * np.eye(3)[y])
    with pytest.raises(ValueError, match="do not match the network's parameters"):
        gradients = mlp.backward(cache, np.eye(3)[y])
        gradients.weights.reverse()
        mlp.gradient_descent_step(gradients)
    with pytest.raises(ValueError, match="at least 2 units"):
        mlp.initialize(4, 1)
    regression = MLP((2,), output="identity", epochs=1).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="predict_proba needs a classification output"):
        regression.predict_proba(X)


def test_a_single_output_accepts_one_dimensional_targets(iris_scaled):
    X, y = iris_scaled
    mlp = MLP((3,), output="sigmoid", random_state=0).initialize(4, 1)
    cache = mlp.forward(X)
    targets = (y == 1).astype(float)
    one_dimensional = mlp.backward(cache, targets).flatten()
    np.testing.assert_array_equal(one_dimensional, mlp.backward(cache, targets[:, None]).flatten())


def test_repr_rebuilds_the_same_model():
    mlp = MLP((8, 4), activation="tanh", output="identity", loss="huber", init=0.5, batch_size=None)
    assert repr(eval(repr(mlp), {"MLP": MLP})) == repr(mlp)
    assert "loss='huber'" in repr(mlp)
