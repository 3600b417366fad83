"""Synthetic spine CT phantoms with exact ground truth: `generate(seed, preset, **overrides)`.

See README.md in this folder for the conventions (axes, slice order, labels, ground truth).
"""
from .generator import GENERATOR_VERSION, Phantom, generate

__all__ = ["generate", "Phantom", "GENERATOR_VERSION"]
__version__ = GENERATOR_VERSION
