"""Loss functions and their gradients, computed exactly as Keras computes them.

Each loss ``f(y_true, y_pred)`` returns one number: the loss of every sample, averaged over the
batch (Keras's default ``"sum_over_batch_size"`` reduction). Its companion
``f_gradient(y_true, y_pred)`` returns the gradient of that number with respect to ``y_pred``, an
array shaped like ``y_pred``; this is where backpropagation starts.

Shapes and reductions
---------------------
- Regression losses (MSE, MAE, Huber) and binary cross-entropy compare ``y_true`` and ``y_pred``
  elementwise. Keras averages over the last axis and then over the batch, which is the mean over
  all elements, so each gradient is the elementwise derivative divided by ``y_pred.size``. The two
  arrays must have the same shape, except that one may carry an extra trailing axis of size 1
  (targets of shape ``(n,)`` against predictions of shape ``(n, 1)``), as Keras allows.
- Categorical cross-entropy takes one row of class probabilities per sample (last axis = classes)
  and one-hot targets of the same shape; it sums over the classes and averages over the samples.
- Sparse categorical cross-entropy takes the same predictions but integer class labels, shaped
  like ``y_pred`` without its last axis (or with a last axis of size 1).

Like Keras, cross-entropies on probabilities clip them to ``[EPSILON, 1 - EPSILON]`` before taking
logarithms, so a confident wrong prediction costs about ``-log(1e-7) = 16.1`` instead of infinity.
Where a probability is clipped, the loss no longer depends on it and its gradient is 0. With
``from_logits=True`` they take raw scores instead and apply the sigmoid or softmax themselves, in a
numerically stable way.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ann._registry import lookup
from ann.activations import log_softmax, sigmoid, softmax, softplus

FloatArray = NDArray[np.float64]

EPSILON = 1e-7
"""Fuzz factor used to clip probabilities, the value of ``keras.backend.epsilon()``."""


# --- Input validation -----------------------------------------------------------------------------


def _as_finite_array(values: ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a non-empty float64 array with at least one axis and finite entries."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of real numbers, got {values!r}") from error
    if array.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (a batch), got a scalar")
    if array.size == 0:
        raise ValueError(f"{name} is empty; a loss needs at least one value")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_probabilities(array: FloatArray, name: str) -> None:
    """Raise a ValueError unless every entry of ``array`` lies in ``[0, 1]``."""
    if np.any(array < 0.0) or np.any(array > 1.0):
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values from {array.min()} to "
            f"{array.max()} (pass from_logits=True for raw scores)"
        )


def _same_shape_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Validate targets and predictions of the same shape; return ``y_true`` shaped like ``y_pred``.

    As in Keras, the shapes may differ by one trailing axis of size 1, e.g. ``(n,)`` and ``(n, 1)``.
    """
    y_true = _as_finite_array(y_true, "y_true")
    y_pred = _as_finite_array(y_pred, "y_pred")
    if y_true.shape == y_pred.shape:
        return y_true, y_pred
    if y_true.shape + (1,) == y_pred.shape or y_true.shape == y_pred.shape + (1,):
        return y_true.reshape(y_pred.shape), y_pred
    raise ValueError(
        "y_true and y_pred must have the same shape (up to a trailing axis of size 1), got "
        f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}"
    )


def _probability_pair(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool
) -> tuple[FloatArray, FloatArray]:
    """Validate targets in [0, 1] and predictions that are probabilities unless ``from_logits``."""
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    _check_probabilities(y_true, "y_true")
    if not from_logits:
        _check_probabilities(y_pred, "y_pred")
    return y_true, y_pred


def _categorical_pair(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool
) -> tuple[FloatArray, FloatArray]:
    """Validate one-hot (or soft) targets and per-sample class probabilities of the same shape."""
    y_true = _as_finite_array(y_true, "y_true")
    y_pred = _as_finite_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true (one-hot targets) and y_pred must have the same shape (n_samples, n_classes), "
            f"got y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}"
        )
    _check_probabilities(y_true, "y_true")
    if not from_logits:
        _check_probabilities(y_pred, "y_pred")
        if np.any(np.sum(y_pred, axis=-1) == 0.0):
            raise ValueError("every row of y_pred must have a positive sum, found a row of zeros")
    return y_true, y_pred


def _one_hot_labels(y_true: ArrayLike, y_pred: FloatArray) -> FloatArray:
    """Validate integer class labels for ``y_pred`` and return them one-hot encoded like it."""
    labels = np.asarray(y_true)
    if labels.dtype.kind not in "iuf":
        raise TypeError(f"y_true must hold integer class labels, got dtype {labels.dtype}")
    n_classes = y_pred.shape[-1]
    if labels.shape == y_pred.shape[:-1] + (1,):
        labels = labels.reshape(y_pred.shape[:-1])
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(
            "y_true must hold one class label per row of y_pred, with shape "
            f"{y_pred.shape[:-1]}, got y_true.shape={labels.shape}"
        )
    if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
        raise ValueError("y_true must hold whole-number class labels")
    if np.any(labels < 0) or np.any(labels >= n_classes):
        raise ValueError(
            f"class labels must lie in [0, {n_classes - 1}] for {n_classes} classes, got "
            f"labels from {labels.min()} to {labels.max()}"
        )
    return np.eye(n_classes)[labels.astype(np.int64)]


# --- Shared pieces --------------------------------------------------------------------------------


def _clip_probabilities(probabilities: FloatArray) -> FloatArray:
    """Clip probabilities to ``[EPSILON, 1 - EPSILON]`` as Keras does before a logarithm."""
    return np.clip(probabilities, EPSILON, 1.0 - EPSILON)


def _inside_clip_range(probabilities: FloatArray) -> NDArray[np.bool_]:
    """Where clipping leaves a probability unchanged, so that the gradient flows through it."""
    return (probabilities >= EPSILON) & (probabilities <= 1.0 - EPSILON)


def _n_samples(y_pred: FloatArray) -> int:
    """Number of samples in a batch of class scores (every axis but the last one)."""
    return y_pred.size // y_pred.shape[-1]


# --- Regression losses ----------------------------------------------------------------------------


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean squared error, ``MSE = mean((y_pred - y_true)**2)``."""
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    return float(np.mean(np.square(y_pred - y_true)))


def mean_squared_error_gradient(y_true: ArrayLike, y_pred: ArrayLike) -> FloatArray:
    """Gradient of the MSE with respect to ``y_pred``: ``2 * (y_pred - y_true) / y_pred.size``."""
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.size


def mean_absolute_error(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error, ``MAE = mean(|y_pred - y_true|)``; less sensitive to outliers."""
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    return float(np.mean(np.abs(y_pred - y_true)))


def mean_absolute_error_gradient(y_true: ArrayLike, y_pred: ArrayLike) -> FloatArray:
    """Gradient of the MAE: ``sign(y_pred - y_true) / y_pred.size`` (0 where the error is 0)."""
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    return np.sign(y_pred - y_true) / y_pred.size


def _check_delta(delta: float) -> None:
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"the Huber threshold delta must be a positive number, got {delta!r}")


def huber(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> float:
    """Huber loss: quadratic for small errors, linear for large ones.

    With ``e = y_pred - y_true``, each element costs ``e**2 / 2`` if ``|e| <= delta`` and
    ``delta * (|e| - delta / 2)`` otherwise; the two pieces meet with the same slope at
    ``|e| = delta``. The result is the mean over all elements.
    """
    _check_delta(delta)
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    error = y_pred - y_true
    absolute_error = np.abs(error)
    per_element = np.where(
        absolute_error <= delta, 0.5 * np.square(error), delta * (absolute_error - 0.5 * delta)
    )
    return float(np.mean(per_element))


def huber_gradient(y_true: ArrayLike, y_pred: ArrayLike, delta: float = 1.0) -> FloatArray:
    """Gradient of the Huber loss: the error clipped to ``[-delta, delta]``, by ``y_pred.size``."""
    _check_delta(delta)
    y_true, y_pred = _same_shape_pair(y_true, y_pred)
    return np.clip(y_pred - y_true, -delta, delta) / y_pred.size


# --- Classification losses ------------------------------------------------------------------------


def binary_crossentropy(y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False) -> float:
    """Binary cross-entropy (log loss) of predicted probabilities of the positive class.

    Each element costs ``-(y * log(p) + (1 - y) * log(1 - p))`` with ``p`` clipped to
    ``[EPSILON, 1 - EPSILON]``; the result is the mean over all elements. With ``from_logits=True``,
    ``y_pred`` holds scores ``z`` with ``p = sigma(z)``, and the cost is computed without forming
    ``p`` as ``softplus(z) - y * z``.
    """
    y_true, y_pred = _probability_pair(y_true, y_pred, from_logits)
    if from_logits:
        per_element = softplus(y_pred) - y_true * y_pred
    else:
        clipped = _clip_probabilities(y_pred)
        per_element = -(y_true * np.log(clipped) + (1.0 - y_true) * np.log(1.0 - clipped))
    return float(np.mean(per_element))


def binary_crossentropy_gradient(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False
) -> FloatArray:
    """Gradient of the binary cross-entropy with respect to ``y_pred``.

    For probabilities it is ``(p - y) / (p * (1 - p))`` where ``p`` is not clipped (0 where it is);
    for logits it is ``sigma(z) - y``. Both are divided by ``y_pred.size``.
    """
    y_true, y_pred = _probability_pair(y_true, y_pred, from_logits)
    if from_logits:
        per_element = sigmoid(y_pred) - y_true
    else:
        clipped = _clip_probabilities(y_pred)
        per_element = np.where(
            _inside_clip_range(y_pred), (clipped - y_true) / (clipped * (1.0 - clipped)), 0.0
        )
    return per_element / y_pred.size


def categorical_crossentropy(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False
) -> float:
    """Categorical cross-entropy, ``-sum_k y_k * log(p_k)`` per sample, averaged over samples.

    As in Keras, each row of probabilities is first divided by its sum (so that it adds up to 1)
    and then clipped to ``[EPSILON, 1 - EPSILON]``. With ``from_logits=True``, ``y_pred`` holds
    scores and ``log(p)`` is computed directly as ``log_softmax(z)``.
    """
    y_true, y_pred = _categorical_pair(y_true, y_pred, from_logits)
    if from_logits:
        log_probabilities = log_softmax(y_pred)
    else:
        normalized = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
        log_probabilities = np.log(_clip_probabilities(normalized))
    return float(np.mean(-np.sum(y_true * log_probabilities, axis=-1)))


def categorical_crossentropy_gradient(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False
) -> FloatArray:
    """Gradient of the categorical cross-entropy with respect to ``y_pred``.

    For logits it is ``softmax(z) * sum_k y_k - y``, which is ``softmax(z) - y`` for one-hot
    targets. For probabilities ``p`` the chain rule goes through the clipping (``-y / q`` where the
    normalized ``q = p / sum(p)`` is not clipped) and the normalization
    (``dq_j / dp_k = (delta_jk - q_j) / sum(p)``). Both are divided by the number of samples.
    """
    y_true, y_pred = _categorical_pair(y_true, y_pred, from_logits)
    if from_logits:
        per_sample = softmax(y_pred) * np.sum(y_true, axis=-1, keepdims=True) - y_true
    else:
        totals = np.sum(y_pred, axis=-1, keepdims=True)
        normalized = y_pred / totals
        clipped = _clip_probabilities(normalized)
        d_loss_d_normalized = np.where(_inside_clip_range(normalized), -y_true / clipped, 0.0)
        projection = np.sum(d_loss_d_normalized * normalized, axis=-1, keepdims=True)
        per_sample = (d_loss_d_normalized - projection) / totals
    return per_sample / _n_samples(y_pred)


def _sparse_as_categorical(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rewrite sparse cross-entropy as categorical cross-entropy on logits, as Keras does.

    Returns the one-hot targets, the validated ``y_pred`` and the logits: ``y_pred`` itself when
    ``from_logits``, otherwise the log of the clipped probabilities (their softmax renormalizes
    them).
    """
    y_pred = _as_finite_array(y_pred, "y_pred")
    one_hot = _one_hot_labels(y_true, y_pred)
    if from_logits:
        return one_hot, y_pred, y_pred
    _check_probabilities(y_pred, "y_pred")
    return one_hot, y_pred, np.log(_clip_probabilities(y_pred))


def sparse_categorical_crossentropy(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False
) -> float:
    """Sparse categorical cross-entropy: the categorical one with integer class labels.

    Per sample with label ``c`` it is ``-log(p_c / sum_k p_k)`` where the probabilities are clipped
    to ``[EPSILON, 1 - EPSILON]`` first (Keras takes their log as logits), or
    ``-log_softmax(z)_c`` with ``from_logits=True``; the result is averaged over samples.
    """
    one_hot, _, logits = _sparse_as_categorical(y_true, y_pred, from_logits)
    return categorical_crossentropy(one_hot, logits, from_logits=True)


def sparse_categorical_crossentropy_gradient(
    y_true: ArrayLike, y_pred: ArrayLike, from_logits: bool = False
) -> FloatArray:
    """Gradient of the sparse categorical cross-entropy with respect to ``y_pred``.

    With logits it is ``(softmax(z) - one_hot(y)) / n_samples``. For probabilities, the chain rule
    through ``z = log(clip(p))`` divides that by ``p`` where ``p`` is not clipped (0 where it is).
    """
    one_hot, y_pred, logits = _sparse_as_categorical(y_true, y_pred, from_logits)
    gradient_wrt_logits = categorical_crossentropy_gradient(one_hot, logits, from_logits=True)
    if from_logits:
        return gradient_wrt_logits
    clipped = _clip_probabilities(y_pred)
    return np.where(_inside_clip_range(y_pred), gradient_wrt_logits / clipped, 0.0)


# --- Registry -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A loss function together with the gradient of its batch mean.

    Attributes
    ----------
    name : str
        The name under which it is registered in :data:`LOSSES`.
    function : callable
        ``function(y_true, y_pred) -> float``, the mean loss over the batch.
    gradient : callable
        ``gradient(y_true, y_pred) -> ndarray`` shaped like ``y_pred``.
    """

    name: str
    function: Callable[..., float]
    gradient: Callable[..., FloatArray]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", mean_squared_error, mean_squared_error_gradient),
        Loss("mae", mean_absolute_error, mean_absolute_error_gradient),
        Loss("huber", huber, huber_gradient),
        Loss("binary_crossentropy", binary_crossentropy, binary_crossentropy_gradient),
        Loss(
            "categorical_crossentropy",
            categorical_crossentropy,
            categorical_crossentropy_gradient,
        ),
        Loss(
            "sparse_categorical_crossentropy",
            sparse_categorical_crossentropy,
            sparse_categorical_crossentropy_gradient,
        ),
    )
}
"""The losses by the names Keras uses for them (``"mse"``, ``"binary_crossentropy"``, ...)."""


def get_loss(name: str) -> Loss:
    """Return the registered :class:`Loss` called ``name`` (e.g. ``"mse"``).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no loss has that name; the message lists the valid names.
    """
    return lookup(LOSSES, name, "loss")
