"""A multilayer perceptron (MLP) trained by backpropagation, written with numpy alone.

The module reads top to bottom in the order the algorithm runs:

1. **Initialisation** (:func:`initial_parameters`): random weights break the symmetry between the
   neurons of a layer; a constant initialisation keeps them identical forever.
2. **Forward pass** (:meth:`MLP.forward`): layer after layer,
   ``z^(l) = a^(l-1) W^(l) + b^(l)`` and ``a^(l) = phi(z^(l))``, starting from ``a^(0) = X``.
   Every ``z^(l)`` and ``a^(l)`` is kept in a :class:`ForwardCache`, because the backward pass
   needs them.
3. **Output error** (:func:`output_delta`): ``delta^(L) = dLoss/dz^(L)``, the gradient of the loss
   with respect to the output layer's pre-activations.
4. **Backward pass** (:meth:`MLP.backward`): the chain rule applied layer by layer, from the
   output back to the input (reverse-mode automatic differentiation):
   ``dW^(l) = a^(l-1)^T delta^(l)``, ``db^(l) = sum over samples of delta^(l)`` and
   ``delta^(l-1) = (delta^(l) W^(l)^T) * phi'(z^(l-1))``.
5. **Gradient descent step** (:meth:`MLP.gradient_descent_step`):
   ``W^(l) <- W^(l) - eta dW^(l)`` and ``b^(l) <- b^(l) - eta db^(l)``.
6. **Training** (:meth:`MLP.fit`): mini-batch gradient descent over epochs, with a seeded shuffle.
7. **Using the model** (:meth:`MLP.predict`, :meth:`MLP.predict_proba`, :meth:`MLP.score`).
8. **Checking the gradients** (:func:`numerical_gradients`, :func:`gradient_check`) against
   central finite differences.

Notation: a batch of ``n`` samples is a matrix ``X`` of shape ``(n, n_features)``, one sample per
row. Layer ``l`` (``l = 1, ..., L``) has a weight matrix ``W^(l)`` of shape
``(n_units^(l-1), n_units^(l))`` and a bias vector ``b^(l)`` of shape ``(n_units^(l),)``. Python
lists start at 0, so ``weights_[l - 1]`` holds ``W^(l)``.

Example
-------
>>> from sklearn.datasets import load_iris
>>> X, y = load_iris(return_X_y=True)
>>> mlp = MLP(hidden_layer_sizes=(16,), activation="tanh", learning_rate=0.1, epochs=200,
...           random_state=0).fit(X / 8, y)
>>> bool(mlp.score(X / 8, y) > 0.9)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ann.activations import Activation, get_activation, softmax
from ann.losses import Loss, get_loss

FloatArray = NDArray[np.float64]

LOSSES_FOR_OUTPUT: dict[str, tuple[str, ...]] = {
    "softmax": ("categorical_crossentropy", "mse"),
    "sigmoid": ("binary_crossentropy", "mse"),
    "identity": ("mse", "mae", "huber"),
}
"""The losses each output layer can be trained with (names from :data:`ann.losses.LOSSES`).

The first one of each list is the default: categorical cross-entropy for a softmax output
(multiclass classification), binary cross-entropy for a sigmoid output (binary or multilabel
classification) and the mean squared error for an identity output (regression).
"""

INITIALISATIONS = ("glorot_uniform", "he_normal")
"""Random initialisation schemes; a number instead gives the constant initialisation."""


# --- 1. Initialisation ---------------------------------------------------------------------------


def initial_parameters(
    layer_sizes: Sequence[int], init: str | float, rng: np.random.Generator
) -> tuple[list[FloatArray], list[FloatArray]]:
    """Create the weight matrices and bias vectors of a network with the given layer widths.

    Parameters
    ----------
    layer_sizes : sequence of int
        Number of units of every layer, input layer first and output layer last, e.g.
        ``(64, 128, 10)``.
    init : {"glorot_uniform", "he_normal"} or float
        - ``"glorot_uniform"`` (Glorot & Bengio, 2010; the default of Keras's ``Dense`` layer):
          ``W ~ Uniform(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``, which keeps the
          variance of the signal about the same from layer to layer for sigmoid and tanh units.
        - ``"he_normal"`` (He et al., 2015): ``W ~ Normal(0, sqrt(2 / fan_in))``, a plain (not
          truncated) normal distribution, scaled for ReLU units, which zero half of their inputs.
        - a number ``c``: every weight and every bias equals ``c``. All neurons of a layer then
          compute the same function and receive the same gradient, so they stay identical during
          training: the network acts as if each hidden layer had a single neuron. This option
          exists to demonstrate that symmetry; never train a real model with it.

        Biases start at zero for the random schemes, as in Keras.
    rng : numpy.random.Generator
        Source of the random numbers (unused by the constant initialisation).

    Returns
    -------
    weights, biases : list of ndarray
        ``weights[l - 1]`` is ``W^(l)`` with shape ``(layer_sizes[l - 1], layer_sizes[l])`` and
        ``biases[l - 1]`` is ``b^(l)`` with shape ``(layer_sizes[l],)``.
    """
    weights, biases = [], []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        if init == "glorot_uniform":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
            biases.append(np.zeros(fan_out))
        elif init == "he_normal":
            weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)))
            biases.append(np.zeros(fan_out))
        else:
            weights.append(np.full((fan_in, fan_out), float(init)))
            biases.append(np.full(fan_out, float(init)))
    return weights, biases


# --- 2. What the forward and backward passes hand over -------------------------------------------


@dataclass
class ForwardCache:
    """Everything the forward pass computed, kept for the backward pass.

    Attributes
    ----------
    pre_activations : list of ndarray
        ``[z^(1), ..., z^(L)]``, the weighted sums of every layer (``pre_activations[l - 1]`` is
        ``z^(l)``), each of shape ``(n_samples, n_units^(l))``.
    activations : list of ndarray
        ``[a^(0), a^(1), ..., a^(L)]`` where ``a^(0)`` is the input batch ``X`` and ``a^(L)`` the
        network's output (``activations[l]`` is ``a^(l)``).
    """

    pre_activations: list[FloatArray]
    activations: list[FloatArray]

    @property
    def output(self) -> FloatArray:
        """The network's output ``a^(L)``: probabilities or predicted values."""
        return self.activations[-1]


@dataclass
class Gradients:
    """Gradients of the loss with respect to every weight and bias (same shapes as the parameters).

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l - 1]`` is ``dLoss/dW^(l)``.
    biases : list of ndarray
        ``biases[l - 1]`` is ``dLoss/db^(l)``.
    """

    weights: list[FloatArray]
    biases: list[FloatArray]

    def flatten(self) -> FloatArray:
        """All gradients in one vector (weights of every layer, then biases of every layer)."""
        return np.concatenate([array.ravel() for array in [*self.weights, *self.biases]])


# --- 3. The error at the output layer ------------------------------------------------------------


def output_activation(output: str, z: FloatArray) -> FloatArray:
    """Apply the output layer's activation to its pre-activations ``z^(L)`` (one row per sample).

    ``"softmax"`` turns each row into class probabilities that add up to 1, ``"sigmoid"`` turns
    each entry into an independent probability and ``"identity"`` leaves the values as they are.
    """
    if output == "softmax":
        return softmax(z, axis=1)
    return get_activation(output).function(z)


def chain_rule_output_delta(
    output: str, loss: Loss, z: FloatArray, a: FloatArray, Y: FloatArray
) -> FloatArray:
    """``delta^(L) = dLoss/dz^(L)`` by the plain chain rule, for any output and loss.

    The loss gives ``g = dLoss/da^(L)``. For an elementwise output activation the chain rule is an
    elementwise product, ``delta^(L) = g * phi'(z^(L))``. Softmax is not elementwise: with
    ``p = softmax(z)`` its Jacobian is ``J = diag(p) - p p^T`` (symmetric), so for each sample
    ``delta = J g = p * (g - sum_k g_k p_k)``, computed here without building ``J``.
    """
    upstream = loss.gradient(Y, a)
    if output == "softmax":
        return a * (upstream - np.sum(upstream * a, axis=1, keepdims=True))
    return upstream * get_activation(output).derivative(z)


def output_delta(
    output: str, loss: Loss, z: FloatArray, a: FloatArray, Y: FloatArray
) -> FloatArray:
    """The error of the output layer, ``delta^(L) = dLoss/dz^(L)``.

    Two pairs of output and loss have a combined gradient that skips the chain rule:

    - softmax + categorical cross-entropy: ``delta^(L) = (p - y) / n`` (``n`` samples);
    - sigmoid + binary cross-entropy: ``delta^(L) = (p - y) / (n * n_outputs)`` (the loss is a
      mean over every entry).

    Why: for categorical cross-entropy ``dLoss/dp_k = -y_k / (n p_k)`` and the softmax Jacobian is
    ``dp_k/dz_j = p_k (delta_kj - p_j)``. Multiplying, the ``p_k`` cancel and, because the one-hot
    ``y`` adds up to 1, ``dLoss/dz_j = (p_j - y_j) / n``. Likewise ``dLoss/dp = (p - y) /
    (p (1 - p))`` times ``sigma'(z) = p (1 - p)`` leaves ``p - y``. The combined form gives the
    same numbers as :func:`chain_rule_output_delta` while never dividing by a probability: a
    saturated unit (``p`` rounded to 0 or 1, where the loss clips ``p`` and its gradient becomes 0)
    still gets the full error ``p - y`` and keeps learning. It is also cheaper. All other pairs use
    :func:`chain_rule_output_delta`.
    """
    if output == "softmax" and loss.name == "categorical_crossentropy":
        return (a - Y) / Y.shape[0]
    if output == "sigmoid" and loss.name == "binary_crossentropy":
        return (a - Y) / Y.size
    return chain_rule_output_delta(output, loss, z, a, Y)


# --- The estimator -------------------------------------------------------------------------------


class MLP:
    """Multilayer perceptron: dense layers trained by backpropagation and mini-batch descent.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default (100,)
        Number of units of each hidden layer, e.g. ``(64,)`` or ``(32, 16)``. An empty tuple gives a
        network without hidden layers (logistic or softmax regression, or linear regression).
    activation : str, default "relu"
        Activation of every hidden layer: ``"identity"``, ``"sigmoid"``, ``"tanh"``, ``"relu"`` or
        ``"softplus"`` (see :data:`ann.activations.ACTIVATIONS`). ``"step"`` is refused: its
        derivative is zero everywhere, so backpropagation would compute zero gradients.
    output : {"softmax", "sigmoid", "identity"}, default "softmax"
        Output layer: ``"softmax"`` for multiclass classification (one unit per class),
        ``"sigmoid"`` for binary classification (one unit) or multilabel classification (one unit
        per label), ``"identity"`` for regression (one unit per target).
    loss : str or None, default None
        Loss to minimise, one of ``LOSSES_FOR_OUTPUT[output]``; ``None`` picks the usual one
        (cross-entropy for classification, mean squared error for regression).
    learning_rate : float, default 0.01
        Step size ``eta`` of gradient descent.
    batch_size : int or None, default 32
        Samples per gradient step; ``None`` uses the whole training set (batch gradient descent).
    epochs : int, default 10
        Passes over the training set.
    init : {"glorot_uniform", "he_normal"} or float, default "glorot_uniform"
        Weight initialisation, see :func:`initial_parameters`. A number gives the constant
        initialisation that demonstrates why weights must be random.
    shuffle : bool, default True
        Shuffle the training set before every epoch.
    random_state : int or None, default None
        Seed of the random generator used for the initial weights and the shuffles; the same seed
        gives the same trained weights.

    Attributes
    ----------
    weights_, biases_ : list of ndarray
        ``weights_[l - 1]`` is ``W^(l)`` and ``biases_[l - 1]`` is ``b^(l)``.
    loss_function : ann.losses.Loss
        The loss being minimised.
    loss_curve_ : list of float
        Mean training loss of each epoch (the average of its mini-batch losses, as Keras reports).
    validation_loss_curve_ : list of float
        Loss on the validation data after each epoch (empty without validation data).
    classes_ : ndarray or None
        Class labels seen by :meth:`fit` (label indices for multilabel targets, None for
        regression).
    task_ : str
        ``"multiclass"``, ``"binary"``, ``"multilabel"`` or ``"regression"``, set by :meth:`fit`.
    """

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "relu",
        output: str = "softmax",
        loss: str | None = None,
        learning_rate: float = 0.01,
        batch_size: int | None = 32,
        epochs: int = 10,
        init: str | float = "glorot_uniform",
        shuffle: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.hidden_layer_sizes = _check_hidden_layer_sizes(hidden_layer_sizes)
        self.activation = activation
        self.hidden_activation: Activation = _trainable_activation(activation)
        self.output = _check_output(output)
        self.loss_function: Loss = _check_loss(output, loss)
        self.loss = self.loss_function.name
        self.learning_rate = _check_positive_real("learning_rate", learning_rate)
        self.batch_size = (
            None if batch_size is None else _check_positive_int("batch_size", batch_size)
        )
        self.epochs = _check_positive_int("epochs", epochs)
        self.init = _check_init(init)
        self.shuffle = _check_bool("shuffle", shuffle)
        self.random_state = _check_random_state(random_state)

    def __repr__(self) -> str:
        return (
            f"MLP(hidden_layer_sizes={self.hidden_layer_sizes}, activation={self.activation!r}, "
            f"output={self.output!r}, loss={self.loss!r}, learning_rate={self.learning_rate}, "
            f"batch_size={self.batch_size}, epochs={self.epochs}, init={self.init!r}, "
            f"shuffle={self.shuffle}, random_state={self.random_state})"
        )

    # --- 1. Initialisation -----------------------------------------------------------------------

    def initialize(self, n_inputs: int, n_outputs: int) -> MLP:
        """Create fresh parameters for ``n_inputs`` features and ``n_outputs`` output units.

        :meth:`fit` calls this itself; call it directly to run :meth:`forward`,
        :meth:`backward` and :meth:`gradient_descent_step` by hand. It also (re)starts the random
        generator from ``random_state``, which later drives the shuffles of :meth:`fit`.
        """
        n_inputs = _check_positive_int("n_inputs", n_inputs)
        n_outputs = _check_positive_int("n_outputs", n_outputs)
        if self.output == "softmax" and n_outputs < 2:
            raise ValueError(
                "a softmax output needs at least 2 units (one per class), "
                f"got n_outputs={n_outputs}"
            )
        self._rng = np.random.default_rng(self.random_state)
        layer_sizes = (n_inputs, *self.hidden_layer_sizes, n_outputs)
        self.weights_, self.biases_ = initial_parameters(layer_sizes, self.init, self._rng)
        self.loss_curve_: list[float] = []
        self.validation_loss_curve_: list[float] = []
        return self

    @property
    def n_features_in_(self) -> int:
        """Number of input features the network was built for."""
        return self._parameters()[0][0].shape[0]

    @property
    def n_outputs_(self) -> int:
        """Number of units of the output layer."""
        return self._parameters()[0][-1].shape[1]

    # --- 2. Forward pass -------------------------------------------------------------------------

    def forward(self, X: ArrayLike) -> ForwardCache:
        """Forward pass: compute every layer's output and keep what the backward pass needs.

        Starting from ``a^(0) = X``, each layer ``l = 1, ..., L`` computes the output of a fully
        connected layer, ``phi(X W + b)`` (Equation 10-2), on the previous layer's output::

            z^(l) = a^(l-1) W^(l) + b^(l)        (weighted sums, one row per sample)
            a^(l) = phi(z^(l))                   (activation)

        where ``phi`` is the hidden activation for ``l < L`` and the output activation for
        ``l = L``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)

        Returns
        -------
        ForwardCache
            ``pre_activations`` ``[z^(1), ..., z^(L)]`` and ``activations`` ``[a^(0), ..., a^(L)]``.
        """
        weights, biases = self._parameters()
        a = _check_features(X, n_features=self.n_features_in_)
        pre_activations, activations = [], [a]
        last_layer = len(weights)
        for layer, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
            z = a @ W + b
            if layer < last_layer:
                a = self.hidden_activation.function(z)
            else:
                a = output_activation(self.output, z)
            pre_activations.append(z)
            activations.append(a)
        return ForwardCache(pre_activations, activations)

    def evaluate_loss(self, X: ArrayLike, Y: ArrayLike) -> float:
        """The loss of the network on ``X`` against targets ``Y`` shaped like the output."""
        cache = self.forward(X)
        return self.loss_function.function(self._check_targets(Y, cache), cache.output)

    # --- 4. Backward pass ------------------------------------------------------------------------

    def backward(self, cache: ForwardCache, Y: ArrayLike) -> Gradients:
        """Backward pass: the gradient of the loss with respect to every weight and bias.

        Reverse-mode differentiation, from the output layer ``L`` down to layer 1::

            delta^(L)   = dLoss/dz^(L)                           (see output_delta)
            dW^(l)      = a^(l-1)^T delta^(l)
            db^(l)      = sum over the samples of delta^(l)
            delta^(l-1) = (delta^(l) W^(l)^T) * phi'(z^(l-1))    (chain rule, elementwise *)

        The loss is already a mean over the batch, so the ``1/n`` is inside ``delta^(L)``.

        Parameters
        ----------
        cache : ForwardCache
            The result of :meth:`forward` on the batch.
        Y : array_like, shape (n_samples, n_outputs)
            Targets shaped like the output: one-hot rows for a softmax output, 0/1 entries for a
            sigmoid output, target values for an identity output. A 1-D array is accepted when
            there is a single output unit.

        Returns
        -------
        Gradients
        """
        weights, _ = self._parameters()
        Y = self._check_targets(Y, cache)
        delta = output_delta(
            self.output, self.loss_function, cache.pre_activations[-1], cache.output, Y
        )
        weight_gradients, bias_gradients = [], []
        for index in reversed(range(len(weights))):  # index l - 1 for layer l = L, ..., 1
            layer_input = cache.activations[index]  # a^(l-1)
            weight_gradients.insert(0, layer_input.T @ delta)
            bias_gradients.insert(0, delta.sum(axis=0))
            if index > 0:  # pass the error down to layer l - 1
                phi_prime = self.hidden_activation.derivative(cache.pre_activations[index - 1])
                delta = (delta @ weights[index].T) * phi_prime
        return Gradients(weight_gradients, bias_gradients)

    # --- 5. Gradient descent step ----------------------------------------------------------------

    def gradient_descent_step(
        self, gradients: Gradients, learning_rate: float | None = None
    ) -> None:
        """Move every parameter against its gradient: ``theta <- theta - eta * dLoss/dtheta``.

        ``eta`` is ``learning_rate`` if given, else the model's ``learning_rate``. The parameters
        are updated in place.
        """
        weights, biases = self._parameters()
        eta = (
            self.learning_rate
            if learning_rate is None
            else _check_positive_real("learning_rate", learning_rate)
        )
        parameters = [*weights, *biases]
        steps = [*gradients.weights, *gradients.biases]
        if [p.shape for p in parameters] != [np.shape(s) for s in steps]:
            raise ValueError(
                "gradients do not match the network's parameters: expected shapes "
                f"{[p.shape for p in parameters]}, got {[np.shape(s) for s in steps]}"
            )
        for parameter, gradient in zip(parameters, steps, strict=True):
            parameter -= eta * gradient

    # --- 6. Training -----------------------------------------------------------------------------

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    ) -> MLP:
        """Train from freshly initialised weights by mini-batch gradient descent.

        Each epoch shuffles the training set (if ``shuffle``), cuts it into mini-batches of
        ``batch_size`` samples and, for each one, runs :meth:`forward`, :meth:`backward` and
        :meth:`gradient_descent_step`. The mean loss of the epoch is appended to ``loss_curve_``
        and, with validation data, the validation loss to ``validation_loss_curve_``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like
            Class labels of shape ``(n_samples,)`` for a softmax output (any number of classes
            >= 2) or a sigmoid output (exactly 2 classes); a 0/1 matrix of shape
            ``(n_samples, n_labels)`` for multilabel classification with a sigmoid output; target
            values of shape ``(n_samples,)`` or ``(n_samples, n_targets)`` for an identity output.
        validation_data : tuple (X_val, y_val), optional
            Data on which the loss is measured after each epoch; it is never trained on.

        Returns
        -------
        MLP
            The fitted model itself.
        """
        X = _check_features(X)
        self.task_, self.classes_ = self._target_encoding(y)
        Y = self._encode_targets(y, n_samples=X.shape[0])
        if validation_data is not None:
            X_val, Y_val = self._check_validation_data(validation_data, n_features=X.shape[1])
        self.initialize(X.shape[1], Y.shape[1])
        batch_size = X.shape[0] if self.batch_size is None else self.batch_size
        for _ in range(self.epochs):
            self.loss_curve_.append(self._train_one_epoch(X, Y, batch_size))
            if validation_data is not None:
                self.validation_loss_curve_.append(self.evaluate_loss(X_val, Y_val))
        return self

    def _train_one_epoch(self, X: FloatArray, Y: FloatArray, batch_size: int) -> float:
        """One pass of mini-batch gradient descent over the training set; returns its mean loss.

        The loss of the epoch is measured on the outputs each mini-batch produced just before its
        gradient step, as Keras reports it. Every loss is a mean over samples (or over entries, the
        same number per sample), so one call on all those outputs equals the average of the
        mini-batch losses weighted by batch size.
        """
        if self.shuffle:
            order = self._rng.permutation(X.shape[0])
            X, Y = X[order], Y[order]
        outputs = np.empty_like(Y)
        for start in range(0, X.shape[0], batch_size):
            batch = slice(start, start + batch_size)
            cache = self.forward(X[batch])
            outputs[batch] = cache.output
            self.gradient_descent_step(self.backward(cache, Y[batch]))
        return self.loss_function.function(Y, outputs)

    # --- 7. Using the trained model --------------------------------------------------------------

    def predict_proba(self, X: ArrayLike) -> FloatArray:
        """Estimated probabilities, shape ``(n_samples, n_classes)`` (``(n_samples, n_labels)``
        for multilabel targets).

        For binary classification the single sigmoid unit estimates the probability ``p`` of
        ``classes_[1]``; the two columns returned are ``1 - p`` and ``p``.
        """
        self._check_fitted()
        if self.task_ == "regression":
            raise ValueError(
                "predict_proba needs a classification output ('softmax' or 'sigmoid'); this MLP "
                "has output='identity' (regression): use predict"
            )
        probabilities = self.forward(X).output
        if self.task_ == "binary":
            return np.hstack([1.0 - probabilities, probabilities])
        return probabilities

    def predict(self, X: ArrayLike) -> NDArray:
        """Predicted class labels (classification) or values (regression).

        Multiclass: the class with the highest probability. Binary: ``classes_[1]`` where its
        probability is at least 0.5. Multilabel: a 0/1 matrix, 1 where a label's probability is at
        least 0.5. Regression: the output values, as a 1-D array when there is a single target.
        """
        self._check_fitted()
        output = self.forward(X).output
        if self.task_ == "multiclass":
            return self.classes_[np.argmax(output, axis=1)]
        if self.task_ == "binary":
            return self.classes_[(output[:, 0] >= 0.5).astype(int)]
        if self.task_ == "multilabel":
            return (output >= 0.5).astype(int)
        return output[:, 0] if output.shape[1] == 1 else output

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy for classification (exact-match accuracy for multilabel targets), or the
        coefficient of determination ``R^2 = 1 - SS_res / SS_tot`` for regression (averaged
        over the targets).
        """
        self._check_fitted()
        predictions = self.predict(X)
        n_samples = predictions.shape[0]
        if self.task_ == "regression":
            targets = self._encode_targets(y, n_samples)
            return _r2_score(targets, predictions.reshape(targets.shape))
        if self.task_ == "multilabel":
            targets = self._encode_targets(y, n_samples)
            return float(np.mean(np.all(predictions == targets, axis=1)))
        y = np.asarray(y)
        _check_n_samples(y, n_samples)
        return float(np.mean(predictions == y))

    # --- Input checks and target encoding --------------------------------------------------------

    def _parameters(self) -> tuple[list[FloatArray], list[FloatArray]]:
        """The weights and biases, or a clear error if the network has none yet."""
        if not hasattr(self, "weights_"):
            raise RuntimeError(
                "this MLP has no parameters yet: call fit(X, y), or initialize(n_inputs, "
                "n_outputs) to run the forward and backward passes by hand"
            )
        return self.weights_, self.biases_

    def _check_fitted(self) -> None:
        if not hasattr(self, "task_"):
            raise RuntimeError("this MLP is not fitted yet: call fit(X, y) first")

    def _check_targets(self, Y: ArrayLike, cache: ForwardCache) -> FloatArray:
        """Targets for :meth:`backward`: real numbers shaped like the network's output, in rows
        adding up to 1 for a softmax output (the combined gradient relies on it)."""
        Y = _as_real_array(Y, "Y")
        expected = cache.output.shape
        if Y.ndim == 1 and expected[1] == 1:
            Y = Y.reshape(-1, 1)
        if Y.shape != expected:
            raise ValueError(
                f"Y must have the shape of the network's output {expected} (n_samples, n_outputs), "
                f"got {Y.shape}; one-hot encode class labels for a softmax output"
            )
        if self.output == "softmax" and np.any(np.abs(Y.sum(axis=1) - 1.0) > 1e-6):
            raise ValueError(
                "each row of Y must add up to 1 for a softmax output (one-hot class labels or "
                "class probabilities)"
            )
        return Y

    def _target_encoding(self, y: ArrayLike) -> tuple[str, NDArray | None]:
        """Decide the task from the output layer and the shape of ``y``; find the classes."""
        y = np.asarray(y)
        if self.output == "identity":
            return "regression", None
        if self.output == "sigmoid" and y.ndim == 2:
            return "multilabel", np.arange(y.shape[1])
        if y.ndim != 1:
            raise ValueError(
                f"class labels y must be 1-D of shape (n_samples,), got shape {y.shape}"
                + (" (a 2-D 0/1 matrix is multilabel: use output='sigmoid')" if y.ndim == 2 else "")
            )
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError("class labels y contain NaN or infinite values")
        classes = np.unique(y)
        if self.output == "softmax":
            if len(classes) < 2:
                raise ValueError(f"y must contain at least 2 classes, got only {classes.tolist()}")
            return "multiclass", classes
        if len(classes) != 2:
            raise ValueError(
                f"a sigmoid output with 1-D labels is binary classification and needs exactly 2 "
                f"classes, got {len(classes)}: {classes.tolist()[:10]}; use output='softmax' for "
                "more classes"
            )
        return "binary", classes

    def _encode_targets(self, y: ArrayLike, n_samples: int) -> FloatArray:
        """Turn labels or values into the matrix the output layer is trained against."""
        if self.task_ == "regression":
            values = _as_real_array(y, "y")
            if values.ndim not in (1, 2):
                raise ValueError(f"y must be 1-D or 2-D, got shape {values.shape}")
            _check_n_samples(values, n_samples)
            return values.reshape(n_samples, -1)
        y = np.asarray(y)
        _check_n_samples(y, n_samples)
        if self.task_ == "multilabel":
            if y.ndim != 2 or y.shape[1] != len(self.classes_) or not np.all((y == 0) | (y == 1)):
                raise ValueError(
                    f"multilabel targets must be a 0/1 matrix with {len(self.classes_)} columns, "
                    f"got shape {y.shape}"
                )
            return y.astype(np.float64)
        if y.ndim != 1:
            raise ValueError(f"class labels y must be 1-D, got shape {y.shape}")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels not seen during fit: {unknown.tolist()[:10]}; "
                f"known classes: {self.classes_.tolist()}"
            )
        if self.task_ == "binary":
            return (y == self.classes_[1]).astype(np.float64).reshape(-1, 1)
        return (y[:, np.newaxis] == self.classes_).astype(np.float64)

    def _check_validation_data(
        self, validation_data: tuple[ArrayLike, ArrayLike], n_features: int
    ) -> tuple[FloatArray, FloatArray]:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val)")
        X_val = _check_features(validation_data[0], n_features=n_features)
        return X_val, self._encode_targets(validation_data[1], n_samples=X_val.shape[0])


# --- 8. Gradient checking ------------------------------------------------------------------------


def numerical_gradients(mlp: MLP, X: ArrayLike, Y: ArrayLike, epsilon: float = 1e-6) -> Gradients:
    """Gradients estimated by central finite differences, one parameter at a time.

    For every weight or bias ``theta``:
    ``dLoss/dtheta ~ (Loss(theta + epsilon) - Loss(theta - epsilon)) / (2 epsilon)``, whose error
    shrinks like ``epsilon**2``. This needs two forward passes per parameter, far too slow for
    training, but it is an independent check of :meth:`MLP.backward`. The parameters are restored
    afterwards.
    """
    epsilon = _check_positive_real("epsilon", epsilon)
    weights, biases = mlp._parameters()

    def estimate(parameter: FloatArray) -> FloatArray:
        gradient = np.zeros_like(parameter)
        for index in np.ndindex(parameter.shape):
            original = parameter[index]
            parameter[index] = original + epsilon
            loss_plus = mlp.evaluate_loss(X, Y)
            parameter[index] = original - epsilon
            loss_minus = mlp.evaluate_loss(X, Y)
            parameter[index] = original
            gradient[index] = (loss_plus - loss_minus) / (2.0 * epsilon)
        return gradient

    return Gradients([estimate(W) for W in weights], [estimate(b) for b in biases])


def gradient_check(mlp: MLP, X: ArrayLike, Y: ArrayLike, epsilon: float = 1e-6) -> float:
    """Relative difference between backpropagation's and finite differences' gradients.

    Returns ``||g_backprop - g_numeric|| / (||g_backprop|| + ||g_numeric||)`` over all parameters
    at once (0 when both are zero). Around ``1e-7`` or less the backward pass is right; around
    ``1e-2`` or more it has a bug (or a kink of ReLU or MAE sits within ``epsilon``).
    """
    backprop = mlp.backward(mlp.forward(X), Y).flatten()
    numeric = numerical_gradients(mlp, X, Y, epsilon).flatten()
    scale = np.linalg.norm(backprop) + np.linalg.norm(numeric)
    return 0.0 if scale == 0.0 else float(np.linalg.norm(backprop - numeric) / scale)


# --- Helpers: scores and validation of arguments -------------------------------------------------


def _r2_score(y_true: FloatArray, y_pred: FloatArray) -> float:
    """``R^2 = 1 - SS_res / SS_tot`` per target column, averaged; a constant target scores 1 if
    predicted exactly, else 0 (as scikit-learn does)."""
    residual = np.sum((y_true - y_pred) ** 2, axis=0)
    total = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    constant = total == 0.0
    safe_total = np.where(constant, 1.0, total)
    scores = np.where(constant, (residual == 0.0).astype(float), 1.0 - residual / safe_total)
    return float(np.mean(scores))


def _as_real_array(values: ArrayLike, name: str) -> FloatArray:
    """``values`` as a float64 array of finite numbers, or a TypeError/ValueError saying why not."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must contain real numbers, got {type(values).__name__}") from error
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_features(X: ArrayLike, n_features: int | None = None) -> FloatArray:
    """Validate an input matrix of shape (n_samples, n_features) with finite entries."""
    X = _as_real_array(X, "X")
    if X.ndim != 2:
        hint = " (for a single feature use X.reshape(-1, 1))" if X.ndim == 1 else ""
        raise ValueError(f"X must be 2-D, shape (n_samples, n_features); got shape {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError("X has no samples (0 rows)")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but the network expects {n_features}")
    return X


def _check_n_samples(y: NDArray, n_samples: int) -> None:
    if y.ndim == 0 or y.shape[0] != n_samples:
        raise ValueError(
            f"X and y must have the same number of samples: X has {n_samples}, "
            f"y has shape {y.shape}"
        )


def _check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def _check_positive_real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return float(value)


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_hidden_layer_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    if isinstance(sizes, str) or not isinstance(sizes, Sequence):
        raise TypeError(
            "hidden_layer_sizes must be a sequence of positive integers such as (64,) or "
            f"(32, 16), got {sizes!r}"
        )
    return tuple(_check_positive_int("each hidden layer size", size) for size in sizes)


def _trainable_activation(name: str) -> Activation:
    """The hidden activation called ``name``, refusing the step function."""
    if name == "step":
        raise ValueError(
            "activation='step' cannot be trained by backpropagation: the step function's "
            "derivative is 0 everywhere (and undefined at 0), so every gradient through a hidden "
            "layer would be 0 and gradient descent would never change the weights below it. "
            "Use 'sigmoid', 'tanh', 'relu', 'softplus' or 'identity'."
        )
    if name == "softmax":
        raise ValueError(
            "softmax is an output activation (output='softmax'), not a hidden one; use 'sigmoid', "
            "'tanh', 'relu', 'softplus' or 'identity' for hidden layers"
        )
    return get_activation(name)


def _check_output(output: str) -> str:
    if output not in LOSSES_FOR_OUTPUT:
        raise ValueError(
            f"unknown output {output!r}; expected one of {', '.join(map(repr, LOSSES_FOR_OUTPUT))}"
        )
    return output


def _check_loss(output: str, loss: str | None) -> Loss:
    """The loss called ``loss`` (or the default for ``output``) if it suits that output layer."""
    allowed = LOSSES_FOR_OUTPUT[output]
    if loss is None:
        return get_loss(allowed[0])
    chosen = get_loss(loss)  # TypeError / ValueError for a wrong type or an unknown name
    if chosen.name not in allowed:
        hint = (
            " (fit() one-hot encodes class labels itself, so 'categorical_crossentropy' is the "
            "same objective)"
            if chosen.name == "sparse_categorical_crossentropy"
            else ""
        )
        raise ValueError(
            f"loss {chosen.name!r} does not suit output={output!r}; expected one of "
            f"{', '.join(map(repr, allowed))}{hint}"
        )
    return chosen


def _check_init(init: str | float) -> str | float:
    if isinstance(init, str):
        if init not in INITIALISATIONS:
            raise ValueError(
                f"unknown init {init!r}; expected one of {', '.join(map(repr, INITIALISATIONS))} "
                "or a number (constant initialisation)"
            )
        return init
    if isinstance(init, bool) or not isinstance(init, Real) or not np.isfinite(init):
        raise TypeError(
            f"init must be one of {', '.join(map(repr, INITIALISATIONS))} or a finite number, "
            f"got {init!r}"
        )
    return float(init)


def _check_random_state(random_state: int | None) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise TypeError(
            f"random_state must be None or a non-negative integer, got {random_state!r}"
        )
    if random_state < 0:
        raise ValueError(f"random_state must be non-negative, got {random_state}")
    return int(random_state)
