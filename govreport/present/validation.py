"""The validation page: one data contract's validation in one period, in one language, offline.

:func:`validation_page` turns a recorded validation result (``data_quality.<contract>`` of a run's
results.json, or ``ContractResult.to_dict()``) and the same contract's results of other periods into a
self-contained HTML page (house style inlined, no script, no external resource):

* every expectation as a sentence in the page's language ("年齡 介於 20 與 70 之間（至少 99% 的列）" /
  "AGE between 20 and 70 (at least 99% of rows)"), with its suite index and arguments
  (:func:`govreport.contracts.signature`), the observed value, the unexpected count and share, examples
  of unexpected values only, and its unexpected share in every period of the history;
* failed expectations first and open; the passed ones collapsed in a ``<details>``;
* the five quality dimensions and a table of the contract's status across periods.

It never validates: the values come from the result as recorded. Example values were masked when the
result was made (``govreport.data.masking``: personal-data columns and any identifier inside other
values); they pass through :func:`~govreport.data.masking.mask_text` once more here, so a result written
by hand or by an older version cannot leak one.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.expectations import expectation_key, format_value, signature
from ..data.masking import mask_text
from .i18n import fmt_date, t
from .notes import note_texts
from .numbers import fmt_share, fmt_value, threshold_text

__all__ = ["validation_page", "validation_links", "sentence", "page_names", "LANGS"]

LANGS = ("zh-TW", "en")
_STATUS = {
    "green": ("綠燈", "Green"),
    "amber": ("黃燈", "Amber"),
    "red": ("紅燈", "Red"),
    "not_assessed": ("未評估", "Not assessed"),
}
#: the five quality dimensions of a contract (docs/contracts.md), in report order
QUALITY = ("completeness", "validity", "uniqueness", "freshness", "representativeness")
_CSS = """
.gr-val-exp { border: 1px solid var(--gr-rule); border-left: 4px solid var(--gr-red); padding: 6px 14px;
  margin: 10px 0; }
.gr-val-exp.gr-val-ok { border-left-color: var(--gr-green); }
.gr-val-exp h4 { margin: .2em 0; font-size: 1.02em; }
.gr-val-sig { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; color: var(--gr-muted);
  word-break: break-all; }
.gr-val-exp dl { display: grid; grid-template-columns: minmax(9em, max-content) 1fr; gap: 2px 14px;
  margin: .4em 0; font-size: .92em; }
.gr-val-exp dt { color: var(--gr-muted); } .gr-val-exp dd { margin: 0; word-break: break-word; }
.gr-val-hist span { display: inline-block; margin-right: 1em; white-space: nowrap; }
.gr-val-hist .gr-val-bad { color: var(--gr-red); font-weight: 600; }
details.gr-val-passed > summary { cursor: pointer; font-weight: 600; margin: 1em 0 .4em; }
.gr-val-langs { float: right; }
"""


def page_names(contract: str) -> dict[str, str]:
    """File names of a contract's validation page beside a report: Chinese and English."""
    return {"zh-TW": f"validation-{contract}.html", "en": f"validation-{contract}.en.html"}


def validation_links(contract: str) -> str:
    """The report's links to the contract's validation page beside it (written by every recorded run,
    and by ``govreport render``)."""
    names = page_names(contract)
    return (
        # one link in each language's span: the report shows the reader's language only
        f"<p class='gr-val-link'><a class='gr-l-zh' lang='zh-TW' href='{html.escape(names['zh-TW'])}'>"
        f"{html.escape(t('val.link'))}</a><a class='gr-l-en' lang='en' href='{html.escape(names['en'])}' "
        f"hreflang='en'>{html.escape(t('val.link', 'en'))}</a></p>"
    )


def _e(v: object) -> str:
    return html.escape(str(v))


def _pct(x: float | None) -> str:
    """A share as a percentage without trailing zeros ("99.5%"), never a non-zero share as 0%."""
    text = fmt_share(x, 2)
    if "." in text and text.endswith("%"):
        text = text[:-1].rstrip("0").rstrip(".") + "%"
    return text


def _num(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return format_value(v)
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return f"{int(v):,}"


def _long(v: Any) -> str:
    return format_value(v, limit=400)


def _label_of(labels: Mapping[str, Any], name: Any, lang: str) -> str | None:
    entry = labels.get(str(name))
    if isinstance(entry, str):  # a bare display name
        return entry if lang == "zh-TW" else None
    lab = (entry or {}).get("label")
    return lab["zh" if lang == "zh-TW" else "en"] if lab else None


def _value_set(labels: Mapping[str, Any], name: Any, codes: Any, lang: str) -> Any:
    """A value set with each labelled code named: ``男 (1)``, ``女 (2)`` (issue 17)."""
    entry = labels.get(str(name))
    values = (entry or {}).get("values") if isinstance(entry, Mapping) else None
    if not values or not isinstance(codes, list | tuple):
        return codes
    out = []
    for c in codes:
        key = str(int(c)) if isinstance(c, float) and c.is_integer() else str(c)
        v = values.get(key)
        out.append(f"{v['zh' if lang == 'zh-TW' else 'en']} ({c})" if v else c)
    return out


def sentence(entry: Mapping[str, Any], lang: str = "zh-TW", labels: Mapping[str, Any] | None = None) -> str:
    """The expectation as a sentence in ``lang`` (plain text; the caller escapes it). ``labels`` is the
    contract's ``columns:`` (``{col: {label: {zh, en}, values: {code: {zh, en}}}}``): a labelled column reads
    "性別（SEX）" / "Sex (SEX)", a labelled code "男 (1)"."""
    kw = dict(entry.get("kwargs") or {})
    typ = str(entry.get("type", ""))
    labels = labels or {}
    sep = t("val.and", lang)

    def col(name: Any) -> str:
        text = _label_of(labels, name, lang)
        if not text:
            return str(name)
        return f"{text}（{name}）" if lang == "zh-TW" else f"{text} ({name})"

    cols = kw.get("column_list") if typ != "expect_table_columns_to_match_ordered_list" else None
    c = col(kw["column"]) if isinstance(kw.get("column"), str) else sep.join(map(col, cols or [])) or "—"
    lo, hi = kw.get("min_value"), kw.get("max_value")
    anyv = t("val.any", lang)
    rng = {"lo": _num(lo) if lo is not None else anyv, "hi": _num(hi) if hi is not None else anyv}
    stat = typ.removeprefix("expect_column_").removesuffix("_to_be_between").removesuffix("_to_be_in_set")
    simple = {
        "expect_column_values_to_not_be_null": "val.s.not_null",
        "expect_column_values_to_be_null": "val.s.null",
        "expect_column_values_to_be_unique": "val.s.unique",
        "expect_column_values_to_be_dateutil_parseable": "val.s.dateutil",
        "expect_column_values_to_be_json_parseable": "val.s.json",
        "expect_column_values_to_be_increasing": "val.s.increasing",
        "expect_column_values_to_be_decreasing": "val.s.decreasing",
        "expect_column_to_exist": "val.s.exists",
        "expect_compound_columns_to_be_unique": "val.s.compound_unique",
        "expect_select_column_values_to_be_unique_within_record": "val.s.unique_within_record",
    }
    if typ in simple:
        text = t(simple[typ], lang, col=c)
    elif typ == "expect_column_values_to_be_between":
        key = "val.s.between" if lo is not None and hi is not None else "val.s.at_least"
        key = "val.s.at_most" if lo is None and hi is not None else key
        text = t(key, lang, col=c, **rng)
    elif typ == "expect_column_value_lengths_to_be_between":
        text = t("val.s.length_between", lang, col=c, **rng)
    elif typ == "expect_column_value_lengths_to_equal":
        text = t("val.s.length_equal", lang, col=c, value=_num(kw.get("value")))
    elif typ in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        key = "val.s.in_set" if "_not_" not in typ else "val.s.not_in_set"
        text = t(
            key, lang, col=c, values=_long(_value_set(labels, kw.get("column"), kw.get("value_set"), lang))
        )
    elif typ == "expect_column_values_to_match_regex":
        text = t("val.s.regex", lang, col=c, regex=kw.get("regex"))
    elif typ == "expect_column_values_to_not_match_regex":
        text = t("val.s.not_regex", lang, col=c, regex=kw.get("regex"))
    elif typ == "expect_column_values_to_match_regex_list":
        text = t("val.s.regex_list", lang, col=c, regex=_long(kw.get("regex_list")))
    elif typ in ("expect_column_values_to_be_of_type", "expect_column_values_to_be_in_type_list"):
        text = t("val.s.type", lang, col=c, types=_long(kw.get("type_") or kw.get("type_list")))
    elif typ == "expect_column_values_to_match_strftime_format":
        text = t("val.s.strftime", lang, col=c, fmt=kw.get("strftime_format"))
    elif typ == "expect_table_columns_to_match_set":
        key = "val.s.columns_exact" if kw.get("exact_match") else "val.s.columns_set"
        text = t(key, lang, values=_long([col(x) for x in kw.get("column_set") or []]))
    elif typ == "expect_table_columns_to_match_ordered_list":
        text = t("val.s.columns_ordered", lang, values=_long([col(x) for x in kw.get("column_list") or []]))
    elif typ == "expect_table_column_count_to_be_between":
        text = t("val.s.column_count", lang, **rng)
    elif typ == "expect_table_row_count_to_be_between":
        text = t("val.s.row_count", lang, **rng)
    elif typ == "expect_table_row_count_to_equal":
        text = t("val.s.row_count_equal", lang, value=_num(kw.get("value")))
    elif typ in ("expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"):
        key = "val.s.pair_equal" if typ.endswith("_equal") else "val.s.pair_greater"
        text = t(key, lang, col=col(kw.get("column_A")), col_b=col(kw.get("column_B")))
    elif f"val.stat.{stat}" in _stat_keys() and typ.endswith("_to_be_between"):
        text = t("val.s.stat_between", lang, col=c, stat=t(f"val.stat.{stat}", lang), **rng)
    else:
        text = t("val.s.other", lang, col=c, type=typ)
    mostly = kw.get("mostly")
    if mostly is not None and float(mostly) < 1:
        text += t("val.s.mostly", lang, share=_pct(float(mostly)))
    return text


def _stat_keys() -> set[str]:
    from .i18n import MESSAGES

    return {k for k in MESSAGES if k.startswith("val.stat.")}


def _badge(status: str | None, lang: str) -> str:
    st = status if status in _STATUS else "not_assessed"
    return f'<span class="gr-badge gr-{st}">{_e(_STATUS[st][0 if lang == "zh-TW" else 1])}</span>'


#: the unit each quality dimension's value is in (value and threshold are written from it)
_DIM_UNIT = {"freshness": "days", "representativeness": "PSI"}


def _rule(dim: str, info: Mapping[str, Any], lang: str) -> str:
    """The dimension's threshold from its unit in the page's language ("綠燈 ≥ 99.0%；紅燈 < 95.0%"), or its
    note (from the catalogue) when it has none."""
    th = info.get("threshold") or {}
    if th.get("green") is not None:
        return threshold_text(th, _DIM_UNIT.get(dim, "share"), lang, dim)
    if th.get("rule"):  # a threshold recorded without its parts (older results)
        rule = str(th["rule"])
        return rule.replace("green", "綠燈").replace("red", "紅燈") if lang == "zh-TW" else rule
    return note_texts(info["note"])[0 if lang == "zh-TW" else 1] if info.get("note") else "—"


def _dim_value(dim: str, v: Any, lang: str = "zh-TW") -> str:
    return "—" if v is None else fmt_value(v, _DIM_UNIT.get(dim, "share"), lang, dim)


def _history_series(
    entry: Mapping[str, Any], period: str, history: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[tuple[str, Mapping[str, Any] | None]]:
    key = expectation_key(entry)
    out = []
    for p, res in history:
        if p == period:
            out.append((p, entry))
            continue
        match = next((x for x in res.get("expectations") or [] if expectation_key(x) == key), None)
        out.append((p, match))
    return out


def _observed(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _num(v)
    return mask_text(format_value(v, limit=300))


def _expectation(
    entry: Mapping[str, Any],
    lang: str,
    labels: Mapping[str, Any],
    period: str,
    history: Sequence[tuple[str, Mapping[str, Any]]],
) -> str:
    ok = bool(entry.get("success"))
    rows: list[tuple[str, str]] = []
    kwargs = {k: v for k, v in (entry.get("kwargs") or {}).items() if k not in ("batch_id", "result_format")}
    rows.append(
        (
            t("val.col.arguments", lang),
            "<br>".join(
                f"<code>{_e(k)}</code> = {_e(mask_text(format_value(v, 300)))}" for k, v in kwargs.items()
            )
            or "—",
        )
    )
    if entry.get("observed_value") is not None:
        rows.append((t("val.col.observed", lang), _e(_observed(entry["observed_value"]))))
    if entry.get("unexpected_count") is not None:
        rows.append((t("val.col.unexpected", lang), _e(_num(entry["unexpected_count"]))))
        rows.append((t("val.col.share", lang), _e(_pct(entry.get("unexpected_share")))))
    samples = entry.get("sample_unexpected") or []
    if samples and entry.get("unexpected_count"):  # examples of unexpected values only
        masked = t("val.masked", lang) if entry.get("masked") else ""
        rows.append(
            (
                t("val.col.examples", lang),
                ", ".join(f"<code>{_e(mask_text(format_value(s)))}</code>" for s in samples) + _e(masked),
            )
        )
    if entry.get("error"):
        rows.append(("⚠", _e(t("val.error", lang, error=mask_text(entry["error"])))))
    series = _history_series(entry, period, history)
    if len(series) > 1:
        cells = []
        for p, x in series:
            share = None if x is None else x.get("unexpected_share")
            bad = x is not None and not x.get("success")
            text = "—" if x is None else (_pct(share) if share is not None else ("✓" if not bad else "✗"))
            cls = " class='gr-val-bad'" if bad else ""
            cells.append(f"<span{cls}>{_e(p)}: {_e(text)}</span>")
        rows.append((t("val.col.history", lang), f"<div class='gr-val-hist'>{''.join(cells)}</div>"))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f"<div class='gr-val-exp{' gr-val-ok' if ok else ''}' id='e{_e(entry.get('index'))}' "
        f"data-success='{str(ok).lower()}'>"
        f"<h4>{'✓' if ok else '✗'} {_e(sentence(entry, lang, labels))}</h4>"
        f"<div class='gr-val-sig'>{_e(signature(entry))}</div><dl>{dl}</dl></div>"
    )


def _history_table(period: str, history: Sequence[tuple[str, Mapping[str, Any]]], lang: str) -> str:
    if len(history) < 2:
        return f"<p>{_e(t('val.history.none', lang))}</p>"
    head = "".join(
        f"<th>{_e(t(k, lang))}</th>" for k in ("val.col.period", "val.col.status", "val.col.failed")
    ) + "".join(f"<th>{_e(t(f'val.dim.{d}', lang))}</th>" for d in QUALITY)
    rows = []
    for p, res in history:
        exps = res.get("expectations") or []
        failed = sum(1 for x in exps if not x.get("success"))
        dims = res.get("dimensions") or {}
        cells = "".join(
            f"<td class='num'>{_e(_dim_value(d, (dims.get(d) or {}).get('value'), lang))}</td>"
            for d in QUALITY
        )
        mark = " style='font-weight:600'" if p == period else ""
        rows.append(
            f"<tr{mark}><td>{_e(p)}</td><td>{_badge(res.get('status'), lang)}</td>"
            f"<td class='num'>{failed} / {len(exps)}</td>{cells}</tr>"
        )
    return f"<table class='gr-val-history'><tr>{head}</tr>{''.join(rows)}</table>"


def validation_page(
    result: Mapping[str, Any],
    *,
    lang: str = "zh-TW",
    history: Sequence[tuple[str, Mapping[str, Any]]] = (),
    other_lang_href: str | None = None,
    back_href: str | None = None,
    css: str | None = None,
) -> str:
    """The whole page for ``result`` in ``lang``. ``history`` is ``(period, result)`` of the same contract,
    oldest first, with or without this period (it is put in its place); the page never reads a file but
    the house style."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    period = str(result.get("period") or "—")
    hist = [(p, r) for p, r in history if p != period] + [(period, result)]
    hist.sort(key=lambda pr: pr[0])
    labels = result.get("column_labels") or {}
    exps = list(result.get("expectations") or [])
    failed = [x for x in exps if not x.get("success")]
    passed = [x for x in exps if x.get("success")]
    contract = str(result.get("contract", "—"))
    title = t("val.title", lang, contract=contract, period=period)
    ds, suite = result.get("dataset") or {}, result.get("suite") or {}
    ix = 0 if lang == "zh-TW" else 1
    dims = "".join(
        f"<tr><td>{_e(t(f'val.dim.{d}', lang) if d in QUALITY else d)}</td>"
        f"<td class='num'>{_e(_dim_value(d, info.get('value'), lang))}</td>"
        f"<td>{_badge(info.get('status'), lang)}</td>"
        f"<td>{_e(_rule(d, info, lang))}</td></tr>"
        for d, info in (result.get("dimensions") or {}).items()
    )
    dim_head = "".join(
        f"<th>{_e(t(k, lang))}</th>"
        for k in ("val.col.dimension", "val.col.value", "val.col.status", "val.col.threshold")
    )
    links = []
    if back_href:
        links.append(f"<a href='{_e(back_href)}'>{_e(t('val.back', lang))}</a>")
    if other_lang_href:
        links.append(
            f"<a class='gr-val-langs' href='{_e(other_lang_href)}' hreflang='{'en' if ix == 0 else 'zh-TW'}'>"
            f"{_e(t('val.other_lang', lang))}</a>"
        )
    facts = [
        (t("val.status", lang), _badge(result.get("status"), lang)),
        (
            t("val.dataset", lang),
            f"{_e(ds.get('path') or ds.get('table') or '—')} · "
            f"{_e(t('val.rows', lang, rows=_num(result.get('rows'))))}"
            f" · SHA-256 <code>{_e(str(ds.get('sha256') or '—')[:16])}…</code>",
        ),
        (
            t("val.suite", lang),
            f"{_e(suite.get('path') or suite.get('name') or '—')} · SHA-256 "
            f"<code>{_e(str(suite.get('sha256') or '—')[:16])}…</code>",
        ),
        (t("val.as_of", lang), _e(fmt_date(result.get("as_of"), lang))),
        (t("val.gx", lang), _e(result.get("gx_version") or "—")),
    ]
    cover = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    warnings = result.get("warnings") or []
    body = (
        f"<p>{' '.join(links)}</p><h1>{_e(title)}</h1><p class='gr-muted'>{_e(t('val.lead', lang))}</p>"
        f"<dl class='gr-cover'>{cover}</dl>"
        f"<p>{_e(t('val.summary', lang, n=len(exps), failed=len(failed)))}</p>"
        f"<h2 id='failed'>{_e(t('val.failed', lang))}</h2>"
        + (
            "".join(_expectation(x, lang, labels, period, hist) for x in failed)
            if failed
            else f"<p>{_e(t('val.failed.none', lang))}</p>"
        )
        + (
            f"<details class='gr-val-passed' id='passed'><summary>{_e(t('val.passed', lang, n=len(passed)))}"
            f"</summary>{''.join(_expectation(x, lang, labels, period, hist) for x in passed)}</details>"
            if passed
            else ""
        )
        + f"<h2>{_e(t('val.dimensions', lang))}</h2><table><tr>{dim_head}</tr>{dims}</table>"
        + f"<h2 id='history'>{_e(t('val.history', lang))}</h2>{_history_table(period, hist, lang)}"
        + (
            f"<h2>{_e(t('val.warnings', lang))}</h2><ul>"
            + "".join(f"<li>{_e(mask_text(w))}</li>" for w in warnings)
            + "</ul>"
            if warnings
            else ""
        )
        + f"<footer class='gr-footer'><p>{_e(t('val.footer', lang))}</p></footer>"
    )
    style = css if css is not None else (Path(__file__).resolve().parent / "report.css").read_text("utf-8")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="govreport">\n<title>{_e(title)}</title>\n'
        f'<style>{style}{_CSS}</style>\n</head>\n<body class="govreport">\n<main>\n{body}\n</main>\n'
        "</body>\n</html>\n"
    )
