"""``govreport contracts scaffold | validate | list | lint`` through click's CliRunner (one process, one
Great Expectations import for the module, so it is marked slow)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from govreport.cli.contracts import contracts
from govreport.contracts import load_contract
from govreport.data.masking import find_identifiers
from govreport.demo.build import build_demo, fake_national_id

pytestmark = pytest.mark.slow


def _cli(*args: str):
    return CliRunner().invoke(contracts, list(args))


def make_customers(seed: int, n: int = 2000) -> pd.DataFrame:
    """Synthetic applications with planted personal data and Art. 6 attributes."""
    rng = np.random.default_rng(seed)
    surnames, given = "陳林黃張李王吳劉蔡楊許鄭謝洪郭", "志明美玲家豪雅婷淑芬宗憲建宏佳穎"
    birth = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 365 * 50, n), unit="D")
    df = pd.DataFrame(
        {
            "application_no": np.arange(seed * 100_000, seed * 100_000 + n),
            "national_id": [fake_national_id(np.random.default_rng(seed * 1_000_003 + i)) for i in range(n)],
            "姓名": [
                surnames[rng.integers(15)] + given[rng.integers(16)] + given[rng.integers(16)]
                for _ in range(n)
            ],
            "mobile": [
                f"09{rng.integers(10, 99)}-{rng.integers(100, 999)}-{rng.integers(100, 999)}"
                for _ in range(n)
            ],
            "email": [f"user{seed}_{i}@mail.example.com" for i in range(n)],
            "gender": rng.choice(["M", "F"], n),
            "年齡": rng.integers(20, 75, n),
            "birth_date": birth.strftime("%Y-%m-%d"),
            "nationality": rng.choice(["TW", "TW", "TW", "VN", "PH", "ID"], n),
            "婚姻狀況": rng.choice(["已婚", "未婚", "離婚"], n),
            "income": rng.gamma(3.0, 20_000.0, n).round(0),
            "channel": rng.choice(["branch", "web", "app"], n),
            "score": rng.random(n).round(4),
            "applied_at": (
                pd.Timestamp("2026-06-01") + pd.to_timedelta(rng.integers(0, 86400 * 29, n), unit="s")
            ).strftime("%Y-%m-%d %H:%M:%S"),
        }
    )
    df.loc[rng.choice(n, n // 50, replace=False), "income"] = None  # 2% missing
    return df


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "data").mkdir()
    make_customers(1).to_csv(root / "data" / "applications_2026Q2.csv", index=False, encoding="cp950")
    return root


def test_scaffold_marks_personal_data_and_art6_then_fresh_data_validates(ws):
    r = _cli(
        "scaffold", str(ws / "data" / "applications_2026Q2.csv"), "--name", "applications", "-w", str(ws)
    )
    assert r.exit_code == 2 and "looks like Big5/CP950 — pass --encoding cp950" in r.stderr
    r = _cli(
        "scaffold",
        str(ws / "data" / "applications_2026Q2.csv"),
        "--name",
        "applications",
        "-w",
        str(ws),
        "--encoding",
        "cp950",
        "--sample",
        "1000",
    )
    assert r.exit_code == 0, r.output
    assert (
        "(confirm" not in r.output
        and "confirm: national_id: looks like personal data (national_id)" in r.output
    )
    cpath = ws / "data_contracts" / "applications.contract.yaml"
    spath = ws / "data_contracts" / "applications.suite.json"
    contract = yaml.safe_load(cpath.read_text(encoding="utf-8"))
    assert contract["dataset"] == {"path": "data/applications_2026Q2.csv", "encoding": "cp950"}
    personal = {p["column"]: p for p in contract["personal_data"]}
    assert {k: v["kind"] for k, v in personal.items()} == {
        "national_id": "national_id",
        "姓名": "name",
        "mobile": "phone",
        "email": "email",
    }
    assert all(p["confirmed"] is False and p["purpose"] == "" for p in personal.values())
    protected = {p["column"]: p["attribute"] for p in contract["protected_attributes"]}
    assert protected == {
        "gender": "sex",
        "年齡": "age",
        "birth_date": "birth_date",
        "nationality": "nationality",
        "婚姻狀況": "marital_status",
    }
    assert contract["keys"] == ["application_no"] and contract["freshness"]["column"] == "applied_at"
    # the suite is Great Expectations' own JSON, and holds no personal data
    text = spath.read_text(encoding="utf-8")
    suite = json.loads(text)
    assert suite["meta"]["great_expectations_version"] and suite["name"] == "applications"
    import great_expectations as gx

    gx.get_context(mode="ephemeral")
    assert len(gx.ExpectationSuite(**{k: v for k, v in suite.items() if k != "id"}).expectations) == len(
        suite["expectations"]
    )
    assert not find_identifiers(text) and "陳" not in text
    kinds = {(e["type"], e["kwargs"].get("column")) for e in suite["expectations"]}
    assert ("expect_column_values_to_be_unique", "application_no") in kinds
    assert ("expect_column_values_to_be_in_set", "gender") in kinds
    assert ("expect_column_values_to_be_between", "income") in kinds
    assert ("expect_column_values_to_match_regex", "national_id") in kinds
    null_income = next(
        e
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_not_be_null" and e["kwargs"]["column"] == "income"
    )
    assert 0.9 < null_income["kwargs"]["mostly"] < 0.98
    # a fresh sample from the same source passes
    cpath.write_text(
        cpath.read_text(encoding="utf-8").replace("applications_2026Q2", "applications_{period}"),
        encoding="utf-8",
    )
    make_customers(2).to_csv(ws / "data" / "applications_2026Q3.csv", index=False, encoding="cp950")
    r = _cli("validate", "applications", "-w", str(ws), "--period", "2026Q3", "--as-of", "2026-07-10")
    assert r.exit_code == 0, r.output
    assert "applications: PASSED — 2,000 rows" in r.output and "freshness" in r.output
    assert not find_identifiers(r.output)
    r = _cli(
        "validate",
        "applications",
        "-w",
        str(ws),
        "--data",
        str(ws / "data" / "applications_2026Q2.csv"),
        "--json",
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["dataset"]["path"] == "data/applications_2026Q2.csv"
    # scaffolding over an existing contract needs --force
    r = _cli(
        "scaffold",
        str(ws / "data" / "applications_2026Q3.csv"),
        "--name",
        "applications",
        "-w",
        str(ws),
        "--encoding",
        "cp950",
    )
    assert r.exit_code == 2 and "applications.contract.yaml already exists" in r.stderr


def test_scaffold_on_the_real_dataset(credit_csv, tmp_path):
    r = _cli("scaffold", str(credit_csv), "--name", "uci", "-w", str(tmp_path), "--sample", "5000")
    assert r.exit_code == 0, r.output
    c = load_contract(tmp_path / "data_contracts" / "uci.contract.yaml").contract
    prot = {p.column: p.attribute for p in c.protected_attributes}
    assert prot == {"SEX": "sex", "AGE": "age", "MARRIAGE": "marital_status"}
    assert c.keys == ["ID"] and c.personal_data == []
    r = _cli("validate", "uci", "-w", str(tmp_path))
    assert r.exit_code == 0 and "uci: PASSED" in r.output, (
        r.output
    )  # sets and ranges from every row, not the sample


def test_list_and_lint(ws):
    folder = ws / "data_contracts"
    r = _cli("list", "-w", str(ws))
    assert (
        r.exit_code == 0
        and "applications" in r.output
        and "personal: national_id, 姓名, mobile, email" in r.output
    )
    r = _cli("lint", "-w", str(ws))
    assert r.exit_code == 0, r.output  # unconfirmed entries are warnings
    assert "warning:" in r.stderr and "personal_data 'national_id' is not confirmed" in r.stderr
    assert _cli("lint", "-w", str(ws), "--strict").exit_code == 1
    # break things: a type GX does not know, a column the data no longer has, an older GX version, an orphan
    suite = json.loads((folder / "applications.suite.json").read_text(encoding="utf-8"))
    suite["expectations"].append(
        {"type": "expect_column_values_to_be_purple", "kwargs": {"column": "gender"}}
    )
    suite["expectations"].append(
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "branch"}}
    )
    suite["meta"]["great_expectations_version"] = "0.18.21"
    (folder / "applications.suite.json").write_text(json.dumps(suite, indent=2), encoding="utf-8")
    (folder / "orphan.suite.json").write_text('{"name": "orphan", "expectations": []}', encoding="utf-8")
    (folder / "broken.contract.yaml").write_text("name: broken\ndataset: {path: x.csv}\nsurprise: 1\n")
    r = _cli("lint", "-w", str(ws))
    assert r.exit_code == 1
    err = r.stderr
    assert "unknown expectation type 'expect_column_values_to_be_purple'" in err
    assert (
        "column(s) branch are no longer in" in err and "applications_2026Q3.csv" in err
    )  # the newest period
    assert "written by Great Expectations 0.18.21, installed" in err
    assert "orphan.suite.json: no contract uses this suite" in err
    assert "broken.contract.yaml:3: field 'surprise': unknown field" in err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("error: ") or "error(s)" in lines[-1]
    r = _cli("lint", "-w", str(ws), "--period", "2026Q2", "--json")
    issues = json.loads(r.stdout)
    assert any(i["severity"] == "error" and "applications_2026Q2.csv" in i["message"] for i in issues)
    r = _cli("list", "-w", str(ws))
    assert r.exit_code == 2 and "broken.contract.yaml:3" in r.stderr and "applications" in r.stdout


def test_the_example_contracts_on_the_demo_data(tmp_path):
    root = build_demo(tmp_path / "demo", ["2026Q3"])
    r = _cli("lint", "-w", str(root), "--strict")
    assert r.exit_code == 0, r.output
    for name in ("card_default_scoring", "txn_monitoring_scoring", "cs_assistant_conversations"):
        r = _cli("validate", name, "-w", str(root), "-p", "2026Q3", "--json")
        assert r.exit_code in (0, 1), r.output
        d = json.loads(r.stdout)
        assert d["rows"] > 0 and d["dataset"]["sha256"] and not find_identifiers(r.stdout)
        assert {k: v["status"] for k, v in d["dimensions"].items()}.keys() == {
            "completeness",
            "validity",
            "uniqueness",
            "freshness",
            "representativeness",
        }
    d = json.loads(_cli("validate", "card_default_scoring", "-w", str(root), "-p", "2026Q3", "--json").stdout)
    assert d["dimensions"]["representativeness"]["status"] != "not_assessed"
    for name in ("card_default_training", "txn_monitoring_training"):  # training suites pass their own data
        r = _cli("validate", name, "-w", str(root), "-p", "2026Q3", "--json")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["status"] == "green"
