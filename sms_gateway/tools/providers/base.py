"""What every SMS provider client shares: outcomes, messages, errors, the
rate limiter and the ``Provider`` base class with its one HTTP seam."""

import hmac
import logging
import time
from dataclasses import dataclass, field

import requests

from .retry import parse_retry_after

_logger = logging.getLogger(__name__)

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


class ProviderError(Exception):
    """The provider cannot be used as configured (connection check, bad payload)."""


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


@dataclass
class WebhookRequest:
    """What a controller hands to a provider to authenticate and parse."""

    url: str
    headers: dict
    form: dict = field(default_factory=dict)
    json: object = None


def secrets_match(expected, received):
    """Constant-time comparison of a shared secret."""
    if not expected or not received:
        return False
    return hmac.compare_digest(expected.encode(), str(received).encode())


class RateLimiter:
    """At most ``rate`` calls per second (0 means no limit)."""

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_at = None

    def wait(self):
        if not self.interval:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


class Provider:
    code = None
    default_base_url = ""
    deduplicates_on_reference = False
    # HTTP status -> Odoo failure type for refusals that are not retried.
    HTTP_FAILURES = {
        401: "sms_acc",
        403: "sms_acc",
        402: "sms_credit",
    }

    def __init__(self, config, session=None):
        self.config = config
        self.session = session or requests.Session()

    @property
    def base_url(self):
        return (self.config.base_url or self.default_base_url).rstrip("/")

    # -- the seam ---------------------------------------------------------
    def _request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.config.timeout)
        return self.session.request(method, url, **kwargs)

    # -- sending ------------------------------------------------------------
    def send(self, messages, rate=0, before_each=None):
        """Send ``messages`` one by one at most ``rate`` per second.

        ``before_each(message)`` runs right before each request: the Odoo side
        records there, durably, that this attempt is about to reach the provider,
        so a worker that dies before recording the answer is noticed later.
        """
        limiter = RateLimiter(rate)
        results = []
        for message in messages:
            limiter.wait()
            if before_each:
                before_each(message)
            results.append(self.send_one(message))
        return results

    def send_one(self, message):
        try:
            method, url, kwargs = self._build_send(message)
            response = self._request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as error:
            return SendResult(message.uuid, RETRY, detail=f"connection timeout: {error}")
        except requests.exceptions.ReadTimeout as error:
            if self.deduplicates_on_reference:
                return SendResult(message.uuid, RETRY, detail=f"read timeout: {error}")
            return SendResult(
                message.uuid,
                UNKNOWN,
                detail=f"read timeout: the provider may have sent it ({error})",
            )
        except requests.exceptions.ConnectionError as error:
            return SendResult(message.uuid, RETRY, detail=f"connection error: {error}")
        except requests.exceptions.RequestException as error:
            return SendResult(message.uuid, RETRY, detail=f"request error: {error}")
        status = response.status_code
        if status == 429 or status >= 500:
            return SendResult(
                message.uuid,
                RETRY,
                detail=f"HTTP {status}: {response.text[:300]}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status >= 400:
            failure_type, detail = self._parse_failure(response)
            return SendResult(message.uuid, FAILED, failure_type=failure_type, detail=detail)
        try:
            return self._parse_success(message, response)
        except (ValueError, KeyError, TypeError) as error:
            # Accepted (2xx) but unreadable: it was probably sent; do not resend.
            return SendResult(
                message.uuid, UNKNOWN, detail=f"unreadable answer to HTTP {status}: {error}"
            )

    def _json(self, response):
        try:
            return response.json()
        except ValueError:
            return {}

    def _parse_failure(self, response):
        failure_type = self.HTTP_FAILURES.get(response.status_code, "sms_server")
        return failure_type, f"HTTP {response.status_code}: {response.text[:300]}"

    def _build_send(self, message):
        raise NotImplementedError

    def _parse_success(self, message, response):
        raise NotImplementedError

    # -- administration ----------------------------------------------------------
    def check_connection(self):
        """Return a short description of the account, or raise ProviderError."""
        try:
            method, url, kwargs = self._build_check()
            response = self._request(method, url, **kwargs)
        except requests.exceptions.RequestException as error:
            raise ProviderError(f"cannot reach {self.base_url}: {error}") from error
        if response.status_code in (401, 403):
            raise ProviderError(f"credentials refused (HTTP {response.status_code})")
        if response.status_code >= 400:
            raise ProviderError(f"HTTP {response.status_code}: {response.text[:300]}")
        return self._describe_account(response)

    def _build_check(self):
        raise NotImplementedError

    def _describe_account(self, response):
        return f"HTTP {response.status_code}"

    # -- webhooks ---------------------------------------------------------------
    def authenticate(self, request, secret):
        """True when ``request`` really comes from the provider."""
        token = request.headers.get("X-Webhook-Token") or query_param(request.url, "token")
        return secrets_match(secret, token)

    def parse_status(self, request):
        raise NotImplementedError

    def parse_inbound(self, request):
        raise NotImplementedError


def query_param(url, name):
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


def require_keys(mapping, *keys):
    if not isinstance(mapping, dict):
        raise WebhookError("payload is not an object")
    missing = [key for key in keys if not mapping.get(key)]
    if missing:
        raise WebhookError(f"missing {', '.join(missing)}")
    return [mapping[key] for key in keys]
