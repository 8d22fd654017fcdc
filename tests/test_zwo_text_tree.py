"""The .zwo writer writes its tree as XML text for lxml to parse: every text reads back.

planc.emit.zwo escapes each text it puts in the document (names, description, tags,
cue messages) and lxml parses, indents and serialises the result.  Whatever the text
(any character XML 1.0 holds: markup characters, quotes, tabs, line ends, CR, any
script), a reader gets back exactly what the lowering handed the writer.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from planc.ast import Cue, Duration, PowerTarget, PowerUnit, Range, Repeat, Step, Workout
from planc.emit.zwo import render_zwo
from planc.sanitise import for_xml

_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(for_xml)
_EDGES = st.sampled_from(['a & b', '<tag>', '"quoted" \'single\'', "tab\there", "line\nend",
                          "cr\r\nlf", "  spaced  ", "]]>", "&amp;", "Тренировка 午前 🚴"])
_TEXT = st.one_of(_XML_TEXT, _EDGES)


def _step(power: float, texts: list[str]) -> Step:
    return Step(Duration(60.0), power=PowerTarget(PowerUnit.FTP, Range(power, power)),
                cues=tuple(Cue(float(i), t) for i, t in enumerate(texts)))


@settings(max_examples=300, deadline=None)
@given(name=_TEXT.filter(bool), description=_TEXT, tags=st.lists(_TEXT, max_size=3),
       cues=st.lists(_TEXT, max_size=3), on_cues=st.lists(_TEXT, max_size=2))
def test_every_text_reads_back_as_written(name, description, tags, cues, on_cues):
    body = (_step(0.5, cues), Repeat(2, (_step(1.1, on_cues), _step(0.5, []))))
    data = render_zwo(Workout(body, "Ride", name, description, tuple(tags)))
    root = etree.fromstring(data)
    assert root.findtext("name") == name
    assert (root.findtext("description") or "") == description
    assert [t.get("name") for t in root.iter("tag")] == tags
    steady, intervals = root.find("workout")
    assert [e.get("message") for e in steady] == cues
    assert [e.get("message") for e in intervals] == on_cues * 2
    assert [e.get("timeoffset") for e in intervals] == [str(i) for i in range(len(on_cues))] \
        + [str(120 + i) for i in range(len(on_cues))]


def test_an_empty_description_is_written_open_and_closed():
    data = render_zwo(Workout((_step(0.5, []),), "Ride", "W", None, ()))
    assert b"<description></description>" in data and b"<tags/>" in data
