"""Every diagnostic code planc reports, declared once: the registry.

A code is what a user searches for (``error[unknown-token]``), so each one is
declared here with what it means, the fix it usually needs, and for each
severity and stage that reports it an example input that triggers it.
``tests/test_codes.py`` keeps the registry honest: the codes used in the
package source are exactly the codes declared here, every example is run
through its stage and must report its code at its severity, and README's list
of codes is generated from this table.

This module is data only (a tuple of frozen records) and is imported by tests
and tooling, never on the way to ``planc --version``.

How an example is read depends on its stage:

* ``syntax``, ``check``: workout text, read with :func:`planc.check.read_workout`
  (no header means a Ride).
* ``check:plan``: the text of ``plan.yaml``, checked as ``planc check`` checks a plan
  (:func:`planc.plan.rejections.check_plan`: also what its athlete leaves unknown and what build would stop at).
* ``lower:<format>``: workout text compiled with :func:`planc.emit.emit` for an
  athlete with ride FTP 250 W, LTHR 170 bpm, max HR 190 bpm and run threshold
  pace 4:00/km (no other thresholds), or for the ``athlete.yaml`` in ``files``.
* ``plan``: the text of ``plan.yaml``, read as a plan to build.
* ``athlete``: the text of ``athlete.yaml``, read as an athlete file.
* ``roster``: the text of ``squad.yaml``, a roster, run through ``planc check
  plan.yaml --roster squad.yaml --for anna`` with :data:`ROSTER_PLAN` as
  ``plan.yaml`` (unless ``files`` gives one).
* ``import``, ``import:<format>``: the bytes of ``workout.<format>``
  (``workout.txt`` for intervals.icu text, ``workout`` for ``import``), imported
  with :func:`planc.importers.import_file`.  FIT examples are written with the
  test's FIT builders: ``fit(step(TIME, 60000), ...)`` and the damage helpers
  (``flipped``, ``cut``, ``retyped``, ``renumbered``, ``relinked``).
* ``build``, ``render``, ``publish``: the text of ``plan.yaml``, run through
  ``planc build plan.yaml -o out``, ``planc render plan.yaml -o site`` or
  ``planc publish plan.yaml --yes --prune`` (against the local stand-in for
  intervals.icu).

``<<TEXT*N>>`` in an example stands for TEXT repeated N times (the limits on
input size); ``files`` are written beside the input first; ``needs`` names a
condition the input alone cannot create (the service misbehaving, a bug in
planc), which the test sets up.
"""

from __future__ import annotations

from dataclasses import dataclass

from planc.diagnostics import Severity

ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE

SYNTAX, CHECK, PLAN, ATHLETE, ROSTER = "syntax", "check", "plan", "athlete", "roster"
IMPORT, BUILD, RENDER, PUBLISH = "import", "build", "render", "publish"


def lower(fmt: str) -> str:
    """The stage that writes ``fmt`` (``lower:fit``)."""
    return f"lower:{fmt}"


def reading(fmt: str) -> str:
    """The stage that imports ``fmt`` (``import:zwo``)."""
    return f"import:{fmt}"


@dataclass(frozen=True, slots=True)
class Example:
    """One input that makes ``stage`` report the code at ``severity``."""

    severity: Severity
    stage: str
    text: str
    files: tuple[tuple[str, str], ...] = ()
    needs: str = ""


@dataclass(frozen=True, slots=True)
class Code:
    """A diagnostic code: what it says, the usual fix, and inputs that trigger it."""

    name: str
    summary: str
    hint: str
    examples: tuple[Example, ...]

    @property
    def severities(self) -> tuple[Severity, ...]:
        return tuple(dict.fromkeys(e.severity for e in self.examples))

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.stage for e in self.examples))


def err(stage: str, text: str, **more) -> Example:
    """An input that makes ``stage`` report an error (short, so the table stays readable)."""
    return Example(ERROR, stage, text, **more)


def warn(stage: str, text: str, **more) -> Example:
    """An input that makes ``stage`` report a warning."""
    return Example(WARNING, stage, text, **more)


def code(name: str, summary: str, hint: str, *examples: Example) -> Code:
    """One registry row: ``summary`` says what is wrong, ``hint`` the usual fix."""
    return Code(name, summary, hint, examples)


def _plan(body: str = "- 10m 50%", sport: str = "Ride", start: str = "2027-01-04",
          params: str = "", **arguments: str) -> str:
    """A plan with one workout on the first Monday (``arguments`` for its session)."""
    declared = f"    params: {params}\n" if params else ""
    session = "{" + ", ".join(["workout: w", *(f"{k}: '{v}'" for k, v in arguments.items())]) + "}"
    return (f"id: p\nname: P\nstart: {start}\nweeks: 1\nathlete: {{ride: {{ftp: 250}}}}\n"
            f"workouts:\n  w:\n    sport: {sport}\n{declared}    body: |\n      {body}\n"
            f"calendar:\n  - mon: {session}\n")


def _lib(text: str) -> str:
    """A plan header with a workout library and calendar given as YAML flow text."""
    return "{id: p, name: P, start: 2027-01-04, weeks: 2, " + text + "}"


ROSTER_PLAN = ("id: p\nname: P\nstart: 2027-01-04\nweeks: 1\nparams: {volume: 1}\n"
               "athlete: {ride: {ftp: 250}}\nworkouts: {w: {sport: Ride, body: '- 10m 50%'}}\n"
               "calendar: [{mon: {workout: w, duration: '= 10m * volume'}}]\n")
"""The plan the roster examples are checked with (one parameter, 'volume')."""

_NO_FTP = (("athlete.yaml", "run: {threshold_pace: '4:00/km'}\n"),)
"""An athlete file without an FTP, for the lowering examples that need one."""
_HIGH_ZONES = (("athlete.yaml",
                "ride: {ftp: 250, power_zones: [55, 75, 90, 105, 120, 900, 1200]}\n"),)
"""Power zones whose Z7 reaches past 1000 % FTP."""
_W = "workouts: {w: {sport: Ride, body: '- 10m 50%'}}"
_WEEK1 = "week-01-2027-01-04"
"""The week folder of :func:`_plan`'s one session."""
_OTHER_BUILD = '{"plan": {"id": "other"}, "sessions": []}'
_OTHER_SITE = '{"plan": "other", "files": []}'
_ZWO = ('<workout_file><sportType>bike</sportType><workout>{}</workout></workout_file>')
_MRC = "[COURSE HEADER]\nMINUTES PERCENT\n[END COURSE HEADER]\n[COURSE DATA]\n{}[END COURSE DATA]\n"
_ERG = "[COURSE HEADER]\n{}MINUTES WATTS\n[END COURSE HEADER]\n[COURSE DATA]\n0\t100\n10\t100\n" \
       "[END COURSE DATA]\n"

CODES: tuple[Code, ...] = (
    # ------------------------------------------------------------------ syntax --
    code("dropped-by-icu", "a step line with no duration or distance, or a zero one: "
         "intervals.icu drops it, and so does planc", "add a duration such as '5m' (or remove "
         "the line)", warn(SYNTAX, "- Hard 120%\n- 10m 50%")),
    code("unknown-token", "a word that looks like a value but is none ('10min', 'Z2HR', a bare "
         "number after a value): intervals.icu ignores it, planc keeps it as text", "durations 30s 10m 1h, distances 2km 400mtr, targets "
         "75% 200w Z2 70% HR", warn(SYNTAX, "- 45m 120w first 10min easy")),
    code("label-cut", "a number with a unit ended the label before words meant for it",
         "keep numbers with units out of labels, e.g. '20 min'",
         warn(SYNTAX, "- Easy <40% MAP 10m 50%")),
    code("unknown-word", "a misspelt keyword after the duration stays text",
         "did you mean the keyword it names ('ramp', 'freeride', ...)?",
         warn(SYNTAX, "- 10m rmp 50-70%")),
    code("two-durations", "a step has two durations or distances",
         "give the rest its own step, e.g. '- 20s intensity=rest'",
         err(SYNTAX, "- 5m 2m 60%")),
    code("pace-without-keyword", "a pace has no 'Pace' after it", "write '5:00/km Pace'",
         err(SYNTAX, "---\nsport: Run\n---\n- 10m 5:00/km")),
    code("pace-unit", "a pace unit intervals.icu cannot read (error), or no unit (warning)",
         "write the pace per km, mi, 100m, 100y, 500m, 400m or 250m",
         err(SYNTAX, "---\nsport: Swim\n---\n- 100mtr 1:45/100mtr Pace"),
         warn(SYNTAX, "---\nsport: Run\n---\n- 10m 5:00 Pace")),
    code("bad-pace", "a pace with 60 or more seconds, or a number before 'Pace' that is no "
         "pace ('4.30/km Pace')", "write minutes:seconds and a unit, e.g. 5:00/km",
         err(SYNTAX, "---\nsport: Run\n---\n- 5km 4.30/km Pace")),
    code("zero-pace", "a pace of zero", "write minutes:seconds, e.g. 5:00/km",
         err(SYNTAX, "---\nsport: Run\n---\n- 10m 0:00/km Pace")),
    code("inline-repeat", "'2x' on a step line is not a repeat",
         "put the repeat header on its own line before the steps",
         err(SYNTAX, "- 10m 60% 2x")),
    code("ramp-without-range", "'ramp' without a range to ramp over",
         "give start and end, e.g. 'ramp 50-75%'", err(SYNTAX, "- 10m ramp 60%")),
    code("bad-option", "an unknown option or option value ('intensity=', 'power=', 'hr=')",
         "options: intensity=, power=, hr=", err(SYNTAX, "- 10m 60% intensity=hard")),
    code("repeat-count", "a repeat count that is not a whole number from 2 to 200",
         "write a whole number, 2x or more", err(SYNTAX, "0x\n- 1m 100%"),
         warn(SYNTAX, "1x\n- 1m 100%")),
    code("empty-repeat", "a repeat header with no steps under it",
         "put step lines ('- ...') directly under the header",
         err(SYNTAX, "Main set 4x\n\n- 5m 50%")),
    code("orphan-cue", "a cue line ('>') that does not follow a step",
         "put the cue directly under its step", err(SYNTAX, "> 1m Go\n- 10m 50%")),
    code("cue-offset", "a cue offset past its step's end, or of the wrong kind",
         "use an offset inside the step: a time on a timed step, a distance on a distance step",
         err(SYNTAX, "- 5m 50%\n> 6m Too late")),
    code("empty-cue", "a cue with no text", "write the prompt after the offset: '> 2m Spin up'",
         err(SYNTAX, "- 5m 50%\n> 2m")),
    code("header-key", "an unknown header key (error), or a key given twice (warning)",
         "header keys: name, sport, description, tags",
         err(SYNTAX, "---\nnmae: A\n---\n- 10m 50%"),
         warn(SYNTAX, "---\nname: A\nname: B\n---\n- 10m 50%")),
    code("unknown-sport", "a sport intervals.icu does not know",
         "use an intervals.icu type such as Ride, Run, Swim",
         err(SYNTAX, "---\nsport: Cycling\n---\n- 10m 50%"),
         err(PLAN, _plan(sport="Cycling"))),
    code("header-syntax", "a header line that is not 'key: value'",
         "header lines look like 'name: Sweet spot'; close the header with '---'",
         err(SYNTAX, "---\nname: A\nnot a key\n---\n- 10m 50%")),
    code("syntax", "text planc cannot read at all, e.g. a header never closed",
         "end the header with a line '---'", err(SYNTAX, "---\nname: A\n")),
    code("pool-length", "a bad 'Pool length' line (error), or a second one (warning)",
         "write 'Pool length: 25m' or 'Pool length: 25y'",
         err(SYNTAX, "---\nsport: Swim\n---\nPool length: 25ft\n- 100mtr Z2 Pace"),
         warn(SYNTAX, "---\nsport: Swim\n---\nPool length: 25m\nPool length: 50m\n"
                      "- 100mtr Z2 Pace")),
    code("too-large", "workout text over 1 MB", "split it", err(SYNTAX, "<<- 1s 50%\n*120000>>")),
    code("minutes-or-metres", "'400m' means 400 minutes, where metres are plausible",
         "for metres write '400mtr'", warn(SYNTAX, "---\nsport: Swim\n---\n- 400m 70% Pace")),
    code("reversed-range", "a range that goes down without 'ramp' is a steady band",
         "write it low-high, or add 'ramp' for a falling ramp", warn(SYNTAX, "- 10m 92-88%")),
    code("empty-range", "a range with the same start and end", "write a single value",
         warn(SYNTAX, "- 10m 75-75%")),
    code("label-dropped", "a zone before the duration erases the label on intervals.icu",
         "put the zone after the duration, e.g. '- Easy 10m Z2'", warn(SYNTAX, "- Z2 Easy 10m")),
    code("label-html", "'<', '>' or '&' in a label is stored HTML-escaped by intervals.icu",
         "write the label with plain words", warn(SYNTAX, "- Steady & smooth 10m 50%")),
    code("ramp-in-label", "'ramp' before the duration is label text, so the step is steady",
         "write 'ramp' after the duration: '- 10m ramp 50-75%'",
         warn(SYNTAX, "- ramp 10m 50-75%")),
    code("duplicate-target", "two targets of one kind on a step; the last one wins",
         "keep one target of each kind per step", warn(SYNTAX, "- 10m 60% 70%")),
    code("missing-blank-line", "a header or section follows steps without a blank line",
         "leave a blank line before it", warn(SYNTAX, "- 5m 60%\nMain 3x\n- 1m 100%")),
    code("section-spelling", "'Warm up', 'Cool Down' and the like are written back as "
         "'Warmup'/'Cooldown'; a misspelt one ('Warmpu') is a plain title",
         "write 'Warmup' or 'Cooldown'", warn(SYNTAX, "Warm up\n- 10m 50%")),
    code("not-a-repeat", "a title that ends like a repeat count but is not one ('Main set x3', "
         "'3x:', '3 times'): intervals.icu runs its steps once", "end the line with the count, "
         "e.g. 'Main set 3x'", warn(SYNTAX, "Main set x3\n- 1m 100%")),
    code("non-ascii-dash", "a range with an en dash: intervals.icu reads its first number only",
         "write '-'", warn(SYNTAX, "- 10m 50\u201375%")),
    code("divider", "a '-' line with no duration (a divider) is dropped as a step",
         "remove the line, or start it with '//'", warn(SYNTAX, "- 10m 50%\n---------\n- 5m 60%")),
    code("unread-target", "something that looks like a target but is not one",
         "no space before '%', no sign: '50%'", warn(SYNTAX, "- 10m 50 %")),
    code("control-character", "an invisible control character in the text", "delete it",
         warn(SYNTAX, "- Nul\x00x 1m 50%")),
    # ------------------------------------------------------------------- check --
    code("too-deep", "repeats nested deeper than 4 levels (or a file nested too deeply "
         "to import)", "flatten the inner repeats",
         err(CHECK, "A 2x\n B 2x\n  C 2x\n   D 2x\n    E 2x\n     - 1m 50%"),
         err(reading("fit"), "fit(step(TIME, 60000), *[step(REPEAT, 0, target_value=2)] * 3000)")),
    code("too-many-steps", "a workout that expands to more than 10,000 steps (or more FIT "
         "steps than the device takes: 50, or --fit-max-steps)", "check the repeat counts; "
         "split the workout, or raise --fit-max-steps for a device that takes more",
         err(CHECK, "A 200x\n  B 100x\n    - 1s 50%"),
         err(reading("zwo"), _ZWO.format("<IntervalsT Repeat='999999' OnDuration='1' "
                                         "OnPower='1' OffDuration='1' OffPower='0.5'/>")),
         err(lower("fit"), "<<- 1m 50%\n*51>>")),
    code("no-steps", "a workout with no steps (a warning), or whose every step line is dropped "
         "(an error)", "steps start with '-', e.g. '- 10m 60%'",
         warn(CHECK, "Just a note"), err(SYNTAX, "- MAX effort")),
    code("step-too-long", "a step over 24 hours or 1,000 km", "check the number and its unit",
         err(CHECK, "- 100000h 100%")),
    code("bad-zone", "a zone that does not exist", "use Z1 to Z7, or a percentage",
         err(CHECK, "- 10m Z9")),
    code("absurd-zone", "power Z7 is an absurd target on intervals.icu",
         "give a target instead, e.g. '150-200%' or 'maxeffort'", warn(CHECK, "- 10m Z7")),
    code("absurd-target", "a target past any device or athlete (error: over 1000 % FTP, "
         "10,000 W, 260 bpm, 255 rpm), or an unusual one (warning)",
         "check the number, or use 'maxeffort'", err(CHECK, "- 10m 2000%"),
         warn(CHECK, "- 10m 500%")),
    code("power-on-sport", "a power target on a sport without power (swim, ...)",
         "add ' HR' or ' Pace' after it", err(CHECK, "---\nsport: Swim\n---\n- 400mtr 75%")),
    code("power-on-run", "a bare percentage on a run is a power target",
         "for heart rate or pace write 'Z2 HR' or 'Z2 Pace'",
         warn(CHECK, "---\nsport: Run\n---\n- 30m Z2")),
    code("pace-on-ride", "a pace target on a ride", "rides take power or heart-rate targets",
         warn(CHECK, "- 10m 5:00/km Pace")),
    # -------------------------------------------------------------------- plan --
    code("yaml-syntax", "the YAML cannot be read", "check the indentation and quotes",
         err(PLAN, "id: p\nname: [P\n")),
    code("yaml-key", "a YAML key that is a mapping or list", "keys are plain words",
         err(PLAN, "? [a, b]\n: 1\n")),
    code("yaml-duplicate-key", "a key given twice in one mapping", "keep one",
         err(PLAN, "id: p\nid: q\n")),
    code("yaml-surrogate", "a '\\u' escape of half a UTF-16 surrogate pair: no character",
         "write the character itself, or its '\\U' escape",
         err(PLAN, 'id: "\\ud800"\n')),
    code("yaml-too-deep", "YAML nested too deeply to read", "flatten the file",
         err(PLAN, "a: <<[*5000>>")),
    code("yaml-too-large", "YAML aliases that expand past 200,000 values",
         "use fewer nested aliases ('*name')",
         err(PLAN, "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, "
                   "*a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, "
                   "*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, "
                   "*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n")),
    code("file", "the plan file cannot be read (over 4 MB, say)", "check the path and the file",
         err(PLAN, "<<#*4000001>>")),
    code("unknown-figure", "a figure planc stats cannot know: the plan's athlete lacks the "
         "threshold it needs", "give the threshold it names in the plan's athlete",
         warn("check:plan", "id: p\nname: P\nstart: 2027-01-04\nweeks: 1\nworkouts:\n  w:\n"
                            "    sport: Run\n    body: '- 8km 80% Pace'\n"
                            "calendar:\n  - mon: w\n")),
    code("empty-file", "the file is empty", "a plan needs id, name, start, weeks, calendar",
         err(PLAN, ""), err(IMPORT, ""), err(reading("zwo"), " "), err(reading("fit"), "b''"),
         err(reading("mrc"), "\n"), err(reading("icu"), "\n")),
    code("not-a-plan", "a library or athlete file where a plan is needed",
         "give a plan file (id, name, start, weeks, calendar)", err(PLAN, "workouts: {}\n")),
    code("unknown-key", "a key planc does not know here", "did you mean the key it suggests?",
         err(PLAN, _lib(f"{_W}, calendar: [], nmae: x"))),
    code("missing-key", "a required key is missing", "add the key it names",
         err(PLAN, "{id: p, name: P, start: 2027-01-04, calendar: []}")),
    code("wrong-type", "a value of the wrong type (text for a number, ...)",
         "write the kind of value it names",
         err(PLAN, "{id: p, name: P, start: 2027-01-04, weeks: four, calendar: []}")),
    code("out-of-range", "a number outside its range", "use a value inside the range it names",
         err(PLAN, "{id: p, name: P, start: 2027-01-04, weeks: 0, calendar: []}"),
         err(ATHLETE, "ride: {ftp: -5}\n")),
    code("bad-date", "a date that is not YYYY-MM-DD (or outside what FIT files can hold)",
         "write dates as YYYY-MM-DD, e.g. 2027-01-04",
         err(PLAN, "{id: p, name: P, start: 2027-13-01, weeks: 1, calendar: []}"),
         err(BUILD, _plan(start="1985-01-07"))),
    code("bad-time", "a session time that is not HH:MM", "e.g. time: \"07:00\"",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: {{workout: w, time: '7 am'}}}}]"))),
    code("bad-id", "a plan id that is not a slug",
         "use lower-case letters, digits and '-', e.g. base-build-2027",
         err(PLAN, "{id: My Plan, name: P, start: 2027-01-04, weeks: 1, calendar: []}")),
    code("start-not-monday", "a plan (or an athlete's plan in a roster) that does not start "
         "on a Monday", "start on the Monday before",
         err(PLAN, "{id: p, name: P, start: 2027-01-05, weeks: 1, calendar: []}"),
         err(ROSTER, "athletes: {anna: {start: 2027-01-05}}\n")),
    code("include-missing", "an included library cannot be read",
         "paths are relative to the file that names them",
         err(PLAN, _lib("include: [nothing.yaml], calendar: []"))),
    code("include-cycle", "libraries that include each other",
         "a library cannot include a file that includes it",
         err(PLAN, _lib("include: [lib.yaml], calendar: []"),
             files=(("lib.yaml", "include: [plan.yaml]\n"),))),
    code("athlete-missing", "the athlete file a plan or roster names is not found",
         "paths are relative to the file that names it; 'planc athlete pull' writes one",
         err(PLAN, _lib("athlete: nobody.yaml, calendar: []")),
         err(ROSTER, "athletes: {anna: {athlete: pull}}\n")),
    code("bad-key", "a session key planc cannot use", "use letters, digits, '-' and '_', "
         "starting with a letter",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: {{workout: w, key: '2 x'}}}}]"))),
    code("roster-missing", "the plan's roster file is not found",
         "paths are relative to the plan file",
         err(PLAN, _lib("roster: nobody.yaml, calendar: []"))),
    code("bad-workout-name", "a workout name planc cannot use ('rest', or odd characters)",
         "use letters, digits, '-' and '_', starting with a letter",
         err(PLAN, _lib("workouts: {rest: {sport: Ride, body: '- 10m 50%'}}, calendar: []"))),
    code("duplicate-workout", "a workout defined twice (in the plan and a library)",
         "rename one of them",
         err(PLAN, _lib(f"include: [lib.yaml], {_W}, calendar: []"),
             files=(("lib.yaml", f"{{{_W}}}\n"),))),
    code("reserved-parameter", "a parameter named like a session key or built-in",
         "rename the parameter",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: {week: 1}, body: '- 10m 50%'}}, "
                        "calendar: []"))),
    code("bad-parameter", "a parameter name that is not lower-case letters, digits and '_'",
         "use lower-case letters, digits and '_'",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: {Reps: 1}, body: '- 10m 50%'}}, "
                        "calendar: []"))),
    code("duplicate-parameter", "a parameter declared twice", "keep one",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: [reps, reps], body: '- {reps}m "
                        "50%'}}, calendar: []"))),
    code("unused-parameter", "a parameter the workout never uses",
         "use it as {name} in the body or name, or remove it",
         warn(PLAN, _lib("workouts: {w: {sport: Ride, params: {reps: 3}, body: '- 10m 50%'}}, "
                         "calendar: []"))),
    code("unknown-parameter", "a {placeholder} that is not a parameter",
         "declare it under 'params:'",
         err(PLAN, _lib("workouts: {w: {sport: Ride, body: '- {work} 50%'}}, calendar: []"))),
    code("bad-placeholder", "an empty placeholder '{}'",
         "write {name} for a parameter, or {{ and }} for literal braces",
         err(PLAN, _lib("workouts: {w: {sport: Ride, body: '- 10m 50% {}'}}, calendar: []"))),
    code("folded-body", "a workout body written as a folded block ('>')",
         "write 'body: |' so each step keeps its line",
         err(PLAN, "id: p\nname: P\nstart: 2027-01-04\nweeks: 1\nworkouts:\n  w:\n"
                   "    sport: Ride\n    body: >\n      - 10m 50%\ncalendar: []\n")),
    code("bad-argument", "a session argument that spans several lines",
         "argument values are single words such as 4, 10m or 90",
         err(PLAN, "id: p\nname: P\nstart: 2027-01-04\nweeks: 1\nworkouts:\n  w:\n"
                   "    sport: Ride\n    params: [work]\n    body: '- {work} 50%'\n"
                   "calendar:\n  - mon:\n      workout: w\n      work: |\n        10m\n"
                   "        5m\n")),
    code("bad-expression", "a progression expression planc cannot compute",
         "use + - * / // %, min, max, round over week and n",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: [work], body: '- {work} 50%'}}, "
                        "calendar: [{mon: {workout: w, work: '= 10m +'}}]"))),
    code("bad-count", "a repeat count filled with something that is not a whole number",
         "e.g. 4",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: [reps], body: \"{reps}x\\n- 1m "
                        "100%\"}}, calendar: [{mon: {workout: w, reps: 2.5}}]"))),
    code("progression-length", "a list of weekly values longer or shorter than the entry's "
         "weeks", "give one value per week, or a single value",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: [work], body: '- {work} 50%'}}, "
                        "calendar: [{weeks: 1-2, mon: {workout: w, work: [10m, 20m, 30m]}}]"))),
    code("unknown-workout", "a session names a workout the library does not have",
         "define it under 'workouts:' or include a library",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: x}}]"))),
    code("unknown-argument", "a session argument the workout has no parameter for",
         "use one of the workout's parameters",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: {{workout: w, reps: 4}}}}]"))),
    code("missing-argument", "a session does not give a required parameter",
         "add the value to the session, or give the parameter a default",
         err(PLAN, _lib("workouts: {w: {sport: Ride, params: [work], body: '- {work} 50%'}}, "
                        "calendar: [{mon: w}]"))),
    code("bad-session", "a session without 'workout', 'body', 'note' or 'race'",
         "e.g. {workout: sweetspot, reps: 4} or {note: Rest well}",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: {{workot: w}}}}]"))),
    code("bad-priority", "a race priority other than A, B or C",
         "A: the goal race; B: important; C: training race",
         err(PLAN, _lib("calendar: [{mon: {race: {name: R, priority: D, sport: Run}}}]"))),
    code("rest-with-sessions", "'rest' combined with sessions on one day",
         "a rest day is 'rest' alone",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: [rest, w]}}]"))),
    code("slot-conflict", "two sessions at the same time on one day", "change one time",
         err(PLAN, _lib(f"{_W}, calendar: [{{mon: [{{workout: w, time: '07:00'}}, "
                        f"{{workout: w, time: '07:00'}}]}}]"))),
    code("bad-weeks", "a 'weeks:' value that is not a week or a range",
         "write 3, 1-4, '1-3, 5-7' or [1, 2, 3]",
         err(PLAN, _lib(f"{_W}, calendar: [{{weeks: 2-1, mon: w}}]"))),
    code("week-outside-plan", "a week after the plan's last week",
         "change 'weeks:' at the top, or the entry's weeks",
         err(PLAN, _lib(f"{_W}, calendar: [{{weeks: 5, mon: w}}]"))),
    code("day-twice", "one day given twice in an entry", "name each day once",
         err(PLAN, _lib(f"{_W}, calendar: [{{weeks: 1, tue: w, 2027-01-05: w}}]"))),
    code("date-outside-plan", "a dated session outside the plan's weeks",
         "move the session, or change the plan's start or weeks",
         err(PLAN, _lib(f"{_W}, calendar: [{{2027-03-01: w}}]"))),
    code("weeks-unused", "'weeks' on an entry with only dates",
         "dates are absolute; remove 'weeks:'",
         warn(PLAN, _lib(f"{_W}, calendar: [{{weeks: 1, 2027-01-05: w}}]"))),
    # ----------------------------------------------------------------- athlete --
    code("athlete-file", "the athlete file cannot be read, or is empty",
         "add e.g. 'ride: {ftp: 250}'", err(ATHLETE, "")),
    code("athlete-duplicate", "two sections for one sport family", "keep one",
         err(ATHLETE, "ride: {ftp: 250}\nRide: {ftp: 240}\n")),
    code("athlete-pace", "a threshold pace planc cannot read",
         "write e.g. 4:15/km, 7:00/mi or 1:45/100m", err(ATHLETE, "run: {threshold_pace: fast}\n")),
    code("athlete-zones", "zone bounds that are empty or do not increase",
         "list the top of each zone, lowest first",
         err(ATHLETE, "ride: {ftp: 250, power_zones: [55, 75, 70]}\n")),
    code("athlete-pace-units", "a pace unit intervals.icu does not have",
         "one of MINS_KM, MINS_MILE, SECS_100M, SECS_100Y, SECS_500M, SECS_400M, SECS_250M, NONE",
         err(ATHLETE, "run: {threshold_pace: '4:00/km', pace_units: MINS_KMH}\n")),
    # ----------------------------------------------------------------- lowering --
    code("missing-threshold", "a target needs a threshold the athlete does not have",
         "pass the flag it names, or set the threshold in --athlete",
         err(lower("erg"), "- 10m 80%", files=_NO_FTP), err(lower("fit"), "---\nsport: Swim\n---\n"
                                                            "- 100mtr 80% Pace")),
    code("distance-needs-time", "a format that counts time meets a distance step with no pace",
         "write the step as a time, or give it a pace target",
         err(lower("mrc"), "- 2km 60%")),
    code("distance-as-time", "a distance step is written as the time it takes at its pace",
         "nothing to do; write the step as a time to choose its length yourself",
         warn(lower("zwo"), "---\nsport: Run\n---\n- 10m 70% Pace\n- 1km 4:00/km Pace\n"
                                "- 10m 70% Pace")),
    code("text-transliterated", "text a course file cannot hold is written in ASCII "
         "look-alikes (or left out)", "write the label or cue in plain ASCII",
         warn(lower("mrc"), "- Café 10m 50%")),
    code("course-text-rewritten", "course-file text Golden Cheetah would read as a course "
         "point, a lap, a setting or a section is rewritten (quoted, ':' for '=', "
         "parentheses for brackets)", "word the cue so it is not only a number, and does not "
         "start with 'Lap'",
         warn(lower("mrc"), "- 10m 50%\n> 3-2-1")),
    code("ftp-rounded", "an .erg's FTP line is a whole number: a fractional FTP is rounded "
         "and the watts worked out from it", "nothing to do, or give a whole-watt FTP",
         warn(lower("erg"), "- 10m 50%", files=(("athlete.yaml", "ride: {ftp: 252.5}"),))),
    code("cues-merged", "cues that fall on the same whole second are shown as one cue",
         "move one of the cues a second or more away",
         warn(lower("mrc"), "- 1m 50%\n> 10s A\n> 10s B")),
    code("lowered-nesting", "nested repeats written with one level",
         "nothing to do: same steps, same order",
         warn(lower("icu"), "A 2x\n  B 2x\n    - 1m 100%\n    - 1m 50%")),
    code("cue-dropped", "intervals.icu has no timed cues; the cue is left out",
         "put the words in the step's label, or compile to .zwo or .fit",
         warn(lower("icu"), "- 10m 50%\n> 5m Halfway")),
    code("rounded-duration", "a length the format cannot hold exactly is rounded, the remainder "
         "carried to the next step", "nothing to do: the total stays exact to the second",
         warn(lower("zwo"), "---\nsport: Run\n---\n- 10m 70% Pace\n- 333mtr 4:00/km Pace")),
    code("range-midpoint", "a format that holds one value writes a range as its middle",
         "write a single value to choose it yourself",
         warn(lower("mrc"), "- 10m 60-70%"), warn(lower("zwo"), "- 10m 60-70%")),
    code("target-as-text", "a target the format cannot hold is shown as text",
         "nothing to do, or give the step the kind of target the format holds",
         warn(lower("zwo"), "- 10m 60% Z2 HR"), warn(lower("mrc"), "- 10m 60% Z2 HR"),
         warn(lower("fit"), "- 10m 60% Z2 HR 90rpm")),
    code("no-power-target", "a trainer file carries only power; the step holds a fallback",
         "give the step a power target for trainer files", warn(lower("erg"), "- 10m Z2 HR")),
    code("open-step", "a trainer step without target holds a fallback power",
         "give the step a power target",
         warn(lower("mrc"), "- 10m")),
    code("free-step", "'freeride' or 'maxeffort' where the format has no free riding",
         "compile to .zwo for free riding, or give the step a target",
         warn(lower("mrc"), "- 10m freeride"), warn(lower("fit"), "- 10m 60% freeride")),
    code("lap-press", "'Press lap' where the format has no lap button (said once per workout)",
         "give the step the length you expect; the device ends it on time",
         warn(lower("zwo"), "- 10m 50% Press lap"), warn(lower("mrc"), "- 10m 50% Press lap")),
    code("unrolled-repeat", "a Zwift repeat that is not two steady steps is written out",
         "nothing to do: same steps, same order",
         warn(lower("zwo"), "3x\n- 1m 100%\n- 1m 70%\n- 1m 50%")),
    code("unsupported-sport", "a format that cannot hold this sport",
         "compile it to fit or icu instead",
         err(lower("zwo"), "---\nsport: Swim\n---\n- 100mtr Z2 Pace"),
         err(lower("mrc"), "---\nsport: Run\n---\n- 10m 70% Pace")),
    code("empty-workout", "a device format needs at least one step",
         "add a step such as '- 10m 60%'", err(lower("fit"), "Just a note"),
         err(lower("mrc"), "Just a note")),
    code("fit-step-limit", "a FIT ramp sliced more coarsely so the workout fits the device's "
         "steps (50, or --fit-max-steps)", "nothing to do, or raise --fit-max-steps for a "
         "device that takes more",
         warn(lower("fit"), "- 40m ramp 50-75%\n- 40m ramp 75-50%")),
    code("ramp-sliced", "FIT has no ramps: a ramp becomes steady slices",
         "nothing to do: same time and work",
         warn(lower("fit"), "- 10m ramp 50-75%")),
    code("cue-untimed", "FIT has no timed text: a cue goes into the step's notes",
         "put the cue at the step start ('> text'), or give it a step of its own",
         warn(lower("fit"), "- 10m 50%\n> 5m Halfway")),
    code("hidepower-ignored", "FIT cannot hide a target",
         "remove 'hidepower' if the device must not show the target",
         warn(lower("fit"), "- 10m 50% hidepower")),
    code("hr-window", "FIT has no averaged heart-rate target", "remove 'hr=' to say so",
         warn(lower("fit"), "- 10m 70% HR hr=30s")),
    code("prose-moved", "FIT has no text between steps: a note moves to the description",
         "put notes that belong to a step in a cue ('> text') under it",
         warn(lower("fit"), "- 10m 50%\nNow the hard part\n\n- 5m 90%")),
    code("target-range", "a FIT power target above what FIT holds in % FTP",
         "write the target in watts",
         err(lower("fit"), "- 10s Z7", files=_HIGH_ZONES)),
    code("text-truncated", "text longer than a FIT field holds is cut",
         "shorten the label, the cues or the free text",
         warn(lower("fit"), "---\nname: <<Long *20>>\n---\n- 10m 50%")),
    code("label-shortened", "a step name longer than the device screen shows is shortened; "
         "the whole label moves into the step's notes", "shorten the label",
         warn(lower("fit"), "- A very long label for a small screen indeed 10m 50%")),
    code("fit-encode", "the FIT encoder refused a value (a bug in planc)",
         "please report this with the workout text",
         err(lower("fit"), "- 10m 50%", needs="encoder-refuses")),
    code("svg-estimated-width", "a distance step without a pace is drawn with a guessed width",
         "give the step a pace target to draw it to scale", warn(lower("svg"), "- 2km 60%")),
    code("svg-missing-threshold", "a target drawn low and grey for a missing threshold",
         "pass the flag it names, or --athlete FILE",
         warn(lower("svg"), "- 10m 200w", files=_NO_FTP)),
    # ------------------------------------------------------------ build, render --
    code("manifest-unreadable", "the output folder's manifest cannot be read, so planc cannot "
         "tell its own files from others'", "pass --force to replace it (no file is removed), "
         "or write somewhere else with -o",
         err(BUILD, _plan(), files=(("out/manifest.json", "not json"),)),
         err(RENDER, _plan(), files=(("site/site-manifest.json", "not json"),)),
         warn(BUILD, _plan(), files=(("out/manifest.json", "not json"),), needs="--force"),
         warn(RENDER, _plan(), files=(("site/site-manifest.json", "not json"),),
              needs="--force")),
    code("manifest-other-plan", "the output folder holds another plan's files",
         "build each plan into its own folder (the default is out/<id>), or pass --force to "
         "replace its manifest (no file is removed)",
         err(BUILD, _plan(), files=(("out/manifest.json", _OTHER_BUILD),)),
         err(RENDER, _plan(), files=(("site/site-manifest.json", _OTHER_SITE),)),
         warn(BUILD, _plan(), files=(("out/manifest.json", _OTHER_BUILD),), needs="--force"),
         warn(RENDER, _plan(), files=(("site/site-manifest.json", _OTHER_SITE),),
              needs="--force")),
    code("output-not-planc", "a file planc would write exists and was not written by planc "
         "(it may hold your edits); nothing is written", "move it away, or pass --force to "
         "replace it",
         err(BUILD, _plan(), files=((f"out/{_WEEK1}/2027-01-04-1-w.zwo", "mine"),)),
         err(RENDER, _plan(), files=(("site/index.html", "my own page"),))),
    code("output-link", "a folder or file in the output folder is a symbolic link; planc "
         "never writes through or over a link", "remove the link, or write somewhere else "
         "with -o",
         err(BUILD, _plan(), needs="week-folder-link"),
         err(RENDER, _plan(), needs="week-folder-link")),
    code("output-not-file", "a folder stands where planc writes a file (or a file where it "
         "makes a folder)", "move it away, or write somewhere else with -o",
         err(BUILD, _plan(), files=((f"out/{_WEEK1}/2027-01-04-1-w.txt/x", ""),)),
         err(RENDER, _plan(), files=(("site/index.html/x", ""),))),
    code("output-busy", "another planc is writing into the same output folder",
         "wait for it to finish and run again (a killed run leaves no lock behind)",
         err(BUILD, _plan(), needs="folder-locked"),
         err(RENDER, _plan(), needs="folder-locked")),
    # ------------------------------------------------------------------ roster --
    code("roster-name", "an athlete's short name planc cannot use (or 'all')",
         "lower-case letters, digits, '-' and '_', starting with a letter",
         err(ROSTER, "athletes: {Anna K: {id: i1}}\n")),
    code("roster-id", "an intervals.icu athlete id that is not one (or 0)",
         "athlete ids look like i12345", err(ROSTER, "athletes: {anna: {id: 0}}\n")),
    code("roster-duplicate-id", "two athletes of a roster with the same intervals.icu id",
         "each athlete has their own calendar: check both ids",
         err(ROSTER, "athletes: {anna: {id: i7}, ben: {id: i7}}\n")),
    code("roster-move", "weekday moves that are not a swap or rotation of days",
         "move the day you move to as well, e.g. {sat: sun, sun: sat}",
         err(ROSTER, "athletes: {anna: {move: {sat: sun}}}\n")),
    code("roster-timezone", "a time zone the machine does not know",
         "IANA names such as Europe/Berlin", err(ROSTER, "athletes: {anna: {timezone: Mars}}\n")),
    code("roster-parameter", "a roster value for a plan parameter the plan lacks, or of "
         "another kind", "use the plan's parameters, with values of their kind",
         err(ROSTER, "athletes: {anna: {params: {volum: 0.8}}}\n")),
    code("roster-unknown", "--for names an athlete or tag the roster does not have",
         "use a short name of the roster, tag:TAG or all",
         err(ROSTER, "athletes: {ann: {id: i1}}\n")),
    # ----------------------------------------------------------------- publish --
    code("publish-verify", "intervals.icu read a published workout differently from planc",
         "compare the description with what 'planc build PLAN --formats icu' writes",
         err(PUBLISH, _plan(), needs="service-parses-no-steps")),
    code("publish-prune", "intervals.icu did not delete an event planc asked it to",
         "it may have been created with other credentials; delete it by hand",
         warn(PUBLISH, _plan(), needs="event-of-another-client")),
    code("publish-duplicate-id", "several events carry one external id of the plan: one is "
         "planc's, the others were copied in intervals.icu or made by another tool",
         "delete the extra copies in intervals.icu (or clear their external id)",
         warn(PUBLISH, _plan(), needs="copied-event")),
    code("publish-no-id", "an athlete of the roster without an intervals.icu id",
         "add 'id: i12345' (the athlete's id) under the athlete",
         err(PUBLISH, "roster: squad.yaml\n" + _plan(),
             files=(("squad.yaml", "athletes: {anna: {}}\n"),))),
    code("publish-other-athlete", "the calendar holds another athlete's planc events: the "
         "roster gives this athlete someone else's id", "check the athlete's id in the roster",
         err(PUBLISH, "roster: squad.yaml\n" + _plan(),
             files=(("squad.yaml", "athletes: {anna: {id: i4242}}\n"),),
             needs="calendar-of-another-athlete")),
    # ------------------------------------------------------------------ import --
    code("unreadable", "the file cannot be read", "check the path",
         err(IMPORT, "<<x*4000001>>")),
    code("not-a-workout", "binary data that is not FIT, or a course without power targets",
         "planc imports .zwo, .mrc, .erg, .fit and intervals.icu text",
         err(IMPORT, "\x00\x01\x02\x03binary\x00"),
         err(reading("mrc"), "[COURSE HEADER]\nDISTANCE GRADE WIND\n[END COURSE HEADER]\n"
                             "[COURSE DATA]\n0\t1\t0\n1\t2\t0\n[END COURSE DATA]\n")),
    code("extension-mismatch", "the file's name says one format, its content another",
         "rename the file", warn(reading("erg"), _ZWO.format('<SteadyState Duration="60" '
                                                             'Power="0.5"/>'))),
    code("import-internal", "the planc text of an imported workout does not read back "
         "(a bug in planc)", "please report it with the file",
         err(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'/>"),
             needs="text-does-not-read-back")),
    code("encoding", "a file that is not UTF-8: an error where it is (naming the encoding it "
         "looks like), or imported text read in a Windows code page (a warning)",
         "save the file as UTF-8", warn(reading("icu"), "- Caf\udce9 10m 50%"),
         err(PLAN, "id: caf\udce9"), err(ATHLETE, "ride: {ftp: 250} # caf\udce9")),
    code("xml-doctype", "a .zwo file declares a DTD", "remove the <!DOCTYPE ...> declaration",
         err(reading("zwo"), "<!DOCTYPE x>" + _ZWO.format(""))),
    code("xml-syntax", "a .zwo file that is not well-formed XML",
         "the file is truncated or damaged; open it in a text editor",
         err(reading("zwo"), "<workout_file><workout>")),
    code("not-zwo", "XML that is not a Zwift workout", "re-export the workout from Zwift",
         err(reading("zwo"), "<plan/>")),
    code("zwo-no-workout", "a .zwo file without a <workout> element",
         "list the blocks inside <workout>...</workout>",
         err(reading("zwo"), "<workout_file><name>A</name></workout_file>")),
    code("zwo-no-steps", "a .zwo <workout> without blocks planc can read",
         "put blocks such as <SteadyState> inside <workout>",
         err(reading("zwo"), _ZWO.format(""))),
    code("zwo-attribute", "a .zwo block without a needed attribute, or not a number",
         "add the attribute it names",
         err(reading("zwo"), _ZWO.format("<SteadyState Power='1'/>"))),
    code("implausible-value", "an imported value no workout has (a cadence of 75,219,707,177 "
         "rpm, an FTP of 1e-300 W) is left out", "check the value in the file",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5' "
                                          "Cadence='75219707177'/>"))),
    code("zwo-two-workouts", "a second <workout> element is ignored", "keep one <workout> per file",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'/>")
              .replace("</workout_file>", "<workout/></workout_file>"))),
    code("zwo-sport", "an unknown sportType, read as a ride", "pass --sport to choose another",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'/>")
              .replace("bike", "row"))),
    code("zwo-distance", "a run without <durationType> whose cues use distoffset",
         "add <durationType>distance</durationType>",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='1000' Power='0.8'>"
                                          "<textevent distoffset='100' message='Go'/>"
                                          "</SteadyState>").replace("bike", "run"))),
    code("zwo-ftp-override", "a .zwo ftpOverride: its powers are imported as watts",
         "remove ftpOverride from the file to import % FTP",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'/>")
              .replace("<workout>", "<ftpOverride>250</ftpOverride><workout>"))),
    code("zwo-unknown-block", "an unknown .zwo block is left out",
         "planc reads SteadyState, Warmup, Ramp, Cooldown, IntervalsT, FreeRide, MaxEffort",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'/><Sprint/>"))),
    code("zwo-empty-block", "a .zwo block of zero length is left out",
         "nothing to do: the block has no length",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'/>"
                                          "<SteadyState Duration='0' Power='0.5'/>"))),
    code("zwo-no-power", "a .zwo block without power is imported without a target",
         "add Power to the block, or set the target in the imported text",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60'/>"))),
    code("zwo-steady-range", "SteadyState blocks with PowerLow/PowerHigh: the average is used",
         "write Power=\"...\" for a steady block, or use a Ramp",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' PowerLow='0.5' "
                                          "PowerHigh='0.7'/>"))),
    code("zwo-cooldown-direction", "a <Cooldown> that rises is read falling",
         "write PowerLow as the start value (the higher one)",
         warn(reading("zwo"), _ZWO.format("<Cooldown Duration='60' PowerLow='0.4' "
                                          "PowerHigh='0.6'/>"))),
    code("zwo-cue", "a .zwo cue with a bad offset, the wrong kind, or past its block",
         "check the cue's offset in the file",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.5'>"
                                          "<textevent timeoffset='90' message='Late'/>"
                                          "</SteadyState>"))),
    code("zwo-pace-reference", "Zwift run targets relate to a pace other than threshold pace",
         "check the paces against your threshold pace",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60' Power='0.9' pace='1'/>")
              .replace("bike", "run"))),
    code("zwo-fractional", "durations with fractions of a second are rounded",
         "nothing to do: the total does not drift",
         warn(reading("zwo"), _ZWO.format("<SteadyState Duration='60.4' Power='0.5'/>"
                                          "<SteadyState Duration='60.4' Power='0.6'/>"))),
    code("course-data", "a [COURSE DATA] section planc cannot read (error), or one that "
         "does not start at 0 (warning)", "each data line is minutes and a value, tab-separated",
         err(reading("mrc"), _MRC.format("0\t50\n")),
         warn(reading("mrc"), _MRC.format("1\t50\n10\t50\n"))),
    code("course-units", "a course without a MINUTES WATTS/PERCENT line: the extension decides",
         "add a MINUTES WATTS or MINUTES PERCENT line to the file",
         warn(reading("mrc"), "[COURSE HEADER]\n[END COURSE HEADER]\n[COURSE DATA]\n"
                                  "0\t50\n10\t50\n[END COURSE DATA]\n")),
    code("course-text", "a [COURSE TEXT] cue planc cannot read",
         "write 'seconds<TAB>text<TAB>duration'",
         warn(reading("mrc"), _MRC.format("0\t50\n10\t50\n") + "[COURSE TEXT]\nGo now\n"
                              "[END COURSE TEXT]\n")),
    code("cue-minutes", "[COURSE TEXT] times read as minutes",
         "pass --cue-times seconds to read them as seconds",
         warn(reading("mrc"), _MRC.format("0\t50\n10\t50\n") + "[COURSE TEXT]\n2.5\tGo\t10\n"
                              "[END COURSE TEXT]\n")),
    code("erg-ftp", "an .erg 'FTP =' line that is not an FTP is ignored",
         "pass --ftp to import the watts as % FTP", warn(reading("erg"), _ERG.format("FTP = 0\n"))),
    code("erg-watts", "no FTP for an .erg: targets stay in watts",
         "pass --ftp to import them as % FTP", warn(reading("erg"), _ERG.format(""))),
    code("truncated", "the file ends too early", "copy or download the file again",
         err(reading("mrc"), "[COURSE HEADER]\nMINUTES PERCENT\n[END COURSE HEADER]\n"
                             "[COURSE DATA]\n0\t50\n5\t50\n"),
         err(reading("fit"), "cut(fit(step(TIME, 60000)), 30)")),
    code("cue-in-repeat", "an imported cue inside a repeat shows in every repetition",
         "check the cue; write the repeat out to keep it on one repetition",
         warn(reading("zwo"), _ZWO.format("<IntervalsT Repeat='3' OnDuration='60' OffDuration='60' "
                                          "OnPower='1' OffPower='0.5'/>"
                                          "<textevent timeoffset='150' message='Second'/>"))),
    code("cue-past-end", "an imported cue after the end of the workout is put on the last "
         "step", "check the cue's time in the file",
         warn(reading("mrc"), _MRC.format("0\t50\n10\t50\n")
              + "[COURSE TEXT]\n900\tLate\t10\n[END COURSE TEXT]\n")),
    code("cue-before-start", "an imported cue before the start of the workout (a negative "
         "time) is put at the start", "check the cue's time in the file",
         warn(reading("mrc"), _MRC.format("0\t50\n10\t50\n")
              + "[COURSE TEXT]\n-1\tEarly\t10\n[END COURSE TEXT]\n")),
    code("fit-header", "not a valid FIT file header", "copy or download the file again",
         err(reading("fit"), "b'\\x0e\\x10' + bytes(16)")),
    code("fit-crc", "the FIT file's checksum does not match", "copy or download the file again",
         err(reading("fit"), "flipped(fit(step(TIME, 60000)))")),
    code("fit-decode", "a FIT file whose records cannot be decoded",
         "the file is damaged, or not a FIT file",
         err(reading("fit"), "fit(step(TIME, 60000))[:14] + b'\\x05\\x01\\x02\\x03' * 5")),
    code("fit-not-workout", "a FIT file that is not a workout (an activity, a course, ...)",
         "planc imports FIT workout files",
         err(reading("fit"), "retyped(fit(step(TIME, 60000)), 4)")),
    code("fit-no-steps", "a FIT workout without workout_step messages",
         "export the workout again, with its steps",
         err(reading("fit"), "renumbered(fit(step(TIME, 60000)))")),
    code("fit-repeat", "a malformed FIT repeat (error), or a count planc cannot keep (warning)",
         "check the repeat in the imported text",
         err(reading("fit"), "relinked(fit(step(TIME, 60000), step(REPEAT, 0, target_value=2)),"
                                 " 1, 1)"),
         warn(reading("fit"), "fit(step(TIME, 60000), step(REPEAT, 0, target_value=500))")),
    code("fit-sport", "a FIT workout without a sport: planc guesses it",
         "pass --sport to choose another",
         warn(reading("fit"), "fit(step(TIME, 60000, POWER, 0, 150, 200), sport=0)")),
    code("fit-target", "a FIT target planc cannot express is left out",
         "set the target by hand in the imported text",
         warn(reading("fit"), "fit(step(TIME, 60000, POWER, 9))")),
    code("fit-zone", "FIT zones are read as the athlete's intervals.icu zones",
         "check the zones against your intervals.icu zones",
         warn(reading("fit"), "fit(step(TIME, 60000, POWER, 2))")),
    code("fit-open", "an open FIT step (lap press) becomes a 5-minute lap-press step",
         "set the length you want", warn(reading("fit"), "fit(step(OPEN))")),
    code("fit-condition", "a FIT step that ends on a condition becomes a lap-press step",
         "set the length you want", warn(reading("fit"), "fit(step(HR_LT, 120))")),
    code("fit-conditional-repeat", "a FIT repeat until a condition becomes a fixed count",
         "set the count you want",
         warn(reading("fit"), "fit(step(TIME, 60000), step(REPEAT_TIME, 0, target_value=600000))")),
    code("fit-fractional", "FIT step times with fractions of a second are rounded",
         "nothing to do: the total does not drift",
         warn(reading("fit"), "fit(step(TIME, 61300), step(TIME, 61300))")),
)

BY_NAME: dict[str, Code] = {c.name: c for c in CODES}
"""Each code by name (the test checks that no name is declared twice)."""
