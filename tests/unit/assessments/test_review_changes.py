"""Issue 17, the review shortened: decisions one line per problem (system × dimension) naming the indicators
behind it; "changes" lists key indicators that crossed a status line or moved by more than the stated share
of their green line, the rest in one line; each trend's sparkline on its own scale with its threshold band."""

from __future__ import annotations

from types import SimpleNamespace

from bs4 import BeautifulSoup

from govreport import build_review
from govreport.assessments.review_history import MOVE_SHOWN, indicator_moves
from govreport.present import review as rh
from govreport.present.review_changes import _moves
from govreport.workspace.config import Workspace
from tests.unit.assessments.test_review_unit import _ind, _run, ws  # noqa: F401 - the fixture


def test_decisions_are_one_line_per_system_and_dimension(ws: Workspace) -> None:  # noqa: F811
    _run(
        ws,
        "chat-c",
        "2026Q3",
        [_ind("psi", "model_quality", 0.40), _ind("demographic_parity_difference", "fairness", 0.30)],
    )
    review = build_review(ws, "2026Q3")
    r = review.to_dict()
    problems = [d for d in r["decisions"] if d["key"] == "review.decision.problem"]
    cells = {(sid, d) for sid, row in r["matrix"].items() for d, st in row.items() if st == "red"}
    assert {(d["system"], d["dimensions"][0]) for d in problems} == cells
    assert len(problems) == len(cells) == 3  # chat-a model quality; chat-c model quality and fairness
    soup = BeautifulSoup(rh.decisions(r), "html.parser")
    zh_lines = [" ".join(x.get_text() for x in li.select('[lang="zh-TW"]')) for li in soup.select("li")]
    # each line names one dimension and the indicator behind it with its value
    fair = [x for x in zh_lines if "公平性" in x]
    assert len(fair) == 1 and "demographic_parity_difference" in fair[0] and "0.3" in fair[0]
    assert "psi" not in fair[0] and sum("模型品質" in x for x in zh_lines) == 2


def _sys(sid: str, iid: str, green: float | None) -> SimpleNamespace:
    return SimpleNamespace(id=sid, indicators=[{"id": iid, "threshold": {"green": green, "red": None}}])


def test_changes_list_crossings_and_large_moves_the_rest_in_one_line() -> None:
    trends = {
        "a": {
            "model_quality.auc": [["2026Q2", 0.76, "green"], ["2026Q3", 0.74, "amber"]],  # crossed
            "drift.psi.score": [["2026Q2", 0.02, "green"], ["2026Q3", 0.035, "green"]],  # > 10% of 0.1
        },
        "b": {
            "model_quality.auc": [["2026Q2", 0.80, "green"], ["2026Q3", 0.79, "green"]],  # steady
            "drift.psi.score": [["2026Q1", 0.01, "green"], ["2026Q3", 0.30, "red"]],  # no Q2 point
        },
    }
    systems = [
        SimpleNamespace(
            id="a",
            indicators=[
                {"id": "model_quality.auc", "threshold": {"green": 0.75}},
                {"id": "drift.psi.score", "threshold": {"green": 0.1}},
            ],
        ),
        _sys("b", "model_quality.auc", 0.75),
    ]
    mv = indicator_moves(trends, systems, "2026Q2", "2026Q3")
    assert [(m["system"], m["indicator"], m["crossed"]) for m in mv["shown"]] == [
        ("a", "model_quality.auc", True),
        ("a", "drift.psi.score", False),
    ]
    assert mv["steady"] == 1 and mv["threshold"] == MOVE_SHOWN
    assert indicator_moves(trends, systems, None, "2026Q3") == {}
    r = {
        "moves": mv,
        "previous_period": "2026Q2",
        "period": "2026Q3",
        "systems": [{"id": "a", "name_zh": "甲", "name_en": "A", "indicators": []}],
    }
    html = _moves(r, {"a": r["systems"][0]})
    soup = BeautifulSoup(html, "html.parser")
    assert [tr["data-move"] for tr in soup.select("#gr-moves tr[data-move]")] == ["crossed", "moved"]
    zh = " ".join(x.get_text() for x in soup.select('[lang="zh-TW"]'))
    en = " ".join(x.get_text() for x in soup.select('[lang="en"]'))
    assert "另有 1 項關鍵指標持平" in zh and "1 more key indicators held steady" in en and "10%" in en


def test_each_sparkline_has_its_own_scale_and_threshold_band() -> None:
    pts = [["2026Q1", 0.90, "green"], ["2026Q2", 0.85, "amber"], ["2026Q3", 0.70, "red"]]
    svg = rh.sparkline(pts, threshold={"better": "higher", "green": 0.8, "red": 0.75})
    soup = BeautifulSoup(svg, "html.parser")
    rect, line = soup.select_one("rect"), soup.select_one("line")
    assert rect is not None and line is not None
    # higher is better: the red band runs from the red line down to the bottom
    assert float(rect["y"]) + float(rect["height"]) == 28
    # lower is better (PSI): the band runs from the top down to the red line
    svg = rh.sparkline(
        [["2026Q2", 0.02, "green"], ["2026Q3", 0.05, "green"]],
        threshold={"better": "lower", "green": 0.1, "red": 0.25},
    )
    assert BeautifulSoup(svg, "html.parser").select_one("rect")["y"] == "0.0"
