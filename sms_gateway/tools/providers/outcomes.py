"""The words every part of the SMS gateway shares: the outcomes of a send
attempt, delivery statuses, the messages and results passed between the
providers, the dispatcher and the Odoo models, and their errors. It imports
nothing of the package, so ``base`` and ``dispatch`` both import it and not
each other."""

from dataclasses import dataclass, field

# Outcomes of one send attempt.
SENT = "sent"  # accepted by the provider
RETRY = "retry"  # nothing (or nothing duplicable) sent: try again later
FAILED = "failed"  # refused for good: failure type and detail say why
UNKNOWN = "unknown"  # may or may not have been sent: a person decides

# Delivery statuses of reports, mapped by the Odoo model onto sms.sms states.
ACCEPTED = "accepted"  # the provider or the carrier has it
DELIVERED = "delivered"  # the handset has it
UNDELIVERED = "undelivered"  # the carrier gave up
REJECTED = "rejected"  # refused by the provider or the carrier
EXPIRED = "expired"


# The body recorded for an SMS that came with no text at all.
EMPTY_INBOUND = "[empty message]"


class ProviderError(Exception):
    """The provider cannot be used as configured (connection check, bad payload).
    ``kind``: ``unreachable`` (no connection), ``timeout`` (no answer in time),
    ``credentials`` (refused with 401/403; ``status``), ``http`` (another error
    status; ``status``), ``not_api`` (an answer that is not the provider's API:
    a page, broken JSON, JSON of another shape), or None. ``excerpt``: the
    beginning of the answer, printable, for a person to read."""

    def __init__(self, message, kind=None, status=None, excerpt=""):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.excerpt = excerpt


def printable_excerpt(text, length=100):
    """The first ``length`` characters of an answer a person may read: no
    control characters (a binary answer, an escape sequence), one space for
    any run of blanks."""
    text = "".join(char if char.isprintable() else " " for char in (text or "")[: length * 2])
    return " ".join(text.split())[:length]


class WebhookError(ValueError):
    """A webhook payload that does not have the provider's shape."""


@dataclass
class GatewayConfig:
    base_url: str = ""
    account_sid: str = ""
    auth_token: str = ""
    api_key: str = ""
    sender: str = ""
    timeout: float = 10.0
    status_url: str = ""  # where the provider posts delivery reports
    deduplicates: bool = False  # generic provider: it ignores a repeated reference
    batch_size: int = 1  # SMS per request where the provider takes lists


@dataclass
class OutgoingSms:
    uuid: str
    number: str  # E.164
    body: str


@dataclass
class SendResult:
    uuid: str
    outcome: str
    provider_id: str = ""
    failure_type: str = ""  # an Odoo sms.sms failure_type when FAILED
    detail: str = ""
    retry_after: float | None = None
    cost: float | None = None
    currency: str = ""
    throttled: bool = False  # the provider asked every request to slow down (429, Retry-After)
    # Never handed to the provider (held by the rate limiter's pause, or the
    # provider taken as down): no attempt was made.
    held: bool = False
    # The provider refused the account itself (credentials, a sender not
    # owned, a blocked account): not the message's fault, it waits until the
    # account's settings are fixed; ``refusal`` is the provider's reason.
    account_refused: bool = False
    refusal: str = ""


@dataclass
class StatusReport:
    status: str
    provider_id: str = ""
    uuid: str = ""
    detail: str = ""
    cost: float | None = None
    currency: str = ""


@dataclass
class InboundSms:
    sender: str
    recipient: str
    body: str
    provider_id: str = ""
    sent_at: str = ""  # the provider's timestamp of the SMS, as given (without an id)


@dataclass
class WebhookRequest:
    """What a controller hands to a provider to authenticate and parse."""

    url: str
    headers: dict
    form: dict = field(default_factory=dict)
    json: object = None
    raw: bytes = b""  # the body as received, for signatures over it
