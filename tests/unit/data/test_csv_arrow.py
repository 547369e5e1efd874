"""The compact CSV reader (issue 22): the values ``pandas.read_csv`` gives, integers narrower, only the
columns asked for, and a one-line error for a file it cannot read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govreport.data.csv_arrow import narrowest_int, read_csv_compact
from govreport.errors import DataError
from govreport.run.context import read_dataset

ROWS = 3000


def _tricky(path: Path, *, encoding: str = "utf-8") -> Path:
    """Codes, amounts, a 64-bit id, nulls of every spelling pandas knows, booleans, dates, text with commas
    and quotes, an all-empty column, and a column of whole numbers that turns fractional in the last row."""
    rng = np.random.default_rng(7)
    df = pd.DataFrame(
        {
            "code": rng.integers(1, 5, ROWS),
            "neg": rng.integers(-200, 100, ROWS),
            "amount": rng.integers(-3_000_000, 3_000_000, ROWS),
            "big": rng.integers(0, 2**62, ROWS, dtype=np.int64),
            "score": rng.random(ROWS),
            "flag": rng.choice(["True", "False"], ROWS),
            "when": pd.date_range("2026-07-01", periods=ROWS, freq="h").strftime("%Y-%m-%d"),
            "name": rng.choice(["王小明", 'a, "quoted"', "b"], ROWS),
            "empty": [""] * ROWS,
            "late_float": [*rng.integers(0, 9, ROWS - 1).astype(str), "1.5"],
        }
    )
    text = df.to_csv(index=False)
    lines = text.splitlines()
    for i, na in zip(range(5, 5 + 7), ["NA", "null", "None", "", "<NA>", "NaN", "n/a"], strict=True):
        cells = lines[i].split(",")
        cells[1] = na  # 'neg': an integer column with missing cells reads as float64 with NaN
        lines[i] = ",".join(cells)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _pandas(path: Path, **kw: object) -> pd.DataFrame:
    """``pandas.read_csv`` with correctly rounded floats, as pyarrow parses them (pandas 3's default; pandas
    2.2's default parser can be one unit in the last place off)."""
    if int(pd.__version__.split(".", 1)[0]) >= 3:  # pandas 3 parses exactly and deprecates the option
        return pd.read_csv(path, **kw)  # type: ignore[call-overload]
    return pd.read_csv(path, float_precision="round_trip", **kw)  # type: ignore[call-overload]


def _same_values(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c], b[c]
        if x.dtype.kind in "iu":
            assert y.dtype.kind == "i" and y.dtype.itemsize <= x.dtype.itemsize, c
            assert np.array_equal(x.to_numpy(), y.to_numpy().astype(x.dtype)), c
        elif x.dtype.kind in "fb":
            assert y.dtype == x.dtype, c
            assert np.array_equal(x.to_numpy(), y.to_numpy(), equal_nan=True), c
        else:
            assert y.dtype == x.dtype, c
            assert x.isna().equals(y.isna()) and (x[x.notna()] == y[y.notna()]).all(), c


@pytest.mark.parametrize("block", [1 << 12, 1 << 26])  # many blocks (types widened mid-stream), one block
def test_values_are_those_of_pandas_read_csv(tmp_path: Path, block: int) -> None:
    path = _tricky(tmp_path / "s.csv")
    expected = _pandas(path)
    got = read_csv_compact(path, block_size=block)
    _same_values(expected, got)
    assert str(got["code"].dtype) == "int8" and str(got["amount"].dtype) == "int32"
    assert str(got["big"].dtype) == "int64"
    assert got["neg"].dtype == np.float64 and got["neg"].isna().sum() == 7
    assert got["late_float"].dtype == np.float64 and got["late_float"].iloc[-1] == 1.5
    assert got["when"].iloc[0] == "2026-07-01"  # dates stay text, as pandas reads them
    assert got["empty"].dtype == np.float64 and got["empty"].isna().all()


def test_only_the_columns_asked_for_in_the_files_order(tmp_path: Path) -> None:
    path = _tricky(tmp_path / "s.csv")
    got = read_csv_compact(path, columns=["score", "code", "absent"])
    assert list(got.columns) == ["code", "score"]
    _same_values(_pandas(path, usecols=["code", "score"]), got)
    # the runner's reader keeps its contract: the wanted columns the file has, the file's order
    assert list(read_dataset(path, columns=["name", "code"]).columns) == ["code", "name"]


def test_bom_and_big5(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfa,b\n1,x\n2,y\n")
    got = read_csv_compact(bom)
    assert list(got.columns) == ["a", "b"] and got["a"].tolist() == [1, 2]
    big5 = _tricky(tmp_path / "big5.csv", encoding="cp950")
    _same_values(_pandas(big5, encoding="cp950"), read_csv_compact(big5, encoding="cp950"))


def test_text_columns_keep_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("id,x\n00123,1\n00456,2\n", encoding="utf-8")
    assert read_csv_compact(path, text_columns=["id"])["id"].tolist() == ["00123", "00456"]


def test_narrowest_int() -> None:
    assert narrowest_int(0, 127) == "int8" and narrowest_int(-129, 0) == "int16"
    assert narrowest_int(0, 40_000) == "int32" and narrowest_int(0, 2**31) == "int64"


@pytest.mark.parametrize(
    ("content", "message", "field"),
    [
        (b"a,b\n1,2\n3,4,5\n", "cannot read the file as CSV", None),
        (b"a,b\n", "dataset has no rows", None),
        (b"a,a\n1,2\n", "duplicate column name(s) a", "a"),
        ("a,b\n1,\u738b\n".encode("cp950"), "not UTF-8", "dataset.encoding"),
        (b"\n\na,b\n1,2\n", "the first line is empty", None),
    ],
)
def test_a_bad_file_is_one_line(tmp_path: Path, content: bytes, message: str, field: str | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        read_csv_compact(path)
    text = str(err.value)
    assert message in text and "bad.csv" in text and "\n" not in text and err.value.fix
    assert err.value.field == field
