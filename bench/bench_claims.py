"""Numeric-claim check and knowledge-base retrieval: speed on 1,200 turns, and which segmentation retrieves
the right passage best on zh-TW (issue 25; docs/genai.md, "Numeric claims").

    python bench/bench_claims.py                 # both parts
    python bench/bench_claims.py --speed         # the whole check_conversations on 1,200 turns, warm
    python bench/bench_claims.py --segmentation  # BM25 top-1 with bigrams / jieba / jieba + a KB dictionary

The segmentation part needs jieba (``pip install jieba``; not a govreport dependency: the package ships the
winner, character bigrams). Queries: the claims table of the tests (tests/data/numeric_claims.jsonl, the rows
naming their passage) against its knowledge base, and the demo assistant's answers against the demo's
knowledge base (the passage each answer comes from, labelled below). Everything offline.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport.assessments.genai_rules import KnowledgeBase, bigram_containment, bigrams, bm25_tokens  # noqa: E402
from govreport.demo.genai import KNOWLEDGE_BASE  # noqa: E402

#: demo answers and the passage each one paraphrases (knowledge_base/cs-assistant/, one passage a paragraph)
DEMO_QUERIES = [
    ("首年免年費，次年起刷卡滿六次即可免年費。", "credit_cards.md#2"),
    ("已為您暫停卡片，請稍後由真人客服協助補發。", "credit_cards.md#3"),
    ("You can request a temporary limit increase in the app under Card Services.", "credit_cards.md#4"),
    ("外幣匯出手續費為新台幣 300 元起，另收郵電費。", "remittance.md#2"),
    ("Revolving interest ranges from 6.75% to 15% a year.", "credit_cards.md#5"),
    ("好的，已為您轉接真人客服，請稍候。", "service.md#2"),
    ("您的卡號已完成掛失，新卡將於七個工作天內寄出。", "credit_cards.md#3"),
    ("次年起刷卡未達六次者，收取年費新台幣 2,000 元。", "credit_cards.md#2"),
    ("Revolving interest can be as high as 18% a year.", "credit_cards.md#5"),
    ("客服專線服務時間為每日 9:00 至 22:00。", "service.md#2"),
    ("Outward remittances cost from NT$300, plus a cable charge.", "remittance.md#3"),
]


def _demo_kb() -> KnowledgeBase:
    passages = []
    for name, text in KNOWLEDGE_BASE.items():
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        passages += [(f"{name}#{k}", p) for k, p in enumerate(paras, start=1)]
    return KnowledgeBase(passages, "demo", "")


def _table() -> tuple[KnowledgeBase, list[tuple[str, str]]]:
    data = ROOT / "tests" / "data"
    kb = [json.loads(x) for x in (data / "numeric_claims_kb.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [json.loads(x) for x in (data / "numeric_claims.jsonl").read_text(encoding="utf-8").splitlines()]
    return (
        KnowledgeBase([(p["id"], p["text"]) for p in kb], "table", ""),
        [(r["claim"], r["kb"]) for r in rows if r.get("kb") and r["expect"] != "none"],
    )


def _jieba(user_words: list[str] | None):
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    for w in user_words or ():
        tk.add_word(w, freq=2000)

    def tokens(text: str) -> list[str]:
        t = unicodedata.normalize("NFKC", text).lower()
        return [w for w in tk.lcut(t) if re.search(r"\w", w)]

    return tokens


def _kb_dictionary(kbs: list[KnowledgeBase]) -> list[str]:
    """Words from the knowledge bases themselves: Chinese 2-4-character strings found in two passages or
    more."""
    seen: dict[str, set[str]] = {}
    for kb in kbs:
        for pid, text in kb.passages:
            for run in re.findall(r"[\u4e00-\u9fff]+", text):
                for n in (2, 3, 4):
                    for i in range(len(run) - n + 1):
                        seen.setdefault(run[i : i + n], set()).add(kb.source + pid)
    return sorted(w for w, where in seen.items() if len(where) >= 2)


def _rank(kb: KnowledgeBase, tokenize, queries: list[tuple[str, str]]) -> dict[str, float]:
    from rank_bm25 import BM25Okapi

    bm = BM25Okapi([tokenize(t) or ["\0"] for _, t in kb.passages])
    ids = [pid for pid, _ in kb.passages]
    hits, rr, margins = 0, [], []
    for q, want in queries:
        s = bm.get_scores(tokenize(q))
        order = sorted(range(len(s)), key=lambda k: -s[k])
        pos = [ids[k] for k in order].index(want)
        hits += pos == 0
        rr.append(1 / (pos + 1))
        margins.append((s[order[0]] - s[order[1]]) / s[order[0]] if pos == 0 and s[order[0]] > 0 else 0.0)
    return {"top1": hits / len(queries), "mrr": statistics.mean(rr), "margin": statistics.mean(margins)}


def segmentation() -> None:
    table_kb, table_q = _table()
    demo_kb = _demo_kb()
    zh = [q for q in table_q if re.search(r"[\u4e00-\u9fff]", q[0])]
    words = _kb_dictionary([table_kb, demo_kb])
    variants = {"bigrams": bm25_tokens}
    try:
        variants["jieba"] = _jieba(None)
        variants["jieba + KB dictionary"] = _jieba(words)
    except ImportError:
        print("jieba is not installed: only the bigrams are measured")
    heads = [f"table zh (n={len(zh)})", f"table all (n={len(table_q)})", f"demo (n={len(DEMO_QUERIES)})"]
    print(f"{'segmentation':24} " + " ".join(f"{h:>28}" for h in heads))
    for name, tok in variants.items():
        cells = []
        for kb, qs in ((table_kb, zh), (table_kb, table_q), (demo_kb, DEMO_QUERIES)):
            r = _rank(kb, tok, qs)
            cells.append(f"top1 {r['top1']:.3f} mrr {r['mrr']:.3f} m {r['margin']:.2f}")
        print(f"{name:24} " + " ".join(f"{c:>28}" for c in cells))
    sample = "次年起未達六次者收取年費新台幣1,200元，外幣匯出另收郵電費"
    for name, tok in variants.items():
        print(f"  {name}: {' / '.join(tok(sample))}")
    # BM25 against the best bigram containment (the search before): where do they pick different passages?
    print("BM25 vs best containment on the demo answers:")
    for q, want in DEMO_QUERIES:
        pid, _ = demo_kb.search(q)
        score, best = demo_kb.best(q)
        c_bm25 = bigram_containment(bigrams(q), demo_kb.grams_of(pid)) if pid else 0.0
        flag = "same" if pid == best else "DIFFERENT"
        print(
            f"  {flag:9} want {want:18} bm25 {pid} ({c_bm25:.2f})  containment {best} ({score:.2f})  {q[:30]}"
        )


def speed(turns: int = 1200, repeats: int = 5) -> None:
    import pandas as pd

    from govreport.assessments.genai_checks import check_conversations
    from govreport.demo import make_conversations

    rows = []
    step = 3
    while len(rows) < turns:
        rows += [dict(r, conversation_id=f"{r['conversation_id']}-{step}") for r in make_conversations(3)]
        step += 1
    df = pd.DataFrame(rows[:turns])

    def tag(i: int) -> str:  # letters only: no number for the claim check to read
        return "".join(chr(97 + int(d)) for d in str(i))

    # the demo repeats its answers (the check caches each text's claims); a real log rarely does
    unique = df.assign(text=[f"{t} ref {tag(i)}" for i, t in enumerate(df["text"])])
    kb = _demo_kb()
    for name, frame in (("demo turns", df), ("every text unique", unique)):
        check_conversations(frame, knowledge_base=kb)  # warm: imports, BM25 index, regexes
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            r = check_conversations(frame, knowledge_base=kb)
            times.append(time.perf_counter() - t0)
        c = r.counts
        print(
            f"check_conversations on {len(frame):,} turns, {name} ({r.assistant_turns} assistant turns, "
            f"{c['numeric_claims']} numeric claims checked, {c['numeric_contradicting']} contradicting): "
            f"warm median {statistics.median(times):.3f} s, best {min(times):.3f} s over {repeats} runs"
        )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--segmentation", action="store_true")
    a = ap.parse_args()
    if a.segmentation or not a.speed:
        segmentation()
    if a.speed or not a.segmentation:
        speed()
