"""Progression expressions: units, operators, functions, positioned errors, no eval."""

from __future__ import annotations

import pytest

from planc.plan.expr import ExprError, evaluate, format_duration, parse_quantity

V = {"week": 3, "n": 2}


@pytest.mark.parametrize(("expr", "text"), [
    ("2 + n", "4"),
    ("3 * week - 1", "8"),
    ("7 // 2", "3"),
    ("7 / 2", "3.5"),
    ("-n + 5", "3"),
    ("40m + 10m * (week - 1)", "1h"),
    ("1h30m / 2", "45m"),
    ("90s * 3", "4m30s"),
    ("round(47m, 5m)", "45m"),
    ("round(8km * 1.1, 500mtr)", "9km"),
    ("2km + 400mtr", "2.4km"),
    ("400mtr * n", "800mtr"),
    ("max(3, week)", "3"),
    ("min(20m, 10m + 5m * n)", "20m"),
    ("1h / 30m", "2"),
    ("round(2.6)", "3"),
    ("6 + week % 2", "7"),
    ("10m % 3m", "1m"),
])
def test_expressions(expr, text):
    assert evaluate(expr, V).text() == text


@pytest.mark.parametrize(("expr", "message", "offset"), [
    ("3 + 10m", "cannot add a duration to a number", 2),
    ("10m * 2m", "cannot multiply a duration by a duration", 4),
    ("foo + 1", "unknown name 'foo' in expression", 0),
    ("2 +", "expression ends too early", 3),
    ("(1", "expected ')'", 2),
    ("1 / 0", "division by zero", 2),
    ("__import__('os')", "unexpected ''' in expression", 11),
    ("sqrt(4)", "unknown function 'sqrt'", 0),
    ("", "empty expression", 0),
])
def test_errors_are_positioned(expr, message, offset):
    with pytest.raises(ExprError) as info:
        evaluate(expr, V)
    assert info.value.message == message
    assert info.value.offset == offset


def test_quantities():
    assert parse_quantity("1h30m").value == 5400
    assert parse_quantity("400mtr").value == 400
    assert parse_quantity("1mi").unit == "mi"
    assert parse_quantity("10m").kind == "duration"  # minutes, as in the workout language
    assert parse_quantity("4:15") is None
    assert format_duration(3725) == "1h2m5s"
