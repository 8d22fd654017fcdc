""".mrc and .erg share one lowering of what a step shows (planc.lower.trainer._SHOWN):
each format lowered after the other gives the body and diagnostics it gives alone."""

from __future__ import annotations

import pytest
from support.readers import EXAMPLES

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.lower import trainer
from planc.lower.trainer import lower_trainer

ATHLETES = {
    "full": Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190,
                                             threshold_pace=4.0)}),
    "fractional-ftp": Athlete({"ride": SportThresholds(ftp=252.5, lthr=170)}),
    "no-ftp": Athlete({"ride": SportThresholds(lthr=170)}),
    "none": Athlete(),
}

TRICKY = """\
# Ride — “tricky” = text
- 10m 50% Éclair — go 90rpm
- 5m Z2 HR 90-95
- 1km 4:00/km pace
- freeride 5m

3x
- 1m 120% Lap 1
- 30s 200W [COURSE DATA]

- maxeffort 20s Z3 HR
- 5m ramp 60-40% Press lap
"""


def _texts() -> list[str]:
    assert read_workout(TRICKY).workout is not None
    return [p.read_text() for p in EXAMPLES] + [TRICKY]


def _alone(text: str, athlete: Athlete, fmt: str):
    trainer._SHOWN.clear()
    return lower_trainer(read_workout(text).workout, athlete, fmt)


@pytest.mark.parametrize("who", sorted(ATHLETES))
@pytest.mark.parametrize("first,then", [("mrc", "erg"), ("erg", "mrc")])
def test_a_format_lowered_after_the_other_is_as_alone(who, first, then):
    athlete = ATHLETES[who]
    for text in _texts():
        alone = _alone(text, athlete, then)
        trainer._SHOWN.clear()
        workout = read_workout(text).workout
        lower_trainer(workout, athlete, first)
        if workout.sport == "Ride":
            assert trainer._SHOWN, "the first lowering keeps its shared table"
        after = lower_trainer(workout, athlete, then)
        assert after.workout == alone.workout
        assert [str(d) for d in after.diagnostics] == [str(d) for d in alone.diagnostics]
        assert after.diagnostics == alone.diagnostics


def test_the_shared_tables_are_bounded_and_never_taken_for_another_workout():
    trainer._SHOWN.clear()
    athlete = ATHLETES["full"]
    for i in range(trainer._SHOWN_KEPT + 10):
        lower_trainer(read_workout(f"- {i + 1}m 50% cue {i}\n").workout, athlete, "mrc")
    assert len(trainer._SHOWN) == trainer._SHOWN_KEPT
    # a new workout that happens to get a freed id still gets its own cues
    for i in range(20):
        lowered = lower_trainer(read_workout(f"- 1m 50% other {i}\n").workout, athlete, "erg")
        assert lowered.workout.body[0].cues[0].text == f"other {i}"
