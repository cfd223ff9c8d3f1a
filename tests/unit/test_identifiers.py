import pytest

from portal.accounts.identifiers import corporate_number_check_digit, is_valid_corporate_number, normalise_identifier


@pytest.mark.parametrize("number", [
    "7000012050002",  # National Tax Agency (国税庁)
    "1180301018771",  # Toyota Motor Corporation
    "5010001008846",
    "4010401022860",
])
def test_real_corporate_numbers_are_valid(number):
    assert is_valid_corporate_number(number)


@pytest.mark.parametrize("number", [
    "1010001008843",  # check digit off by one
    "7000012050003",
    "700001205000",  # 12 digits
    "70000120500021",  # 14 digits
    "７０００１２０５００００２",  # full-width digits
    "70000-1205000",
    "",
])
def test_invalid_corporate_numbers(number):
    assert not is_valid_corporate_number(number)


def test_check_digit_rejects_bad_input():
    with pytest.raises(ValueError):
        corporate_number_check_digit("12345")


@pytest.mark.parametrize(("typed", "number", "valid"), [
    ("７０００ー０１２０５０００２", "7000012050002", True),  # full-width, with a long-vowel dash
    ("7000-01-2050002", "7000012050002", True),
    (" 1180301018771 ", "1180301018771", True),
    ("1 1803 0101 8771", "1180301018771", True),
    ("1180301018772", "1180301018772", False),  # typo in the last digit
    ("T1180301018771", "T1180301018771", False),  # an invoice registration number is not a corporate number
])
def test_typed_corporate_numbers_are_normalised_then_checked(typed, number, valid):
    assert normalise_identifier(typed) == number
    assert is_valid_corporate_number(number) is valid


def test_normalise_identifier_empty():
    assert normalise_identifier("  ") is None and normalise_identifier(None) is None


def test_the_national_tax_agency_page_of_a_corporate_number():
    from portal.accounts.identifiers import nta_url

    assert nta_url("1180301018771") == (
        "https://www.houjin-bangou.nta.go.jp/henkorireki-johoto.html?selHouzinNo=1180301018771")
    assert nta_url("1180301018772") is None  # wrong check digit: no link to a page that does not exist
    assert nta_url(None) is None and nta_url("") is None
