"""Tests of ann.mcculloch_pitts: neurons, the gates of Figure 10-3, composition, truth tables."""

import itertools
import operator

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ann.mcculloch_pitts import (
    ALWAYS_ON,
    MPNetwork,
    MPNeuron,
    and_network,
    and_not_network,
    half_adder_network,
    identity_network,
    not_network,
    or_network,
    parallel,
    rename,
    series,
    truth_table,
    xor_network,
)

bits = st.integers(0, 1)

TWO_INPUT_GATES = {
    "and": (and_network, lambda a, b: a and b),
    "or": (or_network, lambda a, b: a or b),
    "and_not": (and_not_network, lambda a, b: a and not b),
    "xor": (xor_network, operator.xor),
}


# ----------------------------------------------------------------------------------------------
# Single neurons


def test_neuron_fires_when_at_least_threshold_excitatory_connections_are_active():
    neuron = MPNeuron(("A", "B", "C"))  # default threshold: 2
    assert neuron.fire({"A": 1, "B": 0, "C": 0}) == 0
    assert neuron.fire({"A": 1, "B": 0, "C": 1}) == 1
    assert neuron.fire({"A": 1, "B": 1, "C": 1}) == 1
    assert MPNeuron(("A", "B", "C"), threshold=3).fire({"A": 1, "B": 0, "C": 1}) == 0


def test_a_repeated_source_counts_once_per_connection():
    assert MPNeuron(("A", "A")).fire({"A": 1}) == 1
    assert MPNeuron(("A",)).fire({"A": 1}) == 0


def test_an_active_inhibitory_connection_vetoes_firing():
    neuron = MPNeuron(("A", "A", "B", "B"), inhibitory=("C",))
    assert neuron.fire({"A": 1, "B": 1, "C": 0}) == 1
    assert neuron.fire({"A": 1, "B": 1, "C": 1}) == 0


neuron_and_signals = st.builds(
    lambda excitatory, inhibitory, threshold, values: (
        MPNeuron(tuple(excitatory), tuple(inhibitory), threshold),
        dict(zip("ABCDE", values, strict=True)),
    ),
    excitatory=st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=6),
    inhibitory=st.lists(st.sampled_from("ABCDE"), max_size=2),
    threshold=st.integers(0, 4),
    values=st.tuples(*[bits] * 5),
)


@given(neuron_and_signals, st.sampled_from("ABCDE"))
def test_activating_an_excitatory_only_source_never_stops_the_neuron_firing(case, source):
    neuron, signals = case
    assume(source not in neuron.inhibitory)
    before = neuron.fire(signals)
    after = neuron.fire({**signals, source: 1})
    assert after >= before


@given(neuron_and_signals)
def test_raising_the_threshold_never_makes_the_neuron_fire(case):
    neuron, signals = case
    stricter = MPNeuron(neuron.excitatory, neuron.inhibitory, neuron.threshold + 1)
    assert stricter.fire(signals) <= neuron.fire(signals)


@given(neuron_and_signals)
def test_neuron_output_follows_the_definition(case):
    neuron, signals = case
    inhibited = any(signals[name] == 1 for name in neuron.inhibitory)
    active = [name for name in neuron.excitatory if signals[name] == 1]
    assert neuron.fire(signals) == (0 if inhibited else int(len(active) >= neuron.threshold))


@pytest.mark.parametrize(
    ("signals", "error", "message"),
    [
        ({"A": 2, "B": 0}, ValueError, "'A' must be 0 or 1, got 2"),
        ({"A": 0.5, "B": 0}, TypeError, "'A' must be 0 or 1 .*float"),
        ({"A": "1", "B": 0}, TypeError, "'A' must be 0 or 1"),
        ({"A": 1}, ValueError, r"no value given for source\(s\) \['B'\]"),
    ],
)
def test_neuron_rejects_bad_signals(signals, error, message):
    with pytest.raises(error, match=message):
        MPNeuron(("A", "B")).fire(signals)


def test_neuron_accepts_bools_and_numpy_integers():
    assert MPNeuron(("A", "B")).fire({"A": True, "B": np.int64(1)}) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"excitatory": "AB"}, TypeError, "not the single string 'AB'"),
        ({"excitatory": ("A", "")}, TypeError, "non-empty strings"),
        ({"excitatory": ()}, ValueError, "at least one"),
        ({"excitatory": ("A",), "threshold": -1}, ValueError, "threshold must be >= 0"),
        ({"excitatory": ("A",), "threshold": 1.5}, TypeError, "threshold must be an int"),
    ],
)
def test_neuron_validates_its_definition(kwargs, error, message):
    with pytest.raises(error, match=message):
        MPNeuron(**kwargs)


# ----------------------------------------------------------------------------------------------
# The gates of Figure 10-3


@given(bits)
def test_identity_and_not_gates(a):
    assert identity_network()(a) == a
    assert not_network()(a) == int(not a)


@pytest.mark.parametrize("gate", TWO_INPUT_GATES)
@given(a=bits, b=bits)
def test_two_input_gates_agree_with_python_boolean_operators(gate, a, b):
    build, operation = TWO_INPUT_GATES[gate]
    assert build()(a, b) == int(operation(a, b))


def test_not_network_reads_the_always_on_source():
    network = not_network()
    assert ALWAYS_ON == MPNetwork.ALWAYS_ON == "ON"
    assert network.inputs == ("A",)
    assert network.neurons["C"].excitatory == (ALWAYS_ON, ALWAYS_ON)
    assert network.neurons["C"].inhibitory == ("A",)


def test_gates_have_the_structure_of_figure_10_3():
    assert identity_network().neurons["C"].excitatory == ("A", "A")
    assert and_network().neurons["C"].excitatory == ("A", "B")
    assert sorted(or_network().neurons["C"].excitatory) == ["A", "A", "B", "B"]
    assert and_not_network().neurons["C"].inhibitory == ("B",)
    for build in (identity_network, and_network, or_network, and_not_network, not_network):
        network = build()
        assert network.outputs == ("C",)
        assert all(neuron.threshold == 2 for neuron in network.neurons.values())


# ----------------------------------------------------------------------------------------------
# Networks: run, call, truth tables


def test_run_returns_the_value_of_every_input_and_neuron():
    values = xor_network().run(A=1, B=0)
    assert values == {"A": 1, "B": 0, "A_and_not_B": 1, "B_and_not_A": 0, "C": 1}


@pytest.mark.parametrize("build", [identity_network, and_network, xor_network, half_adder_network])
def test_truth_table_lists_every_combination_in_counting_order(build):
    network = build()
    table = truth_table(network)
    combinations = list(itertools.product((0, 1), repeat=len(network.inputs)))
    assert [inputs for inputs, _ in table] == combinations
    for inputs, outputs in table:
        result = network(*inputs)
        assert outputs == (result if isinstance(result, tuple) else (result,))
    assert network.truth_table() == table


def test_half_adder_adds_two_bits():
    network = half_adder_network()
    assert network.outputs == ("sum", "carry")
    for (a, b), (total, carry) in truth_table(network):
        assert 2 * carry + total == a + b


def test_xor_is_built_from_and_not_and_or_gates():
    neurons = xor_network().neurons
    assert list(neurons) == ["A_and_not_B", "B_and_not_A", "C"]
    assert neurons["B_and_not_A"] == MPNeuron(("B", "B"), inhibitory=("A",))


def test_run_and_call_reject_bad_inputs():
    network = and_network()
    with pytest.raises(ValueError, match=r"missing value\(s\) for input\(s\) \['B'\]"):
        network.run(A=1)
    with pytest.raises(ValueError, match=r"unknown input\(s\) \['Z'\]"):
        network.run(A=1, B=0, Z=1)
    with pytest.raises(ValueError, match="'B' must be 0 or 1, got 3"):
        network.run(A=1, B=3)
    with pytest.raises(TypeError, match="takes 2 input value"):
        network(1)
    with pytest.raises(TypeError, match="'A' must be 0 or 1"):
        network(0.5, 1)


def test_truth_table_function_rejects_other_objects():
    with pytest.raises(TypeError, match="expected an MPNetwork"):
        truth_table(MPNeuron(("A", "B")))


@pytest.mark.parametrize(
    ("inputs", "neurons", "outputs", "message"),
    [
        (("A",), {"C": MPNeuron(("A", "Z"))}, ("C",), "unknown source 'Z'"),
        (
            ("A",),
            {"C": MPNeuron(("A", "D")), "D": MPNeuron(("A", "A"))},
            ("C",),
            "reads 'D', which is not computed before it",
        ),
        (("A",), {"C": MPNeuron(("A", "C"))}, ("C",), "reads 'C', which is not computed"),
        (("A", "A"), {"C": MPNeuron(("A", "A"))}, ("C",), r"repeated: \['A'\]"),
        (("ON",), {"C": MPNeuron(("ON", "ON"))}, ("C",), "cannot be an input"),
        (("A",), {"A": MPNeuron(("A", "A"))}, ("A",), "'A' is already used"),
        (("A",), {"C": MPNeuron(("A", "A"))}, ("D",), r"outputs \['D'\] are not neurons"),
        (("A",), {"C": MPNeuron(("A", "A"))}, (), "at least one output"),
    ],
)
def test_network_validates_its_definition(inputs, neurons, outputs, message):
    with pytest.raises(ValueError, match=message):
        MPNetwork(inputs, neurons, outputs)


def test_network_rejects_non_neurons():
    with pytest.raises(TypeError, match="must be an MPNeuron"):
        MPNetwork(("A",), {"C": ("A", "A")}, ("C",))
    with pytest.raises(TypeError, match="neurons must be a dict"):
        MPNetwork(("A",), [MPNeuron(("A", "A"))], ("C",))


def test_network_keeps_its_own_copy_of_the_neurons():
    neurons = {"C": MPNeuron(("A", "A"))}
    network = MPNetwork(("A",), neurons, ("C",))
    neurons["C"] = MPNeuron(("A",), threshold=0)
    assert network(0) == 0


# ----------------------------------------------------------------------------------------------
# Composition

gate_names = st.sampled_from(sorted(TWO_INPUT_GATES))


@given(first=gate_names, second=gate_names, outer=gate_names, a=bits, b=bits)
def test_series_of_parallel_gates_is_function_composition(first, second, outer, a, b):
    build_1, op_1 = TWO_INPUT_GATES[first]
    build_2, op_2 = TWO_INPUT_GATES[second]
    build_outer, op_outer = TWO_INPUT_GATES[outer]
    left = rename(build_1(), {name: f"left_{name}" for name in build_1().neurons})
    right = rename(build_2(), {name: f"right_{name}" for name in build_2().neurons})
    inner = rename(build_outer(), {name: f"outer_{name}" for name in build_outer().neurons})
    network = series(parallel(left, right), inner)
    expected = op_outer(int(op_1(a, b)), int(op_2(a, b)))
    assert network(a, b) == int(expected)


@given(a=bits, b=bits)
def test_rename_swaps_inputs_simultaneously(a, b):
    swapped = rename(and_not_network(), {"A": "B", "B": "A"})
    assert swapped.inputs == ("B", "A")
    assert swapped.run(A=a, B=b)["C"] == int(b and not a)


def test_series_uses_an_explicit_wiring():
    # NOT fed by the AND gate's output: a NAND gate.
    nand = series(and_network(), rename(not_network(), {"C": "D"}), wiring={"A": "C"})
    assert [outputs for _, outputs in truth_table(nand)] == [(1,), (1,), (1,), (0,)]
    assert nand.inputs == ("A", "B")
    assert nand.outputs == ("D",)


def test_parallel_shares_inputs_with_the_same_name():
    network = parallel(rename(and_network(), {"C": "and"}), rename(or_network(), {"C": "or"}))
    assert network.inputs == ("A", "B")
    assert network(1, 0) == (0, 1)


def test_composition_reports_name_clashes_and_bad_wiring():
    with pytest.raises(ValueError, match=r"\['C'\] are used twice"):
        parallel(and_network(), or_network())
    with pytest.raises(ValueError, match="exist in both networks"):
        series(identity_network(), not_network())
    with pytest.raises(ValueError, match="cannot wire 1 output"):
        series(identity_network(), rename(and_network(), {"C": "D"}))
    with pytest.raises(ValueError, match=r"unwired: \['B'\]"):
        series(identity_network(), rename(and_network(), {"C": "D"}), wiring={"A": "C"})
    with pytest.raises(ValueError, match="not outputs of the first network"):
        series(identity_network(), rename(not_network(), {"C": "D"}), wiring={"A": "A"})
    with pytest.raises(ValueError, match="at least one network"):
        parallel()


def test_rename_reports_unknown_names_and_clashes():
    with pytest.raises(ValueError, match=r"cannot rename \['Z'\]"):
        rename(and_network(), {"Z": "Y"})
    with pytest.raises(ValueError, match="reserved"):
        rename(and_network(), {"A": ALWAYS_ON})
    with pytest.raises(ValueError, match="repeated"):
        rename(and_network(), {"B": "A"})
    with pytest.raises(ValueError, match="already used"):
        rename(and_network(), {"C": "A"})
    with pytest.raises(ValueError, match="two neurons the same name"):
        rename(xor_network(), {"A_and_not_B": "C"})
