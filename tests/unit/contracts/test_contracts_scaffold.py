"""A scaffolded suite passes the very data it was made from (issue 20).

The property: for any data frame, ``scaffold`` → ``validate`` on the same data passes every expectation,
completeness and validity are green (validity "not assessed" only when every column is empty: there is
no value to describe), and uniqueness is green with a key, "not assessed" without one. Checked with
Hypothesis over generated frames (numbers, categories, free and Chinese text, dates, nulls, mixed types,
identifiers, rare categories, columns named like personal data whose values are not, frames larger than
the scaffold's format sample), on the UCI credit-card set, and on the two reported cases. Plus the
dimension scores' tolerance rule on its own.

Great Expectations is imported once for the module (≈6 s); each example scaffolds and validates in well
under a second, so the property runs in the fast suite on 20 fixed examples (≈ 30 s); set
``GOVREPORT_HYPOTHESIS_EXAMPLES=500`` for a longer, random search.
"""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport.cli.contracts import contracts
from govreport.contracts import load_contract, scaffold, validate, write_scaffold
from govreport.contracts._dimensions import expectation_dimension, expectation_score, indicators_for
from govreport.contracts._scaffold import tolerance
from govreport.core.status import Threshold
from govreport.data.masking import find_identifiers

#: A fixed set of examples in the suite (reproducible); a longer, random search when a number is given.
EXAMPLES = int(os.environ.get("GOVREPORT_HYPOTHESIS_EXAMPLES", "20"))
RANDOM = "GOVREPORT_HYPOTHESIS_EXAMPLES" in os.environ
SAMPLE = 40  # the scaffold's format sample in the property: many generated frames are larger


def _check_passes_its_source(df: pd.DataFrame, folder: Path, *, sample: int = SAMPLE) -> dict:
    sc = scaffold(df, "prop", data_path="data.csv", sample=sample)
    _, cp = write_scaffold(folder, sc, force=True)
    res = validate(load_contract(cp), data=df)
    d = res.to_dict()
    failed = [
        (e["type"], e["column"], e["kwargs"], e.get("observed_value"), e.get("error")) for e in res.failed
    ]
    assert res.success, failed
    dims = d["dimensions"]
    assert dims["completeness"]["status"] == "green", dims["completeness"]
    if df.notna().to_numpy().any():
        assert dims["validity"]["status"] == "green", dims["validity"]
    else:  # nothing but empty columns: no value to describe
        assert dims["validity"]["status"] == "not_assessed" and dims["validity"]["expectations"] == 0
    assert dims["uniqueness"]["status"] in ("green", "not_assessed"), dims["uniqueness"]
    assert (dims["uniqueness"]["status"] == "green") == bool(sc.keys)
    return d


# -- generated frames ---------------------------------------------------------------------------------------
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_WORD = st.text(st.sampled_from(string.ascii_letters + " -/") | _CJK, min_size=1, max_size=12)
_NAMES = [
    "amount",
    "客戶類別",
    "telephone",
    "email",
    "national_id",
    "applied_date",
    "note",
    "customer_id",
    "score",
    "電話",
    "status",
    "mobile",
    "年齡",
    "flag",
    "mixed",
    "gender",
    "region",
    "birth_date",
]


@st.composite
def _column(draw: st.DrawFn, n: int, name: str) -> pd.Series:
    kind = draw(
        st.sampled_from(
            [
                "int",
                "float",
                "category",
                "rare",
                "text",
                "chinese",
                "date",
                "date_text",
                "mixed",
                "identifier",
                "int_id",
                "bool",
                "phone",
                "big",
            ]
        )
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "int":
        lo = draw(st.integers(-(10**6), 10**6))
        values = pd.Series(rng.integers(lo, lo + draw(st.integers(1, 10**6)), n))
    elif kind == "big":  # bounds that a readable rounding must not cut
        values = pd.Series(rng.choice([2**62 + 1, -(2**62) - 3, 7, 1e-12, 3.5e300, -1e-300], n))
    elif kind == "float":
        values = pd.Series(rng.normal(draw(st.floats(-1e6, 1e6)), draw(st.floats(0.001, 1e5)), n))
        if draw(st.booleans()):
            values.iloc[0] = draw(st.sampled_from([np.inf, -np.inf, 0.0]))
    elif kind in ("category", "rare", "chinese"):
        cats = draw(
            st.lists(
                _WORD if kind != "chinese" else st.text(_CJK, min_size=1, max_size=4),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        values = pd.Series(rng.choice(cats, n), dtype=object)
        if kind == "rare":  # one value seen once, anywhere (likely outside a sample)
            values.iloc[int(rng.integers(n))] = "rare-" + draw(_WORD)
    elif kind == "text":
        values = pd.Series(
            [
                draw(st.text(min_size=0, max_size=30, alphabet=st.characters(blacklist_categories=("Cs",))))
                for _ in range(min(n, 20))
            ]
            * (n // min(n, 20) + 1)
        )[:n]
    elif kind == "date":
        values = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D"))
    elif kind == "date_text":
        fmt = draw(st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y"]))
        values = pd.Series(
            (pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")).strftime(fmt),
            dtype=object,
        )
    elif kind == "mixed":
        values = pd.Series(
            [draw(st.sampled_from([1, "a", 2.5, "二", True, 10**12])) for _ in range(min(n, 8))]
            * (n // min(n, 8) + 1),
            dtype=object,
        )[:n]
    elif kind == "identifier":
        values = pd.Series([f"C{i:07d}" for i in rng.permutation(10 * n)[:n]], dtype=object)
    elif kind == "int_id":
        values = pd.Series(rng.permutation(10 * n)[:n] + 10**9)
    elif kind == "bool":
        values = pd.Series(rng.random(n) < 0.3)
    else:  # Taiwan mobile numbers, a few malformed
        values = pd.Series(
            [f"09{rng.integers(10**7, 10**8)}" if rng.random() > 0.03 else "unknown" for _ in range(n)],
            dtype=object,
        )
    values = values.reset_index(drop=True)
    null_share = draw(st.sampled_from([0.0, 0.0, 0.02, 0.16, 0.5, 1.0]))
    if null_share and kind not in ("identifier", "int_id"):
        k = max(1, int(null_share * n))
        values = values.astype(object) if kind in ("int", "bool", "big") else values
        values.iloc[rng.choice(n, min(k, n), replace=False)] = None
    return values.rename(name)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.sampled_from([2, 5, 12, 30, 80, 250]))
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=6, unique=True))
    return pd.DataFrame({name: draw(_column(n, name)) for name in names})


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(df=frames())
def test_a_scaffolded_suite_passes_the_frame_it_was_made_from(df, tmp_path):
    _check_passes_its_source(df, tmp_path / "data_contracts")


# -- the two reported cases, on synthetic data of the same shape, through the command line -------------------
def _cli(*args: str):
    return CliRunner().invoke(contracts, list(args))


def _german_like(n: int = 700, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "checking_status": rng.choice(["<0", "0<=X<200", ">=200", "no checking"], n),
            "duration": rng.integers(4, 72, n),
            "credit_amount": rng.integers(250, 18_000, n),
            "purpose": rng.choice(["radio/tv", "education", "new car", "used car", "business"], n),
            "age": rng.integers(19, 75, n),
            "telephone": rng.choice(["none", "yes, registered under the customer's name"], n, p=[0.6, 0.4]),
            "class": rng.choice(["good", "bad"], n, p=[0.7, 0.3]),
        }
    )


def _scaffold_then_validate(tmp_path: Path, df: pd.DataFrame, name: str) -> tuple[str, dict, dict]:
    (tmp_path / "data").mkdir(exist_ok=True)
    df.to_csv(tmp_path / "data" / f"{name}.csv", index=False)
    r = _cli("scaffold", str(tmp_path / "data" / f"{name}.csv"), "--name", name, "-w", str(tmp_path))
    assert r.exit_code == 0, r.output
    v = _cli("validate", name, "-w", str(tmp_path), "--json")
    assert v.exit_code == 0, v.output
    suite = json.loads((tmp_path / "data_contracts" / f"{name}.suite.json").read_text(encoding="utf-8"))
    return r.output, json.loads(v.stdout), suite


def test_a_telephone_column_of_categories_gets_its_categories_not_a_phone_format(tmp_path):
    out, d, suite = _scaffold_then_validate(tmp_path, _german_like(), "x_training")
    tel = [e for e in suite["expectations"] if e["kwargs"].get("column") == "telephone"]
    assert {e["type"] for e in tel} == {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_be_in_set",
    }
    assert next(e for e in tel if "value_set" in e["kwargs"])["kwargs"]["value_set"] == [
        "none",
        "yes, registered under the customer's name",
    ]
    assert d["success"] and d["dimensions"]["validity"] == {
        **d["dimensions"]["validity"],
        "value": 1.0,
        "status": "green",
    }
    # the masking guess is unchanged: still personal data, masked, to confirm
    contract = yaml.safe_load(
        (tmp_path / "data_contracts" / "x_training.contract.yaml").read_text(encoding="utf-8")
    )
    assert contract["personal_data"] == [
        {"column": "telephone", "kind": "phone", "purpose": "", "confirmed": False}
    ]
    assert "telephone" in d["personal_data"]
    # the contract and the console say why: the name suggested a format the values do not have
    text = (tmp_path / "data_contracts" / "x_training.contract.yaml").read_text(encoding="utf-8")
    assert (
        "[by name  ] telephone: format of a phone number not written (0.0 % of 700 sampled values match"
        in text
    )
    names, values = out.split("guessed from the values:")
    assert "guessed from column names:" in names and "    telephone: personal data (phone), masked\n" in names
    assert "telephone: format of a phone number not written (0.0 % of 700 sampled values match" in names
    assert "telephone: category set of 2" in values and "credit_amount: range" in values
    assert "age: Art. 6 attribute (age)" in names


def test_a_column_with_16_percent_nulls_is_green_on_its_own_source(tmp_path):
    df = _german_like()
    df.loc[np.random.default_rng(5).choice(len(df), 112, replace=False), "credit_amount"] = None  # 16 %
    out, d, suite = _scaffold_then_validate(tmp_path, df, "x_gaps")
    nn = next(
        e
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_not_be_null" and e["kwargs"]["column"] == "credit_amount"
    )
    assert nn["kwargs"]["mostly"] == tolerance(0.16) == 0.68  # 1 − 2 × 16 %: the stated margin
    c = d["dimensions"]["completeness"]
    assert d["success"] and c["status"] == "green" and c["value"] == 1.0 and c["failed"] == 0
    assert c["pass_share"] == pytest.approx(0.84)  # the raw share stays visible
    assert "credit_amount: not-null with mostly 0.68 (16.0 % of 700 rows empty)" in out
    # the same suite on data outside its tolerance is not green: amber just beyond it, red far beyond
    contract = load_contract(tmp_path / "data_contracts" / "x_gaps.contract.yaml")
    for extra_nulls, status in ((115, "amber"), (300, "red")):  # 115: 0.4 pt beyond
        worse = df.copy()
        worse.loc[worse.index[worse["credit_amount"].notna()][:extra_nulls], "credit_amount"] = None
        empty = worse["credit_amount"].isna().mean()
        res = validate(contract, data=worse)
        c = res.to_dict()["dimensions"]["completeness"]
        assert not res.success and c["status"] == status, (empty, c)
        assert c["value"] == pytest.approx(1 - (empty - 0.32), abs=1e-6)


def test_values_back_a_name_guessed_format_and_the_evidence_is_noted(tmp_path):
    rng = np.random.default_rng(7)
    n = 500
    df = pd.DataFrame(
        {
            "mobile": [f"09{rng.integers(10**7, 10**8)}" for _ in range(n)],
            "email": [
                f"user{i}@mail.example.com" if i % 40 else "not given" for i in range(n)
            ],  # 97.4 % match
            "applied_date": pd.Series(
                pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
            ).dt.strftime("%Y/%m/%d"),
        }
    )
    df.loc[3, "mobile"] = "not given"
    out, d, suite = _scaffold_then_validate(tmp_path, df, "fmt")
    regex = {
        e["kwargs"]["column"]: e
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_match_regex"
    }
    assert set(regex) == {"mobile", "email", "applied_date"}
    assert regex["email"]["kwargs"]["mostly"] == tolerance(13 / 500) == 0.948
    assert regex["applied_date"]["kwargs"]["regex"] == r"^\d{4}/\d{1,2}/\d{1,2}"
    assert "97.4 % of 500 sampled values match an e-mail address" in regex["email"]["meta"]["scaffold"]
    text = (tmp_path / "data_contracts" / "fmt.contract.yaml").read_text(encoding="utf-8")
    assert (
        "[by values] email: format of an e-mail address, mostly 0.948 (97.4 % of 500 sampled values" in text
    )
    assert not find_identifiers(text) and not find_identifiers(out)  # the evidence holds no personal value
    assert d["success"] and d["dimensions"]["validity"]["status"] == "green"
    # personal values never enter the suite: no value set on mobile / email
    assert not [
        e
        for e in suite["expectations"]
        if e["kwargs"].get("column") in ("mobile", "email") and "value_set" in e["kwargs"]
    ]


def test_whole_file_facts_a_rare_category_and_an_outlier_beyond_the_sample(tmp_path):
    rng = np.random.default_rng(11)
    n = 20_000
    df = pd.DataFrame({"region": rng.choice(["北", "中", "南"], n), "balance": rng.integers(0, 50_000, n)})
    df.loc[12_345, "region"] = "離島"  # one row in 20,000
    df.loc[17_777, "balance"] = 9_000_000
    sc = scaffold(df, "rare", data_path="d.csv", sample=1000)
    exps = {
        e["kwargs"].get("column"): e
        for e in sc.suite["expectations"]
        if e["type"] in ("expect_column_values_to_be_in_set", "expect_column_values_to_be_between")
    }
    assert "離島" in exps["region"]["kwargs"]["value_set"]
    assert exps["balance"]["kwargs"]["max_value"] >= 9_000_000
    assert sc.sampled == 1000 and sc.rows == n
    _check_passes_its_source(df, tmp_path / "data_contracts", sample=1000)


def test_personal_numbers_are_read_as_text_by_scaffold_as_by_validate(tmp_path):
    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        {
            "mobile": [f"09{rng.integers(10**7, 10**8)}" for _ in range(300)],
            "amount": rng.integers(1, 100, 300),
        }
    )
    _, d, suite = _scaffold_then_validate(tmp_path, df, "lead_zero")  # read as int, the zero would be lost
    assert {"expect_column_values_to_be_of_type", "expect_column_values_to_match_regex"} <= {
        e["type"] for e in suite["expectations"] if e["kwargs"].get("column") == "mobile"
    }
    assert d["success"]


def test_the_uci_credit_card_set_passes_its_own_scaffold(credit_csv, tmp_path):
    out, d, suite = _scaffold_then_validate_file(tmp_path, credit_csv, "uci")
    dims = d["dimensions"]
    assert d["success"] and d["rows"] == 30_000
    assert (
        dims["completeness"]["status"]
        == dims["validity"]["status"]
        == dims["uniqueness"]["status"]
        == "green"
    )
    sets = {
        e["kwargs"]["column"]: e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
    }
    assert sets["EDUCATION"] == [0, 1, 2, 3, 4, 5, 6] and sets["MARRIAGE"] == [
        0,
        1,
        2,
        3,
    ]  # rare codes included
    assert "ID: the key (unique in all 30,000 rows, and named like an identifier)" in out


def _scaffold_then_validate_file(tmp_path: Path, path: Path, name: str) -> tuple[str, dict, dict]:
    r = _cli("scaffold", str(path), "--name", name, "-w", str(tmp_path), "--sample", "2000")
    assert r.exit_code == 0, r.output
    v = _cli("validate", name, "-w", str(tmp_path), "--json")
    assert v.exit_code == 0, v.output
    suite = json.loads((tmp_path / "data_contracts" / f"{name}.suite.json").read_text(encoding="utf-8"))
    return r.output, json.loads(v.stdout), suite


# -- the scores: tolerance-aware, never green outside the tolerance ------------------------------------------
def _entry(unexpected_pct: float | None, success: bool, mostly: float | None = None, **kw) -> dict:
    kwargs = {"column": "a", **({"mostly": mostly} if mostly is not None else {})}
    return {
        "type": "expect_column_values_to_not_be_null",
        "column": "a",
        "index": 0,
        "kwargs": kwargs,
        "dimension": "completeness",
        "success": success,
        "unexpected_percent": unexpected_pct,
        **kw,
    }


@pytest.mark.parametrize(
    ("entry", "score"),
    [
        (_entry(16.0, True, 0.68), 1.0),  # within the suite's tolerance
        (_entry(40.0, False, 0.68), 1 - 0.08),  # 8 points beyond it
        (_entry(0.5, False), 0.995),  # no tolerance: the plain pass share
        (_entry(None, False), 0.0),  # a whole-table expectation that failed
        (_entry(None, True), 1.0),
        (_entry(0.0, False, error="boom"), 0.0),  # an error counts 0
    ],
)
def test_expectation_score(entry, score):
    assert expectation_score(entry) == pytest.approx(score)


def test_a_dimension_with_a_failed_expectation_is_never_green():
    th = Threshold("higher", 0.99, 0.95)
    dims = {
        "completeness": expectation_dimension("completeness", [_entry(0.5, False)], th),
        "validity": expectation_dimension("validity", [], th),
        "uniqueness": expectation_dimension("uniqueness", [], th),
        "freshness": {"value": None, "unit": "days", "_threshold": None},
        "representativeness": {"value": None, "unit": "PSI", "_threshold": None},
    }
    ind = {i.id.rsplit(".", 1)[1]: i for i in indicators_for("c", dims)}
    assert (
        dims["completeness"]["value"] == pytest.approx(0.995) and ind["completeness"].status.value == "amber"
    )
    assert "outside the suite's tolerance" in dims["completeness"]["note"]
    assert ind["validity"].status.value == "not_assessed"


def test_scaffold_proposes_labels_for_a_few_integer_codes_on_the_uci_set(credit_csv, tmp_path):
    """Issue 17: columns with a few integer codes (SEX 1–2, EDUCATION 0–6, MARRIAGE 0–3, DEFAULT 0–1) get a
    `columns:` block of placeholder names, commented so the data engineer fills them in; `lint` warns until
    they do; the filled-in names reach the validation result. AGE (56 values), LIMIT_BAL, the ID key and
    PAY_0 (11 codes, not an Art. 6 attribute) get none."""
    import yaml

    from govreport.contracts import lint, load_contract

    r = _cli("scaffold", str(credit_csv), "--name", "uci", "-w", str(tmp_path), "--sample", "2000")
    assert r.exit_code == 0, r.output
    path = tmp_path / "data_contracts" / "uci.contract.yaml"
    text = path.read_text(encoding="utf-8")
    assert "FILL IN each name in Chinese and English" in text
    cols = load_contract(path).contract.columns
    assert set(cols) == {"SEX", "EDUCATION", "MARRIAGE", "DEFAULT"}
    assert list(cols["EDUCATION"].values) == ["0", "1", "2", "3", "4", "5", "6"]
    assert (cols["SEX"].label.zh, cols["SEX"].label.en) == ("性別", "Sex")  # a name to start from (Art. 6)
    assert cols["EDUCATION"].label.zh == "EDUCATION" and cols["MARRIAGE"].values["3"].en == "3"
    warned = {i.field for i in lint(tmp_path / "data_contracts", root=tmp_path) if "placeholder" in i.message}
    assert warned == {"columns.SEX", "columns.EDUCATION", "columns.MARRIAGE", "columns.DEFAULT"}
    # the data engineer fills in SEX: lint stops warning about it, and validation carries the names
    data = yaml.safe_load(text)
    data["columns"]["SEX"]["values"] = {1: {"zh": "男", "en": "Male"}, 2: {"zh": "女", "en": "Female"}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    warned = {i.field for i in lint(tmp_path / "data_contracts", root=tmp_path) if "placeholder" in i.message}
    assert "columns.SEX" not in warned and "columns.EDUCATION" in warned
    v = _cli("validate", "uci", "-w", str(tmp_path), "--json")
    assert v.exit_code == 0, v.output
    assert json.loads(v.stdout)["column_labels"]["SEX"]["values"]["2"] == {"zh": "女", "en": "Female"}
