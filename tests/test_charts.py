"""Server-side SVG charts: well-formed, one tooltip per bar or point, every text escaped."""

import xml.etree.ElementTree as ET

from markupsafe import Markup

from app.charts import bar_chart, format_number, line_chart, nice_step

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>'


def parse(svg):
    """The chart as an XML tree (fails on malformed markup or unescaped text)."""
    return ET.fromstring(str(svg))


def test_bar_chart_has_a_bar_and_a_tooltip_per_label():
    root = parse(bar_chart(["Вход в журнал", "Отметки", "Отчёты"], [12, 7, 0], "По категориям"))
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "По категориям"
    bars = root.findall(f".//{SVG}rect")
    assert len(bars) == 3
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[0] > widths[1] > widths[2]  # the largest value gets the longest bar
    tooltips = [group.find(f"{SVG}title").text for group in root.findall(f"{SVG}g")]
    assert tooltips == ["Вход в журнал: 12", "Отметки: 7", "Отчёты: 0"]


def test_hostile_labels_and_titles_are_escaped():
    svg = bar_chart([HOSTILE, 'a" onload="x'], [1, 2], f"Категории {HOSTILE}")
    text = str(svg)
    assert "<script" not in text
    assert "&lt;script&gt;" in text
    assert 'onload="x' not in text
    root = parse(svg)
    assert not root.findall(f".//{SVG}script")
    assert root.findall(f"{SVG}g")[0].find(f"{SVG}title").text == f"{HOSTILE}: 1"


def test_line_chart_escapes_series_names_and_labels():
    svg = line_chart(["30.12", HOSTILE], [(HOSTILE, [1, 2]), ("Методическая", [0, 3])], "Недели")
    assert "<script" not in str(svg)
    root = parse(svg)
    assert len(root.findall(f".//{SVG}polyline")) == 2
    points = root.findall(f".//{SVG}circle")
    assert len(points) == 4
    assert points[1].find(f"{SVG}title").text == f"{HOSTILE} · {HOSTILE}: 2"


def test_charts_use_no_style_attributes_or_external_resources():
    for svg in (bar_chart(["a"], [1], "t"), line_chart(["a", "b"], [("s", [1, 2])], "t")):
        text = str(svg)
        assert "style=" not in text and "<style" not in text
        assert "href" not in text and "@import" not in text and "<script" not in text
        assert isinstance(svg, Markup)


def test_line_chart_points_follow_the_values():
    root = parse(line_chart(["1", "2", "3"], [("s", [0, 10, 5])], "t"))
    ys = [float(point.get("cy")) for point in root.findall(f".//{SVG}circle")]
    assert ys[1] < ys[2] < ys[0]  # SVG y grows downwards


def test_empty_charts_still_render():
    assert parse(bar_chart([], [], "Пусто")).find(f"{SVG}title").text == "Пусто"
    assert parse(line_chart([], [], "Пусто")) is not None


def test_number_helpers():
    assert format_number(3) == "3"
    assert format_number(2.25) == "2.2"
    assert format_number(None) == "—"
    assert [nice_step(v) for v in (0, 0.3, 1, 1.75, 7, 42)] == [1, 0.5, 1, 2, 10, 50]
