"""Energy measurement with CodeCarbon (a short real workload) and the inventory's energy model.

The measurement tests run CodeCarbon for real: no mocks of the tracker except where a failure is planted.
Each measures a child process burning about a second of CPU, like a notebook kernel under the worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from pydantic import ValidationError

from govreport.errors import InputError
from govreport.run.energy import measure, unmeasured, worker_energy
from govreport.workspace.energy import DEFAULT_PUE, Energy, EnergyFigure, to_kwh

pytest.importorskip("codecarbon")

BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass\n"


def burn_child(seconds: float) -> None:
    subprocess.run([sys.executable, "-c", BURN.format(s=seconds)], check=True)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    # one machine cache for the session; never the developer's ~/.cache
    monkeypatch.setenv("GOVREPORT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "energy-cache"))


# -- the measurement wrapper ------------------------------------------------------------------------
def test_measures_a_real_workload_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with measure() as m:
        burn_child(1.0)
    r = m.result
    assert r["source"] == "measured" and r["kwh"] > 0 and "reason" not in r
    assert r["kwh"] == pytest.approx(r["cpu_kwh"] + r["ram_kwh"] + r["gpu_kwh"])
    assert r["seconds"] >= 1.0 and r["cpu_seconds"] >= 0.9  # the child's CPU time is seen by os.times()
    assert r["codecarbon_version"] == metadata.version("codecarbon")
    assert r["codecarbon_country"] == "TWN" and r["codecarbon_kgco2e"] > 0
    assert r["tracking_mode"] == "process" and r["estimation_mode"]
    assert r["method"].startswith(f"CodeCarbon {metadata.version('codecarbon')} offline tracker")
    hw = r["hardware"]
    assert hw["cpu_model"] and hw["cpu_threads"] >= 1 and hw["ram_total_gb"] > 0
    if not Path("/sys/class/powercap").exists():  # this VM: no RAPL, so CodeCarbon estimates
        assert r["estimated"] is True and r["estimation_mode"] in ("cpu_load", "constant")
        assert hw["rapl"] is False and "no RAPL" in r["method"]
    json.dumps(r, allow_nan=False)  # storable in the evidence record as is
    assert list(tmp_path.iterdir()) == []  # no emissions.csv, no lock file, nothing


def test_stop_is_idempotent_and_result_is_none_until_stopped():
    m = measure().start()
    assert m.result is None
    first = m.stop()
    assert m.stop() is first and m.result is first
    assert measure().stop()["kwh"] is None  # never started: a result naming why, not an exception


def test_exception_in_the_block_propagates_and_is_still_measured():
    with pytest.raises(ZeroDivisionError), measure() as m:
        1 / 0  # noqa: B018
    assert m.result is not None and m.result["source"] == "measured"


def test_missing_codecarbon_never_fails_the_run(monkeypatch):
    monkeypatch.setitem(sys.modules, "codecarbon", None)  # import codecarbon → ImportError
    with measure() as m:
        burn_child(0.2)
    r = m.result
    assert r["kwh"] is None and r["source"] == "measured"
    assert "codecarbon is not installed" in r["reason"] and r["seconds"] > 0


def test_failure_while_stopping_never_fails_the_run(monkeypatch):
    from codecarbon import OfflineEmissionsTracker

    def broken_stop(self):
        raise RuntimeError("planted failure")

    monkeypatch.setattr(OfflineEmissionsTracker, "stop", broken_stop)
    with measure() as m:
        pass
    assert m.result["kwh"] is None and "planted failure" in m.result["reason"]


OVERHEAD = """
import json, time, subprocess, sys
from govreport.run.energy import measure
t0 = time.perf_counter()
with measure() as m:
    time.sleep({sleep})
print(json.dumps({{"wall": time.perf_counter() - t0, **m.result}}))
"""


def test_a_fresh_worker_reuses_the_cached_hardware_probe(tmp_path):
    """A fresh worker process (as in a run) probes the hardware once, then reads the cache. What start and
    stop cost is a figure for the bench (a timed bound here failed on a loaded machine, not on the code)."""
    env = {**os.environ, "GOVREPORT_CACHE_DIR": str(tmp_path / "cache")}
    prime = subprocess.run(
        [sys.executable, "-c", OVERHEAD.format(sleep=0.1)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(prime.stdout)["hardware_probe"] == "probed"
    assert (tmp_path / "cache" / "codecarbon-hardware.json").is_file()
    out = subprocess.run(
        [sys.executable, "-c", OVERHEAD.format(sleep=2)], env=env, capture_output=True, text=True, check=True
    )
    r = json.loads(out.stdout)
    assert r["hardware_probe"] == "cached" and r["kwh"] > 0
    assert r["overhead_seconds"] >= 0 and r["wall"] >= 2


def test_worker_energy_reads_the_status_file(tmp_path):
    status = tmp_path / "status.json"
    assert "killed or timed out" in worker_energy(status)["reason"]
    status.write_text(json.dumps({"status": "succeeded", "error": ""}))
    assert worker_energy(status)["kwh"] is None
    status.write_text(json.dumps({"status": "failed", "energy": {"kwh": 1e-5, "source": "measured"}}))
    assert worker_energy(status) == {"kwh": 1e-5, "source": "measured"}
    assert unmeasured("why")["reason"] == "why"


# -- the inventory model --------------------------------------------------------------------------------
def fig(**kw):
    return EnergyFigure.model_validate({"activity": "training", "period": "2026Q1", **kw})


def test_units_and_ways_of_giving_a_figure():
    assert to_kwh(1500, "Wh") == 1.5 and to_kwh(2, "kWh") == 2 and to_kwh(0.25, "MWh") == 250
    assert fig(value=1500, unit="Wh", source="measured").kwh == pytest.approx(1.5)
    assert fig(value=3, unit="MWh", source="declared").kwh == pytest.approx(3000)
    tok = fig(activity="tokens", tokens=2_000_000, wh_per_1k_tokens=0.3, basis="vendor letter")
    assert tok.kwh == pytest.approx(0.6) and tok.kind == "estimated" and tok.boundary == "third_party"
    srv = fig(activity="serving", hours=2208, average_power_w=350)
    assert srv.kwh == pytest.approx(772.8) and srv.kind == "estimated" and srv.boundary == "own"
    assert fig(value=1, unit="kWh", source="declared", operated_by="third_party").boundary == "third_party"
    e = Energy()
    assert e.pue_used == DEFAULT_PUE and "default" in e.pue_source


def first_error(**kw) -> str:
    with pytest.raises(ValidationError) as ei:
        fig(**kw)
    err = ei.value.errors()[0]
    return ".".join(map(str, err["loc"])) + ": " + err["msg"]


@pytest.mark.parametrize(
    ("kw", "field", "text"),
    [
        ({"value": -5, "unit": "kWh", "source": "declared"}, "value", "must not be negative (got -5)"),
        ({"value": "abc", "unit": "kWh", "source": "declared"}, "value", "must be a number, not 'abc'"),
        ({"value": "1,200", "unit": "kWh", "source": "declared"}, "value", "must be a number"),
        ({"value": True, "unit": "kWh", "source": "declared"}, "value", "must be a number, not true"),
        ({"value": float("nan"), "unit": "kWh", "source": "declared"}, "value", "finite"),
        (
            {"value": 12, "unit": "GJ", "source": "declared"},
            "unit",
            "unit 'GJ' is not accepted; use Wh, kWh or MWh",
        ),
        ({"value": 12, "unit": "kwh", "source": "declared"}, "unit", "unit 'kwh' is not accepted"),
        ({"value": 12, "source": "declared"}, "", "`unit` is missing for value 12"),
        ({"unit": "kWh", "source": "declared"}, "", "`value` is missing"),
        ({"value": 12, "unit": "kWh"}, "", "`source` is missing"),
        ({"value": 12, "unit": "kWh", "source": "guessed"}, "source", "Input should be"),
        ({"value": 12, "unit": "kWh", "source": "declared", "period": "2026Q5"}, "period", "is not a period"),
        ({"tokens": 10, "wh_per_1k_tokens": 0.3}, "", "`basis` is missing"),
        ({"tokens": 10, "basis": "x"}, "", "needs both"),
        (
            {"tokens": 10, "wh_per_1k_tokens": 0.3, "basis": "x", "source": "measured"},
            "",
            "must be 'estimated'",
        ),
        ({"hours": 10}, "", "give exactly one of"),
        (
            {"value": 1, "unit": "kWh", "source": "declared", "tokens": 5, "wh_per_1k_tokens": 1},
            "",
            "exactly one",
        ),
        ({"value": 1, "unit": "kWh", "source": "declared", "colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(kw, field, text):
    msg = first_error(**kw)
    assert msg.startswith(field + ":") if field else msg.startswith(":")
    assert text in msg and "\n" not in msg


def test_pue_below_one_is_refused():
    with pytest.raises(ValidationError, match=r"PUE must be at least 1.0 \(got 0.9\)"):
        Energy(pue=0.9)
    with pytest.raises(ValidationError, match="must be a number"):
        Energy(pue="high")
    assert Energy(pue=1.0).pue_used == 1.0


def test_errors_in_a_system_file_are_one_line_with_file_line_and_field(tmp_path):
    from govreport.core.yamlio import load_model
    from govreport.errors import ConfigError

    path = tmp_path / "x.yaml"
    path.write_text(
        "pue: 1.3\ndeclared:\n  - activity: training\n    period: 2026Q1\n    value: 40\n"
        "    unit: GJ\n    source: declared\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as ei:
        load_model(path, Energy)
    msg = str(ei.value)
    assert "\n" not in msg and "x.yaml:6" in msg and "field 'declared.0.unit'" in msg and "GJ" in msg


def test_to_kwh_refuses_other_units():
    with pytest.raises(InputError, match="unit 'J' is not accepted"):
        to_kwh(1, "J")


def test_volumes_one_per_period():
    with pytest.raises(ValidationError, match="repeated: 2026Q1"):
        Energy(volumes=[{"period": "2026Q1", "count": 5}, {"period": "2026Q1", "count": 6}])
    with pytest.raises(ValidationError, match="must not be negative"):
        Energy(volumes=[{"period": "2026Q1", "count": -5}])
