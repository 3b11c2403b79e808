"""Zenvia API v2, WhatsApp channel."""

from ..sms import providers as sms
from .base import (
    ACCOUNT,
    NUMBER,
    READ,
    REFUSED,
    TEMPLATE,
    Events,
    InboundWhatsapp,
    TemplateInfo,
    WebhookError,
    WhatsappProvider,
    require_text,
    template_status,
    webhook_list,
    webhook_object,
    webhook_text,
    written_at,
)


class ZenviaWhatsappProvider(WhatsappProvider, sms.ZenviaProvider):
    """Zenvia v2: POST /v2/channels/whatsapp/messages (X-API-TOKEN, our externalId),
    templates by id with named fields."""

    code = "zenvia"
    # As for SMS, and "read" is a state of its own: a link clicked was read.
    STATUSES = {**sms.ZenviaProvider.STATUSES, "READ": READ, "CLICKED": READ}
    default_base_url = "https://api.zenvia.com"

    def _payload(self, message, content):
        payload = {
            "from": self.config.sender,
            "to": message.number.lstrip("+"),
            "contents": [content],
            "externalId": message.uuid,
        }
        return (
            "POST",
            f"{self.base_url}/v2/channels/whatsapp/messages",
            {
                "json": payload,
                "headers": self._headers(),
            },
        )

    def _build_template(self, message):
        content = {
            "type": "template",
            "templateId": message.template,
            "fields": {name: value for name, value in message.params},
        }
        return self._payload(message, content)

    def _build_text(self, message):
        return self._payload(message, {"type": "text", "text": message.text})

    def _parse_failure(self, response):
        """Zenvia's error body as SMS reads it: the number's fault only when a
        detail's path is ``to``; the template's when it names the template or
        its fields (``templateId``, ``contents[0].fields.nome``)."""
        code, paths, text = self._error(response)
        if code == "AUTHENTICATION_ERROR" or response.status_code in (401, 403):
            kind = ACCOUNT
        elif code == "VALIDATION_ERROR" and "to" in paths:
            kind = NUMBER
        elif code == "VALIDATION_ERROR" and (
            any("template" in path.lower() or "fields" in path.lower() for path in paths)
            or "template" in text.lower()
        ):
            kind = TEMPLATE
        else:
            kind = REFUSED
        return kind, text

    def _build_template_check(self, reference, language):
        return "GET", f"{self.base_url}/v2/templates/{reference}", {"headers": self._headers()}

    def _parse_template(self, reference, language, data):
        reason = data.get("comments") or data.get("rejectionReason") or ""
        if isinstance(reason, list):
            reason = "; ".join(str(item.get("text", item)) for item in reason)
        return TemplateInfo(
            template_status(data["status"]),
            (data.get("category") or "").lower(),
            str(reason),
            str(data.get("id") or reference),
        )

    # -- webhooks: a subscription's token header or the URL's ``token`` -------------
    def parse_events(self, request):
        data = request.json
        if not isinstance(data, dict):
            raise WebhookError("payload is not an object")
        events = Events()
        if data.get("type") == "MESSAGE_STATUS" or "messageStatus" in data:
            events.statuses = sms.ZenviaProvider.parse_status(self, request)
            return events
        message = webhook_object(data, "message", required=True)
        if self._sent_by_us(data, message):
            return events  # a copy of a message we sent, not the customer's
        (sender,) = require_text(message, "from")
        contents = webhook_list(message, "contents")
        if not contents:
            raise WebhookError("missing contents")
        text = " ".join(
            webhook_text(c, "text")
            or webhook_text(c, "payload")
            # a file (picture, document): its caption, as Zenvia's SMS reads it
            or (f"[{webhook_text(c, 'type')}] {webhook_text(c, 'fileCaption')}".strip())
            for c in contents
            if isinstance(c, dict)
        ).strip()
        visitor = webhook_object(message, "visitor")
        events.inbound.append(
            InboundWhatsapp(
                "+" + sender.lstrip("+"),
                text,
                webhook_text(message, "id"),
                webhook_text(visitor, "name"),
                written_at(data.get("timestamp") if isinstance(data, dict) else None),
            )
        )
        return events
