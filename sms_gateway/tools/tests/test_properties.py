"""Properties of the gateway's plain rules for generated input (hypothesis; the
number of examples is set by the profile in the repository's conftest.py)."""

import phonenumbers
from hypothesis import example, given
from hypothesis import strategies as st

from ..phone import PhoneNumberError, first_mobile, normalize_mobile
from ..segments import GSM7, MULTI_LIMIT, SINGLE_LIMIT, UCS2, segment_info, transliterate

# What people and imports put in a phone field: digits with the usual
# separators, country and area codes, and anything else at all.
phone_like = st.builds(
    "".join,
    st.lists(
        st.sampled_from(list("0123456789 ()-+.") + ["55", "11", "9", "\u00a0", "٣", "１"]),
        max_size=25,
    ),
)
any_text = st.one_of(phone_like, st.text(max_size=60), st.none())


@given(number=any_text, region=st.sampled_from(["BR", "US", "PT", "XX", None]))
@example(number="+" + "9" * 300, region="BR")
@example(number="٠١١٩٨٧٦٥٤٣٢١", region="BR")
def test_phone_normalization_raises_only_its_own_error(number, region):
    try:
        e164 = normalize_mobile(number, region)
    except PhoneNumberError as error:
        assert error.code
        return
    assert e164.startswith("+") and e164[1:].isdigit() and e164[1:].isascii()
    parsed = phonenumbers.parse(e164)
    assert phonenumbers.is_valid_number(parsed)
    assert normalize_mobile(e164, region) == e164, "normalizing twice changes the number"


@given(numbers=st.lists(any_text, max_size=4))
def test_first_mobile_raises_only_its_own_error(numbers):
    try:
        e164 = first_mobile(numbers)
    except PhoneNumberError as error:
        assert error.code
    else:
        assert e164 in {normalize_mobile(n) for n in numbers if _is_mobile(n)}


def _is_mobile(number):
    try:
        normalize_mobile(number)
    except PhoneNumberError:
        return False
    return True


def encoded_units(text):
    """Septets (GSM-7, escapes counted) or UTF-16 code units, by encoding the text."""
    try:
        return GSM7, len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        return UCS2, len(text.encode("utf-16-be")) // 2


def split_segments(text, encoding):
    """The parts a phone joins back, cut on character boundaries by encoding each
    part: every part fits, and none could take the next character."""
    codec = "gsm03.38" if encoding == GSM7 else "utf-16-be"
    size = 1 if encoding == GSM7 else 2
    limit = MULTI_LIMIT[encoding]
    parts, current = [], ""
    for char in text:
        if len((current + char).encode(codec)) // size > limit:
            parts.append(current)
            current = ""
        current += char
    return parts + [current] if current else parts


sms_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abcÁáãçéÇ€[]{}~^|\\ 0123456789,.R$")),
        st.characters(codec="utf-8"),
    ),
    max_size=700,
)


@given(text=sms_text)
@example(text="a" * 152 + "€")  # an escape pair at the end of a segment
@example(text="ã" * 66 + "😀")  # a surrogate pair at the end of a segment
def test_segment_counter_agrees_with_encoding_the_text(text):
    info = segment_info(text)
    encoding, units = encoded_units(text)
    assert (info.encoding, info.units, info.characters) == (encoding, units, len(text))
    if units <= SINGLE_LIMIT[encoding]:
        assert info.segments == (1 if text else 0)
    else:
        parts = split_segments(text, encoding)
        assert "".join(parts) == text
        assert info.segments == len(parts)


@given(text=sms_text)
def test_transliteration_is_gsm7_and_leaves_gsm7_alone(text):
    plain = transliterate(text)
    info = segment_info(plain)
    assert info.encoding == GSM7 or not plain
    if segment_info(text).encoding == GSM7:
        assert plain == text, "a GSM-7 text is left as it is"
