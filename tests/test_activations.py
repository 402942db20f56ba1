"""Tests of ann.activations: properties, derivatives, stability, and agreement with TensorFlow."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from ann import activations
from ann.activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    relu_derivative,
    sigmoid,
    softmax,
    softmax_jacobian,
    softplus,
    step,
    tanh,
)

PROPERTY = settings(deadline=None, max_examples=40)

ELEMENTWISE_NAMES = ["identity", "step", "sigmoid", "tanh", "relu", "softplus"]


def real_arrays(low: float, high: float, max_side: int = 6) -> st.SearchStrategy[np.ndarray]:
    """Float64 arrays of 1 or 2 axes whose entries lie in [low, high]."""
    return arrays(
        np.float64,
        array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=max_side),
        elements=st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


@st.composite
def away_from_zero(draw, low: float, high: float) -> np.ndarray:
    """Float64 arrays whose entries have magnitudes in [low, high] and either sign."""
    magnitudes = draw(real_arrays(low, high))
    negative = draw(arrays(np.bool_, magnitudes.shape))
    return np.where(negative, -magnitudes, magnitudes)


def central_difference(function, z: np.ndarray, step_size: float = 1e-6) -> np.ndarray:
    """Elementwise derivative estimate ``(f(z + h) - f(z - h)) / 2h`` of an elementwise function."""
    return (function(z + step_size) - function(z - step_size)) / (2 * step_size)


@pytest.fixture
def random_scores() -> np.ndarray:
    """A seeded batch of scores spanning small and large magnitudes."""
    rng = np.random.default_rng(7)
    return np.concatenate([rng.normal(0, 3, size=(6, 5)), rng.normal(0, 300, size=(2, 5))])


# --- Registry -------------------------------------------------------------------------------------


def test_registry_holds_exactly_the_elementwise_activations():
    assert list(ACTIVATIONS) == ELEMENTWISE_NAMES
    for name, activation in ACTIVATIONS.items():
        assert isinstance(activation, Activation)
        assert activation.name == name
        assert get_activation(name) is activation
    assert get_activation("relu").function is activations.relu
    assert get_activation("relu").derivative is activations.relu_derivative


def test_get_activation_rejects_unknown_names_and_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'softsign'") as error:
        get_activation("softsign")
    for name in ELEMENTWISE_NAMES:
        assert repr(name) in str(error.value)
    with pytest.raises(TypeError, match="must be a string"):
        get_activation(3)


def test_activation_is_frozen():
    with pytest.raises(AttributeError):
        get_activation("tanh").name = "other"


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="expected real numbers"):
        sigmoid("large")
    with pytest.raises(ValueError, match="at least one axis"):
        softmax(2.0)


# --- Values against TensorFlow / Keras ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "keras_function"),
    [
        ("identity", keras.activations.linear),
        ("sigmoid", keras.activations.sigmoid),
        ("tanh", keras.activations.tanh),
        ("relu", keras.activations.relu),
        ("softplus", keras.activations.softplus),
    ],
)
def test_values_match_keras_activations(name, keras_function, random_scores):
    expected = keras.ops.convert_to_numpy(keras_function(tf.constant(random_scores)))
    np.testing.assert_allclose(get_activation(name).function(random_scores), expected, rtol=1e-12)


def test_step_is_the_heaviside_function_with_value_one_at_zero(random_scores):
    z = np.append(random_scores.ravel(), [0.0, -0.0, -1e-300, 1e-300])
    np.testing.assert_array_equal(step(z), np.heaviside(z, 1.0))


def test_softmax_matches_keras_on_every_row(random_scores):
    expected = keras.ops.convert_to_numpy(keras.activations.softmax(tf.constant(random_scores)))
    np.testing.assert_allclose(softmax(random_scores), expected, rtol=1e-12, atol=1e-300)


def test_softmax_axis_argument_normalizes_the_chosen_axis(random_scores):
    np.testing.assert_allclose(softmax(random_scores, axis=0), softmax(random_scores.T).T)


# --- Numerical stability --------------------------------------------------------------------------


def test_large_inputs_give_finite_correct_values_without_warnings():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        big = np.array([-1000.0, 1000.0])
        np.testing.assert_array_equal(sigmoid(big), [0.0, 1.0])
        np.testing.assert_array_equal(softplus(big), [0.0, 1000.0])
        np.testing.assert_allclose(softmax([1000.0, 1001.0]), softmax([0.0, 1.0]))
        np.testing.assert_allclose(softmax([1000.0, 1001.0]), [1 / (1 + np.e), np.e / (1 + np.e)])
        assert np.all(np.isfinite(activations.sigmoid_derivative(big)))
        assert np.all(np.isfinite(activations.tanh_derivative(big)))
        assert np.all(np.isfinite(softmax_jacobian([[-1000.0, 0.0, 1000.0]])))


def test_softplus_of_very_negative_input_keeps_relative_precision():
    z = np.array([-30.0, -100.0, -700.0])
    np.testing.assert_allclose(softplus(z), np.exp(z), rtol=1e-12)


# --- Properties -----------------------------------------------------------------------------------


@PROPERTY
@given(real_arrays(-50, 50))
def test_tanh_is_a_rescaled_sigmoid(z):
    np.testing.assert_allclose(tanh(z), 2 * sigmoid(2 * z) - 1, atol=1e-12)


@PROPERTY
@given(real_arrays(-800, 800))
def test_sigmoid_is_symmetric_about_one_half(z):
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


@PROPERTY
@given(real_arrays(-1e3, 1e3))
def test_softmax_rows_are_probability_distributions(z):
    probabilities = softmax(z)
    assert probabilities.shape == z.shape
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-12)


@PROPERTY
@given(real_arrays(-100, 100), st.floats(-1e4, 1e4))
def test_softmax_ignores_a_constant_added_to_every_score_of_a_row(z, constant):
    row_constants = constant * np.arange(1, z.size // z.shape[-1] + 1).reshape(*z.shape[:-1], 1)
    np.testing.assert_allclose(softmax(z + row_constants), softmax(z), atol=1e-9)


@PROPERTY
@given(away_from_zero(20.0, 1e6))
def test_softplus_is_close_to_relu_far_from_zero(z):
    np.testing.assert_allclose(softplus(z), activations.relu(z), rtol=0, atol=3e-9)


@PROPERTY
@given(away_from_zero(1e-9, 1e6))
def test_relu_derivative_is_the_step_function_away_from_zero(z):
    np.testing.assert_array_equal(relu_derivative(z), step(z))


@pytest.mark.parametrize("name", ELEMENTWISE_NAMES)
@PROPERTY
@given(z=away_from_zero(1e-3, 20.0))
def test_derivatives_match_central_differences_away_from_kinks(name, z):
    activation = get_activation(name)
    derivative = activation.derivative(z)
    assert derivative.shape == z.shape
    np.testing.assert_allclose(
        derivative, central_difference(activation.function, z), rtol=1e-5, atol=1e-8
    )


@PROPERTY
@given(real_arrays(-30, 30))
def test_softmax_jacobian_columns_match_central_differences(z):
    z = np.atleast_2d(z)
    jacobian = softmax_jacobian(z)
    step_size = 1e-6
    for j in range(z.shape[-1]):
        shift = np.zeros(z.shape[-1])
        shift[j] = step_size
        column = (softmax(z + shift) - softmax(z - shift)) / (2 * step_size)
        np.testing.assert_allclose(jacobian[:, :, j], column, atol=1e-8)


# --- Derivatives against TensorFlow's automatic differentiation -----------------------------------


@pytest.mark.parametrize(
    ("name", "tf_function"),
    [
        ("sigmoid", tf.sigmoid),
        ("tanh", tf.tanh),
        ("relu", tf.nn.relu),
        ("softplus", tf.nn.softplus),
    ],
)
def test_derivatives_match_tensorflow_autodiff(name, tf_function, random_scores):
    z = np.append(random_scores.ravel(), [0.0, 40.0, -40.0])
    variable = tf.Variable(z)
    with tf.GradientTape() as tape:
        # Each output depends on one input only, so the gradient of the sum is the derivative.
        total = tf.reduce_sum(tf_function(variable))
    expected = tape.gradient(total, variable).numpy()
    # 1 - tanh(z)**2 loses digits to cancellation near |tanh| = 1: allow absolute round-off.
    np.testing.assert_allclose(get_activation(name).derivative(z), expected, rtol=1e-10, atol=1e-15)


def test_softmax_jacobian_matches_tensorflow_batch_jacobian(random_scores):
    z = random_scores / 50
    variable = tf.Variable(z)
    with tf.GradientTape() as tape:
        probabilities = tf.nn.softmax(variable, axis=-1)
    expected = tape.batch_jacobian(probabilities, variable).numpy()
    jacobian = softmax_jacobian(z)
    assert jacobian.shape == (z.shape[0], z.shape[1], z.shape[1])
    np.testing.assert_allclose(jacobian, expected, atol=1e-14)


def test_softmax_jacobian_of_one_vector_is_a_square_matrix(random_scores):
    row = random_scores[0]
    np.testing.assert_allclose(softmax_jacobian(row), softmax_jacobian(row[np.newaxis])[0])
