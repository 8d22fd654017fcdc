"""Importing .zwo: every block type, cues, runs, distance files, and the quirks of real files."""

from __future__ import annotations

import pytest
from support.timing import within

from planc.ast import (
    CadenceTarget,
    Cue,
    Distance,
    Duration,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Step,
    unrolled_steps,
)
from planc.importers import import_file


def imp(xml: str | bytes, path: str = "t.zwo", **kw):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return import_file(data, path=path, **kw)


def ok(xml: str | bytes, **kw):
    res = imp(xml, **kw)
    assert res.ok, res.diagnostics
    return res


def wrap(blocks: str, meta: str = "<name>T</name><sportType>bike</sportType>") -> str:
    return f"<workout_file>{meta}<workout>{blocks}</workout></workout_file>"


def flat(res) -> list[Step]:
    return list(unrolled_steps(res.workout.body))


def codes(res) -> list[str]:
    return [d.code for d in res.diagnostics]


def pct(a: float, b: float | None = None) -> PowerTarget:
    return PowerTarget(PowerUnit.FTP, Range(a, a if b is None else b))


def test_every_block_type():
    res = ok(wrap(
        '<Warmup Duration="600" PowerLow="0.5" PowerHigh="0.75"/>'
        '<SteadyState Duration="300" Power="0.9" Cadence="95"/>'
        '<Ramp Duration="120" PowerLow="0.9" PowerHigh="0.6"/>'
        '<FreeRide Duration="60" FlatRoad="1"/>'
        '<Freeride Duration="30"/>'
        '<MaxEffort Duration="20"/>'
        '<Cooldown Duration="300" PowerLow="0.7" PowerHigh="0.4"/>'))
    s = flat(res)
    assert s[0] == Step(Duration(600.0), ramp=True, power=pct(0.5, 0.75), section=Section.WARMUP)
    assert s[1] == Step(Duration(300.0), power=pct(0.9), cadence=CadenceTarget(Range(95.0, 95.0)))
    assert s[2] == Step(Duration(120.0), ramp=True, power=pct(0.9, 0.6))
    assert s[3] == Step(Duration(60.0), freeride=True)
    assert s[4] == Step(Duration(30.0), freeride=True)
    assert s[5] == Step(Duration(20.0), maxeffort=True)
    assert s[6] == Step(Duration(300.0), ramp=True, power=pct(0.7, 0.4),
                        section=Section.COOLDOWN)
    assert codes(res) == []
    assert res.text.startswith("---\nname: T\nsport: Ride\n---\nWarmup\n- 10m ramp 50-75%\n")


def test_intervals_become_a_repeat_with_on_and_off_cadence():
    res = ok(wrap('<IntervalsT Repeat="5" OnDuration="30" OffDuration="90" OnPower="1.2" '
                  'OffPower="0.5" Cadence="100" CadenceResting="85"/>'))
    (rep,) = res.workout.body
    assert rep == Repeat(5, (
        Step(Duration(30.0), power=pct(1.2), cadence=CadenceTarget(Range(100.0, 100.0))),
        Step(Duration(90.0), power=pct(0.5), cadence=CadenceTarget(Range(85.0, 85.0)))))


def test_intervals_with_ramped_on_parts_and_missing_repeat():
    res = ok(wrap('<IntervalsT OnDuration="60" OffDuration="30" PowerOnLow="1.4" '
                  'PowerOnHigh="1.6" PowerOffLow="0.5" PowerOffHigh="0.8"/>'))
    assert flat(res) == [Step(Duration(60.0), ramp=True, power=pct(1.4, 1.6)),
                         Step(Duration(30.0), ramp=True, power=pct(0.5, 0.8))]


def test_cadence_minus_one_means_none_and_ranges_are_read():
    res = ok(wrap('<IntervalsT Repeat="2" OnDuration="60" OffDuration="60" OnPower="1" '
                  'OffPower="0.5" Cadence="-1" CadenceResting="-1"/>'
                  '<SteadyState Duration="60" Power="0.7" CadenceLow="95" CadenceHigh="85"/>'))
    s = flat(res)
    assert all(x.cadence is None for x in s[:4])
    assert s[4].cadence == CadenceTarget(Range(85.0, 95.0))


def test_text_events_are_cues_on_their_block():
    res = ok(wrap(
        '<SteadyState Duration="600" Power="0.6">'
        '<textevent timeoffset="10" message="Hello"/>'
        '<TextEvent TimeOffset="35" message="two lines"/>'
        '<textevent timeoffset="35" y="270" message="of one message"/>'
        '<textevent timeoffset="900" message="late"/>'
        '</SteadyState>'))
    (step,) = flat(res)
    assert step.cues == (Cue(10.0, "Hello"), Cue(35.0, "two lines of one message"),
                         Cue(599.0, "late"))
    assert codes(res) == ["zwo-cue"]
    assert "> 35s two lines of one message" in res.text


def test_workout_level_text_events_count_from_the_start():
    res = ok(wrap('<textevent timeoffset="90" message="in the second block"/>'
                  '<SteadyState Duration="60" Power="0.5"/><SteadyState Duration="60" Power="0.6"/>'))
    assert flat(res)[1].cues == (Cue(30.0, "in the second block"),)


def test_cues_in_an_interval_set_stay_in_their_repetition():
    res = ok(wrap('<IntervalsT Repeat="3" OnDuration="240" OffDuration="60" OnPower="1" '
                  'OffPower="0.5"><textevent timeoffset="590" message="Last one"/>'
                  '</IntervalsT>'))
    s = flat(res)
    assert len(s) == 6
    assert [x.cues for x in s] == [(), (), (), (Cue(50.0, "Last one"),), (), ()]


def test_steady_state_pairs_become_a_repeat():
    pair = '<SteadyState Duration="40" Power="1.4"/><SteadyState Duration="140" Power="0.55"/>'
    res = ok(wrap('<Warmup Duration="420" PowerLow="0.5" PowerHigh="0.75"/>' + pair * 4
                  + '<SteadyState Duration="40" Power="1.4"/>'
                  '<Cooldown Duration="300" PowerLow="0.75" PowerHigh="0.5"/>'))
    kinds = [type(n).__name__ for n in res.workout.body]
    assert kinds == ["Block", "Repeat", "Block", "Block"]
    assert res.workout.body[1].count == 4
    assert "4x\n- 40s 140%\n- 2m20s 55%\n\n- 40s 140%" in res.text


def test_run_workout_reads_pace_relative_to_planc_reference():
    res = ok(wrap('<SteadyState Duration="600" Power="0.8" pace="2"/>',
                  "<sportType>run</sportType>"))
    assert res.workout.sport == "Run"
    assert flat(res)[0].pace == PaceTarget(PaceUnit.THRESHOLD, Range(0.8, 0.8))
    assert "zwo-pace-reference" not in codes(res)


def test_run_workout_with_another_reference_pace_warns():
    res = ok(wrap('<SteadyState Duration="600" Power="0.8"/>', "<sportType>run</sportType>"))
    assert "zwo-pace-reference" in codes(res)
    assert "1 mile" in next(d.message for d in res.diagnostics if d.code == "zwo-pace-reference")


def test_planc_reference_matches_the_zwo_writer():
    from planc.importers.zwo import RUN_PACE_INDEX
    from planc.lower.zwo import RUN_PACE_INDEX as WRITER_INDEX

    assert RUN_PACE_INDEX == WRITER_INDEX


def test_distance_workout_uses_metres():
    res = ok(wrap('<SteadyState Duration="1000" Power="0.7"><textevent distoffset="200" '
                  'message="200 m in"/></SteadyState>',
                  "<sportType>run</sportType><durationType>distance</durationType>"))
    (step,) = flat(res)
    assert step.amount == Distance(1000.0) and step.cues == (Cue(200.0, "200 m in"),)
    assert "- 1000mtr 70% Pace\n> 200mtr 200 m in" in res.text


def test_run_with_only_distoffset_cues_is_distance_based():
    res = ok(wrap('<SteadyState Duration="400" Power="0.6"><textevent distoffset="100" '
                  'message="x"/></SteadyState>', "<sportType>run</sportType>"))
    assert flat(res)[0].amount == Distance(400.0)
    assert "zwo-distance" in codes(res)


def test_windows_1252_without_declaration_bom_and_crlf():
    cp = wrap('<SteadyState Duration="60" Power="0.5"/>',
              "<name>Don’t stop – ever</name>").replace("><", ">\r\n<").encode("cp1252")
    res = ok(cp)
    assert res.workout.name == "Don’t stop – ever"
    assert codes(res) == ["encoding"]
    bom = b"\xef\xbb\xbf" + wrap('<SteadyState Duration="60" Power="0.5"/>').encode()
    assert ok(bom).workout.name == "T"


def test_declared_latin1_is_honoured():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            + wrap('<SteadyState Duration="60" Power="0.5"/>', "<name>Caf\xe9</name>")) \
        .encode("latin-1")
    res = ok(data)
    assert res.workout.name == "Café" and "encoding" not in codes(res)


def test_misspelled_metadata_tags():
    res = ok(wrap('<SteadyState Duration="60" Power="0.5"/>',
                  "<author> me </author><n>\n  Padded name\n </n>"
                  "<description>\n  line one\n  line two\n</description>"
                  "<sport_type>\n bike\n</sport_type><tags><tag name=\"A\"/><tag name=\"B, c\"/>"
                  "</tags>"))
    w = res.workout
    assert (w.name, w.description, w.sport, w.tags) == ("Padded name", "line one line two",
                                                        "Ride", ("A", "B c"))


def test_fractional_durations_round_without_drift():
    blocks = '<SteadyState Duration="223.8" Power="0.5"/><SteadyState Duration="223.8" ' \
             'Power="0.6"/>' * 5
    res = ok(wrap(blocks))
    assert sum(s.amount.seconds for s in flat(res)) == 2238
    assert all(s.amount.seconds in (223, 224) for s in flat(res))
    assert "zwo-fractional" in codes(res)


def test_steady_state_power_low_high_is_averaged_with_one_warning():
    res = ok(wrap('<SteadyState Duration="20" PowerLow="0.8" PowerHigh="1.0"/>'
                  '<SteadyState Duration="20" PowerLow="1.0" PowerHigh="1.2"/>'
                  '<SteadyState Duration="20" PowerLow="1.1" PowerHigh="1.1"/>'))
    assert [s.power.value.start for s in flat(res)] == [0.9, 1.1, 1.1]
    warnings = [d for d in res.diagnostics if d.code == "zwo-steady-range"]
    assert len(warnings) == 1 and warnings[0].message.startswith("2 SteadyState blocks")
    assert warnings[0].span.line == 1


@pytest.mark.parametrize(("low", "high", "warned"), [("0.75", "0.4", False),
                                                     ("0.4", "0.75", True)])
def test_cooldown_always_descends(low, high, warned):
    res = ok(wrap(f'<Cooldown Duration="300" PowerLow="{low}" PowerHigh="{high}"/>'))
    assert flat(res)[0].power.value == Range(0.75, 0.4)
    assert ("zwo-cooldown-direction" in codes(res)) is warned


def test_rising_warmup_and_falling_warmup_are_read_as_written():
    res = ok(wrap('<Warmup Duration="60" PowerLow="0.7" PowerHigh="0.5"/>'))
    assert flat(res)[0].power.value == Range(0.7, 0.5)


def test_foreign_namespaces_are_ignored():
    res = ok('<workout_file xmlns:k="http://k.example/1" k:x="1"><name>N</name>'
             '<k:extra>ignored</k:extra><workout>'
             '<SteadyState Duration="60" Power="0.5" k:name="not a label" k:Power="9"/>'
             '<k:Block Duration="999"/></workout></workout_file>')
    assert flat(res) == [Step(Duration(60.0), power=pct(0.5))]
    assert codes(res) == []


def test_ftp_override_makes_watts():
    res = ok(wrap('<SteadyState Duration="60" Power="0.8"/>',
                  "<ftpOverride>300</ftpOverride>"))
    assert flat(res)[0].power == PowerTarget(PowerUnit.WATTS, Range(240.0, 240.0))


def test_unknown_blocks_are_skipped_with_a_warning():
    res = ok(wrap('<SolidState Duration="60" Power="0.5"/><SteadyState Duration="60" '
                  'Power="0.5"/>'))
    assert len(flat(res)) == 1 and "zwo-unknown-block" in codes(res)


def test_not_zwo_workoutstep_layout_is_rejected():
    res = imp('<?xml version="1.0"?>\n<workout>\n  <name>R</name>\n  <workout>\n'
              '    <workoutstep><Duration>300</Duration><Power>0.5</Power></workoutstep>\n'
              '  </workout>\n</workout>')
    assert res.workout is None and codes(res) == ["not-zwo"]
    (d,) = res.diagnostics
    assert (d.span.line, d.span.column) == (2, 1) and "<workoutstep>" in d.message


def test_other_xml_roots_are_rejected():
    res = imp("<html><body/></html>")
    assert codes(res) == ["not-zwo"] and "<html>" in res.diagnostics[0].message


def test_dtd_and_entities_are_refused():
    # the classic billion laughs: lol9 expands to 10**9 "lol"s if entities are honoured
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10))
    bomb = (f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{entities}]>\n<workout_file>'
            '<name>&lol9;</name><workout><SteadyState Duration="60" Power="0.5"/></workout>'
            '</workout_file>')
    with within(5, "refusing an entity bomb"):
        res = imp(bomb)
    assert res.workout is None and codes(res) == ["xml-doctype"]
    assert res.diagnostics[0].span.line == 2


def test_truncated_xml_has_a_position():
    text = wrap('<SteadyState Duration="60" Power="0.5"/>\n<SteadyState Duration="6')
    res = imp(text)
    assert res.workout is None and codes(res) == ["xml-syntax"]
    assert res.diagnostics[0].span.line == 2


@pytest.mark.parametrize(("blocks", "code", "message"), [
    ('<SteadyState Power="0.5"/>', "zwo-attribute", "<SteadyState> has no Duration"),
    ('<SteadyState Duration="abc" Power="0.5"/>', "zwo-attribute",
     '<SteadyState> Duration="abc" is not a valid number'),
    ('<SteadyState Duration="nan" Power="0.5"/>', "zwo-attribute",
     '<SteadyState> Duration="nan" is not a valid number'),
    ('<SteadyState Duration="-5" Power="0.5"/>', "zwo-attribute",
     '<SteadyState> Duration="-5" is not a valid number'),
    ("", "zwo-no-steps", "the <workout> element has no blocks planc can read"),
])
def test_broken_blocks_are_errors(blocks, code, message):
    res = imp(wrap(blocks))
    assert res.workout is None and codes(res) == [code]
    (d,) = res.diagnostics
    assert d.is_error and d.message == message and d.span.line == 1


def test_no_workout_element():
    res = imp("<workout_file><name>x</name></workout_file>")
    assert codes(res) == ["zwo-no-workout"]


def test_steady_state_without_power_has_no_target():
    res = ok(wrap('<SteadyState Duration="60"/>'))
    assert flat(res) == [Step(Duration(60.0))] and codes(res) == ["zwo-no-power"]


def test_a_warmup_block_that_repeats_is_part_of_the_repeat():
    """Zwift names a first rising ramp Warmup; when the set repeats, the repeat wins."""
    ramp = '<{} Duration="24" PowerLow="0.25" PowerHigh="0.26"/>'
    pair = '<SteadyState Duration="20" Power="0.21"/><SteadyState Duration="22" Power="0.23"/>'
    res = ok(wrap(ramp.format("Warmup") + pair * 2 + ramp.format("Ramp") + pair * 2))
    (rep,) = res.workout.body
    assert isinstance(rep, Repeat) and rep.count == 2
    assert rep.children[0].section is None and isinstance(rep.children[1], Repeat)
