"""Reading a contract's dataset into pandas with one-line errors for the usual export mistakes."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

from ..errors import ContractError, DataError
from ._model import DatasetSource

__all__ = ["read_source", "sniff_problem"]


def _looks_big5(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp950")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def sniff_problem(path: Path, encoding: str, delimiter: str) -> None:
    """Raise a clear error for an empty file, a wrong encoding or a wrong delimiter, before pandas does."""
    raw = path.read_bytes()[: 1 << 16]
    if not raw.strip():
        raise DataError("the file is empty", file=path, fix="check that the export for this period completed")
    if encoding.lower().replace("-", "") in ("utf8", "utf8sig"):
        if _looks_big5(raw):
            raise DataError("the file is not UTF-8; it looks like Big5/CP950", file=path, field="dataset.encoding",
                            fix="add `encoding: cp950` to the contract's dataset")
        text = raw.decode("utf-8", errors="replace")
    else:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise DataError(f"cannot decode the file as {encoding} ({type(e).__name__})", file=path,
                            field="dataset.encoding", fix="declare the file's real encoding") from None
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if delimiter not in header:
        try:
            found = csv.Sniffer().sniff(header, delimiters=";\t|,").delimiter
        except csv.Error:
            found = None
        if found and found != delimiter:
            shown = "\\t" if found == "\t" else found
            raise DataError(f"the header is separated by '{shown}', not '{delimiter}'", file=path,
                            field="dataset.delimiter", fix=f"add `delimiter: \"{shown}\"` to the contract's dataset")


def read_source(src: DatasetSource, root: Path, period: str | None = None, *, contract_path: Path | None = None,
                ) -> tuple[pd.DataFrame, Path | None]:
    """The data as a DataFrame (files) and the file path; SQL sources are read by Great Expectations itself."""
    if src.path is None:
        raise ContractError("a SQL dataset is validated in the database, not loaded", file=contract_path)
    raw = src.path.replace("{period}", period or "")
    if "{period}" in src.path and not period:
        raise DataError("the dataset path contains {period}", file=contract_path, field="dataset.path",
                        fix="pass --period (e.g. 2026Q3) or --data PATH")
    path = Path(raw) if Path(raw).is_absolute() else root / raw
    return read_file(path, src), path


def read_file(path: Path, src: DatasetSource) -> pd.DataFrame:
    if not path.is_file():
        raise DataError("dataset not found", file=path, fix="check dataset.path in the contract, or pass --data")
    fmt = src.format if src.format != "auto" else {".parquet": "parquet", ".pq": "parquet",
                                                     ".jsonl": "jsonl"}.get(path.suffix.lower(), "csv")
    if fmt == "csv":
        sniff_problem(path, src.encoding, src.delimiter)
        enc = "utf-8-sig" if src.encoding.lower() in ("utf-8", "utf8") else src.encoding
        with open(path, encoding=enc, newline="") as f:
            header = next(csv.reader(io.StringIO(f.readline()), delimiter=src.delimiter), [])
        dupes = sorted({c for c in header if header.count(c) > 1})
        if dupes:
            raise DataError(f"duplicate column name(s) {', '.join(dupes)}", file=path, field=dupes[0],
                            fix="rename the repeated columns in the export")
        df = pd.read_csv(path, encoding=enc, sep=src.delimiter, low_memory=False)
    elif fmt == "parquet":
        df = pd.read_parquet(path)
    else:
        df = pd.read_json(path, lines=True, encoding=src.encoding)
    if df.empty:
        raise DataError("the file has a header but no rows" if len(df.columns) else "the file has no data",
                        file=path, fix="check that the export for this period completed")
    return df


def sql_url(src: DatasetSource, contract_path: Path | None) -> str:
    if src.url_env:
        url = os.environ.get(src.url_env)
        if not url:
            raise ContractError(f"environment variable {src.url_env} is not set", file=contract_path,
                                field="dataset.url_env", fix=f"export {src.url_env}=<SQLAlchemy URL>")
        return url
    return str(src.url)
