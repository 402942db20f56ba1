"""Step functions, the threshold logic unit (TLU) and a fully connected layer of TLUs.

A threshold logic unit computes a weighted sum of its numeric inputs, ``z = x·w + b``, and passes
it through a step function (Equation 10-1). A layer of TLUs, each connected to every input, computes
the outputs of all its units for a whole batch of instances at once (Equation 10-2)::

    h(X) = phi(X W + b)

where ``X`` has one row per instance, ``W`` one row per input and one column per unit, and ``b`` one
bias per unit.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

Activation = Callable[[np.ndarray], np.ndarray]


def _as_real_array(values: ArrayLike, name: str) -> np.ndarray:
    """Return ``values`` as a float array, or raise a clear error if it is not real and finite."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must hold real numbers, got {values!r}") from error
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers (no NaN or infinity), got {values!r}")
    return array


def _real_scalar(value: float, name: str) -> float:
    """Return ``value`` as a float, or raise a clear error if it is not one finite real number."""
    array = _as_real_array(value, name)
    if array.ndim != 0:
        raise TypeError(f"{name} must be a single number, got an array of shape {array.shape}")
    return float(array)


def heaviside(z: ArrayLike, threshold: float = 0.0) -> np.ndarray:
    """Heaviside step function of Equation 10-1, applied elementwise.

    ``heaviside(z) = 0`` if ``z < threshold``, else ``1`` (the chapter assumes ``threshold = 0``).

    Parameters
    ----------
    z : array_like
        Weighted sums (any shape, finite real numbers).
    threshold : float, default 0.0
        Value from which the unit outputs 1.

    Returns
    -------
    numpy.ndarray
        Integer array of 0s and 1s with the shape of ``z`` (a 0-d array for a scalar ``z``).
    """
    z = _as_real_array(z, "z")
    threshold = _real_scalar(threshold, "threshold")
    return np.where(z < threshold, 0, 1)


def sign(z: ArrayLike, threshold: float = 0.0) -> np.ndarray:
    """Sign step function ``sgn`` of Equation 10-1, applied elementwise.

    ``sgn(z) = -1`` if ``z < threshold``, ``0`` if ``z == threshold``, ``+1`` if ``z > threshold``.

    Parameters
    ----------
    z : array_like
        Weighted sums (any shape, finite real numbers).
    threshold : float, default 0.0
        Value at which the output is 0.

    Returns
    -------
    numpy.ndarray
        Integer array of -1s, 0s and 1s with the shape of ``z``.
    """
    z = _as_real_array(z, "z")
    threshold = _real_scalar(threshold, "threshold")
    return (z > threshold).astype(int) - (z < threshold).astype(int)


def _check_layer_shapes(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    """Raise a ValueError unless X is (n, d), W is (d, k) and b is (k,)."""
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D array of shape (n_instances, n_inputs), got shape {X.shape}; "
            "reshape a single instance x with x.reshape(1, -1)"
        )
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D array of shape (n_inputs, n_units), got shape {W.shape}")
    if b.ndim != 1:
        raise ValueError(f"b must be a 1-D array of shape (n_units,), got shape {b.shape}")
    n_inputs, n_units = W.shape
    if X.shape[1] != n_inputs:
        raise ValueError(
            f"X has {X.shape[1]} columns but W has {n_inputs} rows: "
            "W needs one row per input (column of X)"
        )
    if b.shape[0] != n_units:
        raise ValueError(
            f"b has {b.shape[0]} entries but W has {n_units} columns: "
            "b needs one bias per unit (column of W)"
        )


def dense_layer(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, activation: Activation = heaviside
) -> np.ndarray:
    """Outputs of a fully connected layer for a batch of instances (Equation 10-2).

    Computes ``activation(X @ W + b)``: every unit sees every input, and every instance of the
    batch is processed at once.

    Parameters
    ----------
    X : array_like of shape (n_instances, n_inputs)
        One row per instance, one column per input feature.
    W : array_like of shape (n_inputs, n_units)
        Connection weights: one row per input, one column per unit of the layer.
    b : array_like of shape (n_units,)
        One bias term per unit (the weight of the bias neuron that always outputs 1).
    activation : callable, default heaviside
        Function applied elementwise to the weighted sums; a step function makes the units TLUs.

    Returns
    -------
    numpy.ndarray of shape (n_instances, n_units)
        Output of each unit for each instance.
    """
    if not callable(activation):
        raise TypeError(f"activation must be a function, got {activation!r}")
    X = _as_real_array(X, "X")
    W = _as_real_array(W, "W")
    b = _as_real_array(b, "b")
    _check_layer_shapes(X, W, b)
    return np.asarray(activation(X @ W + b))


def tlu(
    x: ArrayLike, w: ArrayLike, b: float = 0.0, activation: Activation = heaviside
) -> np.ndarray | np.generic:
    """Output of a single threshold logic unit: ``activation(x · w + b)`` (Figure 10-4).

    Parameters
    ----------
    x : array_like of shape (n_inputs,) or (n_instances, n_inputs)
        One instance, or a batch of instances (one per row).
    w : array_like of shape (n_inputs,)
        Connection weights of the unit.
    b : float, default 0.0
        Bias of the unit.
    activation : callable, default heaviside
        Step function applied to the weighted sum.

    Returns
    -------
    numpy scalar or numpy.ndarray of shape (n_instances,)
        The unit's output for the instance, or for each instance of the batch.
    """
    x = _as_real_array(x, "x")
    w = _as_real_array(w, "w")
    if w.ndim != 1:
        raise ValueError(f"w must be a 1-D array of shape (n_inputs,), got shape {w.shape}")
    if x.ndim not in (1, 2):
        raise ValueError(
            f"x must be one instance (n_inputs,) or a batch (n_instances, n_inputs), "
            f"got shape {x.shape}"
        )
    batch = np.atleast_2d(x)
    outputs = dense_layer(batch, w.reshape(-1, 1), [_real_scalar(b, "b")], activation)[:, 0]
    return outputs if x.ndim == 2 else outputs[0]
