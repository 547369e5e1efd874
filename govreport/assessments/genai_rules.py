"""What the generative-AI checks compare against: prohibited patterns, the knowledge base, text measures.

**Prohibited statements** (Art. 13) are regular expressions the compliance team keeps in
``genai_prohibited.yaml`` at the workspace root (or the file of a dataset named ``prohibited_patterns``
in the system record)::

    replace_defaults: false          # true: use only these patterns, not the packaged defaults
    patterns:
      - pattern: "保證(獲利|收益)"
        label_zh: 保證獲利
        label_en: guaranteed returns
        severity: high               # high / medium / low
        language: zh                 # zh / en / any (default): which turns it applies to

An invalid regular expression is a :class:`~govreport.errors.ConfigError` naming the file, the line of
the pattern and the regex error. Without a file, :data:`DEFAULT_RULES` apply.

**Negation guard.** A match preceded, in the same clause (text after the last ，。；！？,.;!? — at most
24 characters back), by a negation (不, 無, 未, 沒, 並非, 絕非, 勿; no, not, never, cannot, can't,
unable, won't, isn't, don't, doesn't, without) does not count: 「本基金不保證獲利」 and "we cannot
guarantee returns" are disclaimers, not promises. The same guard keeps 「目前無法提供真人服務」 from
counting as an offer of a person. A pattern can switch it off with ``ignore_negated: false``.

**Knowledge base** (Art. 13 groundedness): the approved answers the assistant may draw on, as a folder
of ``.md`` / ``.txt`` files (one passage per paragraph, i.e. text between blank lines) or a ``.jsonl``
file of ``{"id": ..., "text": ...}`` passages, at ``knowledge_base/<system-id>/`` or
``knowledge_base/<system-id>.jsonl`` in the workspace (or the path of a dataset named
``knowledge_base``).

**Measures** — lexical, offline, and needing no word segmentation, so they work on Chinese, which has no
spaces between words. Texts are lower-cased and reduced to letters and digits (whitespace and
punctuation dropped, full-width forms folded), then cut into overlapping character bigrams:

* against a **reference answer**: bigram F1 — ``2PR / (P + R)`` with ``P`` the share of the answer's
  bigrams found in the reference and ``R`` the share of the reference's bigrams found in the answer
  (counted with multiplicity);
* against the **knowledge base**: bigram containment — the share of the answer's bigrams found in the
  passage BM25 ranks first for the answer (:meth:`KnowledgeBase.search`; ``P`` alone: passages are longer
  than answers, so recall would punish a short, correct answer). :meth:`KnowledgeBase.best`, the passage
  with the best containment (the search before BM25), is kept for comparison.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.yamlio import format_validation_error, load_yaml
from ..errors import ConfigError, DataError
from .genai_kinds import EXAMPLE_KINDS  # re-exported: the kinds of example turns a review shows

__all__ = [
    "EXAMPLE_KINDS",
    "ProhibitedRule",
    "DEFAULT_RULES",
    "load_prohibited",
    "find_prohibited_file",
    "KnowledgeBase",
    "load_knowledge_base",
    "find_knowledge_base",
    "bigrams",
    "bigram_f1",
    "bigram_containment",
    "language_of",
    "negated",
    "PROHIBITED_FILE",
    "bm25_tokens",
]

PROHIBITED_FILE = "genai_prohibited.yaml"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CLAUSE_END = re.compile(r"[，。；！？、,.;!?\n]")
_NEG_ZH = re.compile(r"不|無|未|沒|並非|絕非|勿")
_NEG_EN = re.compile(
    r"\b(?:no|not|never|cannot|can't|can’t|unable|won't|isn't|aren't|don't|doesn't|without)\b", re.I
)
_WINDOW = 24


def language_of(text: str) -> str:
    """``zh`` when the text holds any CJK ideograph, else ``en``."""
    return "zh" if _CJK.search(text) else "en"


def negated(text: str, start: int) -> bool:
    """True when a negation precedes position ``start`` in the same clause (see the module docstring)."""
    before = text[max(0, start - _WINDOW) : start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    clause = before[cut[-1] :] if cut else before
    return bool(_NEG_ZH.search(clause) or _NEG_EN.search(clause))


@dataclass(frozen=True)
class ProhibitedRule:
    """One prohibited-statement pattern with its severity and bilingual label."""

    pattern: str
    severity: Literal["high", "medium", "low"]
    label_zh: str
    label_en: str
    language: Literal["zh", "en", "any"] = "any"
    ignore_negated: bool = True
    source: str = "default"

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.I)

    def search(self, text: str, lang: str | None = None) -> re.Match[str] | None:
        """The first match that counts (right language, not negated), or None."""
        if self.language != "any" and (lang or language_of(text)) != self.language:
            return None
        for m in self.regex.finditer(text):
            if not (self.ignore_negated and negated(text, m.start())):
                return m
        return None

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en}"


#: The packaged defaults: promises of returns and advice outside a bank's licence.
DEFAULT_RULES: tuple[ProhibitedRule, ...] = (
    ProhibitedRule(r"保證(獲利|賺錢|賺|收益|報酬|獲益|本金)", "high", "保證獲利", "guaranteed returns", "zh"),
    ProhibitedRule(r"穩賺不賠|零風險|無風險投資|包賺", "high", "零風險", "no-risk claims", "zh"),
    ProhibitedRule(
        r"guarantee[ds]? (you )?(a |an )?([\w%.-]+ )?(returns?|profits?|gains?|income)"
        r"|risk[- ]free (investment|returns?)",
        "high",
        "保證獲利",
        "guaranteed returns",
        "en",
    ),
    ProhibitedRule(r"一定(會)?(漲|賺)", "medium", "一定會漲", "certain gains", "zh"),
    ProhibitedRule(
        r"(建議|推薦)您?(買進|賣出|加碼|買入)(這|該|此)?(檔|支)?(股票|個股)",
        "medium",
        "個股買賣建議（超出業務範圍）",
        "stock-picking advice outside the licence",
        "zh",
    ),
    ProhibitedRule(
        r"you should (buy|sell) (this|these|that) (stocks?|shares?)",
        "medium",
        "個股買賣建議（超出業務範圍）",
        "stock-picking advice outside the licence",
        "en",
    ),
)


class _Pattern(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str = Field(..., min_length=1)
    label_zh: str = Field(..., min_length=1)
    label_en: str = Field(..., min_length=1)
    severity: Literal["high", "medium", "low"]
    language: Literal["zh", "en", "any"] = "any"
    ignore_negated: bool = True


class _ProhibitedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    replace_defaults: bool = False
    patterns: list[_Pattern] = Field(default_factory=list)


def _line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def load_prohibited(path: Path) -> list[ProhibitedRule]:
    """The rules of a prohibited-patterns file (plus the defaults unless ``replace_defaults``)."""
    data, lines = load_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            "expected `patterns:` (a list) at the top level",
            file=path,
            line=1,
            fix="see docs/genai.md for the prohibited-patterns format",
        )
    try:
        spec = _ProhibitedFile.model_validate(data)
    except ValidationError as e:
        msg, loc, fix = format_validation_error(e)
        raise ConfigError(
            msg, file=path, line=_line(lines, loc), field=".".join(map(str, loc)) or None, fix=fix
        ) from None
    rules = []
    for i, p in enumerate(spec.patterns):
        try:
            re.compile(p.pattern)
        except re.error as e:
            raise ConfigError(
                f"invalid regular expression {p.pattern!r}: {e.msg}"
                + (f" at position {e.pos}" if e.pos is not None else ""),
                file=path,
                line=_line(lines, ("patterns", i, "pattern")),
                field=f"patterns.{i}.pattern",
                fix="correct the pattern (Python regular-expression syntax; escape ( ) [ ] . * + ?)",
            ) from None
        rules.append(
            ProhibitedRule(
                p.pattern, p.severity, p.label_zh, p.label_en, p.language, p.ignore_negated, source=path.name
            )
        )
    return rules if spec.replace_defaults else [*DEFAULT_RULES, *rules]


def _dataset_path(root: Path, datasets: Any, name: str) -> Path | None:
    for ds in datasets or ():
        if getattr(ds, "name", None) == name:
            p = Path(ds.path)
            return p if p.is_absolute() else root / p
    return None


def find_prohibited_file(root: Path, datasets: Any = ()) -> Path | None:
    """The prohibited-patterns file of a system: a dataset named ``prohibited_patterns``, else
    ``genai_prohibited.yaml`` at the workspace root, else None (defaults)."""
    p = _dataset_path(root, datasets, "prohibited_patterns")
    if p is not None:
        if not p.is_file():
            raise ConfigError(
                "prohibited-patterns file not found",
                file=p,
                field="datasets.prohibited_patterns",
                fix="create it or correct the path in the system record",
            )
        return p
    p = root / PROHIBITED_FILE
    return p if p.is_file() else None


# -- text measures ------------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(ch for ch in t if ch.isalnum())


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the normalised text (a single character when that is all there is)."""
    s = _normalise(text)
    return Counter(s[i : i + 2] for i in range(len(s) - 1)) if len(s) > 1 else Counter(s)


def bigram_f1(answer: str, reference: str) -> float:
    """Character-bigram F1 of ``answer`` against ``reference`` (0..1)."""
    a, r = bigrams(answer), bigrams(reference)
    overlap = sum((a & r).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def bigram_containment(answer: str | Counter[str], passage: str | Counter[str]) -> float:
    """Share of the answer's character bigrams found in the passage (0..1)."""
    a = answer if isinstance(answer, Counter) else bigrams(answer)
    p = passage if isinstance(passage, Counter) else bigrams(passage)
    total = sum(a.values())
    return sum((a & p).values()) / total if total else 0.0


_BM25_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z]+|\d+(?:[.,]\d+)*")


def bm25_tokens(text: str) -> list[str]:
    """Terms for BM25: character bigrams of each run of Chinese characters (a lone character as itself),
    English words and numbers, after NFKC and lower-casing. Measured against jieba on the demo's zh-TW
    (bench/bench_claims.py, docs/genai.md): bigrams retrieve as well and need no dictionary."""
    out: list[str] = []
    for m in _BM25_TOKEN.finditer(unicodedata.normalize("NFKC", str(text)).lower()):
        w = m.group()
        if _CJK.match(w):
            out += [w[i : i + 2] for i in range(len(w) - 1)] if len(w) > 1 else [w]
        else:
            out.append(w)
    return out


# -- knowledge base -----------------------------------------------------------------------------------
@dataclass
class KnowledgeBase:
    """Approved passages: ``(id, text)`` pairs, where they came from and their SHA-256."""

    passages: list[tuple[str, str]]
    source: str
    sha256: str

    @cached_property
    def _grams(self) -> list[Counter[str]]:
        return [bigrams(t) for _, t in self.passages]

    @cached_property
    def _bm25(self) -> Any:
        # rank-bm25 (and NumPy under it) is needed only when a knowledge base is searched: kept off start-up
        from rank_bm25 import BM25Okapi

        return BM25Okapi([bm25_tokens(t) or ["\0"] for _, t in self.passages])

    def search(self, answer: str) -> tuple[str | None, float]:
        """The passage BM25 ranks first for ``answer`` (its id; None when no passage shares a term with it)
        and its BM25 score. What groundedness and the numeric-claim check compare an answer with."""
        query = bm25_tokens(answer)
        if not query:
            return None, 0.0
        scores = self._bm25.get_scores(query)
        i = max(range(len(scores)), key=lambda k: (scores[k], -k))
        shared = set(query) & set(self._bm25_terms[i])
        return (self.passages[i][0], float(scores[i])) if shared else (None, 0.0)

    @cached_property
    def _bm25_terms(self) -> list[set[str]]:
        return [set(bm25_tokens(t)) for _, t in self.passages]

    def text_of(self, pid: str) -> str:
        return self._by_id[pid]

    @cached_property
    def _by_id(self) -> dict[str, str]:
        return dict(self.passages)

    def grams_of(self, pid: str) -> Counter[str]:
        return self._grams[self._index[pid]]

    @cached_property
    def _index(self) -> dict[str, int]:
        return {pid: i for i, (pid, _) in enumerate(self.passages)}

    def best(self, answer: str) -> tuple[float, str | None]:
        """The best containment score of ``answer`` over all passages, and that passage's id — the
        passage search before BM25, kept as a comparison (docs/genai.md)."""
        a = bigrams(answer)
        best, best_id = 0.0, None
        for (pid, _), g in zip(self.passages, self._grams, strict=True):
            s = bigram_containment(a, g)
            if s > best:
                best, best_id = s, pid
        return best, best_id

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "passages": len(self.passages), "sha256": self.sha256}


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def load_knowledge_base(path: Path, root: Path | None = None) -> KnowledgeBase:
    """Passages from a folder of .md/.txt files or a .jsonl file (see the module docstring)."""
    digest = hashlib.sha256()
    passages: list[tuple[str, str]] = []
    if path.is_dir():
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in (".md", ".txt"))
        for f in files:
            raw = f.read_bytes()
            digest.update(f.relative_to(path).as_posix().encode() + b"\0" + raw)
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise DataError("knowledge-base file is not UTF-8", file=f, fix="save it as UTF-8") from None
            rel = f.relative_to(path).as_posix()
            passages += [(f"{rel}#{k}", p) for k, p in enumerate(_paragraphs(text), start=1)]
    elif path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson"):
        raw = path.read_bytes()
        digest.update(raw)
        for n, line in enumerate(raw.decode("utf-8-sig", errors="replace").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text = obj["text"]
            except (json.JSONDecodeError, TypeError, KeyError):
                raise DataError(
                    "not a JSON object with a `text` field",
                    file=path,
                    line=n,
                    fix='write one {"id": ..., "text": ...} passage per line',
                ) from None
            passages.append((str(obj.get("id", n)), str(text)))
    elif path.is_file():
        raw = path.read_bytes()
        digest.update(raw)
        passages = [
            (f"{path.name}#{k}", p)
            for k, p in enumerate(_paragraphs(raw.decode("utf-8-sig", "replace")), start=1)
        ]
    else:
        raise DataError(
            "knowledge base not found",
            file=path,
            fix="point it at a folder of .md/.txt files or a .jsonl file of passages",
        )
    if not passages:
        raise DataError(
            "the knowledge base has no passages",
            file=path,
            fix="add .md/.txt files with paragraphs, or passages to the .jsonl file",
        )
    source = (
        path.relative_to(root).as_posix() if root is not None and path.is_relative_to(root) else str(path)
    )
    return KnowledgeBase(passages, source, digest.hexdigest())


def find_knowledge_base(root: Path, system_id: str, datasets: Any = ()) -> Path | None:
    """A system's knowledge base: a dataset named ``knowledge_base``, else ``knowledge_base/<id>/`` or
    ``knowledge_base/<id>.jsonl`` in the workspace, else None."""
    p = _dataset_path(root, datasets, "knowledge_base")
    if p is not None:
        return p
    for cand in (root / "knowledge_base" / system_id, root / "knowledge_base" / f"{system_id}.jsonl"):
        if cand.exists():
            return cand
    return None
