"""demo — the demo workspace (three AI systems, four quarters of synthetic data) and its data generators."""

from . import build as _build
from .build import build_demo, fake_national_id, make_conversations, make_monitoring_data, make_scorecard_data

__all__ = [
    "build_demo",
    "make_scorecard_data",
    "make_monitoring_data",
    "make_conversations",
    "fake_national_id",
]


def __getattr__(name: str) -> object:
    """Every other public name of ``govreport.demo`` before the package layout, from :mod:`.build`."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_build, name)
