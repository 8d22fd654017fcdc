"""The diagnostic code registry (planc.codes) against the package and README.

Three promises: the codes the package source can report are exactly the
declared ones (at the declared severities); every declared example, run through
its stage, reports its code at its severity; README's code list is the
registry's.  ``python tests/test_codes.py`` prints the README list.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import re
import struct
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.icu_fixtures import API_KEY, icu_server  # noqa: F401  (fixture by name)

import planc.icuserver.store as icu_store
from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.cli import main
from planc.codes import BY_NAME, CODES, ROSTER_PLAN, Code, Example
from planc.diagnostics import Diagnostic, Severity
from planc.emit import emit
from planc.emit import fit as fit_writer
from planc.emit.fit_encoder import FitEncodeError, FitStep, crc16, encode_workout
from planc.importers import common as import_common
from planc.importers import import_file
from planc.plan.athlete_file import load_athlete_file
from planc.plan.load import read_plan
from planc.plan.rejections import check_plan

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planc"
CODE_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# ------------------------------------------------------------ source scan --

SEVERITY_OF_CALL = {"error": Severity.ERROR, "warning": Severity.WARNING,
                    "warn": Severity.WARNING, "_warn": Severity.WARNING, "note": Severity.NOTE}
"""Functions and methods whose first argument is a code: planc.diagnostics'
error/warning and the Reader.error/Reader.warn methods of plans and importers."""

CODE_PARAMETER = {"choice": (3, Severity.ERROR)}
"""Other helpers that take a code: name -> (position of the code argument, severity)."""

PASS_THROUGH = {
    ("diagnostics.py", "error"), ("diagnostics.py", "warning"),
    ("plan/reader.py", "error"), ("plan/reader.py", "warn"), ("plan/reader.py", "choice"),
    ("importers/common.py", "error"), ("importers/common.py", "warn"),
    ("lower/trainer.py", "_warn"),
    ("importers/__init__.py", "_finish"),  # re-reports the read-back's own codes
    ("plan/build.py", "_diagnostic"),  # re-reports a format's warning kept in the build cache
}
"""(file, function) that hand on a code they were given instead of naming one."""


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def _code_argument(call: ast.Call) -> tuple[ast.expr, Severity] | None:
    """The code argument of a diagnostic-making call, and the severity it makes."""
    name = _call_name(call)
    if name == "Diagnostic" and len(call.args) >= 2:
        sev = call.args[0]
        if isinstance(sev, ast.Attribute) and sev.attr in Severity.__members__:
            return call.args[1], Severity[sev.attr]
        return call.args[1], Severity.ERROR  # a severity given by variable: PASS_THROUGH
    if name == "note" and isinstance(call.func, ast.Attribute):
        return None  # only planc.diagnostics.note(); a lowering's own note() method is not
    if name in SEVERITY_OF_CALL and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and not CODE_RE.match(str(first.value)):
            return None  # a logger's message, not a code
        return first, SEVERITY_OF_CALL[name]
    if name in CODE_PARAMETER:
        position, severity = CODE_PARAMETER[name]
        for kw in call.keywords:
            if kw.arg == "code":
                return kw.value, severity
        if len(call.args) > position:
            return call.args[position], severity
    return None


def _functions(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """Every call with the name of the function it is in ('' at module level)."""
    def walk(node: ast.AST, where: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) \
                else where
            if isinstance(child, ast.Call):
                yield where, child
            yield from walk(child, inner)
    yield from walk(tree, "")


def _has_default_code(node: ast.AST) -> bool:
    """A helper whose ``code`` parameter has a default: a code no caller names."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):],
                        args.defaults, strict=True))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                    if d is not None)
    return isinstance(defaults.get("code"), ast.Constant)


@functools.cache
def scan_package() -> tuple[dict[str, set[Severity]], list[str]]:
    """Codes named in planc/**/*.py with their severities, and the calls whose code is
    not a literal outside PASS_THROUGH (a new helper this scan does not know)."""
    used: dict[str, set[Severity]] = defaultdict(set)
    unknown: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("icuserver/") or rel == "codes.py":
            continue  # the stand-in service reports nothing of planc's; the registry itself
        tree = ast.parse(path.read_text(encoding="utf-8"))
        unknown.extend(f"planc/{rel}:{node.lineno}: a default code in {node.name}()"
                       for node in ast.walk(tree) if _has_default_code(node))
        for function, call in _functions(tree):
            found = _code_argument(call)
            if found is None:
                continue
            arg, severity = found
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                used[arg.value].add(severity)
            elif (rel, function) not in PASS_THROUGH:
                unknown.append(f"planc/{rel}:{call.lineno} in {function}(): "
                               f"{ast.unparse(call)[:80]}")
    return used, unknown


def test_every_code_in_the_source_is_declared_and_every_declared_code_is_used():
    used, _ = scan_package()
    declared = {c.name for c in CODES}
    assert sorted(set(used) - declared) == [], \
        "codes used in planc/ but not declared: add each to planc/codes.py with an example"
    assert sorted(declared - set(used)) == [], "codes in planc.codes that planc/ never reports"


def test_declared_severities_are_the_severities_the_source_reports():
    used, _ = scan_package()
    wrong = {c.name: (sorted(c.severities), sorted(used[c.name])) for c in CODES
             if c.name in used and set(c.severities) != used[c.name]}
    assert wrong == {}


def test_no_code_reaches_a_diagnostic_unseen_by_the_scan():
    """A helper that takes a code from its caller must be listed above, so that the
    codes its callers pass are scanned too."""
    _, unknown = scan_package()
    assert unknown == []


def test_the_registry_is_well_formed():
    assert len(BY_NAME) == len(CODES), "a code is declared twice"
    for c in CODES:
        assert CODE_RE.match(c.name), c.name
        assert c.summary and c.examples, c.name
        assert "\n" not in c.summary and "\n" not in c.hint, c.name
        pairs = [(e.severity, e.stage) for e in c.examples]
        assert len(pairs) == len(set(pairs)), f"{c.name}: one example per severity and stage"
        for e in c.examples:
            assert e.stage.partition(":")[0] in RUNNERS, (c.name, e.stage)


def test_planc_version_does_not_import_the_registry():
    probe = ("import sys\nfrom planc.cli import main\ntry:\n    main(['--version'])\n"
             "except SystemExit:\n    pass\nprint('planc.codes' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=60)
    assert out.stdout.split()[-1] == "False"


# ---------------------------------------------------------------- examples --

def expand(text: str) -> str:
    """``<<TEXT*N>>`` -> TEXT repeated N times (the size-limit examples)."""
    def repeat(m: re.Match) -> str:
        body, _, count = m.group(1).rpartition("*")
        return body * int(count)
    return re.sub(r"<<(.*?)>>", repeat, text, flags=re.S)


def as_bytes(text: str) -> bytes:
    """The example's file bytes: UTF-8, with lone surrogates (``\\udce9``) as raw bytes."""
    return expand(text).encode("utf-8", "surrogateescape")


def lowering_athlete():
    return Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190),
                    "run": SportThresholds(threshold_pace=1000 / 240)})


def run_workout(ex: Example, ctx: Context) -> list[Diagnostic]:
    if ex.stage == "check:plan":
        return check_plan(ctx.write("plan.yaml", ex.text))
    return read_workout(expand(ex.text), path="w.workout").diagnostics


def run_lowering(ex: Example, ctx: Context) -> list[Diagnostic]:
    parsed = read_workout(expand(ex.text), path="w.workout")
    assert parsed.workout is not None, [d.code for d in parsed.diagnostics]
    athlete = lowering_athlete()
    if (ctx.tmp / "athlete.yaml").exists():
        athlete, problems = load_athlete_file(ctx.tmp / "athlete.yaml")
        assert athlete is not None, problems
    _, diags = emit(ex.stage.partition(":")[2], parsed.workout, athlete)
    return diags


def run_plan(ex: Example, ctx: Context) -> list[Diagnostic]:
    return read_plan(ctx.write("plan.yaml", ex.text), need_plan=True).diagnostics


def run_athlete(ex: Example, ctx: Context) -> list[Diagnostic]:
    return load_athlete_file(ctx.write("athlete.yaml", ex.text))[1]


def run_roster(ex: Example, ctx: Context) -> list[tuple[Severity, str]]:
    if not (ctx.tmp / "plan.yaml").exists():
        ctx.write("plan.yaml", ROSTER_PLAN)
    ctx.write("squad.yaml", ex.text)
    return _cli(["check", "plan.yaml", "--roster", "squad.yaml", "--for", "anna"], ctx)


def run_import(ex: Example, ctx: Context) -> list[Diagnostic]:
    fmt = ex.stage.partition(":")[2]
    name = {"": "workout", "icu": "workout.txt"}.get(fmt, f"workout.{fmt}")
    if fmt == "fit":
        path = ctx.tmp / name
        # a FIT example is an expression over the builders below, and nothing else
        path.write_bytes(eval(ex.text, {"__builtins__": {}}, FIT_BUILDERS))
    else:
        path = ctx.write(name, ex.text)
    return import_file(path).diagnostics


def _cli(args: list[str], ctx: Context) -> list[tuple[Severity, str]]:
    """Run planc in the example's folder; the (severity, code) pairs it printed."""
    err = io.StringIO()
    with contextlib.chdir(ctx.tmp), contextlib.redirect_stderr(err), \
            contextlib.redirect_stdout(io.StringIO()):
        main(args)
    return [(Severity(s), c) for s, c in
            re.findall(r"\b(error|warning|note)\[([a-z0-9-]+)\]", err.getvalue())]


def run_cli(args: list[str]) -> Callable[[Example, Context], list[tuple[Severity, str]]]:
    def run(ex: Example, ctx: Context) -> list[tuple[Severity, str]]:
        ctx.write("plan.yaml", ex.text)
        coach = ["--for", "all"] if (ctx.tmp / "squad.yaml").exists() else []
        return _cli(args + coach + ctx.flags, ctx)
    return run


class Context:
    """Where an example runs: its temp folder, pytest's monkeypatch and request."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch,
                 request: pytest.FixtureRequest):
        self.tmp, self.monkeypatch, self.request = tmp, monkeypatch, request
        self.flags: list[str] = []  # added to a command line (a condition may need one)

    def write(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(as_bytes(text))
        return path


RUNNERS: dict[str, Callable] = {
    "syntax": run_workout, "check": run_workout, "lower": run_lowering, "plan": run_plan,
    "athlete": run_athlete, "import": run_import, "roster": run_roster,
    "build": run_cli(["build", "plan.yaml", "-o", "out"]),
    "render": run_cli(["render", "plan.yaml", "-o", "site"]),
    "publish": run_cli(["publish", "plan.yaml", "--yes", "--prune"]),
}
"""Stage (before any ':format') -> how its example runs."""

# FIT examples are built with planc's own encoder (raw FIT units), then damaged on purpose.
TIME, DISTANCE, HR_LT, OPEN, REPEAT, REPEAT_TIME = 0, 1, 2, 5, 6, 7
SPEED, HR, NO_TARGET, CADENCE, POWER = 0, 1, 2, 3, 4
_STEP_RECORD = 1 + 34 + 2  # header, numeric fields, empty name and notes (one NUL each)


def _fit(*steps, sport: int = 2) -> bytes:
    return encode_workout(name="Test", sport=sport, steps=list(steps),
                          time_created=0x30000000, serial_number=7)


def _step(duration_type: int, duration_value: int | None = None, target_type: int = NO_TARGET,
          target_value: int | None = None, low: int | None = None, high: int | None = None):
    if target_type != NO_TARGET and target_value is None:
        target_value = 0
    return FitStep(duration_type, duration_value, target_type, target_value, low, high)


def _sealed(body: bytes) -> bytes:
    """A FIT body (header included) with its CRC recomputed: damage the CRC does not see."""
    return body + struct.pack("<H", crc16(body))


def _retyped(data: bytes, file_type: int) -> bytes:
    body = bytearray(data[:-2])
    body[14 + 21 + 1] = file_type  # header, file_id definition, record header: the type byte
    return _sealed(bytes(body))


def _renumbered(data: bytes) -> bytes:
    """The step messages given another message number: a workout with no steps."""
    at = data.index(bytes((0x42, 0, 0, 27, 0)))
    return _sealed(data[:at + 3] + bytes((0xF0,)) + data[at + 4:-2])


def _relinked(data: bytes, index: int, back: int) -> bytes:
    """Step ``index`` (the last) made a repeat from step ``back`` (the encoder refuses it)."""
    body = bytearray(data[:-2])
    at = len(body) - _STEP_RECORD + 1 + 2 + 1  # the last record's duration_value
    assert body[len(body) - _STEP_RECORD + 1] == index
    body[at:at + 4] = struct.pack("<I", back)
    return _sealed(bytes(body))


def _flipped(data: bytes) -> bytes:
    out = bytearray(data)
    out[40] ^= 0xFF
    return bytes(out)


FIT_BUILDERS = {
    "fit": _fit, "step": _step, "retyped": _retyped, "renumbered": _renumbered,
    "relinked": _relinked, "flipped": _flipped, "cut": lambda data, n: data[:n],
    "bytes": bytes, "TIME": TIME, "DISTANCE": DISTANCE, "HR_LT": HR_LT, "OPEN": OPEN,
    "REPEAT": REPEAT, "REPEAT_TIME": REPEAT_TIME, "SPEED": SPEED, "HR": HR, "POWER": POWER,
    "CADENCE": CADENCE, "NO_TARGET": NO_TARGET,
}


# Conditions an input alone cannot create (Example.needs).
def _encoder_refuses(ctx: Context) -> None:
    def refuse(**_):
        raise FitEncodeError("a value out of range")
    ctx.monkeypatch.setattr(fit_writer, "prepare_workout", refuse)
    ctx.monkeypatch.setattr(fit_writer, "_PREPARED", {})  # nothing encoded before


def _text_does_not_read_back(ctx: Context) -> None:
    """The planc text written for an import gains a step (a writer bug)."""
    real = import_common.write
    ctx.monkeypatch.setattr(import_common, "write",
                            lambda w, dialect: real(w, dialect) + "\n- 1m 50%\n")


def _service(ctx: Context):
    server = ctx.request.getfixturevalue("icu_server")
    for name, value in {"INTERVALS_ICU_API_KEY": API_KEY, "INTERVALS_ICU_BASE_URL": server.url,
                        "INTERVALS_ICU_ATHLETE_ID": "0", "PLANC_RETRY_BACKOFF": "0.02",
                        "XDG_CONFIG_HOME": str(ctx.tmp / "xdg")}.items():
        ctx.monkeypatch.setenv(name, value)
    return server


def _service_parses_no_steps(ctx: Context) -> None:
    _service(ctx)
    ctx.monkeypatch.setattr(icu_store, "parse_workout",
                            lambda text, settings=None: {"steps": [], "duration": 0})


def _event_of_another_client(ctx: Context) -> None:
    server = _service(ctx)
    server.seed_event({"category": "NOTE", "start_date_local": "2027-01-06T00:00:00",
                       "name": "Old", "description": "", "external_id": "planc:p:2027-01-06:1"},
                      client="other-key")


OUTPUT_FOLDERS = ("out", "site")
"""Where the build and render examples write (RUNNERS)."""


def _force(ctx: Context) -> None:
    ctx.flags.append("--force")


def _week_folder_link(ctx: Context) -> None:
    """The first week's folder is a link to a folder outside the output folder."""
    (ctx.tmp / "elsewhere").mkdir()
    for out in OUTPUT_FOLDERS:
        (ctx.tmp / out).mkdir()
        (ctx.tmp / out / "week-01-2027-01-04").symlink_to(ctx.tmp / "elsewhere")


def _folder_locked(ctx: Context) -> None:
    """Another planc holds the output folder's lock (flock is per open file, so this
    process holding it refuses a second taker in the same process too)."""
    import fcntl

    for out in OUTPUT_FOLDERS:
        (ctx.tmp / out / ".planc-cache").mkdir(parents=True)
        fh = open(ctx.tmp / out / ".planc-cache" / "lock", "w")  # noqa: SIM115 (held)
        fcntl.flock(fh, fcntl.LOCK_EX)
        ctx.request.addfinalizer(fh.close)


def _copied_event(ctx: Context) -> None:
    """planc's event of the example plan, and a copy of it with its external id made with
    other credentials (as copying in the web UI does)."""
    server = _service(ctx)
    for client in (server.client, None):
        server.seed_event({"category": "WORKOUT", "type": "Ride", "name": "Copy",
                           "start_date_local": "2027-01-04T00:00:00", "description": "- 1h 50%",
                           "external_id": "planc:p:2027-01-04:w"}, client=client)


def _calendar_of_another_athlete(ctx: Context) -> None:
    """The calendar the roster names (the key's own, i4242) holds ben's events of plan p."""
    server = _service(ctx)
    server.seed_event({"category": "NOTE", "start_date_local": "2027-01-05T00:00:00",
                       "name": "Ben's", "external_id": "planc:p:ben:2027-01-05:rest-day"},
                      client=server.client)


NEEDS: dict[str, Callable[[Context], None]] = {
    "": lambda ctx: None,
    "--force": _force,
    "week-folder-link": _week_folder_link,
    "folder-locked": _folder_locked,
    "encoder-refuses": _encoder_refuses,
    "text-does-not-read-back": _text_does_not_read_back,
    "service-parses-no-steps": _service_parses_no_steps,
    "event-of-another-client": _event_of_another_client,
    "calendar-of-another-athlete": _calendar_of_another_athlete,
    "copied-event": _copied_event,
}


def _examples() -> list:
    return [pytest.param(c, e, id=f"{c.name}-{e.severity}-{e.stage}")
            for c in CODES for e in c.examples]


@pytest.mark.parametrize(("entry", "example"), _examples())
def test_the_example_reports_its_code(entry: Code, example: Example, tmp_path, monkeypatch,
                                      request):
    ctx = Context(tmp_path, monkeypatch, request)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name, text in example.files:
        ctx.write(name, text)
    NEEDS[example.needs](ctx)
    found = RUNNERS[example.stage.partition(":")[0]](example, ctx)
    pairs = {(d.severity, d.code) if isinstance(d, Diagnostic) else d for d in found}
    assert (example.severity, entry.name) in pairs, sorted(pairs)


# ------------------------------------------------------------------ README --

def _cell(text: str) -> str:
    """Registry text as a Markdown table cell ('|' would end the cell, '<x>' is HTML)."""
    return text.replace("|", "\\|").replace("<", "&lt;")


def readme_list() -> str:
    """README's code list, from the registry: one table, in the registry's order."""
    lines = ["| code | severity | stage | what it means | usual fix |",
             "|---|---|---|---|---|"]
    for c in CODES:
        severities = " / ".join(str(s) for s in c.severities)
        lines.append(f"| `{c.name}` | {severities} | {', '.join(c.stages)} | "
                     f"{_cell(c.summary)} | {_cell(c.hint)} |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- codes: begin (tests/test_codes.py) -->\n\n", "\n<!-- codes: end -->"


def test_readme_lists_exactly_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    assert text[start:end] == readme_list(), \
        "README's code list is stale: paste the output of 'python tests/test_codes.py'"


if __name__ == "__main__":
    print(readme_list(), end="")
