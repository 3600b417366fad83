"""Lets the tests import the training packages (phantom, ...) from training/ as the root."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
