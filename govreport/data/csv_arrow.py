"""Reading a CSV file into compact pandas columns with pyarrow's CSV reader (issue 22: memory that follows the
data, not the libraries).

:func:`read_csv_compact` reads only the columns a job uses (``columns``) and holds each in the smallest dtype
that keeps every value exactly:

* integers in the smallest of int8 / int16 / int32 / int64 holding the column's minimum and maximum (a
  16-level code in one byte, an amount in four);
* floats stay float64 — a score or a ratio in float32 would move AUC ties, PSI bin edges and the bootstrap's
  intervals, and results.json must not change;
* text stays text (pandas' own string dtype, Arrow-backed from pandas 3);
* booleans, and integers with empty cells (float64 with NaN), as ``pandas.read_csv`` gives them.

The file is streamed in blocks (:func:`pyarrow.csv.open_csv`): each block's integers are narrowed to what that
block needs, so the whole file never sits in int64 — the largest transient is one 64 MiB block. Blocks of one
column are then joined in the widest type any of them needed. When a later block does not fit the types the
first block gave (a column of whole numbers that later holds ``1.5``), the file is read again whole with
:func:`pyarrow.csv.read_csv`, which widens types as it goes, and narrowed the same way.

The values are those ``pandas.read_csv`` gives with its defaults — the same null markers (``NA``, ``null``,
``None``, an empty cell …), ``True``/``False`` as booleans, no date parsing (a date column stays text) —
except that integers are narrower; ``tests/unit/data/test_csv_arrow.py`` checks it. A file pyarrow cannot
parse raises the one-line :class:`~govreport.errors.DataError` naming the file, the column and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError

if TYPE_CHECKING:  # annotations only: pandas and pyarrow are imported where a file is read
    import pandas as pd
    import pyarrow as pa

__all__ = ["read_csv_compact", "narrowest_int"]

#: the strings ``pandas.read_csv`` reads as missing by default (``pandas._libs.parsers.STR_NA_VALUES``)
PANDAS_NULLS = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)
_BLOCK = 64 << 20  # bytes per streamed block: the first block's types hold for the rest of the stream
_COLUMN_NO = re.compile(r"In CSV column #(\d+)")


class _Widen(Exception):
    """A later block does not fit the first block's types: read the file whole instead."""


def narrowest_int(lo: int, hi: int) -> str:
    """The smallest signed NumPy integer type holding ``lo`` … ``hi``."""
    import numpy as np

    for name in ("int8", "int16", "int32"):
        info = np.iinfo(name)
        if info.min <= lo and hi <= info.max:
            return name
    return "int64"


def _narrow(arr: pa.Array) -> pa.Array:
    """An int64 block without nulls in the narrowest integer type its values need; others as they are."""
    import pyarrow as pa
    import pyarrow.compute as pcmp

    if arr.type != pa.int64() or arr.null_count or len(arr) == 0:
        return arr
    mm = pcmp.min_max(arr)
    return arr.cast(pa.from_numpy_dtype(narrowest_int(mm["min"].as_py(), mm["max"].as_py())))


def _options(
    encoding: str, delimiter: str, names: Sequence[str], text: Iterable[str], block: int
) -> tuple[Any, Any, Any]:
    import pyarrow as pa
    import pyarrow.csv as pc

    read = pc.ReadOptions(
        encoding="utf8" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding,
        block_size=block,
    )
    parse = pc.ParseOptions(delimiter=delimiter)
    convert = pc.ConvertOptions(
        include_columns=list(names),
        column_types=dict.fromkeys(text, pa.string()),
        null_values=list(PANDAS_NULLS),
        strings_can_be_null=True,
        true_values=["True", "TRUE", "true"],
        false_values=["False", "FALSE", "false"],
    )
    return read, parse, convert


def _as_pandas_types(t: pa.DataType) -> pa.DataType | None:
    """The type to read a column as so that it holds what ``pandas.read_csv`` gives: text for what pyarrow
    would parse as dates, times or decimals (pandas parses no dates), float64 for an all-empty column."""
    import pyarrow as pa

    if pa.types.is_temporal(t) or pa.types.is_decimal(t):
        return pa.string()
    if pa.types.is_null(t):
        return pa.float64()
    return None


def _stream(path: Path, opts: tuple[Any, Any, Any]) -> tuple[pa.Schema, dict[str, list[pa.Array]]]:
    import pyarrow as pa
    import pyarrow.csv as pc

    read, parse, convert = opts
    reader = pc.open_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    schema = reader.schema
    fixed = {f.name: _as_pandas_types(f.type) for f in schema}
    if any(fixed.values()):
        types = dict(convert.column_types)
        types.update({n: t for n, t in fixed.items() if t is not None})
        convert.column_types = types
        reader = pc.open_csv(path, read_options=read, parse_options=parse, convert_options=convert)
        schema = reader.schema
    chunks: dict[str, list[pa.Array]] = {f.name: [] for f in schema}
    try:
        for batch in reader:
            for name, arr in zip(batch.schema.names, batch.columns, strict=True):
                chunks[name].append(_narrow(arr))
    except pa.ArrowInvalid as e:
        if "conversion error" in str(e) or "type" in str(e).lower():
            raise _Widen from None
        raise
    return schema, chunks


def _whole(path: Path, opts: tuple[Any, Any, Any]) -> tuple[pa.Schema, dict[str, list[pa.Array]]]:
    import pyarrow.csv as pc

    read, parse, convert = opts
    table = pc.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    fixed = {f.name: _as_pandas_types(f.type) for f in table.schema}
    if any(fixed.values()):
        del table
        types = dict(convert.column_types)
        types.update({n: t for n, t in fixed.items() if t is not None})
        convert.column_types = types
        table = pc.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    chunks = {}
    for name in list(table.column_names):
        chunks[name] = [_narrow(c) for c in table.column(name).chunks]
        table = table.drop_columns([name])  # each column's Arrow memory goes as soon as it is narrowed
    return table.schema, chunks


def _column(parts: list[pa.Array]) -> Any:
    """One column's blocks joined in the widest type any block needed, as a NumPy array or pandas' own
    array (text, nullable)."""
    import numpy as np
    import pyarrow as pa

    if not parts:  # a header without rows
        return np.empty(0)
    types = {p.type for p in parts}
    ints = [t for t in types if pa.types.is_signed_integer(t)]
    if ints and len(ints) == len(types) and not any(p.null_count for p in parts):
        widest = max(ints, key=lambda t: t.bit_width)
        out = np.empty(sum(len(p) for p in parts), dtype=widest.to_pandas_dtype())
        at = 0
        for i, p in enumerate(parts):
            out[at : at + len(p)] = p.to_numpy(zero_copy_only=False)
            at += len(p)
            parts[i] = None  # type: ignore[call-overload]  # let the block go as soon as it is copied
        return out
    # integers with empty cells, or whole numbers in some blocks and fractions in others: float64, as pandas
    numeric = all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types)
    target = pa.float64() if ints and numeric else None
    chunked = pa.chunked_array([p.cast(target) if target else p for p in parts])
    parts.clear()
    return chunked.to_pandas(self_destruct=True)


def read_csv_compact(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    encoding: str | None = "utf-8",
    delimiter: str = ",",
    text_columns: Iterable[str] = (),
    block_size: int = _BLOCK,
) -> pd.DataFrame:
    """The CSV file's ``columns`` (all when None; those the file lacks are left out) as a DataFrame in compact
    dtypes, in the file's column order (see the module docstring)."""
    import pandas as pd
    import pyarrow as pa

    from .read import release_arrow_memory

    encoding = encoding or "utf-8"
    header = _header(path, encoding, delimiter)
    wanted = set(columns) if columns is not None else None
    names = [c for c in header if wanted is None or c in wanted]
    text = [c for c in text_columns if c in names]
    try:
        try:
            schema, chunks = _stream(path, _options(encoding, delimiter, names, text, block_size))
        except _Widen:
            schema, chunks = _whole(path, _options(encoding, delimiter, names, text, block_size))
        data = {}
        for name in list(chunks):
            data[name] = _column(chunks.pop(name))
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        raise _error(path, e, header) from None
    finally:
        release_arrow_memory()
    del schema
    df = pd.DataFrame(data, copy=False)
    if df.empty:
        raise DataError(
            "dataset has no rows", file=path, fix="check that the export for this period completed"
        )
    return df


def _header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header row's column names (pyarrow would name a repeated name twice; pandas would rename it)."""

    try:
        with open(path, encoding="utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding) as f:
            first = f.readline()
    except UnicodeDecodeError as e:
        raise _error(path, e, []) from None
    from .read import csv_header  # the checks every CSV header gets: blank first line, delimiter, repeats

    return csv_header(path, first, delimiter)


def _error(path: Path, e: BaseException, names: Sequence[str]) -> DataError:
    """pyarrow's or the codec's complaint as the one-line error naming the file, the column and the fix."""
    if isinstance(e, UnicodeDecodeError) or "invalid UTF8" in str(e) or "UTF8" in str(e):
        return DataError(
            "the file is not UTF-8 text (or not in the declared encoding)",
            file=path,
            field="dataset.encoding",
            fix="declare the file's encoding in the dataset entry (e.g. encoding: cp950)",
        )
    text = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
    m = _COLUMN_NO.search(text)
    field = names[int(m.group(1))] if m and int(m.group(1)) < len(names) else None
    if "Empty CSV" in text:
        return DataError(
            "the file has no data", file=path, fix="check that the export for this period completed"
        )
    return DataError(
        f"cannot read the file as CSV: {text}",
        file=path,
        field=field,
        fix="check the delimiter, quoting and line endings of the export; every row needs every column",
    )
