"""The one number, unit, threshold and time formatter of every report and page.

Contract: a value is written from its indicator's *unit* in the page's language, and its threshold is written
from the same unit, so a value and its rule always read alike ("89.0%" next to "綠燈 ≥ 100%；紅燈 < 95%").

* thousands separators everywhere ("20,000");
* precision never rounds a non-zero figure to 0 (0.0003 kWh is "0.3 Wh", a 0.004% share "0.004%");
* shares ("share", "share of …", and ``*_rate`` / completeness / validity / uniqueness indicators) as
  percentages; energy in Wh below 1 kWh and MWh from 10,000 kWh; emissions in gCO2e below 1 kg and tCO2e
  from 10,000 kg;
* times in the workspace's time zone (``timezone`` in govreport.yaml, default Asia/Taipei), with its name.

Nothing here reads a file or computes an indicator.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIMEZONE",
    "is_share",
    "fmt_number",
    "fmt_share",
    "fmt_change",
    "fmt_value",
    "threshold_text",
    "fmt_time",
    "local_time",
    "unit_text",
]

DEFAULT_TIMEZONE = "Asia/Taipei"
_ZH = "zh-TW"

#: units a reader sees in Chinese (the English view prints the unit as it is recorded)
_UNIT_ZH = {
    "seconds": "秒",
    "days": "天",
    "hours": "小時",
    "hours per employee": "小時／人",
    "count": "",
    "rows": "筆",
    "Wh per 1,000 predictions": "Wh／千次預測",
    "gCO2e per 1,000 predictions": "gCO2e／千次預測",
}
_UNIT_EN = {"seconds": "s", "count": "", "days": "days"}
_SHARE_IDS = ("completeness", "validity", "uniqueness", "coverage")


def is_share(unit: str = "", indicator: str = "") -> bool:
    """Whether a figure is a share of a whole (written as a percentage)."""
    u = (unit or "").strip().lower()
    if u.startswith("share") or u in ("ratio of rows", "%"):
        return True
    if u:
        return False
    i = indicator.rsplit(".", 1)[-1]
    return i.endswith("_rate") or i.endswith(_SHARE_IDS)


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def fmt_number(x: Any, digits: int | None = None) -> str:
    """A number with thousands separators and enough digits that a non-zero figure never reads 0.

    ``digits`` fixes the decimals (still widened for a non-zero figure that would otherwise read 0)."""
    if x is None or not _finite(x):
        return "—"
    v = float(x)
    if v == 0:
        return "0"
    if isinstance(x, int) or (v.is_integer() and abs(v) >= 1 and digits is None):
        return f"{v:,.0f}"
    a = abs(v)
    if digits is None:
        digits = 0 if a >= 1000 else 1 if a >= 100 else 2 if a >= 1 else 3
        if a < 1:
            digits = max(3, -math.floor(math.log10(a)) + 1)  # two significant digits at least
            text = f"{v:,.{digits}f}".rstrip("0")
            return text[:-1] if text.endswith(".") else text
    text = f"{v:,.{digits}f}"
    while float(text.replace(",", "")) == 0 and digits < 12:
        digits += 1
        text = f"{v:,.{digits}f}"
    return text


def fmt_share(x: Any, digits: int = 1) -> str:
    """A share as a percentage ("89.0%"); small non-zero shares keep two significant digits ("0.004%")."""
    if x is None or not _finite(x):
        return "—"
    p = 100 * float(x)
    if p == 0:
        return "0%"
    if abs(p) < 10 ** (-digits):
        return f"{p:.2g}%" if "e" not in f"{p:.2g}" else f"{p:.{-math.floor(math.log10(abs(p))) + 1}f}%"
    text = f"{p:,.{digits}f}"
    return f"{text}%"


def _sign(x: float) -> str:
    return "+" if x > 0 else "−" if x < 0 else ""


def fmt_change(
    change_abs: Any = None, change_pct: Any = None, unit: str = "", lang: str = _ZH, indicator: str = ""
) -> str:
    """A change since the previous period, signed: a share's in percentage points ("+1.2 pp" /
    "+1.2 個百分點"), any other figure relative to its previous value ("−21.9%"), else in its own unit;
    a non-zero change never reads 0 ("+0.004%"); "—" when there is none."""
    if is_share(unit, indicator) and _finite(change_abs):
        pp = 100 * float(change_abs)
        return f"{_sign(pp)}{fmt_number(abs(pp), 1)}" + (" 個百分點" if lang == _ZH else " pp")
    if _finite(change_pct):
        p = 100 * float(change_pct)
        return f"{_sign(p)}{fmt_number(abs(p), 1)}%"
    if _finite(change_abs):
        v = float(change_abs)
        return f"{_sign(v)}{fmt_value(abs(v), unit, lang, indicator)}"
    return "—"


def _scaled(v: float, unit: str) -> tuple[float, str]:
    """Energy and emissions in a unit a reader can take in at a glance."""
    a = abs(v)
    if unit == "kWh":
        if 0 < a < 1:
            return v * 1000, "Wh"
        if a >= 10_000:
            return v / 1000, "MWh"
    if unit == "kgCO2e":
        if 0 < a < 1:
            return v * 1000, "gCO2e"
        if a >= 10_000:
            return v / 1000, "tCO2e"
    return v, unit


def unit_text(unit: str, lang: str = _ZH) -> str:
    """A unit as the page's language writes it ("" for counts)."""
    table = _UNIT_ZH if lang == _ZH else _UNIT_EN
    return table.get(unit, unit)


def fmt_value(x: Any, unit: str = "", lang: str = _ZH, indicator: str = "", *, with_unit: bool = True) -> str:
    """A value as every report writes it: from its unit, in the page's language."""
    if x is None or not _finite(x):
        return "—"
    v = float(x)
    if is_share(unit, indicator) and -1e-9 <= v <= 1 + 1e-9:
        return fmt_share(v)
    if unit in ("kWh", "kgCO2e"):
        v, unit = _scaled(v, unit)
    if unit == "count" or unit == "rows":
        text = fmt_number(round(v)) if v.is_integer() else fmt_number(v)
    else:
        text = fmt_number(v)
    u = unit_text(unit, lang) if with_unit and not is_share(unit) else ""
    if not u or u.lower() in ("psi", "ratio", "score", "r2"):
        return text
    return f"{text} {u}"


def threshold_text(th: Mapping[str, Any] | None, unit: str = "", lang: str = _ZH, indicator: str = "") -> str:
    """A threshold from its indicator's unit, in the page's language: "綠燈 ≥ 100%；紅燈 < 95%" /
    "green ≥ 100%; red < 95%". ``th`` is a threshold's ``to_dict()``; "—" when there is none."""
    if not th or th.get("green") is None or th.get("red") is None:
        return "—"
    lower = th.get("better") == "lower"
    if lower:
        g = "≤" if th.get("green_inclusive", True) else "<"
        r = "≥" if th.get("red_inclusive", False) else ">"
    else:
        g = "≥" if th.get("green_inclusive", True) else ">"
        r = "≤" if th.get("red_inclusive", False) else "<"
    gv = fmt_value(th["green"], unit, lang, indicator)
    rv = fmt_value(th["red"], unit, lang, indicator)
    if lang == _ZH:
        return f"綠燈 {g} {gv}；紅燈 {r} {rv}"
    return f"green {g} {gv}; red {r} {rv}"


def local_time(value: Any, tz: str | None = None) -> _dt.datetime | None:
    """An ISO time (UTC when it names no zone) in the time zone ``tz`` (default Asia/Taipei); None when
    it is not an ISO time."""
    try:
        t = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.UTC)
    return t.astimezone(ZoneInfo(tz or DEFAULT_TIMEZONE))


def fmt_time(value: Any, lang: str = _ZH, tz: str | None = None) -> str:
    """An ISO time (UTC when it names no zone) in the workspace's time zone, with the zone's name:
    "2026-10-02 09:15（台北時間）" / "2026-10-02 09:15 (Taipei time)"; "—" when empty."""
    if not value:
        return "—"
    zone = tz or DEFAULT_TIMEZONE
    local = local_time(value, zone)
    if local is None:
        return str(value)
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    if zone == "Asia/Taipei":
        name = "台北時間" if lang == _ZH else "Taipei time"
    else:
        name = f"{city} 時間" if lang == _ZH else f"{city} time"
    stamp = local.strftime("%Y-%m-%d %H:%M")
    return f"{stamp}（{name}）" if lang == _ZH else f"{stamp} ({name})"
