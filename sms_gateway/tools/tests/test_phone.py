import pytest

from ..phone import (
    EMPTY,
    INVALID,
    MISSING_AREA_CODE,
    NOT_MOBILE,
    UNPARSABLE,
    PhoneNumberError,
    normalize_mobile,
)


@pytest.mark.parametrize(
    "typed",
    [
        "(11) 98765-4321",
        "11 987654321",
        "11987654321",
        "+55 11 98765-4321",
        "+55 (11) 9 8765-4321",
        "5511987654321",
        "55 11 98765 4321",
        "011 98765-4321",
        "0 21 11 98765-4321",  # long-distance carrier code
        "11 8765-4321",  # old eight-digit mobile: the ninth digit is added
    ],
)
def test_brazilian_mobile_forms_normalize_to_e164(typed):
    assert normalize_mobile(typed) == "+5511987654321"


def test_other_states_keep_their_area_code():
    assert normalize_mobile("(92) 99123-4567") == "+5592991234567"
    assert normalize_mobile("81 8123-4567") == "+5581981234567"


def test_number_of_a_foreign_customer_in_its_own_format():
    assert normalize_mobile("(415) 555-2671", "US") == "+14155552671"
    with pytest.raises(PhoneNumberError):
        normalize_mobile("(415) 555-2671")  # read as Brazilian: no such area code


def test_foreign_mobile_with_country_code():
    assert normalize_mobile("+351 912 345 678") == "+351912345678"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", EMPTY),
        ("   ", EMPTY),
        (None, EMPTY),
        ("não tenho", UNPARSABLE),
        ("98765-4321", MISSING_AREA_CODE),
        ("(11) 3456-7890", NOT_MOBILE),  # São Paulo landline
        ("(00) 98765-4321", INVALID),
        ("+55 11 1234", INVALID),
    ],
)
def test_unusable_numbers_are_refused_with_a_reason(typed, code):
    with pytest.raises(PhoneNumberError) as error:
        normalize_mobile(typed)
    assert error.value.code == code
