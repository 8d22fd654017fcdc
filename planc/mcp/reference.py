"""The ``reference`` tool's cheat-sheet, generated from the grammar and the code registry.

An assistant needs the language in a page: what a step line may hold (the examples
the grammar gives for each token, ``grammars/workout.lark``), the few rules that
trip people (``m`` is minutes), and every mistake planc reports with its fix and an
input that triggers it (:mod:`planc.codes`).  Generated, so it cannot drift from
what the parser accepts and what it reports.
"""

from __future__ import annotations

import re

from planc.syntax import GRAMMAR_PATH, HEADER_KEYS
from planc.syntax.tokens import KEYWORD_FLAGS, WINDOWS

RULES = """\
- One step per line, starting with '-': optional label words, then ONE duration or
  distance, then targets. '- Hard 3m 110%'.
- 'm' is MINUTES: '400m' is 400 minutes. Metres are 'mtr' ('400mtr'), also km, mi, yrd.
- Power is the default domain: '75%' is % FTP; '200w' watts; 'Z2' a power zone.
  Heart rate needs HR/LTHR/bpm ('70% HR', '95% LTHR', 'Z2 HR', '145bpm');
  pace needs the word Pace ('5:00/km Pace', '80% Pace', 'Z2 Pace'). On a run or a swim a
  bare '75%' is power: write 'Z2 HR' or 'Z2 Pace'.
- 'ramp' goes after the duration and before a range: '- 10m ramp 50-75%'.
- A blank line ends a block. A line ending in 'Nx' repeats the steps under it
  ('Main set 4x'); put a blank line before it. 'Warmup' and 'Cooldown' lines mark
  sections.
- planc extensions: nested repeats (indent), '// comment' lines, timed cues under a step
  ('> 2m30s Push now'), front matter between '---' lines (keys: {keys}).
- Options: 'Press lap', {flags}, intensity=warmup|active|rest|cooldown|recovery|interval|other,
  power={windows}, hr={windows}.
"""

_TERMINAL = re.compile(r"^([A-Z][A-Z_]*)(?:\.\d+)?\s*:")


def token_examples(grammar: str) -> list[tuple[str, str]]:
    """(token, examples) for each grammar terminal that has a comment line just above it."""
    out: list[tuple[str, str]] = []
    comment: str | None = None
    in_tokens = False
    for line in grammar.splitlines():
        stripped = line.strip()
        if "step tokens" in stripped:
            in_tokens = True
            continue
        if not in_tokens:
            continue
        if stripped.startswith("//"):
            comment = stripped[2:].strip()
            continue
        m = _TERMINAL.match(stripped)
        if m and comment:
            out.append((m.group(1).lower().replace("_", " "), comment))
        comment = None
    return out


def code_lines() -> list[str]:
    """One line per diagnostic code an author can meet writing and compiling workouts and
    plans (importing files is left out): name, severities, stages, what it means, the
    fix, and for workout text an input that triggers it."""
    from planc.codes import CODES

    lines = []
    for c in CODES:
        stages = [s for s in c.stages if not s.startswith("import")]
        workout = [e for e in c.examples if e.stage in ("syntax", "check")]
        if not stages:
            continue
        severities = "/".join(str(s) for s in c.severities)
        line = f"- {c.name} ({severities}; {', '.join(stages)}): {c.summary}. Fix: {c.hint}."
        if workout and "\n" not in workout[0].text and len(workout[0].text) < 60:
            line += f" e.g. `{workout[0].text}`"
        lines.append(line)
    return lines


def cheat_sheet() -> str:
    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    rules = RULES.format(keys=", ".join(HEADER_KEYS), flags=", ".join(KEYWORD_FLAGS),
                         windows="|".join(WINDOWS))
    tokens = "\n".join(f"- {name}: {examples}" for name, examples in token_examples(grammar))
    codes = "\n".join(code_lines())
    return (f"# planc workout language (a superset of intervals.icu workout text)\n\n"
            f"## Rules\n{rules}\n## Step tokens (from the grammar)\n{tokens}\n\n"
            f"## Diagnostic codes (from the registry)\n{codes}\n")
