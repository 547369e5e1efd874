"""What a template needs from the library: its context, its data, its history, and its results.

A template's parameters cell declares ``workspace``, ``system_id``, ``period``, ``output_dir`` (the runner
injects all four) and ``precomputed``. Its first library cell is, for every template::

    ctx = open_context(workspace, system_id, period, output_dir, template="<name>")
    results = ctx.results(computation("<name>"), precomputed)

``open_context`` gives a :class:`TemplateContext` (one AI system: its data, contracts and history) or, for
the portfolio templates (``sustainability``, ``review``), a :class:`PortfolioContext` (the whole
inventory; ``ctx.presented`` is the object the template presents). With their defaults (``None``) a
template opened in JupyterLab anywhere inside a workspace still runs: the workspace is found by walking up
to ``govreport.yaml``, the system is the first one the template applies to, the period is the latest with
data, and results go to a scratch folder.

pandas is imported only by what reads data (``load``): the kernel that presents precomputed results
starts without it (``history`` is a list of rows, :class:`govreport.core.history.History`).
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload
from weakref import WeakValueDictionary

from ..core.history import History
from ..core.periods import Period, parse_period
from ..core.results import build_results, write_results
from ..core.status import PORTFOLIO_TEMPLATES, Indicator, RunStatus
from ..errors import ContractError, DataError, InputError
from .presenting import (
    COMPUTATION_KEY,
    PRESENTED_FILE,
    SYSTEM_KEPT,
    PresentingContext,
    _load_kept,
    open_presenting,
    read_precomputed,
)

if TYPE_CHECKING:  # annotations only: pandas is imported where data is read, pydantic where the workspace is
    import pandas as pd

    from ..assessments.registry import Computed, Presented
    from ..workspace.config import Workspace
    from ..workspace.inventory import AISystem

__all__ = ["PortfolioContext", "PresentingContext", "TemplateContext", "open_context", "read_dataset"]


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
    import pandas as pd

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
        else:  # only the wanted columns, integers in the smallest dtype that holds them (csv_arrow)
            from ..data.csv_arrow import read_csv_compact

            df = read_csv_compact(path, columns=columns, encoding=encoding)
    except DataError:
        raise
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
class _Context:
    """What every template's context has: the workspace, the period, the output folder, the template, and
    :meth:`results`."""

    ws: Workspace
    period: Period
    output_dir: Path
    template: str

    def _identity(self) -> tuple[str, str, str]:
        """(system id, period, template) as the results.json of this job names them."""
        raise NotImplementedError

    def _keep(self, computed: Any) -> dict[str, Any]:
        """Save what the computation returned; the results."""
        raise NotImplementedError

    def _take(self, path: Path, data: dict[str, Any]) -> None:
        """Take the precomputed results ``data`` read from ``path`` (already checked to be this job's)."""
        if path.resolve() != (self.output_dir / "results.json").resolve():
            write_results(self.output_dir / "results.json", data)

    def _template_file(self) -> Path | None:
        """This template's notebook in the workspace (an override or a copy), if any."""
        path = self.ws.templates_dir / f"{self.template.removesuffix('.ipynb')}.ipynb"
        return path if path.is_file() else None

    def _dump_kept(self, kept_in: dict[str, Any]) -> Path:
        """Write :data:`PRESENTED_FILE`: ``kept``, this template's name and the computation the worker runs
        for it — what a :class:`~govreport.run.presenting.PresentingContext` needs, no workspace."""
        from ..assessments.registry import computation_name

        kept = {
            "template": self.template,
            COMPUTATION_KEY: computation_name(self.template, self._template_file()),
        }
        kept |= kept_in
        path = self.output_dir / PRESENTED_FILE
        with path.open("wb") as f:
            pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    def results(
        self,
        compute: Callable[[Any], Any],
        precomputed: str | Path | None = None,
    ) -> dict[str, Any]:
        """This template's results.json: what ``compute(self)`` returns, saved — or, when the runner already
        computed it in its worker before this kernel started (``precomputed``: the path of that
        results.json), read from there after checking it is this system's, period's and template's (see
        :mod:`govreport.assessments.registry`)."""
        from ..assessments.registry import computation_for  # lazy: the kernel that presents starts light

        if precomputed is not None and compute is not computation_for(self.template, self._template_file()):
            precomputed = None  # the runner computed the packaged computation; this template asks for its own
        if precomputed is None:
            return self._keep(compute(self))
        path = Path(precomputed)
        data = read_precomputed(path, self._identity())
        self._take(path, data)
        return data


@dataclass
class TemplateContext(_Context):
    """The context of a system template: one AI system's data, contracts, history and results."""

    system: AISystem = field(kw_only=True)
    #: what the runner's worker read from the evidence store for this job (``history``, ``previous``),
    #: handed to the kernel beside the precomputed results (:meth:`keep_presented`)
    _kept: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, kw_only=True)
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
    def history(self) -> History:
        """Indicator values of earlier periods' latest succeeded runs: rows period, indicator, value, status
        (one per indicator and period), oldest first, up to but excluding this period. A list of rows, not a
        pandas DataFrame, so the kernel that presents does not import pandas; any DataFrame attribute still
        works on it (:class:`govreport.core.history.History`)."""
        return History.from_rows(self._kept["history"] if "history" in self._kept else self._history_rows())

    def _history_rows(self) -> list[dict[str, Any]]:
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
        return rows

    def previous_results(self) -> dict[str, Any] | None:
        """The previous period's results.json (latest succeeded run), if any."""
        if "previous" in self._kept:
            previous: dict[str, Any] | None = self._kept["previous"]
            return previous
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
            timezone=self.ws.config.timezone,
        )
        write_results(self.output_dir / "results.json", data)
        return data

    def _identity(self) -> tuple[str, str, str]:
        return self.system.id, self.period.label, self.template

    def _keep(self, computed: Computed) -> dict[str, Any]:
        return self.save(computed.indicators, computed.sections, computed.notes)

    def _take(self, path: Path, data: dict[str, Any]) -> None:
        """What the worker read from the evidence store, when it left it beside the results (else the
        kernel reads the store itself)."""
        kept = _load_kept(path.with_name(PRESENTED_FILE), required=False)
        if isinstance(kept, dict):
            self._kept = {k: v for k, v in kept.items() if k in SYSTEM_KEPT}
        super()._take(path, data)

    def keep_presented(self) -> Path:
        """In the runner's worker, after :meth:`results`: read this job's history and previous results from
        the evidence store and leave them beside results.json (:data:`PRESENTED_FILE`), so the kernel that
        presents opens no store (the job's own record is appended only after its notebook has run)."""
        return self._dump_kept({"history": self._history_rows(), "previous": self.previous_results()})


@dataclass
class PortfolioContext(_Context):
    """The context of a portfolio template (``sustainability``, ``review``): the whole inventory, read from
    the evidence store and the workspace files. After :meth:`results`, :attr:`presented` is the object the
    template presents and :attr:`paths` the files its computation wrote (see
    :class:`govreport.assessments.registry.Presented`)."""

    presented: Any = field(default=None, kw_only=True)
    _view: Any = field(default=None, kw_only=True, repr=False, compare=False)
    paths: dict[str, Path] = field(default_factory=dict, kw_only=True)

    def _identity(self) -> tuple[str, str, str]:
        return "portfolio", self.period.label, self.template

    def _keep(self, computed: Presented) -> dict[str, Any]:
        self.presented, self.paths, self._view = computed.presented, computed.paths, None
        return computed.results

    def _take(self, path: Path, data: dict[str, Any]) -> None:
        """The worker left what the template presents beside the results (:meth:`keep_presented`)."""
        kept = _load_kept(path.with_name(PRESENTED_FILE), required=True)
        self.presented, self.paths = pickle.loads(kept["presented"]), kept["paths"]  # noqa: S301 - as _load_kept
        self._view = kept.get("view")
        super()._take(path, data)

    @property
    def view(self) -> Any:
        """What the template's cells present, as plain data (:func:`govreport.assessments.portfolio.view_of`):
        the sustainability report's view; the review as a dict and its links to each report."""
        if self._view is None:
            from ..assessments.portfolio import view_of

            self._view = view_of(self.template, self.presented, self.ws)
        return self._view

    def keep_presented(self) -> Path:
        """In the runner's worker, after :meth:`results`: write what the template presents beside
        results.json, for the kernel to take (:data:`PRESENTED_FILE`): its plain view, and the object
        itself pickled apart (unpickled only by a template that asks for ``ctx.presented``)."""
        blob = pickle.dumps(self.presented, protocol=pickle.HIGHEST_PROTOCOL)
        return self._dump_kept({"presented": blob, "paths": self.paths, "view": self.view})


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


@overload
def open_context(
    workspace: str | Path | None,
    system_id: str | None,
    period: str | None,
    output_dir: str | Path | None,
    template: Literal["sustainability", "review"],
    precomputed: None = None,
) -> PortfolioContext: ...


@overload
def open_context(
    workspace: str | Path | None,
    system_id: str | None,
    period: str | None,
    output_dir: str | Path | None,
    template: str,
    precomputed: str | Path | None = None,
) -> TemplateContext | PortfolioContext | PresentingContext: ...


def open_context(
    workspace: str | Path | None,
    system_id: str | None,
    period: str | None,
    output_dir: str | Path | None,
    template: str,
    precomputed: str | Path | None = None,
) -> TemplateContext | PortfolioContext | PresentingContext:
    """Resolve a template's parameters (see the module docstring for the defaults): a
    :class:`PortfolioContext` for a portfolio template (``system_id`` is then ignored), else a
    :class:`TemplateContext`. With ``precomputed`` (the runner's results.json, every other parameter
    given), a :class:`~govreport.run.presenting.PresentingContext` over the files the runner's worker wrote,
    which loads no workspace unless a cell asks for it."""
    every = workspace and period and output_dir and (template in PORTFOLIO_TEMPLATES or system_id)
    if precomputed is not None and every:
        found = open_presenting(workspace, system_id, period, output_dir, template, precomputed, open_context)  # type: ignore[arg-type]
        if found is not None:
            return found
    from ..workspace.config import Workspace, find_workspace  # lazy: pydantic, YAML
    from ..workspace.inventory import Inventory

    root = Path(workspace) if workspace else find_workspace()
    ws = Workspace.load(root)
    if template in PORTFOLIO_TEMPLATES:
        if not period:
            from ..assessments.portfolio import default_period  # lazy: reads the evidence store

            period = default_period(ws, template)
        p = parse_period(period)
        out = Path(output_dir) if output_dir else ws.state_dir / "scratch" / "portfolio" / p.label / template
        out.mkdir(parents=True, exist_ok=True)
        return PortfolioContext(ws, p, out, template)
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
    return TemplateContext(ws, p, out, template, system=system)
