"""Zenvia Voice (formerly TotalVoice): a text-to-speech call that plays one
message and reports the one key pressed after it.

``POST /tts`` with the ``Access-Token`` header and ``numero_destino``,
``mensagem``, ``tipo_voz``, ``resposta_usuario`` (wait for a key),
``detecta_caixa`` (hang up on voicemail) and ``bina`` (the caller id); the
answer carries ``dados.id``. The outcome comes to the account's webhook
(set once at Zenvia, not per call) as ``{id, status, resposta, ...}``; it
names no reference of ours, so the call is found by Zenvia's id.
https://github.com/totalvoice/totalvoice-docs (source/includes/_tts.md,
_webhooks.md, _respostas.md)
"""

from ..call_flow import BUSY, FAILED, NO_ANSWER
from ..sms import phone
from .base import (
    ACCOUNT,
    COMPLETED,
    CREDIT,
    FAILED_SEND,
    NUMBER,
    REFUSED,
    SENT,
    CallReport,
    SendResult,
    VoiceProvider,
    WebhookError,
    require_text,
    webhook_text,
)

# The TTS object's statuses (_apis_torpedos.md: Preparando, Chamando, Atendida,
# Ocupado, Sem resposta, Congestionado, Falha, Cancelada, Desconhecido; a leg's
# "não existe", _apis_ligacoes.md). "desconhecido": Zenvia does not know how the
# call ended; it ends as not answered, as a call whose end was never reported
# does (voice.call._close_silent_calls): called again once, then the fallback.
STATUSES = {
    "atendida": COMPLETED,
    "sem resposta": NO_ANSWER,
    "desconhecido": NO_ANSWER,
    "ocupado": BUSY,
    "congestionado": FAILED,
    "falha": FAILED,
    "cancelada": FAILED,
    "não existe": FAILED,
}
# Still under way: the final report follows.
PENDING = ("preparando", "chamando")
# Zenvia's voices (_tts.md, tipo_voz), the first of each language its default.
VOICES = {
    "pt": ("br-Vitoria", "br-Camila", "br-Ricardo"),
    "en": ("en-Joanna", "en-Joey"),
    "es": ("esp-Conchita", "esp-Enrique"),
    "fr": ("fre-Celine", "fre-Mathieu"),
    "de": ("ger-Vicki", "ger-Hans"),
    "it": ("ita-Carla", "ita-Giorgio"),
    "ja": ("jap-Mizuki",),
    "pl": ("pol-Jan",),
    "ru": ("rus-Tatyana", "rus-Maxim"),
}


def voice_for(language, voice=""):
    """Zenvia's voice for a call in ``language`` (BCP 47, "pt-BR"): the
    account's ``voice`` when it is a Zenvia voice of that language (a Twilio
    name such as "Polly.Camila" is not), else that language's first voice,
    else Brazilian Portuguese's."""
    voices = VOICES.get((language or "pt").split("-")[0].lower()) or VOICES["pt"]
    return voice if voice in voices else voices[0]


# Zenvia's "motivo" codes (_respostas.md): 40 authentication, 11 invalid parameter.
REASONS = {40: ACCOUNT, 30: ACCOUNT, 11: NUMBER}


def national_digits(number):
    """ "+5511987654321" -> "11987654321" (Zenvia's "DDD + número"); a number of
    another country stays whole, in E.164 ("+5491123456789", as Zenvia's own
    example writes numbers): its national digits alone would be read as a
    Brazilian DDD and number, and ring a stranger."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if not digits.startswith("55"):
        return f"+{digits}"
    return phone.national_number(number) or digits


class ZenviaVoiceProvider(VoiceProvider):
    code = "zenvia"
    default_base_url = "https://voice-api.zenvia.com"
    HTTP_FAILURES = {401: ACCOUNT, 403: ACCOUNT, 402: CREDIT, 405: NUMBER}

    def _headers(self):
        return {"Access-Token": self.config.api_key, "Accept": "application/json"}

    def _build_send(self, message):
        body = {
            "numero_destino": national_digits(message.number),
            "mensagem": message.single_text,
            "resposta_usuario": True,
            "detecta_caixa": True,
            "tipo_voz": voice_for(message.language, message.voice),
        }
        if self.config.sender:
            body["bina"] = national_digits(self.config.sender)
        return "POST", f"{self.base_url}/tts", {"json": body, "headers": self._headers()}

    def _parse_success(self, message, response):
        data = response.json()
        if data.get("sucesso") is False:
            # A refusal answered with HTTP 200 ("motivo" says why): failed with it.
            kind, detail = self._parse_failure(response)
            return SendResult(message.uuid, FAILED_SEND, failure_type=kind, detail=detail)
        return SendResult(message.uuid, SENT, provider_id=str(data["dados"]["id"]))

    def _parse_failure(self, response):
        data = self._json(response)
        reason = data.get("motivo") if isinstance(data, dict) else None
        kind = REASONS.get(reason) or self.HTTP_FAILURES.get(response.status_code, REFUSED)
        text = data.get("mensagem") if isinstance(data, dict) else None
        return kind, f"Zenvia {reason or response.status_code}: {text or response.text[:300]}"

    def _build_check(self):
        return "GET", f"{self.base_url}/saldo", {"headers": self._headers()}

    def _describe_account(self, response):
        data = self._account_answer(response)
        balance = (
            (data.get("dados") or {}).get("saldo") if isinstance(data.get("dados"), dict) else None
        )
        return f"Zenvia Voice, saldo {balance}" if balance is not None else "Zenvia Voice"

    def parse_status(self, request):
        data = request.json
        if isinstance(data, dict) and isinstance(data.get("dados"), dict):
            data = data["dados"]  # the same object, as GET /tts/{id} answers it
        call_id, state = require_text(data, "id", "status")
        if state.strip().lower() in PENDING:
            return []
        status = STATUSES.get(state.strip().lower())
        if status is None:
            raise WebhookError(f"unknown status {state!r}")
        answer = webhook_text(data, "resposta")
        try:
            duration = int(data.get("duracao_segundos") or 0)
        except (TypeError, ValueError):
            duration = 0
        return [
            CallReport(
                status,
                provider_id=call_id,
                digits=answer.strip(),
                duration=duration,
                detail=webhook_text(data, "motivo_desconexao"),
            )
        ]
