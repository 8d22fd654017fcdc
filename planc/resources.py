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
    # a checkout has pyproject.toml; in a wheel install _CHECKOUT is site-packages, where
    # another distribution may have dropped a folder of the same name
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / name).is_dir():
        return _CHECKOUT / name
    installed = Path(sys.prefix) / "share" / "planc" / name
    return installed if installed.is_dir() else _CHECKOUT / name  # missing: errors name it
