"""Lowering: rewrite a workout into what a target format can express.

One stage, one package: ``common`` holds the rewrites several targets share
(unrolling, single-level repeats); each target with needs of its own has a
module here (``icu``, ``zwo``, ``trainer`` for .mrc/.erg, ``fit``).  Emitters call
these; they never approximate on their own.  Every rewrite preserves order,
total time and work, and reports what it did as a diagnostic at the source.
"""

from planc.ast import unrolled_steps
from planc.lower.common import single_level

__all__ = ["single_level", "unrolled_steps"]
