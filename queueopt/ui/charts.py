"""The Hall forecast page's charts as Vega-Lite specs (dicts for ``st.vega_lite_chart``).

The first page is drawn without altair: importing altair and validating its
charts cost a cold server about a third of a second on the machine of
``benchmarks/bench_first_page.py``. Each spec is what the altair charts the
page drew before give (``tests/test_first_page.py`` builds those altair charts
and compares: same marks, encodings, titles, axes and data). Every word goes
through :mod:`queueopt.ui.i18n`. The data travel in the spec's ``datasets``
(Streamlit sends them as Arrow).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from queueopt.ui.i18n import day_label, header, holiday_name, t, time_axis_expr, word

Spec = dict[str, Any]


def _nominal(field: str) -> Spec:
    return {"field": field, "type": "nominal"}


def _tip(field: str, kind: str, title: str, fmt: str | None = None) -> Spec:
    tip = {"field": field, "title": title, "type": kind}
    return tip if fmt is None else {**tip, "format": fmt}


def day_marks(fc: pd.DataFrame) -> pd.DataFrame:
    """The forecast's month-end and holiday days: ``start, end`` (the day's first and last
    interval), ``month_end``, ``holiday`` and the ``label`` shown (in the page's language)."""
    days = fc.groupby(fc["interval_start"].dt.date).agg(
        start=("interval_start", "min"), end=("interval_start", "max"),
        month_end=("month_end", "first"), holiday=("holiday", "first")).reset_index(drop=True)
    marks = days[days["month_end"] | (days["holiday"] != "")].copy()
    marks["label"] = [holiday_name(h) if h else word("month-end") for h in marks["holiday"]]
    return marks


def forecast_chart(fc: pd.DataFrame) -> Spec:
    """Next week's forecast: the 80% band and the mean (arrivals per interval), one line per
    day (none across the night), month-end and holidays shaded and named.

    ``fc`` is :func:`queueopt.ui.cache.week_forecast`'s frame.
    """
    line_data = fc[["interval_start", "arrivals", "lo80", "hi80"]].assign(
        date=fc["interval_start"].dt.strftime("%Y-%m-%d"))
    # a label per day, written from the day's start over the day
    axis = {"labelAlign": "left", "labelAngle": 0, "labelExpr": time_axis_expr(with_clock=False),
            "labelPadding": 4, "tickCount": "day"}
    x = {"axis": axis, "field": "interval_start", "title": None, "type": "temporal"}
    x_day = {"axis": axis, "field": "start", "title": None, "type": "temporal"}
    arrivals = t("arrivals")
    tooltip = [_tip("interval_start", "temporal", header("interval_start"), "%m-%d %H:%M"),
               _tip("arrivals", "quantitative", t("forecast_line"), ".1f"),
               _tip("lo80", "quantitative", header("lo80"), ".1f"),
               _tip("hi80", "quantitative", header("hi80"), ".1f")]
    marks, line = {"name": "day_marks"}, {"name": "forecast"}
    return {
        "layer": [
            {"data": marks, "mark": {"type": "rect", "color": "orange", "opacity": 0.08},
             "encoding": {"x": x_day, "x2": {"field": "end"}}},
            {"data": line, "mark": {"type": "area", "opacity": 0.25},
             "encoding": {"detail": _nominal("date"), "x": x,
                          "y": {"field": "lo80", "title": arrivals, "type": "quantitative"},
                          "y2": {"field": "hi80"}}},
            {"data": line, "mark": {"type": "line"},
             "encoding": {"detail": _nominal("date"), "tooltip": tooltip, "x": x,
                          "y": {"field": "arrivals", "title": arrivals, "type": "quantitative"}}},
            {"data": marks,
             "mark": {"type": "text", "align": "left", "color": "darkorange", "dy": -120},
             "encoding": {"text": _nominal("label"), "x": x_day}},
        ],
        "height": 320,
        "datasets": {"day_marks": day_marks(fc), "forecast": line_data},
    }


def wait_heatmap(heat: pd.DataFrame) -> Spec:
    """Expected counter wait (minutes) per day and hour of next week, days in calendar order.

    ``heat`` is :func:`queueopt.ui.cache.hourly_waits`' frame (``date, hour, arrivals,
    expected_wait``).
    """
    heat = heat.assign(day=heat["date"].map(day_label))
    order = [day_label(d) for d in sorted(heat["date"].unique())]
    return {
        "data": {"name": "waits"},
        "mark": {"type": "rect"},
        "encoding": {
            "color": {"field": "expected_wait", "scale": {"scheme": "orangered"},
                      "title": t("wait_legend"), "type": "quantitative"},
            "tooltip": [_tip("day", "nominal", header("day")),
                        _tip("hour", "ordinal", header("hour")),
                        _tip("expected_wait", "quantitative", header("expected_wait"), ".1f")],
            "x": {"field": "hour", "title": t("hour_of_day"), "type": "ordinal"},
            "y": {"field": "day", "sort": order, "title": None, "type": "nominal"},
        },
        "height": 260,
        "datasets": {"waits": heat},
    }
