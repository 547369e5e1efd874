"""The contract file, the suite file and the data loader: errors are one line naming the file, the line
or column, and the fix. Nothing here imports Great Expectations (fast)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from govreport.contracts import load_contract, read_suite
from govreport.contracts._model import DatasetSource
from govreport.data.read import read_dataset, read_header
from govreport.errors import ContractError, DataError

GOOD = """\
name: loans
description: 房貸申請 mortgage applications
dataset:
  path: "data/loans_{period}.csv"
  encoding: cp950
  delimiter: ";"
personal_data:
  - customer_id
  - {column: phone, kind: phone, purpose: 聯絡客戶 contact, confirmed: false}
protected_attributes:
  - {column: SEX, attribute: sex, used_as_feature: false}
  - AGE
keys: [loan_id]
freshness: {column: applied_at, max_age_days: 31}
representativeness:
  reference: {path: data/training.parquet}
  columns: [SEX, AGE]
thresholds:
  completeness: {green: 0.98, red: 0.9}
  freshness: {green: 31, red: 45}
"""


def _write(tmp_path: Path, text: str, name: str = "loans") -> Path:
    p = tmp_path / "data_contracts" / f"{name}.contract.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_full_contract_loads(tmp_path):
    cf = load_contract(_write(tmp_path, GOOD))
    c = cf.contract
    assert cf.suite_path == tmp_path / "data_contracts" / "loans.suite.json"  # default suite file name
    assert cf.default_root == tmp_path.resolve()
    assert c.dataset.encoding == "cp950" and c.dataset.delimiter == ";" and not c.dataset.is_sql
    assert c.personal_columns == ["customer_id", "phone"]
    assert c.personal_data[0].confirmed and not c.personal_data[1].confirmed
    assert c.protected_columns == ["SEX", "AGE"] and c.protected_attributes[0].attribute == "sex"
    t = c.threshold("completeness")
    assert (t.green, t.red, t.better, t.source) == (0.98, 0.9, "higher", "contract thresholds")
    assert c.threshold("validity").green == 0.99  # the guide's default
    f = c.threshold("freshness")
    assert (f.green, f.red, f.better) == (31, 45, "lower")
    assert c.threshold("representativeness").green == 0.10


def test_sql_dataset(tmp_path):
    c = load_contract(
        _write(tmp_path, "name: loans\ndataset: {url_env: BANK_DB, table: loans, schema_name: risk}\n")
    )
    assert c.contract.dataset.is_sql and c.contract.freshness is None


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (
            GOOD.replace('  delimiter: ";"\n', '  delimiter: ";"\n  sheet: 1\n'),
            7,
            "dataset.sheet",
            "unknown field",
        ),
        (GOOD.replace("cp950", "big-five"), 5, "dataset.encoding", "unknown encoding 'big-five'"),
        (GOOD.replace('delimiter: ";"', 'delimiter: ";;"'), 6, "dataset.delimiter", "one character"),
        (
            GOOD.replace("{green: 0.98, red: 0.9}", "{green: 0.9, red: 0.98}"),
            19,
            "thresholds.completeness",
            "higher is better here: the red line (0.98) must be at or below the green line (0.9)",
        ),
        (
            GOOD.replace("green: 31, red: 45", "green: 31, red: 20"),
            20,
            "thresholds.freshness",
            "lower is better",
        ),
        (GOOD.replace("completeness:", "accuracy:"), 19, "thresholds.accuracy", "unknown field"),
        (GOOD.replace("max_age_days: 31", "max_age_days: 0"), 14, "freshness.max_age_days", "greater than 0"),
        (
            GOOD.replace("attribute: sex", "attribute: gender"),
            11,
            "protected_attributes.0.attribute",
            "Input should be",
        ),
        (GOOD.replace("  - AGE\n", "  - SEX\n"), 10, "protected_attributes", "column 'SEX' is listed twice"),
        (GOOD.replace("keys: [loan_id]", "keys: [a, a]"), 13, "keys", "column 'a' is listed twice"),
        (
            "name: loans\ndataset: {path: a.csv, url: 'sqlite:///x.db', table: t}\n",
            2,
            "dataset",
            "either `path`",
        ),
        ("name: loans\ndataset: {url: 'sqlite:///x.db'}\n", 2, "dataset", "needs `table`"),
        ("name: loans\ndataset: {path: a.csv, table: t}\n", 2, "dataset", "for SQL datasets"),
        (
            "name: loans\ndataset: {path: a.csv}\nsuite: ../x.json\n",
            3,
            "suite",
            "file name beside the contract",
        ),
        ("name: other\ndataset: {path: a.csv}\n", None, "name", "does not match the file name"),
        ("name: loans\n", 1, "dataset", "required field is missing"),
        ("name: loans\ndataset: [\n", 3, None, "malformed YAML"),
        ("", None, None, "file is empty"),
    ],
)
def test_contract_errors_name_file_line_and_field(tmp_path, text, line, field, message):
    p = _write(tmp_path, text)
    with pytest.raises(ContractError) as ei:
        load_contract(p)
    e = ei.value
    assert message in str(e) and e.file == str(p) and "\n" not in str(e) and e.fix
    assert e.exit_code == 2
    if line is not None:
        assert e.line == line, str(e)
    if field is not None:
        assert e.field == field, str(e)


def test_suite_read_errors(tmp_path):
    p = tmp_path / "s.suite.json"
    p.write_text('{\n  "name": "s",\n  "expectations": [\n    {"type": "x",}\n  ]\n}\n')
    with pytest.raises(ContractError, match=r"malformed suite JSON") as ei:
        read_suite(p)
    assert ei.value.line == 4 and ei.value.file == str(p)
    p.write_text(
        json.dumps(
            {
                "expectation_suite_name": "s",
                "expectations": [
                    {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}
                ],
            }
        )
    )
    with pytest.raises(ContractError, match=r"0\.x format .* rename expectation_suite_name to name"):
        read_suite(p)
    p.write_text("[]")
    with pytest.raises(ContractError, match="not a Great Expectations suite"):
        read_suite(p)
    with pytest.raises(ContractError, match="suite file not found"):
        read_suite(tmp_path / "missing.suite.json")


def test_suite_lines_and_columns(tmp_path):
    p = tmp_path / "s.suite.json"
    p.write_text(
        json.dumps(
            {
                "name": "s",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
                    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["b", "c"]}},
                    {"type": "expect_table_columns_to_match_set", "kwargs": {"column_set": ["z"]}},
                ],
                "meta": {"great_expectations_version": "1.0.0"},
            },
            indent=2,
        )
    )
    sf = read_suite(p)
    assert sf.columns() == ["a", "b", "c"] and sf.gx_version == "1.0.0" and len(sf.sha256) == 64
    assert sf.lines == [5, 11, 20]


# -- the loader ----------------------------------------------------------------------------------------------
def _csv(tmp_path: Path, content: bytes, name: str = "d.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(content)
    return p


@pytest.mark.parametrize(
    ("content", "src", "message", "fix"),
    [
        (b"", {}, "the file is empty", "export"),
        (b"\xef\xbb\xbf\n\n", {}, "the file is empty", "export"),
        (b"a,b\r\n", {}, "the file has a header but no rows", "export"),
        ("客戶,城市\n王小明,台北\n".encode("cp950"), {}, "looks like Big5/CP950", "add `encoding: cp950`"),
        (b"a,b\n\xff\xfe\x00\x01\n", {}, "the file is not UTF-8 text", "encoding"),
        (
            "客戶,城市\n王小明,台北\n".encode(),
            {"encoding": "cp950"},
            "says encoding cp950, but the file is UTF-8",
            "remove `encoding:`",
        ),
        (b"a;b;c\n1;2;3\n", {}, "looks separated by ';', not ','", 'add `delimiter: ";"`'),
        (b"a\tb\n1\t2\n", {}, "looks separated by '\\t'", 'add `delimiter: "\\t"`'),
        (b"a,b\n1,2\n", {"delimiter": ";"}, "looks separated by ','", 'add `delimiter: ","`'),
        (b"a,b,a\n1,2,3\n", {}, "duplicate column name(s) a", "rename the repeated columns"),
        (b"\na,b\n1,2\n", {}, "the first line is empty", "blank lines"),
        (b"a,b\n1,2\n3,4,5,6\n", {}, "cannot parse the file as CSV", "delimiter, quoting"),
    ],
)
def test_loader_errors(tmp_path, content, src, message, fix):
    p = _csv(tmp_path, content)
    with pytest.raises(DataError) as ei:
        read_dataset(p, DatasetSource(path=str(p), **src))
    text = str(ei.value)
    assert message in text and fix in text and str(p) in text and "\n" not in text
    assert ei.value.exit_code == 2


def test_loader_fix_names_the_command_line_option(tmp_path):
    p = _csv(tmp_path, "客戶,城市\n王小明,台北\n".encode("cp950"))
    with pytest.raises(DataError, match="pass --encoding cp950"):
        read_dataset(p, via="option")


def test_big5_is_read_when_declared(tmp_path):
    p = _csv(tmp_path, "客戶編號,城市,手機\nC1,台北,0912345678\nC2,高雄,0987654321\n".encode("cp950"))
    df = read_dataset(p, DatasetSource(path=str(p), encoding="cp950"), text_columns=["手機"])
    assert list(df.columns) == ["客戶編號", "城市", "手機"] and df["城市"].tolist() == ["台北", "高雄"]
    assert df["手機"].tolist() == ["0912345678", "0987654321"]  # personal data read as text: leading 0 kept
    assert read_header(p, DatasetSource(path=str(p), encoding="cp950")) == ["客戶編號", "城市", "手機"]


def test_utf8_bom_semicolons_tsv_parquet_jsonl(tmp_path):
    p = _csv(tmp_path, "\ufeffID,名稱\n1,甲\n".encode())
    assert list(read_dataset(p).columns) == ["ID", "名稱"]  # the BOM is not part of the first column name
    p = _csv(tmp_path, b"a;b\n1;2\n")
    assert read_dataset(p, DatasetSource(path=str(p), delimiter=";")).shape == (1, 2)
    p = _csv(tmp_path, b"a\tb\n1\t2\n", "d.tsv")
    assert read_dataset(p).shape == (1, 2)
    pq = tmp_path / "d.parquet"
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(pq)
    assert list(read_dataset(pq).columns) == ["a", "b"] and read_header(pq) == ["a", "b"]
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_dataset(tmp_path / "bad.parquet")
    jl = tmp_path / "d.jsonl"
    jl.write_text('{"a": 1, "t": "x"}\n{"a": 2, "t": "y"}\n', encoding="utf-8")
    assert read_dataset(jl).shape == (2, 2) and read_header(jl) == ["a", "t"]
    with pytest.raises(DataError, match="dataset not found"):
        read_dataset(tmp_path / "nope.csv")


def test_importing_contracts_and_cli_help_do_not_import_great_expectations():
    code = (
        "import sys, govreport.contracts, govreport.cli.contracts, govreport.data.masking; "
        "from govreport.cli import cli; from click.testing import CliRunner; "
        "r = CliRunner().invoke(cli, ['contracts', '--help']); assert r.exit_code == 0, r.output; "
        "assert 'scaffold' in r.output; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


# -- Art. 6 attributes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "values", "category"),
    [
        ("SEX", [1, 2, 1], "sex"),
        ("Gender", ["M", "F"], "sex"),
        ("性別", ["男", "女"], "sex"),
        ("c1", ["男", "女", "男"], "sex"),  # by content
        ("c2", ["M", "F", "F"], "sex"),
        ("AGE", [30, 40], "age"),
        ("CustomerAge", [30, 40], "age"),
        ("年齡", [30, 40], "age"),
        ("age_band", ["25-34", "35-44"], "age"),
        ("date_of_birth", ["1980-01-01"], "birth_date"),
        ("DOB", ["1980-01-01"], "birth_date"),
        ("出生日期", ["1980-01-01"], "birth_date"),
        (
            "c3",
            [f"19{y}-0{m}-1{m}" for y in range(55, 95, 3) for m in range(1, 4)],
            "birth_date",
        ),  # by content
        ("Nationality", ["TW"], "nationality"),
        ("國籍", ["本國"], "nationality"),
        ("c4", ["TW", "VN", "PH", "TW", "ID"], "nationality"),  # by content
        ("MARRIAGE", [1, 2, 3], "marital_status"),
        ("婚姻狀況", ["已婚"], "marital_status"),
        ("c5", ["已婚", "未婚", "離婚"], "marital_status"),  # by content
        ("c6", ["married", "single"], "marital_status"),
        ("ethnic_group", ["x"], "ethnicity"),
        ("原住民身分", ["是", "否"], "ethnicity"),
        ("disability_flag", [0, 1], "disability"),
        ("身心障礙", ["是"], "disability"),
        ("health_condition", ["x"], "health"),
        ("height_cm", [170.0], "physical"),
        ("出生地", ["台北"], "birthplace"),
        ("residence_city", ["台北"], "residence"),
        ("戶籍地", ["台北"], "residence"),
        ("religion", ["x"], "religion"),
    ],
)
def test_art6_attributes_by_name_and_content(name, values, category):
    from govreport.contracts import detect_protected_attribute

    assert detect_protected_attribute(pd.Series(values, name=name)) == category


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("page", [1, 2]),
        ("usage", [1, 2]),
        ("message", ["hi"]),
        ("national_id", ["A123456789"]),
        ("average_balance", [1.0]),
        ("LIMIT_BAL", [10000, 20000]),
        ("channel", ["web", "app"]),
        ("applied_at", ["2026-06-01", "2026-06-02"]),  # recent dates are not birth dates
        ("code", [1, 2, 1]),
    ],
)
def test_not_art6_attributes(name, values):
    from govreport.contracts import detect_protected_attribute

    assert detect_protected_attribute(pd.Series(values, name=name)) is None
