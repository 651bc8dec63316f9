"""Build hook for the one compiled module: the simple-shape YAML reader (docs/design.md).

Everything else is in pyproject.toml. The extension is optional: without a C compiler
followup installs and runs the same, with the pure-Python reader (``yaml12.load_simple``).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("followup.store._simple", ["tools/followup/store/_simple.c"], optional=True)])
