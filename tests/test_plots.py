"""Tests of ann.plots: each figure has the expected artists, and bad inputs raise clear errors."""

from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.contour import ContourSet
from sklearn.datasets import load_iris
from sklearn.linear_model import Perceptron

from ann import mcculloch_pitts as mp
from ann import plots
from ann.activations import ACTIVATIONS

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test opened."""
    yield
    plt.close("all")


def patches_with_gid(ax, gid):
    return [patch for patch in ax.patches if patch.get_gid() == gid]


def collection_with_gid(ax, gid):
    matches = [collection for collection in ax.collections if collection.get_gid() == gid]
    assert len(matches) <= 1
    return matches[0] if matches else None


def all_texts(figure):
    return [text.get_text() for ax in figure.axes for text in ax.texts]


# --------------------------------------------------------------------------------------------------
# Activation functions


def test_activations_default_is_figure_10_8():
    figure = plots.plot_activations()
    function_ax, derivative_ax = figure.axes
    names = ["step", "sigmoid", "tanh", "relu"]
    assert len(function_ax.lines) == len(derivative_ax.lines) == len(names)
    for name, function_line, derivative_line in zip(
        names, function_ax.lines, derivative_ax.lines, strict=True
    ):
        z = function_line.get_xdata()
        np.testing.assert_array_equal(function_line.get_ydata(), ACTIVATIONS[name].function(z))
        np.testing.assert_array_equal(derivative_line.get_ydata(), ACTIVATIONS[name].derivative(z))
        assert function_line.get_color() == derivative_line.get_color()
        assert function_line.get_label() == plots.DEFAULT_ACTIVATION_LABELS[name]
    assert 0.0 in function_ax.lines[0].get_xdata()  # the jump of the step function is drawn


@pytest.mark.parametrize(
    "names", [("sigmoid",), ("relu", "softplus", "identity"), tuple(ACTIVATIONS)]
)
def test_activations_draw_two_lines_per_name(names):
    figure = plots.plot_activations(names)
    assert sum(len(ax.lines) for ax in figure.axes) == 2 * len(names)
    styles = {(line.get_color(), line.get_linestyle()) for line in figure.axes[0].lines}
    assert len(styles) == len(names)


def test_activations_text_is_replaceable():
    figure = plots.plot_activations(
        ["relu", "tanh"], labels={"relu": "R"}, xlabel="entrée", titles=("f", "g")
    )
    function_ax, derivative_ax = figure.axes
    assert [text.get_text() for text in function_ax.get_legend().get_texts()] == ["R", r"$\tanh$"]
    assert (function_ax.get_title(), derivative_ax.get_title()) == ("f", "g")
    assert function_ax.get_xlabel() == derivative_ax.get_xlabel() == "entrée"


def test_activations_draw_into_given_axes():
    figure, axes = plt.subplots(1, 2)
    assert plots.plot_activations(["sigmoid"], axes=axes) is figure
    assert [len(ax.lines) for ax in axes] == [1, 1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"names": ["sigmoid", "swish"]}, "unknown activation 'swish'"),
        ({"names": []}, "at least one"),
        ({"z_range": (2.0, -2.0)}, "low < high"),
        ({"n_points": 1}, "n_points"),
        ({"axes": [None]}, "Axes"),
    ],
)
def test_activations_reject_bad_input(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        plots.plot_activations(**kwargs)


def test_activations_need_one_axes_per_panel():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="2 panel"):
        plots.plot_activations(axes=[ax])


# --------------------------------------------------------------------------------------------------
# Decision boundary


def region_colors_at(figure, ax, points):
    """RGB colours drawn at data ``points``, with the training points, lines and legend hidden."""
    for artist in [*ax.collections, ax.get_legend()]:
        if artist is not None and not (isinstance(artist, ContourSet) and artist.filled):
            artist.set_visible(False)
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3] / 255.0
    columns, rows = ax.transData.transform(points).T
    return pixels[pixels.shape[0] - 1 - np.round(rows).astype(int), np.round(columns).astype(int)]


def filled_regions(ax):
    [regions] = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    return regions


CORNERS = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])


def test_decision_boundary_of_a_known_rule():
    def rule(X):
        return (X[:, 0] > 0).astype(int)

    figure = plots.plot_decision_boundary(rule, CORNERS, rule(CORNERS), resolution=101)
    ax = figure.axes[0]
    region_colors = filled_regions(ax).get_facecolor()[:, :3]
    for region_color, class_color in zip(region_colors, plots.CLASS_COLORS, strict=False):
        # a tint of the class colour: the same colour mixed with white
        share_of_color = (1 - region_color) / (1 - np.array(to_rgb(class_color)))
        np.testing.assert_allclose(share_of_color, share_of_color[0])
        assert 0.1 < share_of_color[0] < 0.5

    # the boundary line runs along x1 = 0, within half a grid step (the grid spans [-1.2, 1.2])
    boundary_x1 = np.concatenate(
        [
            path.vertices[:, 0]
            for c in ax.collections
            if isinstance(c, ContourSet) and not c.filled
            for path in c.get_paths()
        ]
    )
    assert boundary_x1.size > 0
    assert np.max(np.abs(boundary_x1)) <= 0.5 * 2.4 / 100 + 1e-9

    probes = np.array([[-0.6, -0.5], [-0.3, 0.7], [0.6, -0.5], [0.3, 0.7]])
    drawn = region_colors_at(figure, ax, probes)
    expected = region_colors[rule(probes)]
    np.testing.assert_allclose(drawn, expected, atol=2 / 255)


def test_decision_boundary_matches_scikit_learn_perceptron():
    iris = load_iris()
    X = iris.data[:, 2:4]
    y = (iris.target == 0).astype(int)
    perceptron = Perceptron(random_state=42).fit(X, y)
    figure = plots.plot_decision_boundary(perceptron, X, y, resolution=200)
    ax = figure.axes[0]
    rng = np.random.default_rng(0)
    low, high = np.array([ax.get_xlim(), ax.get_ylim()]).T
    inset = 0.05 * (high - low)  # stay clear of the axes' frame
    probes = rng.uniform(low + inset, high - inset, size=(300, 2))
    probes = probes[np.abs(perceptron.decision_function(probes)) > 0.5]  # away from the boundary
    drawn = region_colors_at(figure, ax, probes)
    expected = filled_regions(ax).get_facecolor()[perceptron.predict(probes), :3]
    np.testing.assert_allclose(drawn, expected, atol=2 / 255)
    assert set(perceptron.predict(probes)) == {0, 1}


class DiagonalRule:
    """A predictor object with string classes: 'above' when x2 > x1."""

    def predict(self, X):
        return np.where(X[:, 1] > X[:, 0], "above", "below")


def test_decision_boundary_with_predict_method_and_string_classes():
    predictor = DiagonalRule()
    y = predictor.predict(CORNERS[[0, 1, 2]])
    figure = plots.plot_decision_boundary(predictor, CORNERS[[0, 1, 2]], y, xlabel="a", ylabel="b")
    ax = figure.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [p.get_label() for p in points] == ["above", "below"]  # classes in sorted order
    np.testing.assert_allclose(points[0].get_facecolor()[0, :3], to_rgb(plots.CLASS_COLORS[0]))
    assert [p.get_offsets().shape[0] for p in points] == [1, 2]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")
    drawn = region_colors_at(figure, ax, np.array([[-0.5, 0.5], [0.5, -0.5]]))
    np.testing.assert_allclose(drawn, filled_regions(ax).get_facecolor()[:, :3], atol=2 / 255)


def test_decision_boundary_legend_labels():
    X = CORNERS
    y = np.array([0, 0, 1, 1])
    figure = plots.plot_decision_boundary(lambda X: X[:, 0] > 0, X, y)
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["$y=0$", "$y=1$"]
    figure = plots.plot_decision_boundary(
        lambda X: X[:, 0] > 0, X, y, class_labels={1: "setosa"}, legend=True
    )
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["$y=0$", "setosa"]
    figure = plots.plot_decision_boundary(lambda X: X[:, 0] > 0, X, y, legend=False)
    assert figure.axes[0].get_legend() is None


def test_decision_boundary_of_a_constant_predictor_has_no_boundary_line():
    figure = plots.plot_decision_boundary(lambda X: np.zeros(len(X)), CORNERS, np.zeros(4))
    contours = [c for c in figure.axes[0].collections if isinstance(c, ContourSet)]
    assert len(contours) == 1 and contours[0].filled


@pytest.mark.parametrize(
    ("predictor", "X", "y", "error", "message"),
    [
        (lambda X: X[:, 0] > 0, np.zeros((4, 3)), np.zeros(4), ValueError, r"\(n_samples, 2\)"),
        (lambda X: X[:, 0] > 0, CORNERS, np.zeros(3), ValueError, "y must have shape"),
        (lambda X: X[:, 0] > 0, CORNERS * np.nan, np.zeros(4), ValueError, "finite"),
        (42, CORNERS, np.zeros(4), TypeError, "predict"),
        (lambda X: X, CORNERS, np.zeros(4), ValueError, "one class label per point"),
        (lambda X: X[:, 0], CORNERS, np.zeros(4), ValueError, "labels \\(not scores\\)"),
        (DiagonalRule(), CORNERS, np.zeros(4), TypeError, "both must be numbers or both strings"),
    ],
)
def test_decision_boundary_rejects_bad_input(predictor, X, y, error, message):
    with pytest.raises(error, match=message):
        plots.plot_decision_boundary(predictor, X, y, resolution=20)


# --------------------------------------------------------------------------------------------------
# Learning curves

HISTORY = {
    # Keras lists metrics before the loss; the plot puts the loss first.
    "accuracy": [0.5, 0.7, 0.8],
    "loss": [0.9, 0.6, 0.4],
    "val_accuracy": [0.4, 0.6, 0.7],
    "val_loss": [1.0, 0.8, 0.7],
}


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.lines}


@pytest.mark.parametrize("history", [HISTORY, SimpleNamespace(history=HISTORY)])
def test_learning_curves_plot_every_value(history):
    figure = plots.plot_learning_curves(history)
    [ax] = figure.axes
    assert [line.get_label() for line in ax.lines] == [
        "loss",
        "val_loss",
        "accuracy",
        "val_accuracy",
    ]
    for key, line in lines_by_label(ax).items():
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(line.get_ydata(), HISTORY[key])
        assert (line.get_linestyle() == "--") == key.startswith("val_")
    lines = lines_by_label(ax)
    assert lines["loss"].get_color() == lines["val_loss"].get_color()
    assert lines["loss"].get_color() != lines["accuracy"].get_color()
    assert ax.get_xlabel() == "epoch"


def test_learning_curves_one_panel_per_metric():
    figure = plots.plot_learning_curves(HISTORY, shared_axis=False, xlabel="époque")
    loss_ax, accuracy_ax = figure.axes
    assert list(lines_by_label(loss_ax)) == ["loss", "val_loss"]
    assert list(lines_by_label(accuracy_ax)) == ["accuracy", "val_accuracy"]
    assert loss_ax.get_xlabel() == accuracy_ax.get_xlabel() == "époque"


def test_learning_curves_chosen_keys_and_labels():
    _, ax = plt.subplots()
    plots.plot_learning_curves(
        HISTORY, keys=["val_loss", "accuracy"], labels={"val_loss": "validation"}, axes=ax
    )
    assert [line.get_label() for line in ax.lines] == ["validation", "accuracy"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), HISTORY["val_loss"])


@pytest.mark.parametrize(
    ("history", "keys", "error", "message"),
    [
        ({"accuracy": [0.5, 0.6]}, None, ValueError, "no 'loss'"),
        (HISTORY, ["loss", "mae"], ValueError, r"\['mae'\]"),
        (HISTORY, [], ValueError, "non-empty"),
        ({"loss": [1.0, 0.5], "val_loss": [1.0]}, None, ValueError, "one value per epoch"),
        ({"loss": []}, None, ValueError, "no epochs"),
        ([0.9, 0.6], None, TypeError, "History"),
    ],
)
def test_learning_curves_reject_bad_input(history, keys, error, message):
    with pytest.raises(error, match=message):
        plots.plot_learning_curves(history, keys)


# --------------------------------------------------------------------------------------------------
# McCulloch–Pitts networks

NETWORKS = [
    mp.identity_network,
    mp.and_network,
    mp.or_network,
    mp.and_not_network,
    mp.not_network,
    mp.xor_network,
    mp.half_adder_network,
]


@pytest.mark.parametrize("make_network", NETWORKS)
def test_mp_network_has_a_node_per_signal_and_an_arrow_per_connection(make_network):
    network = make_network()
    ax = plots.plot_mp_network(network).axes[0]
    sources = {source for neuron in network.neurons.values() for source in neuron.sources}
    n_nodes = len(network.inputs) + len(network.neurons) + (mp.ALWAYS_ON in sources)
    assert len(patches_with_gid(ax, "node")) == n_nodes
    neurons = network.neurons.values()
    n_excitatory = sum(len(neuron.excitatory) for neuron in neurons)
    n_inhibitory = sum(len(neuron.inhibitory) for neuron in neurons)
    assert len(patches_with_gid(ax, "excitatory")) == n_excitatory
    assert len(patches_with_gid(ax, "inhibitory")) == n_inhibitory
    assert len(patches_with_gid(ax, "inhibitory-end")) == n_inhibitory
    assert len(patches_with_gid(ax, "output")) == len(network.outputs)


def node_centers(ax):
    return {
        text.get_text(): np.array(text.get_position())
        for text in ax.texts
        if "theta" not in text.get_text()
    }


def test_mp_network_layout_and_arrow_geometry():
    ax = plots.plot_mp_network(mp.xor_network(), node_labels={"A_and_not_B": "D"}).axes[0]
    centers = node_centers(ax)
    assert centers["A"][0] == centers["B"][0] < centers["D"][0] == centers["B_and_not_A"][0]
    assert centers["D"][0] < centers["C"][0]
    [radius] = {patch.radius for patch in patches_with_gid(ax, "node")}
    # every connection starts on a source node's circle and ends on a later node's circle
    for arrow in patches_with_gid(ax, "excitatory"):
        vertices = arrow.get_path().vertices
        tail, tip = vertices[0], vertices[np.argmax(vertices[:, 0])]
        distances_tail = [np.linalg.norm(tail - c) for c in centers.values()]
        distances_tip = [np.linalg.norm(tip - c) for c in centers.values()]
        assert min(distances_tail) == pytest.approx(radius, abs=1e-6)
        assert min(distances_tip) == pytest.approx(radius, abs=0.02)
    # parallel arrows from one source do not overlap
    tails = [
        tuple(np.round(a.get_path().vertices[0], 6)) for a in patches_with_gid(ax, "excitatory")
    ]
    assert len(set(tails)) == len(tails)


def test_mp_network_inhibitory_connection_ends_in_a_circle_at_the_neuron():
    ax = plots.plot_mp_network(mp.and_not_network()).axes[0]
    centers = node_centers(ax)
    [end] = patches_with_gid(ax, "inhibitory-end")
    [inhibitory] = patches_with_gid(ax, "inhibitory")
    [radius] = {patch.radius for patch in patches_with_gid(ax, "node")}
    assert np.linalg.norm(np.array(end.center) - centers["C"]) == pytest.approx(radius + end.radius)
    assert np.linalg.norm(inhibitory.get_path().vertices[-1] - end.center) == pytest.approx(
        end.radius, abs=1e-6
    )
    assert type(inhibitory.get_arrowstyle()) is not type(
        patches_with_gid(ax, "excitatory")[0].get_arrowstyle()
    )


def test_mp_network_shows_only_non_default_thresholds():
    assert not [t for t in all_texts(plots.plot_mp_network(mp.or_network())) if "theta" in t]
    network = mp.MPNetwork(
        inputs=("A", "B", "C"),
        neurons={"D": mp.MPNeuron(("A", "B", "C"), threshold=3), "E": mp.MPNeuron(("D", "D"))},
        outputs=("D", "E"),
    )
    assert r"$\theta=3$" in all_texts(plots.plot_mp_network(network))
    texts = all_texts(plots.plot_mp_network(network, threshold_label="s={}"))
    assert "s=3" in texts and not [t for t in texts if t.startswith("s=") and t != "s=3"]


def test_mp_network_node_labels():
    texts = all_texts(plots.plot_mp_network(mp.not_network()))
    assert sorted(texts) == sorted(["A", "$1$", "C"])
    texts = all_texts(plots.plot_mp_network(mp.not_network(), node_labels={"ON": "1", "C": "¬A"}))
    assert sorted(texts) == sorted(["A", "1", "¬A"])


def test_mp_network_rejects_other_objects():
    with pytest.raises(TypeError, match="MPNetwork"):
        plots.plot_mp_network({"inputs": ("A",)})


# --------------------------------------------------------------------------------------------------
# MLP architecture


def shown(size, max_neurons):
    return min(size, max_neurons)


@settings(max_examples=25, deadline=None)
@given(
    layer_sizes=st.lists(st.integers(1, 12), min_size=2, max_size=5),
    max_neurons=st.integers(2, 8),
    bias=st.booleans(),
)
def test_mlp_architecture_counts_circles_and_connections(layer_sizes, max_neurons, bias):
    figure = plots.plot_mlp_architecture(layer_sizes, max_neurons=max_neurons, bias=bias)
    ax = figure.axes[0]
    drawn = [shown(size, max_neurons) for size in layer_sizes]
    assert len(patches_with_gid(ax, "neuron")) == sum(drawn)
    connections = collection_with_gid(ax, "connections")
    assert len(connections.get_segments()) == sum(
        a * b for a, b in zip(drawn[:-1], drawn[1:], strict=True)
    )
    bias_connections = collection_with_gid(ax, "bias-connections")
    if bias:
        assert len(patches_with_gid(ax, "bias")) == len(layer_sizes) - 1
        assert len(bias_connections.get_segments()) == sum(drawn[1:])
    else:
        assert not patches_with_gid(ax, "bias") and bias_connections is None
    n_ellipses = sum(size > max_neurons for size in layer_sizes)
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == n_ellipses
    plt.close(figure)


def test_mlp_architecture_connects_consecutive_layers_only():
    ax = plots.plot_mlp_architecture([3, 4, 2], bias=True).axes[0]
    centers = {tuple(p.center) for p in patches_with_gid(ax, "neuron")}
    columns = sorted({x for x, _ in centers})
    assert [sum(x == column for x, _ in centers) for column in columns] == [3, 4, 2]
    for start, end in collection_with_gid(ax, "connections").get_segments():
        assert tuple(start) in centers and tuple(end) in centers
        assert columns.index(end[0]) == columns.index(start[0]) + 1
    bias_centers = {tuple(p.center) for p in patches_with_gid(ax, "bias")}
    for start, end in collection_with_gid(ax, "bias-connections").get_segments():
        assert tuple(start) in bias_centers and tuple(end) in centers
        assert start[0] < end[0]


def test_mlp_architecture_big_layers_are_abbreviated():
    figure = plots.plot_mlp_architecture([784, 300, 100, 10])
    ax = figure.axes[0]
    assert len(patches_with_gid(ax, "neuron")) == 4 * 8
    assert len([c for c in ax.collections if isinstance(c, PathCollection)]) == 4
    texts = all_texts(figure)
    assert len(texts) == 4 and all(
        str(size) in text for size, text in zip([784, 300, 100, 10], texts, strict=True)
    )


def test_mlp_architecture_labels_are_replaceable():
    figure = plots.plot_mlp_architecture(
        [2, 1], layer_labels=["entrée", ""], bias=True, bias_label="b"
    )
    assert sorted(all_texts(figure)) == sorted(["entrée", "", "b"])


@pytest.mark.parametrize(
    ("layer_sizes", "kwargs", "error", "message"),
    [
        ([], {}, ValueError, "at least an input and an output"),
        ([3], {}, ValueError, "at least an input and an output"),
        ([2, 0, 1], {}, ValueError, "integer >= 1"),
        ([2, 1.5], {}, ValueError, "integer >= 1"),
        ("21", {}, TypeError, "sequence of ints"),
        (3, {}, TypeError, "sequence of ints"),
        ([2, 1], {"max_neurons": 1}, ValueError, "max_neurons"),
        ([2, 1], {"layer_labels": ["x"]}, ValueError, "2 entries"),
        ([2, 1], {"ax": "left"}, TypeError, "Axes"),
    ],
)
def test_mlp_architecture_rejects_bad_input(layer_sizes, kwargs, error, message):
    with pytest.raises(error, match=message):
        plots.plot_mlp_architecture(layer_sizes, **kwargs)


# --------------------------------------------------------------------------------------------------
# Biological neuron


def patch_geometry(ax):
    """Every patch as (gid, vertices in data coordinates)."""
    return [
        (patch.get_gid(), patch.get_patch_transform().transform(patch.get_path().vertices))
        for patch in ax.patches
    ]


def test_biological_neuron_has_every_part_and_no_text():
    figure = plots.plot_biological_neuron()
    [ax] = figure.axes
    gids = {patch.get_gid() for patch in ax.patches}
    assert {"soma", "nucleus", "dendrite", "axon", "myelin", "telodendria", "synapse"} <= gids
    assert not figure.texts and not ax.texts and ax.get_legend() is None
    assert ax.get_title() == "" and not ax.axison
    synapses = [patch.center[0] for patch in patches_with_gid(ax, "synapse")]
    dendrite_x = np.concatenate([v[:, 0] for gid, v in patch_geometry(ax) if gid == "dendrite"])
    assert min(synapses) > dendrite_x.max()  # dendrites on the left, synapses at the far right


def test_biological_neuron_is_deterministic():
    first = patch_geometry(plots.plot_biological_neuron().axes[0])
    second = patch_geometry(plots.plot_biological_neuron().axes[0])
    other_seed = patch_geometry(plots.plot_biological_neuron(seed=5).axes[0])
    assert [gid for gid, _ in first] == [gid for gid, _ in second]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(first, second, strict=True))
    assert not all(
        a.shape == b.shape and np.allclose(a, b)
        for (_, a), (_, b) in zip(first, other_seed, strict=False)
    )


def test_biological_neuron_draws_into_given_axes():
    figure, (left, right) = plt.subplots(1, 2)
    assert plots.plot_biological_neuron(ax=right) is figure
    assert not left.patches and right.patches
