"""Twilio Programmable Messaging."""

import base64
import hashlib
import hmac

from .base import Provider, query_param, require_keys
from .outcomes import (
    ACCEPTED,
    DELIVERED,
    EMPTY_INBOUND,
    FAILED,
    REJECTED,
    SENT,
    UNDELIVERED,
    InboundSms,
    SendResult,
    StatusReport,
)


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

    # Statuses of a Message Twilio created but will not send (201 with one of them).
    NOT_SENT = ("failed", "undelivered", "canceled")

    def _parse_success(self, message, response):
        """The created Message (201); one Twilio gave a failed status at once,
        with its error code, failed: with Twilio's reason, never "sent"."""
        data = response.json()
        status = str(data.get("status") or "").lower()
        if status in self.NOT_SENT:
            code = data.get("error_code")
            reason = (
                f"Twilio {code}: {data.get('error_message') or ''}".strip() if code else "Twilio"
            )
            return SendResult(
                message.uuid,
                FAILED,
                provider_id=data.get("sid") or "",
                failure_type=self.ERROR_CODES.get(_code(code), "sms_server"),
                detail=f"{reason} (status: {status})",
            )
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
        data = self._account_answer(response)
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
        sid, status = require_keys(request.form, "MessageSid", "MessageStatus")
        detail = request.form.get("ErrorCode") or ""
        return [
            StatusReport(
                self.STATUSES.get(status, ACCEPTED),
                provider_id=sid,
                uuid=query_param(request.url, "ref") or "",
                detail=detail,
            )
        ]

    def parse_inbound(self, request):
        """The customer's message. Twilio posts ``Body`` empty when it carries
        only a picture or file (``NumMedia``, ``MediaContentType0``) or no text
        at all: still the customer's message, recorded for a person ("[image]",
        "[image] caption", or the empty message), never refused.
        https://www.twilio.com/docs/messaging/guides/webhook-request"""
        (sender,) = require_keys(request.form, "From")
        body = (request.form.get("Body") or "").strip()
        try:
            media = int(request.form.get("NumMedia") or 0)
        except ValueError:
            media = 0
        if media:
            major = (request.form.get("MediaContentType0") or "").split("/")[0].lower()
            kind = major if major in ("image", "video", "audio") else "file"
            body = f"[{kind}] {body}".strip()
        return InboundSms(
            sender,
            request.form.get("To", ""),
            body or EMPTY_INBOUND,
            request.form.get("MessageSid", ""),
        )


def _code(code):
    """Twilio's error code as a number (it may come as text)."""
    try:
        return int(code)
    except (TypeError, ValueError):
        return None
