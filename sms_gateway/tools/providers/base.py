"""What every SMS provider client shares: the ``Provider`` base class with its
one HTTP seam (outcomes, messages and errors: ``outcomes.py``)."""

import hmac
import logging

import requests

from .dispatch import dispatch
from .outcomes import (
    FAILED,
    RETRY,
    UNKNOWN,
    ProviderError,
    SendResult,
    WebhookError,
    printable_excerpt,
)
from .retry import parse_retry_after

_logger = logging.getLogger(__name__)


def secrets_match(expected, received):
    """Constant-time comparison of a shared secret."""
    if not expected or not received:
        return False
    return hmac.compare_digest(expected.encode(), str(received).encode())


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
    # The failure type that refuses the account, not one message: sending
    # through it stops and the messages wait (tools/providers/dispatch.py).
    ACCOUNT_FAILURE = "sms_acc"

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
    # Where the provider's API takes a list of messages in one request.
    takes_lists = False

    @property
    def batch_size(self):
        """SMS per request: one, or the gateway's batch size where lists are taken."""
        return max(1, self.config.batch_size) if self.takes_lists else 1

    def send(self, messages, parallel=1, limiter=None, before_requests=None):
        """Send ``messages``: see ``dispatch.dispatch`` (parallel requests, batches,
        one rate limit, ``before_requests`` run before each window of requests)."""
        return dispatch(
            self, messages, parallel=parallel, limiter=limiter, before_requests=before_requests
        )

    def send_one(self, message):
        return self.send_request([message])[0]

    def send_request(self, messages):
        """One HTTP request carrying ``messages`` (one SMS, or a batch where the
        provider takes lists); one ``SendResult`` per message, in their order."""

        def every(outcome, **values):
            return [SendResult(message.uuid, outcome, **values) for message in messages]

        try:
            if self.takes_lists:
                method, url, kwargs = self._build_send_batch(messages)
            else:
                (message,) = messages
                method, url, kwargs = self._build_send(message)
            response = self._request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as error:
            return every(RETRY, detail=f"connection timeout: {error}")
        except requests.exceptions.ReadTimeout as error:
            if self.deduplicates_on_reference:
                return every(RETRY, detail=f"read timeout: {error}")
            return every(UNKNOWN, detail=f"read timeout: the provider may have sent it ({error})")
        except requests.exceptions.ConnectionError as error:
            return every(RETRY, detail=f"connection error: {error}")
        except requests.exceptions.RequestException as error:
            return every(RETRY, detail=f"request error: {error}")
        status = response.status_code
        # 408: the server gave up waiting for our request, so it has nothing to
        # send; retried as a server error is (and WhatsApp and voice inherit it).
        if status in (408, 429) or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return every(
                RETRY,
                detail=f"HTTP {status}: {response.text[:300]}",
                retry_after=retry_after,
                throttled=status == 429 or retry_after is not None,
            )
        if status >= 400:
            failure_type, detail = self._parse_failure(response)
            return every(FAILED, failure_type=failure_type, detail=detail)
        try:
            if self.takes_lists:
                return self._complete(messages, self._parse_batch_success(messages, response))
            return [self._parse_success(messages[0], response)]
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            # Accepted (2xx) but unreadable: it was probably sent; do not resend.
            return every(UNKNOWN, detail=f"unreadable answer to HTTP {status}: {error}")

    @staticmethod
    def _complete(messages, results):
        """The batch's results in the messages' order; a message the answer does
        not mention was perhaps sent: unknown."""
        by_uuid = {result.uuid: result for result in results}
        return [
            by_uuid.get(message.uuid)
            or SendResult(
                message.uuid, UNKNOWN, detail="accepted batch, but this SMS is not in the answer"
            )
            for message in messages
        ]

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

    def _build_send_batch(self, messages):
        raise NotImplementedError

    def _parse_batch_success(self, messages, response):
        raise NotImplementedError

    # -- administration ----------------------------------------------------------
    def check_connection(self):
        """Return a short description of the account, or raise ProviderError."""
        try:
            method, url, kwargs = self._build_check()
            response = self._request(method, url, **kwargs)
        except requests.exceptions.Timeout as error:
            raise ProviderError(
                f"no answer from {self.base_url} in time: {error}", kind="timeout"
            ) from error
        except requests.exceptions.RequestException as error:
            raise ProviderError(
                f"cannot reach {self.base_url}: {error}", kind="unreachable"
            ) from error
        if response.status_code in (401, 403):
            raise ProviderError(
                f"credentials refused (HTTP {response.status_code})",
                kind="credentials",
                status=response.status_code,
            )
        if response.status_code >= 400:
            raise ProviderError(
                f"HTTP {response.status_code}: {response.text[:300]}",
                kind="http",
                status=response.status_code,
                excerpt=printable_excerpt(response.text, 300),
            )
        return self._describe_account(response)

    def _build_check(self):
        raise NotImplementedError

    def _describe_account(self, response):
        return f"HTTP {response.status_code}"

    def _account_answer(self, response, kind=dict):
        """The account check's JSON answer, a ``kind``: an HTML page (a wrong
        URL, a login or a proxy's page), broken JSON or JSON of another shape
        is not this provider's API, and the check says so instead of "OK"."""
        try:
            data = response.json()
        except ValueError as error:
            content_type = response.headers.get("Content-Type") or "no content type"
            raise ProviderError(
                f"HTTP {response.status_code} but not a JSON answer ({content_type}): "
                f"{response.text[:100]}",
                kind="not_api",
                status=response.status_code,
                excerpt=printable_excerpt(response.text),
            ) from error
        if not isinstance(data, kind):
            raise ProviderError(
                f"HTTP {response.status_code} but not this provider's answer: "
                f"{response.text[:100]}",
                kind="not_api",
                status=response.status_code,
                excerpt=printable_excerpt(response.text),
            )
        return data

    # -- webhooks ---------------------------------------------------------------
    def authenticate(self, request, secret):
        """True when ``request`` really comes from the provider."""
        token = request.headers.get("X-Webhook-Token") or query_param(request.url, "token")
        return secrets_match(secret, token)

    def parse_status(self, request):
        raise NotImplementedError

    def parse_inbound(self, request):
        raise NotImplementedError

    def parse_inbounds(self, request):
        """Every SMS of an inbound call: one, unless the provider forwards
        several in one request (Infobip)."""
        return [self.parse_inbound(request)]


def query_param(url, name):
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


# -- reading a webhook's payload: a shape the provider never sends is malformed ----------
def _mapping(mapping):
    if not isinstance(mapping, dict):
        raise WebhookError("payload is not an object")
    return mapping


def webhook_text(mapping, key, required=False):
    """``mapping[key]`` as text, "" when absent: a string, or an id sent as a
    number; any other shape (a list, an object) is a malformed payload."""
    value = _mapping(mapping).get(key)
    if value is None or value == "":
        if required:
            raise WebhookError(f"missing {key}")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise WebhookError(f"{key} is not text")
    return str(value)


def require_text(mapping, *keys):
    """The texts at ``keys``, each required (see ``webhook_text``)."""
    return [webhook_text(mapping, key, required=True) for key in keys]


def webhook_object(mapping, key, required=False):
    """``mapping[key]``, an object ({} when absent)."""
    value = _mapping(mapping).get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise WebhookError(f"{key} is not an object")
    return value


def webhook_list(mapping, key):
    """``mapping[key]``, a list ([] when absent)."""
    value = _mapping(mapping).get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise WebhookError(f"{key} is not a list")
    return value


def webhook_number(mapping, key):
    """``mapping[key]``, a number (or a number written as text), None when absent."""
    value = _mapping(mapping).get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise WebhookError(f"{key} is not a number")
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise WebhookError(f"{key} is not a number") from error


def require_keys(mapping, *keys):
    if not isinstance(mapping, dict):
        raise WebhookError("payload is not an object")
    missing = [key for key in keys if not mapping.get(key)]
    if missing:
        raise WebhookError(f"missing {', '.join(missing)}")
    return [mapping[key] for key in keys]
