"""One-time codes and masked data of the customer portal's token links: rules
that need no database.

Anyone holding a reminder's link (an SMS, an e-mail, a printed letter) may read
the invoice; changing a contact, granting consent, uploading a receipt or
accepting an agreement also needs a code sent to a contact already on file. A
code is six digits, valid ten minutes, five tries, used once, and bound to what
it confirms (the new number, the option accepted): a code sent to confirm one
change confirms no other. Only its digest is stored.

Token pages show CPF/CNPJ and phone numbers masked: enough for the customer to
recognise their own, not enough for someone else to learn them.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
# Codes sent for one invoice, and to one IP address, within RATE_WINDOW.
RATE_WINDOW = timedelta(hours=1)
MAX_CODES_PER_DOCUMENT = 5
MAX_CODES_PER_IP = 20
# Codes one customer is sent an hour through all their invoices' links: a
# customer with many invoices is not flooded (nor the company billed) from
# rotating addresses.
MAX_CODES_PER_CUSTOMER = 10

# Why a code is refused (CodeRefused.code).
NO_CODE = "no_code"  # none was sent for this (or it was used)
EXPIRED = "expired"
WRONG = "wrong"
TOO_MANY_TRIES = "too_many_tries"
OTHER_PURPOSE = "other_purpose"  # sent to confirm something else


class CodeRefused(ValueError):
    def __init__(self, code, tries_left=0):
        super().__init__(code)
        self.code = code
        self.tries_left = tries_left


def new_code():
    """Six random digits (``secrets``: a code must not be guessable)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_salt():
    return secrets.token_hex(16)


def digest(code, salt):
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def payload_digest(purpose, payload):
    """What a code confirms, as one digest: the purpose and its values, sorted."""
    text = "\x1f".join([purpose, *(f"{key}={payload[key]}" for key in sorted(payload or {}))])
    return hashlib.sha256(text.encode()).hexdigest()


def normalize_typed(value):
    """The digits a customer typed ("123 456", "123-456"), or "" when it is not a code."""
    digits = re.sub(r"[\s.-]", "", value or "")
    return digits if re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", digits) else ""


def check(typed, stored, now):
    """Raise ``CodeRefused`` unless ``typed`` is the code of ``stored`` (a mapping
    with salt, digest, expires_at, tries, payload, expected_payload), alive at
    ``now`` and with tries left; the caller counts the try either way."""
    if stored is None:
        raise CodeRefused(NO_CODE)
    if stored["tries"] >= MAX_TRIES:
        raise CodeRefused(TOO_MANY_TRIES)
    if now > stored["expires_at"]:
        raise CodeRefused(EXPIRED)
    tries_left = MAX_TRIES - stored["tries"] - 1
    typed = normalize_typed(typed)
    if not typed or not hmac.compare_digest(digest(typed, stored["salt"]), stored["digest"]):
        raise CodeRefused(WRONG if tries_left else TOO_MANY_TRIES, tries_left)
    if stored["payload"] != stored["expected_payload"]:
        raise CodeRefused(OTHER_PURPOSE)
    return True


def turned_back_on(stopped, asked):
    """The channels an answer turns back on: stopped now (``stopped``, channel ->
    bool) and no longer stopped in the answer (``asked``, channel -> bool; a
    channel it leaves out stays as it is). Turning a stopped channel back on is
    granting consent: through a link it needs a code; stopping one never does."""
    return sorted(
        channel for channel, was in stopped.items() if was and not asked.get(channel, True)
    )


# -- masks ------------------------------------------------------------------------------------
def mask_vat(vat):
    """CPF 123.456.789-09 -> ***.456.789-**; CNPJ 12.345.678/0001-95 ->
    **.345.678/0001-**; anything else keeps only its last three characters."""
    digits = re.sub(r"\D", "", vat or "")
    if len(digits) == 11:
        return f"***.{digits[3:6]}.{digits[6:9]}-**"
    if len(digits) == 14:
        return f"**.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-**"
    if not vat:
        return ""
    return "*" * max(len(vat) - 3, 0) + vat[-3:]


def mask_phone(number):
    """+5511987654321 / (11) 98765-4321 -> (11) *****-4321; other numbers keep
    their last four digits."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("55") and len(digits) in (12, 13):
        digits = digits[2:]
    if len(digits) in (10, 11):
        return f"({digits[:2]}) {'*' * (len(digits) - 6)}-{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "****" if digits else ""


def mask_email(email):
    """maria.souza@cliente.example -> m*********@cliente.example"""
    local, at, domain = (email or "").partition("@")
    if not at:
        return ""
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"
