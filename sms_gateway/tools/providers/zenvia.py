"""Zenvia API v2."""

from .base import (
    Provider,
    require_text,
    webhook_list,
    webhook_object,
    webhook_text,
)
from .outcomes import (
    ACCEPTED,
    DELIVERED,
    EMPTY_INBOUND,
    REJECTED,
    SENT,
    UNDELIVERED,
    InboundSms,
    SendResult,
    StatusReport,
    WebhookError,
)


class ZenviaProvider(Provider):
    """Zenvia API v2, SMS channel (JSON, X-API-TOKEN, externalId)."""

    code = "zenvia"
    default_base_url = "https://api.zenvia.com"
    # The codes of a MESSAGE_STATUS (zenvia-openapi-spec,
    # spec/components/schemas/events/message-status.ts, their meaning in
    # spec/tags/subscriptions.md): CLICKED (a link of the message clicked) and
    # VERIFIED (delivered, the sender acknowledged) say the handset has it;
    # any other (DELETED: the contact deleted a message of theirs) moves nothing.
    STATUSES = {
        "SENT": ACCEPTED,
        "DELIVERED": DELIVERED,
        "VERIFIED": DELIVERED,
        "READ": DELIVERED,
        "CLICKED": DELIVERED,
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

    def _error(self, response):
        """Zenvia's error body, ``{"code", "message", "details": [{"code",
        "path", "message"}]}``, for every channel: (code, the paths of the
        fields at fault, the text for a person: the message and each detail's
        cause)."""
        data = self._json(response)
        if not isinstance(data, dict):
            data = {}
        code = data.get("code", "")
        details = data.get("details")
        details = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
        paths = [str(d.get("path") or "") for d in details]
        message = data.get("message") or response.text[:300]
        causes = "; ".join(
            f"{d.get('path')}: {d.get('message')}" if d.get("path") else str(d.get("message"))
            for d in details
            if d.get("message")
        )
        if causes:
            message = f"{message} ({causes})"
        return code, paths, f"Zenvia {code or response.status_code}: {message}"

    def _parse_failure(self, response):
        """A validation error is the number's fault only when a detail's path is ``to``."""
        code, paths, text = self._error(response)
        failure_type = self.HTTP_FAILURES.get(response.status_code, "sms_server")
        if code == "AUTHENTICATION_ERROR":
            failure_type = "sms_acc"
        elif code == "VALIDATION_ERROR" and "to" in paths:
            failure_type = "sms_number_format"
        return failure_type, text

    def _build_check(self):
        return "GET", f"{self.base_url}/v2/subscriptions", {"headers": self._headers()}

    def _describe_account(self, response):
        data = self._account_answer(response, list)  # the webhook subscriptions
        return f"token accepted, {len(data)} webhook subscription(s)"

    def parse_status(self, request):
        """A MESSAGE_STATUS event: the message it speaks of is under
        ``message`` (``id``, our ``externalId``); the top-level ``messageId``
        is deprecated (zenvia-openapi-spec,
        spec/components/schemas/events/message-status-event.ts) and read only
        where ``message`` says nothing."""
        data = request.json
        status = webhook_object(data, "messageStatus", required=True)
        (code,) = require_text(status, "code")
        message = webhook_object(data, "message")
        provider_id = webhook_text(message, "id") or webhook_text(data, "messageId")
        uuid = webhook_text(message, "externalId") or webhook_text(data, "externalId")
        if not provider_id and not uuid:
            raise WebhookError("missing messageId")
        causes = "; ".join(filter(None, map(_cause, webhook_list(status, "causes"))))
        detail = webhook_text(status, "description")
        if causes:
            detail = f"{detail} ({causes})" if detail else causes
        return [StatusReport(self.STATUSES.get(code, ACCEPTED), provider_id, uuid, detail)]

    @staticmethod
    def _sent_by_us(data, message):
        """Whether a MESSAGE event is a copy of a message the business sent:
        ``direction`` OUT, on the event or its message (a subscription of
        direction OUT or ALL posts them; zenvia-openapi-spec,
        spec/components/schemas/events/message-event.ts, message/base.ts)."""
        return "OUT" in (
            webhook_text(data, "direction").upper(),
            webhook_text(message, "direction").upper(),
        )

    def parse_inbounds(self, request):
        """The customer's SMS; none when the event is a copy of ours."""
        message = webhook_object(request.json, "message", required=True)
        if self._sent_by_us(request.json, message):
            return []
        return [self.parse_inbound(request)]

    def parse_inbound(self, request):
        message = webhook_object(request.json, "message", required=True)
        (sender,) = require_text(message, "from")
        contents = webhook_list(message, "contents")
        parts = []
        for content in contents:
            if not isinstance(content, dict):
                continue
            kind = webhook_text(content, "type") or "text"
            if kind == "text":
                parts.append(webhook_text(content, "text"))
            else:
                # A picture, a file, a location: the customer wrote; a person sees it.
                caption = webhook_text(content, "fileCaption") or webhook_text(content, "text")
                parts.append(f"[{kind}] {caption}".strip())
        # An empty SMS is still the customer's message: recorded, never refused.
        text = " ".join(part for part in parts if part).strip() or EMPTY_INBOUND
        return InboundSms(sender, webhook_text(message, "to"), text, webhook_text(message, "id"))


def _cause(cause):
    """One of a status's ``causes`` (zenvia-openapi-spec,
    spec/components/schemas/events/error-cause.ts: ``channelErrorCode``,
    ``reason``, ``details``) as words: "31: Unknown subscriber, details"."""
    if not isinstance(cause, dict):
        return str(cause)
    code = webhook_text(cause, "channelErrorCode")
    words = ", ".join(
        text for text in (webhook_text(cause, "reason"), webhook_text(cause, "details")) if text
    )
    return f"{code}: {words}" if code and words else code or words
