"""Tests of ann.tlu: step functions (Equation 10-1), TLUs and dense layers (Equation 10-2)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from ann.tlu import dense_layer, heaviside, sign, tlu

finite_floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
small_ints = st.integers(min_value=-5, max_value=5)


@given(arrays(float, array_shapes(min_dims=0, max_dims=3), elements=finite_floats), finite_floats)
def test_heaviside_matches_numpy_heaviside(z, threshold):
    # numpy's second argument is the value at the step itself: Equation 10-1 gives 1 there.
    expected = np.heaviside(z - threshold, 1.0)
    result = heaviside(z, threshold)
    assert result.shape == z.shape
    assert np.issubdtype(result.dtype, np.integer)
    np.testing.assert_array_equal(result, expected)


@given(arrays(float, array_shapes(min_dims=0, max_dims=3), elements=finite_floats), finite_floats)
def test_sign_matches_numpy_sign(z, threshold):
    expected = np.sign(z - threshold)
    result = sign(z, threshold)
    assert result.shape == z.shape
    np.testing.assert_array_equal(result, expected)


def test_step_functions_at_and_around_the_threshold():
    z = [-2.0, -1e-12, 0.0, 1e-12, 2.0]
    np.testing.assert_array_equal(heaviside(z), [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(sign(z), [-1, -1, 0, 1, 1])
    np.testing.assert_array_equal(heaviside(z, threshold=2.0), [0, 0, 0, 0, 1])
    np.testing.assert_array_equal(sign(z, threshold=-2.0), [0, 1, 1, 1, 1])


@pytest.mark.parametrize("step", [heaviside, sign])
@pytest.mark.parametrize("bad", [[1.0, np.nan], [np.inf]])
def test_step_functions_reject_non_finite_values(step, bad):
    with pytest.raises(ValueError, match="finite"):
        step(bad)


@pytest.mark.parametrize("step", [heaviside, sign])
def test_step_functions_reject_non_numbers_and_array_thresholds(step):
    with pytest.raises(TypeError, match="real numbers"):
        step(["a", "b"])
    with pytest.raises(TypeError, match="single number"):
        step([0.0, 1.0], threshold=[0.0, 1.0])


layer_sizes = st.tuples(
    st.integers(1, 6), st.integers(1, 4), st.integers(1, 3)
)  # (n_instances, n_inputs, n_units)


@st.composite
def integer_layers(draw):
    """X, W, b with small integer entries, so every weighted sum is computed exactly."""
    n, d, k = draw(layer_sizes)
    X = draw(arrays(float, (n, d), elements=small_ints))
    W = draw(arrays(float, (d, k), elements=small_ints))
    b = draw(arrays(float, (k,), elements=small_ints))
    return X, W, b


@given(integer_layers())
def test_dense_layer_equals_a_loop_over_instances_and_units(layer):
    X, W, b = layer
    n, d = X.shape
    k = W.shape[1]
    expected = np.empty((n, k))
    for i in range(n):
        for j in range(k):
            z = sum(X[i, m] * W[m, j] for m in range(d)) + b[j]
            expected[i, j] = 1 if z >= 0 else 0
    np.testing.assert_array_equal(dense_layer(X, W, b), expected)


@given(integer_layers())
def test_dense_layer_applies_the_given_activation_to_xw_plus_b(layer):
    X, W, b = layer
    np.testing.assert_array_equal(dense_layer(X, W, b, activation=np.asarray), X @ W + b)
    np.testing.assert_array_equal(dense_layer(X, W, b, activation=sign), np.sign(X @ W + b))


@given(integer_layers())
def test_each_unit_of_a_layer_is_a_tlu(layer):
    X, W, b = layer
    outputs = dense_layer(X, W, b)
    for j in range(W.shape[1]):
        np.testing.assert_array_equal(tlu(X, W[:, j], b[j]), outputs[:, j])
        assert tlu(X[0], W[:, j], b[j]) == outputs[0, j]


def test_tlu_on_one_instance_returns_a_scalar():
    # Weighted sum 0.5 * 2 + 1 * (-1) - 0.5 = -0.5, below the threshold 0.
    assert tlu([2.0, -1.0], [0.5, 1.0], b=-0.5) == 0
    assert tlu([2.0, -1.0], [0.5, 1.0], b=0.0) == 1
    assert np.ndim(tlu([2.0, -1.0], [0.5, 1.0])) == 0
    assert tlu([2.0, -1.0], [0.5, 1.0], b=-0.5, activation=sign) == -1


@pytest.mark.parametrize(
    ("X", "W", "b", "message"),
    [
        (np.ones(3), np.ones((3, 2)), np.ones(2), r"X must be a 2-D array .*x.reshape\(1, -1\)"),
        (np.ones((4, 3)), np.ones(3), np.ones(2), r"W must be a 2-D array"),
        (np.ones((4, 3)), np.ones((3, 2)), np.ones((1, 2)), r"b must be a 1-D array"),
        (np.ones((4, 3)), np.ones((2, 2)), np.ones(2), r"X has 3 columns but W has 2 rows"),
        (np.ones((4, 3)), np.ones((3, 2)), np.ones(3), r"b has 3 entries but W has 2 columns"),
    ],
)
def test_dense_layer_explains_shape_errors(X, W, b, message):
    with pytest.raises(ValueError, match=message):
        dense_layer(X, W, b)


def test_dense_layer_rejects_a_non_callable_activation():
    with pytest.raises(TypeError, match="activation must be a function"):
        dense_layer(np.ones((1, 1)), np.ones((1, 1)), np.ones(1), activation="relu")


def test_tlu_explains_shape_errors():
    with pytest.raises(ValueError, match="w must be a 1-D array"):
        tlu([1.0, 2.0], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="x must be one instance"):
        tlu(np.ones((2, 2, 2)), [1.0, 2.0])
    with pytest.raises(ValueError, match="X has 3 columns but W has 2 rows"):
        tlu([1.0, 2.0, 3.0], [1.0, 2.0])
