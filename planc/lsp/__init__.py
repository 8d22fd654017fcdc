"""``planc lsp``: a Language Server Protocol server for workout files and plan YAML.

Two modules, so that what the server knows can be tested without a client:

* :mod:`planc.lsp.analysis` reads a document (a workout or a plan with its includes,
  from the editor's unsaved text) and answers the questions an editor asks: the
  diagnostics, a hover on a step, completions, where a workout is defined.  No LSP
  types, no pygls: positions are planc's 1-based line and column.
* :mod:`planc.lsp.server` is the pygls wiring: LSP positions (0-based, UTF-16) to
  planc's and back, and one handler per request.

pygls is imported only by ``planc lsp`` (planc.lsp.server); importing this package
costs nothing.
"""
