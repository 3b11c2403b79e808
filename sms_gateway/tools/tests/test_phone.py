import pytest

from ..phone import (
    EMPTY,
    INVALID,
    LETTERS,
    MISSING_AREA_CODE,
    NOT_MOBILE,
    UNPARSABLE,
    PhoneNumberError,
    first_mobile,
    normalize_mobile,
    readable,
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


@pytest.mark.parametrize(
    "typed",
    [
        "(11) 98765-432l",  # an l for a 1: the rest is not someone else's mobile
        "(11) 98765-432O",  # an O for a 0
        "(11) 9XXXX-XXXX",  # a placeholder: not 99999-9999
        "+55 11 9ABCD-9999",  # not read as a keypad's 92223-9999
        "(11) 9abc-99999",
        "11 98765-4321 ramal 2",
        "(11) 98765-4321 (Ana)",
    ],
)
def test_letters_among_the_digits_are_refused_not_guessed(typed):
    """A number with letters among its digits is not turned into another one
    (phonenumbers drops a letter, or reads three as a keypad's digits): an SMS
    or a call about a debt would reach a stranger."""
    with pytest.raises(PhoneNumberError) as error:
        normalize_mobile(typed)
    assert error.value.code == LETTERS


def test_a_word_before_the_number_is_read_past():
    assert normalize_mobile("Cel: (11) 98765-4321") == "+5511987654321"
    assert normalize_mobile("tel: +55 11 98765-4321") == "+5511987654321"


def test_first_mobile_takes_the_mobile_then_a_phone_that_is_a_mobile():
    assert first_mobile(["(11) 98765-4321", "(21) 99876-5432"]) == "+5511987654321"
    # A landline typed in the mobile field: the phone field's mobile is used.
    assert first_mobile(["(11) 3003-4000", "(21) 99876-5432"]) == "+5521998765432"
    assert first_mobile([False, "(21) 99876-5432"]) == "+5521998765432"


def test_first_mobile_reports_the_first_real_problem():
    with pytest.raises(PhoneNumberError) as landline:
        first_mobile(["(11) 3003-4000", "(11) 3003-4001"])
    assert landline.value.code == NOT_MOBILE
    with pytest.raises(PhoneNumberError) as only_phone:
        first_mobile([False, "(11) 3003-4001"])
    assert only_phone.value.code == NOT_MOBILE
    with pytest.raises(PhoneNumberError) as none:
        first_mobile([False, ""])
    assert none.value.code == EMPTY


def test_national_number_of_an_e164_number():
    from ..phone import national_number

    assert national_number("+5511987654321") == "11987654321"
    assert national_number("not a number") is None


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+5511987654321", "(11) 98765-4321"),
        ("+551133334444", "(11) 3333-4444"),
        ("+351912345678", "+351 912 345 678"),
        ("not a number", "not a number"),
    ],
)
def test_readable_is_how_a_person_dials_it(e164, shown):
    assert readable(e164) == shown
