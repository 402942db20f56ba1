"""Tests of ann.xor: the two-layer step network of Figure 10-6, and why one TLU is not enough."""

import numpy as np
import pytest
import sklearn.linear_model
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ann.perceptron import ConvergenceWarning, Perceptron
from ann.tlu import tlu
from ann.xor import (
    FIGURE_10_6,
    XORTableRow,
    XORWeights,
    hidden_layer_output,
    verify_xor_network,
    xor_data,
    xor_network_output,
)

# Multiples of 0.5 keep every weighted sum of 0/1 inputs exact, and make sums of exactly 0 common.
half_steps = st.integers(-6, 6).map(lambda k: k / 2)


def step(z: float) -> int:
    return 1 if z >= 0 else 0


def reference_output(weights: XORWeights, x1: int, x2: int) -> int:
    """The network's output computed neuron by neuron, without matrices."""
    W, b = weights.hidden_weights, weights.hidden_biases
    h = [step(x1 * W[0, j] + x2 * W[1, j] + b[j]) for j in range(2)]
    V, c = weights.output_weights, weights.output_bias
    return step(h[0] * V[0, 0] + h[1] * V[1, 0] + c[0])


def test_xor_data_is_the_xor_truth_table():
    X, y = xor_data()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [int(a != b) for a, b in X.tolist()]


def test_figure_10_6_weights():
    np.testing.assert_array_equal(FIGURE_10_6.hidden_weights, np.ones((2, 2)))
    np.testing.assert_array_equal(FIGURE_10_6.hidden_biases, [-0.5, -1.5])
    np.testing.assert_array_equal(FIGURE_10_6.output_weights, [[1.0], [-1.0]])
    np.testing.assert_array_equal(FIGURE_10_6.output_bias, [-0.5])


def test_hidden_units_compute_or_and_and():
    X, _ = xor_data()
    hidden = hidden_layer_output(X)
    np.testing.assert_array_equal(hidden[:, 0], X[:, 0] | X[:, 1])
    np.testing.assert_array_equal(hidden[:, 1], X[:, 0] & X[:, 1])


def test_network_outputs_xor_on_all_four_inputs():
    X, y = xor_data()
    np.testing.assert_array_equal(xor_network_output(X), y)
    for (x1, x2), target in zip(X, y, strict=True):
        assert xor_network_output([[x1, x2]])[0] == target == reference_output(FIGURE_10_6, x1, x2)


def test_verify_prints_and_returns_the_truth_table(capsys):
    rows = verify_xor_network()
    X, y = xor_data()
    hidden = hidden_layer_output(X)
    assert rows == [
        XORTableRow(x1, x2, h1, h2, target)
        for (x1, x2), (h1, h2), target in zip(X, hidden, y, strict=True)
    ]
    printed = capsys.readouterr().out.splitlines()
    assert "x1 XOR x2" in printed[0]
    assert len(printed) == 5
    assert all(
        line.split()[:2] == [str(row.x1), str(row.x2)]
        for line, row in zip(printed[1:], rows, strict=True)
    )
    assert "wrong" not in "".join(printed)


def changed(weights: XORWeights, name: str, index: tuple[int, ...], value: float) -> XORWeights:
    """Copy of ``weights`` with one entry of one parameter set to ``value``."""
    parameters = {
        "hidden_weights": weights.hidden_weights.copy(),
        "hidden_biases": weights.hidden_biases.copy(),
        "output_weights": weights.output_weights.copy(),
        "output_bias": weights.output_bias.copy(),
    }
    parameters[name][index] = value
    return XORWeights(**parameters)


@pytest.mark.parametrize(
    ("name", "index", "value", "wrong_input"),
    [
        ("output_weights", (1, 0), 1.0, r"\(1, 1\) gives 1 instead of 0"),  # AND no longer inhibits
        ("hidden_biases", (0,), 0.5, r"\(0, 0\) gives 1 instead of 0"),  # OR unit always on
        ("hidden_biases", (1,), -0.5, r"\(0, 1\) gives 0 instead of 1"),  # AND unit becomes OR
        ("hidden_weights", (0, 0), -1.0, r"\(1, 0\) gives 0 instead of 1"),  # x1 cut from OR
    ],
)
def test_verify_fails_loudly_when_a_weight_is_changed(capsys, name, index, value, wrong_input):
    broken = changed(FIGURE_10_6, name, index, value)
    with pytest.raises(ValueError, match="does not compute x1 XOR x2: .*" + wrong_input):
        verify_xor_network(broken)
    assert "<- wrong" in capsys.readouterr().out


@given(
    arrays(float, (2, 2), elements=half_steps),
    arrays(float, 2, elements=half_steps),
    arrays(float, (2, 1), elements=half_steps),
    arrays(float, 1, elements=half_steps),
)
def test_verify_accepts_exactly_the_weights_that_compute_xor(hidden_w, hidden_b, out_w, out_b):
    weights = XORWeights(hidden_w, hidden_b, out_w, out_b)
    X, y = xor_data()
    computes_xor = all(
        reference_output(weights, x1, x2) == target for (x1, x2), target in zip(X, y, strict=True)
    )
    if computes_xor:
        assert len(verify_xor_network(weights)) == 4
    else:
        with pytest.raises(ValueError, match="does not compute x1 XOR x2"):
            verify_xor_network(weights)


@given(st.floats(0.01, 100), st.floats(0.01, 100), st.floats(0.01, 100), st.floats(-100, -0.01))
def test_scaling_each_unit_keeps_xor_only_when_the_factor_is_positive(
    or_scale, and_scale, output_scale, negative_scale
):
    # A step unit's output does not change when its weights and bias are multiplied by c > 0.
    hidden_scales = np.array([or_scale, and_scale])
    scaled = XORWeights(
        FIGURE_10_6.hidden_weights * hidden_scales,
        FIGURE_10_6.hidden_biases * hidden_scales,
        FIGURE_10_6.output_weights * output_scale,
        FIGURE_10_6.output_bias * output_scale,
    )
    assert [row.output for row in verify_xor_network(scaled)] == xor_data()[1].tolist()
    flipped = XORWeights(
        FIGURE_10_6.hidden_weights,
        FIGURE_10_6.hidden_biases,
        FIGURE_10_6.output_weights * negative_scale,
        FIGURE_10_6.output_bias * negative_scale,
    )
    with pytest.raises(ValueError, match="does not compute x1 XOR x2"):
        verify_xor_network(flipped)


def test_weights_are_read_only_and_validated():
    with pytest.raises(ValueError, match="read-only"):
        FIGURE_10_6.hidden_weights[0, 0] = 5.0
    with pytest.raises(ValueError, match=r"output_weights must have shape \(2, 1\), got \(2,\)"):
        XORWeights(np.ones((2, 2)), np.ones(2), np.ones(2), np.ones(1))
    with pytest.raises(ValueError, match="hidden_biases must hold finite numbers"):
        XORWeights(np.ones((2, 2)), [np.nan, 0.0], np.ones((2, 1)), np.ones(1))


# ----------------------------------------------------------------------------------------------
# A single TLU cannot compute XOR; the two-layer network can


@given(st.floats(-100, 100), st.floats(-100, 100), st.floats(-100, 100))
def test_no_single_tlu_computes_xor(w1, w2, b):
    X, y = xor_data()
    assert not np.array_equal(tlu(X, [w1, w2], b), y)


def test_perceptron_cannot_fit_xor_but_the_two_layer_network_does():
    X, y = xor_data()
    with pytest.warns(ConvergenceWarning, match="not be linearly separable"):
        single_layer = Perceptron(max_epochs=50, random_state=0).fit(X, y)
    assert not single_layer.converged_
    assert single_layer.score(X, y) < 1.0
    sklearn_model = sklearn.linear_model.Perceptron(max_iter=50, tol=None, random_state=0)
    assert sklearn_model.fit(X, y).score(X, y) < 1.0
    assert np.mean(xor_network_output(X) == y) == 1.0
