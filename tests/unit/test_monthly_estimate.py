import pytest

from portal.jobs.models import monthly_estimate


@pytest.mark.parametrize(("amount", "unit", "hours", "expected"), [
    (200_000, "MONTH", None, 200_000),
    (1_200, "HOUR", None, 208_560),  # 173.8 standard hours
    (1_200, "HOUR", 20, 104_000),  # part-time: 20 h × 52 / 12
    (10_000, "DAY", None, 217_000),  # 21.7 working days
    (3_600_000, "YEAR", None, 300_000),
    (None, "MONTH", None, None),
    (1000, None, None, None),
])
def test_monthly_estimate(amount, unit, hours, expected):
    assert monthly_estimate(amount, unit, hours) == expected
