"""Rules of the customer portal that need no database.

- Late charges shown to the customer, as information: the contractual fine
  (multa, at most 2 % under CDC art. 52 §1) once the installment is overdue, and
  simple interest (juros de mora) pro rata die on the open amount.
- The payment date a customer may propose ("pedir nova data").
- What a receipt upload may be ("já paguei"): its type, read from the file's
  first bytes rather than trusted from its name, and its size.
- Which pages hold a secret in their address, and how far that address may go.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

MAX_FINE_PERCENT = 2.0  # CDC art. 52 §1
# The usual ceiling of contractual late interest for a creditor that is not a
# bank (Civil Code art. 406 with the Lei de Usura, Decreto 22.626/1933: 12 % a
# year); above it, a court may cut the rate. A warning, not a limit.
USUAL_MAX_INTEREST_MONTH = 1.0


def interest_above_usual(percent_month):
    """Whether a monthly late-interest rate is above the usual contractual ceiling."""
    return percent_month > USUAL_MAX_INTEREST_MONTH


@dataclass(frozen=True)
class LateCharges:
    days_overdue: int
    fine: float
    interest: float

    @property
    def total(self):
        return round(self.fine + self.interest, 2)


def _money(value):
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def late_charges(amount, days_overdue, fine_percent, interest_percent_month):
    """Fine and interest on ``amount`` open for ``days_overdue`` days (30-day month)."""
    if days_overdue <= 0 or amount <= 0:
        return LateCharges(max(days_overdue, 0), 0.0, 0.0)
    fine_percent = min(max(fine_percent, 0.0), MAX_FINE_PERCENT)
    fine = _money(amount * fine_percent / 100)
    interest = _money(amount * max(interest_percent_month, 0.0) / 100 / 30 * days_overdue)
    return LateCharges(days_overdue, fine, interest)


class PromiseError(ValueError):
    """A proposed payment date the policy does not allow; ``code`` says why."""

    def __init__(self, code, latest=None):
        super().__init__(code)
        self.code = code
        self.latest = latest


def check_promise_date(proposed, today, max_days):
    """The proposed date if allowed: after today, at most ``max_days`` ahead."""
    latest = today + timedelta(days=max_days)
    if proposed <= today:
        raise PromiseError("past", latest)
    if proposed > latest:
        raise PromiseError("too_late", latest)
    return proposed


# File signatures of the receipts customers send: PDF and the usual photo formats.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),  # followed by WEBP at offset 8
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}


class UploadError(ValueError):
    """A receipt that is refused; ``code`` is "empty", "too_large" or "type"."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def sniff_receipt(content, max_bytes):
    """The MIME type of a receipt (PDF, PNG, JPEG, WebP) or an UploadError."""
    if not content:
        raise UploadError("empty")
    if len(content) > max_bytes:
        raise UploadError("too_large")
    for mimetype, prefixes in SIGNATURES.items():
        if any(content.startswith(prefix) for prefix in prefixes):
            if mimetype == "image/webp" and content[8:12] != b"WEBP":
                continue
            return mimetype
    raise UploadError("type")


# -- token links -------------------------------------------------------------------------
LINK_VALID = "valid"
LINK_EXPIRED = "expired"
LINK_CANCELLED = "cancelled"


def link_state(cancelled, settled_on, fresh_until, days, now, today=None):
    """Whether a document's token link still opens it at ``now`` (naive UTC):
    a cancelled document's link is dead at once; a settled one's ``days`` after
    the day it was settled, unless a fresh link was sent and is still young
    (``fresh_until``); an open document's link always works. ``today``: the
    customer's date at ``now`` (the days count in it: a link does not end at
    21:00 in São Paulo because UTC's date has turned); ``now``'s own by default."""
    if cancelled:
        return LINK_CANCELLED
    if fresh_until and now <= fresh_until:
        return LINK_VALID
    if settled_on and (today or now.date()) > settled_on + timedelta(days=days):
        return LINK_EXPIRED
    return LINK_VALID


# The routes whose path is a secret: a short link (/c/), a letter's (/l/), a
# grouped message's open items, the e-mail's unsubscribe link.
SECRET_PATHS = re.compile(r"/(c|l|my/dunning/items|dunning/unsubscribe)/")
# The address of such a page goes whole to this site only, and as the site's
# name alone elsewhere (what current browsers do by default, and older
# Android WebViews do not: they sent the whole address, token included).
SECRET_REFERRER_POLICY = "strict-origin-when-cross-origin"


def address_holds_secret(path, query):
    """Whether a page's address (``path``, ``query`` its arguments) carries a
    token: one of ``SECRET_PATHS``, or an ``access_token`` argument (Odoo's
    documents, our pages of an invoice or an agreement)."""
    return bool(SECRET_PATHS.match(path or "")) or "access_token" in query
