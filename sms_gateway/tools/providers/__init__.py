"""HTTP clients of the SMS providers, kept outside the ORM.

Each provider turns our outgoing SMS into its API request and its answers,
delivery reports and inbound messages back into plain results. Every call goes
through ``Provider._request`` (one seam, one pooled ``requests.Session`` per
gateway for connection reuse, an explicit timeout on every call). ``dispatch``
keeps several requests in flight, batches where the provider takes lists
(Infobip, the generic API when the gateway says so) and shares one rate limit
among them.

Failure policy (see the README): a connection error means nothing was sent, so
the SMS is retried; HTTP 408 (nothing received), 429 and 5xx are retried,
honouring ``Retry-After``; a read timeout is retried only where the provider
deduplicates on our reference, otherwise the outcome is UNKNOWN and left to a
person (a later delivery report may settle it); other 4xx answers fail the SMS
with a failure type Odoo knows.
"""

from .base import Provider, secrets_match
from .outcomes import (
    ACCEPTED,
    DELIVERED,
    EXPIRED,
    FAILED,
    REJECTED,
    RETRY,
    SENT,
    UNDELIVERED,
    UNKNOWN,
    GatewayConfig,
    InboundSms,
    OutgoingSms,
    ProviderError,
    SendResult,
    StatusReport,
    WebhookError,
    WebhookRequest,
)
from .dispatch import MAX_PARALLEL, dispatch
from .generic import GenericJsonProvider, LogProvider
from .infobip import InfobipProvider
from .limiter import RateLimiter
from .retry import (
    MAX_HELD_HOURS,
    held_back,
    held_detail,
    next_attempt,
    parse_retry_after,
    retry_delay,
)
from .twilio import TwilioProvider
from .zenvia import ZenviaProvider

PROVIDERS = {
    cls.code: cls
    for cls in (TwilioProvider, ZenviaProvider, InfobipProvider, GenericJsonProvider, LogProvider)
}


def get_provider(code, config, session=None):
    try:
        return PROVIDERS[code](config, session=session)
    except KeyError as error:
        raise ProviderError(f"unknown provider {code!r}") from error
