"""Tests of ann.keras_models: builders, the subclassed model, the callback, saving, seeding.

Every model is tiny (a few units, one to three epochs on at most 64 instances).
"""

import keras
import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler
from tensorflow.python.framework import config as tf_config

from ann import keras_models as km

WIDE = [0, 1, 2, 3, 4]
DEEP = [2, 3, 4, 5, 6, 7]


@pytest.fixture(autouse=True)
def seeded():
    km.set_seed(0)


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(42)
    X = rng.normal(loc=3.0, scale=[1.0, 2.0, 0.5, 4.0, 1.0, 3.0, 0.2, 1.5], size=(64, 8))
    y = X @ rng.normal(size=8) + rng.normal(scale=0.1, size=64)
    return X.astype(np.float32), y.astype(np.float32)


def dense_summary(model):
    return [
        (layer.units, layer.activation.__name__)
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]


def as_list(predictions):
    return list(predictions) if isinstance(predictions, list | tuple) else [predictions]


# --------------------------------------------------------------------------------------------
# Sequential builders
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_shape", "n_classes", "hidden_units"),
    [((8, 8), 10, (6, 4)), (4, 3, (5,)), ((28, 28), 2, ())],
)
def test_classifier_layers_and_softmax_output(input_shape, n_classes, hidden_units):
    model = km.build_classifier(input_shape, n_classes, hidden_units)
    shape = (input_shape,) if isinstance(input_shape, int) else input_shape
    assert isinstance(model, keras.Sequential)
    assert isinstance(model.layers[0], keras.layers.Flatten)
    assert model.input_shape == (None, *shape)
    expected = [(units, "relu") for units in hidden_units] + [(n_classes, "softmax")]
    assert dense_summary(model) == expected
    probabilities = model.predict(np.random.default_rng(0).random((5, *shape)), verbose=0)
    assert probabilities.shape == (5, n_classes)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_classifier_learns_digit_images():
    from ann.data import load_digits

    split = load_digits(as_images=True, validation_size=0.1, test_size=0.1)
    model = km.build_classifier((8, 8), 10, (16,))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(split.X_train, split.y_train, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_classes": 1}, ValueError, "at least 2"),
        ({"n_classes": 2.5}, ValueError, "n_classes must be a positive integer"),
        ({"input_shape": (0, 3)}, ValueError, "input_shape must be a positive integer"),
        ({"input_shape": "28x28"}, TypeError, "input_shape must be a tuple"),
        ({"hidden_units": "30"}, TypeError, "hidden_units must be a sequence"),
        ({"hidden_units": (3, -1)}, ValueError, "hidden_units must be a positive integer"),
        ({"activation": "no_such_activation"}, ValueError, "name of a Keras activation"),
    ],
)
def test_classifier_rejects_bad_arguments(kwargs, error, message):
    arguments = {"input_shape": (4,), "n_classes": 3} | kwargs
    with pytest.raises(error, match=message):
        km.build_classifier(**arguments)


def test_regression_mlp_normalization_uses_training_statistics(regression_data):
    X, _ = regression_data
    model = km.build_regression_mlp(X, hidden_units=(4, 3))
    normalization = model.layers[0]
    assert isinstance(normalization, keras.layers.Normalization)
    np.testing.assert_allclose(np.ravel(normalization.mean), X.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(np.ravel(normalization.variance), X.var(axis=0), rtol=1e-5)
    standardized = keras.ops.convert_to_numpy(normalization(X))
    np.testing.assert_allclose(standardized, StandardScaler().fit_transform(X), atol=1e-4)
    assert dense_summary(model) == [(4, "relu"), (3, "relu"), (1, "linear")]
    assert model.predict(X, verbose=0).shape == (64, 1)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.zeros(5), "2-D array"),
        (np.zeros((0, 3)), "2-D array"),
        (np.array([[1.0, np.nan]]), "NaN or infinite"),
    ],
)
def test_regression_mlp_rejects_bad_training_sets(X, message):
    with pytest.raises(ValueError, match=message):
        km.build_regression_mlp(X)


# --------------------------------------------------------------------------------------------
# Functional Wide & Deep
# --------------------------------------------------------------------------------------------


def test_single_input_wide_and_deep_concatenates_inputs_and_deep_path(regression_data):
    X, _ = regression_data
    model = km.build_wide_and_deep(X, hidden_units=(5, 3))
    assert [tensor.shape for tensor in model.inputs] == [(None, 8)]
    concat = model.get_layer("concat")
    assert [tuple(tensor.shape) for tensor in concat.input] == [(None, 8), (None, 3)]
    assert concat.input[0] is model.get_layer("normalization").output
    assert [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)] == [
        5,
        3,
        1,
    ]
    assert model.predict(X, verbose=0).shape == (64, 1)


def test_two_input_model_accepts_a_dict_or_a_pair_and_trains(regression_data):
    X, y = regression_data
    model = km.build_wide_and_deep(X, wide_features=WIDE, deep_features=DEEP, hidden_units=(4,))
    assert [tensor.name for tensor in model.inputs] == [km.WIDE_INPUT, km.DEEP_INPUT]
    assert [tensor.shape for tensor in model.inputs] == [(None, 5), (None, 6)]
    wide_normalization = model.get_layer("wide_normalization")
    np.testing.assert_allclose(
        np.ravel(wide_normalization.mean), X[:, WIDE].mean(axis=0), rtol=1e-5
    )
    inputs = km.wide_and_deep_inputs(X, WIDE, DEEP)
    np.testing.assert_array_equal(inputs[km.DEEP_INPUT], X[:, DEEP])
    from_dict = model.predict(inputs, verbose=0)
    from_pair = model.predict((inputs[km.WIDE_INPUT], inputs[km.DEEP_INPUT]), verbose=0)
    np.testing.assert_array_equal(from_dict, from_pair)
    km.compile_regressor(model, learning_rate=0.01)
    history = model.fit(inputs, y, epochs=2, verbose=0)
    model.fit((inputs[km.WIDE_INPUT], inputs[km.DEEP_INPUT]), y, epochs=1, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.array_equal(model.predict(inputs, verbose=0), from_dict)


def test_auxiliary_output_loss_is_the_weighted_sum(regression_data):
    X, y = regression_data
    model = km.build_wide_and_deep(
        X, wide_features=WIDE, deep_features=DEEP, hidden_units=(4,), auxiliary_output=True
    )
    assert [tensor.shape for tensor in model.outputs] == [(None, 1), (None, 1)]
    km.compile_regressor(model, loss_weights=(0.9, 0.1))
    inputs = km.wide_and_deep_inputs(X, WIDE, DEEP)
    model.fit(inputs, (y, y), epochs=1, verbose=0)
    results = model.evaluate(inputs, (y, y), return_dict=True, verbose=0)
    main_loss = results[f"{km.MAIN_OUTPUT}_loss"]
    aux_loss = results[f"{km.AUX_OUTPUT}_loss"]
    np.testing.assert_allclose(results["loss"], 0.9 * main_loss + 0.1 * aux_loss, rtol=1e-5)
    main, aux = model.predict(inputs, verbose=0)
    np.testing.assert_allclose(main_loss, np.mean((main[:, 0] - y) ** 2), rtol=1e-4)
    np.testing.assert_allclose(aux_loss, np.mean((aux[:, 0] - y) ** 2), rtol=1e-4)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"wide_features": WIDE}, ValueError, "give both"),
        ({"wide_features": [0, 8], "deep_features": DEEP}, ValueError, r"in \[0, 8\)"),
        ({"wide_features": [1, 1], "deep_features": DEEP}, ValueError, "must not repeat"),
        ({"wide_features": [], "deep_features": DEEP}, TypeError, "non-empty sequence"),
    ],
)
def test_wide_and_deep_rejects_bad_feature_subsets(regression_data, kwargs, error, message):
    X, _ = regression_data
    with pytest.raises(error, match=message):
        km.build_wide_and_deep(X, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"loss_weights": (1.0,)}, ValueError, "2 output"),
        ({"loss_weights": (0.9, -0.1)}, ValueError, "non-negative"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a positive"),
        ({"learning_rate": "fast"}, TypeError, "learning_rate must be a number"),
    ],
)
def test_compile_regressor_rejects_bad_arguments(regression_data, kwargs, error, message):
    X, _ = regression_data
    model = km.build_wide_and_deep(X, hidden_units=(2,), auxiliary_output=True)
    with pytest.raises(error, match=message):
        km.compile_regressor(model, **kwargs)


# --------------------------------------------------------------------------------------------
# Subclassed Wide & Deep
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("auxiliary_output", [False, True])
def test_subclassed_model_matches_functional_model_with_copied_weights(
    regression_data, auxiliary_output
):
    X, _ = regression_data
    inputs = km.wide_and_deep_inputs(X, WIDE, DEEP)
    functional = km.build_wide_and_deep(
        X,
        wide_features=WIDE,
        deep_features=DEEP,
        hidden_units=(4, 3),
        auxiliary_output=auxiliary_output,
    )
    subclassed = km.WideAndDeepModel(hidden_units=(4, 3), auxiliary_output=auxiliary_output)
    subclassed(inputs)  # builds the weights, not yet adapted to the data
    expected = as_list(functional.predict(inputs, verbose=0))
    before = as_list(subclassed.predict(inputs, verbose=0))
    assert not np.allclose(before[0], expected[0])
    km.copy_weights(functional, subclassed)
    after = as_list(subclassed.predict(inputs, verbose=0))
    assert len(after) == len(expected) == (2 if auxiliary_output else 1)
    for result, reference in zip(after, expected, strict=True):
        np.testing.assert_allclose(result, reference, rtol=1e-5, atol=1e-6)


def test_subclassed_model_adapt_stores_the_input_statistics(regression_data):
    X, _ = regression_data
    model = km.WideAndDeepModel(hidden_units=(2,))
    model.adapt((X[:, WIDE], X[:, DEEP]))
    np.testing.assert_allclose(
        np.ravel(model.deep_normalization.mean), X[:, DEEP].mean(axis=0), rtol=1e-5
    )
    np.testing.assert_allclose(
        np.ravel(model.deep_normalization.variance), X[:, DEEP].var(axis=0), rtol=1e-5
    )


def test_predict_uses_the_statistics_of_a_later_adapt(regression_data):
    X, _ = regression_data
    inputs = km.wide_and_deep_inputs(X, WIDE, DEEP)
    model = km.WideAndDeepModel(hidden_units=(2,))
    before = model.predict(inputs, verbose=0)  # traced while the inputs were not standardized
    model.adapt(inputs)
    after = model.predict(inputs, verbose=0)
    assert not np.allclose(after, before)
    np.testing.assert_allclose(after, keras.ops.convert_to_numpy(model(inputs)), rtol=1e-5)


def test_subclassed_model_config_recreates_the_model():
    model = km.WideAndDeepModel(hidden_units=(7, 2), activation="tanh", auxiliary_output=True)
    clone = km.WideAndDeepModel.from_config(model.get_config())
    assert clone.hidden_units == (7, 2)
    assert clone.activation == "tanh"
    assert clone.auxiliary_output is True


@pytest.mark.parametrize(
    ("inputs", "error", "message"),
    [
        ({km.WIDE_INPUT: np.zeros((2, 5), np.float32)}, ValueError, "lacks the key"),
        ((np.zeros((2, 5), np.float32),) * 3, TypeError, "pair"),
    ],
)
def test_subclassed_model_rejects_malformed_inputs(inputs, error, message):
    with pytest.raises(error, match=message):
        km.WideAndDeepModel(hidden_units=(2,))(inputs)


def test_copy_weights_needs_matching_layer_names(regression_data):
    X, _ = regression_data
    source = km.build_wide_and_deep(X, hidden_units=(2,))
    target = km.WideAndDeepModel(hidden_units=(2,))
    target(km.wide_and_deep_inputs(X, WIDE, DEEP))
    with pytest.raises(ValueError, match="no layers named .*wide_normalization"):
        km.copy_weights(source, target)


# --------------------------------------------------------------------------------------------
# The LossRatioMonitor callback
# --------------------------------------------------------------------------------------------


def test_monitor_records_validation_to_training_loss_ratio(regression_data):
    X, y = regression_data
    model = km.build_regression_mlp(X[:48], hidden_units=(4,))
    model.compile(loss="mse", optimizer="adam")
    monitor = km.LossRatioMonitor(threshold=1.0)
    history = model.fit(
        X[:48], y[:48], validation_data=(X[48:], y[48:]), epochs=3, callbacks=[monitor], verbose=0
    )
    expected = np.array(history.history["val_loss"]) / np.array(history.history["loss"])
    np.testing.assert_allclose(monitor.ratios, expected, rtol=1e-6)
    assert monitor.flagged_epochs == [epoch for epoch, ratio in enumerate(expected) if ratio > 1.0]
    assert monitor.overfitting == bool(monitor.flagged_epochs)


def test_monitor_stops_training_after_patience_flagged_epochs(regression_data):
    X, y = regression_data
    model = km.build_regression_mlp(X, hidden_units=(4,))
    model.compile(loss="mse", optimizer="adam")
    monitor = km.LossRatioMonitor(threshold=1.5, patience=2)
    # Validation targets far from anything seen in training: the ratio is huge at once.
    history = model.fit(
        X, y, validation_data=(X, y + 100.0), epochs=5, callbacks=[monitor], verbose=0
    )
    assert len(history.history["loss"]) == 2
    assert monitor.flagged_epochs == [0, 1]
    assert monitor.overfitting


def test_monitor_needs_validation_data(regression_data):
    X, y = regression_data
    model = km.build_regression_mlp(X, hidden_units=(2,))
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="validation_data or validation_split"):
        model.fit(X, y, epochs=1, callbacks=[km.LossRatioMonitor()], verbose=0)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"threshold": 0}, ValueError),
        ({"threshold": "1.2"}, TypeError),
        ({"patience": 0}, ValueError),
    ],
)
def test_monitor_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        km.LossRatioMonitor(**kwargs)


# --------------------------------------------------------------------------------------------
# Saving and restoring
# --------------------------------------------------------------------------------------------


def trained_models(X, y):
    """A Sequential, a functional and a subclassed model, each trained for one epoch."""
    inputs = km.wide_and_deep_inputs(X, WIDE, DEEP)
    sequential = km.compile_regressor(km.build_regression_mlp(X, hidden_units=(3,)))
    functional = km.compile_regressor(
        km.build_wide_and_deep(
            X, wide_features=WIDE, deep_features=DEEP, hidden_units=(3,), auxiliary_output=True
        ),
        loss_weights=(0.9, 0.1),
    )
    subclassed = km.WideAndDeepModel(hidden_units=(3,))
    subclassed.adapt(inputs)
    km.compile_regressor(subclassed)
    sequential.fit(X, y, epochs=1, verbose=0)
    functional.fit(inputs, (y, y), epochs=1, verbose=0)
    subclassed.fit(inputs, y, epochs=1, verbose=0)
    return [(sequential, X), (functional, inputs), (subclassed, inputs)]


def test_whole_model_round_trip_gives_identical_predictions(regression_data, tmp_path):
    X, y = regression_data
    for number, (model, inputs) in enumerate(trained_models(X[:16], y[:16])):
        path = km.save_model(model, tmp_path / "models" / f"model_{number}.keras")
        restored = km.load_model(path)
        assert type(restored) is type(model)
        assert int(restored.optimizer.iterations) == int(model.optimizer.iterations) > 0
        for result, expected in zip(
            as_list(restored.predict(inputs, verbose=0)),
            as_list(model.predict(inputs, verbose=0)),
            strict=True,
        ):
            np.testing.assert_array_equal(result, expected)


def test_weights_round_trip_into_a_fresh_model(regression_data, tmp_path):
    X, y = regression_data
    model = km.compile_regressor(km.build_regression_mlp(X, hidden_units=(3,)))
    model.fit(X, y, epochs=1, verbose=0)
    path = km.save_weights(model, tmp_path / "mlp.weights.h5")
    fresh = km.build_regression_mlp(np.zeros((2, 8), np.float32), hidden_units=(3,))
    assert not np.allclose(fresh.predict(X, verbose=0), model.predict(X, verbose=0))
    restored = km.load_weights(fresh, path)
    np.testing.assert_array_equal(restored.predict(X, verbose=0), model.predict(X, verbose=0))


def test_saving_checks_file_names(regression_data, tmp_path):
    X, _ = regression_data
    model = km.build_regression_mlp(X, hidden_units=(2,))
    with pytest.raises(ValueError, match=r"must end with '\.keras'"):
        km.save_model(model, tmp_path / "model.h5")
    with pytest.raises(ValueError, match=r"must end with '\.weights\.h5'"):
        km.save_weights(model, tmp_path / "model.h5")
    with pytest.raises(FileNotFoundError, match="no saved file"):
        km.load_model(tmp_path / "absent.keras")
    with pytest.raises(ValueError, match="has not created its weights yet"):
        km.save_model(km.WideAndDeepModel(), tmp_path / "unbuilt.keras")
    with pytest.raises(FileNotFoundError, match="no saved file"):
        km.load_weights(model, tmp_path / "absent.weights.h5")


# --------------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------------


def train_with_seed(seed, X, y):
    km.set_seed(seed)
    model = km.build_regression_mlp(X, hidden_units=(5,))
    model.compile(loss="mse", optimizer="sgd")
    model.fit(X, y, epochs=2, batch_size=8, shuffle=True, verbose=0)
    return model.get_weights()


def test_same_seed_gives_identical_weights(regression_data):
    X, y = regression_data
    first, second = train_with_seed(7, X, y), train_with_seed(7, X, y)
    other = train_with_seed(8, X, y)
    assert tf_config.is_op_determinism_enabled()  # no public accessor in TensorFlow 2.21
    for weights, again in zip(first, second, strict=True):
        np.testing.assert_array_equal(weights, again)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other, strict=True))


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="non-negative integer"):
        km.set_seed(seed)
