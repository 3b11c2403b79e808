"""HTTP clients of the SMS providers, kept outside the ORM.

Each provider turns our outgoing SMS into its API request and its answers,
delivery reports and inbound messages back into plain results. Every call goes
through ``Provider._request`` (one seam, one ``requests.Session`` per gateway for
connection reuse, an explicit timeout on every call).

Failure policy (see the README): a connection error means nothing was sent, so
the SMS is retried; HTTP 429 and 5xx are retried, honouring ``Retry-After``; a
read timeout is retried only where the provider deduplicates on our reference,
otherwise the outcome is UNKNOWN and left to a person (a later delivery report
may settle it); other 4xx answers fail the SMS with a failure type Odoo knows.
"""

import base64
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import requests

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


def retry_delay(attempt, retry_after=None, base=30.0, cap=3600.0):
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if retry_after is not None and retry_after >= 0:
        return float(retry_after)
    return min(cap, base * 2 ** max(attempt - 1, 0))


def parse_retry_after(value, now=None):
    """Retry-After header in seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


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
        token = request.headers.get("X-Webhook-Token") or _query_param(request.url, "token")
        return secrets_match(secret, token)

    def parse_status(self, request):
        raise NotImplementedError

    def parse_inbound(self, request):
        raise NotImplementedError


def _query_param(url, name):
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


def _require(mapping, *keys):
    if not isinstance(mapping, dict):
        raise WebhookError("payload is not an object")
    missing = [key for key in keys if not mapping.get(key)]
    if missing:
        raise WebhookError(f"missing {', '.join(missing)}")
    return [mapping[key] for key in keys]


class TwilioProvider(Provider):
    """Twilio Programmable Messaging (form POST, HTTP Basic auth)."""

    code = "twilio"
    default_base_url = "https://api.twilio.com"
    # https://www.twilio.com/docs/api/errors
    ERROR_CODES = {
        21211: "sms_number_format",  # invalid 'To' number
        21614: "sms_number_format",  # 'To' is not a mobile number
        21612: "sms_country_not_supported",
        21408: "sms_country_not_supported",  # region not enabled
        21610: "sms_blacklist",  # recipient replied STOP
        20003: "sms_acc",  # authentication
        20404: "sms_acc",
        21606: "sms_acc",  # 'From' not owned by the account
        30007: "sms_server",
    }
    STATUSES = {
        "accepted": ACCEPTED,
        "queued": ACCEPTED,
        "sending": ACCEPTED,
        "sent": ACCEPTED,
        "delivered": DELIVERED,
        "undelivered": UNDELIVERED,
        "failed": REJECTED,
        "canceled": REJECTED,
    }

    def _messages_url(self):
        return f"{self.base_url}/2010-04-01/Accounts/{self.config.account_sid}/Messages.json"

    def _auth(self):
        return (self.config.account_sid, self.config.auth_token)

    def _build_send(self, message):
        data = {"To": message.number, "Body": message.body}
        sender = self.config.sender or ""
        data["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        if self.config.status_url:
            # Twilio echoes no reference of ours: carry it in the callback URL, so a
            # report still finds an SMS whose answer (the sid) was never recorded.
            separator = "&" if "?" in self.config.status_url else "?"
            data["StatusCallback"] = f"{self.config.status_url}{separator}ref={message.uuid}"
        return "POST", self._messages_url(), {"data": data, "auth": self._auth()}

    def _parse_success(self, message, response):
        data = response.json()
        price = data.get("price")
        return SendResult(
            message.uuid,
            SENT,
            provider_id=data["sid"],
            cost=abs(float(price)) if price not in (None, "") else None,
            currency=data.get("price_unit") or "",
        )

    def _parse_failure(self, response):
        data = self._json(response)
        code = data.get("code") if isinstance(data, dict) else None
        failure_type = self.ERROR_CODES.get(code) or self.HTTP_FAILURES.get(
            response.status_code, "sms_server"
        )
        message = data.get("message") if isinstance(data, dict) else None
        return (
            failure_type,
            f"Twilio {code or response.status_code}: {message or response.text[:300]}",
        )

    def _build_check(self):
        url = f"{self.base_url}/2010-04-01/Accounts/{self.config.account_sid}.json"
        return "GET", url, {"auth": self._auth()}

    def _describe_account(self, response):
        data = self._json(response)
        return f"{data.get('friendly_name', '')} ({data.get('status', '')})".strip()

    @staticmethod
    def signature(url, params, auth_token):
        """X-Twilio-Signature of a form POST: HMAC-SHA1(url + sorted key/values)."""
        payload = url + "".join(
            f"{key}{value}"
            for key in sorted(params)
            for value in (sorted(params[key]) if isinstance(params[key], list) else [params[key]])
        )
        digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def authenticate(self, request, secret):
        received = request.headers.get("X-Twilio-Signature")
        if not received or not self.config.auth_token:
            return False
        expected = self.signature(request.url, request.form, self.config.auth_token)
        return hmac.compare_digest(expected.encode(), received.encode())

    def parse_status(self, request):
        sid, status = _require(request.form, "MessageSid", "MessageStatus")
        detail = request.form.get("ErrorCode") or ""
        return [
            StatusReport(
                self.STATUSES.get(status, ACCEPTED),
                provider_id=sid,
                uuid=_query_param(request.url, "ref") or "",
                detail=detail,
            )
        ]

    def parse_inbound(self, request):
        sender, body = _require(request.form, "From", "Body")
        return InboundSms(
            sender, request.form.get("To", ""), body, request.form.get("MessageSid", "")
        )


class ZenviaProvider(Provider):
    """Zenvia API v2, SMS channel (JSON, X-API-TOKEN, externalId)."""

    code = "zenvia"
    default_base_url = "https://api.zenvia.com"
    STATUSES = {
        "SENT": ACCEPTED,
        "DELIVERED": DELIVERED,
        "READ": DELIVERED,
        "NOT_DELIVERED": UNDELIVERED,
        "REJECTED": REJECTED,
    }

    def _headers(self):
        return {"X-API-TOKEN": self.config.api_key, "Accept": "application/json"}

    def _build_send(self, message):
        payload = {
            "from": self.config.sender,
            "to": message.number.lstrip("+"),
            "contents": [{"type": "text", "text": message.body}],
            "externalId": message.uuid,
        }
        url = f"{self.base_url}/v2/channels/sms/messages"
        return "POST", url, {"json": payload, "headers": self._headers()}

    def _parse_success(self, message, response):
        return SendResult(message.uuid, SENT, provider_id=response.json()["id"])

    def _parse_failure(self, response):
        data = self._json(response)
        code = data.get("code", "") if isinstance(data, dict) else ""
        failure_type = self.HTTP_FAILURES.get(response.status_code, "sms_server")
        if code == "AUTHENTICATION_ERROR":
            failure_type = "sms_acc"
        elif code == "VALIDATION_ERROR" and "to" in str(data.get("details", "")).lower():
            failure_type = "sms_number_format"
        message = data.get("message") if isinstance(data, dict) else None
        return (
            failure_type,
            f"Zenvia {code or response.status_code}: {message or response.text[:300]}",
        )

    def _build_check(self):
        return "GET", f"{self.base_url}/v2/subscriptions", {"headers": self._headers()}

    def _describe_account(self, response):
        data = self._json(response)
        count = len(data) if isinstance(data, list) else 0
        return f"token accepted, {count} webhook subscription(s)"

    def parse_status(self, request):
        data = request.json
        (status,) = _require(data, "messageStatus")
        (code,) = _require(status, "code")
        provider_id = data.get("messageId") or ""
        uuid = data.get("externalId") or ""
        if not provider_id and not uuid:
            raise WebhookError("missing messageId")
        causes = status.get("causes") or []
        detail = status.get("description") or ""
        if causes:
            detail = f"{detail} {causes}".strip()
        return [StatusReport(self.STATUSES.get(code, ACCEPTED), provider_id, uuid, detail)]

    def parse_inbound(self, request):
        (message,) = _require(request.json, "message")
        sender, contents = _require(message, "from", "contents")
        text = " ".join(c.get("text", "") for c in contents if isinstance(c, dict)).strip()
        if not text:
            raise WebhookError("message without text")
        return InboundSms(sender, message.get("to", ""), text, message.get("id", ""))


class InfobipProvider(Provider):
    """Infobip SMS API v2 (JSON, ``App`` API-key auth, our messageId)."""

    code = "infobip"
    default_base_url = "https://api.infobip.com"
    GROUPS = {
        "PENDING": ACCEPTED,
        "DELIVERED": DELIVERED,
        "UNDELIVERABLE": UNDELIVERED,
        "EXPIRED": EXPIRED,
        "REJECTED": REJECTED,
    }
    REJECTIONS = {
        "REJECTED_DESTINATION": "sms_number_format",
        "REJECTED_PREFIX_MISSING": "sms_number_format",
        "REJECTED_NOT_ENOUGH_CREDITS": "sms_credit",
        "REJECTED_NETWORK": "sms_country_not_supported",
    }

    def _headers(self):
        return {"Authorization": f"App {self.config.api_key}", "Accept": "application/json"}

    def _build_send(self, message):
        sms = {
            "destinations": [{"to": message.number.lstrip("+"), "messageId": message.uuid}],
            "text": message.body,
            "callbackData": message.uuid,
        }
        if self.config.sender:
            sms["from"] = self.config.sender
        if self.config.status_url:
            sms["notifyUrl"] = self.config.status_url
            sms["notifyContentType"] = "application/json"
        url = f"{self.base_url}/sms/2/text/advanced"
        return "POST", url, {"json": {"messages": [sms]}, "headers": self._headers()}

    def _parse_success(self, message, response):
        sent = response.json()["messages"][0]
        status = sent.get("status") or {}
        if status.get("groupName") == "REJECTED":
            name = status.get("name", "")
            return SendResult(
                message.uuid,
                FAILED,
                provider_id=sent.get("messageId", ""),
                failure_type=self.REJECTIONS.get(name, "sms_server"),
                detail=f"Infobip {name}: {status.get('description', '')}",
            )
        return SendResult(message.uuid, SENT, provider_id=sent.get("messageId") or message.uuid)

    def _parse_failure(self, response):
        data = self._json(response)
        exception = {}
        if isinstance(data, dict):
            exception = (data.get("requestError") or {}).get("serviceException") or {}
        failure_type = self.HTTP_FAILURES.get(response.status_code, "sms_server")
        text = exception.get("text") or response.text[:300]
        return failure_type, f"Infobip {exception.get('messageId', response.status_code)}: {text}"

    def _build_check(self):
        return "GET", f"{self.base_url}/account/1/balance", {"headers": self._headers()}

    def _describe_account(self, response):
        data = self._json(response)
        return f"balance {data.get('balance', '?')} {data.get('currency', '')}".strip()

    def parse_status(self, request):
        (results,) = _require(request.json, "results")
        if not isinstance(results, list):
            raise WebhookError("results is not a list")
        reports = []
        for result in results:
            (message_id,) = _require(result, "messageId")
            status = result.get("status") or {}
            error = result.get("error") or {}
            price = result.get("price") or {}
            reports.append(
                StatusReport(
                    self.GROUPS.get(status.get("groupName"), ACCEPTED),
                    provider_id=message_id,
                    uuid=result.get("callbackData") or message_id,
                    detail=" ".join(filter(None, [status.get("name"), error.get("name")])),
                    cost=price.get("pricePerMessage"),
                    currency=price.get("currency") or "",
                )
            )
        return reports

    def parse_inbound(self, request):
        (results,) = _require(request.json, "results")
        if not isinstance(results, list) or not results:
            raise WebhookError("results is empty")
        sender, text = _require(results[0], "from", "text")
        return InboundSms(sender, results[0].get("to", ""), text, results[0].get("messageId", ""))


class GenericJsonProvider(Provider):
    """Any HTTP/JSON API: POST {reference, to, from, text, callback_url}."""

    code = "generic"
    STATUSES = {
        "accepted": ACCEPTED,
        "sent": ACCEPTED,
        "delivered": DELIVERED,
        "undelivered": UNDELIVERED,
        "failed": UNDELIVERED,
        "rejected": REJECTED,
        "expired": EXPIRED,
    }

    @property
    def deduplicates_on_reference(self):
        return self.config.deduplicates

    def _headers(self):
        headers = {"Accept": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        return headers

    def _build_send(self, message):
        payload = {
            "reference": message.uuid,
            "to": message.number,
            "from": self.config.sender,
            "text": message.body,
        }
        if self.config.status_url:
            payload["callback_url"] = self.config.status_url
        return "POST", self.base_url, {"json": payload, "headers": self._headers()}

    def _parse_success(self, message, response):
        data = self._json(response)
        provider_id = data.get("id") if isinstance(data, dict) else None
        return SendResult(message.uuid, SENT, provider_id=str(provider_id or message.uuid))

    def _build_check(self):
        return "GET", self.base_url, {"headers": self._headers()}

    def parse_status(self, request):
        data = request.json
        (status,) = _require(data, "status")
        reference = data.get("reference") or ""
        provider_id = str(data.get("id") or "")
        if not reference and not provider_id:
            raise WebhookError("missing reference")
        return [
            StatusReport(
                self.STATUSES.get(str(status).lower(), ACCEPTED),
                provider_id=provider_id,
                uuid=reference,
                detail=str(data.get("error") or ""),
            )
        ]

    def parse_inbound(self, request):
        sender, text = _require(request.json, "from", "text")
        return InboundSms(sender, request.json.get("to", ""), text, str(request.json.get("id", "")))


class LogProvider(GenericJsonProvider):
    """Sends nothing: writes the SMS to the server log (tests, demos, sandboxes)."""

    code = "log"
    deduplicates_on_reference = True

    def send_one(self, message):
        _logger.info("SMS (log-only gateway) to %s: %s", message.number, message.body)
        return SendResult(message.uuid, SENT, provider_id=f"log-{message.uuid}")

    def check_connection(self):
        return "log-only: nothing leaves this server"


PROVIDERS = {
    cls.code: cls
    for cls in (TwilioProvider, ZenviaProvider, InfobipProvider, GenericJsonProvider, LogProvider)
}


def get_provider(code, config, session=None):
    try:
        return PROVIDERS[code](config, session=session)
    except KeyError as error:
        raise ProviderError(f"unknown provider {code!r}") from error
