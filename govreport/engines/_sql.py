"""Runners: where the aggregation queries execute. One SQL text, three engines.

Every statistic govreport needs is written once as SQL with named parameters (``:p0``) by
:mod:`._stats`; a :class:`Runner` executes it — :class:`SqlRunner` in SQLite, PostgreSQL or any
SQLAlchemy database, :class:`~govreport.engines._spark.SparkRunner` with ``spark.sql`` on the session.
Values reach the engine as bound parameters, never as text, so a float bin edge is the same double on
every engine (bin membership of a value equal to an edge is exact).
"""

from __future__ import annotations

import decimal
from typing import Any

import pandas as pd

from ..data.read import SqlTable, mask_url, missing_columns_error
from ..errors import DataError

__all__ = ["Runner", "SqlRunner", "Params", "require"]


class Params:
    """Named bind parameters ``:p0``, ``:p1``, … collected while a query is written."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            value = value.item() if hasattr(value, "item") else value
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def py(v: Any) -> Any:
    """A value from a driver as a plain Python value (Decimal → float)."""
    return float(v) if isinstance(v, decimal.Decimal) else v


class Runner:
    """Runs aggregation SQL against one relation. Subclasses set ``columns``, ``numeric``, ``types``."""

    engine = "sql"
    is_file = False  # a Parquet path read by Spark: "file" in messages, as on the pandas path
    columns: list[str]
    numeric: set[str]
    types: dict[str, str]
    where: str

    def q(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    @property
    def relation(self) -> str:
        raise NotImplementedError

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def floor(self, expr: str) -> str:
        return f"FLOOR({expr})"

    def profile(self, cols: list[str]) -> dict[str, tuple[int, int, int]]:
        """Per column ``(distinct non-missing values, missing values, non-whole numbers)``, in one scan
        for every column not profiled yet (remembered: each query costs a job on Spark)."""
        memo: dict[str, tuple[int, int, int]] = self.__dict__.setdefault("_profile", {})
        todo = [c for c in dict.fromkeys(cols) if c not in memo]
        if todo:
            parts = ["COUNT(*)"]
            for c in todo:
                qc = self.q(c)
                frac = (
                    f"SUM(CASE WHEN {qc} <> {self.floor(qc)} THEN 1 ELSE 0 END)" if c in self.numeric else "0"
                )
                parts += [f"COUNT(DISTINCT {qc})", f"COUNT(*) - COUNT({qc})", frac]
            row = self.rows(f"SELECT {', '.join(parts)} FROM {self.relation}")[0]
            self.__dict__["_rows"] = int(row[0])
            for i, c in enumerate(todo):
                memo[c] = tuple(int(v or 0) for v in row[1 + 3 * i : 4 + 3 * i])  # type: ignore[assignment]
        return {c: memo[c] for c in cols}

    def frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The relation (or some columns) as a pandas DataFrame: the small-data path."""
        cols = columns or self.columns
        require(self, cols)
        out = self.rows(f"SELECT {', '.join(self.q(c) for c in cols)} FROM {self.relation}")
        return pd.DataFrame([[py(v) for v in r] for r in out], columns=cols)

    def close(self) -> None:
        pass

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def require(
    runner: Runner,
    needed: list[str],
    *,
    what: str = "the assessment needs",
    fix: str = "check the column names in the system's model block",
) -> int:
    """The row count; the same one-line errors as the pandas path for a missing column or no rows."""
    missing = list(dict.fromkeys(c for c in needed if c not in runner.columns))
    if missing:
        raise missing_columns_error(missing, runner.columns, file=runner.where, what=what, fix=fix)
    runner.profile(needed)
    n = int(
        runner.__dict__.get("_rows")
        if "_rows" in runner.__dict__
        else runner.rows(f"SELECT COUNT(*) FROM {runner.relation}")[0][0]
    )
    if n == 0:
        raise DataError(
            f"the {'file' if runner.is_file else 'table'} has no rows",
            file=runner.where,
            fix="check that the export for this period completed",
        )
    return n


class SqlRunner(Runner):
    """A table or query in a SQLAlchemy database (SQLite, PostgreSQL, …)."""

    def __init__(
        self,
        url: str,
        *,
        table: str | None = None,
        schema: str | None = None,
        query: str | None = None,
        where: str | None = None,
    ) -> None:
        import sqlalchemy as sa

        self.where = where or mask_url(url)
        if table is not None:
            t = SqlTable(url, table, schema, contract_path=None)
            self.sa_engine = t.engine
            self.columns = list(t.columns)
            self.types = {str(c.name): str(c.type) for c in t._table.columns}
            self.numeric = {str(c.name) for c in t._table.columns if _numeric_sa(c.type)}
            self._relation = (self.q(schema) + "." if schema else "") + self.q(table)
        else:
            self.sa_engine = sa.create_engine(url)
            self._relation = f"({query}) AS src"
            try:
                with self.sa_engine.connect() as con:
                    sample = pd.read_sql(sa.text(f"SELECT * FROM {self._relation} LIMIT 1000"), con)
            except sa.exc.SQLAlchemyError as e:
                raise DataError(
                    f"the query fails: {mask_url(str(e).splitlines()[0][:200])}",
                    file=self.where,
                    field="query",
                    fix="check the SQL of the source",
                ) from None
            self.columns = [str(c) for c in sample.columns]
            self.types = {str(c): str(t) for c, t in sample.dtypes.items()}
            self.numeric = {
                str(c)
                for c in sample.columns
                if pd.api.types.is_numeric_dtype(sample[c].dtype)
                and not pd.api.types.is_bool_dtype(sample[c].dtype)
            }
        self.engine = f"sql ({self.sa_engine.dialect.name})"

    @property
    def relation(self) -> str:
        return self._relation

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        import sqlalchemy as sa

        try:
            with self.sa_engine.connect() as con:
                return [tuple(r) for r in con.execute(sa.text(sql), params.values if params else {})]
        except sa.exc.SQLAlchemyError as e:
            raise DataError(
                f"the database refused a query: {mask_url(str(e).splitlines()[0][:200])}",
                file=self.where,
                fix="check the database, the table and the permissions",
            ) from None

    def floor(self, expr: str) -> str:
        if self.sa_engine.dialect.name == "sqlite":  # SQLite's FLOOR needs the math extension
            return f"(CAST({expr} AS INTEGER) - (CAST({expr} AS INTEGER) > {expr}))"
        return f"FLOOR({expr})"

    def close(self) -> None:
        self.sa_engine.dispose()


def _numeric_sa(t: Any) -> bool:
    import sqlalchemy as sa

    return isinstance(t, sa.Integer | sa.Float | sa.Numeric) and not isinstance(t, sa.Boolean)
