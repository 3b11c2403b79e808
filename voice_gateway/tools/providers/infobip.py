"""Infobip Voice: an advanced text-to-speech message that plays once and
collects the key pressed after it.

``POST /tts/3/advanced`` (``Authorization: App <key>``) with ``messages``:
``destinations`` (digits, our reference as ``messageId``), ``from``, ``text``,
``language`` and ``voice``, ``maxDtmf`` (one key), ``machineDetection``
("hangup": a machine hears nothing), ``notifyUrl`` and ``callbackData`` (our
reference again). The report comes to ``notifyUrl`` as ``{"results": [...]}``
with ``voiceCall.dtmfCodes``, ``status.groupName`` and ``error.name``.
https://www.infobip.com/docs/api/channels/voice/voice-message/send-advanced-voice-tts
"""

from ..call_flow import BUSY, FAILED, NO_ANSWER
from .base import (
    ACCOUNT,
    COMPLETED,
    CREDIT,
    REFUSED,
    SENT,
    CallReport,
    SendResult,
    VoiceProvider,
    WebhookError,
    require_text,
    webhook_object,
    webhook_text,
)


def digits(number):
    return "".join(ch for ch in number or "" if ch.isdigit())


# Infobip's text-to-speech languages that keep their region; the others go by
# the language alone ("en-US" -> "en", "es-AR" -> "es").
REGIONAL = {"pt-br", "pt-pt", "en-gb", "en-au", "en-in", "fr-ca", "zh-cn", "zh-tw"}


def tts_language(language):
    """Infobip's language code of a call in ``language`` (BCP 47, "pt-BR")."""
    code = (language or "pt-BR").lower().replace("_", "-")
    if code in REGIONAL:
        return code
    primary = code.split("-")[0]
    return "pt-br" if primary == "pt" else primary


def tts_voice(language, voice=""):
    """The voice object of a call in Infobip's ``language``: the account's
    ``voice`` (its Brazilian Portuguese voice; not a Twilio name such as
    "Polly.Camila") for Brazilian Portuguese, else Infobip's default voice of
    the language (None)."""
    if language != "pt-br":
        return None
    name = voice if voice and "." not in voice else "Camila"
    return {"name": name, "gender": "female"}


class InfobipVoiceProvider(VoiceProvider):
    code = "infobip"
    default_base_url = "https://api.infobip.com"
    HTTP_FAILURES = {401: ACCOUNT, 403: ACCOUNT, 402: CREDIT}

    def _headers(self):
        return {"Authorization": f"App {self.config.api_key}", "Accept": "application/json"}

    def _build_send(self, message):
        item = {
            "destinations": [{"to": digits(message.number), "messageId": message.uuid}],
            "text": message.single_text,
            "language": tts_language(message.language),
            "maxDtmf": 1,
            "dtmfTimeout": 6,
            "machineDetection": "hangup",
            "ringTimeout": self.config.ring_seconds,
            "callbackData": message.uuid,
        }
        voice = tts_voice(item["language"], message.voice)
        if voice:
            item["voice"] = voice
        if self.config.sender:
            item["from"] = digits(self.config.sender)
        if self.config.status_url:
            item["notifyUrl"] = self.config.status_url
            item["notifyContentType"] = "application/json"
        url = f"{self.base_url}/tts/3/advanced"
        return "POST", url, {"json": {"messages": [item]}, "headers": self._headers()}

    def _parse_success(self, message, response):
        [sent] = response.json()["messages"]
        return SendResult(message.uuid, SENT, provider_id=sent.get("messageId") or message.uuid)

    def _parse_failure(self, response):
        data = self._json(response)
        try:
            text = data["requestError"]["serviceException"]["text"]
        except (KeyError, TypeError):
            text = response.text[:300]
        kind = self.HTTP_FAILURES.get(response.status_code, REFUSED)
        return kind, f"Infobip {response.status_code}: {text}"

    def _build_check(self):
        return "GET", f"{self.base_url}/account/1/balance", {"headers": self._headers()}

    def _describe_account(self, response):
        data = self._account_answer(response)
        return f"Infobip, {data.get('balance', '?')} {data.get('currency', '')}".strip()

    @staticmethod
    def _status(result):
        """Our status of one report, and who answered."""
        name = webhook_text(webhook_object(result, "error"), "name").upper()
        group = webhook_text(webhook_object(result, "status"), "groupName").upper()
        call = webhook_object(result, "voiceCall") or result
        if "MACHINE" in name:
            return COMPLETED, "machine_start"
        if "BUSY" in name:
            return BUSY, ""
        if "NO_ANSWER" in name:
            return NO_ANSWER, ""
        if group == "DELIVERED" or call.get("answerTime"):
            return COMPLETED, "human"
        if group in ("UNDELIVERABLE", "REJECTED", "EXPIRED"):
            return FAILED, ""
        return None, ""

    def parse_status(self, request):
        data = request.json
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list) or not results:
            raise WebhookError("missing results")
        reports = []
        for result in results:
            if not isinstance(result, dict):
                raise WebhookError("a result is not an object")
            (message_id,) = require_text(result, "messageId")
            status, answered_by = self._status(result)
            if status is None:
                continue  # still pending: the final report follows
            call = webhook_object(result, "voiceCall") or result
            try:
                duration = int(call.get("duration") or 0)
            except (TypeError, ValueError):
                duration = 0
            reports.append(
                CallReport(
                    status,
                    provider_id=message_id,
                    uuid=webhook_text(result, "callbackData") or message_id,
                    answered_by=answered_by,
                    digits=webhook_text(call, "dtmfCodes").strip(),
                    duration=duration,
                    detail=webhook_text(webhook_object(result, "error"), "name"),
                )
            )
        return reports
