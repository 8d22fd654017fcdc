"""The typed workout AST shared by every stage of planc.

Every node is an immutable dataclass carrying the source span it came from, so
any later stage (checks, lowering, emitters, plan expansion) can point a
diagnostic at the user's text.  Units are normalised once, here, so emitters
never re-parse strings:

* time in seconds, distance in metres;
* power as a fraction of FTP (0.75), watts, or a zone number;
* heart rate as a fraction of max HR or LTHR, bpm, or a zone number;
* pace as a fraction of threshold pace, a zone number, or speed in m/s;
* cadence in rpm.

Spans are compared as ``compare=False`` fields, so two ASTs parsed from texts
that differ only in layout compare equal; that is what the round-trip tests
rely on.

Nodes behave as slotted frozen dataclasses (``dataclasses.fields``,
``dataclasses.replace`` and ``dataclasses.is_dataclass`` work on them), but are
made without the dataclasses module, whose import (it imports inspect) and code
generation were ~10 ms of every start of planc: each class writes its
``__init__`` out, :class:`_Frozen` gives equality, hash, repr and immutability,
:func:`_frozen` the slots, and the ``__dataclass_fields__`` that dataclasses'
functions read is made on first use (:class:`_DataclassFields`).  Behaviour is
the generated methods' (tests/test_ast_nodes.py holds every node to a real
frozen dataclass).  :class:`Record` is the same for a mutable record.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from operator import attrgetter

from planc.units import DistanceUnit, PacePer

_set = object.__setattr__  # how a frozen node's __init__ assigns (as dataclasses does)


class _DataclassFields:
    """A node class's ``__dataclass_fields__``, made on first use: the fields of a
    dataclass of the same annotations, defaults (its ``__init__``'s) and hidden fields,
    then kept on the class."""

    def __get__(self, obj, cls):
        if "_field_names" not in cls.__dict__:
            raise AttributeError("__dataclass_fields__")  # not a node class
        import dataclasses  # lazy: dataclasses.fields/replace on a node (lowering, tests)

        defaults = _init_defaults(cls)
        namespace: dict = {"__annotations__": dict(cls._annotations),
                           "__module__": cls.__module__, "__qualname__": cls.__qualname__}
        for name in cls._field_names:
            options: dict = {"default": defaults[name]} if name in defaults else {}
            if name in cls._hidden:
                options.update(compare=False, repr=False)
            namespace[name] = dataclasses.field(**options)
        made = dataclasses.dataclass(init=False, repr=False, eq=False)(
            type(cls.__name__, (), namespace)).__dataclass_fields__
        cls.__dataclass_fields__ = made
        return made


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError  # lazy: only a mistake raises it

    return FrozenInstanceError(message)


class _Frozen:
    """What ``@dataclass(frozen=True, slots=True)`` would generate, written once.

    ``==`` holds between nodes of the same class whose compared fields are equal
    (a span never counts), the hash is that of the compared fields' tuple, the
    repr lists the shown fields, and every field is read-only after ``__init__``.
    """

    __slots__ = ()
    __dataclass_fields__ = _DataclassFields()
    _compared: attrgetter  # -> tuple of the fields ``==`` and ``hash`` look at
    _shown: tuple[str, ...]  # the fields the repr lists
    _field_names: tuple[str, ...]  # every field, in order

    def __eq__(self, other: object):
        if other.__class__ is self.__class__:
            return self._compared(self) == self._compared(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._compared(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise _frozen_error(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise _frozen_error(f"cannot delete field {name!r}")

    def but(self, **changes: object):
        """A copy with ``changes``: ``dataclasses.replace(self, **changes)``."""
        values = {name: getattr(self, name) for name in self._field_names}
        values.update(changes)
        return self.__class__(**values)

    def __getstate__(self) -> list:  # pickle and copy (slots, no __dict__)
        return [getattr(self, name) for name in self._field_names]

    def __setstate__(self, state: list) -> None:
        for name, value in zip(self._field_names, state, strict=True):
            _set(self, name, value)


class _Hidden:
    """The default of a field that is never compared nor shown (the spans)."""


_HIDDEN = _Hidden()


def _slotted(cls: type) -> type:
    """``cls`` made again with its annotated fields as slots (what dataclasses does for
    ``slots=True``); the field names kept as ``_field_names``, the hidden ones (those
    whose class attribute is :data:`_HIDDEN`) as ``_hidden``."""
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (no inspect)
    names = tuple(annotations)
    namespace = dict(cls.__dict__)
    hidden = frozenset(n for n in names if namespace.get(n) is _HIDDEN)
    for name in (*names, "__dict__", "__weakref__"):
        namespace.pop(name, None)
    namespace.update(__slots__=names, __match_args__=names, _field_names=names,
                     _hidden=hidden, _annotations=annotations)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made


def _frozen(cls: type) -> type:
    """A slotted frozen node class with :class:`_Frozen`'s methods (its own ``__init__``)."""
    cls = _slotted(cls)
    params = _init_params(cls)
    if params != cls._field_names:
        raise TypeError(f"{cls.__name__}.__init__ takes {params}, the fields are "
                        f"{cls._field_names}")
    compared = tuple(n for n in cls._field_names if n not in cls._hidden)
    getter = attrgetter(*compared) if len(compared) > 1 else _one_tuple(compared[0])
    cls._compared = staticmethod(getter)
    cls._shown = compared
    return cls


def _setters(cls: type) -> tuple:
    """Each field's slot setter, in field order.  The classes made by the thousand (a
    span per token, a step per line) call them in ``__init__``: a slot's own setter
    costs half what ``object.__setattr__`` does, which finds the slot by name each time."""
    return tuple(cls.__dict__[name].__set__ for name in cls._field_names)


def _init_params(cls: type) -> tuple[str, ...]:
    code = cls.__init__.__code__
    return code.co_varnames[1:code.co_argcount]


def _init_defaults(cls: type) -> dict[str, object]:
    """The defaults ``__init__`` declares (where they are written, once), by field."""
    params, defaults = _init_params(cls), cls.__init__.__defaults__ or ()
    return dict(zip(params[len(params) - len(defaults):], defaults, strict=True))


def _one_tuple(name: str):
    """``attrgetter`` of one name returns the value, not a 1-tuple: keep the hash the same."""
    get = attrgetter(name)
    return lambda node: (get(node),)


class Record:
    """What ``@dataclass(slots=True)`` gives a mutable record: ``==`` between records of
    the same class with equal fields, a repr of every field, no hash.  Subclasses
    name their fields in order as ``_fields``, use them as ``__slots__`` and write
    their ``__init__``."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __eq__(self, other: object):
        if other.__class__ is self.__class__:  # tuples, as a dataclass compares (``is`` first)
            return tuple(getattr(self, n) for n in self._fields) == tuple(
                getattr(other, n) for n in other._fields)
        return NotImplemented

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"


@_frozen
class Span(_Frozen):
    """1-based line/column of the first character and of the end (exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        set_line, set_column, set_end_line, set_end_column = _SPAN_SETTERS
        set_line(self, line)
        set_column(self, column)
        set_end_line(self, end_line)
        set_end_column(self, end_column)

    @staticmethod
    def point(line: int, column: int, length: int = 1) -> Span:
        return Span(line, column, line, column + max(length, 1))


_SPAN_SETTERS = _setters(Span)
NO_SPAN = Span(0, 0, 0, 0)


def _span() -> _Hidden:
    """The span field: never compared, never shown (its default, NO_SPAN, is in __init__)."""
    return _HIDDEN


# ---------------------------------------------------------------- amounts --


@_frozen
class Duration(_Frozen):
    """A time-bounded step, in seconds."""

    seconds: float
    span: Span = _span()

    def __init__(self, seconds: float, span: Span = NO_SPAN) -> None:
        _set(self, "seconds", seconds)
        _set(self, "span", span)


@_frozen
class Distance(_Frozen):
    """A distance-bounded step.  ``unit`` is how the author wrote it (kept for emission)."""

    metres: float
    unit: DistanceUnit
    span: Span = _span()

    def __init__(
        self,
        metres: float,
        unit: DistanceUnit = DistanceUnit.METRE,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "metres", metres)
        _set(self, "unit", unit)
        _set(self, "span", span)


Amount = Duration | Distance


# ---------------------------------------------------------------- targets --


@_frozen
class Range(_Frozen):
    """``start``..``end`` as written; a single value has start == end.

    For a ramp, start and end are the first and last value (may descend); for a
    steady band planc normalises to start <= end after warning about it.
    """

    start: float
    end: float

    def __init__(self, start: float, end: float) -> None:
        _set(self, "start", start)
        _set(self, "end", end)

    @property
    def low(self) -> float:
        return min(self.start, self.end)

    @property
    def high(self) -> float:
        return max(self.start, self.end)

    @property
    def mid(self) -> float:
        return (self.start + self.end) / 2

    @property
    def is_single(self) -> bool:
        return self.start == self.end


class PowerUnit(StrEnum):
    FTP = "ftp"  # fraction of FTP: 0.75 == 75 %
    WATTS = "w"
    ZONE = "zone"  # power zone number


class HrUnit(StrEnum):
    MAX = "max"  # fraction of max HR ("70% HR")
    LTHR = "lthr"  # fraction of threshold HR ("95% LTHR")
    BPM = "bpm"
    ZONE = "zone"


class PaceUnit(StrEnum):
    THRESHOLD = "threshold"  # fraction of threshold pace ("90% Pace"); larger == faster
    ZONE = "zone"
    SPEED = "speed"  # absolute, stored as metres per second


@_frozen
class PowerTarget(_Frozen):
    unit: PowerUnit
    value: Range
    span: Span = _span()

    def __init__(self, unit: PowerUnit, value: Range, span: Span = NO_SPAN) -> None:
        _set(self, "unit", unit)
        _set(self, "value", value)
        _set(self, "span", span)


@_frozen
class HrTarget(_Frozen):
    unit: HrUnit
    value: Range
    span: Span = _span()

    def __init__(self, unit: HrUnit, value: Range, span: Span = NO_SPAN) -> None:
        _set(self, "unit", unit)
        _set(self, "value", value)
        _set(self, "span", span)


@_frozen
class PaceTarget(_Frozen):
    """Pace target.  For SPEED, ``value`` is in m/s and ``per`` the written unit.

    ``per_explicit`` is False for ``5:20 Pace`` (intervals.icu then uses the
    athlete's pace unit; planc assumes the sport's usual one and warns).
    """

    unit: PaceUnit
    value: Range
    per: PacePer | None
    per_explicit: bool
    span: Span = _span()

    def __init__(
        self,
        unit: PaceUnit,
        value: Range,
        per: PacePer | None = None,
        per_explicit: bool = True,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "unit", unit)
        _set(self, "value", value)
        _set(self, "per", per)
        _set(self, "per_explicit", per_explicit)
        _set(self, "span", span)


@_frozen
class CadenceTarget(_Frozen):
    value: Range  # rpm
    span: Span = _span()

    def __init__(self, value: Range, span: Span = NO_SPAN) -> None:
        _set(self, "value", value)
        _set(self, "span", span)


# ------------------------------------------------------------------ steps --


class Intensity(StrEnum):
    """The device step class (intervals.icu ``intensity=``, FIT ``intensity``)."""

    WARMUP = "warmup"
    ACTIVE = "active"
    REST = "rest"
    COOLDOWN = "cooldown"
    RECOVERY = "recovery"
    INTERVAL = "interval"
    OTHER = "other"


class Section(StrEnum):
    """Set by a ``Warmup`` / ``Cooldown`` header line, for the steps under it."""

    WARMUP = "warmup"
    COOLDOWN = "cooldown"


@_frozen
class Cue(_Frozen):
    """A timed text prompt inside a step (planc extension).

    ``offset`` is seconds from the step start, or metres for a distance step.
    """

    offset: float
    text: str
    span: Span = _span()

    def __init__(self, offset: float, text: str, span: Span = NO_SPAN) -> None:
        _set(self, "offset", offset)
        _set(self, "text", text)
        _set(self, "span", span)


@_frozen
class Step(_Frozen):
    amount: Amount
    label: str | None
    ramp: bool
    power: PowerTarget | None
    hr: HrTarget | None
    pace: PaceTarget | None
    cadence: CadenceTarget | None
    intensity: Intensity | None  # explicit ``intensity=…`` only
    section: Section | None  # from an enclosing Warmup/Cooldown header
    until_lap_press: bool
    freeride: bool
    maxeffort: bool
    hidepower: bool
    power_window: str | None  # ``power=1s`` … ``power=lap``
    hr_window: str | None
    cues: tuple[Cue, ...]
    trailing: str | None  # free words after the label region, ignored by devices
    span: Span = _span()

    def __init__(
        self,
        amount: Amount,
        label: str | None = None,
        ramp: bool = False,
        power: PowerTarget | None = None,
        hr: HrTarget | None = None,
        pace: PaceTarget | None = None,
        cadence: CadenceTarget | None = None,
        intensity: Intensity | None = None,
        section: Section | None = None,
        until_lap_press: bool = False,
        freeride: bool = False,
        maxeffort: bool = False,
        hidepower: bool = False,
        power_window: str | None = None,
        hr_window: str | None = None,
        cues: tuple[Cue, ...] = (),
        trailing: str | None = None,
        span: Span = NO_SPAN,
    ) -> None:
        (set_amount, set_label, set_ramp, set_power, set_hr, set_pace, set_cadence,
         set_intensity, set_section, set_until_lap_press, set_freeride, set_maxeffort,
         set_hidepower, set_power_window, set_hr_window, set_cues, set_trailing,
         set_span) = _STEP_SETTERS
        set_amount(self, amount)
        set_label(self, label)
        set_ramp(self, ramp)
        set_power(self, power)
        set_hr(self, hr)
        set_pace(self, pace)
        set_cadence(self, cadence)
        set_intensity(self, intensity)
        set_section(self, section)
        set_until_lap_press(self, until_lap_press)
        set_freeride(self, freeride)
        set_maxeffort(self, maxeffort)
        set_hidepower(self, hidepower)
        set_power_window(self, power_window)
        set_hr_window(self, hr_window)
        set_cues(self, cues)
        set_trailing(self, trailing)
        set_span(self, span)

    @property
    def has_target(self) -> bool:
        return any(t is not None for t in (self.power, self.hr, self.pace))


_STEP_SETTERS = _setters(Step)


@_frozen
class Note(_Frozen):
    """Prose kept with the workout and emitted back (intervals.icu shows it)."""

    text: str  # may hold several lines joined by "\n"
    span: Span = _span()

    def __init__(self, text: str, span: Span = NO_SPAN) -> None:
        _set(self, "text", text)
        _set(self, "span", span)


@_frozen
class Repeat(_Frozen):
    """``count`` × children.  ``title`` is the header text before ``Nx`` (may be empty)."""

    count: int
    children: tuple[Node, ...]
    title: str
    span: Span = _span()

    def __init__(
        self,
        count: int,
        children: tuple[Node, ...],
        title: str = "",
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "count", count)
        _set(self, "children", children)
        _set(self, "title", title)
        _set(self, "span", span)


@_frozen
class Block(_Frozen):
    """A run of steps that ends at a blank line, optionally under a title line.

    ``title`` is the header line text (``Warmup``, ``Main set``, …) or None.
    ``section`` is set when the title is a Warmup/Cooldown header.
    """

    children: tuple[Node, ...]
    title: str | None
    section: Section | None
    span: Span = _span()

    def __init__(
        self,
        children: tuple[Node, ...],
        title: str | None = None,
        section: Section | None = None,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "children", children)
        _set(self, "title", title)
        _set(self, "section", section)
        _set(self, "span", span)


Node = Step | Repeat | Note | Block


# ---------------------------------------------------------------- workout --


@_frozen
class PoolLength(_Frozen):
    metres: float
    unit: DistanceUnit
    span: Span = _span()

    def __init__(
        self,
        metres: float,
        unit: DistanceUnit = DistanceUnit.METRE,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "metres", metres)
        _set(self, "unit", unit)
        _set(self, "span", span)


@_frozen
class Workout(_Frozen):
    """One workout: header metadata, optional pool length, and body nodes in order.

    ``sport`` is the effective sport (header, command line, or plan), never None.
    """

    body: tuple[Node, ...]
    sport: str
    name: str | None
    description: str | None
    tags: tuple[str, ...]
    pool_length: PoolLength | None
    span: Span = _span()

    def __init__(
        self,
        body: tuple[Node, ...],
        sport: str = "Ride",
        name: str | None = None,
        description: str | None = None,
        tags: tuple[str, ...] = (),
        pool_length: PoolLength | None = None,
        span: Span = NO_SPAN,
    ) -> None:
        _set(self, "body", body)
        _set(self, "sport", sport)
        _set(self, "name", name)
        _set(self, "description", description)
        _set(self, "tags", tags)
        _set(self, "pool_length", pool_length)
        _set(self, "span", span)


def iter_steps(nodes: tuple[Node, ...]):
    """Every Step in source order, without expanding repeats."""
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat | Block):
            yield from iter_steps(node.children)


def unrolled_steps(nodes: tuple[Node, ...]) -> Iterator[Step]:
    """Every step in execution order, repeats expanded."""
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat):
            for _ in range(node.count):
                yield from unrolled_steps(node.children)
        elif isinstance(node, Block):
            yield from unrolled_steps(node.children)
