"""Infobip SMS API v2."""

from .base import (
    Provider,
    require_keys,
    require_text,
    webhook_number,
    webhook_object,
    webhook_text,
)
from .outcomes import (
    ACCEPTED,
    DELIVERED,
    EMPTY_INBOUND,
    EXPIRED,
    FAILED,
    REJECTED,
    SENT,
    UNDELIVERED,
    InboundSms,
    SendResult,
    StatusReport,
    WebhookError,
)


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

    # The SMS API takes many messages in one request, each with our messageId.
    takes_lists = True

    def _message(self, message):
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
        return sms

    def _build_send_batch(self, messages):
        url = f"{self.base_url}/sms/2/text/advanced"
        payload = {"messages": [self._message(message) for message in messages]}
        return "POST", url, {"json": payload, "headers": self._headers()}

    def _parse_batch_success(self, messages, response):
        results = []
        for sent in response.json()["messages"]:
            uuid = sent.get("messageId") or ""
            status = sent.get("status") or {}
            if status.get("groupName") == "REJECTED":
                name = status.get("name", "")
                results.append(
                    SendResult(
                        uuid,
                        FAILED,
                        provider_id=uuid,
                        failure_type=self.REJECTIONS.get(name, "sms_server"),
                        detail=f"Infobip {name}: {status.get('description', '')}",
                    )
                )
            else:
                results.append(SendResult(uuid, SENT, provider_id=uuid))
        return results

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
        data = self._account_answer(response)
        return f"balance {data.get('balance', '?')} {data.get('currency', '')}".strip()

    def parse_status(self, request):
        (results,) = require_keys(request.json, "results")
        if not isinstance(results, list):
            raise WebhookError("results is not a list")
        reports = []
        for result in results:
            (message_id,) = require_text(result, "messageId")
            status = webhook_object(result, "status")
            error = webhook_object(result, "error")
            price = webhook_object(result, "price")
            reports.append(
                StatusReport(
                    self.GROUPS.get(webhook_text(status, "groupName"), ACCEPTED),
                    provider_id=message_id,
                    uuid=webhook_text(result, "callbackData") or message_id,
                    detail=" ".join(
                        filter(None, [webhook_text(status, "name"), webhook_text(error, "name")])
                    ),
                    cost=webhook_number(price, "pricePerMessage"),
                    currency=webhook_text(price, "currency"),
                )
            )
        return reports

    def parse_inbound(self, request):
        return self.parse_inbounds(request)[0]

    def parse_inbounds(self, request):
        """Infobip forwards the SMS waiting for us in one request
        (``results``, ``messageCount``): each of them, not only the first. An
        empty SMS is still the customer's message: recorded, never refused."""
        (results,) = require_keys(request.json, "results")
        if not isinstance(results, list) or not results:
            raise WebhookError("results is empty")
        inbounds = []
        for result in results:
            (sender,) = require_text(result, "from")
            inbounds.append(
                InboundSms(
                    sender,
                    webhook_text(result, "to"),
                    webhook_text(result, "text").strip() or EMPTY_INBOUND,
                    webhook_text(result, "messageId"),
                )
            )
        return inbounds
