"""HTTP clients of the voice providers, kept outside the ORM.

Each client turns our calls into its provider's request, and its answers and
webhooks (a call's outcome) back into plain results. Sending, failure policy
and rate limits are sms_gateway's (``dispatch``): see ``base``.
"""

from .base import (
    ACCOUNT,
    COMPLETED,
    CREDIT,
    FAILED_SEND,
    IN_PROGRESS,
    NUMBER,
    REFUSED,
    RETRY,
    RINGING,
    SENT,
    UNKNOWN,
    AccountConfig,
    CallReport,
    OutgoingCall,
    ProviderError,
    SendResult,
    VoiceProvider,
    WebhookError,
    WebhookRequest,
)
from .infobip import InfobipVoiceProvider
from .log import LogVoiceProvider
from .twilio import TwilioVoiceProvider
from .zenvia import ZenviaVoiceProvider

PROVIDERS = {
    cls.code: cls
    for cls in (
        TwilioVoiceProvider,
        ZenviaVoiceProvider,
        InfobipVoiceProvider,
        LogVoiceProvider,
    )
}

__all__ = [
    "ACCOUNT",
    "COMPLETED",
    "CREDIT",
    "FAILED_SEND",
    "IN_PROGRESS",
    "NUMBER",
    "PROVIDERS",
    "REFUSED",
    "RETRY",
    "RINGING",
    "SENT",
    "UNKNOWN",
    "AccountConfig",
    "CallReport",
    "OutgoingCall",
    "ProviderError",
    "SendResult",
    "VoiceProvider",
    "WebhookError",
    "WebhookRequest",
    "get_provider",
]


def get_provider(code, config, session=None):
    try:
        return PROVIDERS[code](config, session=session)
    except KeyError as error:
        raise ProviderError(f"unknown provider {code!r}") from error
