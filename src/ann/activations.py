"""Activation functions and their derivatives.

An artificial neuron computes a weighted sum ``z`` of its inputs and passes it through an
activation function ``phi``. Backpropagation also needs the derivative ``phi'(z)``, so every
elementwise activation comes with a ``*_derivative`` function that takes the same ``z`` (not the
activation's output).

All functions accept anything :func:`numpy.asarray` turns into real numbers (scalars, lists,
arrays of any shape) and compute in float64. They are written so that large inputs never overflow:
for example ``sigmoid(-1000.0)`` is ``0.0`` and ``softmax([1000.0, 1001.0])`` equals
``softmax([0.0, 1.0])``.

Softmax is not elementwise: each output depends on the whole row of scores, so its derivative is a
Jacobian matrix per row, given by :func:`softmax_jacobian`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ann._registry import lookup

FloatArray = NDArray[np.float64]
ElementwiseFunction = Callable[[ArrayLike], FloatArray]


def _as_float_array(z: ArrayLike) -> FloatArray:
    """Return ``z`` as a float64 array, or raise a TypeError naming what was received."""
    try:
        return np.asarray(z, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"expected real numbers (a scalar or an array), got {type(z).__name__}: {z!r}"
        ) from error


def identity(z: ArrayLike) -> FloatArray:
    """Identity (linear) activation, ``phi(z) = z``.

    Used in the output layer of a regression MLP, where any real value is a valid prediction.
    """
    return _as_float_array(z).copy()


def identity_derivative(z: ArrayLike) -> FloatArray:
    """Derivative of the identity, ``phi'(z) = 1`` everywhere."""
    return np.ones_like(_as_float_array(z))


def step(z: ArrayLike) -> FloatArray:
    """Heaviside step function (Equation 10-1 with threshold 0).

    ``heaviside(z) = 0`` if ``z < 0`` and ``1`` if ``z >= 0``. It is the activation of the threshold
    logic unit and of the perceptron.
    """
    return np.where(_as_float_array(z) >= 0.0, 1.0, 0.0)


def step_derivative(z: ArrayLike) -> FloatArray:
    """Derivative of the step function: ``0`` everywhere.

    The true derivative is zero for ``z != 0`` and undefined at ``z = 0``, where ``0`` is used. A
    gradient that is zero everywhere is why gradient descent cannot train a network of step units.
    """
    return np.zeros_like(_as_float_array(z))


def sigmoid(z: ArrayLike) -> FloatArray:
    """Logistic (sigmoid) function, ``sigma(z) = 1 / (1 + exp(-z))``.

    S-shaped, with outputs in ``(0, 1)``. To avoid overflow, ``exp`` is only ever applied to
    ``-|z|``: for ``z < 0`` the equivalent form ``exp(z) / (1 + exp(z))`` is used.
    """
    z = _as_float_array(z)
    exp_minus_abs = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0, exp_minus_abs) / (1.0 + exp_minus_abs)


def sigmoid_derivative(z: ArrayLike) -> FloatArray:
    """Derivative of the sigmoid, ``sigma'(z) = sigma(z) * (1 - sigma(z))``."""
    sigma = sigmoid(z)
    return sigma * (1.0 - sigma)


def tanh(z: ArrayLike) -> FloatArray:
    """Hyperbolic tangent, ``tanh(z) = 2 * sigma(2z) - 1``.

    Like the sigmoid but with outputs in ``(-1, 1)``, centred on zero.
    """
    return np.tanh(_as_float_array(z))


def tanh_derivative(z: ArrayLike) -> FloatArray:
    """Derivative of the hyperbolic tangent, ``tanh'(z) = 1 - tanh(z)**2``."""
    return 1.0 - np.tanh(_as_float_array(z)) ** 2


def relu(z: ArrayLike) -> FloatArray:
    """Rectified linear unit, ``ReLU(z) = max(0, z)``."""
    return np.maximum(_as_float_array(z), 0.0)


def relu_derivative(z: ArrayLike) -> FloatArray:
    """Derivative of ReLU: ``1`` for ``z > 0`` and ``0`` for ``z < 0``.

    ReLU is not differentiable at ``z = 0``; ``0`` is used there, as TensorFlow does. Away from zero
    this derivative is the step function.
    """
    return np.where(_as_float_array(z) > 0.0, 1.0, 0.0)


def softplus(z: ArrayLike) -> FloatArray:
    """Softplus, a smooth ReLU: ``softplus(z) = log(1 + exp(z))``.

    Computed as ``max(z, 0) + log(1 + exp(-|z|))``, which is the same number but never overflows:
    for large ``z`` the result is ``z`` and for very negative ``z`` it is ``exp(z)``.
    """
    z = _as_float_array(z)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def softplus_derivative(z: ArrayLike) -> FloatArray:
    """Derivative of softplus, which is the sigmoid: ``softplus'(z) = sigma(z)``."""
    return sigmoid(z)


def _scores_array(z: ArrayLike) -> FloatArray:
    """Return scores as a float array with at least one axis (the axis of the classes)."""
    z = _as_float_array(z)
    if z.ndim == 0:
        raise ValueError("softmax needs a vector of scores (at least one axis), got a scalar")
    return z


def log_softmax(z: ArrayLike, axis: int = -1) -> FloatArray:
    """Logarithm of the softmax, ``log softmax(z)_k = z_k - log(sum_j exp(z_j))``.

    The maximum of each row is subtracted before exponentiating (the log-sum-exp trick), so no
    ``exp`` overflows and the log of a tiny probability stays accurate.
    """
    z = _scores_array(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: ArrayLike, axis: int = -1) -> FloatArray:
    """Softmax, ``softmax(z)_k = exp(z_k) / sum_j exp(z_j)`` along ``axis`` (the classes).

    Turns a row of scores into probabilities that are positive and add up to 1. Adding the same
    constant to every score of a row leaves the result unchanged, which is used to subtract the
    row's maximum first: the largest exponent is then ``exp(0) = 1`` and nothing overflows.
    """
    z = _scores_array(z)
    exponentials = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return exponentials / np.sum(exponentials, axis=axis, keepdims=True)


def softmax_jacobian(z: ArrayLike) -> FloatArray:
    """Jacobian of the softmax of each row, ``J_ij = dp_i / dz_j = p_i * (delta_ij - p_j)``.

    Parameters
    ----------
    z : array_like, shape (n_samples, n_classes) or (n_classes,)
        Scores; the softmax is taken along the last axis.

    Returns
    -------
    ndarray, shape (n_samples, n_classes, n_classes) or (n_classes, n_classes)
        ``result[s, i, j]`` is the derivative of output ``i`` of row ``s`` with respect to score
        ``j`` of that row, that is ``diag(p) - p p^T`` with ``p = softmax(z[s])``.
    """
    probabilities = softmax(z, axis=-1)
    n_classes = probabilities.shape[-1]
    identity_matrix = np.eye(n_classes)
    return probabilities[..., :, np.newaxis] * (identity_matrix - probabilities[..., np.newaxis, :])


@dataclass(frozen=True)
class Activation:
    """An elementwise activation function together with its derivative.

    Attributes
    ----------
    name : str
        The name under which it is registered in :data:`ACTIVATIONS`.
    function : callable
        ``phi(z)``, applied elementwise.
    derivative : callable
        ``phi'(z)``, evaluated at the same ``z``.
    """

    name: str
    function: ElementwiseFunction
    derivative: ElementwiseFunction


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (
        Activation("identity", identity, identity_derivative),
        Activation("step", step, step_derivative),
        Activation("sigmoid", sigmoid, sigmoid_derivative),
        Activation("tanh", tanh, tanh_derivative),
        Activation("relu", relu, relu_derivative),
        Activation("softplus", softplus, softplus_derivative),
    )
}
"""The elementwise activations by name. Softmax is absent: its derivative is a Jacobian."""


def get_activation(name: str) -> Activation:
    """Return the registered :class:`Activation` called ``name`` (e.g. ``"relu"``).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no activation has that name; the message lists the valid names.
    """
    return lookup(ACTIVATIONS, name, "activation")
