from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..portal_codes import (
    CODE_TTL,
    EXPIRED,
    MAX_TRIES,
    NO_CODE,
    OTHER_PURPOSE,
    TOO_MANY_TRIES,
    WRONG,
    CodeRefused,
    check,
    digest,
    mask_email,
    mask_phone,
    mask_vat,
    new_code,
    new_salt,
    normalize_typed,
    payload_digest,
    turned_back_on,
)

NOW = datetime(2026, 12, 15, 13, 0)


def stored(code="123456", tries=0, sent=NOW, payload=None, expected=None):
    salt = "s" * 32
    return {
        "salt": salt,
        "digest": digest(code, salt),
        "expires_at": sent + CODE_TTL,
        "tries": tries,
        "payload": payload_digest("contact", payload or {}),
        "expected_payload": payload_digest("contact", expected or payload or {}),
    }


def refusal(typed, record, now=NOW):
    with pytest.raises(CodeRefused) as refused:
        check(typed, record, now)
    return refused.value


def test_a_code_is_six_random_digits():
    codes = {new_code() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 1  # not one fixed value
    assert new_salt() != new_salt()


def test_the_right_code_within_ten_minutes_passes_typed_any_way():
    for typed in ("123456", " 123 456 ", "123-456"):
        assert check(typed, stored(), NOW + timedelta(minutes=9, seconds=59))


def test_a_wrong_code_says_how_many_tries_are_left():
    first = refusal("654321", stored())
    assert (first.code, first.tries_left) == (WRONG, MAX_TRIES - 1)
    last = refusal("654321", stored(tries=MAX_TRIES - 1))
    assert last.code == TOO_MANY_TRIES


def test_after_five_tries_even_the_right_code_is_refused():
    assert refusal("123456", stored(tries=MAX_TRIES)).code == TOO_MANY_TRIES


def test_an_expired_code_is_refused_even_when_right():
    assert refusal("123456", stored(), NOW + CODE_TTL + timedelta(seconds=1)).code == EXPIRED


def test_no_code_sent_and_a_code_for_something_else():
    assert refusal("123456", None).code == NO_CODE
    other = stored(payload={"mobile": "+5511988887777"}, expected={"mobile": "+5511900000000"})
    assert refusal("123456", other).code == OTHER_PURPOSE


@given(st.text(max_size=20))
def test_nothing_but_the_six_digits_is_a_code(typed):
    value = normalize_typed(typed)
    assert value == "" or (len(value) == 6 and value.isdigit())
    if typed != "123456" and normalize_typed(typed) != "123456":
        with pytest.raises(CodeRefused):
            check(typed, stored(), NOW)


def test_masks_show_enough_to_recognise_and_no_more():
    assert mask_vat("123.456.789-09") == "***.456.789-**"
    assert mask_vat("12345678909") == "***.456.789-**"
    assert mask_vat("12.345.678/0001-95") == "**.345.678/0001-**"
    assert mask_vat("") == ""
    assert mask_phone("+5511987654321") == "(11) *****-4321"
    assert mask_phone("(11) 98765-4321") == "(11) *****-4321"
    assert mask_phone("(21) 3456-7890") == "(21) ****-7890"
    assert mask_phone("") == ""
    assert mask_email("maria.souza@cliente.example") == "m**********@cliente.example"
    assert mask_email("not an e-mail") == ""


def test_turning_a_stopped_channel_back_on_is_what_needs_a_code():
    stopped = {"sms": True, "email": False}
    assert turned_back_on(stopped, {"sms": False, "email": False}) == ["sms"]
    # Staying stopped, stopping another, or saying nothing about it: no code.
    assert turned_back_on(stopped, {"sms": True, "email": True}) == []
    assert turned_back_on(stopped, {}) == []
    assert turned_back_on({"sms": True, "email": True}, {"sms": False, "email": False}) == [
        "email",
        "sms",
    ]
