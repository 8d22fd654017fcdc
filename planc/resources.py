"""Where the grammar and the templates are: beside the package, or installed as data.

They live at the top of the repository (``grammars/``, ``templates/``) so that they
are easy to find and edit.  An editable install reads them there; a wheel installs
them as data files under ``<prefix>/share/planc/`` (pyproject ``data-files``).
"""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """``grammars`` or ``templates``: the checkout's folder, else the installed copy."""
    for base in (_CHECKOUT, Path(sys.prefix) / "share" / "planc"):
        if (base / name).is_dir():
            return base / name
    return _CHECKOUT / name  # missing: the caller's error names this path
