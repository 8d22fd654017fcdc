"""Subcommands of the ``planc`` command line, one module each (imported lazily)."""
