"""What a template needs from the library: its context, its data, its history, and saving results.

A template's parameters cell declares ``workspace``, ``system_id``, ``period`` and ``output_dir`` (the
runner injects all four). With their defaults (``None``) a template opened in JupyterLab anywhere inside a
workspace still runs: the workspace is found by walking up to ``govreport.yaml``, the system is the first
one the template applies to, the period is the latest with data, and results go to a scratch folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakValueDictionary

import pandas as pd

from ..core.periods import Period, parse_period
from ..core.results import build_results, write_results
from ..core.status import Indicator, RunStatus
from ..errors import ContractError, DataError, InputError
from ..workspace.config import Workspace, find_workspace
from ..workspace.inventory import AISystem, Inventory

__all__ = ["TemplateContext", "open_context", "read_dataset"]


def _kind(path: Path, fmt: str) -> str:
    return (
        fmt
        if fmt != "auto"
        else {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl"}.get(path.suffix.lower(), "csv")
    )


def read_dataset(
    path: Path,
    fmt: str = "auto",
    encoding: str = "utf-8",
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a CSV, Parquet or JSON Lines dataset with a clear error when it cannot be read; with
    ``columns``, only those of them the file has (in the file's order; Parquet and CSV read no others)."""
    if not path.is_file():
        raise DataError("dataset not found", file=path, fix="check the dataset path in the system record")
    kind = _kind(path, fmt)
    wanted = set(columns) if columns is not None else None
    try:
        if kind == "parquet":
            from ..data.read import read_parquet

            if wanted is not None:
                import pyarrow.parquet as pq

                columns = [c for c in pq.read_schema(path).names if c in wanted]
            df = read_parquet(path, None if columns is None else list(columns))
        elif kind == "jsonl":
            df = pd.read_json(path, lines=True, encoding=encoding)
            if wanted is not None:
                df = df[[c for c in df.columns if c in wanted]]
        else:
            df = pd.read_csv(
                path, encoding=encoding, usecols=(lambda c: c in wanted) if wanted is not None else None
            )
    except UnicodeDecodeError:
        raise DataError(
            f"cannot decode the file as {encoding}",
            file=path,
            fix="declare the file's encoding (e.g. encoding: cp950) in the dataset entry",
        ) from None
    except Exception as e:  # pyarrow / pandas parser errors of many kinds
        raise DataError(
            f"cannot read the file as {kind}: {str(e).splitlines()[0][:200]}",
            file=path,
            fix="check the file format and the dataset's `format:`",
        ) from None
    if df.empty:
        raise DataError(
            "dataset has no rows", file=path, fix="check that the export for this period completed"
        )
    return df


@dataclass
class TemplateContext:
    ws: Workspace
    system: AISystem
    period: Period
    output_dir: Path
    template: str
    #: Parquet frames :meth:`load` returned, by resolved path, for as long as the caller holds them: the
    #: contract validation (:meth:`data_quality`) takes them instead of reading the same file again.
    _frames: WeakValueDictionary[Path, pd.DataFrame] = field(
        default_factory=WeakValueDictionary, repr=False, compare=False
    )

    # -- data ---------------------------------------------------------------------------------------
    def dataset_path(self, role: str) -> Path | None:
        """The dataset's file (a ``spark+parquet:`` dataset's local path); None without such a dataset."""
        ds = self.system.dataset(role)
        if ds is None:
            return None
        from ..data.sources import (  # lazy: the kernel that presents starts light
            fill_source_period,
            is_spark_text,
            parse_source,
        )

        if not is_spark_text(ds.path):
            return self.ws.resolve(ds.resolve(self.period.label))
        src = parse_source(fill_source_period(ds.path, self.period.label), root=self.ws.root)
        if not isinstance(src.path, Path):
            raise InputError(
                f"dataset '{ds.name}' is {src.where}, not a local file",
                file=self.ws.systems_dir / f"{self.system.id}.yaml",
                field="datasets.path",
                fix="read it with ctx.load() (a sample pulled from Spark)",
            )
        return src.path

    def load(self, role: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The dataset as pandas (only ``columns`` of a file, when given). A dataset Spark reads
        (``spark:``, ``spark+parquet:``, or Parquet with ``engine: {kind: spark}``) is never pulled whole:
        this is a deterministic sample of ``engine.explain_sample_rows`` rows (all rows when there are
        fewer), ``attrs["sample"]`` saying so."""
        ds = self.system.dataset(role)
        if ds is None:
            raise InputError(
                f"system '{self.system.id}' declares no dataset with role '{role}'",
                file=self.ws.systems_dir / f"{self.system.id}.yaml",
                field="datasets",
                fix=f"add a dataset with role: {role}",
            )
        from ..data.sources import spark_dataset  # lazy: the kernel that presents starts light

        engine = self.ws.config.engine
        src = spark_dataset(ds.path, engine.kind, root=self.ws.root, period=self.period.label)
        if src is not None:
            from ..data.sources import spark_session
            from ..engines import sample_frame

            try:
                return sample_frame(
                    src, engine.explain_sample_rows, spark=spark_session(engine.spark_settings())
                )
            except DataError as e:
                if e.field != "source":  # a column, the rows, Spark itself: as the engine said it
                    raise
                raise DataError(
                    e.message,
                    file=self.ws.systems_dir / f"{self.system.id}.yaml",
                    field="datasets.path",
                    fix=e.fix,
                ) from None  # the table the record names
        path = self.ws.resolve(ds.resolve(self.period.label))
        df = read_dataset(path, ds.format, ds.encoding, columns)
        if (
            columns is None and _kind(path, ds.format) == "parquet"
        ):  # the contract reads text with its own options
            self._frames[path.resolve()] = df
        return df

    # -- data contracts (Art. 7, 8) ------------------------------------------------------------------
    def data_quality(self) -> tuple[list[Indicator], dict[str, Any]]:
        """Validate every dataset of the system that names a contract, for this period, through Great
        Expectations; returns the indicators and the ``data_quality`` section of results.json.

        Datasets (and the contract's reference) that :meth:`load` has already read and the caller still
        holds are validated from memory, not read again; their evidence is the same (the file's SHA-256,
        streamed). A dataset Spark reads is validated on Spark (GX's Spark engine, dimensions by Spark
        aggregations)."""
        from ..contracts import load_contract, validate  # lazy: the kernel that presents starts light
        from ..data.sources import spark_dataset, spark_session  # lazy: the kernel that presents starts light

        engine = self.ws.config.engine

        indicators: list[Indicator] = []
        section: dict[str, Any] = {}
        for ds in self.system.datasets:
            if not ds.contract or ds.role not in ("scoring", "conversations", "training"):
                continue
            path = self.ws.contracts_dir / f"{ds.contract}.contract.yaml"
            if not path.is_file():
                raise ContractError(
                    f"contract '{ds.contract}' not found",
                    file=path,
                    field="datasets.contract",
                    fix="add it to data_contracts/ or remove `contract:` from the dataset",
                )
            src = spark_dataset(ds.path, engine.kind, root=self.ws.root, period=self.period.label)
            data = src.text if src is not None else self.ws.resolve(ds.resolve(self.period.label))
            result = validate(
                load_contract(path),
                self.ws.root,
                data=data,
                period=self.period.label,
                loaded=dict(self._frames),
                spark=spark_session(engine.spark_settings()) if src is not None else None,
            )
            indicators += result.indicators()
            section[ds.contract] = result.to_dict()
        return indicators, section

    # -- history (read from the evidence store; never recomputed) ------------------------------------
    def history(self) -> pd.DataFrame:
        """Indicator values of earlier periods' latest succeeded runs: columns period, indicator, value,
        status (one row per indicator and period), oldest first, up to but excluding this period."""
        from ..evidence.queries import open_store  # lazy: the kernel that presents starts light

        rows: list[dict[str, Any]] = []
        latest: dict[str, Any] = {}
        for rec in open_store(self.ws).records(
            system_id=self.system.id, template=self.template, status=RunStatus.SUCCEEDED
        ):
            latest[rec.period] = rec
        for label, rec in latest.items():
            try:
                p = parse_period(label)
            except InputError:
                continue
            if p.kind != self.period.kind or p.start >= self.period.start:
                continue
            for ind_id, v in (rec.summary.get("indicators") or {}).items():
                rows.append(
                    {
                        "period": label,
                        "start": p.start,
                        "indicator": ind_id,
                        "value": v.get("value"),
                        "status": v.get("status"),
                    }
                )
        df = pd.DataFrame(rows, columns=["period", "start", "indicator", "value", "status"])
        return df.sort_values(["start", "indicator"]).drop(columns="start").reset_index(drop=True)

    def previous_results(self) -> dict[str, Any] | None:
        """The previous period's results.json (latest succeeded run), if any."""
        from ..evidence.queries import open_store  # lazy: the kernel that presents starts light

        rec = None
        for r in open_store(self.ws).records(
            system_id=self.system.id,
            template=self.template,
            period=self.period.previous().label,
            status=RunStatus.SUCCEEDED,
        ):
            rec = r
        if rec is None or "results" not in rec.outputs:
            return None
        path = self.ws.resolve(rec.outputs["results"]["path"])
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    # -- saving -------------------------------------------------------------------------------------
    def _template_file(self) -> Path | None:
        """This template's notebook in the workspace (an override or a copy), if any."""
        path = self.ws.templates_dir / f"{self.template.removesuffix('.ipynb')}.ipynb"
        return path if path.is_file() else None

    def save(
        self,
        indicators: list[Indicator],
        sections: dict[str, Any],
        notes: list[str] | None = None,
    ) -> dict[str, Any]:
        """Write results.json into the output folder and return it."""
        data = build_results(
            system=self.system.public_summary(),
            period=self.period.label,
            template=self.template,
            indicators=indicators,
            sections=sections,
            notes=notes or [],
        )
        write_results(self.output_dir / "results.json", data)
        return data

    def results(
        self,
        compute: Callable[[TemplateContext], Any],
        precomputed: str | Path | None = None,
    ) -> dict[str, Any]:
        """This template's results.json: ``compute(self)`` (an object with ``indicators``, ``sections``
        and ``notes``) saved by :meth:`save` — or, when the runner already computed it in its worker before
        this kernel started (``precomputed``: the path of that results.json), read from there after
        checking it is this system's, period's and template's (see :mod:`govreport.assessments.registry`)."""
        from ..assessments.registry import computation_for  # lazy: the kernel that presents starts light

        if precomputed is not None and compute is not computation_for(self.template, self._template_file()):
            precomputed = None  # the runner computed the packaged computation; this template asks for its own
        if precomputed is None:
            a = compute(self)
            return self.save(a.indicators, a.sections, a.notes)
        path = Path(precomputed)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(
                f"cannot read the precomputed results ({type(e).__name__})",
                file=path,
                field="precomputed",
                fix="leave `precomputed` as None to compute here",
            ) from None
        got = ((data.get("system") or {}).get("id"), data.get("period"), data.get("template"))
        if got != (self.system.id, self.period.label, self.template):
            raise InputError(
                f"the precomputed results are for {'/'.join(map(str, got))}, not "
                f"{self.system.id}/{self.period.label}/{self.template}",
                file=path,
                field="precomputed",
                fix="leave `precomputed` as None to compute here",
            )
        if path.resolve() != (self.output_dir / "results.json").resolve():
            write_results(self.output_dir / "results.json", data)
        return data


def _latest_period_with_data(ws: Workspace, system: AISystem) -> Period:
    ds = system.dataset("scoring") or system.dataset("conversations")
    text = (
        ds.path.removeprefix("spark+parquet:") if ds is not None else ""
    )  # a lake folder's files: as a file's
    if ds is None or "{period}" not in text or text.startswith("spark:"):
        raise InputError(
            "cannot guess a period for this system", field="period", fix="set the `period` parameter"
        )
    pattern = ws.resolve(text)
    found = []
    prefix, _, suffix = pattern.name.partition("{period}")
    for f in pattern.parent.glob(pattern.name.replace("{period}", "*")):
        label = f.name[len(prefix) : len(f.name) - len(suffix)]
        try:
            found.append(parse_period(label))
        except InputError:
            continue
    if not found:
        raise DataError(f"no data files match {ds.path}", field="period", fix="set the `period` parameter")
    return max(found)


def open_context(
    workspace: str | Path | None,
    system_id: str | None,
    period: str | None,
    output_dir: str | Path | None,
    template: str,
) -> TemplateContext:
    """Resolve a template's parameters (see the module docstring for the defaults)."""
    root = Path(workspace) if workspace else find_workspace()
    ws = Workspace.load(root)
    inv = Inventory.load(ws)
    if system_id:
        system = inv.get(system_id)
    else:
        active = [s for s in inv.ordered() if s.lifecycle != "retired"]
        candidates = [s for s in active if template in s.applicable_templates] or active
        if not candidates:
            raise InputError(
                f"no system in {ws.systems_dir} uses the template '{template}'",
                field="system_id",
                fix="set the `system_id` parameter",
            )
        system = candidates[0]
    p = parse_period(period) if period else _latest_period_with_data(ws, system)
    out = Path(output_dir) if output_dir else ws.state_dir / "scratch" / system.id / p.label / template
    out.mkdir(parents=True, exist_ok=True)
    return TemplateContext(ws, system, p, out, template)
