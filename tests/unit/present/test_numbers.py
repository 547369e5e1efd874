"""Issue 17a: one number formatter (present/numbers.py) for the reports, the sustainability pieces and the
Word edition — thousands separators, no non-zero figure printed as 0, percentages for shares, Wh/kWh and
gCO2e/kgCO2e scaling, signed changes — and times in the workspace's time zone."""

from __future__ import annotations

import pytest

from govreport.present import sustainability as sus
from govreport.present.i18n import fmt_date, fmt_num, fmt_pct
from govreport.present.numbers import fmt_change, fmt_number, fmt_share, fmt_time, fmt_value, threshold_text


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (20000, None, "20,000"),
        (1267, None, "1,267"),
        (0.0003, None, "0.0003"),
        (0.00012345, None, "0.00012"),
        (0.0004, 1, "0.0004"),  # a fixed precision is widened rather than print 0.0
        (0.0004, 3, "0.0004"),
        (-0.004, 2, "-0.004"),
        (1234.5678, 2, "1,234.57"),
        (0, None, "0"),
        (None, None, "—"),
        (float("nan"), None, "—"),
    ],
)
def test_fmt_number(x, digits, text):
    assert fmt_number(x, digits) == text


def test_shares_are_percentages_and_never_round_to_zero():
    assert fmt_share(0.89) == "89.0%"
    assert fmt_share(0.00004) == "0.004%"
    assert fmt_share(0) == "0%"
    assert fmt_pct(0.00001) != "0.0%" and fmt_pct(0.00001).endswith("%")  # the old i18n helper routes here
    assert fmt_num(0.0001, 2) == "0.0001" and fmt_num(12345.678, 1) == "12,345.7"
    assert fmt_value(0.89, "share of turns") == "89.0%"
    assert fmt_value(0.007, "", indicator="pii_leak_rate") == "0.7%"


@pytest.mark.parametrize(
    ("x", "unit", "zh", "en"),
    [
        (0.0003, "kWh", "0.3 Wh", "0.3 Wh"),  # was "0.00 kWh" in the review and the Word edition
        (0.5, "kgCO2e", "500 gCO2e", "500 gCO2e"),
        (12345, "kWh", "12.35 MWh", "12.35 MWh"),
        (20000, "rows", "20,000 筆", "20,000 rows"),
        (1.5, "hours per employee", "1.50 小時／人", "1.50 hours per employee"),
    ],
)
def test_units_scale_and_speak_the_page_language(x, unit, zh, en):
    assert fmt_value(x, unit, "zh-TW") == zh
    assert fmt_value(x, unit, "en") == en


def test_thresholds_read_like_their_values():
    th = {"better": "higher", "green": 1.0, "red": 0.95}
    assert threshold_text(th, "share", "zh-TW") == "綠燈 ≥ 100.0%；紅燈 < 95.0%"
    assert threshold_text(th, "share", "en") == "green ≥ 100.0%; red < 95.0%"
    assert threshold_text({"better": "lower", "green": 0, "red": 0.01}, "", "en", "pii_leak_rate") == (
        "green ≤ 0%; red > 1.0%"
    )


def test_changes_are_signed_and_never_zero_when_something_moved():
    assert fmt_change(0.0123, None, "share") == "+1.2 個百分點"
    assert fmt_change(-0.0123, None, "share", "en") == "−1.2 pp"
    assert fmt_change(None, -0.219, "kWh") == "−21.9%"
    assert fmt_change(None, 0.00004, "kWh") == "+0.004%"  # was "+0.0%"
    assert fmt_change(0.0003, None, "kWh", "en") == "+0.3 Wh"
    assert fmt_change(None, None) == "—"


def test_the_sustainability_pieces_use_the_one_formatter():
    """Its own formatter printed 0.0003 kWh as "0.0003" beside a "kWh" column and changes with "+.1f"."""
    assert sus.fmt(1234567.0) == "1,234,567" and sus.fmt(0.0004) == "0.0004"
    assert sus.fmt(0.00004, "share") == "0.004%" and sus.fmt(12.4, "count") == "12"
    assert "0.3 Wh" in sus.value(0.0003, "kWh") and "kWh" not in sus.value(0.0003, "kWh")
    row = {"unit": "kWh", "change_abs": 0.0001, "change_pct": 0.00004}
    assert sus._change(row) == "+0.004%"
    share = {"unit": "share", "change_abs": -0.021, "change_pct": None}
    assert "−2.1 個百分點" in sus._change(share) and "−2.1 pp" in sus._change(share)


def test_times_in_the_workspace_time_zone():
    t = "2026-09-30T20:30:00+00:00"
    assert fmt_time(t) == "2026-10-01 04:30（台北時間）"
    assert fmt_time(t, "en", "Europe/London") == "2026-09-30 21:30 (London time)"
    assert fmt_time("2026-09-30T20:30:00", "en", "UTC") == "2026-09-30 20:30 (UTC time)"  # naive: UTC
    assert fmt_date(t) == "2026年10月1日"  # a date-time is dated where the bank is
    assert fmt_date(t, "en", "Europe/London") == "30 Sep 2026"
    assert fmt_date("2026-09-30") == "2026年9月30日"  # a date stays that date
