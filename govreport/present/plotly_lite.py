"""Plotly figures as plain dictionaries: the few ``plotly.graph_objects`` calls the report figures use.

A kernel that presents precomputed results should not pay for importing ``plotly.graph_objects`` (with its
thousands of validator classes) and for validating every property of every trace: that was most of a
presenting kernel's CPU (issue 22). This module offers the same calls the figure builders in
:mod:`govreport.present.figures` make — ``Figure``, ``Bar``, ``Scatter``, ``Heatmap``, ``make_subplots``;
``add_trace`` / ``add_bar``, ``update_layout``, ``update_xaxes`` / ``update_yaxes``, ``update_annotations``,
``add_hline`` / ``add_vline`` / ``add_shape``, ``to_json``, ``to_html`` — building the same figure JSON that
plotly would build, with no validation. The tests (tests/unit/present/test_plotly_lite.py) build every report
figure both ways and check that plotly accepts the dictionary and produces the same figure.

Properties read and set as attributes (``fig.layout.title.text``, ``trace.name``) behave as in plotly for the
ways :mod:`govreport.present.charts` uses them; an unset property reads as None. A real
``plotly.graph_objects.Figure`` given to :class:`Figure` is converted (``to_plotly_json``).

Magic underscores work as in plotly: ``marker_color="red"`` is ``marker={"color": "red"}``, a string
``title`` is ``{"text": …}``.
"""

from __future__ import annotations

import copy
import json
import math
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["Bar", "Figure", "Heatmap", "Scatter", "make_subplots", "templates"]

#: named templates, as ``plotly.io.templates`` (``govreport.present.charts`` registers "govreport")
templates: dict[str, dict[str, Any]] = {}

#: property names that contain an underscore (not magic-underscore paths)
_UNDERSCORED = {"error_x", "error_y", "error_z", "paper_bgcolor", "plot_bgcolor"}


class _Obj(dict):  # type: ignore[type-arg]
    """A property dictionary whose keys read and write as attributes (missing ones read as None)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = _wrap(value)

    def __deepcopy__(self, memo: dict[int, Any]) -> _Obj:
        return _Obj({k: copy.deepcopy(v, memo) for k, v in self.items()})


def _wrap(value: Any) -> Any:
    """Nested dictionaries as :class:`_Obj`, tuples as lists (as plotly stores them)."""
    if isinstance(value, Mapping):
        return _Obj({k: _wrap(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return [_wrap(v) for v in value]
    return value


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Merge ``value`` into ``target[key]``, following magic underscores; a string ``title`` is its text."""
    if "_" in key and key not in _UNDERSCORED:
        head, _, rest = key.partition("_")
        if head not in _UNDERSCORED and not rest.startswith("_"):
            for u in _UNDERSCORED:  # "error_y_color" → error_y.color
                if key.startswith(u + "_"):
                    head, rest = u, key[len(u) + 1 :]
            sub = target.get(head)
            if not isinstance(sub, dict):
                sub = target[head] = _Obj()
            _set(sub, rest, value)
            return
    if key == "title" and isinstance(value, str):
        value = {"text": value}
    if isinstance(value, Mapping):
        sub = target.get(key)
        if not isinstance(sub, dict):
            sub = target[key] = _Obj()
        for k, v in value.items():
            _set(sub, k, v)
        return
    target[key] = _wrap(value)


def _update(target: dict[str, Any], props: Mapping[str, Any] | None, kwargs: Mapping[str, Any]) -> None:
    for k, v in {**(props or {}), **kwargs}.items():
        _set(target, k, v)


def _trace(kind: str, props: Mapping[str, Any] | None, kwargs: Mapping[str, Any]) -> _Obj:
    t = _Obj()
    _update(t, props, kwargs)
    t["type"] = kind
    return t


def Bar(arg: Mapping[str, Any] | None = None, **kwargs: Any) -> _Obj:  # noqa: N802 - plotly's name
    return _trace("bar", arg, kwargs)


def Scatter(arg: Mapping[str, Any] | None = None, **kwargs: Any) -> _Obj:  # noqa: N802 - plotly's name
    return _trace("scatter", arg, kwargs)


def Heatmap(arg: Mapping[str, Any] | None = None, **kwargs: Any) -> _Obj:  # noqa: N802 - plotly's name
    return _trace("heatmap", arg, kwargs)


def _plain(value: Any) -> Any:
    """JSON-ready: non-finite floats as null (as plotly writes them), numpy values as Python ones."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, pandas values
        return _plain(value.tolist())
    return value


def _json(value: Any) -> str:
    """As plotly's ``to_json_plotly``: compact, and ``<``, ``>``, ``/`` escaped so it is safe in a script."""
    out = json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=True)
    return out.replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\u002f")


class Figure:
    """A figure: ``data`` (a list of traces) and ``layout``, as plotly's JSON."""

    def __init__(self, data: Any = None, layout: Mapping[str, Any] | None = None) -> None:
        self._grid: tuple[int, int] | None = None
        if isinstance(data, Figure):
            self.data: list[_Obj] = copy.deepcopy(data.data)
            self.layout: _Obj = copy.deepcopy(data.layout)
            self._grid = data._grid
            return
        if not isinstance(data, (Mapping, list, tuple)) and hasattr(data, "to_plotly_json"):  # plotly's
            data = data.to_plotly_json()
        if isinstance(data, Mapping) and "type" not in data:  # a figure's dict, not a trace
            data, layout = data.get("data"), {**(data.get("layout") or {}), **(layout or {})}
        if isinstance(data, Mapping):  # one trace
            data = [data]
        self.data = [_wrap(t) for t in data or ()]
        self.layout = _wrap(layout or {})  # a figure's JSON as it is (no magic underscores)

    # -- building --------------------------------------------------------------------------------
    def _ref(self, row: int | None, col: int | None) -> str:
        """The axis suffix of a subplot ("" for the first)."""
        if row is None or col is None or self._grid is None:
            return ""
        k = (row - 1) * self._grid[1] + col
        return "" if k == 1 else str(k)

    def add_trace(self, trace: Mapping[str, Any], row: int | None = None, col: int | None = None) -> Figure:
        t = _wrap(trace if isinstance(trace, Mapping) else trace.to_plotly_json())
        if self._grid is not None and row is not None and col is not None:
            ref = self._ref(row, col)
            t["xaxis"], t["yaxis"] = f"x{ref}", f"y{ref}"
        self.data.append(t)
        return self

    def add_bar(self, row: int | None = None, col: int | None = None, **kwargs: Any) -> Figure:
        return self.add_trace(Bar(**kwargs), row=row, col=col)

    def update_layout(self, dict1: Mapping[str, Any] | None = None, **kwargs: Any) -> Figure:
        if "template" in kwargs and isinstance(kwargs["template"], str):  # a named one, as plotly's
            if kwargs["template"] not in templates:
                raise ValueError(f"unknown template {kwargs['template']!r} (known: {', '.join(templates)})")
            self.layout["template"] = _wrap(templates[kwargs["template"]])
            kwargs = {k: v for k, v in kwargs.items() if k != "template"}
        _update(self.layout, dict1, kwargs)
        return self

    def _axes(self, letter: str, row: int | None, col: int | None) -> list[str]:
        if row is not None and col is not None:
            return [f"{letter}axis{self._ref(row, col)}"]
        found = [k for k in self.layout if k.startswith(f"{letter}axis")]
        return found or [f"{letter}axis"]

    def update_xaxes(
        self,
        patch: Mapping[str, Any] | None = None,
        row: int | None = None,
        col: int | None = None,
        **kw: Any,
    ) -> Figure:
        for name in self._axes("x", row, col):
            _set(self.layout, name, {**(patch or {}), **kw})
        return self

    def update_yaxes(
        self,
        patch: Mapping[str, Any] | None = None,
        row: int | None = None,
        col: int | None = None,
        **kw: Any,
    ) -> Figure:
        for name in self._axes("y", row, col):
            _set(self.layout, name, {**(patch or {}), **kw})
        return self

    def update_annotations(self, patch: Mapping[str, Any] | None = None, **kwargs: Any) -> Figure:
        for ann in self.layout.get("annotations") or ():
            _update(ann, patch, kwargs)
        return self

    def add_shape(self, arg: Mapping[str, Any] | None = None, **kwargs: Any) -> Figure:
        shape = _Obj()
        _update(shape, arg, kwargs)
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_annotation(self, arg: Mapping[str, Any] | None = None, **kwargs: Any) -> Figure:
        ann = _Obj()
        _update(ann, arg, kwargs)
        self.layout.setdefault("annotations", []).append(ann)
        return self

    def _add_line(self, along: str, value: Any, row: int | None, col: int | None, kwargs: Any) -> Figure:
        ref = self._ref(row, col)
        text = kwargs.pop("annotation_text", None)
        where = kwargs.pop("annotation_position", None)
        ann_kw = {
            k.removeprefix("annotation_"): kwargs.pop(k) for k in list(kwargs) if k.startswith("annotation_")
        }
        if along == "y":  # a horizontal line across the subplot
            shape = {"type": "line", "x0": 0, "x1": 1, "xref": f"x{ref} domain", "y0": value, "y1": value}
            shape["yref"] = f"y{ref}"
        else:
            shape = {"type": "line", "x0": value, "x1": value, "xref": f"x{ref}", "y0": 0, "y1": 1}
            shape["yref"] = f"y{ref} domain"
        self.add_shape(shape, **kwargs)
        if text is not None:
            pos = where or ("top right" if along == "y" else "top right")
            if along == "y":
                left = "left" in pos
                ann = {
                    "x": 0 if left else 1,
                    "xanchor": "left" if left else "right",
                    "xref": f"x{ref} domain",
                }
                ann.update({"y": value, "yanchor": "top" if "bottom" in pos else "bottom", "yref": f"y{ref}"})
            else:
                top = "bottom" not in pos
                ann = {"x": value, "xanchor": "left" if "right" in pos else "right", "xref": f"x{ref}"}
                ann.update(
                    {"y": 1 if top else 0, "yanchor": "top" if top else "bottom", "yref": f"y{ref} domain"}
                )
            self.add_annotation({"showarrow": False, "text": text, **ann}, **ann_kw)
        return self

    def add_hline(self, y: Any, row: int | None = None, col: int | None = None, **kwargs: Any) -> Figure:
        return self._add_line("y", y, row, col, kwargs)

    def add_vline(self, x: Any, row: int | None = None, col: int | None = None, **kwargs: Any) -> Figure:
        return self._add_line("x", x, row, col, kwargs)

    # -- output -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"data": _plain(self.data), "layout": _plain(self.layout)}

    to_plotly_json = to_dict

    def to_json(self) -> str:
        return _json(self.to_dict())

    def to_html(
        self,
        full_html: bool = False,
        include_plotlyjs: bool = False,
        config: Mapping[str, Any] | None = None,
        div_id: str | None = None,
    ) -> str:
        """The ``<div>`` and ``<script>`` plotly's ``to_html(full_html=False, include_plotlyjs=False)``
        writes (the figure drawn by ``Plotly.newPlot`` once the page has plotly.js)."""
        if full_html or include_plotlyjs:
            raise ValueError("only a fragment without plotly.js (full_html=False, include_plotlyjs=False)")
        conf = {**(config or {})}
        conf.setdefault("responsive", True)
        tpl = (self.layout.get("template") or {}).get("layout") or {}
        size = {}
        for dim in ("width", "height"):
            v = self.layout.get(dim, tpl.get(dim, "100%"))
            size[dim] = f"{v}px" if isinstance(v, (int, float)) else v
        div = div_id or str(uuid.uuid4())
        script = (
            f'if (document.getElementById("{div}")) {{'
            f'Plotly.newPlot("{div}",{_json(self.data)},{_json(self.layout)},{json.dumps(conf)})}}'
        )
        return (
            f'<div style="height:{size["height"]}; width:{size["width"]};">'
            f'<div id="{div}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
            f"<script>window.PLOTLYENV=window.PLOTLYENV || {{}};{script};</script></div>"
        )


def make_subplots(
    rows: int = 1,
    cols: int = 1,
    subplot_titles: Iterable[str] | None = None,
    horizontal_spacing: float | None = None,
    vertical_spacing: float | None = None,
) -> Figure:
    """A grid of ``rows`` × ``cols`` subplots (first row on top), as plotly's ``make_subplots``."""
    hs = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
    vs = 0.3 / rows if vertical_spacing is None else vertical_spacing
    width = (1 - hs * (cols - 1)) / cols
    height = (1 - vs * (rows - 1)) / rows
    fig = Figure()
    fig._grid = (rows, cols)
    titles = list(subplot_titles or ())
    annotations = []
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            ref = fig._ref(r, c)
            x0 = (c - 1) * (width + hs)
            y0 = (rows - r) * (height + vs)
            fig.layout[f"xaxis{ref}"] = _Obj(anchor=f"y{ref}", domain=[x0, x0 + width])
            fig.layout[f"yaxis{ref}"] = _Obj(anchor=f"x{ref}", domain=[y0, y0 + height])
            k = (r - 1) * cols + c - 1
            if k < len(titles) and titles[k]:
                annotations.append(
                    _Obj(
                        font=_Obj(size=16),
                        showarrow=False,
                        text=titles[k],
                        x=x0 + width / 2,
                        xanchor="center",
                        xref="paper",
                        y=y0 + height,
                        yanchor="bottom",
                        yref="paper",
                    )
                )
    if annotations:
        fig.layout["annotations"] = annotations
    return fig
