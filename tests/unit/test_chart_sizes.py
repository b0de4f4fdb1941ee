"""Chart sizes follow the visualization."""

from __future__ import annotations

from lookerbot.images.sizes import DEFAULT_SIZES, ChartSize, ChartSizes


def test_shapes_follow_the_visualization():
    sizes = ChartSizes()
    pie, column, timeline, bar = (
        sizes.for_vis(v) for v in ("looker_pie", "looker_column", "looker_timeline", "looker_bar")
    )
    assert pie.width == pie.height  # round charts square
    assert column == DEFAULT_SIZES["default"]
    assert timeline.width / timeline.height > column.width / column.height  # wide
    assert bar.height > column.height  # horizontal bars need room for labels
    assert sizes.dashboard == ChartSize(1280, 960)


def test_unknown_and_custom_visualizations_get_the_default():
    sizes = ChartSizes()
    assert sizes.for_vis("marketplace_viz_sankey::sankey") == DEFAULT_SIZES["default"]
    assert sizes.for_vis("") == DEFAULT_SIZES["default"]


def test_overrides_accept_short_names_and_custom_ids():
    sizes = ChartSizes(
        [("pie", 500, 500), ("marketplace_viz_sankey::sankey", 900, 900), ("default", 640, 400)]
    )
    assert sizes.for_vis("looker_pie") == ChartSize(500, 500)
    assert sizes.for_vis("marketplace_viz_sankey::sankey") == ChartSize(900, 900)
    assert sizes.for_vis("looker_column") == ChartSize(640, 400)
    assert sizes.for_vis("looker_map") == DEFAULT_SIZES["looker_map"]  # others keep theirs
