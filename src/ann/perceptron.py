"""The perceptron and its learning rule (Equation 10-3).

A perceptron is one layer of threshold logic units (TLUs), each connected to every input. It learns
online: for each training instance in turn it predicts, and every output unit that got the instance
wrong moves its weights towards the right answer::

    w_ij <- w_ij + eta * (y_j - yhat_j) * x_i          (Equation 10-3)

and its bias likewise with ``x_i = 1``. When the classes are linearly separable this stops changing
after finitely many updates (the perceptron convergence theorem); otherwise, as for XOR, it never
settles.
"""

import warnings
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from sklearn.exceptions import ConvergenceWarning

from ann.tlu import dense_layer, heaviside

__all__ = ["ConvergenceWarning", "Perceptron", "perceptron_errors"]


def perceptron_errors(y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The factor ``y_j - yhat_j`` of Equation 10-3 for one instance, with ties counted as errors.

    An output whose weighted sum ``z_j`` is on the correct side of the boundary (``z_j > 0`` for
    target 1, ``z_j < 0`` for target 0) is right, and its error is 0. Otherwise the prediction is
    the wrong class, so ``y_j - yhat_j`` is ``+1`` for target 1 and ``-1`` for target 0. An
    instance exactly on the boundary (``z_j = 0``) counts as wrong whatever its target: training
    only accepts instances that are strictly on their side. This is scikit-learn's rule (it updates
    when ``t * z <= 0`` with ``t = 2 y - 1`` in {-1, +1}), which is what makes the learned weights
    equal to those of :class:`sklearn.linear_model.Perceptron`.

    Parameters
    ----------
    y : numpy.ndarray of shape (n_outputs,)
        Targets (0 or 1) of one instance.
    z : numpy.ndarray of shape (n_outputs,)
        Weighted sums of the output units for that instance.

    Returns
    -------
    numpy.ndarray of shape (n_outputs,)
        -1, 0 or +1 for each output unit.
    """
    signed_target = 2 * y - 1
    return np.where(signed_target * z > 0, 0, signed_target)


def _check_features(X: ArrayLike) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X must contain at least one sample")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must not contain NaN or infinity")
    return X


def _check_targets(y: ArrayLike, n_samples: int) -> np.ndarray:
    """Return the 0/1 targets as an int array of shape (n_samples,) or (n_samples, n_outputs)."""
    y = np.asarray(y)
    if y.ndim not in (1, 2):
        raise ValueError(
            f"y must have shape (n_samples,) or (n_samples, n_outputs), got shape {y.shape}"
        )
    if y.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} samples but y has {y.shape[0]}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(
            f"y must hold binary targets 0 and 1, got the values {np.unique(y).tolist()}"
        )
    return y.astype(int)


class Perceptron:
    """A layer of TLUs trained by the perceptron learning rule (Equation 10-3).

    Weights and biases start at zero. Each epoch visits every training instance once (in a fresh
    random order if ``shuffle``) and applies the update of Equation 10-3 right after each instance
    (online learning). Training stops after the first epoch without any error (``converged_`` is
    then True) or after ``max_epochs`` epochs, in which case a :class:`ConvergenceWarning` says so.

    Tie-breaking: during training, an instance whose weighted sum is exactly 0 counts as
    misclassified (see :func:`perceptron_errors`), so after convergence every training instance is
    strictly on its side of the boundary. With ``learning_rate=1``, ``shuffle=False`` and the same
    number of epochs, the weights equal those of scikit-learn's ``Perceptron(shuffle=False)`` (and
    so of ``SGDClassifier(loss="perceptron", learning_rate="constant", eta0=1, penalty=None)``).
    Predictions use the Heaviside step of Equation 10-1, which outputs 1 at ``z = 0`` (scikit-learn
    predicts the negative class there); the two differ only for points exactly on the boundary.

    Parameters
    ----------
    learning_rate : float, default 1.0
        The step size eta of Equation 10-3 (> 0).
    max_epochs : int, default 1000
        Maximum number of passes over the training set (>= 1).
    shuffle : bool, default True
        Whether to visit the instances in a new random order at each epoch.
    random_state : int, numpy.random.Generator or None, default None
        Seed of the shuffling.

    Attributes
    ----------
    coef_ : numpy.ndarray of shape (n_outputs, n_features)
        Connection weights, one row per output unit (as in scikit-learn; the ``W`` of
        Equation 10-2 is ``coef_.T``).
    intercept_ : numpy.ndarray of shape (n_outputs,)
        Bias of each output unit.
    converged_ : bool
        Whether the last epoch made no error.
    n_epochs_ : int
        Number of epochs run.
    errors_per_epoch_ : list of int
        Number of updates in each epoch (one per output unit that erred on an instance).
    """

    def __init__(
        self,
        learning_rate: float = 1.0,
        max_epochs: int = 1000,
        shuffle: bool = True,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
            raise TypeError(f"learning_rate must be a number, got {learning_rate!r}")
        if not learning_rate > 0 or not np.isfinite(learning_rate):
            raise ValueError(f"learning_rate must be a positive number, got {learning_rate}")
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, Integral):
            raise TypeError(f"max_epochs must be an int, got {max_epochs!r}")
        if max_epochs < 1:
            raise ValueError(f"max_epochs must be at least 1, got {max_epochs}")
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.random_state = random_state

    def fit(self, X: ArrayLike, y: ArrayLike) -> "Perceptron":
        """Learn the weights with the perceptron rule.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Binary targets (0 or 1); a 2-D ``y`` trains one TLU per column.

        Returns
        -------
        Perceptron
            The fitted estimator.
        """
        X = _check_features(X)
        y = _check_targets(y, X.shape[0])
        Y = y.reshape(len(y), -1)
        rng = np.random.default_rng(self.random_state)
        weights = np.zeros((X.shape[1], Y.shape[1]))
        biases = np.zeros(Y.shape[1])
        self.errors_per_epoch_: list[int] = []
        self.converged_ = False
        while not self.converged_ and len(self.errors_per_epoch_) < self.max_epochs:
            order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            n_errors = self._train_one_epoch(X[order], Y[order], weights, biases)
            self.errors_per_epoch_.append(n_errors)
            self.converged_ = n_errors == 0
        self.n_epochs_ = len(self.errors_per_epoch_)
        self.coef_ = weights.T
        self.intercept_ = biases
        self.n_features_in_ = X.shape[1]
        self._single_output = y.ndim == 1
        if not self.converged_:
            warnings.warn(
                f"Perceptron did not converge in max_epochs={self.max_epochs} epochs "
                f"({self.errors_per_epoch_[-1]} errors in the last one): the training data may "
                "not be linearly separable (as with XOR), or it needs more epochs.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _train_one_epoch(
        self, X: np.ndarray, Y: np.ndarray, weights: np.ndarray, biases: np.ndarray
    ) -> int:
        """One pass of Equation 10-3 over the instances in the given order; return the update count.

        ``weights`` and ``biases`` are updated in place, right after each misclassified instance.
        """
        n_errors = 0
        for x, y in zip(X, Y, strict=True):
            errors = perceptron_errors(y, x @ weights + biases)
            if errors.any():
                weights += self.learning_rate * np.outer(x, errors)
                biases += self.learning_rate * errors
                n_errors += int(np.count_nonzero(errors))
        return n_errors

    def _layer_output(self, X: ArrayLike, activation: Callable) -> np.ndarray:
        """``activation(X W + b)`` for the fitted layer (Equation 10-2), shaped like the targets."""
        if not hasattr(self, "coef_"):
            raise RuntimeError("this Perceptron is not fitted yet: call fit(X, y) first")
        X = _check_features(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but the perceptron was fitted with "
                f"{self.n_features_in_}"
            )
        outputs = dense_layer(X, self.coef_.T, self.intercept_, activation=activation)
        return outputs[:, 0] if self._single_output else outputs

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Weighted sums ``z = X W + b`` of the output units, shaped like the targets."""
        return self._layer_output(X, activation=np.asarray)  # identity activation

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted 0/1 targets: ``heaviside(X W + b)`` (Equations 10-1 and 10-2).

        Returns
        -------
        numpy.ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Shaped like the ``y`` given to :meth:`fit`.
        """
        return self._layer_output(X, activation=heaviside)

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of instances whose outputs are all predicted right."""
        predictions = self.predict(X)
        y = _check_targets(y, len(predictions))
        if y.shape != predictions.shape:
            raise ValueError(f"y has shape {y.shape}, expected {predictions.shape}")
        correct = predictions == y
        return float(np.mean(correct if correct.ndim == 1 else correct.all(axis=1)))
