"""Tests of ann.perceptron: the perceptron rule (Equation 10-3), checked against scikit-learn."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_iris

from ann.perceptron import ConvergenceWarning, Perceptron, perceptron_errors
from ann.xor import xor_data

# A generous bound: separable problems converge, but the worst case may take many epochs.
MANY_EPOCHS = 5000


@st.composite
def separable_data(draw, max_outputs=1):
    """Integer features and 0/1 targets given by random hyperplanes that no sample lies on.

    Integer data keep every weighted sum exact (the weights stay integers), so comparisons with
    scikit-learn do not depend on rounding, and sums of exactly 0, where tie-breaking matters,
    are frequent.
    """
    n_samples = draw(st.integers(2, 20))
    n_features = draw(st.integers(1, 3))
    n_outputs = draw(st.integers(1, max_outputs))
    X = draw(arrays(float, (n_samples, n_features), elements=st.integers(-4, 4)))
    true_weights = draw(arrays(float, (n_features, n_outputs), elements=st.integers(-3, 3)))
    true_biases = draw(arrays(float, n_outputs, elements=st.integers(-3, 3))) + 0.5
    Y = (X @ true_weights + true_biases > 0).astype(int)
    return X, (Y[:, 0] if max_outputs == 1 else Y)


def sklearn_perceptron(n_epochs: int) -> sklearn.linear_model.Perceptron:
    """scikit-learn's Perceptron running exactly ``n_epochs`` epochs in the given sample order."""
    return sklearn.linear_model.Perceptron(shuffle=False, tol=None, max_iter=n_epochs)


def iris_petals_setosa():
    iris = load_iris()
    return iris.data[:, 2:4], (iris.target == 0).astype(int)


# ----------------------------------------------------------------------------------------------
# The update rule and its tie-breaking


def test_errors_are_zero_only_strictly_on_the_correct_side():
    y = np.array([1, 1, 1, 0, 0, 0])
    z = np.array([2.0, 0.0, -2.0, 2.0, 0.0, -2.0])
    np.testing.assert_array_equal(perceptron_errors(y, z), [0, 1, 1, -1, -1, 0])


@pytest.mark.parametrize("target", [0, 1])
def test_an_instance_on_the_boundary_triggers_an_update(target):
    # Weights start at 0, so the first sum is exactly 0: the instance counts as misclassified and
    # moves the weights by (2 * target - 1) * x, then the next epoch finds it on its side.
    model = Perceptron(shuffle=False).fit([[3.0]], [target])
    sign = 2 * target - 1
    np.testing.assert_array_equal(model.coef_, [[sign * 3.0]])
    np.testing.assert_array_equal(model.intercept_, [sign * 1.0])
    assert model.errors_per_epoch_ == [1, 0]
    assert model.converged_


@given(separable_data(), st.sampled_from([0.25, 0.5, 2.0, 4.0]))
@settings(deadline=None, max_examples=40)
def test_learning_rate_scales_the_weights_when_starting_from_zero(data, learning_rate):
    # From zero weights the updates are eta times those of eta = 1, and so is every weighted sum,
    # which keeps all decisions equal (powers of two keep the arithmetic exact).
    X, y = data
    reference = Perceptron(max_epochs=MANY_EPOCHS, random_state=0).fit(X, y)
    scaled = Perceptron(learning_rate, max_epochs=MANY_EPOCHS, random_state=0).fit(X, y)
    np.testing.assert_array_equal(scaled.coef_, learning_rate * reference.coef_)
    np.testing.assert_array_equal(scaled.intercept_, learning_rate * reference.intercept_)
    assert scaled.errors_per_epoch_ == reference.errors_per_epoch_


# ----------------------------------------------------------------------------------------------
# Convergence


@given(separable_data(), st.booleans(), st.integers(0, 2**32 - 1))
@settings(deadline=None, max_examples=60)
def test_converges_on_linearly_separable_data(data, shuffle, seed):
    X, y = data
    model = Perceptron(max_epochs=MANY_EPOCHS, shuffle=shuffle, random_state=seed).fit(X, y)
    assert model.converged_
    assert model.errors_per_epoch_[-1] == 0
    assert all(errors > 0 for errors in model.errors_per_epoch_[:-1])
    assert model.n_epochs_ == len(model.errors_per_epoch_)
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.score(X, y) == 1.0
    # After convergence no training instance lies on the boundary.
    assert np.all((2 * y - 1) * model.decision_function(X) > 0)


def test_does_not_converge_on_xor_and_warns():
    X, y = xor_data()
    model = Perceptron(max_epochs=25, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"did not converge in max_epochs=25.*linearly"):
        model.fit(X, y)
    assert not model.converged_
    assert model.n_epochs_ == 25
    assert min(model.errors_per_epoch_) > 0
    assert model.score(X, y) < 1.0


def test_no_warning_when_converged():
    X, y = iris_petals_setosa()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = Perceptron(random_state=42).fit(X, y)
    assert model.converged_


def test_same_seed_same_model_and_shuffling_changes_the_path():
    X, y = iris_petals_setosa()
    first = Perceptron(random_state=7).fit(X, y)
    second = Perceptron(random_state=7).fit(X, y)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    assert first.errors_per_epoch_ == second.errors_per_epoch_
    in_order = Perceptron(shuffle=False).fit(X, y)
    assert (in_order.errors_per_epoch_, in_order.coef_.tolist()) != (
        first.errors_per_epoch_,
        first.coef_.tolist(),
    )


# ----------------------------------------------------------------------------------------------
# Agreement with scikit-learn


def test_matches_sklearn_on_iris_setosa_from_petal_length_and_width():
    X, y = iris_petals_setosa()
    ours = Perceptron(learning_rate=1.0, shuffle=False).fit(X, y)
    theirs = sklearn_perceptron(ours.n_epochs_).fit(X, y)
    assert ours.converged_
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == theirs.score(X, y) == 1.0


@given(separable_data())
@settings(deadline=None, max_examples=60)
def test_matches_sklearn_on_random_separable_data(data):
    X, y = data
    assume(0 < y.sum() < len(y))  # scikit-learn needs both classes
    ours = Perceptron(max_epochs=MANY_EPOCHS, shuffle=False).fit(X, y)
    # Extra epochs change nothing once an epoch makes no update.
    theirs = sklearn_perceptron(ours.n_epochs_ + 2).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)


def test_one_tlu_per_output_matches_sklearn_one_vs_rest_on_iris():
    # Versicolor is not linearly separable from the rest: all 15 epochs run for both models.
    iris = load_iris()
    one_hot = (iris.target[:, None] == np.arange(3)).astype(int)
    with pytest.warns(ConvergenceWarning):
        ours = Perceptron(max_epochs=15, shuffle=False).fit(iris.data, one_hot)
    theirs = sklearn_perceptron(15).fit(iris.data, iris.target)
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    assert ours.predict(iris.data).shape == (150, 3)


@pytest.mark.parametrize("shuffle", [False, True])
def test_sklearn_perceptron_is_sgd_with_the_perceptron_loss(shuffle):
    iris = load_iris()
    settings_ = {"shuffle": shuffle, "random_state": 42, "max_iter": 1000, "tol": 1e-3}
    perceptron = sklearn.linear_model.Perceptron(**settings_).fit(iris.data, iris.target)
    sgd = sklearn.linear_model.SGDClassifier(
        loss="perceptron", learning_rate="constant", eta0=1, penalty=None, **settings_
    ).fit(iris.data, iris.target)
    np.testing.assert_array_equal(perceptron.coef_, sgd.coef_)
    np.testing.assert_array_equal(perceptron.intercept_, sgd.intercept_)


def test_matches_sgd_classifier_with_the_perceptron_loss():
    X, y = iris_petals_setosa()
    ours = Perceptron(shuffle=False).fit(X, y)
    sgd = sklearn.linear_model.SGDClassifier(
        loss="perceptron", learning_rate="constant", eta0=1, penalty=None,
        shuffle=False, tol=None, max_iter=ours.n_epochs_,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_array_equal(ours.coef_, sgd.coef_)
    np.testing.assert_array_equal(ours.intercept_, sgd.intercept_)


# ----------------------------------------------------------------------------------------------
# Several outputs


@given(separable_data(max_outputs=3), st.integers(0, 2**32 - 1))
@settings(deadline=None, max_examples=40)
def test_each_output_learns_as_its_own_perceptron(data, seed):
    X, Y = data
    layer = Perceptron(max_epochs=MANY_EPOCHS, random_state=seed).fit(X, Y)
    assert layer.coef_.shape == (Y.shape[1], X.shape[1])
    assert layer.predict(X).shape == Y.shape
    for j in range(Y.shape[1]):
        alone = Perceptron(max_epochs=MANY_EPOCHS, random_state=seed).fit(X, Y[:, j])
        np.testing.assert_array_equal(layer.coef_[j], alone.coef_[0])
        np.testing.assert_array_equal(layer.intercept_[j], alone.intercept_[0])
    assert layer.score(X, Y) == 1.0


def test_score_counts_an_instance_right_only_if_all_its_outputs_are():
    X, _ = xor_data()
    Y = np.column_stack([X[:, 0] | X[:, 1], X[:, 0] & X[:, 1]])  # OR and AND: separable
    model = Perceptron(random_state=0).fit(X, Y)
    assert model.score(X, Y) == 1.0
    wrong_in_one_column = Y.copy()
    wrong_in_one_column[0, 1] = 1 - wrong_in_one_column[0, 1]
    assert model.score(X, wrong_in_one_column) == 0.75


# ----------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a positive number"),
        ({"learning_rate": "1"}, TypeError, "learning_rate must be a number"),
        ({"max_epochs": 0}, ValueError, "max_epochs must be at least 1"),
        ({"max_epochs": 2.5}, TypeError, "max_epochs must be an int"),
        ({"shuffle": "yes"}, TypeError, "shuffle must be True or False"),
    ],
)
def test_rejects_bad_hyperparameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        Perceptron(**kwargs)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([1.0, 2.0], [0, 1], r"X must be a 2-D array"),
        ([[1.0], [2.0]], [0, 2], r"binary targets 0 and 1, got the values \[0, 2\]"),
        ([[1.0], [2.0]], [0, 1, 1], "X has 2 samples but y has 3"),
        ([[1.0], [np.nan]], [0, 1], "NaN"),
        (np.empty((0, 2)), [], "at least one sample"),
        ([[1.0], [2.0]], [[[0]], [[1]]], r"y must have shape"),
    ],
)
def test_fit_rejects_bad_data(X, y, message):
    with pytest.raises(ValueError, match=message):
        Perceptron().fit(X, y)


def test_predict_requires_a_fitted_model_with_the_same_features():
    X, y = iris_petals_setosa()
    with pytest.raises(RuntimeError, match="not fitted yet"):
        Perceptron().predict(X)
    model = Perceptron(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but the perceptron was fitted with 2"):
        model.predict(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"y has shape \(150, 1\), expected \(150,\)"):
        model.score(X, y[:, None])
