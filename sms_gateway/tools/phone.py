"""Mobile number normalization to E.164 (``phonenumbers``), Brazil first.

Accepts what people type: ``(11) 98765-4321``, ``11 987654321``,
``+55 11 98765-4321``, ``5511987654321``, ``0 21 11 98765-4321`` (carrier code),
and old eight-digit mobiles (``11 8765-4321``) that need the ninth digit added
since Anatel's 2016 migration. Landlines, invalid numbers and letters among
the digits (never guessed into digits) are refused with a reason code that
the caller turns into a readable, translated message.
"""

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

# Reason codes of PhoneNumberError.
EMPTY = "empty"
UNPARSABLE = "unparsable"
MISSING_AREA_CODE = "missing_area_code"
INVALID = "invalid"
NOT_MOBILE = "not_mobile"
LETTERS = "letters"

MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneNumberError(ValueError):
    def __init__(self, code, number):
        super().__init__(f"{code}: {number!r}")
        self.code = code
        self.number = number


def _with_ninth_digit(parsed):
    """Brazilian mobile typed in the pre-2016 eight-digit form: add the 9."""
    national = str(parsed.national_number)
    # DDD (2 digits) + 8 digits starting with 6-9 was a mobile; now it is 9 + those 8.
    if len(national) == 10 and national[2] in "6789":
        candidate = phonenumbers.PhoneNumber(
            country_code=55, national_number=int(national[:2] + "9" + national[2:])
        )
        if phonenumbers.is_valid_number(candidate):
            return candidate
    return None


@lru_cache(maxsize=8192)
def normalize_mobile(number, default_region="BR"):
    """Return ``number`` as an E.164 mobile number, or raise PhoneNumberError.
    Remembered per number (a run reads each customer's number several times;
    a refusal is not remembered, it is raised again each time)."""
    parsed = _parse_valid(number, default_region)
    if phonenumbers.number_type(parsed) not in MOBILE_TYPES:
        raise PhoneNumberError(NOT_MOBILE, number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize(number, default_region="BR"):
    """Return ``number`` as an E.164 number a call can ring (a mobile or a
    landline), or raise PhoneNumberError."""
    parsed = _parse_valid(number, default_region)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _parse_valid(number, default_region):
    raw = (number or "").strip()
    if not raw:
        raise PhoneNumberError(EMPTY, number)
    first_digit = re.search(r"\d", raw)
    if first_digit and any(char.isalpha() for char in raw[first_digit.start() :]):
        # phonenumbers drops a letter typed among the digits ("432l") or reads
        # three as a keypad's ("9XXXX"): another number, perhaps a stranger's.
        # A word before the number ("Cel:") is read past.
        raise PhoneNumberError(LETTERS, number)
    digits = re.sub(r"\D", "", raw)
    text = raw
    if not raw.startswith("+") and default_region == "BR":
        # "55 11 98765 4321" typed without the plus: country code + DDD + number.
        if digits.startswith("55") and len(digits) in (12, 13) and not raw.startswith("0"):
            text = "+" + digits
        elif len(digits) in (8, 9):
            raise PhoneNumberError(MISSING_AREA_CODE, number)
    try:
        parsed = phonenumbers.parse(text, default_region)
    except NumberParseException as error:
        raise PhoneNumberError(UNPARSABLE, number) from error
    if parsed.country_code == 55 and not phonenumbers.is_valid_number(parsed):
        parsed = _with_ninth_digit(parsed) or parsed
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneNumberError(INVALID, number)
    return parsed


def first_mobile(numbers, default_region="BR"):
    """The first of ``numbers`` (e.g. a contact's mobile, then phone) that is a
    mobile number, in E.164; raise the first number's PhoneNumberError when
    none is (an empty one only when all are empty)."""
    first_error = None
    for number in numbers:
        try:
            return normalize_mobile(number, default_region)
        except PhoneNumberError as error:
            if first_error is None or first_error.code == EMPTY:
                first_error = error
    raise first_error or PhoneNumberError(EMPTY, None)


def first_number(numbers, default_region="BR"):
    """The first of ``numbers`` that is a mobile, else the first a call can ring
    (a landline), in E.164; raise the first number's PhoneNumberError when
    none is."""
    try:
        return first_mobile(numbers, default_region)
    except PhoneNumberError as error:
        first_error = error
    for number in numbers:
        try:
            return normalize(number, default_region)
        except PhoneNumberError:
            continue
    raise first_error


def national_number(e164):
    """The national significant number of an E.164 number ("+5511987654321" ->
    "11987654321"), or None when it cannot be parsed."""
    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except NumberParseException:
        return None


def readable(e164):
    """An E.164 number as a person dials it from Brazil: "+5511987654321" ->
    "(11) 98765-4321", a foreign one in its international form ("+351 912 345
    678"); what cannot be parsed is returned as given."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    if parsed.country_code == 55:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
