"""How big a chart is rendered: by visualization type, with defaults an admin can change.

Slack shows an image at the width of the message column (about 360 to 700 px, depending on
the client) and keeps its proportions, so what matters most is the shape: pies square,
maps and timelines wide, horizontal bars a little taller. The pixel size is about twice the
display size, so charts stay sharp on high-density screens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartSize:
    """Pixel size of a rendered chart."""

    width: int
    height: int


DEFAULT_SIZES: Mapping[str, ChartSize] = {
    "default": ChartSize(800, 500),
    "dashboard": ChartSize(1280, 960),
    "looker_pie": ChartSize(640, 640),
    "looker_donut_multiples": ChartSize(960, 640),
    "looker_bar": ChartSize(800, 600),
    "looker_funnel": ChartSize(800, 600),
    "looker_scatter": ChartSize(800, 600),
    "looker_boxplot": ChartSize(800, 600),
    "looker_timeline": ChartSize(1000, 500),
    "looker_map": ChartSize(960, 600),
    "looker_google_map": ChartSize(960, 600),
    "looker_geo_choropleth": ChartSize(960, 600),
    "looker_geo_coordinates": ChartSize(960, 600),
    "looker_wordcloud": ChartSize(800, 500),
}
"""Built-in sizes: ``default`` for any other visualization, ``dashboard`` for whole
dashboards."""


class ChartSizes:
    """The size for each visualization: the built-in sizes, overridden by the settings.

    Args:
        overrides: ``(name, width, height)``; a name is a visualization type as Looker
            names it (``looker_pie``, or ``pie``), ``default`` or ``dashboard``.
    """

    def __init__(self, overrides: Iterable[tuple[str, int, int]] = ()) -> None:
        sizes = dict(DEFAULT_SIZES)
        for name, width, height in overrides:
            sizes[_canonical(name)] = ChartSize(width, height)
        self._sizes = sizes

    def for_vis(self, vis_type: str) -> ChartSize:
        """The size to render a visualization of ``vis_type`` at."""
        return self._sizes.get(_canonical(vis_type)) or self._sizes["default"]

    @property
    def dashboard(self) -> ChartSize:
        """The size to render a whole dashboard at."""
        return self._sizes["dashboard"]


def _canonical(name: str) -> str:
    """``pie`` and ``looker_pie`` are one name (overrides and lookups both go through here)."""
    name = name.strip().lower()
    if name in ("default", "dashboard") or name.startswith("looker_"):
        return name
    return f"looker_{name}"
