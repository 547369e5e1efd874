"""The training-data audit in a report: the full audit (``data_quality``) and its summary (``model_risk``).

Reads only the ``training`` section and the ``training.*`` indicators of results.json (the library computed
them: :mod:`govreport.assessments.training`); each indicator gets a badge and one plain sentence in the
reader's language, from the message catalogue (``present/messages/training.py``). Examples are already masked.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..core.labels import relabel
from .charts import badge
from .i18n import bi, fmt_date, fmt_pct, pair, t, tr
from .labels import attr_name, group_name
from .notes import note_texts

__all__ = ["audit", "sentence", "summary"]

e = html.escape


def _num(x: Any, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _base(iid: str) -> str:
    parts = iid.split(".")
    return parts[1] if len(parts) > 1 else iid


def sentence(ind: Mapping[str, Any], lang: str = "zh-TW", labels: Mapping[str, Any] | None = None) -> str:
    """The plain sentence of one ``training.*`` indicator in ``lang``; attributes, groups and features by
    the names results.json's ``labels`` gives them (issue 17)."""
    base, d, status = _base(ind["id"]), ind.get("details") or {}, ind["status"]
    ix = 0 if lang == "zh-TW" else 1
    col = str(d.get("attribute") or "")

    def attr(c: Any) -> Any:
        return attr_name(str(c), labels)[ix] if c is not None else c

    def group(g: Any) -> Any:
        return group_name(col, g, labels)[ix] if g is not None else g

    if status == "not_assessed" or ind.get("value") is None:
        note = note_texts(ind["note"])[0 if lang == "zh-TW" else 1] if ind.get("note") else ""
        reason = note or ("—" if lang == "zh-TW" else "no figure")
        return t("training.sentence.not_assessed", lang, reason=reason)
    flag = status in ("amber", "red")
    key = f"training.sentence.{base}" + (".flag" if flag and base != "label_balance" else "")
    v = ind["value"]
    kw: dict[str, Any]
    if base == "label_balance":
        kw = {"fav": fmt_pct(d.get("favourable_share")), "minority": fmt_pct(v)}
    elif base == "label_rate_by_group":
        kw = {
            "attr": attr(d.get("attribute")),
            "lo": group(d.get("min_group")),
            "hi": group(d.get("max_group")),
            "ratio": _num(v),
        }
    elif base == "differential_missingness":
        kw = {
            "attr": attr(d.get("attribute")),
            "feature": attr(d.get("feature")),
            "gap": fmt_pct(v),
            "hi": group(d.get("high_group")),
            "lo": group(d.get("low_group")),
            "hs": fmt_pct(d.get("high_share")),
            "ls": fmt_pct(d.get("low_share")),
        }
    elif base == "label_leakage":
        flagged = d.get("flagged") or {}
        kw = {
            "auc": _num(max((f.get("auc") or 0 for f in flagged.values()), default=v) if flagged else v, 3),
            "feature": attr(d.get("feature")),
            "features": ", ".join(attr(f) for f in flagged) or attr(d.get("feature")),
        }
    elif base == "group_coverage":
        kw = {
            "attr": attr(d.get("attribute")),
            "group": group(d.get("group")),
            "ratio": _num(v),
            "ss": fmt_pct(d.get("share_scoring")),
            "st": fmt_pct(d.get("share_training")),
        }
    elif base == "overlap_with_scoring":
        basis = d.get("basis", "features")
        kw = {
            "n": f"{d.get('n_overlap', 0):,}",
            "share": fmt_pct(v, 2),
            "basis": t(f"training.basis.{basis}"),
            "basis_en": t(f"training.basis.{basis}", "en"),
        }
    elif base == "window":
        kw = {
            "start": fmt_date(d.get("start"), lang),
            "end": fmt_date(d.get("end"), lang),
            "pstart": fmt_date(d.get("period_start"), lang),
            "gap": f"{v:,.0f}",
            "rows": f"{d.get('rows_in_or_after', 0):,}",
        }
    else:
        return note_texts(ind["note"])[0 if lang == "zh-TW" else 1] if ind.get("note") else ""
    return t(key, lang, **kw)


def _line(ind: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> str:
    # one language at a time: the page shows the reader's span only
    return (
        f"<li>{badge(ind['status'])} <b>{pair(*relabel(ind, labels))}</b> "
        f"{pair(sentence(ind, labels=labels), sentence(ind, 'en', labels))}</li>"
    )


def _examples(rows: list[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    cols = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{e(str(c))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{e('—' if r.get(c) is None else str(r.get(c)))}</td>" for c in cols) + "</tr>"
        for r in rows
    )
    return f"<table class='gr-examples'><tr>{head}</tr>{body}</table>"


def _indicators(results: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [i for i in results.get("indicators", []) if i["id"].startswith("training.")]


_PER_VERSION = ("label_balance", "label_rate_by_group", "differential_missingness", "label_leakage")


def audit(results: Mapping[str, Any]) -> str:
    """The full audit: version line, per-version and per-period indicators with sentences, masked examples."""
    section = results.get("training")
    if not section:
        return bi("training.none")
    pv, pp = section.get("per_version") or {}, section.get("per_period") or {}
    rec = pv.get("recorded") or {}
    recorded = rec.get("period", "—") + (f" (RUN_ID {rec['seq']})" if rec.get("seq") else "")
    head = bi(
        "training.version",
        version=section.get("model_version") or "—",
        rows=f"{pv.get('rows', 0):,}",
        sha=(section.get("training_sha256") or "—")[:12],
        recorded=recorded,
    )
    inds = _indicators(results)
    out = [bi("training.lead"), head]
    examples = {**(pv.get("examples") or {}), **(pp.get("examples") or {})}
    for key, group in (
        ("training.per_version", [i for i in inds if _base(i["id"]) in _PER_VERSION]),
        ("training.per_period", [i for i in inds if _base(i["id"]) not in _PER_VERSION]),
    ):
        out.append(f"<h3>{tr(key)}</h3>")
        out.append(
            "<ul class='gr-training'>" + "".join(_line(i, results.get("labels")) for i in group) + "</ul>"
        )
    shown = {k: v for k, v in examples.items() if v}
    if shown:
        out.append(f"<h3>{tr('training.examples')}</h3>")
        for k, rows in shown.items():
            out.append(f"<p><code>{e(k)}</code></p>{_examples(rows)}")
    return "".join(out)


def summary(results: Mapping[str, Any]) -> str:
    """``model_risk``'s summary: the audit's indicators and sentences, and where the full audit is."""
    s = results.get("training_summary")
    if not s:
        return bi("training.none")
    every = s.get("indicators", [])
    inds = [i for i in every if i.get("status") != "green"] or every
    rest = len(every) - len(inds)
    return (
        bi("training.summary.lead")
        + "<ul class='gr-training'>"
        + "".join(_line(i, results.get("labels")) for i in inds)
        + "</ul>"
        + (bi("training.summary.green", n=rest) if rest else "")
    )
