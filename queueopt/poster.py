"""The off-peak poster: a week grid of busy and quiet hours, in Chinese and English.

Drawn with matplotlib from the same per-interval numbers as the messages
(expected arrivals and waits), so the poster never says anything the model
did not predict. Written as PNG, SVG and PDF. Chinese text needs a CJK font:
Debian's ``fonts-noto-cjk`` (installed by ``.ci/run``) or any font whose name
contains "CJK", "Hei", "Song" or "WenQuanYi"; without one the poster is
English only and :func:`render_poster` says so in its return value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt.nudges import hourly

_CJK_HINTS = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "SimHei", "Hei", "Song")
_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True, slots=True)
class Poster:
    """Files written and whether the Chinese text could be drawn."""

    files: tuple[Path, ...]
    chinese: bool


def cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese, or ``None``."""
    from matplotlib import font_manager

    names = sorted({f.name for f in font_manager.fontManager.ttflist})
    for hint in _CJK_HINTS:
        for name in names:
            if hint.lower() in name.lower():
                return name
    return None


def busy_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """Weekday x hour table of expected arrivals and waits (mean over the week's days)."""
    h = hourly(frame)
    h["weekday"] = pd.to_datetime(h["date"]).dt.day_of_week
    return h.groupby(["weekday", "hour"], as_index=False)[["arrivals", "expected_wait"]].mean()


def render_poster(frame: pd.DataFrame, out_stem: str | Path, *, hall_name: str = "") -> Poster:
    """Write ``<out_stem>.png``, ``.svg`` and ``.pdf``: busy (red) and quiet (green) hours.

    Parameters
    ----------
    frame:
        ``interval_start, arrivals, mean_wait`` for the week (per interval;
        waits in minutes).
    out_stem:
        Path without extension.
    hall_name:
        Shown in the title.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = busy_grid(frame)
    if grid.empty:
        raise ValueError("nothing to draw: the frame has no open intervals")
    hours = list(range(int(grid["hour"].min()), int(grid["hour"].max()) + 1))
    days = sorted(grid["weekday"].unique())
    arr = np.full((len(hours), len(days)), np.nan)
    wait = np.full_like(arr, np.nan)
    for _, r in grid.iterrows():
        i, j = hours.index(int(r["hour"])), days.index(int(r["weekday"]))
        arr[i, j], wait[i, j] = r["arrivals"], r["expected_wait"]
    # busy level: hour's arrivals relative to the week's open hours (terciles)
    finite = arr[np.isfinite(arr)]
    lo, hi = np.quantile(finite, [1 / 3, 2 / 3])
    level = np.where(np.isnan(arr), np.nan, np.where(arr >= hi, 2, np.where(arr <= lo, 0, 1)))
    font = cjk_font()
    zh = font is not None
    if zh:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        plt.rcParams["font.family"] = "sans-serif"
    fig, ax = plt.subplots(figsize=(8.27, 11.69))  # A4 portrait, for printing
    cmap = matplotlib.colors.ListedColormap(["#9be39b", "#ffe08a", "#ff8a80"])
    ax.imshow(np.ma.masked_invalid(level), cmap=cmap, vmin=0, vmax=2, aspect="auto")
    for i in range(len(hours)):
        for j in range(len(days)):
            if np.isfinite(wait[i, j]):
                ax.text(j, i, f"{wait[i, j]:.0f}′", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(len(days)))
    ax.set_xticklabels([(f"{_DAYS_ZH[d]}\n" if zh else "") + _DAYS_EN[d] for d in days])
    ax.set_yticks(range(len(hours)))
    ax.set_yticklabels([f"{h:02d}:00" for h in hours])
    ax.xaxis.tick_top()
    # a hall name is text, never matplotlib mathtext (a$\x$b would not even draw)
    title = hall_name.replace("$", r"\$") + "\n" if hall_name else ""
    title += ("错峰办理 · 本周忙闲时段\n" if zh else "") + "Come at a quiet time · this week's busy and quiet hours"
    ax.set_title(title, fontsize=14, pad=40)
    legend = ("红 = 繁忙  黄 = 一般  绿 = 空闲；格内数字为预计等候分钟\n" if zh else "") + \
        "red = busy, yellow = moderate, green = quiet; numbers = expected wait in minutes\n" + \
        ("缴费充值请用自助终端或手机营业厅 · " if zh else "") + "Pay and top up at a kiosk or in the app"
    fig.text(0.5, 0.03, legend, ha="center", fontsize=10)
    fig.subplots_adjust(top=0.86, bottom=0.1)
    stem = Path(out_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    files = []
    for ext in ("png", "svg", "pdf"):
        path = stem.with_suffix(f".{ext}")
        fig.savefig(path, dpi=110)
        files.append(path)
    plt.close(fig)
    return Poster(tuple(files), zh)
