"""Reference implementation of the chapter "Introduction to Artificial Neural Networks with Keras".

One module per idea of the chapter:

- ``ann.mcculloch_pitts``: McCulloch–Pitts neurons, logic gates and their truth tables.
- ``ann.tlu``: step functions, the threshold logic unit and a layer of them (Equations 10-1, 10-2).
- ``ann.perceptron``: the perceptron learning rule (Equation 10-3).
- ``ann.xor``: the two-layer network of Figure 10-6 that computes XOR.
- ``ann.activations``: activation functions and their derivatives.
- ``ann.losses``: loss functions and their gradients.
- ``ann.mlp``: a multilayer perceptron trained by backpropagation.
- ``ann.keras_models``: Keras builders (Sequential, Functional, Subclassing), callbacks, saving.
- ``ann.data``: data loaders and splits.
- ``ann.plots``: the figures of the book.
- ``ann.course``: tooling of the graded course (book pages, self-check, feedback).
- ``ann.grading``: helpers for the hidden tests of the assignments.
"""

__version__ = "0.1.0"
