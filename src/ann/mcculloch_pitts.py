"""McCulloch–Pitts neurons and the logic networks of Figure 10-3.

A McCulloch–Pitts neuron has binary (on/off) inputs and a binary output. It fires (outputs 1) when
at least ``threshold`` of its excitatory connections are active, unless one of its inhibitory
connections is active, which vetoes firing. As in the chapter, the gates here fire when at least two
inputs are active; a neuron that should react to a single input receives two connections from it.

Signals are named by strings. A network lists its input names, its neurons in evaluation order (a
neuron may read inputs, earlier neurons, and the source ``ON`` that is always active) and the
names of its output neurons. Small networks combine into larger ones with :func:`rename`,
:func:`parallel` (networks side by side sharing inputs) and :func:`series` (the outputs of one
network wired into the inputs of another); :func:`xor_network` and :func:`half_adder_network` are
built that way.
"""

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

ALWAYS_ON = "ON"
"""Name of the source that is always active (the constant input that turns AND NOT into NOT)."""

TruthTable = list[tuple[tuple[int, ...], tuple[int, ...]]]


def _check_binary(name: str, value: object) -> int:
    """Return ``value`` as 0 or 1, or raise a clear error if it is not a binary signal."""
    if isinstance(value, bool | np.bool_):
        return int(value)
    if not isinstance(value, int | np.integer):
        raise TypeError(
            f"signal {name!r} must be 0 or 1 (an int or a bool), got {value!r} "
            f"of type {type(value).__name__}"
        )
    if value not in (0, 1):
        raise ValueError(f"signal {name!r} must be 0 or 1, got {value!r}")
    return int(value)


def _check_names(names: Iterable[str], what: str) -> tuple[str, ...]:
    """Return ``names`` as a tuple of non-empty strings, or raise a clear error."""
    if isinstance(names, str):
        raise TypeError(f"{what} must be a sequence of names, not the single string {names!r}")
    names = tuple(names)
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"{what} must be non-empty strings, got {name!r}")
    return names


@dataclass(frozen=True)
class MPNeuron:
    """A McCulloch–Pitts neuron.

    Parameters
    ----------
    excitatory : tuple of str
        Names of the sources of the excitatory connections. A name listed twice counts as two
        connections from the same source (how the identity and OR gates of Figure 10-3 reach
        the threshold of two with a single active input).
    inhibitory : tuple of str, default ()
        Names of the sources of the inhibitory connections; any active one stops the neuron firing.
    threshold : int, default 2
        Minimum number of active excitatory connections for the neuron to fire.
    """

    excitatory: tuple[str, ...]
    inhibitory: tuple[str, ...] = ()
    threshold: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "excitatory", _check_names(self.excitatory, "excitatory sources"))
        object.__setattr__(self, "inhibitory", _check_names(self.inhibitory, "inhibitory sources"))
        if not self.excitatory and not self.inhibitory:
            raise ValueError("a neuron needs at least one excitatory or inhibitory connection")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int | np.integer):
            raise TypeError(f"threshold must be an int, got {self.threshold!r}")
        if self.threshold < 0:
            raise ValueError(f"threshold must be >= 0, got {self.threshold}")

    @property
    def sources(self) -> tuple[str, ...]:
        """Names of all the sources this neuron reads, each once, excitatory ones first."""
        return tuple(dict.fromkeys(self.excitatory + self.inhibitory))

    def fire(self, signals: Mapping[str, int]) -> int:
        """Output of the neuron (0 or 1) given the values of its sources.

        Parameters
        ----------
        signals : mapping of str to int
            Value (0 or 1) of every source the neuron reads; other entries are ignored.

        Returns
        -------
        int
            0 if any inhibitory source is active; otherwise 1 when the number of active excitatory
            connections is at least ``threshold``, else 0.
        """
        missing = [source for source in self.sources if source not in signals]
        if missing:
            raise ValueError(f"no value given for source(s) {missing} of this neuron")
        values = {source: _check_binary(source, signals[source]) for source in self.sources}
        if any(values[source] for source in self.inhibitory):
            return 0
        active_connections = sum(values[source] for source in self.excitatory)
        return int(active_connections >= self.threshold)


@dataclass(frozen=True)
class MPNetwork:
    """A feedforward network of McCulloch–Pitts neurons.

    Parameters
    ----------
    inputs : tuple of str
        Names of the input signals, in the order ``__call__`` and truth tables use.
    neurons : dict of str to MPNeuron
        The neurons in evaluation order: each one may read the inputs, the always-active source
        ``ON`` and the neurons listed before it (so there are no cycles).
    outputs : tuple of str
        Names of the neurons whose values are the network's result.
    """

    ALWAYS_ON: ClassVar[str] = ALWAYS_ON

    inputs: tuple[str, ...]
    neurons: dict[str, MPNeuron] = field(hash=False)
    outputs: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", _check_names(self.inputs, "input names"))
        object.__setattr__(self, "outputs", _check_names(self.outputs, "output names"))
        if not isinstance(self.neurons, Mapping):
            raise TypeError(f"neurons must be a dict of name -> MPNeuron, got {self.neurons!r}")
        object.__setattr__(self, "neurons", dict(self.neurons))
        self._check_inputs()
        self._check_neurons()
        self._check_outputs()

    def _check_inputs(self) -> None:
        if ALWAYS_ON in self.inputs:
            raise ValueError(f"{ALWAYS_ON!r} is the always-active source and cannot be an input")
        duplicates = sorted({name for name in self.inputs if self.inputs.count(name) > 1})
        if duplicates:
            raise ValueError(f"input names must be unique, repeated: {duplicates}")

    def _check_neurons(self) -> None:
        available = {ALWAYS_ON, *self.inputs}
        for name, neuron in self.neurons.items():
            _check_names([name], "neuron names")
            if not isinstance(neuron, MPNeuron):
                raise TypeError(f"neuron {name!r} must be an MPNeuron, got {neuron!r}")
            if name in available:
                raise ValueError(f"neuron name {name!r} is already used by an input or by ON")
            for source in neuron.sources:
                if source in available:
                    continue
                if source in self.neurons:
                    raise ValueError(
                        f"neuron {name!r} reads {source!r}, which is not computed before it: "
                        "list neurons in evaluation order (cycles are not allowed)"
                    )
                raise ValueError(
                    f"neuron {name!r} reads unknown source {source!r}; known sources are the "
                    f"inputs {list(self.inputs)}, {ALWAYS_ON!r} and earlier neurons"
                )
            available.add(name)

    def _check_outputs(self) -> None:
        if not self.outputs:
            raise ValueError("a network needs at least one output")
        unknown = [name for name in self.outputs if name not in self.neurons]
        if unknown:
            raise ValueError(
                f"outputs {unknown} are not neurons of the network (neurons: {list(self.neurons)})"
            )

    def run(self, **signals: int) -> dict[str, int]:
        """Evaluate every neuron for one combination of input values.

        Parameters
        ----------
        **signals : int
            The value (0 or 1) of each input, by name, e.g. ``run(A=1, B=0)``.

        Returns
        -------
        dict of str to int
            The value of every input and every neuron, in network order.
        """
        missing = [name for name in self.inputs if name not in signals]
        if missing:
            raise ValueError(f"missing value(s) for input(s) {missing}")
        unexpected = [name for name in signals if name not in self.inputs]
        if unexpected:
            raise ValueError(f"unknown input(s) {unexpected}; the inputs are {list(self.inputs)}")
        values = {name: _check_binary(name, signals[name]) for name in self.inputs}
        with_always_on = {ALWAYS_ON: 1, **values}
        for name, neuron in self.neurons.items():
            with_always_on[name] = values[name] = neuron.fire(with_always_on)
        return values

    def __call__(self, *input_values: int) -> int | tuple[int, ...]:
        """Output(s) of the network for input values given in the order of ``inputs``.

        Returns a single int for a network with one output, a tuple of ints otherwise.
        """
        if len(input_values) != len(self.inputs):
            raise TypeError(
                f"the network takes {len(self.inputs)} input value(s) {list(self.inputs)}, "
                f"got {len(input_values)}"
            )
        values = self.run(**dict(zip(self.inputs, input_values, strict=True)))
        outputs = tuple(values[name] for name in self.outputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def truth_table(self) -> TruthTable:
        """Outputs for every combination of inputs, in binary counting order.

        Returns
        -------
        list of (inputs, outputs) pairs of int tuples
            ``2 ** len(inputs)`` rows, from all zeros to all ones.
        """
        table = []
        for combination in itertools.product((0, 1), repeat=len(self.inputs)):
            values = self.run(**dict(zip(self.inputs, combination, strict=True)))
            table.append((combination, tuple(values[name] for name in self.outputs)))
        return table


def truth_table(network: MPNetwork) -> TruthTable:
    """Truth table of ``network`` over all input combinations (:meth:`MPNetwork.truth_table`)."""
    if not isinstance(network, MPNetwork):
        raise TypeError(f"expected an MPNetwork, got {network!r}")
    return network.truth_table()


# ----------------------------------------------------------------------------------------------
# Composition


def rename(network: MPNetwork, mapping: Mapping[str, str]) -> MPNetwork:
    """Copy of ``network`` with inputs and neurons renamed (all at once, so names may be swapped).

    Parameters
    ----------
    network : MPNetwork
    mapping : mapping of str to str
        Old name -> new name, for any of the network's inputs and neurons.

    Returns
    -------
    MPNetwork
        The same computation under the new names.
    """
    known = set(network.inputs) | set(network.neurons)
    unknown = [name for name in mapping if name not in known]
    if unknown:
        raise ValueError(f"cannot rename {unknown}: not inputs or neurons of the network")
    if ALWAYS_ON in mapping.values():
        raise ValueError(f"{ALWAYS_ON!r} is reserved for the always-active source")
    return MPNetwork(
        inputs=tuple(mapping.get(name, name) for name in network.inputs),
        neurons=_relabel_neurons(network.neurons, mapping),
        outputs=tuple(mapping.get(name, name) for name in network.outputs),
    )


def _relabel_neurons(
    neurons: Mapping[str, MPNeuron], mapping: Mapping[str, str]
) -> dict[str, MPNeuron]:
    """The neurons, with their names and their sources' names changed by ``mapping``."""

    def new_name(name: str) -> str:
        return mapping.get(name, name)

    relabelled = {
        new_name(name): MPNeuron(
            excitatory=tuple(map(new_name, neuron.excitatory)),
            inhibitory=tuple(map(new_name, neuron.inhibitory)),
            threshold=neuron.threshold,
        )
        for name, neuron in neurons.items()
    }
    if len(relabelled) != len(neurons):
        raise ValueError("renaming would give two neurons the same name")
    return relabelled


def parallel(*networks: MPNetwork) -> MPNetwork:
    """Networks side by side: inputs with the same name are shared, outputs are concatenated.

    Neuron names must differ across the networks (use :func:`rename` first if they clash).
    """
    if not networks:
        raise ValueError("parallel needs at least one network")
    inputs = tuple(dict.fromkeys(name for network in networks for name in network.inputs))
    neurons: dict[str, MPNeuron] = {}
    for network in networks:
        clashes = [name for name in network.neurons if name in neurons or name in inputs]
        if clashes:
            raise ValueError(
                f"neuron name(s) {clashes} are used twice across the networks; rename them first"
            )
        neurons.update(network.neurons)
    outputs = tuple(name for network in networks for name in network.outputs)
    return MPNetwork(inputs=inputs, neurons=neurons, outputs=outputs)


def series(
    first: MPNetwork, second: MPNetwork, wiring: Mapping[str, str] | None = None
) -> MPNetwork:
    """Feed the outputs of ``first`` into the inputs of ``second``.

    Parameters
    ----------
    first, second : MPNetwork
        The combined network has the inputs of ``first`` and the outputs of ``second``.
    wiring : mapping of str to str, optional
        For every input of ``second``, the output of ``first`` that drives it. By default the
        outputs of ``first`` drive the inputs of ``second`` in order.

    Returns
    -------
    MPNetwork
    """
    if wiring is None:
        if len(first.outputs) != len(second.inputs):
            raise ValueError(
                f"cannot wire {len(first.outputs)} output(s) {list(first.outputs)} to "
                f"{len(second.inputs)} input(s) {list(second.inputs)} in order; pass a wiring"
            )
        wiring = dict(zip(second.inputs, first.outputs, strict=True))
    unwired = [name for name in second.inputs if name not in wiring]
    extra = [name for name in wiring if name not in second.inputs]
    if unwired or extra:
        raise ValueError(
            f"the wiring must give a source for each input of the second network "
            f"{list(second.inputs)}; unwired: {unwired}, not inputs: {extra}"
        )
    not_outputs = [source for source in wiring.values() if source not in first.outputs]
    if not_outputs:
        raise ValueError(
            f"{not_outputs} are not outputs of the first network {list(first.outputs)}"
        )
    clashes = [name for name in second.neurons if name in first.neurons or name in first.inputs]
    if clashes:
        raise ValueError(f"neuron name(s) {clashes} exist in both networks; rename them first")
    return MPNetwork(
        inputs=first.inputs,
        neurons={**first.neurons, **_relabel_neurons(second.neurons, wiring)},
        outputs=second.outputs,
    )


# ----------------------------------------------------------------------------------------------
# The networks of Figure 10-3 (output neuron C) and networks composed from them


def identity_network() -> MPNetwork:
    """C = A: two connections from A reach the threshold of two exactly when A is active."""
    return MPNetwork(inputs=("A",), neurons={"C": MPNeuron(("A", "A"))}, outputs=("C",))


def and_network() -> MPNetwork:
    """C = A AND B: one connection from each input, so both must be active."""
    return MPNetwork(inputs=("A", "B"), neurons={"C": MPNeuron(("A", "B"))}, outputs=("C",))


def or_network() -> MPNetwork:
    """C = A OR B: two connections from each input, so either one suffices."""
    return MPNetwork(
        inputs=("A", "B"), neurons={"C": MPNeuron(("A", "A", "B", "B"))}, outputs=("C",)
    )


def and_not_network() -> MPNetwork:
    """C = A AND NOT B: two connections from A, and an inhibitory connection from B."""
    return MPNetwork(
        inputs=("A", "B"),
        neurons={"C": MPNeuron(("A", "A"), inhibitory=("B",))},
        outputs=("C",),
    )


def not_network() -> MPNetwork:
    """C = NOT A: the AND NOT gate whose first input is the always-active source ON.

    The chapter draws the always-active neuron as A and the input as B; here the always-active
    source is ``ON`` and the single input is called A, like the identity gate's.
    """
    return MPNetwork(
        inputs=("A",),
        neurons={"C": MPNeuron((ALWAYS_ON, ALWAYS_ON), inhibitory=("A",))},
        outputs=("C",),
    )


def xor_network() -> MPNetwork:
    """C = A XOR B = (A AND NOT B) OR (B AND NOT A), composed from the gates above."""
    a_and_not_b = rename(and_not_network(), {"C": "A_and_not_B"})
    b_and_not_a = rename(and_not_network(), {"A": "B", "B": "A", "C": "B_and_not_A"})
    return series(parallel(a_and_not_b, b_and_not_a), or_network())


def half_adder_network() -> MPNetwork:
    """Adds two bits: output ``sum`` = A XOR B and output ``carry`` = A AND B."""
    return parallel(
        rename(xor_network(), {"C": "sum"}),
        rename(and_network(), {"C": "carry"}),
    )
