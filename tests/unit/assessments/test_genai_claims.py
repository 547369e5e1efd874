"""Numeric claims (issue 25): extraction in zh-TW and English, the contradiction detector measured on a fixed
table, BM25 retrieval against the containment search it replaced, and the indicators in the review.

The table (tests/data/numeric_claims.jsonl, 60 rows, committed before the detector) holds assistant sentences
with their expected verdict: ``agree``, ``contradict``, ``unsupported`` or ``none`` (no numeric claim), and
either a ``reference`` answer or the id of the passage of tests/data/numeric_claims_kb.jsonl the sentence is
about (``kb: null`` when no passage covers it). A sentence's verdict is ``contradict`` if any of its claims
contradicts, else ``agree`` if any agrees, else ``unsupported`` if it has a claim, else ``none``.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from govreport.assessments.genai_checks import check_conversations
from govreport.assessments.genai_claims import compare_claims, extract_claims, parse_chinese_number
from govreport.assessments.genai_rules import KnowledgeBase, bigram_containment, bigrams
from govreport.core.status import threshold_for
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"


def _kb() -> KnowledgeBase:
    rows = [
        json.loads(x) for x in (DATA / "numeric_claims_kb.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return KnowledgeBase([(r["id"], r["text"]) for r in rows], "numeric_claims_kb.jsonl", "")


def _table() -> list[dict]:
    return [json.loads(x) for x in (DATA / "numeric_claims.jsonl").read_text(encoding="utf-8").splitlines()]


def _sentence_verdict(checks) -> str:
    v = [c.verdict for c in checks]
    return "contradict" if "contradict" in v else "agree" if "agree" in v else "unsupported" if v else "none"


def _one(text: str):
    claims = extract_claims(text)
    assert len(claims) == 1, [c.text for c in claims]
    c = claims[0]
    return c.kind, c.unit, c.low, c.high, c.bound


@pytest.mark.parametrize(
    "s, v",
    [
        ("一千二百", 1200),
        ("三百萬", 3_000_000),
        ("二萬五千", 25_000),
        ("十四", 14),
        ("三點五", 3.5),
        ("百", 100),
        ("兩千", 2000),
        ("一萬零五百", 10_500),
        ("七", 7),
        ("二〇二五", 2025),
    ],
)
def test_chinese_numerals(s, v):
    assert parse_chinese_number(s) == v
    assert parse_chinese_number("年費") is None


def test_extraction_reads_units_bounds_ranges_and_every_numeral_system():
    assert _one("年費新台幣１，２００元") == ("amount", "TWD", 1200, 1200, "eq")
    assert _one("額度最高三百萬元") == ("amount", "TWD", 3e6, 3e6, "max")
    assert _one("額度最高新台幣 300 萬元") == ("amount", "TWD", 3e6, 3e6, "max")
    assert _one("手續費 300 元起") == ("amount", "TWD", 300, 300, "min")
    assert _one("the setup fee is NT$5,000") == ("amount", "TWD", 5000, 5000, "eq")
    assert _one("年利率百分之三") == ("rate", "%", 3, 3, "eq")
    assert _one("年利率三厘") == ("rate", "%", 3, 3, "eq")
    assert _one("可貸房價的八成") == ("rate", "%", 80, 80, "eq")
    assert _one("年利率 2.5%") != _one("年利率 25%")
    assert _one("年利率 6.75% 至 15%") == ("rate", "%", 6.75, 15, "range")
    assert _one("ranges from 6.75% to 15% a year") == ("rate", "%", 6.75, 15, "range")
    assert _one("每日 9:00 至 21:00") == ("time", "clock", 540, 1260, "range")
    assert _one("費用 1000-2000 元") == (
        "amount",
        "TWD",
        1000,
        2000,
        "range",
    )  # a hyphen, yet no phone number
    assert _one("下午3點30分前") == ("time", "clock", 930, 930, "eq")
    assert _one("before 3:30 pm") == ("time", "clock", 930, 930, "eq")
    assert _one("每月 15 日") == ("dom", "dom", 15, 15, "eq")
    assert _one("於 2025/10/03 寄出") == ("date", "date", 20251003, 20251003, "eq")
    assert _one("新卡約七個工作天寄達") == ("duration", "workday", 7, 7, "eq")
    assert _one("七個工作天內寄出") == ("duration", "workday", 7, 7, "max")
    assert _one("貸款期間最長 7 年") == ("duration", "year", 7, 7, "max")
    assert _one("刷卡滿六次") == ("count", "次", 6, 6, "eq")
    assert _one("waived after six purchases") == ("count", "purchase", 6, 6, "eq")


@pytest.mark.parametrize(
    "text",
    [
        "請撥 0800-123-456 洽詢",
        "客服專線 02-2345-6789",
        "Call +886-2-2345-6789",
        "(02) 2345-6789 查詢",
        "手機 0912 345 678",
        "申請編號 A20250315001 已受理",
        "交易序號 20251003123456 已完成",
        "卡號末四碼 1234 的卡片",
        "週一至週五營業",
        "您好，我是 AI 智能客服",
        "一定會為您處理",
        "客服專線 0800 服務",
    ],
)
def test_phone_numbers_identifiers_and_weekdays_are_not_claims(text):
    assert extract_claims(text) == []


def test_table_has_every_kind_of_row():
    rows = _table()
    kinds = {r["expect"] for r in rows}
    assert len(rows) >= 40 and kinds == {"agree", "contradict", "unsupported", "none"}
    assert sum(r["expect"] == "contradict" for r in rows) >= 15
    assert any("reference" in r for r in rows) and any(
        r.get("kb") is None and "reference" not in r for r in rows
    )


def test_contradiction_detector_precision_and_recall_on_the_table():
    """Each sentence is checked the way a log's answer is: against its reference answer, or else against the
    passage BM25 finds in the knowledge base (not the labelled one)."""
    kb = _kb()
    tp = fp = fn = correct = 0
    mistakes = []
    for r in _table():
        if "reference" in r:
            source = r["reference"]
        else:
            pid, _ = kb.search(r["claim"])
            if r.get("kb"):
                assert pid == r["kb"], (r["id"], pid)  # retrieval finds the passage the sentence is about
            source = kb.text_of(pid) if pid else ""
        got = _sentence_verdict(compare_claims(extract_claims(r["claim"]), extract_claims(source)))
        want = r["expect"]
        tp += got == want == "contradict"
        fp += got == "contradict" != want
        fn += want == "contradict" != got
        correct += got == want
        if got != want:
            mistakes.append((r["id"], want, got))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, mistakes)
    assert correct / len(_table()) >= 0.9, mistakes  # agree / unsupported / none too


def test_bm25_search_against_the_containment_score_it_replaced():
    """The old search (best bigram containment over all passages) is kept as ``best`` for this comparison.
    Both pick the labelled passage for every table sentence that has one; they part on sentences that no
    passage supports, where BM25 weighs rare terms and containment counts shared bigrams. Neither score
    sees a wrong number: 2.5 % and 25 % contain the same bigrams in the same proportion — the claim check
    does."""
    kb = _kb()
    for r in _table():
        if r.get("kb") and r["expect"] != "none":
            assert kb.search(r["claim"])[0] == kb.best(r["claim"])[1] == r["kb"], r["id"]
    disagree = [r["id"] for r in _table() if kb.search(r["claim"])[0] != kb.best(r["claim"])[1]]
    assert disagree == [44, 45], disagree  # both unsupported: lounge visits, 5 倍 bonus points
    right, wrong = "一年期定期存款年息 1.7%。", "一年期定期存款年息 17%。"
    passage = kb.text_of("deposit")
    assert (
        abs(
            bigram_containment(bigrams(right), bigrams(passage))
            - bigram_containment(bigrams(wrong), bigrams(passage))
        )
        < 0.1
    )
    verdicts = [c.verdict for c in compare_claims(extract_claims(wrong), extract_claims(passage))]
    assert verdicts == ["agree", "contradict"]  # 一年期 agrees, 17 % contradicts 1.7 %


def _conv(*turns, cid="c1", ref=None):
    rows = [{"conversation_id": cid, "turn": i + 1, "role": r, "text": t} for i, (r, t) in enumerate(turns)]
    if ref is not None:
        rows[-1]["reference_answer"] = ref
    return rows


HELLO = ("assistant", "您好，我是 AI 智能客服。")


def test_numeric_claims_in_the_review_indicators_examples_and_masking():
    kb = _kb()
    df = pd.DataFrame(
        _conv(HELLO, ("customer", "年費？"), ("assistant", "次年起未達六次者收取年費新台幣 1,200 元。"))
        + _conv(
            HELLO,
            ("customer", "客服幾點？"),
            ("assistant", "客服專線服務時間為每日 9:00 至 22:00。"),
            cid="c2",
        )
        + _conv(
            HELLO,
            ("customer", "查帳單"),
            ("assistant", "已查詢身分證 A123456789 的帳單，本期應繳 12,345 元。"),
            cid="c3",
        )
        + _conv(
            HELLO,
            ("customer", "預借現金？"),
            ("assistant", "預借現金手續費為預借金額的 5% 加 100 元。"),
            cid="c4",
            ref="預借現金手續費：預借金額 × 3.5% + 100 元。",
        )
    )
    r = check_conversations(df, knowledge_base=kb)
    c = r.counts
    # c1: 六次 and 1,200 元 agree; c2: 9:00–22:00 contradicts 9:00–21:00; c3: the bill is unsupported; c4: 5
    # % vs 3.5 %, 100 元 agrees
    assert (
        c["numeric_claims"],
        c["numeric_agreeing"],
        c["numeric_contradicting"],
        c["numeric_unsupported"],
    ) == (6, 3, 2, 1)
    assert c["numeric_contradicting_by_kind"] == {"rate": 1, "time": 1}
    ind = {i.id: i for i in r.indicators()}
    assert ind["numeric_claim_error_rate"].value == pytest.approx(2 / 6)
    assert ind["numeric_claim_error_rate"].status.value == "red"
    assert ind["numeric_claim_unsupported_rate"].value == pytest.approx(1 / 6)
    ex = r.numeric_claims["examples"]
    wrong = {e["conversation_id"]: e for e in ex["contradicting"]}
    assert wrong["c2"]["source"] == "service-hours" and "21:00" in wrong["c2"]["passage"]
    assert wrong["c2"]["claims"] == [{"claim": "9:00 至 22:00", "kind": "time", "stated": "9:00 至 21:00"}]
    assert wrong["c4"]["source"] == "reference answer" and wrong["c4"]["claims"][0]["stated"] == "3.5%"
    unsupported = ex["unsupported"][0]
    assert unsupported["conversation_id"] == "c3" and "A123456789" not in unsupported["text"]
    assert "A12*****89" in unsupported["text"]
    assert "A123456789" not in json.dumps(r.to_dict(), ensure_ascii=False)
    # without a reference or a knowledge base nothing is checked: not assessed
    none = check_conversations(df.drop(columns="reference_answer"))
    assert none.rates["numeric_claim_error_rate"] is None
    assert {i.id: i for i in none.indicators()}["numeric_claim_error_rate"].status.value == "not_assessed"


def test_default_thresholds_of_the_numeric_indicators():
    th = threshold_for("numeric_claim_error_rate")
    assert [th.evaluate(v).value for v in (0.0, 0.01, 0.02, 0.03, 0.031)] == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
    ]
    assert threshold_for("numeric_claim_unsupported_rate").better == "lower"


def test_the_report_shows_each_claim_beside_its_masked_source():
    from govreport.present.genai_review import methods, numeric_claims

    kb = KnowledgeBase([("service-hours", "客服專線 0912-345-678 服務時間為每日 9:00 至 21:00。")], "kb", "")
    df = pd.DataFrame(
        _conv(HELLO, ("customer", "幾點？"), ("assistant", "客服專線服務時間為每日 9:00 至 22:00。"))
    )
    results = {"genai": check_conversations(df, knowledge_base=kb).to_dict()}
    page = numeric_claims(results)
    assert "9:00 至 22:00 → 9:00 至 21:00" in page and "service-hours" in page
    assert "0912-345-678" not in page and "091*******78" in page  # the passage goes through the same masker
    assert "數字錯誤" in page and "Contradicting the source" in page
    assert "BM25" in methods(results)
    clean = pd.DataFrame(
        _conv(HELLO, ("customer", "幾點？"), ("assistant", "客服專線服務時間為每日 9:00 至 21:00。"))
    )
    assert "agrees with its source" in numeric_claims(
        {"genai": check_conversations(clean, knowledge_base=kb).to_dict()}
    )
    assert "No numeric claim could be checked" in numeric_claims(
        {"genai": check_conversations(clean).to_dict()}
    )
