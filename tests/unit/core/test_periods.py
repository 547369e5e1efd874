import pytest

from govreport.core.periods import parse_period
from govreport.errors import PeriodError


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026Q3", "2026-07-01", "2026-09-30", "quarter"),
        ("2026q1", "2026-01-01", "2026-03-31", "quarter"),
        ("2026-02", "2026-02-01", "2026-02-28", "month"),
        ("2024-02", "2024-02-01", "2024-02-29", "month"),
        ("2026-12", "2026-12-01", "2026-12-31", "month"),
        ("2026", "2026-01-01", "2026-12-31", "year"),
    ],
)
def test_parse_valid(text, start, end, kind):
    p = parse_period(text)
    assert (str(p.start), str(p.end), p.kind) == (start, end, kind)


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026-13", "26Q1", "2026/07", "Q3-2026", "", "../x", "0000", "2026-7"]
)
def test_parse_invalid_is_one_clear_line(text):
    with pytest.raises(PeriodError) as e:
        parse_period(text)
    msg = str(e.value)
    assert "\n" not in msg and "2026Q3" in msg and "field 'period'" in msg


def test_previous_and_next_cross_years():
    assert str(parse_period("2026Q1").previous()) == "2025Q4"
    assert str(parse_period("2025Q4").next()) == "2026Q1"
    assert str(parse_period("2026-01").previous()) == "2025-12"
    assert str(parse_period("2026").previous()) == "2025"
    assert sorted([parse_period("2026Q1"), parse_period("2025Q4")])[0].label == "2025Q4"
