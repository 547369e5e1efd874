"""Bounded workspace YAML (issue 19, item 4): alias bombs, huge files and duplicate keys are refused with one
line naming the file and line, in well under a second, through the one loader every workspace file uses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from govreport.core.yamlio import MAX_BYTES, load_yaml
from govreport.errors import ConfigError
from govreport.workspace import Workspace
from govreport.workspace.inventory import Inventory
from govreport.workspace.scaffold import EXAMPLE_SYSTEM, init_workspace
from tests.helpers.cli import run_cli


def _laughs(levels: int, width: int) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


BAD = {
    "billion_laughs_9x9": (_laughs(9, 9), "aliases", None),
    "wide_alias_fan": ("x: &x [1, 2, 3]\ny: [" + ", ".join(["*x"] * 500) + "]\n", "aliases", 2),
    "nested_bomb_few_aliases": (_laughs(4, 25), "expands to more than", None),
    "duplicate_top_key": (
        "name_zh: 甲\nrun:\n  cell_timeout: 5\nname_en: A\nrun:\n  kernel: python3\n",
        "duplicate key 'run' (first on line 2)",
        5,
    ),
    "duplicate_nested_key": ("a:\n  b: 1\n  c: 2\n  b: 3\n", "duplicate key 'b'", 4),
    "duplicate_in_flow": ("a: {x: 1, x: 2}\n", "duplicate key 'x'", 1),
    "recursive_alias": ("a: &a [*a, *a]\n", "refers to the value it is part of", 1),
    "python_tag": ("a: !!python/object/apply:os.system ['id']\n", "malformed YAML", 1),
    "deep_nesting": ("[" * 50_000 + "]" * 50_000 + "\n", None, None),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_yaml_is_one_line_with_file_and_line_in_under_a_second(tmp_path, name):
    text, expected, line = BAD[name]
    p = tmp_path / f"{name}.yaml"
    p.write_text(text, encoding="utf-8")
    t0 = time.monotonic()
    try:
        load_yaml(p)
    except ConfigError as e:
        msg = str(e)
    else:
        pytest.fail(f"{name} was accepted")
    assert time.monotonic() - t0 < 1.0
    assert msg.startswith(str(p)) and "\n" not in msg and "Traceback" not in msg
    if expected:
        assert expected in msg
    if line:
        assert msg.startswith(f"{p}:{line}:"), msg


def test_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    p = tmp_path / "big.yaml"
    row = "- " + "x" * 1000 + "\n"
    p.write_text(row * (MAX_BYTES // len(row) + 10), encoding="utf-8")
    t0 = time.monotonic()
    with pytest.raises(ConfigError, match=r"big\.yaml:1: .*larger than the 5 MB") as e:
        load_yaml(p)
    assert time.monotonic() - t0 < 1.0 and "\n" not in str(e.value)


def test_a_few_aliases_still_work(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text(
        "base: &b {kernel: python3}\nrun: *b\nlist: [*b, *b]\nm:\n  <<: *b\n  extra: 1\n", encoding="utf-8"
    )
    data, lines = load_yaml(p)
    assert data["run"] == {"kernel": "python3"} and data["m"] == {"kernel": "python3", "extra": 1}
    assert lines[("run",)] == 2


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    (root / "systems" / "example-scorecard.yaml").write_text(EXAMPLE_SYSTEM, encoding="utf-8")
    return Workspace.load(root)


def test_duplicate_run_block_in_govreport_yaml_is_refused(ws, capsys):
    cfg = ws.root / "govreport.yaml"
    text = cfg.read_text(encoding="utf-8") + "run:\n  cell_timeout: 5\n"
    if "\nrun:" not in text.split("run:\n  cell_timeout: 5")[0]:
        text += "run:\n  kernel: python3\n"
    cfg.write_text(text, encoding="utf-8")
    code, _, err = run_cli(capsys, "systems", "check", "--workspace", str(ws.root))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert "govreport.yaml:" in err and "duplicate key 'run'" in err and "Traceback" not in err


def test_alias_bomb_in_a_system_file_is_one_line_at_systems_check(ws, capsys):
    (ws.systems_dir / "bomb.yaml").write_text("id: bomb\n" + _laughs(9, 9), encoding="utf-8")
    t0 = time.monotonic()
    err = Inventory.load(ws).errors["bomb"]
    assert time.monotonic() - t0 < 1.0
    assert "bomb.yaml:" in str(err) and "aliases" in str(err)
    code, _, err = run_cli(capsys, "systems", "check", "--workspace", str(ws.root))
    assert code == 2 and "bomb.yaml:" in err and "Traceback" not in err
