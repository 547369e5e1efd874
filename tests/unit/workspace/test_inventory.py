"""The AI-system inventory: validation errors that name file, line and field; the tier rule."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from govreport.cli.main import cli
from govreport.errors import InventoryError
from govreport.workspace.config import Workspace
from govreport.workspace.inventory import Inventory, RiskFactors, Scope, risk_tier
from govreport.workspace.scaffold import EXAMPLE_SYSTEM, init_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    (root / "systems" / "example-scorecard.yaml").write_text(EXAMPLE_SYSTEM, encoding="utf-8")
    return Workspace.load(root)


def _factors(**kw):
    base = dict(customer_facing=1, personal_data=1, autonomy=1, complexity=1, impact=1, remedies=1)
    return RiskFactors(**{**base, **kw})


@pytest.mark.parametrize(
    ("factors", "scope", "tier", "months"),
    [
        ({}, {"material_operational_impact": True}, "low", 12),
        ({"personal_data": 3, "autonomy": 3}, {"customer_service": True}, "medium", 6),  # score 10
        (
            {"personal_data": 3, "autonomy": 3, "impact": 3, "complexity": 3},
            {"product_advice": True},
            "high",
            3,
        ),
        (
            {"customer_facing": 3, "impact": 3},
            {"interacts_with_consumers": True},
            "high",
            3,
        ),  # score 10 but rule 2
        ({"personal_data": 3, "autonomy": 3, "impact": 3, "complexity": 3}, {}, "out_of_scope", 12),
    ],
)
def test_tier_rule(factors, scope, tier, months):
    t = risk_tier(Scope(**scope), _factors(**factors))
    assert (t.tier, t.review_months) == (tier, months)


def test_example_system_loads_with_tier(ws):
    inv = Inventory.load(ws)
    assert not inv.errors
    s = inv.get("example-scorecard")
    assert s.tier.tier == "high" and s.tier.score == 14
    assert s.applicable_templates == ["model_risk"]
    assert s.warnings() == []


def _write(ws, name, text):
    (ws.systems_dir / name).write_text(text, encoding="utf-8")


def test_error_names_file_line_and_field(ws):
    bad = EXAMPLE_SYSTEM.replace("impact: 3, remedies: 2}", "impact: 7, remedies: 2}")
    _write(ws, "example-scorecard.yaml", bad)
    err = Inventory.load(ws).errors["example-scorecard"]
    line = next(i for i, t in enumerate(bad.splitlines(), 1) if t.startswith("risk_factors"))
    msg = str(err)
    assert f"example-scorecard.yaml:{line}" in msg and "risk_factors.impact" in msg and "\n" not in msg


def test_unknown_field_and_missing_field(ws):
    _write(ws, "example-scorecard.yaml", EXAMPLE_SYSTEM + "colour: blue\n")
    msg = str(Inventory.load(ws).errors["example-scorecard"])
    assert "unknown field" in msg and "'colour'" in msg
    _write(
        ws,
        "example-scorecard.yaml",
        EXAMPLE_SYSTEM.replace("kind: predictive", "").replace("# Art. 2: predictive or generative", ""),
    )
    msg = str(Inventory.load(ws).errors["example-scorecard"])
    assert "field 'kind'" in msg and "required" in msg


def test_malformed_yaml_names_line(ws):
    _write(ws, "broken.yaml", "id: broken\nname_zh: [unclosed\n")
    msg = str(Inventory.load(ws).errors["broken"])
    assert "broken.yaml:" in msg and "malformed YAML" in msg


def test_id_must_match_file_name_and_be_a_slug(ws):
    _write(ws, "other.yaml", EXAMPLE_SYSTEM)
    assert "does not match the file name" in str(Inventory.load(ws).errors["other"])
    with pytest.raises(InventoryError, match="not a valid system id"):
        Inventory.load(ws).get("../x")
    with pytest.raises(InventoryError, match="unknown system id 'nope'.*example-scorecard"):
        Inventory.load(ws).get("nope")


def test_protected_feature_without_justification_warns(ws):
    text = EXAMPLE_SYSTEM.replace(
        "- {column: SEX, category: sex}", "- {column: SEX, category: sex, used_as_feature: true}"
    )
    _write(ws, "example-scorecard.yaml", text)
    s = Inventory.load(ws).get("example-scorecard")
    assert any("SEX" in w and "justification" in w for w in s.warnings())


def test_prelaunch_opinion_after_go_live_is_a_gap(ws):
    _write(
        ws,
        "example-scorecard.yaml",
        EXAMPLE_SYSTEM.replace("risk: {date: 2023-12-08", "risk: {date: 2024-02-08"),
    )
    s = Inventory.load(ws).get("example-scorecard")
    assert any("risk opinion dated 2024-02-08 after go-live" in w for w in s.warnings())


def test_cli_systems_check_and_list(ws):
    r = CliRunner().invoke(cli, ["systems", "check", "--workspace", str(ws.root)])
    assert r.exit_code == 0, r.output
    assert "ok   example-scorecard (high" in r.output
    _write(ws, "broken.yaml", "id: broken\n")
    r = CliRunner().invoke(cli, ["systems", "list", "--workspace", str(ws.root)])
    assert r.exit_code == 2
    assert "example-scorecard  high" in r.output
    assert "broken.yaml" in r.output and "Traceback" not in r.output
