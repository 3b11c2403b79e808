"""Infobip WhatsApp API."""

from ..sms import providers as sms
from .base import (
    ACCEPTED,
    ACCOUNT,
    CREDIT,
    FAILED,
    NUMBER,
    READ,
    REFUSED,
    SENT,
    TEMPLATE,
    Events,
    InboundWhatsapp,
    SendResult,
    StatusReport,
    TemplateInfo,
    WebhookError,
    WhatsappProvider,
    require_text,
    template_status,
    webhook_number,
    webhook_object,
    webhook_text,
    written_at,
)

REJECTIONS = {
    "REJECTED_DESTINATION": NUMBER,
    "REJECTED_DESTINATION_NOT_REGISTERED": NUMBER,
    "REJECTED_PREFIX_MISSING": NUMBER,
    "REJECTED_NOT_ENOUGH_CREDITS": CREDIT,
    "REJECTED_SENDER": ACCOUNT,
    "REJECTED_TEMPLATE": TEMPLATE,
}


class InfobipWhatsappProvider(WhatsappProvider, sms.InfobipProvider):
    """Infobip: template messages in lists (POST /whatsapp/1/message/template,
    our messageId on each), free text one by one, ``App`` API-key auth."""

    code = "infobip"
    default_base_url = "https://api.infobip.com"

    @property
    def takes_lists(self):
        # Free text has no list endpoint: a batch of templates only.
        return self.config.batch_size > 1

    def _common(self, message):
        values = {
            "from": self.config.sender.lstrip("+"),
            "to": message.number.lstrip("+"),
            "messageId": message.uuid,
            "callbackData": message.uuid,
        }
        if self.config.status_url:
            values["notifyUrl"] = self.config.status_url
        return values

    def _template_message(self, message):
        return {
            **self._common(message),
            "content": {
                "templateName": message.template,
                "templateData": {"body": {"placeholders": [value for _n, value in message.params]}},
                "language": message.language,
            },
        }

    def _build_template(self, message):
        return self._build_send_batch([message])

    def _build_send_batch(self, messages):
        if any(not message.template for message in messages):
            raise ValueError("Infobip sends free text one message at a time")
        payload = {"messages": [self._template_message(message) for message in messages]}
        url = f"{self.base_url}/whatsapp/1/message/template"
        return "POST", url, {"json": payload, "headers": self._headers()}

    def _build_text(self, message):
        payload = {**self._common(message), "content": {"text": message.text}}
        url = f"{self.base_url}/whatsapp/1/message/text"
        return "POST", url, {"json": payload, "headers": self._headers()}

    def _result(self, uuid, sent):
        status = sent.get("status") or {}
        if status.get("groupName") == "REJECTED":
            name = status.get("name", "")
            return SendResult(
                uuid,
                FAILED,
                provider_id=sent.get("messageId") or uuid,
                failure_type=REJECTIONS.get(name, REFUSED),
                detail=f"Infobip {name}: {status.get('description', '')}",
            )
        return SendResult(uuid, SENT, provider_id=sent.get("messageId") or uuid)

    def _parse_success(self, message, response):
        data = response.json()
        sent = data["messages"][0] if "messages" in data else data
        return self._result(message.uuid, sent)

    def _parse_batch_success(self, messages, response):
        return [
            self._result(sent.get("messageId") or "", sent) for sent in response.json()["messages"]
        ]

    def _parse_failure(self, response):
        data = self._json(response)
        error = {}
        if isinstance(data, dict):
            error = (data.get("requestError") or {}).get("serviceException") or {}
        kind = ACCOUNT if response.status_code in (401, 403) else REFUSED
        text = error.get("text") or response.text[:300]
        invalid = error.get("validationErrors")
        if isinstance(invalid, dict) and invalid:
            keys = " ".join(invalid).lower()
            kind = TEMPLATE if "template" in keys else NUMBER if ".to" in keys else kind
            text = f"{text}: {invalid}"
        return kind, f"Infobip {error.get('messageId') or response.status_code}: {text}"

    def _build_template_check(self, reference, language):
        url = f"{self.base_url}/whatsapp/2/senders/{self.config.sender.lstrip('+')}/templates"
        return "GET", url, {"headers": self._headers()}

    def _parse_template(self, reference, language, data):
        for item in data["templates"]:
            if item.get("name") == reference and item.get("language") == language:
                return TemplateInfo(
                    template_status(item.get("status")),
                    (item.get("category") or "").lower(),
                    str(item.get("rejectionReason") or ""),
                    str(item.get("id") or ""),
                )
        raise KeyError(f"no template {reference!r} in {language}")

    # -- webhooks: the secret in the URL or a header ---------------------------------
    def parse_events(self, request):
        data = request.json
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise WebhookError("missing results")
        events = Events()
        for result in data["results"]:
            if not isinstance(result, dict):
                raise WebhookError("result is not an object")
            if "message" in result and result.get("from"):  # inbound
                (sender,) = require_text(result, "from")
                message = webhook_object(result, "message")
                body = (
                    webhook_text(message, "text")
                    or webhook_text(message, "caption")
                    or f"[{webhook_text(message, 'type')}]"
                )
                events.inbound.append(
                    InboundWhatsapp(
                        "+" + sender.lstrip("+"),
                        body,
                        webhook_text(result, "messageId"),
                        webhook_text(webhook_object(result, "contact"), "name"),
                        written_at(result.get("receivedAt")),
                    )
                )
                continue
            provider_id = webhook_text(result, "messageId")
            uuid = webhook_text(result, "callbackData")
            if not provider_id and not uuid:
                raise WebhookError("result without messageId")
            if result.get("seenAt"):
                events.statuses.append(StatusReport(READ, provider_id, uuid))
                continue
            status = webhook_object(result, "status")
            error = webhook_object(result, "error")
            detail = webhook_text(status, "description")
            if webhook_text(error, "groupName") not in ("", "OK"):
                name, description = webhook_text(error, "name"), webhook_text(error, "description")
                detail = f"{detail} {name}: {description}".strip()
            price = webhook_object(result, "price")
            events.statuses.append(
                StatusReport(
                    self.GROUPS.get(webhook_text(status, "groupName"), ACCEPTED),
                    provider_id,
                    uuid,
                    detail,
                    webhook_number(price, "pricePerMessage"),
                    webhook_text(price, "currency"),
                )
            )
        return events
