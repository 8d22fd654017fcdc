"""`planc schema` is valid JSON Schema for what the loader accepts (and rejects)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_planc
from support.jsonschema_lite import validate

from planc.plan.schema import FIELDS, plan_schema
from planc.plan.yamlsrc import parse_yaml, to_plain


def data(path):
    tree, diags = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert not diags
    return to_plain(tree)


@pytest.mark.parametrize("path", sorted((ROOT / "plans").glob("*.yaml")), ids=lambda p: p.name)
def test_example_plans_validate(path):
    found = data(path)
    kind = "roster" if "athletes" in found else "plan"  # plans/squad.yaml is a roster
    assert validate(found, plan_schema(kind)) == []


@pytest.mark.parametrize("path", sorted((ROOT / "plans" / "library").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_libraries_validate(path):
    assert validate(data(path), plan_schema("library")) == []


@pytest.mark.parametrize("path", sorted((ROOT / "plans" / "athletes").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_athlete_files_validate(path):
    assert validate(data(path), plan_schema("athlete")) == []


def test_schema_rejects_what_the_loader_rejects():
    schema = plan_schema("plan")
    base = {"id": "x", "name": "X", "start": "2027-01-04", "weeks": 4, "calendar": []}
    assert validate(base, schema) == []
    assert validate({**base, "nmae": "x"}, schema)
    assert validate({**base, "id": "Not A Slug"}, schema)
    assert validate({**base, "start": "4 Jan"}, schema)
    assert validate({**base, "calendar": [{"monday": "rest"}]}, schema)
    assert validate({**base, "calendar": [{"tue": {"race": {"name": "R", "priority": "D"}}}]},
                    schema)
    assert validate({**base, "calendar": [{"weeks": "1-4", "tue": "sweetspot",
                                           "2027-01-09": [{"workout": "x", "reps": [3, 4]}],
                                           "sat": {"note": "n", "time": "7:30"}}]}, schema) == []
    del base["calendar"]
    assert validate(base, schema) == ["/: missing required 'calendar'"]


def test_every_loader_field_is_in_the_schema():
    schema = plan_schema("plan")
    for kind, fields in FIELDS.items():
        if kind in schema["$defs"]:
            assert set(schema["$defs"][kind]["properties"]) == set(fields), kind
    assert set(schema["properties"]) == set(FIELDS["plan"])


def test_schema_command_prints_draft_2020_12():
    proc = run_planc("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout_text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema == json.loads(json.dumps(plan_schema("plan")))
    assert json.loads(run_planc("schema", "athlete").stdout_text)["title"] == \
        "planc athlete thresholds"
    assert run_planc("schema", "nope").returncode == 2


def test_validator_refuses_keywords_it_does_not_know():
    with pytest.raises(ValueError):
        validate(1, {"oneOf": []})
