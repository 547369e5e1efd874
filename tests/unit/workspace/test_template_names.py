"""Templates are names, never paths (issue 19, item 1): refused at `systems check` and schedule load with
file, line and field; every output folder is resolved and checked to lie under reports/ before anything is
written."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport.errors import ConfigError, InventoryError, ScheduleError, TemplateError
from govreport.schedule import load_schedule
from govreport.workspace import Workspace
from govreport.workspace.inventory import Inventory
from govreport.workspace.scaffold import EXAMPLE_SYSTEM, init_workspace
from tests.helpers.cli import run_cli

BAD_NAMES = [
    "/srv/elsewhere/evil",
    "../../../../srv/elsewhere/evil",
    "..",
    "model_risk/../../evil",
    "sub/model_risk",
    "C:\\\\evil",
    "~/evil",
    ".hidden",
    "model risk",
    "evil.py",
]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    (root / "systems" / "example-scorecard.yaml").write_text(EXAMPLE_SYSTEM, encoding="utf-8")
    return Workspace.load(root)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_template_path_in_a_system_file_is_refused_at_systems_check(ws, capsys, name):
    text = EXAMPLE_SYSTEM + f'templates: ["{name}"]\n'
    path = ws.systems_dir / "example-scorecard.yaml"
    path.write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    err = Inventory.load(ws).errors["example-scorecard"]
    assert isinstance(err, InventoryError)
    assert (err.file, err.line, err.field) == (str(path), line, "templates.0")
    assert "is not a template name" in str(err)
    code, _, stderr = run_cli(capsys, "systems", "check", "--workspace", str(ws.root))
    assert code == 2
    lines = [x for x in stderr.splitlines() if x.startswith("error:")]
    assert len(lines) == 1 and f"example-scorecard.yaml:{line}: field 'templates.0'" in lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", BAD_NAMES[:4])
def test_a_template_path_in_a_schedule_is_refused_with_line(tmp_path, name):
    p = tmp_path / "s.yaml"
    p.write_text(f'cron: "0 7 1 * *"\ntemplates:\n  - model_risk\n  - "{name}"\n', encoding="utf-8")
    with pytest.raises(ScheduleError) as e:
        load_schedule(p)
    assert (e.value.file, e.value.line, e.value.field) == (str(p), 4, "templates.1")
    assert "is not a template name" in str(e.value) and "\n" not in str(e.value)


def test_template_path_lookup_refuses_paths_even_outside_validation(ws, tmp_path):
    evil = tmp_path / "elsewhere" / "evil.ipynb"
    evil.parent.mkdir()
    evil.write_text("{}", encoding="utf-8")
    for name in (str(evil.with_suffix("")), "../../elsewhere/evil", str(evil)):
        with pytest.raises(TemplateError, match="is not a template name"):
            ws.template_path(name)
    assert ws.template_path("model_risk").name == "model_risk.ipynb"


def test_output_folders_are_checked_to_lie_under_reports(ws):
    assert (
        ws.report_dir("2026Q3", "card", "model_risk", "v1")
        == (ws.reports_dir / "2026Q3/card/model_risk/v1").resolve()
    )
    for parts in (
        ("2026Q3", "card", "../../../../tmp/x", "v1"),
        ("..", "x"),
        ("/etc", "x"),
        ("2026Q3", ".", "v1"),
        ("2026Q3", "a/b"),
    ):
        with pytest.raises(ConfigError, match="would lie outside"):
            ws.report_dir(*parts)
