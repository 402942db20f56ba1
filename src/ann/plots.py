"""Figures of the book, drawn with matplotlib.

Every function draws one figure of the chapter and returns its
:class:`~matplotlib.figure.Figure`. Pass ``ax`` (or ``axes`` for figures with several panels) to
draw into existing axes; otherwise a new figure is created with :func:`matplotlib.pyplot.subplots`.
Nothing is random unless a seed is given, so the same call always draws the same picture.

The book is translated, so no sentence is drawn into a figure: every piece of text (axis labels,
legend entries, titles) is an argument with a short, mostly mathematical default such as ``"$z$"``.

- :func:`plot_activations`: activation functions and their derivatives (Figure 10-8).
- :func:`plot_decision_boundary`: the regions a fitted classifier assigns to each class, in 2-D.
- :func:`plot_learning_curves`: loss and metrics per epoch from a Keras ``History``.
- :func:`plot_mp_network`: a network of McCulloch–Pitts neurons (Figure 10-3).
- :func:`plot_mlp_architecture`: the layers of a multilayer perceptron (Figure 10-7).
- :func:`plot_biological_neuron`: a schematic biological neuron (Figure 10-1).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from numbers import Integral, Real
from typing import Any, Protocol

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, PathPatch, Polygon
from matplotlib.path import Path
from numpy.typing import ArrayLike, NDArray

from ann.activations import get_activation
from ann.mcculloch_pitts import ALWAYS_ON, MPNetwork, MPNeuron

__all__ = [
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "plot_activations",
    "plot_biological_neuron",
    "plot_decision_boundary",
    "plot_learning_curves",
    "plot_mlp_architecture",
    "plot_mp_network",
]

CLASS_COLORS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)
"""Colours of the classes and curves, in order: the Okabe–Ito palette, safe for colour blindness."""

CLASS_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")
"""Marker of each class, so classes stay distinct in grey-scale print."""

LINE_STYLES: tuple[str, ...] = ("-", "--", "-.", ":")
"""Line style of each curve, in order, for the same reason."""

INK = "#333333"
"""Colour of outlines, arrows and node text."""

NODE_RADIUS = 0.3
LAYER_GAP = 2.0
ROW_GAP = 1.0
"""Geometry of the network drawings, in data units: node size, distance between columns and rows."""


# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------


def _figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """Return ``ax`` and its figure, or a new figure of size ``figsize`` with one axes."""
    if ax is None:
        figure, ax = plt.subplots(figsize=figsize)
        return figure, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax.figure, ax


def _figure_and_axes_list(
    axes: Axes | Sequence[Axes] | None, n_panels: int, panel_size: tuple[float, float]
) -> tuple[Figure, list[Axes]]:
    """Return ``n_panels`` axes side by side: the ones given, or those of a new figure."""
    if axes is None:
        width, height = panel_size
        figure, new_axes = plt.subplots(1, n_panels, figsize=(width * n_panels, height))
        return figure, list(np.atleast_1d(new_axes))
    axes_list = [axes] if isinstance(axes, Axes) else list(axes)
    if not all(isinstance(each, Axes) for each in axes_list):
        raise TypeError("axes must be a matplotlib Axes, a sequence of Axes, or None")
    if len(axes_list) != n_panels:
        raise ValueError(f"this figure has {n_panels} panel(s); got {len(axes_list)} axes")
    return axes_list[0].figure, axes_list


def _lighten(color: str, amount: float = 0.75) -> tuple[float, ...]:
    """Mix ``color`` with white; ``amount`` is the share of white (0 keeps the colour)."""
    return tuple(channel + (1.0 - channel) * amount for channel in to_rgb(color))


def _centred_rows(n_rows: int) -> NDArray[np.float64]:
    """Heights of ``n_rows`` nodes stacked top to bottom, ``ROW_GAP`` apart, centred on 0."""
    return (n_rows - 1) / 2 * ROW_GAP - np.arange(n_rows) * ROW_GAP


def _hide_frame(ax: Axes) -> None:
    """Make ``ax`` a blank drawing area with equal scales on both axes (circles stay round)."""
    ax.set_aspect("equal")
    ax.set_axis_off()


# --------------------------------------------------------------------------------------------------
# 1. Activation functions and their derivatives (Figure 10-8)
# --------------------------------------------------------------------------------------------------

DEFAULT_ACTIVATION_LABELS: dict[str, str] = {
    "identity": "$z$",
    "step": r"$\mathrm{step}$",
    "sigmoid": r"$\sigma$",
    "tanh": r"$\tanh$",
    "relu": r"$\mathrm{ReLU}$",
    "softplus": r"$\mathrm{softplus}$",
}
"""Legend entry of each activation unless the caller gives another one."""


def plot_activations(
    names: Sequence[str] = ("step", "sigmoid", "tanh", "relu"),
    *,
    z_range: tuple[float, float] = (-5.0, 5.0),
    n_points: int = 1001,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "$z$",
    titles: tuple[str, str] = (r"$\phi(z)$", r"$\phi'(z)$"),
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Plot activation functions (left) and their derivatives (right), as in Figure 10-8.

    Each activation draws one line in each panel, in the same colour and style, so the left panel
    has ``len(names)`` lines and so does the right one.

    Parameters
    ----------
    names : sequence of str
        Names of activations registered in :data:`ann.activations.ACTIVATIONS`.
    z_range : (float, float)
        Interval of ``z`` on the horizontal axis.
    n_points : int
        Number of evenly spaced values of ``z`` (at least 2). With an odd number, ``z = 0`` is one
        of them, which shows where the step function jumps.
    labels : mapping of str to str, optional
        Legend entry for some or all names; the others use :data:`DEFAULT_ACTIVATION_LABELS` or,
        failing that, the name itself.
    xlabel : str
        Label of both horizontal axes.
    titles : (str, str)
        Titles of the left panel (functions) and right panel (derivatives).
    axes : pair of Axes, optional
        Where to draw; by default a new figure with two panels.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``names`` is empty, a name is unknown, or the range or number of points is invalid.
    """
    if isinstance(names, str):
        names = (names,)
    if len(names) == 0:
        raise ValueError("names must name at least one activation, e.g. ('sigmoid', 'relu')")
    activations = [get_activation(name) for name in names]
    low, high = (float(bound) for bound in z_range)
    if not low < high:
        raise ValueError(f"z_range must be (low, high) with low < high, got {z_range!r}")
    if not isinstance(n_points, Integral) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2, got {n_points!r}")
    legend_labels = {**DEFAULT_ACTIVATION_LABELS, **(labels or {})}

    figure, (function_ax, derivative_ax) = _figure_and_axes_list(axes, 2, (5.0, 3.6))
    z = np.linspace(low, high, n_points)
    for index, activation in enumerate(activations):
        style = {
            "color": CLASS_COLORS[index % len(CLASS_COLORS)],
            "linestyle": LINE_STYLES[index % len(LINE_STYLES)],
            "linewidth": 2,
            "label": legend_labels.get(activation.name, activation.name),
        }
        function_ax.plot(z, activation.function(z), **style)
        derivative_ax.plot(z, activation.derivative(z), **style)
    for ax, title in zip((function_ax, derivative_ax), titles, strict=True):
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_xlim(low, high)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left")
    return figure


# --------------------------------------------------------------------------------------------------
# 2. Decision boundary of a 2-D classifier
# --------------------------------------------------------------------------------------------------


class SupportsPredict(Protocol):
    """Anything with a scikit-learn style ``predict(X)`` method."""

    def predict(self, X: NDArray[np.float64]) -> ArrayLike: ...


def _predict_function(
    predictor: SupportsPredict | Callable[[NDArray[np.float64]], ArrayLike],
) -> Callable[[NDArray[np.float64]], ArrayLike]:
    """Return ``predictor.predict`` if it has one, else ``predictor`` itself if it is callable."""
    predict = getattr(predictor, "predict", None)
    if callable(predict):
        return predict
    if callable(predictor):
        return predictor
    raise TypeError(
        "predictor must be a callable f(X) -> labels or an object with a predict(X) method, "
        f"got {type(predictor).__name__}"
    )


def _class_regions(
    predict: Callable[[NDArray[np.float64]], ArrayLike],
    x1_grid: NDArray[np.float64],
    x2_grid: NDArray[np.float64],
) -> NDArray[Any]:
    """Predict the class of every grid point; return the labels shaped like the grid."""
    points = np.column_stack([x1_grid.ravel(), x2_grid.ravel()])
    predictions = np.asarray(predict(points))
    if predictions.ndim == 2 and predictions.shape[1] == 1:
        predictions = predictions[:, 0]
    if predictions.shape != (len(points),):
        raise ValueError(
            f"the predictor returned shape {predictions.shape} for {len(points)} points; "
            "expected one class label per point"
        )
    return predictions.reshape(x1_grid.shape)


def _all_classes(y: NDArray[Any], predicted: NDArray[Any]) -> NDArray[Any]:
    """Sorted class labels found in ``y`` or in the predictions, checking they are comparable."""
    is_numeric = [labels.dtype.kind in "biuf" for labels in (y, predicted)]
    if is_numeric[0] != is_numeric[1]:
        raise TypeError(
            f"the predictor returns labels of dtype {predicted.dtype} but y has dtype {y.dtype}; "
            "both must be numbers or both strings"
        )
    classes = np.unique(np.concatenate([np.unique(y), np.unique(predicted)]))
    if len(classes) > len(CLASS_COLORS):
        raise ValueError(
            f"found {len(classes)} distinct classes in y and the predictions, at most "
            f"{len(CLASS_COLORS)} can be drawn; does the predictor return labels (not scores)?"
        )
    return classes


def _box_blur(mask: NDArray[np.bool_], radius: int = 2) -> NDArray[np.float64]:
    """Average of each cell of ``mask`` over the square of cells within ``radius`` of it.

    Cells beyond the edges repeat the edge. The 0.5 level of the blurred mask follows the region's
    edge but passes between grid points at sub-cell positions, so the boundary line drawn along it
    is smooth instead of a staircase.
    """
    padded = np.pad(mask.astype(np.float64), radius, mode="edge")
    n_rows, n_columns = mask.shape
    width = 2 * radius + 1
    neighbours = [
        padded[row : row + n_rows, column : column + n_columns]
        for row in range(width)
        for column in range(width)
    ]
    return np.mean(neighbours, axis=0)


def _default_class_label(class_value: Any) -> str:
    """Legend entry of a class: ``$y=1$`` for numbers, the value itself otherwise."""
    if isinstance(class_value, Real | np.number) and not isinstance(class_value, bool):
        return f"$y={class_value}$"
    return str(class_value)


def plot_decision_boundary(
    predictor: SupportsPredict | Callable[[NDArray[np.float64]], ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    *,
    resolution: int = 300,
    margin: float = 0.1,
    class_labels: Mapping[Any, str] | None = None,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    legend: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Colour the plane by the class a fitted classifier predicts, and show the training points.

    The classifier is evaluated on a ``resolution`` x ``resolution`` grid covering the points (plus
    a ``margin``); each region is filled with a light version of its class colour, the boundary
    between regions is drawn as a thin line, and the points are drawn on top in the full colour and
    their class's marker. Used for the perceptron on the iris petals and for an MLP that solves XOR.

    Parameters
    ----------
    predictor : callable or object with ``predict``
        ``predictor.predict(X)`` or ``predictor(X)`` must return one class label per row of ``X``
        (an array of shape ``(n,)`` or ``(n, 1)``), with the same kind of labels as ``y``.
    X : array_like, shape (n_samples, 2)
        The two input features of the training points.
    y : array_like, shape (n_samples,)
        Their classes.
    resolution : int
        Grid points per axis (at least 2).
    margin : float
        Extra space around the points, as a fraction of their range on each axis.
    class_labels : mapping, optional
        Legend entry per class value; by default ``$y=0$``, ``$y=1$``... (or the value itself for
        non-numeric classes).
    xlabel, ylabel : str
        Axis labels.
    legend : bool
        Whether to draw a legend of the classes.
    ax : Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, 2)`` with finite values, ``y`` does not match it, the predictions have
        the wrong shape, or there are more classes than :data:`CLASS_COLORS`.
    TypeError
        If ``predictor`` can neither be called nor has a ``predict`` method.
    """
    predict = _predict_function(predictor)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n_samples, 2) with n_samples >= 1, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must contain only finite numbers")
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X, got {y.shape}")
    if not isinstance(resolution, Integral) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin!r}")

    low, high = X.min(axis=0), X.max(axis=0)
    padding = margin * np.where(high > low, high - low, 1.0)
    x1_grid, x2_grid = np.meshgrid(
        np.linspace(low[0] - padding[0], high[0] + padding[0], resolution),
        np.linspace(low[1] - padding[1], high[1] + padding[1], resolution),
    )
    predicted = _class_regions(predict, x1_grid, x2_grid)
    classes = _all_classes(y, predicted)
    class_index = np.searchsorted(classes, predicted)
    levels = np.arange(len(classes) + 1) - 0.5

    figure, ax = _figure_and_axes(ax, (5.5, 4.5))
    ax.contourf(
        x1_grid,
        x2_grid,
        class_index,
        levels=levels,
        colors=[_lighten(color) for color in CLASS_COLORS[: len(classes)]],
    )
    # One line per predicted class but the last draws every boundary between regions at least once.
    for index in np.unique(class_index)[:-1]:
        ax.contour(
            x1_grid,
            x2_grid,
            _box_blur(class_index == index),
            levels=[0.5],
            colors=INK,
            linewidths=1,
        )
    labels = class_labels or {}
    for index, class_value in enumerate(classes):
        members = y == class_value
        if members.any():
            ax.scatter(
                X[members, 0],
                X[members, 1],
                color=CLASS_COLORS[index],
                marker=CLASS_MARKERS[index],
                edgecolors="white",
                linewidths=0.5,
                s=36,
                label=labels.get(class_value, _default_class_label(class_value)),
                zorder=3,
            )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(loc="best", framealpha=0.9)
    return figure


# --------------------------------------------------------------------------------------------------
# 3. Learning curves
# --------------------------------------------------------------------------------------------------

VALIDATION_PREFIX = "val_"


def _history_dict(history: Any) -> Mapping[str, Any]:
    """Return the ``{name: values per epoch}`` dict of a Keras ``History`` or of a plain mapping."""
    if isinstance(history, Mapping):
        return history
    values = getattr(history, "history", None)
    if isinstance(values, Mapping):
        return values
    raise TypeError(
        "history must be a Keras History (or any object with a .history dict) or a dict of "
        f"lists per epoch, got {type(history).__name__}"
    )


def _curve_groups(history: Mapping[str, Any], keys: Sequence[str] | None) -> list[list[str]]:
    """Group keys by metric: ``[["loss", "val_loss"], ["accuracy", "val_accuracy"], ...]``.

    Without ``keys``, every metric of the history is used, loss first; then the history must have
    ``"loss"``. With ``keys``, each must be in the history.
    """
    if keys is None:
        if "loss" not in history:
            raise ValueError(
                f"history has no 'loss'; its keys are {sorted(history)}. "
                "Pass keys=[...] to choose the curves to plot."
            )
        keys = sorted(history, key=lambda key: key.removeprefix(VALIDATION_PREFIX) != "loss")
    else:
        if isinstance(keys, str):
            keys = [keys]
        missing = [key for key in keys if key not in history]
        if missing or len(keys) == 0:
            raise ValueError(
                f"keys {missing or list(keys)} cannot be plotted; expected a non-empty list of "
                f"keys among {sorted(history)}"
            )
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key.removeprefix(VALIDATION_PREFIX), []).append(key)
    return list(groups.values())


def _curve_values(history: Mapping[str, Any], groups: list[list[str]]) -> dict[str, np.ndarray]:
    """Return the values of each key as a float array, checking all have the same epochs."""
    curves = {key: np.asarray(history[key], dtype=np.float64) for group in groups for key in group}
    lengths = {key: values.shape for key, values in curves.items()}
    if any(len(shape) != 1 for shape in lengths.values()) or len(set(lengths.values())) != 1:
        raise ValueError(f"every curve must be a 1-D list of one value per epoch, got {lengths}")
    if next(iter(lengths.values())) == (0,):
        raise ValueError("the history is empty: it has no epochs")
    return curves


def plot_learning_curves(
    history: Any,
    keys: Sequence[str] | None = None,
    *,
    shared_axis: bool = True,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "epoch",
    axes: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Plot the loss and metrics recorded at each epoch of training (the learning curves).

    A metric and its validation counterpart (``"accuracy"`` and ``"val_accuracy"``) share a colour;
    training curves are solid and validation curves dashed. Epochs are numbered from 1.

    Parameters
    ----------
    history : keras.callbacks.History, object with a ``.history`` dict, or dict
        Values per epoch by name, as returned by ``model.fit``.
    keys : sequence of str, optional
        Which curves to draw. By default all of them, loss first (the history must then contain
        ``"loss"``).
    shared_axis : bool
        Draw every curve in one panel (default) or one panel per metric, each with its training
        and validation curves.
    labels : mapping of str to str, optional
        Legend entry per key; by default the key itself (``"loss"``, ``"val_loss"``...).
    xlabel : str
        Label of the horizontal axis.
    axes : Axes or sequence of Axes, optional
        Where to draw: one Axes when ``shared_axis`` is true, otherwise one per metric.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``history`` is neither a mapping nor has a ``.history`` mapping.
    ValueError
        If a requested key is missing (or ``"loss"`` when ``keys`` is not given), or the curves
        are empty or of different lengths.
    """
    values = _history_dict(history)
    groups = _curve_groups(values, keys)
    curves = _curve_values(values, groups)
    n_panels = 1 if shared_axis else len(groups)
    figure, panel_axes = _figure_and_axes_list(axes, n_panels, (6.0, 4.0))
    legend_labels = labels or {}
    epochs = np.arange(1, len(next(iter(curves.values()))) + 1)
    for index, group in enumerate(groups):
        ax = panel_axes[0 if shared_axis else index]
        for key in group:
            is_validation = key.startswith(VALIDATION_PREFIX)
            ax.plot(
                epochs,
                curves[key],
                color=CLASS_COLORS[index % len(CLASS_COLORS)],
                linestyle="--" if is_validation else "-",
                marker="." if len(epochs) <= 30 else None,
                linewidth=2,
                label=legend_labels.get(key, key),
            )
    for ax in panel_axes:
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
        ax.legend()
    return figure


# --------------------------------------------------------------------------------------------------
# 4. McCulloch–Pitts logic networks (Figure 10-3)
# --------------------------------------------------------------------------------------------------

PARALLEL_GAP = 0.15
"""Distance between the parallel arrows of a source connected several times to one neuron (at most:
many arrows are packed closer so that all of them still meet the node's circle)."""
INHIBITORY_END_RADIUS = 0.07
"""Radius of the small open circle that ends an inhibitory connection."""


def _default_threshold() -> int:
    """The threshold an :class:`MPNeuron` gets when none is given."""
    return next(field.default for field in fields(MPNeuron) if field.name == "threshold")


def _network_depths(network: MPNetwork) -> dict[str, int]:
    """Column of each node: 0 for inputs, ``1 + deepest source`` for a neuron.

    The always-active source ``ON`` is drawn as an input, in the first column, when a neuron reads
    it. The network lists its neurons in evaluation order, so sources are placed before readers.
    """
    depths = dict.fromkeys(network.inputs, 0)
    for name, neuron in network.neurons.items():
        for source in neuron.sources:
            depths.setdefault(source, 0)
        depths[name] = 1 + max(depths[source] for source in neuron.sources)
    return depths


def _node_positions(depths: Mapping[str, int]) -> dict[str, NDArray[np.float64]]:
    """Place the nodes of each column top to bottom, columns centred on ``y = 0``."""
    columns: dict[int, list[str]] = {}
    for name, depth in depths.items():
        columns.setdefault(depth, []).append(name)
    positions = {}
    for depth, names in columns.items():
        for name, height in zip(names, _centred_rows(len(names)), strict=True):
            positions[name] = np.array([depth * LAYER_GAP, height])
    return positions


def _arrow(
    tail: NDArray[np.float64], head: NDArray[np.float64], kind: str, gid: str
) -> FancyArrowPatch:
    """A straight connection from ``tail`` to ``head``, with an arrowhead if it is excitatory."""
    return FancyArrowPatch(
        tail,
        head,
        arrowstyle="-|>" if kind == "excitatory" else "-",
        mutation_scale=10,
        shrinkA=0,
        shrinkB=0,
        color=INK,
        linewidth=1.3,
        zorder=2,
        gid=gid,
    )


def _draw_connections(
    ax: Axes, start: NDArray[np.float64], end: NDArray[np.float64], kinds: Sequence[str]
) -> None:
    """Draw parallel connections from the node at ``start`` to the node at ``end``.

    Each kind is ``"excitatory"`` (an arrow) or ``"inhibitory"`` (a line ending in a small open
    circle). Lines start and end on the two circles' edges.
    """
    direction = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-direction[1], direction[0]])
    gap = min(PARALLEL_GAP, 1.2 * NODE_RADIUS / max(len(kinds) - 1, 1))
    offsets = (np.arange(len(kinds)) - (len(kinds) - 1) / 2) * gap
    for offset, kind in zip(offsets, kinds, strict=True):
        along = np.sqrt(NODE_RADIUS**2 - offset**2)
        tail = start + offset * normal + along * direction
        head = end + offset * normal - along * direction
        if kind == "inhibitory":
            marker_center = head - INHIBITORY_END_RADIUS * direction
            head = marker_center - INHIBITORY_END_RADIUS * direction
            ax.add_patch(
                Circle(
                    marker_center,
                    INHIBITORY_END_RADIUS,
                    facecolor="white",
                    edgecolor=INK,
                    linewidth=1.5,
                    zorder=3,
                    gid="inhibitory-end",
                )
            )
        ax.add_patch(_arrow(tail, head, kind, gid=kind))


def plot_mp_network(
    network: MPNetwork,
    *,
    node_labels: Mapping[str, str] | None = None,
    threshold_label: str = r"$\theta={}$",
    ax: Axes | None = None,
) -> Figure:
    """Draw a network of McCulloch–Pitts neurons, as in Figure 10-3.

    Inputs are on the left; each neuron sits in the column after its deepest source. An
    excitatory connection is an arrow (a source repeated ``k`` times draws ``k`` parallel arrows);
    an inhibitory one ends in a small open circle. A short arrow leaves each output neuron to the
    right (up and to the right if other neurons also read it, so as not to hide their connection).
    A neuron's threshold is written under its name only when it differs from the default.

    Parameters
    ----------
    network : MPNetwork
        The network to draw.
    node_labels : mapping of str to str, optional
        Text inside some nodes instead of their names; by default the always-on input shows ``1``.
    threshold_label : str
        Format of a non-default threshold; ``{}`` is replaced by its value.
    ax : Axes, optional
        Where to draw; by default a new figure sized to the network.

    Returns
    -------
    matplotlib.figure.Figure
        Node circles have the gid ``"node"``; connection arrows have the gid ``"excitatory"`` or
        ``"inhibitory"``; output arrows ``"output"``.
    """
    if not isinstance(network, MPNetwork):
        raise TypeError(f"network must be an MPNetwork, got {type(network).__name__}")
    positions = _node_positions(_network_depths(network))
    texts = {ALWAYS_ON: "$1$", **(node_labels or {})}
    default_threshold = _default_threshold()
    read_by_neurons = {source for neuron in network.neurons.values() for source in neuron.sources}
    output_arrows = []
    for name in network.outputs:
        angle = np.pi / 4 if name in read_by_neurons else 0.0
        direction = np.array([np.cos(angle), np.sin(angle)])
        tail = positions[name] + NODE_RADIUS * direction
        output_arrows.append((tail, tail + 0.6 * direction))

    extremes = np.array([*positions.values(), *(head for _, head in output_arrows)])
    low = extremes.min(axis=0) - 2 * NODE_RADIUS
    high = extremes.max(axis=0) + 2 * NODE_RADIUS
    figure, ax = _figure_and_axes(ax, tuple(np.maximum(1.1 * (high - low), 2.0)))

    for name, center in positions.items():
        neuron = network.neurons.get(name)
        ax.add_patch(
            Circle(
                center,
                NODE_RADIUS,
                facecolor=_lighten(CLASS_COLORS[0], 0.8 if neuron is None else 0.55),
                edgecolor=INK,
                linewidth=1.5,
                zorder=2,
                gid="node",
            )
        )
        text = texts.get(name, name)
        if neuron is None or neuron.threshold == default_threshold:
            ax.text(*center, text, ha="center", va="center", fontsize=12, zorder=4)
        else:
            ax.text(*center + [0, 0.08], text, ha="center", va="center", fontsize=11, zorder=4)
            threshold_text = threshold_label.format(neuron.threshold)
            ax.text(*center - [0, 0.13], threshold_text, ha="center", va="center", fontsize=7)

    for name, neuron in network.neurons.items():
        for source in neuron.sources:
            kinds = ["excitatory"] * neuron.excitatory.count(source)
            kinds += ["inhibitory"] * neuron.inhibitory.count(source)
            _draw_connections(ax, positions[source], positions[name], kinds)
    for tail, head in output_arrows:
        ax.add_patch(_arrow(tail, head, "excitatory", gid="output"))
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    _hide_frame(ax)
    return figure


# --------------------------------------------------------------------------------------------------
# 5. Layers of a multilayer perceptron (Figure 10-7)
# --------------------------------------------------------------------------------------------------


def _default_layer_labels(layer_sizes: Sequence[int]) -> list[str]:
    r"""``$\mathbf{x} \in \mathbb{R}^{n}$`` for the inputs, ``h^{(k)}`` for hidden layers, ``ŷ``."""
    symbols = [r"\mathbf{x}"]
    symbols += [rf"\mathbf{{h}}^{{({k})}}" for k in range(1, len(layer_sizes) - 1)]
    symbols += [r"\hat{\mathbf{y}}"]
    return [
        rf"${symbol} \in \mathbb{{R}}^{{{size}}}$"
        for symbol, size in zip(symbols, layer_sizes, strict=True)
    ]


MLP_LAYER_GAP = 3.0
"""Distance between the layers of the MLP drawing (wider than for logic networks: more lines)."""


def _layer_color(index: int, n_layers: int) -> str:
    """Colour of a layer's neurons: one for the inputs, one for hidden layers, one for outputs."""
    if index == 0:
        return CLASS_COLORS[0]
    if index == n_layers - 1:
        return CLASS_COLORS[2]
    return CLASS_COLORS[1]


def _layer_rows(size: int, max_neurons: int) -> tuple[NDArray[np.float64], float | None]:
    """Heights of the drawn neurons of a layer (centred on 0) and of its ellipsis, if any.

    A layer of at most ``max_neurons`` is drawn whole. A bigger one shows ``max_neurons`` of its
    neurons, split above and below an ellipsis that takes the place of one more.
    """
    if size <= max_neurons:
        return _centred_rows(size), None
    slots = _centred_rows(max_neurons + 1)
    above = (max_neurons + 1) // 2
    return np.delete(slots, above), float(slots[above])


def _draw_full_connections(
    ax: Axes,
    left_layers: Sequence[Sequence[NDArray[np.float64]]],
    right_layers: Sequence[Sequence[NDArray[np.float64]]],
    gid: str,
) -> None:
    """Connect every point of each left layer to every point of the matching right layer."""
    segments = [
        (start, end)
        for left, right in zip(left_layers, right_layers, strict=True)
        for start in left
        for end in right
    ]
    ax.add_collection(LineCollection(segments, colors="#8c8c8c", linewidths=0.8, zorder=1, gid=gid))


def _neuron_circle(center: NDArray[np.float64], color: Any, gid: str) -> Circle:
    """A neuron of the MLP drawing: a filled circle above the connection lines."""
    return Circle(
        center, NODE_RADIUS, facecolor=color, edgecolor=INK, linewidth=1.2, zorder=2, gid=gid
    )


def plot_mlp_architecture(
    layer_sizes: Sequence[int],
    *,
    bias: bool = False,
    max_neurons: int = 8,
    layer_labels: Sequence[str] | None = None,
    bias_label: str = "$1$",
    ax: Axes | None = None,
) -> Figure:
    """Draw the layers of a multilayer perceptron, fully connected, as in Figure 10-7.

    Each layer is a column of circles, inputs on the left. A layer with more than ``max_neurons``
    neurons shows its first and last few, with a vertical ellipsis between. Every drawn neuron is
    connected to every drawn neuron of the next layer. With ``bias=True`` each layer but the last
    gets a bias neuron on top (it always outputs 1), connected to every neuron of the next layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer: input, hidden layers..., output (at least two layers, each >= 1).
    bias : bool
        Whether to draw the bias neurons.
    max_neurons : int
        Most circles drawn in one layer (at least 2).
    layer_labels : sequence of str, optional
        Text under each layer; by default ``$\\mathbf{x} \\in \\mathbb{R}^{n}$`` and so on.
        Give empty strings to leave layers unlabelled.
    bias_label : str
        Text inside the bias neurons.
    ax : Axes, optional
        Where to draw; by default a new figure sized to the network.

    Returns
    -------
    matplotlib.figure.Figure
        Neuron circles have the gid ``"neuron"`` and bias circles ``"bias"``; the connections are
        two :class:`~matplotlib.collections.LineCollection` with gids ``"connections"`` and
        ``"bias-connections"``, one segment per connection.
    """
    if isinstance(layer_sizes, str) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a sequence of ints, got {type(layer_sizes).__name__}")
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least an input and an output layer, got {list(layer_sizes)}"
        )
    if not all(isinstance(size, Integral) and size >= 1 for size in layer_sizes):
        raise ValueError(f"every layer size must be an integer >= 1, got {list(layer_sizes)}")
    if not isinstance(max_neurons, Integral) or max_neurons < 2:
        raise ValueError(f"max_neurons must be an integer >= 2, got {max_neurons!r}")
    labels = _default_layer_labels(layer_sizes) if layer_labels is None else list(layer_labels)
    if len(labels) != len(layer_sizes):
        raise ValueError(f"layer_labels needs {len(layer_sizes)} entries, got {len(labels)}")

    x_positions = np.arange(len(layer_sizes)) * MLP_LAYER_GAP
    rows_and_ellipses = [_layer_rows(int(size), max_neurons) for size in layer_sizes]
    centers = [
        np.column_stack([np.full(len(rows), x), rows])
        for x, (rows, _) in zip(x_positions, rows_and_ellipses, strict=True)
    ]
    top = max(rows[0] for rows, _ in rows_and_ellipses)
    bottom = min(rows[-1] for rows, _ in rows_and_ellipses)
    label_y = bottom - 0.8 * ROW_GAP
    bias_centers = [np.array([x, top + ROW_GAP]) for x in x_positions[:-1]] if bias else []

    width = max(1.6 * len(layer_sizes), 3.0)
    height = 0.55 * (top - bottom + (2.0 if bias else 1.0) * ROW_GAP) + 1.2
    figure, ax = _figure_and_axes(ax, (width, height))
    _draw_full_connections(ax, centers[:-1], centers[1:], "connections")
    if bias:
        _draw_full_connections(
            ax, [[center] for center in bias_centers], centers[1:], "bias-connections"
        )
    for index, layer_centers in enumerate(centers):
        color = _lighten(_layer_color(index, len(centers)), 0.6)
        for center in layer_centers:
            ax.add_patch(_neuron_circle(center, color, "neuron"))
        ellipsis_y = rows_and_ellipses[index][1]
        if ellipsis_y is not None:
            ax.scatter(
                np.full(3, x_positions[index]),
                ellipsis_y + np.array([-0.22, 0.0, 0.22]) * ROW_GAP,
                s=5,
                color=INK,
                zorder=3,
            )
        ax.text(x_positions[index], label_y, labels[index], ha="center", va="top", fontsize=10)
    for center in bias_centers:
        ax.add_patch(_neuron_circle(center, "#dddddd", "bias"))
        ax.text(*center, bias_label, ha="center", va="center", fontsize=9, zorder=4)

    ax.set_xlim(x_positions[0] - 1.0, x_positions[-1] + 1.0)
    ax.set_ylim(label_y - 0.6, top + (ROW_GAP if bias else 0.0) + 0.5)
    _hide_frame(ax)
    return figure


# --------------------------------------------------------------------------------------------------
# 6. A biological neuron (Figure 10-1)
# --------------------------------------------------------------------------------------------------

MEMBRANE_FILL = "#f6cdb8"
MEMBRANE_EDGE = "#a4503a"
NUCLEUS_FILL = "#b7617d"
MYELIN_FILL = "#fdf1c7"
MYELIN_EDGE = "#c29a2a"
OUTLINE_POINTS = 1.2
"""Width of the membrane's outline, in points."""
SOMA_RADIUS = 0.55
"""Radius of the cell body, in data units, before its swellings."""

DENDRITE_ANGLES = (70.0, 110.0, 145.0, 180.0, 215.0, 250.0, 290.0)
"""Directions (degrees) in which the main dendrites leave the cell body; the axon leaves at 0."""


def _branch_segments(
    rng: np.random.Generator,
    start: NDArray[np.float64],
    angle: float,
    length: float,
    depth: int,
    spread: float,
) -> list[tuple[NDArray[np.float64], NDArray[np.float64], int]]:
    """Segments ``(start, end, depth)`` of a branching tree, each branch splitting in two.

    The two children turn ``spread`` radians left and right (plus a little noise from ``rng``) and
    are shorter than their parent; ``depth`` counts down to 1 at the tips.
    """
    end = start + length * np.array([np.cos(angle), np.sin(angle)])
    segments = [(start, end, depth)]
    if depth > 1:
        for side in (-1.0, 1.0):
            child_angle = angle + side * spread + rng.normal(0.0, 0.15)
            child_length = length * rng.uniform(0.6, 0.85)
            segments += _branch_segments(rng, end, child_angle, child_length, depth - 1, spread)
    return segments


def _add_tube(ax: Axes, points: NDArray[np.float64], width: float, gid: str) -> None:
    """Draw a polyline as a membrane tube: an outline stroke under a fill stroke.

    All outlines sit below all fills, so touching tubes (and the cell body) merge into one shape
    with a single outline around it.
    """
    path = Path(points)
    for color, linewidth, zorder, patch_gid in (
        (MEMBRANE_EDGE, width + 2 * OUTLINE_POINTS, 1, "outline"),
        (MEMBRANE_FILL, width, 2, gid),
    ):
        ax.add_patch(
            PathPatch(
                path,
                fill=False,
                edgecolor=color,
                linewidth=linewidth,
                capstyle="round",
                joinstyle="round",
                zorder=zorder,
                gid=patch_gid,
            )
        )


def _add_tree(
    ax: Axes,
    segments: Sequence[tuple[NDArray[np.float64], NDArray[np.float64], int]],
    base_width: float,
    gid: str,
) -> None:
    """Draw a branching tree as tubes that get thinner towards the tips."""
    max_depth = max(depth for _, _, depth in segments)
    for start, end, depth in segments:
        _add_tube(ax, np.array([start, end]), base_width * (0.35 + 0.65 * depth / max_depth), gid)


def _cell_body_outline(radius: float) -> NDArray[np.float64]:
    """Outline of the cell body: a circle that swells where dendrites and (more) the axon leave."""
    theta = np.linspace(0.0, 2.0 * np.pi, 240, endpoint=False)

    def swelling(direction: float, height: float, width: float) -> NDArray[np.float64]:
        gap = np.angle(np.exp(1j * (theta - direction)))
        return height * np.exp(-((gap / width) ** 2))

    r = radius * (
        1.0
        + sum(swelling(np.radians(angle), 0.3, 0.22) for angle in DENDRITE_ANGLES)
        + swelling(0.0, 0.9, 0.3)
    )
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def _resample_by_length(
    points: NDArray[np.float64], start: float, stop: float, n_points: int = 20
) -> NDArray[np.float64]:
    """Points of a polyline between arc lengths ``start`` and ``stop``."""
    lengths = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    wanted = np.linspace(start, stop, n_points)
    return np.column_stack([np.interp(wanted, lengths, points[:, i]) for i in range(2)])


def _sheath_polygon(centerline: NDArray[np.float64], half_width: float) -> NDArray[np.float64]:
    """A band of width ``2 * half_width`` around a polyline (one myelin sheath)."""
    tangents = np.gradient(centerline, axis=0)
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    normals = np.column_stack([-tangents[:, 1], tangents[:, 0]])
    return np.concatenate(
        [centerline + half_width * normals, (centerline - half_width * normals)[::-1]]
    )


def _draw_cell_body(ax: Axes) -> None:
    """The cell body (soma) centred on the origin, with its nucleus and nucleolus."""
    outline = _cell_body_outline(SOMA_RADIUS)
    ax.add_patch(
        Polygon(
            outline,
            facecolor=MEMBRANE_EDGE,
            edgecolor=MEMBRANE_EDGE,
            linewidth=2 * OUTLINE_POINTS,
            zorder=1,
            gid="outline",
        )
    )
    ax.add_patch(Polygon(outline, facecolor=MEMBRANE_FILL, edgecolor="none", zorder=2, gid="soma"))
    ax.add_patch(
        Circle(
            (-0.05, 0.03),
            0.24,
            facecolor=NUCLEUS_FILL,
            edgecolor=MEMBRANE_EDGE,
            linewidth=1,
            zorder=3,
            gid="nucleus",
        )
    )
    ax.add_patch(Circle((0.0, 0.08), 0.07, facecolor=MEMBRANE_EDGE, zorder=4, gid="nucleolus"))


def _draw_axon(ax: Axes) -> NDArray[np.float64]:
    """The axon, a gently waving tube to the right wrapped in myelin sheaths; returns its points."""
    x = np.linspace(0.5, 7.5, 200)
    axon = np.column_stack([x, 0.25 * np.sin(0.9 * (x - 0.5))])
    _add_tube(ax, axon, 4.0, "axon")
    axon_length = float(np.sum(np.linalg.norm(np.diff(axon, axis=0), axis=1)))
    for sheath_start in np.arange(1.2, axon_length - 1.2, 1.0):
        sheath = _resample_by_length(axon, sheath_start, sheath_start + 0.85)
        ax.add_patch(
            Polygon(
                _sheath_polygon(sheath, 0.13),
                facecolor=MYELIN_FILL,
                edgecolor=MYELIN_EDGE,
                linewidth=1,
                joinstyle="round",
                zorder=3,
                gid="myelin",
            )
        )
    return axon


def plot_biological_neuron(*, seed: int = 4, ax: Axes | None = None) -> Figure:
    """Draw a schematic biological neuron, without any text (Figure 10-1).

    From left to right: branching dendrites around the cell body, which holds the nucleus; the axon
    leaving the cell body, wrapped in myelin sheaths with gaps between them; and at its end the
    telodendria, whose tips are the synaptic terminals. Names of the parts belong in the caption.

    Parameters
    ----------
    seed : int
        Seed of the small random variations of the branches: the same seed draws the same neuron.
    ax : Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The patches have gids ``"soma"``, ``"nucleus"``, ``"nucleolus"``, ``"dendrite"``,
        ``"axon"``, ``"myelin"``, ``"telodendria"`` and ``"synapse"`` (plus ``"outline"`` for the
        membrane's edge strokes).
    """
    rng = np.random.default_rng(seed)
    figure, ax = _figure_and_axes(ax, (9.0, 3.6))
    _draw_cell_body(ax)
    for angle in np.radians(DENDRITE_ANGLES):
        start = 0.8 * SOMA_RADIUS * np.array([np.cos(angle), np.sin(angle)])
        segments = _branch_segments(rng, start, angle, 0.75, depth=4, spread=0.42)
        _add_tree(ax, segments, base_width=6.0, gid="dendrite")
    axon = _draw_axon(ax)
    tip_dx, tip_dy = axon[-1] - axon[-2]
    segments = _branch_segments(rng, axon[-1], np.arctan2(tip_dy, tip_dx), 0.7, 3, spread=0.55)
    _add_tree(ax, segments, base_width=3.5, gid="telodendria")
    for _, end, depth in segments:
        if depth == 1:
            ax.add_patch(
                Circle(
                    end,
                    0.13,
                    facecolor=MEMBRANE_FILL,
                    edgecolor=MEMBRANE_EDGE,
                    linewidth=OUTLINE_POINTS,
                    zorder=3,
                    gid="synapse",
                )
            )
    ax.autoscale_view()
    ax.margins(0.03)
    _hide_frame(ax)
    return figure
