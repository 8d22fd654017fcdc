"""planc workout text for an imported workout: front matter, nesting and cues kept.

``planc.emit.icu`` writes what intervals.icu can read, so it drops the header,
unrolls nested repeats and leaves cues out.  An import is meant to become a
planc source file, so this writer keeps all three: the header carries name,
sport, description and tags; a repeat inside a repeat is indented under it;
``> offset text`` lines follow their step.  Step lines themselves come from
the canonical emitter (``step_line``), so a step reads the same in both.

The contract, checked by the tests: ``parse_workout(workout_text(w))`` gives
back ``w`` for every workout an importer builds (labels already passed through
``safe_label``, cue offsets whole seconds or metres, header values on one line).
"""

from __future__ import annotations

import re

from planc.ast import Block, Distance, Node, Note, Repeat, Section, Step, Workout
from planc.emit.icu import fmt_duration, num, step_line
from planc.units import YARD_M, DistanceUnit

_REPEAT_TAIL = re.compile(r"\d+\s*[xX]\s*$")
INDENT = "  "


def one_line(text: str) -> str:
    """Collapse white space (newlines included): header values and cues are single lines."""
    return " ".join(text.split())


def prose_line(line: str) -> str:
    """A prose line that reads back as prose, not as a step, cue, comment, header or repeat."""
    line = line.strip()
    if line[:1] in ("-", ">", "`") or line.startswith("//"):
        line = "`" + line
    if re.match(r"pool\s+length", line, re.IGNORECASE):
        line = "`" + line
    if _REPEAT_TAIL.search(line):
        line += "."
    return line


def _header_value(value: str) -> str:
    """A header value the front-matter reader returns unchanged (it strips one quote pair)."""
    value = one_line(value)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = f"'{value}'" if value[0] == '"' else f'"{value}"'
    return value


def clean_tag(tag: str) -> str:
    """A tag the ``tags: [a, b]`` reader returns unchanged: no commas, brackets or edge quotes."""
    return one_line(re.sub(r"[,\[\]]", " ", tag)).strip("\"' ")


def front_matter(workout: Workout) -> str:
    lines = ["---"]
    if workout.name and one_line(workout.name):
        lines.append(f"name: {_header_value(workout.name)}")
    lines.append(f"sport: {workout.sport}")
    if workout.description and one_line(workout.description):
        lines.append(f"description: {_header_value(workout.description)}")
    tags = [t for t in (clean_tag(t) for t in workout.tags) if t]
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")
    lines.append("---")
    return "\n".join(lines)


def cue_offset(step: Step, offset: float) -> str:
    if isinstance(step.amount, Distance):
        return f"{num(round(offset, 6))}{DistanceUnit.METRE.value}"
    return fmt_duration(offset)


def _step_lines(step: Step, indent: str) -> list[str]:
    out = [indent + step_line(step)]
    for cue in step.cues:
        out.append(f"{indent}> {cue_offset(step, cue.offset)} {one_line(cue.text)}")
    return out


def _has_nested(rep: Repeat) -> bool:
    return any(isinstance(c, Repeat) for c in rep.children)


def _repeat_lines(rep: Repeat, indent: str, nested: bool) -> list[str]:
    """A repeat header and its children.

    The parser nests a header indented deeper than the open repeat's header and
    closes it at a line indented no deeper than that header, so children of a
    repeat that holds repeats go two spaces in; a flat top-level repeat keeps its
    steps at column 1, like the canonical intervals.icu text.
    """
    title = prose_line(rep.title) if rep.title else ""
    if title.endswith("."):
        title = title[:-1] + ":"
    out = [f"{indent}{title} {rep.count}x" if title else f"{indent}{rep.count}x"]
    inner = indent + INDENT if (nested or _has_nested(rep)) else indent
    for child in rep.children:
        if isinstance(child, Step):
            out.extend(_step_lines(child, inner))
        elif isinstance(child, Repeat):
            out.extend(_repeat_lines(child, inner, True))
        elif isinstance(child, Note):
            out.extend(inner + prose_line(x) for x in child.text.split("\n") if x.strip())
    return out


def _node_text(node: Node) -> str:
    if isinstance(node, Note):
        return "\n".join(prose_line(x) for x in node.text.split("\n") if x.strip())
    if isinstance(node, Block):
        lines: list[str] = []
        if node.section is not None:
            lines.append("Warmup" if node.section is Section.WARMUP else "Cooldown")
        elif node.title:
            lines.append(prose_line(node.title))
        for child in node.children:
            if isinstance(child, Step):
                lines.extend(_step_lines(child, ""))
            elif isinstance(child, Note):
                lines.extend(prose_line(x) for x in child.text.split("\n") if x.strip())
        return "\n".join(lines)
    if isinstance(node, Repeat):
        return "\n".join(_repeat_lines(node, "", False))
    return "\n".join(_step_lines(node, ""))


def workout_text(workout: Workout) -> str:
    """The whole planc source: front matter, then blocks separated by blank lines."""
    chunks = [front_matter(workout)]
    if workout.pool_length is not None:
        pl = workout.pool_length
        unit = "y" if pl.unit is DistanceUnit.YARD else "m"
        value = pl.metres / (YARD_M if unit == "y" else 1.0)
        chunks.append(f"Pool length: {num(round(value, 6))}{unit}")
    body = [t for t in (_node_text(n) for n in workout.body) if t]
    if not body:
        return chunks[0] + "\n"
    return chunks[0] + "\n" + "\n\n".join([*chunks[1:], *body]) + "\n"
