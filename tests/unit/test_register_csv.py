"""The register CSV core and the dashboard's chart geometry (pure, no database)."""

from datetime import UTC, date, datetime, timedelta

from portal.insights import charts
from portal.registers import csvimport


def test_utf8_with_bom_and_cp932_decode_the_same():
    text = "exam,exam_date,city,venue\njlpt,2099-12-06,Karachi,日本語会場\n"
    for data in (text.encode("utf-8-sig"), text.encode("cp932"), text.encode()):
        rows, errors = csvimport.parse("test_calendar", data)
        assert errors == [] and rows[0]["venue"] == "日本語会場" and rows[0]["exam_date"] == date(2099, 12, 6)


def test_values_are_typed_and_checked_per_line():
    data = ("prefecture_code,fiscal_year,yen_per_hour,effective_from\n"
            "13,2026,1300,2026-10-01\n"
            "27,２０２６,1250,2026-10-01\n"
            "\n"
            "01,2026,,2026/10/01\n").encode()
    rows, errors = csvimport.parse("minimum_wages", data)
    assert rows[0] == {"_line": 2, "prefecture_code": "13", "fiscal_year": 2026, "yen_per_hour": 1300,
                       "effective_from": date(2026, 10, 1)}
    assert [(e.message, e.params.get("line"), e.params.get("column")) for e in errors] == [
        ("Line %(line)s: %(column)s must be a whole number.", 3, "fiscal_year"),
        ("Line %(line)s: %(column)s is required.", 5, "yen_per_hour"),
        ("Line %(line)s: %(column)s must be a date like 2026-10-01.", 5, "effective_from"),
    ]
    assert errors[0].text(lambda message, **values: message % values) == "Line 3: fiscal_year must be a whole number."


def test_rates_must_be_positive_and_urls_web_addresses():
    _, errors = csvimport.parse("exchange_rates", b"currency,per_jpy,as_of\npkr,-1,2026-01-01\nPKRX,nan,2026-01-01\n")
    assert [e.params["column"] for e in errors] == ["per_jpy", "currency", "per_jpy"]
    _, errors = csvimport.parse("test_calendar", b"exam,exam_date,city,source_url\njlpt,2099-01-01,Lahore,javascript:x\n")
    assert errors[0].params["column"] == "source_url"


def test_empty_files_and_missing_columns():
    assert csvimport.parse("oep_licences", b"")[1][0].message == "The file is empty."
    assert csvimport.parse("oep_licences", b"licence_number,holder_name,status\n")[1][0].message == "The file has no rows."
    [error] = csvimport.parse("oep_licences", b"licence_number\nX\n")[1]
    assert error.params == {"columns": "holder_name, status"}


def test_tile_map_has_every_prefecture_once_and_colours_by_count():
    assert sorted(charts.PREFECTURE_TILES) == [f"{n:02d}" for n in range(1, 48)]
    assert len(set(charts.PREFECTURE_TILES.values())) == 47
    tiles = {t.code: t for t in charts.tile_map({"13": 10, "27": 1}, {"13": "Tokyo"})}
    assert tiles["13"].fill == charts.SCALE[-1] and tiles["13"].dark and tiles["13"].label == "Tokyo"
    assert tiles["27"].fill != charts.EMPTY and not tiles["27"].dark
    assert tiles["01"].fill == charts.EMPTY
    assert charts.legend(0) == [] and charts.legend(10)[-1][2] == 10


def test_bar_chart_longest_first_and_scaled():
    chart = charts.bar_chart([("a", "A", 1), ("b", "B", 4), ("c", "C", 0)], width=460, label_width=100)
    assert [b.key for b in chart.bars] == ["b", "a"]
    assert chart.bars[0].width == 300 and chart.bars[1].width == 75


def test_decision_hours_pair_each_decision_with_its_submission():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [(1, "submit", start), (2, "submit", start), (1, "approve", start + timedelta(hours=5)),
              (2, "reject", start + timedelta(hours=1)), (3, "approve", start),  # no submission seen
              (1, "submit", start + timedelta(hours=6)), (1, "approve", start + timedelta(hours=9))]
    assert charts.decision_hours(events) == [5, 1, 3]
    assert charts.median([5, 1, 3]) == 3 and charts.median([]) is None
