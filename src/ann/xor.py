"""The two-layer network of Figure 10-6 that computes XOR.

No single threshold logic unit can compute ``x1 XOR x2``: its decision boundary is a straight line,
and no line puts (0, 1) and (1, 0) on one side with (0, 0) and (1, 1) on the other. Stacking two
layers of step units solves it with hand-set weights:

- a hidden unit computing OR: ``heaviside(x1 + x2 - 0.5)``;
- a hidden unit computing AND: ``heaviside(x1 + x2 - 1.5)``;
- an output unit computing "OR and not AND": ``heaviside(OR - AND - 0.5)``.

Both layers are evaluated with :func:`ann.tlu.dense_layer` (Equation 10-2).
"""

from dataclasses import dataclass, fields
from typing import ClassVar, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ann.tlu import dense_layer, heaviside


@dataclass(frozen=True, eq=False)
class XORWeights:
    """Weights and biases of the 2-2-1 step network of Figure 10-6 (stored read-only).

    Parameters
    ----------
    hidden_weights : array_like of shape (2, 2)
        ``W`` of the hidden layer: one row per input, one column per hidden unit.
    hidden_biases : array_like of shape (2,)
        Biases of the two hidden units.
    output_weights : array_like of shape (2, 1)
        Weights from the two hidden units to the output unit.
    output_bias : array_like of shape (1,)
        Bias of the output unit.
    """

    hidden_weights: np.ndarray
    hidden_biases: np.ndarray
    output_weights: np.ndarray
    output_bias: np.ndarray

    _SHAPES: ClassVar[dict[str, tuple[int, ...]]] = {
        "hidden_weights": (2, 2),
        "hidden_biases": (2,),
        "output_weights": (2, 1),
        "output_bias": (1,),
    }

    def __post_init__(self) -> None:
        for parameter in fields(self):
            values = np.array(getattr(self, parameter.name), dtype=float)
            expected_shape = self._SHAPES[parameter.name]
            if values.shape != expected_shape:
                raise ValueError(
                    f"{parameter.name} must have shape {expected_shape}, got {values.shape}"
                )
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{parameter.name} must hold finite numbers, got {values}")
            values.flags.writeable = False
            object.__setattr__(self, parameter.name, values)


FIGURE_10_6 = XORWeights(
    hidden_weights=[[1.0, 1.0], [1.0, 1.0]],  # column 0: the OR unit, column 1: the AND unit
    hidden_biases=[-0.5, -1.5],
    output_weights=[[1.0], [-1.0]],  # +1 from OR, -1 from AND
    output_bias=[-0.5],
)
"""The hand-set weights of Figure 10-6."""


class XORTableRow(NamedTuple):
    """One row of the network's truth table: inputs, hidden unit outputs and network output."""

    x1: int
    x2: int
    h1: int
    h2: int
    output: int


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR instances: ``X`` of shape (4, 2) in binary counting order, ``y = x1 XOR x2``."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    return X, X[:, 0] ^ X[:, 1]


def hidden_layer_output(X: ArrayLike, weights: XORWeights = FIGURE_10_6) -> np.ndarray:
    """Outputs (n_instances, 2) of the hidden step units; with Figure 10-6's weights, OR and AND."""
    return dense_layer(X, weights.hidden_weights, weights.hidden_biases, activation=heaviside)


def xor_network_output(X: ArrayLike, weights: XORWeights = FIGURE_10_6) -> np.ndarray:
    """Output (n_instances,) of the whole network for each row ``(x1, x2)`` of ``X``."""
    hidden = hidden_layer_output(X, weights)
    output = dense_layer(hidden, weights.output_weights, weights.output_bias, activation=heaviside)
    return output[:, 0]


def verify_xor_network(weights: XORWeights = FIGURE_10_6) -> list[XORTableRow]:
    """Print the network's truth table and check that its output is ``x1 XOR x2``.

    Parameters
    ----------
    weights : XORWeights, default FIGURE_10_6
        The weights to check.

    Returns
    -------
    list of XORTableRow
        The four rows, in binary counting order of the inputs.

    Raises
    ------
    ValueError
        If the output differs from ``x1 XOR x2`` for some input; the message lists those inputs.
    """
    X, expected = xor_data()
    hidden = hidden_layer_output(X, weights)
    output = xor_network_output(X, weights)
    rows = [
        XORTableRow(*map(int, (x1, x2, h1, h2, y)))
        for (x1, x2), (h1, h2), y in zip(X, hidden, output, strict=True)
    ]
    wrong = []
    print("x1  x2 | h1  h2 | output | x1 XOR x2")
    for row, target in zip(rows, expected, strict=True):
        mark = ""
        if row.output != target:
            mark = "  <- wrong"
            wrong.append(f"({row.x1}, {row.x2}) gives {row.output} instead of {target}")
        print(
            f"{row.x1:2d}  {row.x2:2d} | {row.h1:2d}  {row.h2:2d} | {row.output:6d} | "
            f"{target:9d}{mark}"
        )
    if wrong:
        raise ValueError("the network does not compute x1 XOR x2: " + "; ".join(wrong))
    return rows
