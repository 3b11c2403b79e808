# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a person reads when a number cannot receive SMS: the one home of the
readable reasons for ``tools.phone.PhoneNumberError`` codes (translated, hence
beside the plain ``tools/phone.py``, which knows no Odoo)."""

from odoo.tools import LazyTranslate

from .tools.phone import EMPTY, INVALID, LETTERS, MISSING_AREA_CODE, NOT_MOBILE, UNPARSABLE

_lt = LazyTranslate(__name__)

PHONE_ERRORS = {
    EMPTY: _lt("The number is empty."),
    UNPARSABLE: _lt("This is not a phone number."),
    MISSING_AREA_CODE: _lt("The number has no area code (DDD)."),
    INVALID: _lt("This number does not exist in the numbering plan."),
    NOT_MOBILE: _lt("This is a landline, not a mobile number."),
    LETTERS: _lt("The number has letters among its digits: type it with digits only."),
}


def phone_error_text(code, lang):
    """The reason for error ``code`` (empty: the number is empty) in ``lang``."""
    return PHONE_ERRORS[code or EMPTY]._translate(lang or "en_US")
