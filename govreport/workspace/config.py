"""The workspace: the folder a bank keeps in its own git repository.

Layout (``govreport init DIR`` creates it)::

    govreport.yaml        workspace settings (this module's WorkspaceConfig; ``engine:`` moves the
                          model-risk indicators to Spark, see EngineSettings and docs/engines.md)
    systems/*.yaml        the AI-system inventory, one file per system (govreport.workspace.inventory)
    data_contracts/       data contracts and their Great Expectations suites
    scheduled/*.yaml      schedules
    templates_nb/         optional: notebook templates that override the packaged ones by file name
    data/                 datasets, if the bank keeps them here (any path or URL works)
    reports/              outputs, reports/<period>/<system>/<template>/v<N>/ (configurable)
    .govreport/           the default SQLite evidence store and working files (do not commit)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator

from ..core.model import Strict
from ..core.resources import bundled_dir
from ..core.yamlio import load_model
from ..errors import ConfigError, TemplateError

if TYPE_CHECKING:
    from ..core.signing import SigningConfig

__all__ = [
    "Workspace",
    "WorkspaceConfig",
    "RunSettings",
    "NotifySettings",
    "SmtpSettings",
    "EngineSettings",
    "SparkSettings",
    "find_workspace",
    "as_workspace",
    "CONFIG_FILE",
    "PLACEHOLDER_NAME_ZH",
    "PLACEHOLDER_NAME_EN",
    "check_template_name",
    "TemplateName",
]

CONFIG_FILE = "govreport.yaml"
_EVIDENCE_ENV = "GOVREPORT_EVIDENCE_URL"
#: what ``govreport init`` writes when no bank name was given: ``systems check``, ``review`` and ``publish``
#: warn while either is still in govreport.yaml, so no report silently carries a made-up name
PLACEHOLDER_NAME_ZH = "（請填寫銀行名稱）"
PLACEHOLDER_NAME_EN = "(bank name not set)"


#: a template is a name, never a path: a packaged template or a notebook in the workspace's templates_nb/
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\.ipynb)?")


def check_template_name(name: str) -> str:
    """``name`` if it is a template name (letters, digits, ``-``, ``_``; optionally ``.ipynb``); else
    ValueError.

    Anything with a separator, ``..`` or an absolute path is refused: a template runs code, so it may only
    come from the packaged templates or the workspace's own ``templates_nb/`` (issue 19).
    """
    if not isinstance(name, str) or not _TEMPLATE_NAME.fullmatch(name):
        raise ValueError(
            f"template {name!r} is not a template name (a path or unusual characters); use the "
            "name of a packaged template or of a notebook in templates_nb/, e.g. model_risk"
        )
    return name


#: a ``templates:`` entry of a system or schedule file: errors name that entry's line
TemplateName = Annotated[str, AfterValidator(check_template_name)]


class RunSettings(Strict):
    """How notebooks are executed."""

    kernel: str = Field("python3", description="Jupyter kernel name; checked before any run starts")
    cell_timeout: Annotated[int, Field(gt=0)] = Field(600, description="seconds one cell may take")
    notebook_timeout: Annotated[int, Field(gt=0)] = Field(1800, description="seconds one notebook may take")
    parallelism: Annotated[int, Field(ge=1, le=64)] = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
        description="systems run at once (default: the number of cores, at most 4)",
    )


class SigningSettings(Strict):
    """``evidence.signing``: the Ed25519 key that signs every evidence record (docs/evidence.md).

    The private key stays outside the workspace: a PEM file (``key_file``, mode 600) or an environment
    variable (``key_env``) holding the PEM or the path of the file. ``public_key`` (printed by
    ``govreport evidence keygen``) is what ``verify`` checks every signature with; a copy of the workspace
    that names only the public key can verify but not write.
    """

    public_key: str = Field(
        ..., min_length=64, description="ed25519:<64 hex>, printed by `govreport evidence keygen`"
    )
    key_file: str | None = Field(None, description="path of the private key (PEM), outside the workspace")
    key_env: str | None = Field(
        None, description="environment variable holding the private key PEM or its path"
    )

    @field_validator("key_env")
    @classmethod
    def _one_source(cls, value: str | None, info: Any) -> str | None:
        if value and info.data.get("key_file"):
            raise ValueError("name either key_file or key_env, not both")
        return value


class EvidenceSettings(Strict):
    signing: SigningSettings | None = Field(
        None, description="sign every record (Ed25519); see docs/evidence.md"
    )
    url: str | None = Field(
        None,
        description="SQLAlchemy URL of the evidence store; default SQLite at .govreport/evidence.db. "
        "Keep passwords out of this file: use url_env.",
    )
    url_env: str | None = Field(None, description="name of an environment variable holding the URL")


class SmtpSettings(Strict):
    """Where schedule notifications are sent from. Secrets come from the environment, never from this file."""

    host: str = Field(..., min_length=1)
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: str = Field("starttls", pattern=r"^(starttls|ssl|none)$", description="starttls, ssl or none")
    sender: str = Field(..., min_length=3, description="From: address, e.g. ai-governance@bank.example")
    username_env: str | None = Field(None, description="environment variable holding the SMTP user name")
    password_env: str | None = Field(None, description="environment variable holding the SMTP password")
    timeout: Annotated[float, Field(gt=0)] = 30.0


class NotifySettings(Strict):
    """How people are told that scheduled reports are ready (recipients are set per schedule)."""

    smtp: SmtpSettings | None = None
    report_base_url: str = Field(
        "", description="prefix for links to reports (an intranet URL or file share); default: local paths"
    )


class SparkSettings(Strict):
    """How govreport creates its Spark session (govreport.yaml ``engine: {spark: …}``)."""

    master: str = Field(
        "local[*]", description="Spark master URL: local[*], spark://host:7077, yarn, k8s://…"
    )
    app_name: str = Field("govreport", description="application name shown in the Spark UI")
    conf: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="spark.* settings, e.g. {spark.executor.memory: 8g}"
    )


class EngineSettings(Strict):
    """Where the model-risk indicators are computed (``engine:`` in govreport.yaml, docs/engines.md).

    ``kind: spark`` moves fairness, model quality, drift, the proxy scan and the data contracts of every
    predictive system to Spark (the inventory's Parquet datasets read as ``spark+parquet:``; ``spark:`` and
    ``spark+parquet:`` datasets are read by Spark whatever the kind); explainability runs on a sample of
    ``explain_sample_rows`` rows. The reports stay the same.
    ``spark`` is a :class:`SparkSettings`, validated when given.
    """

    kind: Literal["pandas", "spark"] = Field("pandas", description="pandas (in the notebook) or spark")
    spark: Any = Field(None, description="Spark session settings: master, app_name, conf (SparkSettings)")
    score_bins: Annotated[int, Field(ge=2)] | None = Field(
        None,
        description="count the score in this many bins on Spark (binned AUC, bound reported); "
        "default: exact AUC",
    )
    explain_sample_rows: Annotated[int, Field(ge=100)] = Field(
        100_000,
        description="explainability (permutation importance, reason codes) of a Spark dataset runs on "
        "a deterministic sample of this many rows, pulled into the notebook (all rows when there are fewer)",
    )

    @field_validator("spark", mode="before")
    @classmethod
    def _spark(cls, value: Any) -> Any:
        if value is None:
            return None
        return SparkSettings.model_validate(value)

    def spark_settings(self) -> SparkSettings:
        """The Spark settings (defaults when ``spark:`` is not given)."""
        return self.spark if self.spark is not None else SparkSettings()


class WorkspaceConfig(Strict):
    """``govreport.yaml``."""

    name_zh: str = Field(..., min_length=1, description="bank or workspace name in Traditional Chinese")
    name_en: str = Field(..., min_length=1)
    preparer: str = Field("", description="who prepares the periodic reports (cover page)")
    classification_zh: str = Field(
        "機密", min_length=1, description="classification on every page of the Word and PDF editions"
    )
    classification_en: str = Field("Confidential", min_length=1)
    reports_dir: str = "reports"
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings)
    run: RunSettings = Field(default_factory=RunSettings)
    default_language: str = Field("zh-TW", pattern=r"^(zh-TW|en)$")
    notify: NotifySettings = Field(default_factory=NotifySettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)


class Workspace:
    """An opened workspace: its root folder and validated settings."""

    def __init__(self, root: Path, config: WorkspaceConfig) -> None:
        self.root = root
        self.config = config

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def load(cls, root: str | Path | None = None) -> Workspace:
        """Open the workspace at ``root`` (default: the current directory)."""
        root = Path(root or ".").resolve()
        cfg = root / CONFIG_FILE
        if not root.is_dir():
            raise ConfigError(
                "workspace folder does not exist", file=root, fix="create one with `govreport init DIR`"
            )
        if not cfg.exists():
            raise ConfigError(
                f"not a govreport workspace (no {CONFIG_FILE})",
                file=root,
                fix="run `govreport init DIR`, or pass --workspace pointing at one",
            )
        return cls(root, load_model(cfg, WorkspaceConfig))

    def warnings(self) -> list[str]:
        """Settings that are valid but not ready for a report a bank hands out (one line each)."""
        cfg = self.root / CONFIG_FILE
        return [
            f"{cfg}: field '{field}' is still the placeholder {value!r} — set the bank's name there "
            "before reports go out"
            for field, value, placeholder in (
                ("name_zh", self.config.name_zh, PLACEHOLDER_NAME_ZH),
                ("name_en", self.config.name_en, PLACEHOLDER_NAME_EN),
            )
            if value.strip() == placeholder
        ]

    # -- folders ------------------------------------------------------------------------------------
    @property
    def systems_dir(self) -> Path:
        return self.root / "systems"

    @property
    def contracts_dir(self) -> Path:
        return self.root / "data_contracts"

    @property
    def schedules_dir(self) -> Path:
        return self.root / "scheduled"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates_nb"

    @property
    def reports_dir(self) -> Path:
        return self.resolve(self.config.reports_dir)

    @property
    def state_dir(self) -> Path:
        return self.root / ".govreport"

    def resolve(self, path: str | Path) -> Path:
        """A path from a workspace file: relative paths are relative to the workspace root."""
        p = Path(path)
        return p if p.is_absolute() else self.root / p

    def report_dir(self, *parts: str) -> Path:
        """``reports/<parts…>``, resolved and checked to lie under the reports folder before anything is
        written there (a part with a separator or ``..`` could otherwise point anywhere)."""
        base = self.reports_dir.resolve()
        target = base.joinpath(*parts).resolve()
        if (
            target == base
            or not target.is_relative_to(base)
            or any(p in ("", ".", "..") or "/" in p or "\\" in p for p in parts)
        ):
            raise ConfigError(
                f"output path {'/'.join(parts)!r} would lie outside {base}",
                field="templates",
                fix="use plain template names, system ids and periods",
            )
        return target

    def relative(self, path: Path) -> str:
        """``path`` relative to the root when inside it (what the evidence store records)."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- evidence store -----------------------------------------------------------------------------
    @property
    def evidence_url(self) -> str:
        ev = self.config.evidence
        if ev.url_env:
            url = os.environ.get(ev.url_env)
            if not url:
                raise ConfigError(
                    f"environment variable {ev.url_env} is not set",
                    file=self.root / CONFIG_FILE,
                    field="evidence.url_env",
                    fix=f"export {ev.url_env}=postgresql+psycopg://user:pass@host/db",
                )
            return url
        if os.environ.get(_EVIDENCE_ENV):
            return os.environ[_EVIDENCE_ENV]
        if ev.url:
            return ev.url
        return f"sqlite:///{(self.state_dir / 'evidence.db').as_posix()}"

    def signing(self) -> SigningConfig | None:
        """``evidence.signing`` resolved (the key is read only when a record is signed); ``None`` when
        absent."""
        cfg = self.config.evidence.signing
        if cfg is None:
            return None
        # the signing module imports cryptography: only for a workspace that signs
        from ..core.signing import SigningConfig, key_from_env, key_from_file, parse_public_key

        source = str(self.root / CONFIG_FILE)
        load = None
        if cfg.key_file:
            load = key_from_file(self.resolve(cfg.key_file), workspace=self.root, source=source)
        elif cfg.key_env:
            load = key_from_env(cfg.key_env, workspace=self.root, source=source)
        return SigningConfig(parse_public_key(cfg.public_key, where=source), load, source)

    # -- templates ----------------------------------------------------------------------------------
    def template_path(self, name: str) -> Path:
        """The notebook for template ``name``: the workspace's override if present, else the packaged one."""
        try:
            check_template_name(name)
        except ValueError as e:
            raise TemplateError(str(e), field="templates", fix="see `govreport templates`") from None
        filename = name if name.endswith(".ipynb") else f"{name}.ipynb"
        own = self.templates_dir / filename
        if own.is_file():
            return own
        packaged = bundled_dir("templates_nb") / filename
        if packaged.is_file():
            return packaged
        available = sorted(p.stem for p in bundled_dir("templates_nb").glob("*.ipynb"))
        raise TemplateError(
            f"template '{name}' not found in {self.templates_dir} or the packaged templates",
            field="templates",
            fix=f"use one of: {', '.join(available)}",
        )


def find_workspace(start: str | Path | None = None) -> Path:
    """Walk up from ``start`` (default: the current directory, or $GOVREPORT_WORKSPACE) to govreport.yaml.

    Lets a template opened in JupyterLab anywhere inside a workspace find it with its default parameters.
    """
    env = os.environ.get("GOVREPORT_WORKSPACE")
    here = Path(start or env or ".").resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_FILE).is_file():
            return d
    raise ConfigError(
        f"no {CONFIG_FILE} in {here} or any folder above it",
        fix="open the notebook inside a workspace, or set the `workspace` parameter",
    )


def as_workspace(workspace: Workspace | str | Path) -> Workspace:
    """``workspace`` itself, or the workspace loaded from a folder (every public function takes either)."""
    return workspace if isinstance(workspace, Workspace) else Workspace.load(workspace)
