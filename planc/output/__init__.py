"""Output folders: atomic file writes, safe names, and the one output-tree writer."""
