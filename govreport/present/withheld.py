"""A fairness summary withheld because a group is too small to judge (issue 17): its computed value marked
"not judged" (未判定) and the reason in plain words, naming each short group by its label and count —
"女性：實際結果為「違約」者僅 29 筆；至少需 30 筆" / "Female: only 29 cases with actual outcome “default”;
at least 30 needed".

Contract: reads ``withheld`` as :mod:`govreport.metrics` writes it (``{value, rate, need, short}``, in an
indicator's ``details`` and an attribute's ``withheld``) and results.json's ``labels``; computes nothing.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from .i18n import pair, t
from .labels import group_name
from .numbers import fmt_number

__all__ = ["withheld_reason", "withheld_value", "outcome_name"]


def outcome_name(results: Mapping[str, Any], favourable: bool) -> tuple[str, str]:
    """(zh, en) name of the favourable or unfavourable actual outcome: the label column's value label from
    the data contract's ``columns:`` when it labels both codes, else "favourable" / "unfavourable"."""
    settings = (results.get("fairness") or {}).get("settings") or {}
    col, fav = settings.get("label"), settings.get("label_favourable")
    values = (((results.get("labels") or {}).get(col) or {}).get("values") or {}) if col else {}
    if len(values) == 2 and str(fav) in values:
        code = str(fav) if favourable else next(c for c in values if c != str(fav))
        return values[code]["zh"], values[code]["en"]
    key = "fairness.withheld.favourable" if favourable else "fairness.withheld.unfavourable"
    return t(key), t(key, "en")


def withheld_reason(
    column: str, withheld: Mapping[str, Any], results: Mapping[str, Any], tag: str = "span"
) -> str:
    """The reason, both language spans: one clause per short group with its label and count."""
    labels = results.get("labels")
    rate = withheld.get("rate", "n")
    zh_parts, en_parts = [], []
    for s in withheld.get("short") or []:
        gz, ge = group_name(column, s["group"], labels)
        kw = {"count": fmt_number(s["count"]), "need": fmt_number(withheld.get("need"))}
        if rate == "n":
            zh_parts.append(t("fairness.withheld.n", group=gz, **kw))
            en_parts.append(t("fairness.withheld.n", "en", group=ge, **kw))
        else:
            oz, oe = outcome_name(results, favourable=rate == "tpr")
            zh_parts.append(t("fairness.withheld.outcome", group=gz, outcome=oz, **kw))
            en_parts.append(t("fairness.withheld.outcome", "en", group=ge, outcome=oe, **kw))
    if not zh_parts:
        return ""
    return pair("；".join(zh_parts) + "。", "; ".join(en_parts) + ".", tag)


def withheld_value(withheld: Mapping[str, Any]) -> str:
    """The computed value marked "not judged" (both language spans)."""
    v = html.escape(fmt_number(withheld.get("value")))
    return (
        f"{v} <span class='gr-badge gr-not_assessed gr-not-judged'>"
        f"{pair(t('fairness.not_judged'), t('fairness.not_judged', 'en'))}</span>"
    )
