"""The report site's own pages (:mod:`govreport.publish.site`): the index of every period and one page per
system, in both languages, from the planned entries and what the evidence store recorded — never from a
notebook or a recomputed figure. Personal data in a failure's reason is masked.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from ..core.periods import parse_period
from ..core.status import DIMENSIONS, PORTFOLIO, RunStatus
from ..data.masking import mask_text
from ..evidence.store import RunRecord
from ..present.i18n import DIMENSION_LABELS, MESSAGES, fmt_date
from ..present.numbers import fmt_time
from ..present.review import L, badge, lang_switch
from ..workspace.config import Workspace
from ..workspace.inventory import Inventory
from .site_plan import _CSS, _GENERATOR, _STATUSES, REVIEW, Entry, _period_key


# -- rendering ------------------------------------------------------------------------------------------
def _e(s: object) -> str:
    return html.escape(str(s))


def _html_helpers() -> tuple[Callable[..., str], Callable[[str], str], Callable[[], str]]:
    """The review's bilingual helpers (``L``, ``badge``, ``lang_switch``): one house style."""
    return L, badge, lang_switch


def _page(title: tuple[str, str], body: str, css: str) -> str:
    """A whole page: inlined house style, the language switch, and a script that keeps the chosen
    language when following a link within the site."""
    _, _, lang_switch = _html_helpers()
    keep_lang = (
        "<script>document.addEventListener('click', function (ev) { var a = ev.target.closest('a');"
        " if (!a || !document.documentElement.classList.contains('gr-lang-en')) return;"
        " var h = a.getAttribute('href') || ''; if (/\\.html$/.test(h)) a.setAttribute('href', h + '#en');"
        " });</script>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="zh-TW">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{_GENERATOR}">\n'
        f"<title>{_e(title[0])} · {_e(title[1])}</title>\n<style>{css}{_CSS}</style>\n</head>\n"
        f'<body class="govreport">\n<main>\n{lang_switch()}\n{body}\n</main>\n'
        f"{keep_lang}\n</body>\n</html>\n"
    )


class _Renderer:
    def __init__(
        self,
        ws: Workspace,
        plan: Mapping[str, list[Entry]],
        links: Mapping[int, str],
        pdfs: Mapping[str, dict[str, str]],
        records: list[RunRecord],
    ) -> None:
        self.ws = ws
        self.plan = plan
        self.links = links  # RUN_ID -> site path of its report.html
        self.pdfs = pdfs
        self.records = records
        self.inventory = Inventory.load(ws)
        self.css = (Path(__file__).resolve().parents[1] / "present" / "report.css").read_text(
            encoding="utf-8"
        )
        self.L, self.badge, _ = _html_helpers()
        order = {s.id: i for i, s in enumerate(self.inventory.ordered())}
        ids = {r.system_id for r in records if r.system_id != PORTFOLIO and r.kind == "run"}
        self.system_ids = sorted(ids, key=lambda s: (s not in order, order.get(s, 0), s))

    # small pieces
    def pair(self, zh: str, en: str, tag: str = "span") -> str:
        return self.L("site.pair", tag=tag, v=(zh, en))

    def name(self, sid: str) -> str:
        s = self.inventory.systems.get(sid)
        if s is None:  # retired from the inventory (or its file is invalid now: then no remark)
            gone = "" if sid in self.inventory.errors else " " + self.L("site.notlisted", tag="span")
            return self.pair(sid, sid) + gone
        return self.pair(s.name_zh, s.name_en)

    def tier(self, sid: str) -> str:
        s = self.inventory.systems.get(sid)
        if s is None:
            return "—"
        key = f"tier.{s.tier.tier}"
        return self.L(key) if key in MESSAGES else _e(s.tier.tier)

    def template(self, t: str) -> str:
        key = f"site.template.{t}"
        return self.L(key) if key in MESSAGES else _e(t)

    def date(self, iso: str) -> str:
        tz = self.ws.config.timezone  # dated in the workspace's time zone
        return self.pair(fmt_date(iso, "zh-TW", tz), fmt_date(iso, "en", tz))

    def status(self, rec: RunRecord) -> str:
        if rec.status != RunStatus.SUCCEEDED:
            return self.badge("failed")
        st = (rec.summary or {}).get("status")
        return self.badge(st) if st in _STATUSES else self.L("site.status.succeeded")

    def hash_cell(self, rec: RunRecord | None) -> str:
        if rec is None or "html" not in rec.outputs:
            return "—"
        sha = rec.outputs["html"]["sha256"]
        return (
            f'<span class="gr-hash" title="SHA-256 {_e(sha)} · record {_e(rec.record_hash)}">'
            f"{_e(sha[:12])}…</span>"
        )

    def reason(self, rec: RunRecord) -> str:
        text = mask_text(rec.error or rec.status)
        text = " ".join(text.split())
        if len(text) > 300:
            text = text[:297] + "…"
        return f'<div class="gr-muted gr-site-reason">{self.L("site.failed.reason", reason=text)}</div>'

    def link(self, rec: RunRecord | None, up: str, label: str) -> str:
        if rec is None or rec.seq not in self.links:
            return self.L("site.failed.noreport")
        return f'<a href="{_e(up + self.links[rec.seq])}">{label}</a>'

    def entry_cells(self, en: Entry, up: str) -> str:
        pub = en.published
        shown = pub if (pub is not None and not en.failed) else en.latest
        status = self.status(en.latest)
        if en.failed:
            status += self.reason(en.latest)
            note = (
                self.L("site.failed.older", version=pub.version)
                if pub is not None
                else self.L("site.failed.noreport")
            )
            status += f'<div class="gr-site-note">{note}</div>'
        label = self.template(en.template)
        printed = self.pdfs.get(f"#{pub.seq}", {}) if pub else {}
        label_pdf = "".join(  # each language's reader is offered the PDF in that language
            f'<span class="gr-l-{lang[:2]}" lang="{lang}"> · <a href="{_e(up + printed[key])}" '
            f'data-kind="pdf" data-lang="{lang[:2]}">PDF</a></span>'
            for key, lang in (("pdf.zh", "zh-TW"), ("pdf.en", "en"))
            if key in printed
        )
        return (
            f"<td>{self.link(pub, up, label) if pub else label}{label_pdf}</td><td>{status}</td>"
            f"<td>v{shown.version}</td><td>{self.date(shown.finished_at)}</td>"
            f"<td class='num'>{shown.seq}</td><td>{self.hash_cell(pub)}</td>"
        )

    def head(self, *keys: str) -> str:
        return "<tr>" + "".join(f"<th>{self.L(k)}</th>" for k in keys) + "</tr>"

    # the period section of the index
    def review_box(self, period: str, entries: list[Entry]) -> str:
        rev = next((x for x in entries if x.system_id == PORTFOLIO and x.template == REVIEW), None)
        title = f"<h3>{self.L('site.review')}</h3>"
        if rev is None:
            none = self.L("site.review.none", tag="p", period=period)
            return f'<div class="gr-site-review" data-review="none">{title}{none}</div>'
        pub = rev.published
        body = ""
        if pub is not None:
            dims = (pub.summary or {}).get("dimensions") or {}
            cells = "".join(
                f"<td data-dimension='{d}' data-status='{_e(dims.get(d, ''))}'>"
                f"{self.pair(*DIMENSION_LABELS[d])}<br>"
                f"{self.badge(dims[d]) if dims.get(d) in _STATUSES else '—'}</td>"
                for d in DIMENSIONS
            )
            pdf = self.pdfs.get(period, {})
            pdf_links = "".join(
                f' · <a href="{_e(href)}">{self.L("site." + (lang if "." in lang else "pdf." + lang))}</a>'
                for lang, href in pdf.items()
            )
            body += (
                f'<p class="gr-big">{self.status(pub)} <a href="{_e(self.links[pub.seq])}" '
                f'data-kind="review">{self.L("site.review.open")}</a>{pdf_links}</p>'
                f'<table class="gr-matrix"><tr>{cells}</tr></table>'
                f'<p class="gr-muted">v{pub.version} · {self.date(pub.finished_at)} · RUN_ID {pub.seq} · '
                f"SHA-256 {self.hash_cell(pub)}</p>"
            )
        if rev.failed:
            body += self.badge("failed") + self.reason(rev.latest)
        body += self.signoffs(period)
        return f'<div class="gr-site-review" data-review="{_e(period)}">{title}{body}</div>'

    def signoffs(self, period: str) -> str:
        """The period's recorded sign-offs (govreport signoff), stale ones marked."""
        from ..evidence.signoff import signoffs_for
        from ..present.review import recorded_signoffs

        return recorded_signoffs(signoffs_for(self.records, period), self.ws.config.timezone)

    def period_section(self, period: str, entries: list[Entry]) -> str:
        try:
            p = parse_period(period)
            rng = self.L(
                "site.period.range",
                tag="span",
                start=(fmt_date(p.start.isoformat()), fmt_date(p.start.isoformat(), "en")),
                end=(fmt_date(p.end.isoformat()), fmt_date(p.end.isoformat(), "en")),
            )
        except Exception:  # noqa: BLE001
            rng = ""
        out = (
            f'<section class="gr-period" id="p-{_e(period)}" data-period="{_e(period)}">'
            f"<h2>{self.L('site.period', period=period)} <span class='gr-muted'>{rng}</span></h2>"
        )
        out += self.review_box(period, entries)
        port = [x for x in entries if x.system_id == PORTFOLIO and x.template != REVIEW]
        if port:
            rows = "".join(
                f"<tr data-template='{_e(x.template)}'>{self.entry_cells(x, '')}</tr>"
                for x in sorted(port, key=lambda x: x.template)
            )
            out += (
                f"<h3>{self.L('site.portfolio')}</h3><table>"
                + self.head(
                    "site.col.template",
                    "site.col.status",
                    "site.col.version",
                    "site.col.date",
                    "site.col.runid",
                    "site.col.hash",
                )
                + rows
                + "</table>"
            )
        by_sys: dict[str, list[Entry]] = {}
        for x in entries:
            if x.system_id != PORTFOLIO:
                by_sys.setdefault(x.system_id, []).append(x)
        rows = []
        for sid in [s for s in self.system_ids if s in by_sys]:
            xs = sorted(by_sys[sid], key=lambda x: x.template)
            lead = (
                f"<td rowspan='{len(xs)}'><a href='systems/{_e(sid)}.html'>{self.name(sid)}</a></td>"
                f"<td rowspan='{len(xs)}'>{self.tier(sid)}</td>"
            )
            for i, x in enumerate(xs):
                rows.append(
                    f"<tr data-system='{_e(sid)}' data-template='{_e(x.template)}' "
                    f"data-status='{_e(x.latest.status)}'>"
                    f"{lead if i == 0 else ''}{self.entry_cells(x, '')}</tr>"
                )
        if rows:
            out += (
                f"<h3>{self.L('site.systems')}</h3><table class='gr-site-systems'>"
                + self.head(
                    "site.col.system",
                    "site.col.tier",
                    "site.col.template",
                    "site.col.status",
                    "site.col.version",
                    "site.col.date",
                    "site.col.runid",
                    "site.col.hash",
                )
                + "".join(rows)
                + "</table>"
            )
        return out + "</section>"

    def index(self, bank: tuple[str, str]) -> str:
        last = self.records[-1]
        nav = "".join(f"<a href='#p-{_e(p)}'>{_e(p)}</a>" for p in self.plan)
        sys_nav = "".join(
            f"<li><a href='systems/{_e(s)}.html'>{self.name(s)}</a> · {self.tier(s)}</li>"
            for s in self.system_ids
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        tz = self.ws.config.timezone
        when = (fmt_time(now, "zh-TW", tz), fmt_time(now, "en", tz))
        generated = self.L("site.generated", when=when, seq=last.seq, n=len(self.records))
        body = (
            f"<h1>{self.L('site.title')}</h1>"
            f"<p class='gr-muted'>{self.L('site.subtitle', bank=bank)}</p>"
            + self.L("site.lead", tag="p")
            + f"<p class='gr-muted'>{generated}</p>"
            + f"<p class='gr-site-nav'><b>{self.L('site.periods')}</b> {nav}</p>"
            + (
                f"<details><summary>{self.L('site.systems.all')}</summary><ul>{sys_nav}</ul></details>"
                if sys_nav
                else ""
            )
            + "".join(self.period_section(p, xs) for p, xs in self.plan.items())
            + f"<footer class='gr-footer'>{self.L('site.footer', tag='p')}</footer>"
        )
        return _page(MESSAGES["site.title"], body, self.css)

    def system_page(self, sid: str) -> str:
        recs = sorted(
            (r for r in self.records if r.system_id == sid and r.kind == "run"),
            key=lambda r: (_period_key(r.period), r.seq),
            reverse=True,
        )
        rows = []
        for r in recs:
            label = self.template(r.template)
            cell = self.link(r, "../", label) if r.seq in self.links else label
            status = self.status(r) + (self.reason(r) if r.status != RunStatus.SUCCEEDED else "")
            rows.append(
                f"<tr data-period='{_e(r.period)}' data-template='{_e(r.template)}' "
                f"data-status='{_e(r.status)}'><td>{_e(r.period)}</td><td>{cell}</td><td>{status}</td>"
                f"<td>v{r.version}</td><td>{self.date(r.finished_at)}</td><td class='num'>{r.seq}</td>"
                f"<td>{self.hash_cell(r)}</td></tr>"
            )
        s = self.inventory.systems.get(sid)
        title = (s.name_zh, s.name_en) if s else (sid, sid)
        body = (
            f"<p><a href='../index.html'>{self.L('site.back')}</a></p>"
            f"<h1>{self.name(sid)}</h1><p class='gr-muted'>{_e(sid)} · {self.tier(sid)}</p>"
            f"<h2>{self.L('site.history')}</h2>{self.L('site.history.lead', tag='p')}"
            f"<table class='gr-site-history'>"
            + self.head(
                "site.col.period",
                "site.col.template",
                "site.col.status",
                "site.col.version",
                "site.col.date",
                "site.col.runid",
                "site.col.hash",
            )
            + "".join(rows)
            + "</table>"
            + f"<footer class='gr-footer'>{self.L('site.footer', tag='p')}</footer>"
        )
        return _page(title, body, self.css)


def _print_copy(page: Path, records: list[RunRecord], period: str, tz: str | None = None) -> Path:
    """A copy of the published review to print, beside it (so its links resolve), with the sign-offs
    recorded since it was built in place of the ones it shows (the caller removes it after printing)."""
    from ..evidence.signoff import signoffs_for
    from ..present.review import SIGNOFFS_END, SIGNOFFS_START, recorded_signoffs

    text = page.read_text(encoding="utf-8")
    fresh = recorded_signoffs(signoffs_for(records, period), tz)
    i, j = text.find(SIGNOFFS_START), text.find(SIGNOFFS_END)
    if i >= 0 and j > i:
        text = text[:i] + fresh + text[j + len(SIGNOFFS_END) :]
    elif "</body>" in text:  # a review built before sign-offs were recorded: add them at the end
        text = text.replace("</body>", fresh + "</body>", 1)
    copy = page.with_name(f".print-{page.name}")
    copy.write_text(text, encoding="utf-8")
    return copy
