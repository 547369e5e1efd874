"""Validation through Great Expectations' own engine: the real dataset, planted personal data, SQL,
dimensions, and every kind of bad input (one line, exit 2).

Great Expectations takes ≈6.5 s to import, once for the whole module (in-process CliRunner), so the
module is marked slow.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from govreport.cli.contracts import contracts
from govreport.contracts import load_contract, validate
from govreport.data.masking import find_identifiers
from govreport.data.read import mask_url
from govreport.demo.build import fake_national_id
from govreport.errors import DataError, PeriodError
from govreport.metrics._bands import MISSING
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.slow


def _contract(root: Path, name: str, dataset: str, suite: list[dict] | str, extra: str = "") -> Path:
    folder = root / "data_contracts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.contract.yaml").write_text(
        f"name: {name}\ndataset:\n{dataset}\n{extra}", encoding="utf-8"
    )
    body = suite if isinstance(suite, str) else json.dumps({"name": name, "expectations": suite, "meta": {}})
    (folder / f"{name}.suite.json").write_text(body, encoding="utf-8")
    return folder / f"{name}.contract.yaml"


def _exp(kind: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {}}


def _cli(*args: str):
    return CliRunner().invoke(contracts, list(args))


# -- the real dataset ------------------------------------------------------------------------------------
def test_contract_for_the_real_dataset(credit_csv, credit_df, tmp_path):
    (tmp_path / "data").mkdir()
    credit_df.iloc[:15000].to_parquet(tmp_path / "data" / "training.parquet", index=False)
    suite = [
        _exp("expect_table_columns_to_match_set", column_set=list(credit_df.columns), exact_match=True),
        _exp("expect_column_values_to_be_unique", column="ID"),
        _exp("expect_column_values_to_not_be_null", column="LIMIT_BAL"),
        _exp("expect_column_values_to_be_between", column="LIMIT_BAL", min_value=10_000, max_value=1_000_000),
        _exp("expect_column_values_to_be_in_set", column="SEX", value_set=[1, 2]),
        _exp("expect_column_values_to_be_in_set", column="EDUCATION", value_set=[1, 2, 3, 4]),
        _exp("expect_column_values_to_be_in_set", column="MARRIAGE", value_set=[1, 2, 3]),
        _exp("expect_column_values_to_be_between", column="AGE", min_value=18, max_value=100),
        _exp("expect_column_values_to_be_in_set", column="PAY_0", value_set=list(range(-2, 9))),
        _exp("expect_column_values_to_be_in_set", column="DEFAULT", value_set=[0, 1]),
    ]
    path = _contract(
        tmp_path,
        "uci",
        f"  path: {credit_csv}",
        suite,
        extra=(
            "protected_attributes: [SEX, AGE, MARRIAGE]\nkeys: [ID]\nfreshness: {max_age_days: 36500}\n"
            "representativeness:\n  reference: {path: data/training.parquet}\n  columns: [SEX, AGE, "
            "MARRIAGE, EDUCATION]\n"
        ),
    )
    res = validate(load_contract(path), tmp_path)
    d = res.to_dict()
    json.dumps(d, allow_nan=False)  # JSON-safe
    by = {(e["type"], e["column"]): e for e in d["expectations"]}
    edu = by[("expect_column_values_to_be_in_set", "EDUCATION")]
    bad_edu = int((~credit_df.EDUCATION.isin([1, 2, 3, 4])).sum())
    assert edu["unexpected_count"] == bad_edu and not edu["success"]
    assert edu["unexpected_share"] == pytest.approx(bad_edu / 30000)
    assert set(edu["sample_unexpected"]) <= {0, 5, 6} and edu["sample_unexpected"]
    assert by[("expect_column_values_to_be_in_set", "MARRIAGE")]["unexpected_count"] == int(
        (credit_df.MARRIAGE == 0).sum()
    )
    assert by[("expect_column_values_to_be_unique", "ID")]["success"]
    assert by[("expect_table_columns_to_match_set", None)]["success"]  # the UTF-8 BOM is not in 'ID'
    assert d["rows"] == 30000 and d["columns"] == 25 and d["dataset"]["engine"] == "great_expectations pandas"
    assert d["dataset"]["sha256"] == hashlib.sha256(credit_csv.read_bytes()).hexdigest()
    assert d["suite"]["sha256"] == hashlib.sha256(load_contract(path).suite_path.read_bytes()).hexdigest()
    assert d["suite"]["added_from_contract"] == 0  # the suite already checks the key
    dims = d["dimensions"]
    assert (
        dims["validity"]["value"] == pytest.approx(1 - bad_edu / 30000)
        and dims["validity"]["status"] == "amber"
    )
    assert dims["validity"]["worst"]["column"] == "EDUCATION"
    assert dims["completeness"]["status"] == "green" and dims["uniqueness"]["status"] == "green"
    assert dims["freshness"]["status"] == "green" and dims["freshness"]["source"] == "file modification time"
    rep = dims["representativeness"]
    assert set(rep["columns"]) == {"SEX", "AGE", "MARRIAGE", "EDUCATION"} and rep["value"] < 0.1
    assert rep["status"] == "green" and rep["reference"]["rows"] == 15000
    ids = [i.id for i in res.indicators()]
    assert ids == [
        f"data_quality.uci.{x}"
        for x in ("completeness", "validity", "uniqueness", "freshness", "representativeness")
    ]
    assert all(i.dimension == "data_quality" and i.article == 7 for i in res.indicators())
    assert res.status.value == "amber" and not res.success


# -- personal data never leaks ------------------------------------------------------------------------------
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭"
GIVEN = "志明美玲家豪雅婷淑芬宗憲建宏佳穎"


@pytest.fixture(scope="module")
def pii_ws(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("pii")
    rng = np.random.default_rng(7)
    n = 300
    ids = [fake_national_id(np.random.default_rng(1000 + i)) for i in range(n)]
    phones = [f"09{rng.integers(10, 99)}-{rng.integers(100, 999)}-{rng.integers(100, 999)}" for _ in range(n)]
    emails = [f"cust{i % 250}@example.com.tw" for i in range(n)]  # 50 duplicates
    df = pd.DataFrame(
        {
            "customer_id": ids,
            "phone": phones,
            "email": emails,
            "holder": [SURNAMES[i % 15] + GIVEN[i % 16] + GIVEN[(i * 5 + 3) % 16] for i in range(n)],
            "memo": [
                f"客戶 {ids[i]} 來電 {phones[i]}，請回 {emails[i]}" if i % 3 == 0 else "無" for i in range(n)
            ],
            "amount": rng.gamma(2.0, 5000.0, n).round(0),
            "SEX": rng.integers(1, 3, n),
        }
    )
    (root / "data").mkdir()
    df.to_csv(root / "data" / "customers.csv", index=False)
    suite = [
        _exp("expect_column_values_to_match_regex", column="customer_id", regex="^Z"),
        _exp("expect_column_values_to_be_in_set", column="phone", value_set=phones[:5]),
        _exp("expect_column_values_to_be_unique", column="email"),
        _exp("expect_column_value_lengths_to_be_between", column="memo", min_value=1, max_value=3),
        _exp("expect_column_values_to_match_regex", column="holder", regex="^X"),
        _exp("expect_column_values_to_not_match_regex", column="customer_id", regex="^[A-Z]"),
        _exp(
            "expect_column_most_common_value_to_be_in_set", column="email", value_set=["nobody@example.com"]
        ),
        _exp("expect_compound_columns_to_be_unique", column_list=["email", "SEX"]),
        _exp("expect_column_values_to_be_between", column="amount", min_value=0, max_value=1e9),
        _exp("expect_column_values_to_be_in_set", column="memo", value_set=["無", f"客戶 {ids[0]}"]),
    ]
    _contract(
        root,
        "customers",
        "  path: data/customers.csv",
        suite,
        extra=(
            "personal_data:\n  - {column: customer_id, kind: national_id, purpose: KYC}\n"
            "  - {column: phone, kind: phone, purpose: contact}\n  - "
            "{column: email, kind: email, purpose: contact}\n"
            "protected_attributes: [SEX]\n"
        ),
    )
    return root, df


def _raw_values(df: pd.DataFrame) -> list[str]:
    raw = [*df.customer_id, *df.phone, *df.email, *df.holder]
    raw += [v for text in df.memo for _, v in find_identifiers(text)]
    return [v for v in raw if len(v) >= 3]


def test_planted_personal_data_never_leaks(pii_ws, tmp_path):
    root, df = pii_ws
    out_json = tmp_path / "result.json"
    plain = _cli("validate", "customers", "-w", str(root), "--output", str(out_json))
    as_json = _cli("validate", "customers", "-w", str(root), "--json")
    assert plain.exit_code == 1 and as_json.exit_code == 1, plain.output
    res = validate(root / "data_contracts" / "customers.contract.yaml")
    blobs = {
        "console": plain.output,
        "console --json": as_json.output,
        "file": out_json.read_text(encoding="utf-8"),
        "result": json.dumps(res.to_dict(), ensure_ascii=False),
        "indicators": json.dumps([i.to_dict() for i in res.indicators()], ensure_ascii=False),
    }
    raw = _raw_values(df)
    for where, blob in blobs.items():
        leaked = [v for v in raw if v in blob]
        assert not leaked, f"{where} shows raw personal data: {leaked[:3]}"
        assert not find_identifiers(blob), where
    by = {e["index"]: e for e in res.expectations}
    assert (
        by[0]["masked"]
        and by[0]["sample_unexpected"]
        and all("*****" in v for v in by[0]["sample_unexpected"])
    )
    assert by[1]["kwargs"]["value_set"].startswith("<5 values")  # raw phone numbers in the suite stay hidden
    assert by[2]["unexpected_count"] == 100 and by[2]["masked"]  # 50 repeated e-mails, twice each
    assert (
        "*" in by[3]["sample_unexpected"][0] and "客戶" in by[3]["sample_unexpected"][0]
    )  # free text: ids masked
    assert by[4]["masked"]  # names were not declared: detected, masked, and a warning says so
    assert any("'holder' looks like personal data (name)" in w for w in res.warnings)
    assert by[6]["observed_value"] and all(
        "***" in v for v in by[6]["observed_value"]
    )  # aggregates masked too
    assert all(isinstance(v, dict) and "*" in v["email"] for v in by[7]["sample_unexpected"])
    assert "holder" in res.personal_data and "memo" not in res.personal_data
    assert by[9]["kwargs"]["value_set"][1].startswith("客戶 ") and "*****" in by[9]["kwargs"]["value_set"][1]
    assert "looks like personal data (name)" in plain.output


# -- SQL through GX's SQL engine -----------------------------------------------------------------------------
def _sqlite(db: Path, table: str, df: pd.DataFrame) -> None:
    con = sqlite3.connect(db)
    df.to_sql(table, con, index=False, if_exists="replace")
    con.close()


def test_sql_table_on_sqlite(tmp_path):
    (tmp_path / "data").mkdir()
    loans = pd.DataFrame(
        {
            "id": [1, 2, 3, 3],
            "a": [1.0, 2.0, None, 4.0],
            "b": ["x", "y", "z", "x"],
            "ts": ["2026-06-01 10:00:00", "2026-06-29 23:00:00", "2026-06-15", "2026-05-01"],
        }
    )
    _sqlite(tmp_path / "data" / "bank.db", "loans", loans)
    _sqlite(tmp_path / "data" / "bank.db", "loans_shuffled", loans.iloc[::-1])
    suite = [
        _exp("expect_column_values_to_not_be_null", column="a"),
        _exp("expect_column_values_to_be_in_set", column="b", value_set=["x", "y", "z"]),
    ]
    path = _contract(
        tmp_path,
        "loans",
        "  url: sqlite:///data/bank.db\n  table: loans",
        suite,
        extra="keys: [id]\nfreshness: {column: ts, max_age_days: 30}\nrepresentativeness:\n"
        "  reference: {url: 'sqlite:///data/bank.db', table: loans_shuffled}\n  columns: [b]\n",
    )
    res = validate(load_contract(path), tmp_path, as_of=date(2026, 7, 15))
    d = res.to_dict()
    assert d["dataset"]["kind"] == "sql" and d["dataset"]["engine"] == "great_expectations sql (sqlite)"
    assert d["dataset"]["table"] == "loans" and d["rows"] == 4 and len(d["dataset"]["sha256"]) == 64
    null_a = d["expectations"][0]
    assert null_a["unexpected_count"] == 1 and null_a["element_count"] == 4 and not null_a["success"]
    key = d["expectations"][2]  # added from the contract's keys: the suite did not check them
    assert key["source"] == "contract keys" and key["type"] == "expect_column_values_to_be_unique"
    assert key["unexpected_count"] == 2 and d["dimensions"]["uniqueness"]["status"] == "red"
    assert d["dimensions"]["completeness"]["value"] == pytest.approx(0.75)
    fresh = d["dimensions"]["freshness"]
    assert fresh["newest"] == "2026-06-29T23:00:00" and fresh["value"] == 16 and fresh["status"] == "green"
    rep = d["dimensions"]["representativeness"]  # the reference is another table, read through SQLAlchemy
    assert rep["value"] == 0 and rep["status"] == "green" and rep["reference"]["table"] == "loans_shuffled"
    assert rep["reference"]["sha256"] == d["dataset"]["sha256"]
    # the fingerprint does not depend on row order
    path2 = _contract(tmp_path, "loans2", "  url: sqlite:///data/bank.db\n  table: loans_shuffled", suite)
    assert validate(load_contract(path2), tmp_path).dataset["sha256"] == d["dataset"]["sha256"]


def test_sql_bad_input(tmp_path):
    (tmp_path / "data").mkdir()
    _sqlite(tmp_path / "data" / "bank.db", "loans", pd.DataFrame({"a": [1]}))
    suite = [_exp("expect_column_values_to_not_be_null", column="a")]
    _contract(tmp_path, "nope", "  url: sqlite:///data/bank.db\n  table: nope", suite)
    r = _cli("validate", "nope", "-w", str(tmp_path))
    assert (
        r.exit_code == 2
        and "table 'nope' does not exist in sqlite:///" in r.stderr
        and "tables there: loans" in r.stderr
    )
    _contract(tmp_path, "nodb", "  url: sqlite:///data/missing.db\n  table: loans", suite)
    r = _cli("validate", "nodb", "-w", str(tmp_path))
    assert r.exit_code == 2 and "SQLite database file not found" in r.stderr
    assert not (tmp_path / "data" / "missing.db").exists()  # no empty database left behind
    _contract(
        tmp_path,
        "nocol",
        "  url: sqlite:///data/bank.db\n  table: loans",
        [_exp("expect_column_values_to_not_be_null", column="b")],
    )
    r = _cli("validate", "nocol", "-w", str(tmp_path))
    assert (
        r.exit_code == 2
        and "table loans: field 'b': the data lacks column(s) b that the suite expects" in r.stderr
    )
    _contract(tmp_path, "noenv", "  url_env: GOVREPORT_TEST_NO_SUCH_VAR\n  table: loans", suite)
    r = _cli("validate", "noenv", "-w", str(tmp_path))
    assert r.exit_code == 2 and "environment variable GOVREPORT_TEST_NO_SUCH_VAR is not set" in r.stderr
    assert (
        mask_url("postgresql+psycopg://risk:s3cret@db.bank:5432/dw")
        == "postgresql+psycopg://risk:***@db.bank:5432/dw"
    )


@pytest.mark.postgres
def test_sql_table_on_postgresql(tmp_path, monkeypatch):
    url = os.environ.get("GOVREPORT_TEST_PG_URL")
    if not url:
        skip_or_fail("GOVREPORT_TEST_PG_URL not set (scripts/test.sh starts a PostgreSQL server and sets it)")
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    pd.DataFrame({"id": [1, 2, 3], "a": [1.0, None, 3.0]}).to_sql(
        "govreport_contract_test", eng, index=False, if_exists="replace"
    )
    try:
        monkeypatch.setenv("GOVREPORT_TEST_BANK_DB", url)
        path = _contract(
            tmp_path,
            "pg",
            "  url_env: GOVREPORT_TEST_BANK_DB\n  table: govreport_contract_test",
            [_exp("expect_column_values_to_not_be_null", column="a")],
            extra="keys: [id]\n",
        )
        res = validate(load_contract(path), tmp_path)
        assert res.dataset["engine"] == "great_expectations sql (postgresql)"
        assert res.expectations[0]["unexpected_count"] == 1 and res.expectations[1]["success"]
        assert res.dataset["url"] == mask_url(url) and res.dataset["table"] == "govreport_contract_test"
    finally:
        with eng.begin() as con:
            con.execute(sa.text("DROP TABLE IF EXISTS govreport_contract_test"))
        eng.dispose()


# -- bad input: one line, exit 2 -----------------------------------------------------------------------------
NOT_NULL_A = [_exp("expect_column_values_to_not_be_null", column="a")]


@pytest.mark.parametrize(
    ("content", "dataset_extra", "suite", "message"),
    [
        (b"", "", NOT_NULL_A, "the file is empty — check that the export for this period completed"),
        (b"a,b\n", "", NOT_NULL_A, "the file has a header but no rows"),
        (
            "a,名稱\n1,台北\n".encode("cp950"),
            "",
            NOT_NULL_A,
            "looks like Big5/CP950 — add `encoding: cp950` under `dataset:` in the contract",
        ),
        (b"a;b\n1;2\n", "", NOT_NULL_A, "looks separated by ';', not ','"),
        (b"a,a\n1,2\n", "", NOT_NULL_A, "field 'a': duplicate column name(s) a in the header"),
        (b"b\n1\n", "", NOT_NULL_A, "field 'a': the data lacks column(s) a that the suite expects"),
        (b" a\n1\n", "", NOT_NULL_A, "lacks column(s) a that the suite expects (the data has ' a')"),
        (b"a\n1\n", "", '{"name": "x",\n "expectations": [\n', "bad.suite.json:3: malformed suite JSON"),
        (
            b"a\n1\n",
            "",
            [_exp("expect_column_values_to_be_purple", column="a")],
            "unknown expectation type 'expect_column_values_to_be_purple'",
        ),
        (
            b"a\n1\n",
            "",
            [_exp("expect_column_values_to_be_between", column="a", min_value=1, colum="a")],
            "invalid arguments for expect_column_values_to_be_between: colum: extra fields not permitted",
        ),
        (
            b"a\n1\n",
            "",
            [_exp("expect_column_values_to_not_be_null")],
            "invalid arguments for expect_column_values_to_not_be_null: column: field required",
        ),
        (
            b"a\n1\n",
            "",
            [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "weight": 2}],
            "unknown key 'weight' in expectation",
        ),
        (b"a\n1\n", "\n  path: data/bad_{period}.csv", NOT_NULL_A, "contains {period} — pass --period"),
        (
            b"a\n1\n",
            "",
            '{"expectation_suite_name": "x", "expectations": []}',
            "Great Expectations 0.x format",
        ),
    ],
)
def test_bad_input_is_one_line_with_exit_2(tmp_path, content, dataset_extra, suite, message):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.csv").write_bytes(content)
    dataset = "  path: data/bad.csv" if not dataset_extra.startswith("\n") else dataset_extra.lstrip("\n")
    _contract(tmp_path, "bad", dataset, suite)
    r = _cli("validate", "bad", "-w", str(tmp_path))
    assert r.exit_code == 2, r.output
    assert message in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.output and r.stdout == ""


def test_unknown_contract_lists_the_known_ones(tmp_path):
    _contract(tmp_path, "alpha", "  path: a.csv", NOT_NULL_A)
    r = _cli("validate", "beta", "-w", str(tmp_path))
    assert r.exit_code == 2 and "no contract named 'beta' — known contracts: alpha" in r.stderr


def test_big5_file_reads_when_declared_and_personal_text_keeps_leading_zeros(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "big5.csv").write_bytes(
        "編號;城市;手機\n1;台北;0912345678\n2;高雄;0987654321\n".encode("cp950")
    )
    _contract(
        tmp_path,
        "big5",
        '  path: data/big5.csv\n  encoding: cp950\n  delimiter: ";"',
        [
            _exp("expect_column_values_to_be_in_set", column="城市", value_set=["台北", "高雄"]),
            _exp("expect_column_values_to_match_regex", column="手機", regex=r"^09\d{8}$"),
        ],
        extra="personal_data: [{column: 手機, kind: phone, purpose: 聯絡}]\n",
    )
    r = _cli("validate", "big5", "-w", str(tmp_path))
    assert r.exit_code == 0, r.output
    assert "big5: PASSED — 2 rows, 2 expectations (0 failed)" in r.output


# -- dimensions ----------------------------------------------------------------------------------------------
def test_dataframe_reference_shift_freshness_and_thresholds(tmp_path):
    rng = np.random.default_rng(3)
    ref = pd.DataFrame(
        {"SEX": rng.choice([1, 2], 5000), "AGE": rng.integers(20, 70, 5000), "ts": pd.Timestamp("2024-03-01")}
    )
    cur = pd.DataFrame(
        {
            "SEX": rng.choice([1, 2], 5000, p=[0.8, 0.2]),
            "AGE": rng.integers(20, 70, 5000),
            "ts": pd.date_range("2024-06-01", "2024-06-20", periods=5000),
        }
    )
    cur.loc[:99, "AGE"] = None
    path = _contract(
        tmp_path,
        "df",
        "  path: unused.csv",
        [
            _exp("expect_column_values_to_not_be_null", column="AGE"),
            _exp("expect_column_values_to_be_between", column="AGE", min_value=18, max_value=100),
        ],
        extra=(
            "protected_attributes: [SEX, AGE]\nfreshness: {column: ts, max_age_days: 7}\n"
            "thresholds:\n  completeness: {green: 0.99, red: 0.985}\n"
        ),
    )
    res = validate(load_contract(path), data=cur, reference=ref, period="2024Q2")
    dims = res.to_dict()["dimensions"]
    assert res.dataset["kind"] == "dataframe" and len(res.dataset["sha256"]) == 64
    # 2 % empty where the suite allows none: 0.98, red on the contract's lines (amber on the default ones)
    assert dims["completeness"]["value"] == pytest.approx(0.98) and dims["completeness"]["status"] == "red"
    assert dims["completeness"]["threshold"]["source"] == "contract thresholds"
    assert dims["validity"]["value"] == 1.0 and dims["uniqueness"]["status"] == "not_assessed"
    assert dims["freshness"]["as_of"] == "2024-06-30" and dims["freshness"]["value"] == 10
    assert dims["freshness"]["status"] == "amber"  # green ≤ 7 days, red > 14
    rep = dims["representativeness"]
    assert rep["worst"] == "SEX" and rep["status"] == "red" and rep["value"] > 0.25
    assert rep["columns"]["SEX"]["max_share_shift"] == pytest.approx(0.3, abs=0.03)
    assert rep["columns"]["AGE"]["psi"] < rep["columns"]["SEX"]["psi"]
    assert rep["columns"]["AGE"]["bin"] == MISSING  # the 2% missing ages are the largest shift
    assert not res.success and [e["index"] for e in res.failed] == [0]  # the 2% nulls fail not-null


def test_freshness_as_of_and_gx_version_warning(tmp_path):
    (tmp_path / "data").mkdir()
    pd.DataFrame({"a": [1, 2]}).to_csv(tmp_path / "data" / "d.csv", index=False)
    os.utime(tmp_path / "data" / "d.csv", (1_700_000_000, 1_700_000_000))  # 2023-11-14
    _contract(
        tmp_path,
        "old",
        "  path: data/d.csv",
        json.dumps(
            {"name": "old", "expectations": NOT_NULL_A, "meta": {"great_expectations_version": "1.0.0"}}
        ),
        extra="freshness: {max_age_days: 30}\n",
    )
    res = validate(tmp_path / "data_contracts" / "old.contract.yaml", as_of=date(2024, 1, 1))
    f = res.dimensions["freshness"]
    assert f["value"] == 48 and f["status"] == "amber" and f["source"] == "file modification time"
    assert any("written by Great Expectations 1.0.0" in w for w in res.warnings)
    with pytest.raises(PeriodError):
        validate(tmp_path / "data_contracts" / "old.contract.yaml", period="2024q9")


def test_library_errors_are_govreport_errors(tmp_path):
    path = _contract(tmp_path, "x", "  path: data/none.csv", NOT_NULL_A)
    with pytest.raises(DataError, match="dataset not found"):
        validate(path)
    with pytest.raises(DataError, match="the DataFrame has no rows"):
        validate(path, data=pd.DataFrame({"a": []}))
