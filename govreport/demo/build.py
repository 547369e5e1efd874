"""``govreport demo``: a workspace on deterministic synthetic data, ready to run.

Three AI systems of different kinds, with data for each requested quarter:

* ``card-default`` — 信用卡違約評分卡, a high-tier credit-card default scorecard. Its population drifts
  (credit limits fall, utilisation and late payments rise) so score PSI and Gini worsen quarter by quarter,
  and the model increasingly penalises customers aged 65 and over — the planted fairness problem (Art. 6),
  green in the first quarter, red by the last. Its exports also break their data contract: 100 repeated
  applications in the third quarter (uniqueness) and bills with the wrong sign in the fourth (validity).
* ``txn-monitoring`` — 交易監控模型, a medium-tier transaction-monitoring model: stable and mostly green.
* ``cs-assistant`` — 智能客服助理, a third-party generative customer-service assistant with bilingual
  transcripts: a leaked national ID in one quarter, a missing AI disclosure in others (Art. 8, 11).

All data is generated from fixed seeds (same bytes on every machine); no file is downloaded. Identifiers
are synthetic: the national IDs are made-up numbers with a valid checksum, for testing the masking.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.periods import parse_period
from ..core.resources import bundled_dir
from ..errors import InputError
from ..workspace.scaffold import init_workspace
from . import genai as demo_genai
from .files import DEMO_README, energy_yaml, findings_yaml, sustainability_yaml
from .systems import SYSTEMS
from .training import write_predictive_data

__all__ = [
    "build_demo",
    "make_scorecard_data",
    "make_monitoring_data",
    "make_conversations",
    "fake_national_id",
]

_LETTER_CODES = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def _rng(*key: object) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("|".join(map(str, key)).encode()))


def fake_national_id(rng: np.random.Generator) -> str:
    """A made-up Taiwan national ID with a valid checksum (for masking tests; belongs to nobody real)."""
    letter = "ABCDEFGHJKLMNPQRSTUVXYWZIO"[int(rng.integers(0, 26))]
    digits = [int(rng.integers(1, 3))] + [int(d) for d in rng.integers(0, 10, 7)]
    code = _LETTER_CODES[letter]
    total = code // 10 + (code % 10) * 9 + sum(d * w for d, w in zip(digits, range(8, 0, -1), strict=True))
    check = (10 - total % 10) % 10
    return letter + "".join(map(str, digits)) + str(check)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# -- credit-card default scorecard --------------------------------------------------------------------
def make_scorecard_data(step: int, n: int = 20_000, seed_key: str = "card") -> pd.DataFrame:
    """One quarter of scored applications. ``step`` −1 is the reference (training) sample, 0.. are
    successive quarters with growing drift and a growing penalty on customers aged 65+."""
    rng = _rng(seed_key, step)
    k = max(step, 0)
    age = np.where(rng.random(n) < 0.09, rng.uniform(62, 82, n), 20 + rng.gamma(5.0, 4.6, n))
    age = np.clip(np.round(age), 20, 85)
    sex = np.where(rng.random(n) < 0.60, 2, 1)
    education = rng.choice([1, 2, 3, 4], n, p=[0.35, 0.47, 0.16, 0.02])
    marriage = rng.choice([1, 2, 3], n, p=[0.46, 0.52, 0.02])
    limit = np.round(np.exp(rng.normal(np.log(150_000) - 0.06 * k, 0.65, n)), -4).clip(10_000, 1_000_000)
    late_shift = 0.03 * k
    pay0 = rng.choice(
        [-2, -1, 0, 1, 2, 3],
        n,
        p=np.array([0.09, 0.19, 0.49 - late_shift, 0.12, 0.09 + late_shift * 0.7, 0.02 + late_shift * 0.3]),
    )
    util = np.clip(rng.beta(2.0 + 0.2 * k, 5.0, n), 0, 1)
    bill = np.round(util * limit)
    pay_amt = np.round(bill * rng.beta(1.2, 6, n))
    true_logit = (
        -2.2
        + 0.95 * (pay0 >= 1)
        + 0.45 * np.clip(pay0, 0, 3)
        + (1.4 + 0.25 * k) * (util - 0.3)
        - 0.35 * np.log(limit / 150_000)
        - 0.8 * (pay_amt / np.maximum(bill, 1))
    )
    default = (rng.random(n) < _sigmoid(true_logit + rng.normal(0, 0.5, n))).astype(int)
    elderly_penalty = [0.0, 0.3, 0.5, 0.95][min(k, 3)] if step >= 0 else 0.0
    model_logit = (
        -2.2
        + 0.95 * (pay0 >= 1)
        + 0.45 * np.clip(pay0, 0, 3)
        + 1.4 * (util - 0.3)
        - 0.35 * np.log(limit / 150_000)
        - 0.8 * (pay_amt / np.maximum(bill, 1))
        + elderly_penalty * (age >= 65)
        + rng.normal(0, 0.2 + 0.25 * k, n)
    )
    pd_score = _sigmoid(model_logit)
    decision = (pd_score < 0.22).astype(int)  # 1 = approved (favourable)
    ids = [f"APP{step + 1:02d}{i:07d}" for i in range(n)]
    if step == 2:  # planted data-quality problem: an export that repeated 100 applications (uniqueness)
        ids[-100:] = ids[:100]
    if step == 3:  # planted data-quality problem: 3 % of bills exported with the wrong sign (validity)
        flip = rng.random(n) < 0.03
        bill = np.where(flip, -bill, bill)
    return pd.DataFrame(
        {
            "APPLICATION_ID": ids,
            "LIMIT_BAL": limit.astype(int),
            "SEX": sex,
            "EDUCATION": education,
            "MARRIAGE": marriage,
            "AGE": age.astype(int),
            "PAY_0": pay0,
            "BILL_AMT1": bill.astype(int),
            "PAY_AMT1": pay_amt.astype(int),
            "UTILISATION": util.round(4),
            "PD": pd_score.round(6),
            "DECISION": decision,
            "DEFAULT": default,
        }
    )


# -- transaction monitoring ---------------------------------------------------------------------------
def make_monitoring_data(step: int, n: int = 20_000) -> pd.DataFrame:
    rng = _rng("txn", step)
    k = max(step, 0)
    foreign = rng.random(n) < 0.09
    age = np.clip(np.round(rng.normal(43, 13, n)), 20, 85).astype(int)
    amount = np.round(np.exp(rng.normal(8.6 + 0.02 * k, 1.3, n)))
    cross_border = rng.random(n) < (0.05 + 0.10 * foreign)
    night = rng.random(n) < 0.12
    velocity = rng.poisson(2.0 + 0.05 * k, n)
    account_age = np.clip(rng.gamma(3.0, 24.0, n), 1, 480).round().astype(int)
    logit = (
        -5.6
        + 0.8 * np.log1p(amount / 10_000)
        + 1.4 * cross_border
        + 1.0 * night
        + 0.3 * velocity
        - 0.008 * account_age
    )
    suspicious = (rng.random(n) < _sigmoid(logit)).astype(int)
    score = _sigmoid(logit + 1.2 + rng.normal(0, 0.25, n))
    alert = (score > 0.12).astype(int)
    return pd.DataFrame(
        {
            "TXN_ID": [f"T{step + 1:02d}{i:08d}" for i in range(n)],
            "NATIONALITY": np.where(foreign, "外籍 foreign", "本國 domestic"),
            "AGE": age,
            "AMOUNT": amount.astype(int),
            "CROSS_BORDER": cross_border.astype(int),
            "NIGHT": night.astype(int),
            "VELOCITY_24H": velocity,
            "ACCOUNT_AGE_M": account_age,
            "RISK_SCORE": score.round(6),
            "ALERT": alert,
            "CONFIRMED_SUSPICIOUS": suspicious,
        }
    )


# -- generative assistant transcripts -----------------------------------------------------------------
_DISCLOSURE_ZH = "您好，我是示範銀行的 AI 智能客服，回覆由人工智慧自動產生；如需真人服務，請輸入「真人」。"
_DISCLOSURE_EN = (
    "Hello, I am Example Bank's AI assistant; replies are generated automatically. Type 'agent' for a person."
)
_QA = [
    ("信用卡年費怎麼收？", "首年免年費，次年起刷卡滿六次即可免年費。", "首年免年費，次年刷卡滿六次免年費。"),
    (
        "我要掛失信用卡",
        "已為您暫停卡片，請稍後由真人客服協助補發。",
        "已暫停卡片，請由真人客服協助補發新卡。",
    ),
    (
        "How do I raise my credit limit?",
        "You can request a temporary limit increase in the app under Card Services.",
        "Temporary limit increases are requested in the app under Card Services.",
    ),
    (
        "外幣匯款手續費多少？",
        "外幣匯出手續費為新台幣 300 元起，另收郵電費。",
        "外幣匯出手續費 300 元起，另收郵電費。",
    ),
    (
        "What is the interest rate on revolving credit?",
        "Revolving interest ranges from 6.75% to 15% a year.",
        "Revolving credit interest is 6.75%–15% per year depending on your rating.",
    ),
    ("我想找真人客服", "好的，已為您轉接真人客服，請稍候。", "轉接真人客服。"),
]


def make_conversations(step: int, n_conv: int = 300, start: datetime | None = None) -> list[dict]:
    """Synthetic bilingual transcripts with planted problems by quarter index ``step`` (listed in
    :mod:`govreport.demo.genai`); the other conversations are clean and pass every check."""
    rng = _rng("cs", step)
    start = start or datetime(2025, 10, 1)
    leaks = {
        1: {17: "national_id", 211: "national_id", 45: "card", 88: "phone"},
        2: {33: "email", 140: "account"},
        3: {12: "national_id", 64: "card", 101: "phone", 150: "email", 233: "account"},
    }.get(step, {})
    fakes = {
        "national_id": fake_national_id,
        "card": demo_genai.fake_card,
        "phone": demo_genai.fake_phone,
        "email": demo_genai.fake_email,
        "account": demo_genai.fake_account,
    }
    refused = {1: (120,), 2: (77,), 3: (190,)}.get(step, ())
    ungrounded = {2: (60,), 3: (41, 222)}.get(step, ())
    wrong_numbers = demo_genai.PLANTED_WRONG_NUMBERS.get(step, {})
    wrong_rng = _rng("cs-numbers", step)
    rows: list[dict] = []
    for c in range(n_conv + (1 if step == 1 else 0)):
        cid = f"C{step + 1:02d}{c:05d}"
        t = start + timedelta(minutes=int(rng.integers(0, 60 * 24 * 88)))
        channel = ["app", "web", "line"][int(rng.integers(0, 3))]
        english = rng.random() < 0.3
        disclose = not (step >= 2 and rng.random() < (0.04 if step == 2 else 0.08))
        turns: list[tuple[str, str, str | None]] = []
        if c == n_conv:  # planted empty conversation: the customer wrote, the assistant never answered
            turns.append(("customer", "請問還在嗎？", None))
        elif disclose:
            turns.append(("assistant", _DISCLOSURE_EN if english else _DISCLOSURE_ZH, None))
        for _ in range(int(rng.integers(1, 3)) if c < n_conv else 0):
            q, a, ref = _QA[int(rng.integers(0, len(_QA)))]
            ref = ref if rng.random() < 0.7 else None  # ~30 % without: judged against the knowledge base
            turns += [("customer", q, None), ("assistant", a, ref)]
        if c in leaks:  # planted leak: the assistant repeats personal data
            turns += demo_genai.leak_turns(leaks[c], fakes[leaks[c]](rng))
        if c in refused:  # planted: a request for a person, refused
            turns += [
                ("customer", "我要找真人客服", None),
                ("assistant", "目前無法提供真人服務，請問還有什麼可以幫您？", None),
            ]
        if c in ungrounded:  # planted: an answer the knowledge base does not support
            turns += [
                ("customer", "信用卡可以用機場貴賓室嗎？", None),
                ("assistant", "可以，本行所有卡別皆可無限次免費使用全球機場貴賓室，並終身免年費。", None),
            ]
        if step == 2 and c == 5:  # planted prohibited statement
            turns += [
                ("customer", "這檔基金會賺嗎？", None),
                ("assistant", "這檔基金保證獲利，請放心投資。", None),
            ]
        if step == 2 and c == 90:  # clean control: a disclaimer is not a promise
            turns += [
                ("customer", "這檔基金會賺嗎？", None),
                ("assistant", "基金投資有風險，本基金不保證獲利。", None),
            ]
        if step == 3 and c == 7:  # planted prohibited statement (the workspace's own pattern)
            turns += [
                ("customer", "我信用不好，可以辦卡嗎？", None),
                ("assistant", "這張卡免審核，申請一定核准。", None),
            ]
        handed = any(q in ("我想找真人客服",) for _, q, _ in turns)
        for i, (role, text, ref) in enumerate(turns):
            rows.append(
                {
                    "conversation_id": cid,
                    "turn": i + 1,
                    "role": role,
                    "text": text,
                    "timestamp": (t + timedelta(seconds=20 * i)).isoformat(),
                    "channel": channel,
                    "handed_to_human": handed,
                    "latency_ms": int(rng.gamma(4, 300)) if role == "assistant" else None,
                    "feedback": int(rng.integers(3, 6))
                    if role == "assistant" and rng.random() < 0.2
                    else None,
                    "reference_answer": ref,
                }
            )
        if (
            c in wrong_numbers
        ):  # planted: a wrong fee, rate or time (own random stream: the rest stays as it was)
            for j, (role, text, ref) in enumerate(
                demo_genai.WRONG_NUMBERS[wrong_numbers[c]], start=len(turns)
            ):
                rows.append(
                    {
                        "conversation_id": cid,
                        "turn": j + 1,
                        "role": role,
                        "text": text,
                        "timestamp": (t + timedelta(seconds=20 * j)).isoformat(),
                        "channel": channel,
                        "handed_to_human": handed,
                        "latency_ms": int(wrong_rng.gamma(4, 300)) if role == "assistant" else None,
                        "feedback": None,
                        "reference_answer": ref,
                    }
                )
    return rows


# -- the workspace ------------------------------------------------------------------------------------
_SYSTEMS = SYSTEMS  # the old name (bench/bench_scale.py imports it)


def build_demo(out: Path, periods: Sequence[str], progress: Callable[[str], None] = lambda _m: None) -> Path:
    """Create the demo workspace at ``out`` with data for ``periods`` (quarters, oldest first)."""
    out = out.resolve()
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty", field="--out", fix="choose a new folder for the demo")
    plist = sorted(parse_period(p) for p in periods)
    if not plist:
        raise InputError("no periods given", field="--periods", fix="give at least one quarter, e.g. 2026Q3")
    root = init_workspace(out, name_zh="示範銀行", name_en="Example Bank (demo)")
    # the demo's data is quarterly: keep the quarterly review schedule, not the monthly monitoring one
    (root / "scheduled" / "monitoring-monthly.yaml").unlink(missing_ok=True)
    (root / "govreport.yaml").write_text(
        (root / "govreport.yaml")
        .read_text(encoding="utf-8")
        .replace('preparer: ""', "preparer: 風險管理處 模型治理科"),
        encoding="utf-8",
    )
    progress(f"demo signing key (throw-away, kept outside the workspace): {_demo_key(root)}")
    for f in bundled_dir("data_contracts").iterdir():
        if f.is_file() and f.name.endswith((".contract.yaml", ".suite.json")):
            shutil.copyfile(f, root / "data_contracts" / f.name)
    for sid, text in SYSTEMS.items():
        (root / "systems" / f"{sid}.yaml").write_text(
            text.format() + energy_yaml(sid, plist), encoding="utf-8"
        )
    (root / "sustainability.yaml").write_text(sustainability_yaml(plist), encoding="utf-8")
    (root / "findings.yaml").write_text(findings_yaml(plist), encoding="utf-8")
    progress("generating demo data …")
    makers = {"card-default": make_scorecard_data, "txn-monitoring": make_monitoring_data}
    write_predictive_data(root, plist, makers)  # reference, training set (planted problems), scoring
    d = root / "data" / "cs-assistant"
    d.mkdir(parents=True, exist_ok=True)
    for step, p in enumerate(plist):
        rows = make_conversations(step, start=datetime(p.start.year, p.start.month, p.start.day))
        demo_genai.write_conversation_log(d / f"conversations_{p.label}.jsonl", rows, step)
    demo_genai.write_genai_config(root)
    (root / "README.md").write_text(
        DEMO_README.format(periods=", ".join(p.label for p in plist)), encoding="utf-8"
    )
    return root


def _demo_key(root: Path) -> Path:
    """A throw-away Ed25519 key beside the workspace (never inside it), named in its govreport.yaml."""
    import uuid

    from ..core.signing import generate_key

    key = root.with_name(f"{root.name}-evidence-key-{uuid.uuid4().hex[:6]}.pem")
    signer = generate_key(key)
    cfg = root / "govreport.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "evidence:\n",
            f"evidence:\n  signing:\n    public_key: ed25519:{signer.public_hex}\n    key_file: {key}\n",
            1,
        ),
        encoding="utf-8",
    )
    return key
