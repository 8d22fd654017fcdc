"""planc: a training-plan compiler.

Kept import-free on purpose: ``planc --version`` must start as fast as bare Python.
"""

__version__ = "0.1.0"
