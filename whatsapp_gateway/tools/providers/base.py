"""What every WhatsApp provider client shares.

A WhatsApp client is an SMS client of ``sms_gateway`` with another payload: it
inherits its one HTTP seam and its failure policy (a connection error retries,
408, 429 and 5xx retry honouring Retry-After, a read timeout is UNKNOWN since no
WhatsApp provider deduplicates on our reference, other refusals fail with a
reason), and it is sent by the same ``dispatch`` (parallel requests, one rate
limit, a durable trace ahead of each window of requests).
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests

from ..sms import providers as sms

ACCEPTED = sms.ACCEPTED
DELIVERED = sms.DELIVERED
UNDELIVERED = sms.UNDELIVERED
REJECTED = sms.REJECTED
EXPIRED = sms.EXPIRED
READ = "read"  # the customer opened it (blue ticks)
SENT, RETRY, FAILED, UNKNOWN = sms.SENT, sms.RETRY, sms.FAILED, sms.UNKNOWN
ProviderError = sms.ProviderError
WebhookError = sms.WebhookError
WebhookRequest = sms.WebhookRequest
SendResult = sms.SendResult
secrets_match = sms.secrets_match
require_keys = sms.base.require_keys
# A webhook payload's values, of the shape the provider sends or WebhookError.
require_text = sms.base.require_text
webhook_text = sms.base.webhook_text
webhook_object = sms.base.webhook_object
webhook_list = sms.base.webhook_list
webhook_number = sms.base.webhook_number
query_param = sms.base.query_param

# Why a WhatsApp message was refused (whatsapp.message.failure_type).
ACCOUNT = "account"  # credentials, sender, blocked account
CREDIT = "credit"  # payment method or balance
NUMBER = "number"  # not a WhatsApp number, invalid, test-number allow list
TEMPLATE = "template"  # unknown, not approved, paused or its variables refused
WINDOW = "window"  # free text outside the 24-hour window
OPTED_OUT = "opted_out"  # the customer blocked or stopped the business
REFUSED = "refused"  # anything else the provider refused
# A refusal that only means "slow down" (some providers answer rate limits with
# HTTP 400 and a code): retried like a 429.
THROTTLED = "throttled"

# Approval states of a template (whatsapp.template.status); REFUSED_TEMPLATE:
# approved by the provider as far as we read, but refused when sent (unknown in
# its language, its variables differ from the approved ones).
APPROVED, PENDING, REJECTED_TEMPLATE, PAUSED, DISABLED, REFUSED_TEMPLATE = (
    "approved",
    "pending",
    "rejected",
    "paused",
    "disabled",
    "refused",
)
# A send's refusal that proves the template itself cannot be sent (every
# message with it would be refused alike), by the detail's "<provider> <code>:",
# and the state the template takes until the provider says it is approved.
# Meta: 132000 the number of parameters differs from the template's, 132001 no
# such template in that language, 132012 a parameter's format differs, 132015
# template paused, 132016 template disabled. Twilio: 63027 no such template
# for the language and locale, 63028 the number of parameters differs.
TEMPLATE_REFUSALS = {
    ("Meta", 132000): REFUSED_TEMPLATE,
    ("Meta", 132001): REFUSED_TEMPLATE,
    ("Meta", 132012): REFUSED_TEMPLATE,
    ("Meta", 132015): PAUSED,
    ("Meta", 132016): DISABLED,
    ("Twilio", 63027): REFUSED_TEMPLATE,
    ("Twilio", 63028): REFUSED_TEMPLATE,
}
_DETAIL_CODE = re.compile(r"^(\w+) (\d+):")


def template_refusal(detail):
    """The state a failed message's ``detail`` ("Meta 132015: ...", as the
    providers write it) proves its template is in, or "" when the refusal says
    nothing of the template itself."""
    match = _DETAIL_CODE.match(detail or "")
    if not match:
        return ""
    return TEMPLATE_REFUSALS.get((match.group(1), int(match.group(2))), "")


@dataclass
class AccountConfig:
    base_url: str = ""
    api_version: str = "v21.0"  # Meta Graph API
    phone_number_id: str = ""  # Meta
    business_account_id: str = ""  # Meta (WABA id), for template states
    access_token: str = ""  # Meta
    account_sid: str = ""  # Twilio
    auth_token: str = ""  # Twilio
    api_key: str = ""  # Zenvia, Infobip
    sender: str = ""  # Twilio, Zenvia, Infobip: the WhatsApp sender number or id
    timeout: float = 10.0
    status_url: str = ""  # where the provider posts statuses (Twilio, Infobip)
    batch_size: int = 1


@dataclass
class OutgoingWhatsapp:
    """One WhatsApp message: an approved template with its parameters, in order
    (``params``; for Zenvia ``{field: value}``), or free text (``template`` empty,
    only inside the customer's 24-hour window)."""

    uuid: str
    number: str  # E.164
    template: str = ""  # Meta/Infobip name, Twilio Content SID, Zenvia template id
    language: str = "pt_BR"
    params: list = field(default_factory=list)  # [(name, value)] in the template's order
    text: str = ""


@dataclass
class TemplateInfo:
    status: str  # APPROVED, PENDING, ...
    category: str = ""
    reason: str = ""
    provider_id: str = ""


@dataclass
class StatusReport(sms.StatusReport):
    """A status report; a failed one says why as a send's refusal does
    (``failure_type``, empty when the provider gave no known code): THROTTLED
    means the provider asked to wait and try again, not that it refused."""

    failure_type: str = ""


@dataclass
class InboundWhatsapp:
    sender: str  # E.164 or digits
    body: str
    provider_id: str = ""
    name: str = ""  # the profile name the customer shows
    # When the customer wrote it (aware UTC), as the provider says: a webhook
    # retried for hours arrives late, the 24-hour window counts from this.
    written_at: datetime | None = None


def written_at(value):
    """A provider's time of a message (Unix seconds, as Meta writes it, or
    ISO 8601) as an aware UTC datetime; None when it says none readable."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            return datetime.fromtimestamp(int(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # Infobip's +0000
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


@dataclass
class Events:
    """What one webhook call carries: status reports, inbound messages and
    template approval changes (Meta sends all three to one URL)."""

    statuses: list = field(default_factory=list)  # StatusReport (READ among the statuses)
    inbound: list = field(default_factory=list)  # InboundWhatsapp
    templates: list = field(default_factory=list)  # (name, language, TemplateInfo)
    # What the same call carries for other numbers of the provider's app (Meta
    # posts every number of an app to its one URL): {phone number id: Events}.
    elsewhere: dict = field(default_factory=dict)


def hub_signature(body, secret):
    """Meta's X-Hub-Signature-256 of a raw request body."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def template_status(value):
    """A provider's approval state (or Meta's template event) as one of ours;
    an unknown one is pending. Meta's FLAGGED warns that a template's quality
    dropped: it stays approved and may still be sent (only a pause stops it);
    REINSTATED gives back a paused or disabled one."""
    value = (value or "").strip().upper()
    if value in ("APPROVED", "ACTIVE", "FLAGGED", "REINSTATED"):
        return APPROVED
    if value in ("REJECTED", "REFUSED", "DENIED"):
        return REJECTED_TEMPLATE
    if value == "PAUSED":
        return PAUSED
    if value in ("DISABLED", "DELETED", "PENDING_DELETION", "CANCELED", "CANCELLED"):
        return DISABLED
    return PENDING


class WhatsappProvider(sms.Provider):
    code = None
    ACCOUNT_FAILURE = ACCOUNT
    # Providers that take several messages in one request set this.
    takes_lists = False
    # A provider that needs the raw body to authenticate a webhook (Meta).
    signs_raw_body = False

    def send_request(self, messages):
        results = super().send_request(messages)
        for result in results:
            if result.outcome == FAILED and result.failure_type == THROTTLED:
                result.outcome, result.failure_type, result.throttled = RETRY, "", True
        return results

    def _parse_failure(self, response):
        kind = {401: ACCOUNT, 403: ACCOUNT, 402: CREDIT}.get(response.status_code, REFUSED)
        return kind, f"HTTP {response.status_code}: {response.text[:300]}"

    def _build_send(self, message):
        if message.template:
            return self._build_template(message)
        return self._build_text(message)

    def _build_template(self, message):
        raise NotImplementedError

    def _build_text(self, message):
        raise NotImplementedError

    # -- templates -----------------------------------------------------------------
    def fetch_template(self, reference, language):
        """The template's approval state at the provider (``TemplateInfo``), or
        raise ProviderError; None where the provider's API does not tell."""
        try:
            try:
                method, url, kwargs = self._build_template_check(reference, language)
            except NotImplementedError:
                return None
            response = self._request(method, url, **kwargs)
        except requests.exceptions.RequestException as error:
            raise ProviderError(f"cannot reach {self.base_url}: {error}") from error
        if response.status_code == 404:
            raise ProviderError(f"template {reference!r} not found at the provider")
        if response.status_code >= 400:
            raise ProviderError(f"HTTP {response.status_code}: {response.text[:300]}")
        try:
            return self._parse_template(reference, language, response.json())
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise ProviderError(f"unreadable answer: {error}") from error

    def _build_template_check(self, reference, language):
        """(method, url, kwargs) of the request reading a template's state, or
        None where the provider's API has none."""
        raise NotImplementedError

    def _parse_template(self, reference, language, data):
        raise NotImplementedError

    # -- webhooks ------------------------------------------------------------------
    def verify_subscription(self, params, verify_token):
        """The challenge to echo for a GET subscription check, or None."""
        return None

    def parse_events(self, request):
        """``Events`` of an authenticated webhook call; WebhookError when it has
        not the provider's shape."""
        raise NotImplementedError

    def parse_status(self, request):
        return self.parse_events(request).statuses

    def parse_inbound(self, request):
        return self.parse_events(request).inbound
