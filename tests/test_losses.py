"""Tests of ann.losses: values and gradients against Keras and TensorFlow, properties, checks."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ann import losses
from ann.activations import sigmoid, softmax, softmax_jacobian
from ann.losses import EPSILON, LOSSES, Loss, get_loss

PROPERTY = settings(deadline=None, max_examples=40)

LOSS_NAMES = [
    "mse",
    "mae",
    "huber",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
]


# --- Helpers --------------------------------------------------------------------------------------


def numerical_gradient(function, y_pred: np.ndarray, step_size: float = 1e-6) -> np.ndarray:
    """Central-difference estimate of the gradient of the scalar ``function`` at ``y_pred``."""
    gradient = np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        shift = np.zeros_like(y_pred)
        shift[index] = step_size
        gradient[index] = (function(y_pred + shift) - function(y_pred - shift)) / (2 * step_size)
    return gradient


def keras_value_and_gradient(keras_loss, y_true, y_pred) -> tuple[float, np.ndarray]:
    """A Keras loss object's value on (y_true, y_pred) and its gradient w.r.t. y_pred (tf tape)."""
    variable = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        value = keras_loss(tf.constant(y_true), variable)
    return float(value), tape.gradient(value, variable).numpy()


def assert_matches_keras(loss: Loss, keras_loss, y_true, y_pred, **options) -> None:
    """Both the value and the gradient of ``loss`` agree with the Keras loss object."""
    expected_value, expected_gradient = keras_value_and_gradient(keras_loss, y_true, y_pred)
    gradient = loss.gradient(y_true, y_pred, **options)
    assert gradient.shape == np.shape(y_pred)
    np.testing.assert_allclose(loss.function(y_true, y_pred, **options), expected_value, rtol=1e-10)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-8, atol=1e-14)


RNG_SEED = 2024


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(RNG_SEED)


def probability_rows(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random rows of class probabilities summing to 1 along the last axis."""
    return softmax(rng.normal(0, 2, size=shape))


# --- Registry -------------------------------------------------------------------------------------


def test_registry_holds_the_keras_names():
    assert list(LOSSES) == LOSS_NAMES
    for name, loss in LOSSES.items():
        assert isinstance(loss, Loss)
        assert loss.name == name
        assert get_loss(name) is loss
    assert get_loss("mse").function is losses.mean_squared_error
    assert get_loss("mse").gradient is losses.mean_squared_error_gradient


def test_get_loss_rejects_unknown_names_and_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown loss 'hinge'") as error:
        get_loss("hinge")
    for name in LOSS_NAMES:
        assert repr(name) in str(error.value)
    with pytest.raises(TypeError, match="must be a string"):
        get_loss(None)


def test_epsilon_is_the_keras_fuzz_factor():
    assert keras.backend.epsilon() == EPSILON


# --- Values and gradients against Keras and tf.GradientTape ---------------------------------------

REGRESSION_SHAPES = [(8,), (8, 1), (6, 3), (2, 4, 3)]


@pytest.mark.parametrize("shape", REGRESSION_SHAPES)
@pytest.mark.parametrize(
    ("name", "keras_loss"),
    [
        ("mse", keras.losses.MeanSquaredError(dtype="float64")),
        ("mae", keras.losses.MeanAbsoluteError(dtype="float64")),
        ("huber", keras.losses.Huber(dtype="float64")),
    ],
)
def test_regression_losses_match_keras(name, keras_loss, shape, rng):
    y_true = rng.normal(size=shape)
    y_pred = y_true + rng.normal(0, 1.5, size=shape)
    assert_matches_keras(get_loss(name), keras_loss, y_true, y_pred)


@pytest.mark.parametrize("delta", [0.1, 0.5, 2.0, 10.0])
def test_huber_matches_keras_for_any_threshold(delta, rng):
    y_true = rng.normal(size=(10, 2))
    y_pred = y_true + rng.normal(0, 2.0, size=(10, 2))
    keras_loss = keras.losses.Huber(delta=delta, dtype="float64")
    assert_matches_keras(get_loss("huber"), keras_loss, y_true, y_pred, delta=delta)


@pytest.mark.parametrize("shape", [(12,), (12, 1), (6, 3)])
def test_binary_crossentropy_matches_keras_including_clipped_probabilities(shape, rng):
    y_true = rng.integers(0, 2, size=shape).astype(float)
    y_pred = rng.uniform(size=shape)
    y_pred.flat[:4] = [0.0, 1.0, EPSILON / 2, 1.0 - EPSILON / 2]
    keras_loss = keras.losses.BinaryCrossentropy(dtype="float64")
    assert_matches_keras(get_loss("binary_crossentropy"), keras_loss, y_true, y_pred)


def test_binary_crossentropy_from_logits_matches_keras(rng):
    y_true = rng.uniform(size=(9, 2))
    logits = rng.normal(0, 20, size=(9, 2))
    keras_loss = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    loss = get_loss("binary_crossentropy")
    assert_matches_keras(loss, keras_loss, y_true, logits, from_logits=True)


def test_categorical_crossentropy_matches_keras(rng):
    labels = rng.integers(0, 4, size=10)
    one_hot = np.eye(4)[labels]
    probabilities = probability_rows(rng, (10, 4))
    keras_loss = keras.losses.CategoricalCrossentropy(dtype="float64")
    assert_matches_keras(get_loss("categorical_crossentropy"), keras_loss, one_hot, probabilities)


def test_categorical_crossentropy_matches_keras_on_unnormalized_and_clipped_rows(rng):
    one_hot = np.eye(3)[[0, 1, 2, 0, 2]]
    scores = rng.uniform(0.1, 1.0, size=(5, 3))
    scores[0] = [0.0, 0.5, 0.5]  # the true class gets probability 0 and is clipped
    scores[1] = [0.0, 0.7, 0.0]  # a certain, correct prediction: clipped at 1 - EPSILON
    keras_loss = keras.losses.CategoricalCrossentropy(dtype="float64")
    assert_matches_keras(get_loss("categorical_crossentropy"), keras_loss, one_hot, scores)


def test_categorical_crossentropy_from_logits_matches_keras(rng):
    one_hot = np.eye(5)[rng.integers(0, 5, size=7)]
    logits = rng.normal(0, 10, size=(7, 5))
    keras_loss = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    loss = get_loss("categorical_crossentropy")
    assert_matches_keras(loss, keras_loss, one_hot, logits, from_logits=True)


@pytest.mark.parametrize("label_shape", [(10,), (10, 1)])
def test_sparse_categorical_crossentropy_matches_keras(label_shape, rng):
    labels = rng.integers(0, 4, size=label_shape)
    probabilities = probability_rows(rng, (10, 4))
    probabilities[0] = [0.0, 0.0, 1.0, 0.0]  # clipped at both ends
    keras_loss = keras.losses.SparseCategoricalCrossentropy(dtype="float64")
    loss = get_loss("sparse_categorical_crossentropy")
    assert_matches_keras(loss, keras_loss, labels, probabilities)


def test_sparse_categorical_crossentropy_from_logits_matches_keras(rng):
    labels = rng.integers(0, 3, size=8)
    logits = rng.normal(0, 10, size=(8, 3))
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    loss = get_loss("sparse_categorical_crossentropy")
    assert_matches_keras(loss, keras_loss, labels, logits, from_logits=True)


# --- Gradients against central differences --------------------------------------------------------


def batches(max_rows: int = 5, max_columns: int = 3) -> st.SearchStrategy[tuple[int, int]]:
    """Shapes (n_samples, n_outputs) of small batches."""
    return st.tuples(st.integers(1, max_rows), st.integers(1, max_columns))


def bounded_arrays(shape, low: float, high: float) -> st.SearchStrategy[np.ndarray]:
    return arrays(np.float64, shape, elements=st.floats(low, high))


@st.composite
def regression_batches(draw) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions whose errors stay at least 1e-3 away from 0 (the kink of |e|)."""
    shape = draw(batches())
    y_true = draw(bounded_arrays(shape, -10, 10))
    error_sizes = draw(bounded_arrays(shape, 1e-3, 5))
    signs = draw(arrays(np.bool_, shape))
    return y_true, y_true + np.where(signs, error_sizes, -error_sizes)


@pytest.mark.parametrize("name", ["mse", "mae", "huber"])
@PROPERTY
@given(batch=regression_batches())
def test_regression_gradients_match_central_differences(name, batch):
    y_true, y_pred = batch
    loss = get_loss(name)
    assume(name != "huber" or np.all(np.abs(np.abs(y_pred - y_true) - 1.0) > 1e-3))
    expected = numerical_gradient(lambda p: loss.function(y_true, p), y_pred)
    np.testing.assert_allclose(loss.gradient(y_true, y_pred), expected, rtol=1e-5, atol=1e-7)


@PROPERTY
@given(shape=batches(), data=st.data(), from_logits=st.booleans())
def test_binary_crossentropy_gradient_matches_central_differences(shape, data, from_logits):
    y_true = data.draw(bounded_arrays(shape, 0, 1))
    low, high = (-20, 20) if from_logits else (1e-3, 1 - 1e-3)
    y_pred = data.draw(bounded_arrays(shape, low, high))
    loss = get_loss("binary_crossentropy")
    expected = numerical_gradient(lambda p: loss.function(y_true, p, from_logits), y_pred, 1e-7)
    gradient = loss.gradient(y_true, y_pred, from_logits)
    np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
@PROPERTY
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(2, 4)),
    data=st.data(),
    from_logits=st.booleans(),
)
def test_categorical_gradients_match_central_differences(sparse, shape, data, from_logits):
    labels = data.draw(arrays(np.int64, shape[:1], elements=st.integers(0, shape[1] - 1)))
    low, high = (-10, 10) if from_logits else (1e-2, 0.99)
    y_pred = data.draw(bounded_arrays(shape, low, high))
    if sparse:
        loss, y_true = get_loss("sparse_categorical_crossentropy"), labels
    else:
        loss, y_true = get_loss("categorical_crossentropy"), np.eye(shape[1])[labels]
    expected = numerical_gradient(lambda p: loss.function(y_true, p, from_logits), y_pred)
    gradient = loss.gradient(y_true, y_pred, from_logits)
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-8)


# --- Properties -----------------------------------------------------------------------------------


@PROPERTY
@given(batch=regression_batches(), delta=st.floats(5.0, 100.0))
def test_huber_is_half_the_squared_error_below_its_threshold(batch, delta):
    y_true, y_pred = batch
    half_mse = losses.mean_squared_error(y_true, y_pred) / 2
    assert losses.huber(y_true, y_pred, delta=delta) == pytest.approx(half_mse, rel=1e-12)


@PROPERTY
@given(batch=regression_batches(), delta=st.floats(1e-6, 1e-4))
def test_huber_is_linear_in_the_absolute_error_above_its_threshold(batch, delta):
    y_true, y_pred = batch
    linear_part = delta * (losses.mean_absolute_error(y_true, y_pred) - delta / 2)
    assert losses.huber(y_true, y_pred, delta=delta) == pytest.approx(linear_part, rel=1e-9)


@PROPERTY
@given(shape=st.tuples(st.integers(1, 5), st.integers(2, 3)), data=st.data())
def test_crossentropies_from_logits_agree_with_crossentropies_of_probabilities(shape, data):
    # Scores within [-5, 5] give probabilities far from the clipping bounds.
    logits = data.draw(bounded_arrays(shape, -5, 5))
    y_binary = data.draw(bounded_arrays(shape, 0, 1))
    np.testing.assert_allclose(
        losses.binary_crossentropy(y_binary, logits, from_logits=True),
        losses.binary_crossentropy(y_binary, sigmoid(logits)),
        rtol=1e-9,
    )
    labels = data.draw(arrays(np.int64, shape[:1], elements=st.integers(0, shape[1] - 1)))
    one_hot = np.eye(shape[1])[labels]
    for function, targets in [
        (losses.categorical_crossentropy, one_hot),
        (losses.sparse_categorical_crossentropy, labels),
    ]:
        np.testing.assert_allclose(
            function(targets, logits, from_logits=True),
            function(targets, softmax(logits)),
            rtol=1e-9,
            atol=1e-12,
        )


def test_softmax_then_categorical_crossentropy_has_gradient_p_minus_y(rng):
    one_hot = np.eye(4)[rng.integers(0, 4, size=6)]
    logits = rng.normal(size=(6, 4))
    probabilities = softmax(logits)
    gradient_wrt_probabilities = losses.categorical_crossentropy_gradient(one_hot, probabilities)
    # Chain rule through softmax: dL/dz = J^T dL/dp for each row.
    gradient_wrt_logits = np.einsum(
        "nij,ni->nj", softmax_jacobian(logits), gradient_wrt_probabilities
    )
    np.testing.assert_allclose(gradient_wrt_logits, (probabilities - one_hot) / 6, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "keras_loss"),
    [
        ("mse", keras.losses.MeanSquaredError(dtype="float64")),
        ("mae", keras.losses.MeanAbsoluteError(dtype="float64")),
        ("huber", keras.losses.Huber(dtype="float64")),
        ("binary_crossentropy", keras.losses.BinaryCrossentropy(dtype="float64")),
    ],
)
def test_targets_of_shape_n_meet_predictions_of_shape_n_by_1_row_by_row(name, keras_loss, rng):
    # Broadcasting (5,) against (5, 1) would compare every target with every prediction.
    y_true = rng.uniform(size=5)
    y_pred = rng.uniform(size=(5, 1))
    assert_matches_keras(get_loss(name), keras_loss, y_true, y_pred)


# --- Input validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "binary_crossentropy"])
@pytest.mark.parametrize(
    ("true_shape", "pred_shape"), [((4,), (5,)), ((4, 3), (3,)), ((4, 2), (4,))]
)
def test_mismatched_shapes_are_rejected(name, true_shape, pred_shape):
    loss = get_loss(name)
    y_true, y_pred = np.full(true_shape, 0.5), np.full(pred_shape, 0.5)
    for function in (loss.function, loss.gradient):
        with pytest.raises(ValueError, match="same shape"):
            function(y_true, y_pred)


def test_categorical_crossentropy_needs_targets_shaped_like_predictions():
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(np.eye(3), np.full((3, 4), 0.25))
    with pytest.raises(ValueError, match="positive sum"):
        losses.categorical_crossentropy(np.eye(2), [[0.0, 0.0], [0.5, 0.5]])


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
@pytest.mark.parametrize("bad_value", [-0.1, 1.5])
def test_probabilities_outside_the_unit_interval_are_rejected(name, bad_value):
    loss = get_loss(name)
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
    y_pred = np.array([[0.5, 0.5], [bad_value, 0.5]])
    for function in (loss.function, loss.gradient):
        with pytest.raises(ValueError, match=r"y_pred must hold probabilities in \[0, 1\]"):
            function(y_true, y_pred)
        with pytest.raises(ValueError, match=r"y_true must hold probabilities in \[0, 1\]"):
            function(y_pred, y_true)
        function(y_true, y_pred, from_logits=True)  # scores may be any real number


def test_sparse_labels_are_validated():
    probabilities = np.full((3, 4), 0.25)
    loss = get_loss("sparse_categorical_crossentropy")
    for function in (loss.function, loss.gradient):
        with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\]"):
            function([0, 4, 1], probabilities)
        with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\]"):
            function([0, -1, 1], probabilities)
        with pytest.raises(ValueError, match="whole-number"):
            function([0, 1.5, 1], probabilities)
        with pytest.raises(ValueError, match="one class label per row"):
            function([0, 1], probabilities)
        with pytest.raises(TypeError, match="integer class labels"):
            function(["a", "b", "c"], probabilities)
        with pytest.raises(ValueError, match="probabilities"):
            function([0, 1, 2], probabilities * 5)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_nan_empty_scalar_and_text_inputs_are_rejected(name):
    loss = get_loss(name)
    with pytest.raises(ValueError, match="NaN or infinite"):
        loss.function([0], np.array([[np.nan, 0.5]]) if "categorical" in name else [np.nan])
    with pytest.raises(ValueError, match="empty"):
        loss.function(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="at least one axis"):
        loss.function(0.0, 0.5)
    with pytest.raises(TypeError, match="real numbers"):
        loss.function([0], ["high"])


@pytest.mark.parametrize("delta", [0.0, -1.0, float("nan")])
def test_huber_threshold_must_be_positive(delta):
    for function in (losses.huber, losses.huber_gradient):
        with pytest.raises(ValueError, match="delta must be a positive number"):
            function([1.0], [2.0], delta=delta)
