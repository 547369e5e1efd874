"""Energy (Art. 4): measuring the energy of govreport's own runs with CodeCarbon.

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

The inventory's declared energy (the ``energy:`` block) is :mod:`govreport.workspace.energy`.
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
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from ..core.files import now

__all__ = [
    "warm_energy",
    "measure",
    "Measurement",
    "unmeasured",
    "worker_energy",
]

#: CodeCarbon's power-sampling interval (s) for its energy integration. CPU load is sampled every second
#: by CodeCarbon regardless; this interval only sets how often the samples are integrated.
DEFAULT_INTERVAL_S = 5.0

_CACHE_ENV = "GOVREPORT_CACHE_DIR"
_CACHE_FILE = "codecarbon-hardware.json"
_log = logging.getLogger(__name__)


# ==================================================================================================
# Measured energy (CodeCarbon)
# ==================================================================================================


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
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "govreport"
    )
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

    def __init__(
        self,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        country_iso_code: str = "TWN",
        tracking_mode: Literal["process", "machine"] = "process",
        cpu_power_w: float | None = None,
        ram_power_w: float | None = None,
        use_cache: bool = True,
    ) -> None:
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
        self._started_at = now()
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
                self.result = unmeasured(
                    self._reason or "CodeCarbon did not start",
                    seconds,
                    cpu_seconds=cpu_seconds,
                    started_at=self._started_at,
                    finished_at=now(),
                )
            else:
                self.result = self._stop_tracker(seconds, cpu_seconds)
        except Exception as e:  # noqa: BLE001
            self._abandon()
            self.result = unmeasured(
                f"CodeCarbon failed while stopping: {type(e).__name__}: {_first_line(e)}",
                seconds,
                cpu_seconds=cpu_seconds,
                started_at=self._started_at,
                finished_at=now(),
            )
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
            country_iso_code=self.country_iso_code,
            region=None,
            cloud_provider=None,
            cloud_region=None,
            measure_power_secs=self.interval_s,
            api_call_interval=-1,
            output_methods=[],
            output_dir=tempfile.gettempdir(),
            emissions_endpoint=None,
            electricitymaps_api_token=None,
            tracking_mode=self.tracking_mode,
            log_level="warning",
            pue=1.0,
            wue=0.0,
            force_cpu_power=self.cpu_power_w,
            force_ram_power=self.ram_power_w,
            force_carbon_intensity_g_co2e_kwh=None,
            force_mode_cpu_load=False,
            allow_multiple_runs=True,
            gpu_ids=None,
            project_name="govreport",
            experiment_name="govreport-run",
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
            data[_machine_key(self._version)] = {
                "model": tdp.model,
                "tdp": tdp.tdp,
                "tdp_basis": self._tdp_basis,
                "probed_at": now(),
            }
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
            return unmeasured(
                "CodeCarbon returned no data",
                seconds,
                cpu_seconds=cpu_seconds,
                started_at=self._started_at,
                finished_at=now(),
            )
        kwh = _finite(data.energy_consumed)
        cc_kg = _finite(data.emissions)
        cpu = next((h for h in getattr(tr, "_hardware", []) if type(h).__name__ == "CPU"), None)
        mode = getattr(cpu, "_mode", None) or "unknown"
        tdp_w = _finite(getattr(cpu, "_tdp", None))
        hw = {}
        with contextlib.suppress(Exception):
            hw = tr.get_detected_hardware()
        basis = (
            "forced by govreport (cpu_power_w)"
            if self.cpu_power_w is not None
            else self._tdp_basis or _tdp_basis(self._capture.messages)
        )
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
            "estimated": mode
            not in ("intel_rapl", "windows_emi", "apple_powermetrics", "intel_power_gadget"),
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
            "finished_at": now(),
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


def warm_energy() -> None:
    """Import CodeCarbon and load its reference tables now (a runner's worker, before its first job), so
    that a job's measurement starts and stops in milliseconds."""
    with contextlib.suppress(Exception):
        import codecarbon  # noqa: F401

        _warm_reference_data()


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


def _describe(
    version: str, tracking: str, mode: str, tdp_w: float | None, basis: str, hw: dict[str, Any]
) -> str:
    cpu = {
        "cpu_load": f"CPU power estimated as {tdp_w:g} W × the share of CPU time used"
        if tdp_w
        else "CPU power estimated from CPU load",
        "constant": f"CPU power assumed constant at half of {tdp_w:g} W"
        if tdp_w
        else "CPU power assumed constant",
        "intel_rapl": "CPU energy read from RAPL counters",
    }.get(mode, f"CPU by CodeCarbon mode '{mode}'")
    if mode in ("cpu_load", "constant"):
        cpu += f" ({basis}; no RAPL energy counters)" if not hw.get("rapl") else f" ({basis})"
    ram = (
        f"RAM power {hw['ram_power_w']:g} W from CodeCarbon's memory model"
        if hw.get("ram_power_w") is not None
        else "RAM from CodeCarbon's memory model"
    )
    who = (
        "this process and its children (the notebook kernel)"
        if tracking == "process"
        else "the whole machine"
    )
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
