"""Where the grammar and the templates are: beside the package, or installed as data.

They live at the top of the repository (``grammars/``, ``templates/``) so that they
are easy to find and edit.  An editable install reads them there; a wheel installs
them as data files under ``<prefix>/share/planc/`` (pyproject ``data-files``).

Written with ``os.path`` (not pathlib): the build cache asks where they are on the
way to a no-change rebuild, which must not pay for importing pathlib.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: its import is 2 ms of start-up
if TYPE_CHECKING:
    from pathlib import Path

_CHECKOUT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def resource_path(name: str) -> str:
    """``grammars`` or ``templates``: the checkout's folder, else the installed copy."""
    # a checkout has pyproject.toml; in a wheel install _CHECKOUT is site-packages, where
    # another distribution may have dropped a folder of the same name
    here = os.path.join(_CHECKOUT, name)
    if os.path.isfile(os.path.join(_CHECKOUT, "pyproject.toml")) and os.path.isdir(here):
        return here
    installed = os.path.join(sys.prefix, "share", "planc", name)
    return installed if os.path.isdir(installed) else here  # missing: errors name it


def resource_dir(name: str) -> Path:
    """:func:`resource_path` as a Path, for the modules that read the files."""
    from pathlib import Path  # lazy: see the module doc

    return Path(resource_path(name))
