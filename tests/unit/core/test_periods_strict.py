"""Periods parsed strictly and run-due taking the oldest period first across schedules (issue 19, item 7)."""

from __future__ import annotations

from datetime import datetime

import pytest

from govreport.core.periods import parse_period
from govreport.errors import PeriodError
from govreport.schedule import DueRun, load_schedule, order_due
from tests.helpers.cli import run_cli

BAD_PERIODS = [
    "2026Q3 ",
    " 2026Q3",
    "2026Q3\n",
    "2026Q3\t",
    "2026-07 ",
    "2026 ",
    "\u3000" + "2026Q3",
    "２０２６Q3",
    "2026Q3\x00",
    "2026Q3/../x",
]


@pytest.mark.parametrize("text", BAD_PERIODS, ids=[repr(t) for t in BAD_PERIODS])
def test_period_with_anything_around_it_is_refused(text):
    with pytest.raises(PeriodError) as e:
        parse_period(text)
    msg = str(e.value)
    assert "\n" not in msg and "field 'period'" in msg and "2026Q3" in msg


def test_run_with_a_trailing_space_is_one_line_exit_2(tmp_path, capsys):
    from govreport.workspace.scaffold import init_workspace

    root = init_workspace(tmp_path / "ws", name_zh="銀行", name_en="Bank")
    code, out, err = run_cli(capsys, "run", "--period", "2026Q3 ", "--workspace", str(root))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "spaces or line breaks" in err
    assert not (root / "reports" / "2026Q3 ").exists()


def test_run_due_takes_the_oldest_period_first_across_schedules(tmp_path):
    (tmp_path / "a.yaml").write_text('cron: "0 6 28 9 *"\ncovers: current_quarter\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('cron: "0 6 1 10 *"\ncovers: previous_quarter\n', encoding="utf-8")
    (tmp_path / "c.yaml").write_text('cron: "0 6 2 10 *"\ncovers: previous_year\n', encoding="utf-8")
    a, b, c = (load_schedule(tmp_path / f"{n}.yaml") for n in "abc")
    at = datetime.fromisoformat
    due = [
        DueRun(a, parse_period("2026Q3"), at("2026-09-28T06:00+08:00"), late=True),
        DueRun(b, parse_period("2026Q2"), at("2026-10-01T06:00+08:00"), late=True),
        DueRun(b, parse_period("2026Q3"), at("2026-07-01T06:00+08:00"), late=True),
        DueRun(c, parse_period("2025"), at("2026-10-02T06:00+08:00"), late=False),
        DueRun(a, parse_period("2026Q4"), at("2026-09-20T06:00+08:00"), late=False, resume_key="a#resume1"),
    ]
    ordered = order_due(due, ["a", "b", "c"])
    assert [(d.name, d.period.label) for d in ordered] == [
        ("a", "2026Q4"),  # a resumed claim first
        ("c", "2025"),
        ("b", "2026Q2"),  # then the oldest period, whatever its due time
        ("b", "2026Q3"),
        ("a", "2026Q3"),  # the same period: by due time
    ]
