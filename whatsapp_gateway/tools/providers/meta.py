"""Meta's WhatsApp Cloud API (Graph API)."""

from .base import (
    ACCEPTED,
    ACCOUNT,
    CREDIT,
    DELIVERED,
    FAILED,
    NUMBER,
    OPTED_OUT,
    READ,
    REFUSED,
    SENT,
    TEMPLATE,
    THROTTLED,
    UNDELIVERED,
    WINDOW,
    Events,
    InboundWhatsapp,
    ProviderError,
    SendResult,
    StatusReport,
    TemplateInfo,
    WebhookError,
    WhatsappProvider,
    hub_signature,
    require_text,
    secrets_match,
    template_status,
    webhook_list,
    webhook_object,
    webhook_text,
    written_at,
)

# https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
ERROR_CODES = {
    0: ACCOUNT,
    3: ACCOUNT,
    10: ACCOUNT,
    190: ACCOUNT,
    368: ACCOUNT,
    131031: ACCOUNT,
    131045: ACCOUNT,
    133010: ACCOUNT,
    4: THROTTLED,
    80007: THROTTLED,
    130429: THROTTLED,
    131048: THROTTLED,
    131056: THROTTLED,
    131042: CREDIT,
    131021: NUMBER,
    131026: NUMBER,
    131030: NUMBER,
    131047: WINDOW,
    131050: OPTED_OUT,
    131008: TEMPLATE,
    131009: TEMPLATE,
    131051: TEMPLATE,
    132000: TEMPLATE,
    132001: TEMPLATE,
    132005: TEMPLATE,
    132007: TEMPLATE,
    132012: TEMPLATE,
    132015: TEMPLATE,
    132016: TEMPLATE,
}
STATUSES = {
    "accepted": ACCEPTED,
    "sent": ACCEPTED,
    "delivered": DELIVERED,
    "read": READ,
    "failed": UNDELIVERED,
}


class MetaProvider(WhatsappProvider):
    """WhatsApp Cloud API: POST /{version}/{phone number id}/messages, Bearer token."""

    code = "meta"
    default_base_url = "https://graph.facebook.com"
    signs_raw_body = True

    def _url(self, path):
        return f"{self.base_url}/{self.config.api_version or 'v21.0'}/{path}"

    def _headers(self):
        return {"Authorization": f"Bearer {self.config.access_token}"}

    def _payload(self, message, kind, content):
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.number.lstrip("+"),
            "type": kind,
            kind: content,
            # Echoed in the message's status webhooks: a report finds a message
            # whose answer (the wamid) a dead worker never recorded.
            "biz_opaque_callback_data": message.uuid,
        }

    def _build_template(self, message):
        template = {"name": message.template, "language": {"code": message.language}}
        if message.params:
            template["components"] = [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": value} for _name, value in message.params
                    ],
                }
            ]
        payload = self._payload(message, "template", template)
        url = self._url(f"{self.config.phone_number_id}/messages")
        return "POST", url, {"json": payload, "headers": self._headers()}

    def _build_text(self, message):
        payload = self._payload(message, "text", {"preview_url": False, "body": message.text})
        url = self._url(f"{self.config.phone_number_id}/messages")
        return "POST", url, {"json": payload, "headers": self._headers()}

    def _parse_success(self, message, response):
        """The message's wamid; an answer carrying Meta's ``error`` (a proxy or
        Meta itself answering 200) says it was not sent: failed with Meta's
        reason, as a 4xx is (the régua then sends the SMS)."""
        data = response.json()
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            kind, detail = _failure(error, response.status_code)
            return SendResult(message.uuid, FAILED, failure_type=kind, detail=detail)
        return SendResult(message.uuid, SENT, provider_id=data["messages"][0]["id"])

    def _parse_failure(self, response):
        data = self._json(response)
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            return super()._parse_failure(response)
        return _failure(error, response.status_code)

    def _build_check(self):
        url = self._url(self.config.phone_number_id)
        params = {"fields": "display_phone_number,verified_name,quality_rating"}
        return "GET", url, {"headers": self._headers(), "params": params}

    def _describe_account(self, response):
        data = self._account_answer(response)
        return (
            f"{data.get('verified_name', '')} {data.get('display_phone_number', '')}"
            f" (quality {data.get('quality_rating', '?')})"
        ).strip()

    def _build_template_check(self, reference, language):
        if not self.config.business_account_id:
            raise ProviderError("the WhatsApp Business Account ID is needed to read templates")
        url = self._url(f"{self.config.business_account_id}/message_templates")
        params = {"name": reference, "fields": "id,name,status,language,category,rejected_reason"}
        return "GET", url, {"headers": self._headers(), "params": params}

    def _parse_template(self, reference, language, data):
        for item in data["data"]:
            if item.get("name") == reference and item.get("language") == language:
                return TemplateInfo(
                    template_status(item.get("status")),
                    (item.get("category") or "").lower(),
                    _reason(item.get("rejected_reason")),
                    str(item.get("id") or ""),
                )
        raise KeyError(f"no template {reference!r} in {language}")

    # -- webhooks ----------------------------------------------------------------
    def verify_subscription(self, params, verify_token):
        """Meta's GET check when the webhook is set up: echo ``hub.challenge``."""
        if params.get("hub.mode") != "subscribe":
            return None
        if not secrets_match(verify_token, params.get("hub.verify_token")):
            return None
        return params.get("hub.challenge") or None

    def authenticate(self, request, secret):
        """X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret
        (``secret``), compared in constant time."""
        received = request.headers.get("X-Hub-Signature-256") or ""
        if not secret or not isinstance(request.raw, bytes):
            return False
        return secrets_match(hub_signature(request.raw, secret), received)

    def parse_events(self, request):
        data = request.json
        if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
            raise WebhookError("not a WhatsApp Business Account notification")
        events = Events()
        waba = self.config.business_account_id
        for entry in data["entry"]:
            if not isinstance(entry, dict):
                raise WebhookError("entry is not an object")
            # One app may serve several WhatsApp Business Accounts, whose
            # templates share names: another account's update is not this one's.
            other_waba = bool(waba) and webhook_text(entry, "id") not in ("", waba)
            for change in webhook_list(entry, "changes"):
                value = change.get("value") if isinstance(change, dict) else None
                if not isinstance(value, dict):
                    raise WebhookError("change without value")
                if change.get("field") == "message_template_status_update":
                    event = _template_event(value)
                    if not other_waba:
                        events.templates.append(event)
                    continue
                # One app (one secret, one callback URL) may serve several
                # numbers: what another number received is not this account's,
                # it is set apart under that number's id.
                metadata = webhook_object(value, "metadata")
                number_id = webhook_text(metadata, "phone_number_id")
                target = events
                if (
                    number_id
                    and self.config.phone_number_id
                    and (number_id != self.config.phone_number_id)
                ):
                    target = events.elsewhere.setdefault(number_id, Events())
                names = {
                    webhook_text(c, "wa_id"): webhook_text(webhook_object(c, "profile"), "name")
                    for c in webhook_list(value, "contacts")
                }
                for status in webhook_list(value, "statuses"):
                    target.statuses.append(_status(status))
                for message in webhook_list(value, "messages"):
                    inbound = _inbound(message, names)
                    if inbound is not None:
                        target.inbound.append(inbound)
        return events


def _failure(error, status):
    """(failure type, detail) of Meta's ``error`` object in an answer of HTTP
    ``status``."""
    code = error.get("code")
    kind = ERROR_CODES.get(code)
    if kind is None:
        kind = ACCOUNT if status in (401, 403) else REFUSED
    data = error.get("error_data")
    details = (data.get("details") if isinstance(data, dict) else "") or ""
    text = " ".join(str(part) for part in (error.get("message"), details) if part)
    return kind, f"Meta {code}: {text}"[:500]


def _reason(value):
    return "" if value in (None, "", "NONE") else str(value)


def _template_event(value):
    name = webhook_text(value, "message_template_name")
    if not name or not isinstance(value.get("event"), str) or not value["event"]:
        raise WebhookError("template update without name or event")
    # A flagged template stays approved: the warning is kept as its reason.
    flagged = "FLAGGED" if value["event"].strip().upper() == "FLAGGED" else ""
    info = TemplateInfo(
        template_status(value["event"]),
        reason=_reason(value.get("reason")) or flagged,
        provider_id=webhook_text(value, "message_template_id"),
    )
    return name, webhook_text(value, "message_template_language"), info


def _status(status):
    if not isinstance(status, dict):
        raise WebhookError("status is not an object")
    provider_id, state = require_text(status, "id", "status")
    detail = kind = ""
    errors = status.get("errors") or []
    if errors and isinstance(errors[0], dict):
        error = errors[0]
        code = str(error.get("code", ""))
        detail = f"Meta {code}: {error.get('title') or error.get('message', '')}"
        kind = ERROR_CODES.get(int(code) if code.isdigit() else None, "")
    pricing = status.get("pricing")
    if isinstance(pricing, dict) and pricing.get("category"):
        detail = detail or f"{pricing.get('category')} ({pricing.get('pricing_model', '')})"
    return StatusReport(
        STATUSES.get(state, ACCEPTED),
        provider_id=provider_id,
        uuid=webhook_text(status, "biz_opaque_callback_data"),
        detail=detail,
        failure_type=kind,
    )


def _inbound(message, names):
    """The customer's message (``InboundWhatsapp``), or None when it says
    nothing (a reaction taken back)."""
    if not isinstance(message, dict):
        raise WebhookError("message is not an object")
    (sender,) = require_text(message, "from")
    kind = webhook_text(message, "type")
    if kind == "text":
        body = webhook_text(webhook_object(message, "text"), "body")
    elif kind == "button":
        body = webhook_text(webhook_object(message, "button"), "text")
    elif kind == "interactive":
        reply = webhook_object(message, "interactive")
        chosen = webhook_object(reply, "button_reply") or webhook_object(reply, "list_reply")
        body = webhook_text(chosen, "title")
    elif kind == "reaction":
        # A reaction to one of our messages ("👍") says what its emoji says,
        # read as the same emoji written; a reaction taken back says nothing.
        body = webhook_text(webhook_object(message, "reaction"), "emoji")
        if not body:
            return None
    else:
        # A picture, a document, a video: its caption is the customer's words
        # ("segue comprovante", "PARE"), read as a text is.
        # Meta's own notice ("system": the customer changed their number) is
        # its text, which names the new number a person must put on file.
        media = message.get(kind) if kind else None
        words = "body" if kind == "system" else "caption"
        caption = webhook_text(media, words) if isinstance(media, dict) else ""
        body = f"[{kind}] {caption}".strip()
    return InboundWhatsapp(
        "+" + sender.lstrip("+"),
        body,
        webhook_text(message, "id"),
        names.get(sender, ""),
        written_at(message.get("timestamp")),
    )
