"""``planc mcp``: a Model Context Protocol tool server, so an AI assistant checks what it writes.

Assistants write intervals.icu workout text and get it wrong (``400m`` is 400
minutes); planc's positioned diagnostics are the check they lack.  Two modules:

* :mod:`planc.mcp.tools`: what each tool does, as plain functions over plain data
  (JSON-ready dicts), testable without a client: ``check``, ``compile``, ``stats``,
  ``reference`` and ``publish`` (with its dry-run gate).
* :mod:`planc.mcp.server`: the MCP wiring with the official SDK, over stdio.

The SDK is imported only by ``planc mcp``.
"""
