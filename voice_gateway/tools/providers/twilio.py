"""Twilio Programmable Voice: a call whose every turn Odoo answers in TwiML.

``POST /2010-04-01/Accounts/{sid}/Calls.json`` with ``Url`` (Twilio fetches
the first turn there, then each ``<Gather>`` action), ``StatusCallback`` (the
outcome) and ``MachineDetection=Enable`` (``AnsweredBy`` in the first
request). Authentication, the connection check and the webhook signature
(X-Twilio-Signature) are the SMS client's.
"""

from ..call_flow import BUSY, FAILED, NO_ANSWER
from ..sms import providers as sms
from .base import (
    ACCOUNT,
    COMPLETED,
    IN_PROGRESS,
    NUMBER,
    REFUSED,
    RINGING,
    CallReport,
    VoiceProvider,
    WebhookError,
    query_param,
)

# https://www.twilio.com/docs/api/errors
ERROR_CODES = {
    20003: ACCOUNT,
    20404: ACCOUNT,
    21210: ACCOUNT,  # caller id not verified
    21212: ACCOUNT,  # invalid caller id
    21219: ACCOUNT,  # trial account: number not verified
    21211: NUMBER,
    21214: NUMBER,
    21215: NUMBER,  # geographic permission
    21216: NUMBER,  # blocked destination
    13223: NUMBER,
    13224: NUMBER,
}
STATUSES = {
    "queued": RINGING,
    "initiated": RINGING,
    "ringing": RINGING,
    "in-progress": IN_PROGRESS,
    "answered": IN_PROGRESS,
    "completed": COMPLETED,
    "busy": BUSY,
    "no-answer": NO_ANSWER,
    "failed": FAILED,
    "canceled": FAILED,
}


class TwilioVoiceProvider(VoiceProvider, sms.TwilioProvider):
    code = "twilio"
    default_base_url = "https://api.twilio.com"
    interactive = True

    def _calls_url(self):
        return f"{self.base_url}/2010-04-01/Accounts/{self.config.account_sid}/Calls.json"

    def _build_send(self, message):
        if not message.flow_url:
            raise ValueError("a Twilio call needs the URL of its turns")
        data = {
            "To": message.number,
            "From": self.config.sender,
            "Url": message.flow_url,
            "Method": "POST",
            "MachineDetection": "Enable",
            "Timeout": str(self.config.ring_seconds),
        }
        if self.config.status_url:
            # Twilio echoes no reference of ours: carry it in the callback URL.
            separator = "&" if "?" in self.config.status_url else "?"
            data["StatusCallback"] = f"{self.config.status_url}{separator}ref={message.uuid}"
            data["StatusCallbackMethod"] = "POST"
        return "POST", self._calls_url(), {"data": data, "auth": self._auth()}

    def _parse_failure(self, response):
        data = self._json(response)
        code = data.get("code") if isinstance(data, dict) else None
        kind = ERROR_CODES.get(code)
        if kind is None:
            kind = self.HTTP_FAILURES.get(response.status_code, REFUSED)
        message = data.get("message") if isinstance(data, dict) else None
        return kind, f"Twilio {code or response.status_code}: {message or response.text[:300]}"

    def parse_status(self, request):
        form = request.form
        if not isinstance(form, dict) or not form.get("CallSid") or not form.get("CallStatus"):
            raise WebhookError("missing CallSid or CallStatus")
        status = STATUSES.get(form["CallStatus"])
        if status is None:
            raise WebhookError(f"unknown CallStatus {form['CallStatus']!r}")
        detail = form.get("ErrorCode") or form.get("SipResponseCode") or ""
        try:
            duration = int(form.get("CallDuration") or 0)
        except ValueError:
            duration = 0
        report = CallReport(
            status,
            provider_id=form["CallSid"],
            uuid=query_param(request.url, "ref") or "",
            answered_by=form.get("AnsweredBy") or "",
            duration=duration,
            detail=f"Twilio {detail}" if detail else "",
        )
        return [report]
