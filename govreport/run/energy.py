"""Energy (Art. 4): measuring the energy of govreport's own runs, and the inventory's energy record.

**Measured energy.** :func:`measure` wraps CodeCarbon's ``OfflineEmissionsTracker``::

    with measure() as m:
        run_the_notebook()
    m.result   # {"kwh": 1.2e-05, "seconds": 11.3, "source": "measured", "method": "...", ...}

* CodeCarbon is imported lazily, inside :meth:`Measurement.start`, so importing this module costs nothing.
* ``tracking_mode="process"``: CodeCarbon attributes to the run the CPU time of the measuring process
  *and its children* (the notebook's Jupyter kernel), and their memory. Parallel runs on one machine are
  therefore not counted twice, which whole-machine tracking would do.
* Nothing is written anywhere: no CSV (``output_methods=[]``), no API, no lock file
  (``allow_multiple_runs=True``); CodeCarbon's own settings files (``.codecarbon.config``) and
  ``CODECARBON_*`` variables cannot switch any of that back on, because every such setting is passed
  explicitly.
* A measurement never fails a run: any problem gives a result with ``kwh: None`` and the ``reason``.
* Overhead: CodeCarbon's hardware probe (``cpuinfo`` in a subprocess and a fuzzy search of its CPU table,
  about 2 s of CPU) is done once per machine and CodeCarbon version; its outcome (CPU model and TDP) is
  cached in ``$GOVREPORT_CACHE_DIR`` (default ``~/.cache/govreport``) and handed back to CodeCarbon on later
  runs. See docs/sustainability.md for the measured overhead.

On a machine without RAPL counters (``/sys/class/powercap`` absent, e.g. most virtual machines) CodeCarbon
*estimates*: CPU power = TDP × the process tree's share of CPU time ("cpu_load" mode), RAM power from the
memory size. The result records that mode, the TDP and where it came from, the hardware and CodeCarbon's
version, so a reader can tell an estimate from a meter reading.

**Declared energy.** :class:`Energy` is the ``energy:`` block of ``systems/<id>.yaml``: the PUE of the
system's infrastructure and figures for work outside govreport (training, batch scoring, serving,
vendor-reported figures, token counts with a documented per-token estimate), each with its source,
period and unit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import platform
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..core.periods import Period, parse_period
from ..errors import InputError

__all__ = [
    "measure",
    "Measurement",
    "unmeasured",
    "worker_energy",
    "DEFAULT_PUE",
    "UNITS",
    "to_kwh",
    "Energy",
    "EnergyFigure",
    "Volume",
]

#: PUE assumed when a system or the workspace states none: the industry-average annual PUE of the
#: Uptime Institute Global Data Center Survey 2024 (1.56). Documented in docs/sustainability.md.
DEFAULT_PUE = 1.56

#: Accepted energy units and their size in kWh.
UNITS: dict[str, float] = {"Wh": 0.001, "kWh": 1.0, "MWh": 1000.0}

#: CodeCarbon's power-sampling interval (s) for its energy integration. CPU load is sampled every second
#: by CodeCarbon regardless; this interval only sets how often the samples are integrated.
DEFAULT_INTERVAL_S = 5.0

_CACHE_ENV = "GOVREPORT_CACHE_DIR"
_CACHE_FILE = "codecarbon-hardware.json"
_log = logging.getLogger(__name__)


# ==================================================================================================
# Measured energy (CodeCarbon)
# ==================================================================================================
def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _tree_cpu_seconds() -> float:
    """CPU time of this process and its finished (reaped) children, e.g. the notebook's kernel."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def unmeasured(reason: str, seconds: float | None = None, **extra: Any) -> dict[str, Any]:
    """A measurement result without a figure: ``kwh`` is None and ``reason`` says why."""
    return {"kwh": None, "seconds": seconds, "source": "measured", "method": None, "reason": reason, **extra}


def _cache_path() -> Path:
    base = os.environ.get(_CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "govreport")
    return Path(base) / _CACHE_FILE


def _machine_key(cc_version: str) -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"codecarbon {cc_version}|{platform.machine()}|{model or platform.processor()}|{os.cpu_count()}"


class _CachedTDP:
    """What CodeCarbon's ``cpu.TDP()`` yields (model and TDP per socket), from govreport's machine cache."""

    def __init__(self, model: str, tdp: float | None) -> None:
        self.model = model
        self.tdp = tdp


class _Capture(logging.Handler):
    """Collects CodeCarbon's warnings (fallbacks, unknown CPU) for the result, instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            msg = " ".join(record.getMessage().split())
            if msg and "Multiple instances of codecarbon" not in msg and msg not in self.messages:
                self.messages.append(msg[:300])


class Measurement:
    """One measurement with CodeCarbon's offline tracker; see the module docstring.

    Use as a context manager, or call :meth:`start` and :meth:`stop` (both idempotent and never raising).
    ``result`` is None until stopped.
    """

    def __init__(self, *, interval_s: float = DEFAULT_INTERVAL_S, country_iso_code: str = "TWN",
                 tracking_mode: Literal["process", "machine"] = "process", cpu_power_w: float | None = None,
                 ram_power_w: float | None = None, use_cache: bool = True) -> None:
        self.interval_s = float(interval_s)
        self.country_iso_code = country_iso_code
        self.tracking_mode = tracking_mode
        self.cpu_power_w = cpu_power_w
        self.ram_power_w = ram_power_w
        self.use_cache = use_cache
        self.result: dict[str, Any] | None = None
        self._tracker: Any = None
        self._reason: str | None = None
        self._t0: float | None = None
        self._cpu0 = 0.0
        self._started_at = ""
        self._overhead = 0.0
        self._capture = _Capture()
        self._saved_logger: tuple[list[logging.Handler], bool, int] | None = None
        self._tdp_basis: str | None = None
        self._cache_hit = False
        self._version = ""
        self._warm: threading.Thread | None = None

    # -- public -----------------------------------------------------------------------------------
    def start(self) -> Measurement:
        if self._t0 is not None:
            return self
        self._t0 = time.perf_counter()
        self._started_at = _now()
        self._cpu0 = _tree_cpu_seconds()
        try:
            self._start_tracker()
        except Exception as e:  # noqa: BLE001 - a measurement must never fail the run
            self._reason = f"CodeCarbon could not start: {type(e).__name__}: {_first_line(e)}"
            self._abandon()
        self._overhead += time.perf_counter() - self._t0
        return self

    def stop(self) -> dict[str, Any]:
        if self.result is not None:
            return self.result
        if self._t0 is None:
            self.result = unmeasured("the measurement was never started")
            return self.result
        t_stop = time.perf_counter()
        seconds = round(t_stop - self._t0, 3)
        cpu_seconds = round(_tree_cpu_seconds() - self._cpu0, 3)
        try:
            if self._tracker is None:
                self.result = unmeasured(self._reason or "CodeCarbon did not start", seconds,
                                         cpu_seconds=cpu_seconds, started_at=self._started_at,
                                         finished_at=_now())
            else:
                self.result = self._stop_tracker(seconds, cpu_seconds)
        except Exception as e:  # noqa: BLE001
            self._abandon()
            self.result = unmeasured(f"CodeCarbon failed while stopping: {type(e).__name__}: {_first_line(e)}",
                                     seconds, cpu_seconds=cpu_seconds, started_at=self._started_at,
                                     finished_at=_now())
        finally:
            self._restore_logger()
        self._overhead += time.perf_counter() - t_stop
        self.result["overhead_seconds"] = round(self._overhead, 3)
        return self.result

    def __enter__(self) -> Measurement:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- CodeCarbon ---------------------------------------------------------------------------------
    def _start_tracker(self) -> None:
        try:
            import codecarbon
            from codecarbon import OfflineEmissionsTracker
        except ImportError:
            raise RuntimeError("codecarbon is not installed (pip install codecarbon)") from None
        self._version = getattr(codecarbon, "__version__", "")
        lg = logging.getLogger("codecarbon")
        self._saved_logger = (list(lg.handlers), lg.propagate, lg.level)
        lg.handlers = [self._capture]
        lg.propagate = False
        lg.setLevel(logging.WARNING)
        cached = self._seed_tdp_cache() if self.use_cache else None
        self._tracker = OfflineEmissionsTracker(
            country_iso_code=self.country_iso_code, region=None, cloud_provider=None, cloud_region=None,
            measure_power_secs=self.interval_s, api_call_interval=-1, output_methods=[],
            output_dir=tempfile.gettempdir(), emissions_endpoint=None, electricitymaps_api_token=None,
            tracking_mode=self.tracking_mode, log_level="warning", pue=1.0, wue=0.0,
            force_cpu_power=self.cpu_power_w, force_ram_power=self.ram_power_w,
            force_carbon_intensity_g_co2e_kwh=None, force_mode_cpu_load=False, allow_multiple_runs=True,
            gpu_ids=None, project_name="govreport", experiment_name="govreport-run",
        )
        # the constructor adds its own stderr handler: keep only ours
        lg.handlers = [self._capture]
        lg.setLevel(logging.WARNING)
        self._tracker.start()
        if self.use_cache and cached is None:
            self._save_tdp_cache()
        # CodeCarbon loads its reference tables (and pandas) when it first computes emissions, at stop:
        # do that now, beside the run, so that stopping is quick.
        self._warm = threading.Thread(target=_warm_reference_data, name="govreport-energy-warm", daemon=True)
        self._warm.start()

    def _seed_tdp_cache(self) -> dict[str, Any] | None:
        """Hand CodeCarbon the CPU model and TDP it found on this machine before (skips a ~2 s probe)."""
        try:
            from codecarbon.core import hardware_cache
        except ImportError:
            return None
        if not hasattr(hardware_cache, "_tdp"):
            return None
        if hardware_cache._tdp is not None:  # already probed in this process (a long-lived runner worker)
            self._cache_hit = True
            self._tdp_basis = _PROCESS_TDP_BASIS[0]  # what the first measurement found, said again
            return {}
        try:
            entry = json.loads(_cache_path().read_text(encoding="utf-8")).get(_machine_key(self._version))
        except (OSError, ValueError, AttributeError):
            return None
        if not isinstance(entry, dict) or "model" not in entry:
            return None
        hardware_cache._tdp = _CachedTDP(entry["model"], entry.get("tdp"))
        self._tdp_basis = _PROCESS_TDP_BASIS[0] = entry.get("tdp_basis")
        self._cache_hit = True
        return entry

    def _save_tdp_cache(self) -> None:
        try:
            from codecarbon.core import hardware_cache

            tdp = getattr(hardware_cache, "_tdp", None)
            if tdp is None or isinstance(tdp, _CachedTDP):
                return
            self._tdp_basis = _PROCESS_TDP_BASIS[0] = _tdp_basis(self._capture.messages)
            path = _cache_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                data = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                data = {}
            data[_machine_key(self._version)] = {"model": tdp.model, "tdp": tdp.tdp, "tdp_basis": self._tdp_basis,
                                                 "probed_at": _now()}
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            tmp.replace(path)
        except Exception:  # noqa: BLE001 - the cache is an optimisation only
            pass

    def _stop_tracker(self, seconds: float, cpu_seconds: float) -> dict[str, Any]:
        tr = self._tracker
        if self._warm is not None:
            self._warm.join(timeout=10)
        tr.stop()
        data = getattr(tr, "final_emissions_data", None)
        if data is None:
            return unmeasured("CodeCarbon returned no data", seconds, cpu_seconds=cpu_seconds,
                              started_at=self._started_at, finished_at=_now())
        kwh = _finite(data.energy_consumed)
        cc_kg = _finite(data.emissions)
        cpu = next((h for h in getattr(tr, "_hardware", []) if type(h).__name__ == "CPU"), None)
        mode = getattr(cpu, "_mode", None) or "unknown"
        tdp_w = _finite(getattr(cpu, "_tdp", None))
        hw = {}
        with contextlib.suppress(Exception):
            hw = tr.get_detected_hardware()
        basis = ("forced by govreport (cpu_power_w)" if self.cpu_power_w is not None
                 else self._tdp_basis or _tdp_basis(self._capture.messages))
        hardware = {
            "cpu_model": hw.get("cpu_model") or getattr(data, "cpu_model", None),
            "cpu_threads": hw.get("cpu_count"),
            "cpu_physical": hw.get("cpu_physical_count"),
            "cpu_power_model_w": tdp_w,
            "cpu_power_model_basis": basis,
            "ram_total_gb": _round(hw.get("ram_total_size"), 2),
            "ram_power_w": _finite(data.ram_power),
            "gpu_count": hw.get("gpu_count") or 0,
            "gpu_model": hw.get("gpu_model") or None,
            "rapl": mode == "intel_rapl",
            "powercap_present": os.path.isdir("/sys/class/powercap"),
            "os": getattr(data, "os", platform.platform()),
        }
        result: dict[str, Any] = {
            "kwh": kwh,
            "seconds": seconds,
            "source": "measured",
            "method": _describe(self._version, self.tracking_mode, mode, tdp_w, basis, hardware),
            "estimation_mode": mode,
            "tracking_mode": self.tracking_mode,
            "estimated": mode not in ("intel_rapl", "windows_emi", "apple_powermetrics", "intel_power_gadget"),
            "cpu_kwh": _finite(data.cpu_energy),
            "ram_kwh": _finite(data.ram_energy),
            "gpu_kwh": _finite(data.gpu_energy),
            "cpu_seconds": cpu_seconds,
            "hardware": hardware,
            "codecarbon_version": self._version or getattr(data, "codecarbon_version", None),
            "codecarbon_kgco2e": cc_kg,
            "codecarbon_kg_per_kwh": _round(cc_kg / kwh, 4) if cc_kg is not None and kwh else None,
            "codecarbon_country": getattr(data, "country_iso_code", None) or self.country_iso_code,
            "codecarbon_country_name": getattr(data, "country_name", None),
            "codecarbon_region": getattr(data, "region", None) or None,
            "hardware_probe": "cached" if self._cache_hit else "probed",
            "started_at": self._started_at,
            "finished_at": _now(),
            "notes": self._capture.messages[:6],
        }
        if kwh is None:
            result["reason"] = "CodeCarbon returned no finite energy figure"
        return result

    def _abandon(self) -> None:
        tr, self._tracker = self._tracker, None
        for name in ("_scheduler", "_scheduler_monitor_power"):
            with contextlib.suppress(Exception):
                getattr(tr, name).stop()

    def _restore_logger(self) -> None:
        if self._saved_logger is None:
            return
        lg = logging.getLogger("codecarbon")
        lg.handlers, lg.propagate, level = self._saved_logger
        lg.setLevel(level)
        self._saved_logger = None


def _warm_reference_data() -> None:
    with contextlib.suppress(Exception):
        from codecarbon.input import DataSource

        DataSource().get_global_energy_mix_data()


def _round(x: Any, digits: int) -> float | None:
    v = _finite(x)
    return round(v, digits) if v is not None else None


def _first_line(e: BaseException) -> str:
    s = str(e).strip()
    return s.splitlines()[0][:200] if s else ""


def _tdp_basis(messages: list[str]) -> str:
    if any("don't know it" in m or "default power consumption" in m for m in messages):
        return "CodeCarbon's default of 4 W per CPU thread (CPU model not in its table)"
    if any("Resorting to a default power consumption" in m for m in messages):
        return "CodeCarbon's default CPU power (CPU model undetected)"
    return "CodeCarbon's CPU table (TDP of the detected model)"


def _describe(version: str, tracking: str, mode: str, tdp_w: float | None, basis: str,
              hw: dict[str, Any]) -> str:
    cpu = {
        "cpu_load": f"CPU power estimated as {tdp_w:g} W × the share of CPU time used" if tdp_w else
                    "CPU power estimated from CPU load",
        "constant": f"CPU power assumed constant at half of {tdp_w:g} W" if tdp_w else "CPU power assumed constant",
        "intel_rapl": "CPU energy read from RAPL counters",
    }.get(mode, f"CPU by CodeCarbon mode '{mode}'")
    if mode in ("cpu_load", "constant"):
        cpu += f" ({basis}; no RAPL energy counters)" if not hw.get("rapl") else f" ({basis})"
    ram = f"RAM power {hw['ram_power_w']:g} W from CodeCarbon's memory model" if hw.get("ram_power_w") is not None \
        else "RAM from CodeCarbon's memory model"
    who = "this process and its children (the notebook kernel)" if tracking == "process" else "the whole machine"
    return f"CodeCarbon {version} offline tracker, {who}: {cpu}; {ram}"


#: The CPU power basis CodeCarbon's probe found in this process (it probes once per process): every later
#: measurement of a long-lived runner worker states the same basis.
_PROCESS_TDP_BASIS: list[str | None] = [None]


def measure(**kwargs: Any) -> Measurement:
    """A new :class:`Measurement` (not yet started); ``with measure() as m: …`` then ``m.result``."""
    return Measurement(**kwargs)


def worker_energy(status: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    """The measurement a worker wrote into its ``status.json`` (key ``energy``) — given the file's path or
    its parsed content (None: the worker reported nothing) — or an unmeasured result naming why there is
    none (the worker was killed, timed out, or predates energy measurement)."""
    st: Any = status
    if isinstance(status, (str, Path)):
        try:
            st = json.loads(Path(status).read_text(encoding="utf-8"))
        except FileNotFoundError:
            st = None
        except (OSError, ValueError) as e:
            return unmeasured(f"the worker's status file is unreadable: {type(e).__name__}")
    if st is None:
        return unmeasured("the worker process ended without reporting (killed or timed out)")
    energy = st.get("energy") if isinstance(st, Mapping) else None
    if not isinstance(energy, dict):
        return unmeasured("the worker reported no energy measurement")
    return energy


# ==================================================================================================
# Declared energy: the `energy:` block of systems/<id>.yaml
# ==================================================================================================
def _number(v: Any) -> Any:
    """Numbers only: refuse booleans and text such as '1,200' with a message naming what was given."""
    if v is None:
        return v
    if isinstance(v, bool):
        raise ValueError(f"must be a number, not {str(v).lower()}")
    if isinstance(v, str):
        try:
            v = float(v.strip())
        except ValueError:
            raise ValueError(f"must be a number, not '{v}'") from None
    if not isinstance(v, (int, float)):
        raise ValueError(f"must be a number, not {type(v).__name__}")
    if not math.isfinite(float(v)):
        raise ValueError("must be a finite number")
    if v < 0:
        raise ValueError(f"must not be negative (got {v:g})")
    return v


NonNegative = Annotated[float, BeforeValidator(_number)]
Count = Annotated[int, BeforeValidator(_number)]


def _check_period(v: Any) -> str:
    try:
        return parse_period(str(v)).label
    except InputError:
        raise ValueError(f"'{v}' is not a period; write a quarter like 2026Q3, a month like 2026-07 or a "
                         "year like 2026") from None


def to_kwh(value: float, unit: str) -> float:
    """``value`` in ``unit`` (Wh, kWh or MWh) as kWh."""
    if unit not in UNITS:
        raise InputError(f"unit '{unit}' is not accepted", field="unit", fix="use Wh, kWh or MWh")
    return float(value) * UNITS[unit]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


ACTIVITIES = ("training", "batch_scoring", "serving", "vendor_reported", "tokens", "other")


class EnergyFigure(_Strict):
    """One figure of energy used by the system outside govreport, for one period.

    Give exactly one of: ``value`` with ``unit`` (Wh, kWh or MWh); ``tokens`` with ``wh_per_1k_tokens``
    (a per-token estimate; ``basis`` must say where it comes from); or ``hours`` with
    ``average_power_w`` (e.g. serving hours × the server's average draw). The last two are estimates.
    """

    activity: Literal[ACTIVITIES] = Field(  # type: ignore[valid-type]
        ..., description="training, batch_scoring, serving, vendor_reported, tokens or other")
    period: str = Field(..., description="the period the energy was used in: 2026Q3, 2026-07 or 2026")
    source: Literal["measured", "declared", "estimated"] | None = Field(
        None, description="measured (a meter or the vendor's measurement), declared (stated without "
        "measurement detail) or estimated; tokens and hours × power are always estimated")
    value: NonNegative | None = Field(None, description="energy, in `unit`")
    unit: str | None = Field(None, description="Wh, kWh or MWh")
    tokens: Count | None = Field(None, description="tokens processed (third-party generative systems)")
    wh_per_1k_tokens: NonNegative | None = Field(None, description="documented energy estimate per 1,000 tokens")
    hours: NonNegative | None = Field(None, description="hours of work, e.g. serving hours")
    average_power_w: NonNegative | None = Field(None, description="average power draw during `hours`, in W")
    operated_by: Literal["own", "third_party"] | None = Field(
        None, description="whose infrastructure did the work: own (GRI 302-1, 305-2) or third_party "
        "(GRI 302-2, 305-3); default third_party for vendor_reported and tokens, else own")
    includes_pue: bool = Field(False, description="true when the figure already includes the data centre "
                               "overhead (then PUE is not applied again)")
    basis: str = Field("", description="where the figure comes from: meter, invoice, vendor report, paper")

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> str:
        return _check_period(v)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, str) or v.strip() not in UNITS:
            raise ValueError(f"unit '{v}' is not accepted; use Wh, kWh or MWh")
        return v.strip()

    @model_validator(mode="after")
    def _one_way(self) -> EnergyFigure:
        direct = self.value is not None or self.unit is not None
        tokens = self.tokens is not None or self.wh_per_1k_tokens is not None
        power = self.average_power_w is not None
        if sum((direct, tokens, power)) != 1:
            raise ValueError("give exactly one of: value with unit; tokens with wh_per_1k_tokens; "
                             "hours with average_power_w")
        if direct:
            if self.value is None:
                raise ValueError(f"`value` is missing for unit {self.unit}")
            if self.unit is None:
                raise ValueError(f"`unit` is missing for value {self.value:g}: give Wh, kWh or MWh")
        if tokens:
            if self.tokens is None or self.wh_per_1k_tokens is None:
                raise ValueError("a token estimate needs both `tokens` and `wh_per_1k_tokens`")
            if not self.basis.strip():
                raise ValueError("`basis` is missing: say where wh_per_1k_tokens comes from")
        if power and self.hours is None:
            raise ValueError("`hours` is missing for average_power_w")
        if (tokens or power) and self.source not in (None, "estimated"):
            raise ValueError(f"source must be 'estimated' for a figure computed from "
                             f"{'tokens' if tokens else 'hours × power'}, not '{self.source}'")
        if direct and self.source is None:
            raise ValueError("`source` is missing: measured, declared or estimated")
        return self

    # -- derived ------------------------------------------------------------------------------------
    @property
    def kwh(self) -> float:
        if self.value is not None and self.unit is not None:
            return to_kwh(self.value, self.unit)
        if self.tokens is not None and self.wh_per_1k_tokens is not None:
            return self.tokens / 1000 * self.wh_per_1k_tokens / 1000
        return float(self.hours or 0) * float(self.average_power_w or 0) / 1000

    @property
    def kind(self) -> str:
        """measured, declared or estimated."""
        return self.source or "estimated"

    @property
    def boundary(self) -> str:
        if self.operated_by:
            return self.operated_by
        return "third_party" if self.activity in ("vendor_reported", "tokens") else "own"

    @property
    def period_obj(self) -> Period:
        return parse_period(self.period)

    def describe(self) -> str:
        if self.tokens is not None:
            return f"{self.tokens:,} tokens × {self.wh_per_1k_tokens:g} Wh per 1,000 tokens"
        if self.average_power_w is not None:
            return f"{self.hours:g} h × {self.average_power_w:g} W"
        return f"{self.value:g} {self.unit}"


class Volume(_Strict):
    """Predictions or requests the system served in a period (the denominator of the intensity); without
    one, govreport counts the rows of the period's scoring data or the assistant turns of its conversation
    log, from the period's results."""

    period: str
    count: Count = Field(..., description="predictions or requests in the period")
    basis: str = ""

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> str:
        return _check_period(v)


class Energy(_Strict):
    """Art. 4: the system's infrastructure PUE and the energy of its work outside govreport, per period.

    ``pue`` (≥ 1.0; default :data:`DEFAULT_PUE`, 1.56) applies to every figure of the system that does not
    already include it. Figures are converted with Taiwan's grid factor of the year of their period.
    """

    pue: NonNegative | None = Field(None, description=f"power usage effectiveness, ≥ 1.0; default {DEFAULT_PUE}")
    pue_basis: str = Field("", description="where the PUE comes from, e.g. the data centre's annual report")
    declared: list[EnergyFigure] = Field(default_factory=list)
    volumes: list[Volume] = Field(default_factory=list)

    @field_validator("pue")
    @classmethod
    def _pue(cls, v: float | None) -> float | None:
        if v is not None and v < 1.0:
            raise ValueError(f"PUE must be at least 1.0 (got {v:g}): it is total facility energy ÷ IT energy")
        return v

    @model_validator(mode="after")
    def _unique_volumes(self) -> Energy:
        seen = [v.period for v in self.volumes]
        dupes = sorted({p for p in seen if seen.count(p) > 1})
        if dupes:
            raise ValueError(f"volumes: one entry per period; repeated: {', '.join(dupes)}")
        return self

    @property
    def pue_used(self) -> float:
        return float(self.pue) if self.pue is not None else DEFAULT_PUE

    @property
    def pue_source(self) -> str:
        if self.pue is None:
            return "default (Uptime Institute 2024 industry average)"
        return self.pue_basis or "system record"

    def figures_in(self, period: Period) -> Iterator[tuple[int, EnergyFigure]]:
        """Figures whose period lies within ``period`` (a month within a quarter, a quarter within a year)."""
        for i, f in enumerate(self.declared):
            p = f.period_obj
            if p.start >= period.start and p.end <= period.end:
                yield i, f
