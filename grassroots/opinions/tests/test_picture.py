"""The SVG picture of a map: hulls, scaling into the view box, labels and escaping."""

from __future__ import annotations

from grassroots.opinions.picture import Dot, Frame, Spot, hull, scatter_svg, style


def test_hull_of_a_square_with_a_point_inside_is_its_corners() -> None:
    corners = hull([(0, 0), (2, 0), (2, 2), (0, 2), (1, 1)])
    assert sorted(corners) == [(0, 0), (0, 2), (2, 0), (2, 2)]


def test_hull_of_one_two_or_collinear_points() -> None:
    assert hull([(1, 1)]) == [(1, 1)]
    assert hull([(1, 1), (1, 1)]) == [(1, 1)]
    assert hull([(0, 0), (3, 1)]) == [(0, 0), (3, 1)]
    assert sorted(hull([(0, 0), (1, 1), (2, 2), (3, 3)])) == [(0, 0), (3, 3)]
    assert hull([]) == []


def test_frame_puts_the_extremes_on_the_margins_and_up_is_up() -> None:
    frame = Frame.around([(-1, -2), (3, 2)], 100, 50, 10)
    assert frame.place((-1, -2)) == (10, 40)
    assert frame.place((3, 2)) == (90, 10)
    assert frame.place((1, 0)) == (50, 25)
    # Every point the same: the middle.
    assert Frame.around([(5, 5)], 100, 50, 10).place((5, 5)) == (50, 25)


def test_svg_is_an_image_with_title_description_hulls_labels_and_shapes() -> None:
    dots = [Dot(0, 0, 0), Dot(1, 0, 0), Dot(0, 1, 0), Dot(5, 5, 1), Dot(6, 5, 1), Dot(3, 3, -1)]
    svg = scatter_svg(
        dots,
        [Spot("A", 0.3, 0.3), Spot("B", 5.5, 5)],
        title="Groups <for> the park",
        description="Two groups & some",
    )
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert '<title id="map-title">Groups &lt;for&gt; the park</title>' in svg
    assert "Two groups &amp; some" in svg
    assert svg.count("<polygon") >= 1  # group A's hull (three points)
    assert svg.count("<line") == 1  # group B has two points: a line
    assert svg.count("<rect") == 1 + 2  # background + group B's two squares
    assert ">A</text>" in svg
    assert ">B</text>" in svg
    assert style(0) != style(1)
    assert style(0)[1] != style(1)[1]  # shapes differ, not only colours
