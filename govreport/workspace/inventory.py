"""The AI-system inventory: one YAML file per system in ``systems/<id>.yaml``.

Each record holds what the norms ask of a system: names (zh-TW, English), owner and accountable executive
or committee (Art. 9), predictive or generative (Art. 2), the Art. 3 scope triggers and the six FSC risk
factors from which :func:`risk_tier` computes the tier and review frequency (Art. 3, 13), the third-party
vendor and its trace-log attestation (Art. 10, 14), customer-facing channels (Art. 11), the pre-launch
assessment (Art. 12), datasets and their data contracts, protected attributes (Art. 6) and threshold
overrides. The full field reference is in ``docs/inventory.md``.

The tier rule (documented in docs/inventory.md):

* each FSC factor is scored 1 (low) to 3 (high); the risk score is their sum (6–18);
* **high** when the score is ≥ 14, or a customer-facing system (factor 1 = 3) has broad impact
  (factor 5 = 3); **medium** when the score is ≥ 10; **low** otherwise;
* a system with no Art. 3 scope trigger is **out of scope** of the norms (still listed, reviewed yearly);
* review frequency: high every 3 months, medium every 6, low and out of scope every 12.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..core.model import Bilingual, ColumnLabels, Strict
from ..core.yamlio import load_model
from ..errors import GovreportError, InventoryError
from .config import TemplateName, Workspace
from .energy import Energy

__all__ = [
    "AISystem",
    "Inventory",
    "ProtectedAttribute",
    "Dataset",
    "ModelSpec",
    "RiskTier",
    "risk_tier",
    "SYSTEM_ID_PATTERN",
    "check_system_id",
    "DEFAULT_TEMPLATES",
]

SYSTEM_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_ID_RE = re.compile(SYSTEM_ID_PATTERN)
Factor = Annotated[int, Field(ge=1, le=3)]

#: Templates run for each kind of system unless the record lists its own.
DEFAULT_TEMPLATES: dict[str, list[str]] = {
    "predictive": ["model_risk"],
    "generative": ["genai_review"],
}

#: Art. 6 categories of protected attributes.
ART6_ATTRIBUTES = (
    "name",
    "nationality",
    "ethnicity",
    "birthplace_residence",
    "age",
    "sex",
    "physical_traits",
    "disability",
    "illness",
    "marital_status",
    "other",
)


def check_system_id(system_id: str) -> str:
    """Refuse ids that are not plain slugs (no ``../x``, slashes, spaces or capitals)."""
    if not isinstance(system_id, str) or not _ID_RE.match(system_id):
        raise InventoryError(
            f"'{system_id}' is not a valid system id",
            field="id",
            fix="use lower-case letters, digits, '-' and '_' only (e.g. card-default), at most 64 characters",
        )
    return system_id


class Person(Strict):
    name: str = Field(..., min_length=1)
    role: str = ""
    unit: str = ""


class Accountable(Strict):
    """Art. 9: the senior executive or committee that oversees the system."""

    name: str = Field(..., min_length=1)
    role: str = Field(..., min_length=1, description="e.g. 風險長 Chief Risk Officer, or 人工智慧委員會")
    committee: str = ""


class Scope(Strict):
    """Art. 3 triggers: any true brings the system into the norms' scope."""

    interacts_with_consumers: bool = False
    product_advice: bool = False
    customer_service: bool = False
    affects_transaction_rights: bool = False
    material_operational_impact: bool = False

    @property
    def in_scope(self) -> bool:
        return any(self.model_dump().values())


class RiskFactors(Strict):
    """The FSC guideline's six risk factors, each 1 (low) to 3 (high)."""

    customer_facing: Factor = Field(..., description="(1) serves customers directly")
    personal_data: Factor = Field(..., description="(2) amount of personal data used")
    autonomy: Factor = Field(..., description="(3) degree of autonomy")
    complexity: Factor = Field(..., description="(4) system complexity")
    impact: Factor = Field(..., description="(5) breadth and depth of impact on stakeholders")
    remedies: Factor = Field(..., description="(6) weakness of customer remedies (3 = few remedies)")


class Attestation(Strict):
    provided: bool = False
    date: dt.date | None = None
    document: str = ""


class Vendor(Strict):
    """Art. 10, 14: a third-party supplier of the AI system."""

    name: str = Field(..., min_length=1)
    country: str = ""
    trace_log_attestation: Attestation = Field(default_factory=Attestation)
    contract_clauses: list[str] = Field(default_factory=list)
    outsourcing_approved: bool | None = None


class Channel(Strict):
    """Art. 11: a channel through which customers meet the system."""

    name: str = Field(..., min_length=1)
    customer_facing: bool = True
    ai_disclosure: bool = False
    opt_out: bool = False
    alternative: str | None = Field(None, description="the non-AI alternative offered, e.g. 真人客服")


class Opinion(Strict):
    date: dt.date
    opinion: str = Field(..., min_length=1)
    by: str = ""


class PreLaunch(Strict):
    """Art. 12: assessment before launch, with opinions from the infosec, compliance and risk units."""

    go_live: dt.date | None = None
    areas: dict[
        Literal["data_governance", "infosec", "oversight", "consumer_protection", "incident_response"], bool
    ] = Field(default_factory=dict)
    opinions: dict[Literal["infosec", "compliance", "risk"], Opinion] = Field(default_factory=dict)

    def gaps(self) -> list[str]:
        """What the Art. 12 record still lacks (empty when complete)."""
        out = []
        for area in ("data_governance", "infosec", "oversight", "consumer_protection", "incident_response"):
            if not self.areas.get(area):  # type: ignore[call-overload]
                out.append(f"area {area} not assessed")
        for unit in ("infosec", "compliance", "risk"):
            op = self.opinions.get(unit)  # type: ignore[call-overload]
            if op is None:
                out.append(f"no {unit} opinion")
            elif self.go_live and op.date > self.go_live:
                out.append(f"{unit} opinion dated {op.date} after go-live {self.go_live}")
        return out


class Dataset(Strict):
    """A dataset the system trains on or scores; ``{period}`` in the path is filled in per run."""

    name: str = Field(..., pattern=r"^[A-Za-z0-9_-]+$")
    role: Literal["training", "reference", "scoring", "conversations", "other"]
    path: str = Field(..., min_length=1)
    format: Literal["csv", "parquet", "jsonl", "auto"] = "auto"
    encoding: str = "utf-8"
    contract: str | None = Field(None, description="name of a data contract in data_contracts/")

    def resolve(self, period: str) -> str:
        return self.path.replace("{period}", period)


class ModelSpec(Strict):
    """Which columns of the scoring data hold the outcome, the decision and the score; which version of the
    model scores (the training-data audit is recorded once per version and training data)."""

    version: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="the model version in production, e.g. 2024.1 (Art. 7, 12); its training set is a "
        "dataset with role: training",
    )
    label: str
    label_favourable: Any
    prediction: str
    prediction_favourable: Any
    score: str | None = None
    score_higher_is: Literal["favourable", "adverse"] = "adverse"
    features: list[str] = Field(default_factory=list)


class ProtectedAttribute(Strict):
    """Art. 6: an attribute to assess for fair treatment."""

    column: str = Field(..., min_length=1)
    category: Literal[ART6_ATTRIBUTES] = "other"  # type: ignore[valid-type]
    used_as_feature: bool = False
    justification: str | None = Field(None, description="required when used_as_feature (Art. 6)")
    bands: list[float] | None = Field(None, description="band edges for a continuous attribute such as age")
    label: Bilingual | None = Field(None, description="display name; overrides the data contract's")
    values: dict[str, Bilingual] = Field(
        default_factory=dict, description="value labels (code → {zh, en}); override the data contract's"
    )

    @field_validator("values", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        return ColumnLabels.model_validate({"values": v}).values if isinstance(v, dict) else v

    @field_validator("bands")
    @classmethod
    def _increasing(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and any(b >= a for a, b in zip(v[1:], v, strict=False)):
            raise ValueError("bands must be strictly increasing, e.g. [25, 35, 45, 55, 65]")
        return v


class FairnessSettings(Strict):
    """How fairness is assessed for the system (Art. 6)."""

    intersections: list[list[str]] | Literal["pairs", "none"] = Field(
        "pairs", description="intersections of protected attributes to assess: all pairs, none, or a list"
    )
    min_group_size: Annotated[int, Field(ge=1)] = Field(
        30, description="smaller groups are shown, not judged"
    )
    n_bootstrap: Annotated[int, Field(ge=0, le=5000)] = Field(200, description="bootstrap resamples for CIs")


class AISystem(Strict):
    """One AI system of the inventory (``systems/<id>.yaml``)."""

    id: str = Field(..., pattern=SYSTEM_ID_PATTERN)
    name_zh: str = Field(..., min_length=1)
    name_en: str = Field(..., min_length=1)
    kind: Literal["predictive", "generative"] = Field(..., description="Art. 2")
    lifecycle: Literal["development", "active", "retired"] = "active"
    description: str = ""
    owner: Person
    accountable: Accountable
    scope: Scope
    risk_factors: RiskFactors
    vendor: Vendor | None = None
    channels: list[Channel] = Field(default_factory=list)
    prelaunch: PreLaunch = Field(default_factory=PreLaunch)
    datasets: list[Dataset] = Field(default_factory=list)
    model: ModelSpec | None = None
    protected_attributes: list[ProtectedAttribute] = Field(default_factory=list)
    fairness: FairnessSettings = Field(default_factory=FairnessSettings)
    thresholds: dict[str, dict[str, Any]] = Field(default_factory=dict)
    templates: list[TemplateName] | None = None
    energy: Energy = Field(default_factory=Energy)
    last_review: dt.date | None = None
    adhoc: bool = Field(False, description="set by `govreport assess`: not an inventory entry, no tier")

    @model_validator(mode="after")
    def _consistent(self) -> AISystem:
        names = [d.name for d in self.datasets]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"dataset names must be unique; repeated: {', '.join(sorted(dupes))}")
        if self.kind == "predictive" and self.lifecycle == "active" and self.model is None:
            raise ValueError("an active predictive system needs a `model:` block (label, prediction columns)")
        return self

    # -- derived facts ------------------------------------------------------------------------------
    @property
    def tier(self) -> RiskTier:
        return risk_tier(self.scope, self.risk_factors)

    @property
    def applicable_templates(self) -> list[str]:
        return list(self.templates) if self.templates is not None else list(DEFAULT_TEMPLATES[self.kind])

    def dataset(self, role: str) -> Dataset | None:
        return next((d for d in self.datasets if d.role == role), None)

    def warnings(self) -> list[str]:
        """Gaps that do not stop a run but show in the reports (Art. 6, 11, 12)."""
        out = []
        for pa in self.protected_attributes:
            if pa.used_as_feature and not (pa.justification or "").strip():
                out.append(
                    f"protected attribute {pa.column} is a model feature without a recorded justification"
                )
        for ch in self.channels:
            if ch.customer_facing and not (ch.ai_disclosure and ch.opt_out and ch.alternative):
                out.append(f"channel {ch.name}: AI disclosure, opt-out or alternative missing (Art. 11)")
        if self.lifecycle == "active" and self.scope.in_scope:
            out.extend(f"pre-launch (Art. 12): {g}" for g in self.prelaunch.gaps())
        if self.vendor and not self.vendor.trace_log_attestation.provided:
            out.append(f"vendor {self.vendor.name}: no trace-log attestation (Art. 10)")
        return out

    def public_summary(self) -> dict[str, Any]:
        """What results.json and the reports record about the system."""
        t = self.tier
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind,
            "lifecycle": self.lifecycle,
            "tier": "unassessed" if self.adhoc else t.tier,
            "risk_score": None if self.adhoc else t.score,
            "review_months": t.review_months,
            "in_scope": t.in_scope,
            "owner": self.owner.model_dump(),
            "accountable": self.accountable.model_dump(),
            "vendor": self.vendor.name if self.vendor else None,
        }


@dataclass(frozen=True)
class RiskTier:
    tier: Literal["high", "medium", "low", "out_of_scope"]
    score: int
    review_months: int
    in_scope: bool
    reason: str


def risk_tier(scope: Scope, factors: RiskFactors) -> RiskTier:
    """The documented tier rule (see the module docstring and docs/inventory.md)."""
    f = factors.model_dump()
    score = sum(f.values())
    if not scope.in_scope:
        return RiskTier("out_of_scope", score, 12, False, "no Art. 3 scope trigger")
    if score >= 14:
        return RiskTier("high", score, 3, True, f"risk score {score} ≥ 14")
    if f["customer_facing"] == 3 and f["impact"] == 3:
        return RiskTier("high", score, 3, True, "customer-facing with broad impact")
    if score >= 10:
        return RiskTier("medium", score, 6, True, f"risk score {score} ≥ 10")
    return RiskTier("low", score, 12, True, f"risk score {score} < 10")


_TIER_ORDER = {"high": 0, "medium": 1, "low": 2, "out_of_scope": 3}


class Inventory:
    """All systems of a workspace, and the files that failed to load."""

    def __init__(
        self, systems: dict[str, AISystem], errors: dict[str, GovreportError], files: dict[str, Path]
    ):
        self.systems = systems
        self.errors = errors
        self.files = files

    @classmethod
    def load(cls, ws: Workspace) -> Inventory:
        systems: dict[str, AISystem] = {}
        errors: dict[str, GovreportError] = {}
        files: dict[str, Path] = {}
        if not ws.systems_dir.is_dir():
            return cls(systems, errors, files)
        for path in sorted([*ws.systems_dir.glob("*.yaml"), *ws.systems_dir.glob("*.yml")]):
            key = path.stem
            try:
                system = load_system(path)
            except GovreportError as e:
                errors[key] = e
                continue
            if system.id in systems:
                errors[key] = InventoryError(
                    f"system id '{system.id}' is also used by {files[system.id].name}",
                    file=path,
                    field="id",
                    fix="give each system a unique id",
                )
                continue
            systems[system.id] = system
            files[system.id] = path
        return cls(systems, errors, files)

    def ordered(self) -> list[AISystem]:
        """Highest tier first, then by id."""
        return sorted(self.systems.values(), key=lambda s: (_TIER_ORDER[s.tier.tier], s.id))

    def get(self, system_id: str) -> AISystem:
        check_system_id(system_id)
        if system_id in self.systems:
            return self.systems[system_id]
        if system_id in self.errors:
            raise self.errors[system_id]
        known = ", ".join(sorted(self.systems)) or "none"
        raise InventoryError(
            f"unknown system id '{system_id}'",
            field="--system",
            fix=f"known systems: {known} (see `govreport systems list`)",
        )


def load_system(path: Path) -> AISystem:
    """Load and validate one ``systems/<id>.yaml``; the file name must match the id."""
    system = load_model(path, AISystem, InventoryError)
    if system.id != path.stem:
        raise InventoryError(
            f"id '{system.id}' does not match the file name",
            file=path,
            field="id",
            fix=f"rename the file to {system.id}.yaml or set id: {path.stem}",
        )
    return system
