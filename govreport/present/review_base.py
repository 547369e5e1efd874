"""The review's shared HTML pieces: both-language labels, status and run badges, names, tiers, articles.

Every label is emitted twice, ``<span class="gr-l-zh" lang="zh-TW">`` and
``<span class="gr-l-en" lang="en">``; the page's language switch (or ``#en``) chooses which one shows.
Used by the review, the site and the Word edition, so they read alike.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from .i18n import MESSAGES, article, fmt_date
from .numbers import fmt_value, threshold_text

__all__ = [
    "L",
    "pair",
    "badge",
    "run_badge",
    "lang_switch",
    "value_text",
    "value_pair",
    "rule_text",
    "rule_pair",
    "STATUS_TEXT",
    "CHANGE_TEXT",
    "RUN_TEXT",
]

e = html.escape
LANGS = ("zh-TW", "en")
STATUS_TEXT = {
    "green": ("綠燈", "Green"),
    "amber": ("黃燈", "Amber"),
    "red": ("紅燈", "Red"),
    "not_assessed": ("未評估", "Not assessed"),
    "failed": ("執行失敗", "Failed"),
}
CHANGE_TEXT = {
    "worsened": ("▼ 惡化", "▼ worsened"),
    "improved": ("▲ 改善", "▲ improved"),
    "new": ("＋ 新增", "+ new"),
    "same": ("＝ 持平", "= unchanged"),
}


def _pair(zh: str, en: str, tag: str = "span") -> str:
    return (
        f'<{tag} class="gr-l-zh" lang="zh-TW">{e(zh)}</{tag}><{tag} class="gr-l-en" lang="en">{e(en)}</{tag}>'
    )


def L(key: str, tag: str = "span", **kw: Any) -> str:  # noqa: N802 - short on purpose: used everywhere
    """The catalogue's message ``key`` in both languages; ``kw`` values may be (zh, en) pairs."""
    zh, en = MESSAGES[key]
    zkw = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
    ekw = {k: (v[1] if isinstance(v, tuple) else v) for k, v in kw.items()}
    return _pair(zh.format(**zkw), en.format(**ekw), tag)


def _h2(key: str, anchor: str) -> str:
    return f'<h2 id="{anchor}">{L(key)}</h2>'


def badge(status: str) -> str:
    zh, en = STATUS_TEXT[status]
    return f'<span class="gr-badge gr-{status}">{_pair(zh, en)}</span>'


def _date(v: str | None) -> str:
    return _pair(fmt_date(v, "zh-TW"), fmt_date(v, "en"))


def _name(s: Mapping[str, Any]) -> str:
    return _pair(s.get("name_zh") or s.get("id", ""), s.get("name_en") or s.get("id", ""))


def _tier(tier: str) -> str:
    key = f"tier.{tier}"
    return L(key) if key in MESSAGES else e(tier)


def _art(n: int) -> str:
    return _pair(article(n, "zh-TW"), article(n, "en"))


def lang_switch() -> str:
    """The switch button and the script that applies ``#en`` / the saved choice. Works without it: Chinese."""
    zh, en = MESSAGES["review.lang.switch"]
    return f"""<button type="button" class="gr-langswitch" id="gr-langswitch"
 onclick="document.documentElement.classList.toggle('gr-lang-en');
 document.documentElement.lang = document.documentElement.classList.contains('gr-lang-en') ? 'en' : 'zh-TW';
 window.dispatchEvent(new Event('resize'));">
<span class="gr-l-zh">{e(zh)}</span><span class="gr-l-en">{e(en)}</span></button>
<script>if (location.hash === "#en" || /[?&]lang=en/.test(location.search)) {{
document.documentElement.classList.add("gr-lang-en"); document.documentElement.lang = "en"; }}</script>"""


#: a run's own outcome (never drawn as a traffic light: the result's status has the badge)
RUN_TEXT = {
    "succeeded": ("✓ 執行完成", "✓ run completed"),
    "failed": ("✕ 執行失敗", "✕ run failed"),
    "interrupted": ("⏸ 執行中斷", "⏸ run interrupted"),
}


def pair(zh: str, en: str, tag: str = "span") -> str:
    """``zh`` and ``en`` as the two language spans (escaped)."""
    return _pair(zh, en, tag)


def run_badge(status: str) -> str:
    """A run's status (succeeded / failed / interrupted) as plain text with a mark, not a coloured badge."""
    zh, en = RUN_TEXT.get(status, (status, status))
    return f'<span class="gr-run gr-run-{e(status)}">{_pair(zh, en)}</span>'


def _ind_label(i: Mapping[str, Any]) -> str:
    return _pair(i.get("label_zh") or i["id"], i.get("label_en") or i["id"])


def value_text(i: Mapping[str, Any], lang: str = "zh-TW") -> str:
    """An indicator's value from its unit, in ``lang`` (a share as a percentage); also the Word edition's."""
    return fmt_value(i.get("value"), i.get("unit") or "", lang, i.get("id", ""))


def value_pair(i: Mapping[str, Any]) -> str:
    """An indicator's value in both language spans."""
    zh, en = value_text(i), value_text(i, "en")
    return e(zh) if zh == en else _pair(zh, en)


def rule_text(i: Mapping[str, Any], lang: str = "zh-TW") -> str:
    """An indicator's threshold from its unit in ``lang`` ("綠燈 ≥ 100%；紅燈 < 95%"); the recorded rule
    when the threshold's parts were not kept; "—" when there is none."""
    th = i.get("threshold")
    if isinstance(th, Mapping) and th.get("green") is not None:
        return threshold_text(th, i.get("unit") or "", lang, i.get("id", ""))
    return str(i.get("rule") or "—")


def rule_pair(i: Mapping[str, Any]) -> str:
    """An indicator's threshold in both language spans."""
    return _pair(rule_text(i), rule_text(i, "en"))
