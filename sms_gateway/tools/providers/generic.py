"""Our generic HTTP/JSON API, and the log-only provider."""

import logging

from .base import (
    Provider,
    require_text,
    webhook_text,
)
from .outcomes import (
    ACCEPTED,
    DELIVERED,
    EXPIRED,
    FAILED,
    REJECTED,
    SENT,
    UNDELIVERED,
    UNKNOWN,
    InboundSms,
    SendResult,
    StatusReport,
    WebhookError,
)

_logger = logging.getLogger(__name__)


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

    @property
    def takes_lists(self):
        """The gateway says the API accepts ``{"messages": [...]}`` (batch size > 1)."""
        return self.config.batch_size > 1

    def _payload(self, message):
        payload = {
            "reference": message.uuid,
            "to": message.number,
            "from": self.config.sender,
            "text": message.body,
        }
        if self.config.status_url:
            payload["callback_url"] = self.config.status_url
        return payload

    def _build_send(self, message):
        return "POST", self.base_url, {"json": self._payload(message), "headers": self._headers()}

    def _parse_success(self, message, response):
        """``{"id": ...}``; an answer that says the SMS was not sent
        (``{"status": "error", "error": "invalid number"}``, ``{"status":
        "rejected", "message": ...}``, ``{"success": false}``) was refused, as
        in a list (``_result``). Anything but a JSON object (an HTML page,
        broken JSON) raises: unknown, never sent."""
        data = response.json()
        if not isinstance(data, dict):
            raise TypeError(f"not a JSON object: {response.text[:100]}")
        return self._result(message.uuid, data)

    @classmethod
    def _result(cls, uuid, answer):
        """The outcome of one SMS in the API's answer (alone or in a list).

        Refused, with the API's message as the reason: an ``error``, a status
        ``error`` or one its delivery reports call a failure (``rejected``,
        ``failed``, ``undelivered``, ``expired``), or ``success: false``.
        Sent: an ``id`` or another status. Neither an id nor a status says
        nothing of the SMS: unknown, never resent blindly."""
        error = answer.get("error")
        status = str(answer.get("status") or "").strip().lower()
        refused = status == "error" or cls.STATUSES.get(status) in (UNDELIVERED, REJECTED, EXPIRED)
        if error or refused or answer.get("success") is False:
            message = error or answer.get("message") or answer.get("detail")
            reason = str(message or (f"status: {status}" if status else "success: false"))
            return SendResult(uuid, FAILED, failure_type="sms_server", detail=reason)
        if not answer.get("id") and not status:
            return SendResult(
                uuid, UNKNOWN, detail=f"accepted, but the answer has no id nor status: {answer}"
            )
        return SendResult(uuid, SENT, provider_id=str(answer.get("id") or uuid))

    def _build_send_batch(self, messages):
        payload = {"messages": [self._payload(message) for message in messages]}
        return "POST", self.base_url, {"json": payload, "headers": self._headers()}

    def _parse_batch_success(self, messages, response):
        """``{"messages": [{"reference", "id"}, ...]}``; a message the API lists
        with an ``error`` was refused."""
        results = []
        for answer in response.json()["messages"]:
            results.append(self._result(str(answer.get("reference") or ""), answer))
        return results

    def _build_check(self):
        return "GET", self.base_url, {"headers": self._headers()}

    def _describe_account(self, response):
        """The API answers JSON: an HTML page (a wrong URL, a login page) is not it."""
        self._account_answer(response, (dict, list))
        return f"HTTP {response.status_code}, JSON answer"

    def parse_status(self, request):
        data = request.json
        (status,) = require_text(data, "status")
        reference = webhook_text(data, "reference")
        provider_id = webhook_text(data, "id")
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
        """``{"from", "text"}``, optionally ``"to"``, ``"id"`` and ``"timestamp"``
        (when the SMS was sent: without an id, it tells a webhook delivered
        again from the same text sent twice)."""
        sender, text = require_text(request.json, "from", "text")
        data = request.json
        return InboundSms(
            sender,
            webhook_text(data, "to"),
            text,
            webhook_text(data, "id"),
            sent_at=webhook_text(data, "timestamp"),
        )


class LogProvider(GenericJsonProvider):
    """Sends nothing: writes the SMS to the server log (tests, demos, sandboxes)."""

    code = "log"
    deduplicates_on_reference = True

    def send_request(self, messages):
        results = []
        for message in messages:
            _logger.info("SMS (log-only gateway) to %s: %s", message.number, message.body)
            results.append(SendResult(message.uuid, SENT, provider_id=f"log-{message.uuid}"))
        return results

    def check_connection(self):
        return "log-only: nothing leaves this server"
