"""Reading a contract's dataset, with one-line errors for the usual export mistakes.

Files (CSV, Parquet, JSON Lines) are read into pandas; SQL tables are validated in the database by Great
Expectations, and only what govreport itself needs (a fingerprint, the newest timestamp, the columns of
the representativeness check) is read through SQLAlchemy.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..core.files import mask_url, sha256_file  # one implementation for evidence, data and contracts
from ..errors import ContractError, DataError
from .dataset import DatasetSource

if TYPE_CHECKING:  # pandas (0.4 s) is imported by the functions that read: the runner hashes files only
    import pandas as pd

__all__ = [
    "fill_period",
    "resolve_data_path",
    "file_format",
    "read_dataset",
    "read_parquet",
    "read_header",
    "sha256_file",
    "frame_fingerprint",
    "sql_url",
    "mask_url",
    "SqlTable",
    "missing_columns_error",
    "csv_header",
]

_HEAD = 1 << 16
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

Via = Literal["contract", "option"]


def _fix(via: Via, key: str, value: str) -> str:
    """How to declare ``key: value``: in the contract's ``dataset:``, or as a command-line option."""
    if via == "option":
        return f"pass --{key} {value}"
    return f"add `{key}: {value}` under `dataset:` in the contract"


# -- paths ----------------------------------------------------------------------------------------------
def fill_period(template: str, period: str | None, *, file: Path | None, field: str) -> str:
    """``template`` with ``{period}`` replaced; a clear error when it is needed and missing."""
    if "{period}" not in template:
        return template
    if not period:
        raise DataError(
            f"'{template}' contains {{period}}",
            file=file,
            field=field,
            fix="pass --period (e.g. --period 2026Q3) or --data PATH",
        )
    return template.replace("{period}", period)


def resolve_data_path(
    src: DatasetSource,
    root: Path,
    period: str | None,
    *,
    contract_path: Path | None,
    field: str = "dataset.path",
) -> Path:
    raw = fill_period(str(src.path), period, file=contract_path, field=field)
    p = Path(raw).expanduser()
    return p if p.is_absolute() else Path(root) / p


def file_format(path: Path, src: DatasetSource | None = None) -> str:
    if src is not None and src.format != "auto":
        return src.format
    return _FORMATS.get(path.suffix.lower(), "csv")


# -- Parquet ---------------------------------------------------------------------------------------------
def _pandas_3() -> bool:
    """``read_parquet(to_pandas_kwargs=…)`` exists from pandas 3.0 (the package supports pandas ≥ 2.2)."""
    import pandas as pd

    return int(pd.__version__.split(".", 1)[0]) >= 3


def release_arrow_memory() -> None:
    """Hand the pages Arrow's allocator keeps after freeing (mimalloc/jemalloc) back to the system."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """``pandas.read_parquet`` with a lower peak, then Arrow's allocator hands back what the read no longer
    uses.

    pandas reads through an Arrow table. ``to_pandas_kwargs`` (public since pandas 3.0, passed on to
    ``pyarrow.Table.to_pandas``) converts it with ``self_destruct=True, split_blocks=True``: each column's
    Arrow memory is released as soon as the column is converted, and columns are not copied into one 2-D
    block, so the table and the frame are not both held whole (10M rows: peak −0.6 GiB). The frame is the
    same — columns, dtypes, values, index, attrs — only held one block per column. Arrow's allocator
    (mimalloc/jemalloc) then keeps freed pages for the rest of the process, which pandas' own (malloc)
    allocations never reuse: ``release_unused()`` returns them."""
    import pandas as pd

    lower_peak = {"to_pandas_kwargs": {"self_destruct": True, "split_blocks": True}} if _pandas_3() else {}
    df = pd.read_parquet(path, columns=columns, **lower_peak)
    release_arrow_memory()
    return df


# -- hashing ----------------------------------------------------------------------------------------------
def frame_fingerprint(frames: pd.DataFrame | Iterable[pd.DataFrame]) -> tuple[str, int]:
    """``(sha256, rows)`` of a table's content, independent of row order: SHA-256 over the column names
    and the sorted 64-bit hashes of the rows (``pandas.util.hash_pandas_object``)."""
    import numpy as np
    import pandas as pd

    parts: list[Any] = []
    columns: list[str] | None = None
    for df in [frames] if isinstance(frames, pd.DataFrame) else frames:
        columns = columns or [str(c) for c in df.columns]
        parts.append(pd.util.hash_pandas_object(df, index=False).to_numpy())
    rows = np.sort(np.concatenate(parts)) if parts else np.array([], dtype="uint64")
    h = hashlib.sha256(json.dumps(columns or [], ensure_ascii=False).encode())
    h.update(rows.tobytes())
    return h.hexdigest(), int(len(rows))


# -- text files ------------------------------------------------------------------------------------------
def _decode(raw: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(raw, final=final)
    except UnicodeDecodeError:
        return None


def _is_utf8(encoding: str | None) -> bool:
    return encoding is None or codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def _check_text(path: Path, raw: bytes, final: bool, encoding: str | None, via: Via) -> tuple[str, str]:
    """``(python encoding, decoded head)``; raises the one-line error for a wrong encoding."""
    if _is_utf8(encoding):
        text = _decode(raw, "utf-8", final)
        if text is None:
            big5 = _decode(raw, "cp950", final)
            if big5 is not None and _CJK.search(big5):
                raise DataError(
                    "the file is not UTF-8: its Chinese text looks like Big5/CP950",
                    file=path,
                    field="dataset.encoding",
                    fix=_fix(via, "encoding", "cp950"),
                )
            raise DataError(
                "the file is not UTF-8 text",
                file=path,
                field="dataset.encoding",
                fix=_fix(via, "encoding", "<its encoding, e.g. cp950>"),
            )
        return "utf-8-sig", text
    assert encoding is not None
    text = _decode(raw, encoding, final)
    as_utf8 = _decode(raw, "utf-8", final)
    if (
        as_utf8 is not None
        and not raw.isascii()
        and _CJK.search(as_utf8)
        and codecs.lookup(encoding).name != "utf-16"
    ):
        raise DataError(
            f"the contract says encoding {encoding}, but the file is UTF-8",
            file=path,
            field="dataset.encoding",
            fix="remove `encoding:` (UTF-8 is the default)" if via == "contract" else "leave out --encoding",
        )
    if text is None:
        raise DataError(
            f"the file cannot be decoded as {encoding}",
            file=path,
            field="dataset.encoding",
            fix="declare the file's real encoding (Big5 exports: cp950)",
        )
    return encoding, text


def csv_header(path: Path, text: str, delimiter: str, via: Via = "contract") -> list[str]:
    lines = text.lstrip("\ufeff").splitlines()
    first = lines[0] if lines else ""
    if not first.strip():
        raise DataError(
            "the first line is empty; a CSV file must start with its header row",
            file=path,
            fix="remove the blank lines before the header",
        )
    header = next(csv.reader([first], delimiter=delimiter))
    if len(header) == 1:
        for cand in (",", ";", "\t", "|"):
            if cand != delimiter and cand in first and len(next(csv.reader([first], delimiter=cand))) > 1:
                shown = "\\t" if cand == "\t" else cand
                raise DataError(
                    f"the header parses to one column ('{first[:40]}'); the file looks separated "
                    f"by '{shown}', not '{delimiter}'",
                    file=path,
                    field="dataset.delimiter",
                    fix=_fix(via, "delimiter", f'"{shown}"'),
                )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DataError(
            f"duplicate column name(s) {', '.join(dupes)} in the header",
            file=path,
            field=dupes[0],
            fix="rename the repeated columns in the export so every column name is unique",
        )
    return header


def _open_head(path: Path) -> tuple[bytes, bool]:
    if not path.exists():
        raise DataError(
            "dataset not found",
            file=path,
            fix="check the path (dataset.path in the contract, or --data / --period)",
        )
    if not path.is_file():
        raise DataError("dataset path is not a file", file=path, fix="point it at the data file")
    with open(path, "rb") as f:
        raw = f.read(_HEAD + 1)
    final = len(raw) <= _HEAD
    raw = raw[:_HEAD]
    if not raw.strip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").strip():
        raise DataError("the file is empty", file=path, fix="check that the export for this period completed")
    return raw, final


def read_header(path: Path, src: DatasetSource | None = None, *, via: Via = "contract") -> list[str]:
    """The column names only (cheap; used by ``contracts lint``)."""
    path = Path(path)
    fmt = file_format(path, src)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        _open_head(path)
        try:
            return [str(n) for n in pq.read_schema(path).names]
        except Exception as e:  # pyarrow raises several types for a file that is not Parquet
            raise DataError(
                f"not a readable Parquet file ({_first_line(e)})",
                file=path,
                fix="check the file, or set `format:` in the contract",
            ) from None
    raw, final = _open_head(path)
    enc, text = _check_text(path, raw, final, src.encoding if src else None, via)
    del enc
    if fmt == "jsonl":
        first = text.lstrip("\ufeff").splitlines()[0]
        try:
            return [str(k) for k in json.loads(first)]
        except (json.JSONDecodeError, TypeError):
            raise DataError(
                "the first line is not a JSON object",
                file=path,
                line=1,
                fix="write one JSON object per line (JSON Lines)",
            ) from None
    return csv_header(path, text, _delimiter(path, src), via)


def _delimiter(path: Path, src: DatasetSource | None) -> str:
    if src is not None and src.delimiter:
        return src.delimiter
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:200]


def read_dataset(
    path: Path | str,
    src: DatasetSource | None = None,
    *,
    text_columns: Iterable[str] = (),
    via: Via = "contract",
    nrows: int | None = None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """The file as a DataFrame, or a one-line :class:`DataError` naming the file and the fix.

    ``text_columns`` (personal-data columns) are read as text, so identifiers keep their leading zeros;
    ``columns`` reads only those columns.
    """
    import pandas as pd

    path = Path(path)
    fmt = file_format(path, src)
    text_columns = list(text_columns)
    if fmt == "parquet":
        _open_head(path)
        try:
            df = read_parquet(path, columns=columns)
        except Exception as e:  # ArrowInvalid, OSError, …
            raise DataError(
                f"not a readable Parquet file ({_first_line(e)})",
                file=path,
                fix="check the file, or set `format:` in the contract",
            ) from None
        if nrows is not None:
            df = df.head(nrows)
    else:
        raw, final = _open_head(path)
        enc, text = _check_text(path, raw, final, src.encoding if src else None, via)
        dtype: dict[str, str] | None = None
        try:
            if fmt == "jsonl":
                df = pd.read_json(
                    path,
                    lines=True,
                    encoding=enc,
                    nrows=nrows,
                    dtype={c: "str" for c in text_columns} or True,
                )
            else:
                header = csv_header(path, text, _delimiter(path, src), via)
                dtype = {c: "str" for c in text_columns if c in header} or None
                df = pd.read_csv(
                    path,
                    encoding=enc,
                    sep=_delimiter(path, src),
                    dtype=dtype,
                    low_memory=False,
                    nrows=nrows,
                    usecols=columns,
                )
        except UnicodeDecodeError as e:
            fix = (
                _fix(via, "encoding", "cp950")
                if _is_utf8(src.encoding if src else None)
                else "declare the file's real encoding"
            )
            raise DataError(
                f"the file cannot be decoded as {enc.removesuffix('-sig')} (byte {e.start} and on: "
                "not every line has the same encoding?)",
                file=path,
                field="dataset.encoding",
                fix=fix,
            ) from None
        except pd.errors.EmptyDataError:
            raise DataError(
                "the file has no data", file=path, fix="check that the export for this period completed"
            ) from None
        except (pd.errors.ParserError, ValueError) as e:
            what = "JSON Lines" if fmt == "jsonl" else "CSV"
            raise DataError(
                f"cannot parse the file as {what}: {_first_line(e)}",
                file=path,
                fix="check the delimiter, quoting and line endings of the export"
                if what == "CSV"
                else "write one JSON object per line",
            ) from None
    if columns is not None and fmt == "jsonl":
        df = df[[c for c in columns if c in df.columns]]
    if df.columns.duplicated().any():
        dupes = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise DataError(
            f"duplicate column name(s) {', '.join(dupes)}",
            file=path,
            field=dupes[0],
            fix="rename the repeated columns in the export so every column name is unique",
        )
    if not all(isinstance(c, str) for c in df.columns):
        df.columns = [str(c) for c in df.columns]
    if len(df.columns) == 0:
        raise DataError(
            "the file has no columns", file=path, fix="check that the export for this period completed"
        )
    if len(df) == 0:
        raise DataError(
            "the file has a header but no rows" if fmt == "csv" else "the file has no rows",
            file=path,
            fix="check that the export for this period completed",
        )
    return df


def missing_columns_error(
    missing: list[str], present: Iterable[str], *, file: Path | str | None, what: str, fix: str
) -> DataError:
    """'the data lacks column(s) X that the suite expects', with a close match when there is one."""
    present = [str(p) for p in present]
    hint = ""
    close = difflib.get_close_matches(missing[0], present, n=1, cutoff=0.75)
    stripped = {p.strip().lower(): p for p in present}
    near = stripped.get(missing[0].strip().lower())
    if near is not None:
        hint = f" (the data has {near!r})"
    elif close:
        hint = f" (did you mean {close[0]!r}?)"
    return DataError(
        f"the data lacks column(s) {', '.join(missing)} that {what}{hint}",
        file=file,
        field=missing[0],
        fix=fix,
    )


# -- SQL ---------------------------------------------------------------------------------------------------
def sql_url(src: DatasetSource, contract_path: Path | None, root: Path | None = None) -> str:
    """The SQLAlchemy URL of a SQL source (from ``url`` or the ``url_env`` variable); a relative SQLite
    path is taken relative to the workspace root."""
    if src.url_env:
        url = os.environ.get(src.url_env)
        if not url:
            raise ContractError(
                f"environment variable {src.url_env} is not set",
                file=contract_path,
                field="dataset.url_env",
                fix=f"export {src.url_env}=<SQLAlchemy URL>",
            )
    else:
        url = str(src.url)
    import sqlalchemy as sa

    try:
        u = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise ContractError(
            f"'{mask_url(url)}' is not a SQLAlchemy URL",
            file=contract_path,
            field="dataset.url",
            fix="write it like sqlite:///data/bank.db or postgresql+psycopg://user@host/db",
        ) from None
    if (
        u.get_backend_name() == "sqlite"
        and u.database
        and u.database != ":memory:"
        and not u.database.startswith("file:")
    ):
        db = Path(u.database).expanduser()
        if not db.is_absolute() and root is not None:
            db = Path(root) / db
        if not db.is_file():
            raise DataError(
                "SQLite database file not found",
                file=db,
                field="dataset.url",
                fix="check the path in the URL (relative paths are relative to the workspace)",
            )
        url = u.set(database=str(db.resolve())).render_as_string(hide_password=False)
    return url


class SqlTable:
    """A SQL table checked to exist, with the few reads govreport does itself."""

    def __init__(self, url: str, table: str, schema: str | None, *, contract_path: Path | None) -> None:
        import sqlalchemy as sa

        self.url, self.table, self.schema = url, table, schema
        where = mask_url(url)
        try:
            self.engine = sa.create_engine(url)
            insp = sa.inspect(self.engine)
            if not insp.has_table(table, schema=schema):
                tables = insp.get_table_names(schema=schema)
                shown = ", ".join(tables[:8]) + (" …" if len(tables) > 8 else "") if tables else "none"
                raise ContractError(
                    f"table '{table}' does not exist in {where}",
                    file=contract_path,
                    field="dataset.table",
                    fix=f"check `table:` (and `schema_name:`) in the contract; tables there: {shown}",
                )
            self.columns = [str(c["name"]) for c in insp.get_columns(table, schema=schema)]
            self._table = sa.Table(table, sa.MetaData(), schema=schema, autoload_with=self.engine)
        except (sa.exc.NoSuchModuleError, ImportError) as e:
            raise ContractError(
                f"no SQLAlchemy driver for {where} ({_first_line(e)})",
                file=contract_path,
                field="dataset.url",
                fix="install the database driver (e.g. psycopg for "
                "PostgreSQL: pip install 'govreport[postgres]')",
            ) from None
        except sa.exc.SQLAlchemyError as e:
            raise ContractError(
                f"cannot read {where}: {mask_url(_first_line(e))}",
                file=contract_path,
                field="dataset.url",
                fix="check the URL and that the database is reachable",
            ) from None
        self._contract_path = contract_path

    def _run(self, what: str, fn: Any) -> Any:
        import sqlalchemy as sa

        try:
            with self.engine.connect() as con:
                return fn(con, sa)
        except sa.exc.SQLAlchemyError as e:
            raise ContractError(
                f"cannot {what} table {self.table} in {mask_url(self.url)}: {mask_url(_first_line(e))}",
                file=self._contract_path,
                field="dataset.table",
                fix="check the database, the table and the permissions",
            ) from None

    def max(self, column: str) -> Any:
        return self._run(
            "read the newest value of",
            lambda con, sa: con.execute(sa.select(sa.func.max(self._table.c[column]))).scalar(),
        )

    def read(self, columns: list[str]) -> pd.DataFrame:
        import pandas as pd

        return self._run(
            "read", lambda con, sa: pd.read_sql(sa.select(*[self._table.c[c] for c in columns]), con)
        )

    def fingerprint(self, chunksize: int = 200_000) -> tuple[str, int]:
        import pandas as pd

        return self._run(
            "fingerprint",
            lambda con, sa: frame_fingerprint(pd.read_sql(sa.select(self._table), con, chunksize=chunksize)),
        )

    def dispose(self) -> None:
        self.engine.dispose()
