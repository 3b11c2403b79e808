"""What every voice provider client shares.

A voice client is an SMS client of ``sms_gateway`` that places calls: it
inherits its one HTTP seam and its failure policy (a connection error
retries, 408, 429 and 5xx retry honouring Retry-After, a read timeout is UNKNOWN
since no voice provider deduplicates on our reference and a call must never
ring twice, other refusals fail with a reason), and it is sent by the same
``dispatch`` (parallel requests, one rate limit, a durable trace ahead of
each window of requests).
"""

from dataclasses import dataclass

from ..call_flow import BUSY, FAILED, NO_ANSWER
from ..sms import providers as sms

SENT, RETRY, UNKNOWN = sms.SENT, sms.RETRY, sms.UNKNOWN
FAILED_SEND = sms.FAILED
ProviderError = sms.ProviderError
WebhookError = sms.WebhookError
WebhookRequest = sms.WebhookRequest
SendResult = sms.SendResult
secrets_match = sms.secrets_match
require_keys = sms.base.require_keys
# A webhook payload's values, of the shape the provider sends or WebhookError.
require_text = sms.base.require_text
webhook_text = sms.base.webhook_text
webhook_object = sms.base.webhook_object
webhook_list = sms.base.webhook_list
webhook_number = sms.base.webhook_number
query_param = sms.base.query_param

# Why a call was refused (voice.call.failure_type).
ACCOUNT = "account"  # credentials, caller id not owned, trial restrictions
CREDIT = "credit"
NUMBER = "number"  # invalid or unreachable number, country not enabled
REFUSED = "refused"  # anything else the provider refused

# The provider's view of a call, once it ends (or moves on).
RINGING, IN_PROGRESS, COMPLETED = "ringing", "in_progress", "completed"
ENDED_UNANSWERED = (BUSY, NO_ANSWER, FAILED)


@dataclass
class AccountConfig:
    base_url: str = ""
    account_sid: str = ""  # Twilio
    auth_token: str = ""  # Twilio
    api_key: str = ""  # Zenvia (Access-Token), Infobip (App key)
    sender: str = ""  # the caller id (E.164), as the provider owns it
    timeout: float = 10.0
    status_url: str = ""  # where the provider posts the call's outcome
    ring_seconds: int = 30


@dataclass
class OutgoingCall:
    """One call: ``flow_url`` serves its turns (interactive providers);
    ``single_text`` is the one message of the others."""

    uuid: str
    number: str  # E.164
    flow_url: str = ""
    single_text: str = ""
    language: str = "pt-BR"
    voice: str = ""


@dataclass
class CallReport:
    """A call's status reported by the provider (webhook)."""

    status: str  # RINGING, IN_PROGRESS, COMPLETED, or BUSY, NO_ANSWER, FAILED
    provider_id: str = ""
    uuid: str = ""
    answered_by: str = ""  # "human", "machine_start", ... where detected
    digits: str = ""  # one-message providers: the key pressed after it
    duration: int = 0  # seconds
    detail: str = ""

    @property
    def final(self):
        return self.status in (COMPLETED, *ENDED_UNANSWERED)


class VoiceProvider(sms.Provider):
    code = None
    # True: the provider asks ``flow_url`` what to say at each turn (Twilio);
    # False: it plays ``single_text`` and reports the one key pressed.
    interactive = False
    HTTP_FAILURES = {401: ACCOUNT, 403: ACCOUNT, 402: CREDIT}
    ACCOUNT_FAILURE = ACCOUNT

    def _parse_failure(self, response):
        kind = self.HTTP_FAILURES.get(response.status_code, REFUSED)
        return kind, f"HTTP {response.status_code}: {response.text[:300]}"

    def parse_status(self, request):
        """[``CallReport``] of an authenticated webhook call (a final report
        per call; pending ones are left out); WebhookError when it has not the
        provider's shape."""
        raise NotImplementedError
