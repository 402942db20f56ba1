"""Keras models of the chapter: Sequential, Functional and Subclassing APIs, callbacks, saving.

The module follows the second half of the chapter, where the networks are built with Keras 3 on
TensorFlow instead of by hand:

- :func:`build_classifier`: a Sequential image classifier (Flatten, ReLU hidden layers, softmax).
- :func:`build_regression_mlp`: a regression MLP whose first layer standardizes the inputs.
- :func:`build_wide_and_deep`: the Wide & Deep network (Cheng et al., 2016) with the Functional
  API, with one input, two inputs (wide and deep feature subsets) and an optional auxiliary output.
- :class:`WideAndDeepModel`: the same network written with the Subclassing API.
- :class:`LossRatioMonitor`: a custom callback that watches the ratio of validation to training
  loss, a simple sign of overfitting.
- :func:`save_model`, :func:`load_model`, :func:`save_weights`, :func:`load_weights`: the two
  Keras 3 file formats, ``.keras`` (whole model) and ``.weights.h5`` (weights only).
- :func:`set_seed`: makes training repeat exactly.

Importing the module loads TensorFlow quietly: unless they are already set, the environment
variables ``TF_CPP_MIN_LOG_LEVEL`` (C++ log level, ``3`` keeps errors only) and
``TF_ENABLE_ONEDNN_OPTS`` (``0`` turns off the oneDNN CPU kernels, whose start-up notice is
printed whatever the log level) are set before TensorFlow is imported. This only works when
TensorFlow has not been imported earlier in the same process.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

WIDE_INPUT = "wide"
"""Name of the wide input of the two-input Wide & Deep model (a key of the input dict)."""
DEEP_INPUT = "deep"
"""Name of the deep input of the two-input Wide & Deep model (a key of the input dict)."""
MAIN_OUTPUT = "main_output"
"""Name of the main output layer of the Wide & Deep models."""
AUX_OUTPUT = "aux_output"
"""Name of the auxiliary output layer, fed by the top of the deep path only."""

MODEL_SUFFIX = ".keras"
WEIGHTS_SUFFIX = ".weights.h5"


# --------------------------------------------------------------------------------------------
# Argument checks shared by the builders
# --------------------------------------------------------------------------------------------


def _check_positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_hidden_units(hidden_units: Sequence[int]) -> tuple[int, ...]:
    if isinstance(hidden_units, str) or not isinstance(hidden_units, Sequence):
        raise TypeError(
            f"hidden_units must be a sequence of positive integers such as (30, 30), "
            f"got {hidden_units!r}"
        )
    return tuple(_check_positive_int(units, "each entry of hidden_units") for units in hidden_units)


def _check_activation(activation: str) -> str:
    try:
        keras.activations.get(activation)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"activation must be the name of a Keras activation such as 'relu', got {activation!r}"
        ) from error
    return activation


def _check_features(X: ArrayLike, name: str = "X_train") -> np.ndarray:
    """Return ``X`` as a finite float32 matrix of shape (n_samples, n_features)."""
    array = np.asarray(X, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (n_samples, n_features), got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check_feature_indices(indices: Sequence[int], n_features: int, name: str) -> list[int]:
    if isinstance(indices, str) or not isinstance(indices, Sequence) or len(indices) == 0:
        raise TypeError(f"{name} must be a non-empty sequence of column indices, got {indices!r}")
    columns = [int(index) for index in indices]
    if any(not 0 <= column < n_features for column in columns):
        raise ValueError(f"{name} must hold column indices in [0, {n_features}), got {columns}")
    if len(set(columns)) != len(columns):
        raise ValueError(f"{name} must not repeat a column, got {columns}")
    return columns


# --------------------------------------------------------------------------------------------
# Pieces shared by the builders and the subclassed model
# --------------------------------------------------------------------------------------------


def _dense_stack(hidden_units: Sequence[int], activation: str) -> list[keras.layers.Dense]:
    """Hidden layers ``hidden_1, hidden_2, ...``, each computing ``phi(XW + b)`` (Equation 10-2)."""
    return [
        keras.layers.Dense(units, activation=activation, name=f"hidden_{number}")
        for number, units in enumerate(hidden_units, start=1)
    ]


def _adapted_normalization(X: np.ndarray, name: str) -> keras.layers.Normalization:
    """A Normalization layer that standardizes each column with the mean and variance of ``X``."""
    normalization = keras.layers.Normalization(name=name)
    normalization.adapt(X)
    return normalization


def _wide_and_deep_heads(
    auxiliary_output: bool,
) -> tuple[keras.layers.Concatenate, keras.layers.Dense, keras.layers.Dense | None]:
    """The layers on top of the two paths: concatenation, main output, optional auxiliary output."""
    concat = keras.layers.Concatenate(name="concat")
    main_head = keras.layers.Dense(1, name=MAIN_OUTPUT)
    aux_head = keras.layers.Dense(1, name=AUX_OUTPUT) if auxiliary_output else None
    return concat, main_head, aux_head


def _wide_and_deep_forward(
    wide: Any,
    deep: Any,
    hidden_layers: Sequence[keras.layers.Layer],
    concat: keras.layers.Layer,
    main_head: keras.layers.Layer,
    aux_head: keras.layers.Layer | None,
) -> Any:
    """Connect the Wide & Deep layers (Cheng et al., 2016).

    The deep path goes through the hidden layers; the wide path skips them and is concatenated
    with the top of the deep path before the main output. The auxiliary output, when present,
    sees the deep path only, which pushes the deep part to be useful on its own.

    The same function wires symbolic tensors (Functional API) and real tensors (``call`` of the
    subclassed model), so both versions compute exactly the same thing.
    """
    top = deep
    for layer in hidden_layers:
        top = layer(top)
    main = main_head(concat([wide, top]))
    if aux_head is None:
        return main
    return main, aux_head(top)


def _forget_traced_functions(model: keras.Model) -> None:
    """Make the next ``fit``/``evaluate``/``predict`` trace the model again.

    A Normalization layer keeps its mean and variance as constant tensors, and the traced
    functions Keras caches for ``predict`` and the others capture these constants. After the
    statistics change (new weights, ``adapt``), the cache must go, as Keras itself does when it
    changes layers (``Model.quantize``).
    """
    model.train_function = None
    model.test_function = None
    model.predict_function = None


def _split_wide_and_deep(inputs: Any) -> tuple[Any, Any]:
    """Accept ``{"wide": ..., "deep": ...}`` or a pair ``(wide, deep)``."""
    if isinstance(inputs, Mapping):
        missing = {WIDE_INPUT, DEEP_INPUT} - set(inputs)
        if missing:
            raise ValueError(f"the input dict lacks the key(s) {sorted(missing)}")
        return inputs[WIDE_INPUT], inputs[DEEP_INPUT]
    if isinstance(inputs, Sequence) and len(inputs) == 2:
        return inputs[0], inputs[1]
    raise TypeError(
        f"expected the inputs as a dict with keys {WIDE_INPUT!r} and {DEEP_INPUT!r} "
        f"or as a pair (wide, deep), got {type(inputs).__name__}"
    )


# --------------------------------------------------------------------------------------------
# Sequential API
# --------------------------------------------------------------------------------------------


def build_classifier(
    input_shape: Sequence[int] | int,
    n_classes: int,
    hidden_units: Sequence[int] = (300, 100),
    activation: str = "relu",
) -> keras.Sequential:
    """Build a Sequential classification MLP: Flatten, Dense hidden layers, softmax output.

    The softmax output layer (Equation 4-20) gives one estimated probability per class; train it
    with ``loss="sparse_categorical_crossentropy"`` when the labels are class indices.

    Parameters
    ----------
    input_shape : sequence of int or int
        Shape of one instance, e.g. ``(28, 28)`` for a Fashion-MNIST image or ``4`` for iris.
    n_classes : int
        Number of classes (at least 2): the number of output units.
    hidden_units : sequence of int, default (300, 100)
        Units of each hidden layer, from bottom to top; ``()`` gives softmax regression.
    activation : str, default "relu"
        Activation of the hidden layers.

    Returns
    -------
    keras.Sequential
        Uncompiled model with layers ``flatten``, ``hidden_1``, ..., ``output``.
    """
    shape = (input_shape,) if isinstance(input_shape, int | np.integer) else input_shape
    if isinstance(shape, str) or not isinstance(shape, Sequence) or len(shape) == 0:
        raise TypeError(f"input_shape must be a tuple of positive integers, got {input_shape!r}")
    shape = tuple(_check_positive_int(size, "each entry of input_shape") for size in shape)
    if _check_positive_int(n_classes, "n_classes") < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    layers = [
        keras.Input(shape=shape, name="features"),
        keras.layers.Flatten(name="flatten"),
        *_dense_stack(_check_hidden_units(hidden_units), _check_activation(activation)),
        keras.layers.Dense(int(n_classes), activation="softmax", name="output"),
    ]
    return keras.Sequential(layers, name="classifier")


def build_regression_mlp(
    X_train: ArrayLike,
    hidden_units: Sequence[int] = (50, 50, 50),
    activation: str = "relu",
    n_outputs: int = 1,
) -> keras.Sequential:
    """Build a Sequential regression MLP that standardizes its inputs.

    The first layer is a ``Normalization`` layer adapted on ``X_train``: it stores each
    feature's mean and variance and computes ``(x - mean) / sqrt(variance)``, so the network
    needs no separate scaler. The output layer has no activation, so it can predict any value.

    Parameters
    ----------
    X_train : array-like of shape (n_samples, n_features)
        Training features; their statistics are stored in the Normalization layer.
    hidden_units : sequence of int, default (50, 50, 50)
        Units of each hidden layer.
    activation : str, default "relu"
        Activation of the hidden layers.
    n_outputs : int, default 1
        Number of values predicted per instance.

    Returns
    -------
    keras.Sequential
        Uncompiled model with layers ``normalization``, ``hidden_1``, ..., ``output``.
    """
    X = _check_features(X_train)
    layers = [
        keras.Input(shape=(X.shape[1],), name="features"),
        _adapted_normalization(X, "normalization"),
        *_dense_stack(_check_hidden_units(hidden_units), _check_activation(activation)),
        keras.layers.Dense(_check_positive_int(n_outputs, "n_outputs"), name="output"),
    ]
    return keras.Sequential(layers, name="regression_mlp")


# --------------------------------------------------------------------------------------------
# Functional API
# --------------------------------------------------------------------------------------------


def build_wide_and_deep(
    X_train: ArrayLike,
    *,
    wide_features: Sequence[int] | None = None,
    deep_features: Sequence[int] | None = None,
    hidden_units: Sequence[int] = (30, 30),
    activation: str = "relu",
    auxiliary_output: bool = False,
) -> keras.Model:
    """Build a Wide & Deep regression network with the Functional API.

    A Wide & Deep network (Cheng et al., 2016) joins a deep path, which learns elaborate
    patterns, with a wide path from the inputs straight to the output, which keeps simple rules.

    Three variants share one wiring (:func:`_wide_and_deep_forward`):

    - one input (default): all features go both through the deep path and straight to the
      output (the wide path), after one shared Normalization layer;
    - two inputs (give ``wide_features`` and ``deep_features``): inputs named ``"wide"`` and
      ``"deep"``, each with its own Normalization layer; feed them as a dict
      ``{"wide": X_wide, "deep": X_deep}`` (see :func:`wide_and_deep_inputs`) or a pair;
    - ``auxiliary_output=True``: a second output ``aux_output`` on top of the deep path; the
      model then returns ``[main, aux]`` and is compiled with one loss per output and loss
      weights, e.g. ``compile_regressor(model, loss_weights=(0.9, 0.1))``.

    Parameters
    ----------
    X_train : array-like of shape (n_samples, n_features)
        Training features, used for the input sizes and to adapt the Normalization layers.
    wide_features, deep_features : sequence of int, optional
        Column indices of ``X_train`` fed to the wide and to the deep input. Give both or none.
    hidden_units : sequence of int, default (30, 30)
        Units of the hidden layers of the deep path.
    activation : str, default "relu"
        Activation of the hidden layers.
    auxiliary_output : bool, default False
        Add the auxiliary output.

    Returns
    -------
    keras.Model
        Uncompiled functional model.
    """
    X = _check_features(X_train)
    hidden_layers = _dense_stack(_check_hidden_units(hidden_units), _check_activation(activation))
    concat, main_head, aux_head = _wide_and_deep_heads(bool(auxiliary_output))
    if (wide_features is None) != (deep_features is None):
        raise ValueError("give both wide_features and deep_features, or neither")
    if wide_features is None:
        inputs = keras.Input(shape=(X.shape[1],), name="features")
        normalized = _adapted_normalization(X, "normalization")(inputs)
        outputs = _wide_and_deep_forward(
            normalized, normalized, hidden_layers, concat, main_head, aux_head
        )
    else:
        split = wide_and_deep_inputs(X, wide_features, deep_features)
        inputs = [
            keras.Input(shape=(split[key].shape[1],), name=key) for key in (WIDE_INPUT, DEEP_INPUT)
        ]
        wide = _adapted_normalization(split[WIDE_INPUT], "wide_normalization")(inputs[0])
        deep = _adapted_normalization(split[DEEP_INPUT], "deep_normalization")(inputs[1])
        outputs = _wide_and_deep_forward(wide, deep, hidden_layers, concat, main_head, aux_head)
    return keras.Model(inputs=inputs, outputs=outputs, name="wide_and_deep")


def wide_and_deep_inputs(
    X: ArrayLike, wide_features: Sequence[int], deep_features: Sequence[int]
) -> dict[str, np.ndarray]:
    """Split the columns of ``X`` into the two inputs of the two-input Wide & Deep model.

    Returns
    -------
    dict
        ``{"wide": X[:, wide_features], "deep": X[:, deep_features]}`` as float32 arrays.
    """
    array = _check_features(X, "X")
    wide = _check_feature_indices(wide_features, array.shape[1], "wide_features")
    deep = _check_feature_indices(deep_features, array.shape[1], "deep_features")
    return {WIDE_INPUT: array[:, wide], DEEP_INPUT: array[:, deep]}


def compile_regressor(
    model: keras.Model,
    *,
    learning_rate: float = 1e-3,
    loss: str = "mse",
    loss_weights: Sequence[float] | None = None,
) -> keras.Model:
    """Compile a regression model with Adam, ``loss`` and the RMSE metric.

    For a model with several outputs give one weight per output: the loss Keras minimizes is
    then the weighted sum ``sum_k weight_k * loss_k`` of the per-output losses (the same loss
    function for each output, each with its own RMSE metric).

    Parameters
    ----------
    model : keras.Model
        Model to compile (it is modified in place and returned).
    learning_rate : float, default 1e-3
        Learning rate of the Adam optimizer.
    loss : str, default "mse"
        Loss of each output.
    loss_weights : sequence of float, optional
        One non-negative weight per output, e.g. ``(0.9, 0.1)`` for (main, auxiliary).

    Returns
    -------
    keras.Model
        The compiled model.
    """
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float):
        raise TypeError(f"learning_rate must be a number, got {learning_rate!r}")
    if not 0 < learning_rate < math.inf:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    if loss_weights is None:
        model.compile(optimizer=optimizer, loss=loss, metrics=["RootMeanSquaredError"])
        return model
    weights = [float(weight) for weight in loss_weights]
    if len(weights) == 0 or any(not 0 <= weight < math.inf for weight in weights):
        raise ValueError(f"loss_weights must be non-negative numbers, got {loss_weights!r}")
    known_outputs = getattr(model, "outputs", None)
    if known_outputs is not None and len(known_outputs) != len(weights):
        raise ValueError(
            f"the model has {len(known_outputs)} output(s) but {len(weights)} loss weight(s) "
            "were given: give one weight per output"
        )
    model.compile(
        optimizer=optimizer,
        loss=[loss] * len(weights),
        loss_weights=weights,
        metrics=[["RootMeanSquaredError"] for _ in weights],
    )
    return model


# --------------------------------------------------------------------------------------------
# Subclassing API
# --------------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="ann")
class WideAndDeepModel(keras.Model):
    """The two-input Wide & Deep network written with the Subclassing API.

    Same layers, same names and same wiring as ``build_wide_and_deep(X, wide_features=...,
    deep_features=..., auxiliary_output=...)``; the layers are created in ``__init__`` and
    connected in :meth:`call`. Unlike the functional builder, the model does not see data when it
    is created: call :meth:`adapt` on the training inputs before training.

    Parameters
    ----------
    hidden_units : sequence of int, default (30, 30)
        Units of the hidden layers of the deep path.
    activation : str, default "relu"
        Activation of the hidden layers.
    auxiliary_output : bool, default False
        Also return the auxiliary output (then :meth:`call` returns ``(main, aux)``).
    **kwargs
        Passed to ``keras.Model`` (e.g. ``name``).
    """

    def __init__(
        self,
        hidden_units: Sequence[int] = (30, 30),
        activation: str = "relu",
        auxiliary_output: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.hidden_units = _check_hidden_units(hidden_units)
        self.activation = _check_activation(activation)
        self.auxiliary_output = bool(auxiliary_output)
        self.wide_normalization = keras.layers.Normalization(name="wide_normalization")
        self.deep_normalization = keras.layers.Normalization(name="deep_normalization")
        self.hidden_layers = _dense_stack(self.hidden_units, self.activation)
        self.concat, self.main_head, self.aux_head = _wide_and_deep_heads(self.auxiliary_output)
        # Read by compile(): names the per-output losses and metrics as in the functional model.
        self.output_names = [MAIN_OUTPUT, AUX_OUTPUT] if self.auxiliary_output else [MAIN_OUTPUT]

    def build(self, input_shape: Any) -> None:
        """Create the weights of every layer for inputs of shape ``(wide_shape, deep_shape)``.

        The Normalization layers are built outside any traced graph (``tf.init_scope``): they
        keep their mean and variance as tensors, which must not belong to a temporary graph.
        The other layers are built by running the network on symbolic inputs.
        """
        wide_shape, deep_shape = _split_wide_and_deep(input_shape)
        with tf.init_scope():
            for normalization, shape in (
                (self.wide_normalization, wide_shape),
                (self.deep_normalization, deep_shape),
            ):
                if not normalization.built:  # adapt() builds the layer too
                    normalization.build(tuple(shape))
        _wide_and_deep_forward(
            self.wide_normalization(keras.KerasTensor(tuple(wide_shape))),
            self.deep_normalization(keras.KerasTensor(tuple(deep_shape))),
            self.hidden_layers,
            self.concat,
            self.main_head,
            self.aux_head,
        )

    def adapt(self, inputs: Mapping[str, ArrayLike] | Sequence[ArrayLike]) -> None:
        """Store the mean and variance of the wide and deep training inputs."""
        wide, deep = _split_wide_and_deep(inputs)
        self.wide_normalization.adapt(_check_features(wide, "wide input"))
        self.deep_normalization.adapt(_check_features(deep, "deep input"))
        _forget_traced_functions(self)

    def call(self, inputs: Any) -> Any:
        """Run the network on ``{"wide": ..., "deep": ...}`` or ``(wide, deep)``."""
        wide, deep = _split_wide_and_deep(inputs)
        return _wide_and_deep_forward(
            self.wide_normalization(wide),
            self.deep_normalization(deep),
            self.hidden_layers,
            self.concat,
            self.main_head,
            self.aux_head,
        )

    def get_config(self) -> dict[str, Any]:
        """Arguments of ``__init__``, so that a ``.keras`` file can recreate the model."""
        config = super().get_config()
        config.update(
            hidden_units=list(self.hidden_units),
            activation=self.activation,
            auxiliary_output=self.auxiliary_output,
        )
        return config


def copy_weights(source: keras.Model, target: keras.Model) -> keras.Model:
    """Copy the weights of ``source`` into the layers of ``target`` that have the same names.

    Works between a functional model and its subclassed twin, whose weight lists may be ordered
    differently. The Normalization layers are refreshed after the copy: ``set_weights`` alone
    updates their variables but not the mean and variance they actually use (nor the traced
    ``predict`` function that captured them).

    Returns
    -------
    keras.Model
        ``target``, with the weights of ``source``.
    """
    source_names = {layer.name for layer in source.layers}
    target_layers = [layer for layer in target.layers if layer.weights]
    missing = sorted(layer.name for layer in target_layers if layer.name not in source_names)
    if missing:
        raise ValueError(f"the source model has no layers named {missing}")
    for layer in target_layers:
        layer.set_weights(source.get_layer(layer.name).get_weights())
        if isinstance(layer, keras.layers.Normalization):
            layer.finalize_state()
    _forget_traced_functions(target)
    return target


# --------------------------------------------------------------------------------------------
# A custom callback
# --------------------------------------------------------------------------------------------


class LossRatioMonitor(keras.callbacks.Callback):
    """Record the ratio ``val_loss / loss`` at the end of each epoch and flag overfitting.

    While a model generalizes, the validation loss stays close to the training loss (ratio near
    1; it can even be below 1 early on, because the training loss is averaged over an epoch while
    the model was still improving). A ratio that keeps growing above 1 means the model fits the
    training set better and better but not new data: it starts to overfit.

    Parameters
    ----------
    threshold : float, default 1.2
        An epoch is flagged when its ratio exceeds ``threshold``.
    patience : int, optional
        When given, training stops after ``patience`` flagged epochs in a row.

    Attributes
    ----------
    ratios : list of float
        ``val_loss / loss`` of each epoch of the last ``fit`` call.
    flagged_epochs : list of int
        Epochs (counted from 0) whose ratio exceeded ``threshold``.
    """

    def __init__(self, threshold: float = 1.2, patience: int | None = None) -> None:
        super().__init__()
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise TypeError(f"threshold must be a number, got {threshold!r}")
        if not 0 < threshold < math.inf:
            raise ValueError(f"threshold must be a positive number, got {threshold!r}")
        self.threshold = float(threshold)
        self.patience = None if patience is None else _check_positive_int(patience, "patience")
        self.ratios: list[float] = []
        self.flagged_epochs: list[int] = []

    @property
    def overfitting(self) -> bool:
        """Whether at least one epoch was flagged."""
        return bool(self.flagged_epochs)

    def on_train_begin(self, logs: Mapping[str, float] | None = None) -> None:
        self.ratios = []
        self.flagged_epochs = []

    def on_epoch_end(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        logs = logs or {}
        if "val_loss" not in logs or "loss" not in logs:
            raise ValueError(
                "LossRatioMonitor needs a validation loss: pass validation_data or "
                "validation_split to fit()"
            )
        loss, val_loss = float(logs["loss"]), float(logs["val_loss"])
        ratio = val_loss / loss if loss > 0 else math.inf
        self.ratios.append(ratio)
        if ratio > self.threshold:
            self.flagged_epochs.append(epoch)
        if self.patience is not None and self._flagged_in_a_row() >= self.patience:
            self.model.stop_training = True

    def _flagged_in_a_row(self) -> int:
        count = 0
        for ratio in reversed(self.ratios):
            if ratio <= self.threshold:
                break
            count += 1
        return count


# --------------------------------------------------------------------------------------------
# Saving and restoring
# --------------------------------------------------------------------------------------------


def _checked_path(path: str | os.PathLike[str], suffix: str) -> Path:
    checked = Path(path)
    if not checked.name.endswith(suffix) or checked.name == suffix:
        raise ValueError(f"the file name must end with {suffix!r}, got {str(path)!r}")
    return checked


def _existing_file(path: str | os.PathLike[str], suffix: str) -> Path:
    checked = _checked_path(path, suffix)
    if not checked.is_file():
        raise FileNotFoundError(f"no saved file at {checked}")
    return checked


def _check_built(model: keras.Model) -> None:
    if not model.built:
        raise ValueError(
            f"model {model.name!r} has not created its weights yet, so they would not be saved: "
            "call it on a batch of inputs (or fit it) first"
        )


def save_model(model: keras.Model, path: str | os.PathLike[str]) -> Path:
    """Save the whole model (architecture, weights, optimizer state) to a ``.keras`` file.

    Missing parent directories are created. Returns the path written.
    """
    _check_built(model)
    target = _checked_path(path, MODEL_SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)
    return target


def load_model(path: str | os.PathLike[str]) -> keras.Model:
    """Load a model saved by :func:`save_model`.

    Loading a ``.keras`` file may run code stored in it (CVE-2025-1550, CVE-2025-9906): only
    load files you trust. :class:`WideAndDeepModel` is registered, so it loads without
    ``custom_objects``.
    """
    return keras.models.load_model(_existing_file(path, MODEL_SUFFIX))


def save_weights(model: keras.Model, path: str | os.PathLike[str]) -> Path:
    """Save the model's weights only to a ``.weights.h5`` file. Returns the path written."""
    _check_built(model)
    target = _checked_path(path, WEIGHTS_SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save_weights(target)
    return target


def load_weights(model: keras.Model, path: str | os.PathLike[str]) -> keras.Model:
    """Load weights saved by :func:`save_weights` into a model with the same architecture.

    Returns the model, now holding the loaded weights (and the loaded Normalization statistics,
    even when the model was used before).
    """
    model.load_weights(_existing_file(path, WEIGHTS_SUFFIX))
    _forget_traced_functions(model)
    return model


# --------------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------------


def set_seed(seed: int) -> None:
    """Make training repeat exactly: seed every generator and use deterministic TensorFlow ops.

    ``keras.utils.set_random_seed`` seeds Python's ``random``, NumPy and TensorFlow (weight
    initialization, shuffling, dropout); ``tf.config.experimental.enable_op_determinism`` makes
    TensorFlow pick deterministic kernels, so that two runs with the same seed give the same
    weights. Determinism stays on for the rest of the process.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()
