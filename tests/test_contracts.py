"""Data contracts through Great Expectations' own engine: validation, masking, scaffold, SQL, bad input."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govreport.cli import main
from govreport.contracts import load_contract, validate
from govreport.demo import fake_national_id
from govreport.scaffold import init_workspace

IDS = [fake_national_id(np.random.default_rng(i)) for i in range(50)]


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = init_workspace(tmp_path_factory.mktemp("c") / "ws", name_zh="測試", name_en="Test")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"customer_id": IDS * 4, "age": rng.integers(20, 80, 200), "sex": rng.integers(1, 3, 200),
                       "phone": ["0912-345-678"] * 200, "amount": rng.random(200) * 1000})
    df.loc[5, "age"] = 150  # one invalid age
    df.loc[7, "amount"] = None
    df.to_csv(root / "data" / "customers.csv", index=False)
    return root


@dataclass
class Result:
    exit_code: int
    output: str


def _invoke(*args: str) -> Result:
    """Run the real entry point in-process (one Great Expectations import for the whole module)."""
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(list(args))
        except SystemExit as e:
            code = int(e.code or 0)
    return Result(code, out.getvalue())


def test_scaffold_marks_personal_data_and_protected_attributes_then_validates(ws):
    r = _invoke("contracts", "scaffold", str(ws / "data" / "customers.csv"), "--name", "customers", "-w", str(ws))
    assert r.exit_code == 0, r.output
    text = (ws / "data_contracts" / "customers.contract.yaml").read_text()
    assert "customer_id" in text.split("personal_data:")[1].split("protected_attributes:")[0]
    assert "national_id" in text and "sex" in text.split("protected_attributes:")[1]
    suite = json.loads((ws / "data_contracts" / "customers.suite.json").read_text())
    assert suite["meta"]["great_expectations_version"]
    # fresh data from the same source validates
    r = _invoke("contracts", "validate", "customers", "-w", str(ws))
    assert r.exit_code == 0, r.output
    assert "customers: PASSED" in r.output


def test_failures_exit_1_and_never_show_a_raw_national_id(ws):
    contract = ws / "data_contracts" / "customers.contract.yaml"
    text = contract.read_text()
    contract.write_text(text.replace("personal_data: []", "personal_data: [customer_id]"))
    suite_p = ws / "data_contracts" / "customers.suite.json"
    suite = json.loads(suite_p.read_text())
    suite["expectations"].append({"type": "expect_column_values_to_match_regex",
                                  "kwargs": {"column": "customer_id", "regex": "^Z"}, "meta": {}})
    suite["expectations"].append({"type": "expect_column_values_to_be_between",
                                  "kwargs": {"column": "age", "min_value": 18, "max_value": 100}, "meta": {}})
    suite_p.write_text(json.dumps(suite))
    r = _invoke("contracts", "validate", "customers", "-w", str(ws))
    assert r.exit_code == 1
    assert "age: expect_column_values_to_be_between (1 rows" in r.output
    assert not any(i in r.output for i in IDS)
    res = validate(load_contract(contract), ws)
    blob = json.dumps(res.to_dict(), ensure_ascii=False)
    assert not any(i in blob for i in IDS) and "*****" in blob
    dims = res.to_dict()["dimensions"]
    assert dims["validity"]["status"] == "red"  # the regex fails on every row
    assert dims["uniqueness"]["value"] is None and "no expectation of this kind" in dims["uniqueness"]["note"]


def _contract(ws: Path, name: str, dataset: str, suite: list[dict] | str) -> Path:
    (ws / "data_contracts" / f"{name}.contract.yaml").write_text(
        f"name: {name}\ndataset:\n{dataset}\nsuite: {name}.suite.json\n", encoding="utf-8")
    body = suite if isinstance(suite, str) else json.dumps({"name": name, "expectations": suite, "meta": {}})
    (ws / "data_contracts" / f"{name}.suite.json").write_text(body, encoding="utf-8")
    return ws / "data_contracts" / f"{name}.contract.yaml"


NOT_NULL_A = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": {}}]


@pytest.mark.parametrize(
    ("content", "dataset_extra", "suite", "message"),
    [
        (b"", "", NOT_NULL_A, "the file is empty"),
        (b"a,b\n", "", NOT_NULL_A, "header but no rows"),
        ("a,名稱\n1,台北\n".encode("cp950"), "", NOT_NULL_A, "looks like Big5/CP950 — add `encoding: cp950`"),
        (b"a;b\n1;2\n", "", NOT_NULL_A, "separated by ';'"),
        (b"a,a\n1,2\n", "", NOT_NULL_A, "duplicate column name(s) a"),
        (b"b\n1\n", "", NOT_NULL_A, "lacks column(s) a that the suite expects"),
        (b"a\n1\n", "", '{"name": "x", "expectations": [', "malformed suite JSON"),
        (b"a\n1\n", "", [{"type": "expect_column_values_to_be_purple", "kwargs": {"column": "a"}}],
         "unknown expectation type 'expect_column_values_to_be_purple'"),
    ],
)
def test_bad_input_is_one_line_with_exit_2(ws, content, dataset_extra, suite, message):
    (ws / "data" / "bad.csv").write_bytes(content)
    _contract(ws, "bad", f"  path: data/bad.csv{dataset_extra}", suite)
    r = _invoke("contracts", "validate", "bad", "-w", str(ws))
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_big5_file_reads_when_declared(ws):
    (ws / "data" / "big5.csv").write_bytes("a,城市\n1,台北\n2,高雄\n".encode("cp950"))
    _contract(ws, "big5", "  path: data/big5.csv\n  encoding: cp950",
              [{"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "城市", "value_set": ["台北", "高雄"]}}])
    r = _invoke("contracts", "validate", "big5", "-w", str(ws))
    assert r.exit_code == 0, r.output


def test_sql_path_on_sqlite(ws):
    db = ws / "data" / "bank.db"
    con = sqlite3.connect(db)
    pd.DataFrame({"a": [1, 2, None], "b": ["x", "y", "z"]}).to_sql("loans", con, index=False)
    con.close()
    path = _contract(ws, "loans", f"  url: sqlite:///{db}\n  table: loans", NOT_NULL_A)
    res = validate(load_contract(path), ws)
    assert not res.success and res.expectations[0]["unexpected_count"] == 1
    assert res.dimensions["completeness"]["value"] == pytest.approx(2 / 3)
    _contract(ws, "noloans", f"  url: sqlite:///{db}\n  table: nope", NOT_NULL_A)
    r = _invoke("contracts", "validate", "noloans", "-w", str(ws))
    assert r.exit_code == 2 and "table 'nope' does not exist" in r.output


def test_list_and_lint(ws):
    r = _invoke("contracts", "list", "-w", str(ws))
    assert "customers" in r.output
    suite_p = ws / "data_contracts" / "big5.suite.json"
    suite = json.loads(suite_p.read_text())
    suite["meta"] = {"great_expectations_version": "0.18.0"}
    suite_p.write_text(json.dumps(suite))
    r = _invoke("contracts", "lint", "-w", str(ws))
    assert r.exit_code == 1
    assert "written by Great Expectations 0.18.0" in r.output
    assert "unknown expectation type 'expect_column_values_to_be_purple'" in r.output  # the last bad suite


def test_contract_for_the_real_dataset(credit_csv, tmp_path):
    root = init_workspace(tmp_path / "ws", name_zh="測試", name_en="Test")
    shutil.copyfile(credit_csv, root / "data" / "uci.csv")
    suite = [
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "ID"}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "SEX", "value_set": [1, 2]}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "EDUCATION", "value_set": [1, 2, 3, 4]}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "MARRIAGE", "value_set": [1, 2, 3]}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "AGE", "min_value": 18, "max_value": 100}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "LIMIT_BAL"}},
    ]
    path = _contract(root, "uci", "  path: data/uci.csv", suite)
    res = validate(load_contract(path), root)
    by = {(e["type"], e["column"]): e for e in res.expectations}
    # the real data's undocumented codes (EDUCATION 0/5/6, MARRIAGE 0) are found and counted exactly
    df = pd.read_csv(credit_csv, encoding="utf-8-sig")
    assert by[("expect_column_values_to_be_in_set", "EDUCATION")]["unexpected_count"] == int((~df.EDUCATION.isin([1, 2, 3, 4])).sum())
    assert by[("expect_column_values_to_be_in_set", "MARRIAGE")]["unexpected_count"] == int((df.MARRIAGE == 0).sum())
    assert by[("expect_column_values_to_be_unique", "ID")]["success"]
    assert res.dataset["rows"] == 30000 and len(res.dataset["sha256"]) == 64
    assert res.dimensions["validity"]["status"] in ("amber", "red")
