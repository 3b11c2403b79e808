"""Twilio's Messages API with WhatsApp senders and Content templates."""

import json

from ..sms import providers as sms
from .base import (
    ACCEPTED,
    ACCOUNT,
    DELIVERED,
    FAILED,
    NUMBER,
    OPTED_OUT,
    READ,
    REFUSED,
    TEMPLATE,
    THROTTLED,
    UNDELIVERED,
    WINDOW,
    Events,
    InboundWhatsapp,
    StatusReport,
    TemplateInfo,
    WebhookError,
    WhatsappProvider,
    query_param,
    template_status,
)

# https://www.twilio.com/docs/api/errors
ERROR_CODES = {
    20003: ACCOUNT,
    20404: ACCOUNT,
    63007: ACCOUNT,
    21211: NUMBER,
    63003: NUMBER,
    63024: NUMBER,
    21610: OPTED_OUT,
    63016: WINDOW,
    63018: THROTTLED,
    20429: THROTTLED,
    63027: TEMPLATE,
    63028: TEMPLATE,
    63029: TEMPLATE,
    63030: TEMPLATE,
}
STATUSES = {
    "accepted": ACCEPTED,
    "queued": ACCEPTED,
    "sending": ACCEPTED,
    "sent": ACCEPTED,
    "delivered": DELIVERED,
    "read": READ,
    "undelivered": UNDELIVERED,
    "failed": UNDELIVERED,
    "canceled": UNDELIVERED,
}


def whatsapp_address(number):
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


class TwilioWhatsappProvider(WhatsappProvider, sms.TwilioProvider):
    """Twilio: form POST to Messages.json, ``whatsapp:`` addresses, a Content SID
    (HX...) with ``ContentVariables`` for templates. Authentication, answers,
    the connection check and webhook signatures are the SMS client's."""

    code = "twilio"
    default_base_url = "https://api.twilio.com"
    content_base_url = "https://content.twilio.com"

    def _data(self, message):
        data = {"To": whatsapp_address(message.number)}
        sender = self.config.sender or ""
        if sender.startswith("MG"):
            data["MessagingServiceSid"] = sender
        else:
            data["From"] = whatsapp_address(sender)
        if self.config.status_url:
            # Twilio echoes no reference of ours: carry it in the callback URL.
            separator = "&" if "?" in self.config.status_url else "?"
            data["StatusCallback"] = f"{self.config.status_url}{separator}ref={message.uuid}"
        return data

    def _build_template(self, message):
        data = self._data(message)
        data["ContentSid"] = message.template
        if message.params:
            data["ContentVariables"] = json.dumps(
                {name: value for name, value in message.params}, ensure_ascii=False
            )
        return "POST", self._messages_url(), {"data": data, "auth": self._auth()}

    def _build_text(self, message):
        data = self._data(message)
        data["Body"] = message.text
        return "POST", self._messages_url(), {"data": data, "auth": self._auth()}

    def _parse_success(self, message, response):
        """The created Message; one Twilio created already failed (status
        failed, undelivered or canceled with its ``error_code``) failed with
        its WhatsApp reason, never the SMS client's (not a WhatsApp failure
        type: its batch could not be recorded)."""
        result = super()._parse_success(message, response)
        if result.outcome == FAILED:
            code = str(response.json().get("error_code") or "")
            result.failure_type = ERROR_CODES.get(int(code) if code.isdigit() else None, REFUSED)
        return result

    def _parse_failure(self, response):
        data = self._json(response)
        code = data.get("code") if isinstance(data, dict) else None
        kind = ERROR_CODES.get(code)
        if kind is None:
            kind = ACCOUNT if response.status_code in (401, 403) else REFUSED
        message = data.get("message") if isinstance(data, dict) else None
        return kind, f"Twilio {code or response.status_code}: {message or response.text[:300]}"

    def _content_url(self):
        # The Content API lives on its own host; a sandbox or stand-in serves both.
        if self.base_url == self.default_base_url:
            return self.content_base_url
        return self.base_url

    def _build_template_check(self, reference, language):
        url = f"{self._content_url()}/v1/Content/{reference}/ApprovalRequests"
        return "GET", url, {"auth": self._auth()}

    def _parse_template(self, reference, language, data):
        whatsapp = data["whatsapp"]
        return TemplateInfo(
            template_status(whatsapp.get("status")),
            (whatsapp.get("category") or "").lower(),
            whatsapp.get("rejection_reason") or "",
            reference,
        )

    # -- webhooks ----------------------------------------------------------------
    def parse_events(self, request):
        form = request.form
        if not isinstance(form, dict) or not form.get("MessageSid"):
            raise WebhookError("missing MessageSid")
        events = Events()
        if form.get("MessageStatus") and form.get("MessageStatus") != "received":
            code = form.get("ErrorCode") or ""
            detail = f"Twilio {code}: {form.get('ErrorMessage', '')}".strip(": ") if code else ""
            events.statuses.append(
                StatusReport(
                    STATUSES.get(form["MessageStatus"], ACCEPTED),
                    provider_id=form["MessageSid"],
                    uuid=query_param(request.url, "ref") or "",
                    detail=detail,
                    failure_type=ERROR_CODES.get(int(code) if code.isdigit() else None, ""),
                )
            )
        elif form.get("From"):
            events.inbound.append(
                InboundWhatsapp(
                    form["From"].removeprefix("whatsapp:"),
                    _inbound_text(form),
                    form["MessageSid"],
                    form.get("ProfileName", ""),
                )
            )
        else:
            raise WebhookError("neither a status nor a message")
        return events


# Twilio's MessageType of a WhatsApp message with media, as Meta names it.
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


def _inbound_text(form):
    """A customer's words: its Body (a caption with a picture), a button's
    text; a picture, a document sent (NumMedia, MediaContentType0) says so as
    Meta's does ("[image] comprovante"), so the person answering knows a file
    came even without a caption."""
    body = form.get("Body") or form.get("ButtonText") or ""
    try:
        media = int(form.get("NumMedia") or 0)
    except ValueError:
        media = 0
    if not media:
        return body
    kind = (form.get("MessageType") or "").lower()
    if kind not in MEDIA_TYPES:
        major = (form.get("MediaContentType0") or "").split("/")[0].lower()
        kind = major if major in MEDIA_TYPES else "document"
    return f"[{kind}] {body}".strip()
