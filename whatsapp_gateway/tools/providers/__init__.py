"""HTTP clients of the WhatsApp providers, kept outside the ORM.

Each client turns our outgoing messages (an approved template with its
parameters, or free text inside the customer's 24-hour window) into its
provider's request, and its answers, webhooks (statuses, inbound messages,
template approvals) back into plain results. Sending, failure policy and rate
limits are sms_gateway's (``dispatch``): see ``base``.
"""

from .base import (
    ACCEPTED,
    ACCOUNT,
    APPROVED,
    CREDIT,
    DELIVERED,
    DISABLED,
    EXPIRED,
    FAILED,
    NUMBER,
    OPTED_OUT,
    PAUSED,
    PENDING,
    READ,
    REFUSED,
    REFUSED_TEMPLATE,
    REJECTED,
    REJECTED_TEMPLATE,
    RETRY,
    SENT,
    TEMPLATE,
    THROTTLED,
    UNDELIVERED,
    UNKNOWN,
    WINDOW,
    AccountConfig,
    Events,
    InboundWhatsapp,
    OutgoingWhatsapp,
    ProviderError,
    SendResult,
    StatusReport,
    TemplateInfo,
    WebhookError,
    WebhookRequest,
    WhatsappProvider,
    hub_signature,
    secrets_match,
    template_refusal,
    template_status,
)
from .infobip import InfobipWhatsappProvider
from .log import LogWhatsappProvider
from .meta import MetaProvider
from .twilio import TwilioWhatsappProvider
from .zenvia import ZenviaWhatsappProvider

PROVIDERS = {
    cls.code: cls
    for cls in (
        MetaProvider,
        TwilioWhatsappProvider,
        ZenviaWhatsappProvider,
        InfobipWhatsappProvider,
        LogWhatsappProvider,
    )
}


def get_provider(code, config, session=None):
    try:
        return PROVIDERS[code](config, session=session)
    except KeyError as error:
        raise ProviderError(f"unknown provider {code!r}") from error
