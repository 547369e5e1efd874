"""``govreport init``: create an empty workspace with documented starting files."""

from __future__ import annotations

from pathlib import Path

from ..core.resources import bundled_dir
from ..errors import InputError
from .config import CONFIG_FILE, PLACEHOLDER_NAME_EN, PLACEHOLDER_NAME_ZH

__all__ = ["init_workspace", "WORKSPACE_YAML", "EXAMPLE_SYSTEM", "GITIGNORE"]

WORKSPACE_YAML = """\
# govreport workspace settings. Field reference: docs/workspace.md
name_zh: "{name_zh}"{name_note}
name_en: "{name_en}"
preparer: ""                 # who prepares the periodic review (cover page)
reports_dir: reports         # reports/<period>/<system>/<template>/v<N>/
default_language: zh-TW      # zh-TW or en
evidence:
  # Default: SQLite at .govreport/evidence.db. For PostgreSQL keep the password out of git:
  # url_env: GOVREPORT_EVIDENCE_URL   (postgresql+psycopg://user:pass@host/db in the environment)
  url: null
  # Sign every record (Ed25519; the private key outside the workspace): `govreport evidence keygen --out FILE`
  # prints the lines to put here (signing: public_key / key_file or key_env). docs/evidence.md
run:
  kernel: python3            # checked before any notebook starts
  cell_timeout: 600          # seconds one cell may take
  notebook_timeout: 1800     # seconds one notebook may take
  parallelism: 2             # systems run at once
# notify:                    # e-mail when scheduled runs finish (docs/schedules.md);
#                            # secrets from the environment
#   report_base_url: https://intranet.bank.example/ai-governance/reports/
#   smtp: {{host: smtp.bank.example, port: 587, security: starttls, sender: ai-governance@bank.example,
#          username_env: GOVREPORT_SMTP_USER, password_env: GOVREPORT_SMTP_PASSWORD}}
"""

EXAMPLE_SYSTEM = """\
# One file per AI system: systems/<id>.yaml, where <id> equals the id below.
# Copy this block into systems/<id>.yaml and fill it in; field reference: docs/inventory.md
id: example-scorecard
name_zh: 信用卡申請評分卡
name_en: Credit-card application scorecard
kind: predictive                  # Art. 2: predictive or generative
owner: {name: 王小明, role: 模型負責人 Model owner, unit: 風險管理處}
accountable: {name: 陳大華, role: 風險長 Chief Risk Officer, committee: 人工智慧治理委員會}   # Art. 9
scope:                            # Art. 3 triggers
  interacts_with_consumers: false
  product_advice: false
  customer_service: false
  affects_transaction_rights: true
  material_operational_impact: true
risk_factors: {customer_facing: 2, personal_data: 3, autonomy: 2, complexity: 2, impact: 3, remedies: 2}
prelaunch:                        # Art. 12
  go_live: 2024-01-15
  areas: {data_governance: true, infosec: true, oversight: true, consumer_protection: true,
    incident_response: true}
  opinions:
    infosec: {date: 2023-12-01, opinion: 同意上線 approved}
    compliance: {date: 2023-12-05, opinion: 同意上線 approved}
    risk: {date: 2023-12-08, opinion: 同意上線 approved}
datasets:
  - {name: reference, role: reference, path: data/example-scorecard/reference.parquet}
  - {name: scoring, role: scoring, path: "data/example-scorecard/scoring_{period}.parquet"}
model:
  label: DEFAULT                  # observed outcome
  label_favourable: 0             # no default
  prediction: DECISION            # the model's decision
  prediction_favourable: 1        # approved
  score: PD
  score_higher_is: adverse        # a higher PD is worse for the customer
  features: [LIMIT_BAL, PAY_0, UTILISATION]
protected_attributes:             # Art. 6
  - {column: SEX, category: sex}
  - {column: AGE, category: age, bands: [25, 35, 45, 55, 65]}
thresholds: {}                    # e.g. psi: {green: 0.08, red: 0.2}
"""


#: what a bank keeps out of git: the evidence store and working files, staging, and the published site
GITIGNORE = ".govreport/\nreports/.staging/\nsite/\n"


def init_workspace(root: Path, *, name_zh: str | None = None, name_en: str | None = None) -> Path:
    """Create a workspace at ``root``; refuse to touch a folder that already holds one.

    A name not given is written as a marked placeholder (:data:`~govreport.workspace.PLACEHOLDER_NAME_ZH`)
    that ``systems check``, ``review`` and ``publish`` warn about, never as a made-up bank's name."""
    root = root.resolve()
    if (root / CONFIG_FILE).exists():
        raise InputError(
            f"{root} is already a govreport workspace",
            file=root / CONFIG_FILE,
            fix="choose another folder, or edit the existing govreport.yaml",
        )
    for sub in ("systems", "data_contracts", "scheduled", "templates_nb", "data", "reports"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    placeholder = not (name_zh and name_en)
    text = WORKSPACE_YAML.format(
        name_zh=_yaml_text(name_zh or PLACEHOLDER_NAME_ZH),
        name_en=_yaml_text(name_en or PLACEHOLDER_NAME_EN),
        name_note="   # placeholder: set the bank's names here (reports show them)" if placeholder else "",
    )
    (root / CONFIG_FILE).write_text(text, encoding="utf-8")
    (root / "systems" / "README.md").write_text(
        "# AI-system inventory\n\nOne YAML file per system, named `<id>.yaml`. Example:\n\n```yaml\n"
        + EXAMPLE_SYSTEM
        + "```\n",
        encoding="utf-8",
    )
    (root / "templates_nb" / "README.md").write_text(
        "Notebook templates placed here override the packaged ones with the same file name.\n"
        "List the packaged ones with `govreport templates`.\n",
        encoding="utf-8",
    )
    for packaged in sorted(
        bundled_dir("scheduled").glob("*.yaml")
    ):  # the default schedules (docs/schedules.md)
        (root / "scheduled" / packaged.name).write_text(
            packaged.read_text(encoding="utf-8"), encoding="utf-8"
        )
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return root


def _yaml_text(value: str) -> str:
    """``value`` inside a double-quoted YAML scalar."""
    return value.replace("\\", "\\\\").replace('"', '\\"')
