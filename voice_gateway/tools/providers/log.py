"""A provider that calls nobody: demos and a database being set up."""

import logging
import uuid as uuidlib

from .base import SENT, SendResult, VoiceProvider

_logger = logging.getLogger(__name__)


class LogVoiceProvider(VoiceProvider):
    code = "log"

    def send_request(self, messages):
        results = []
        for message in messages:
            _logger.info("Call (log only) to %s: %s", message.number, message.single_text)
            results.append(SendResult(message.uuid, SENT, provider_id=f"log-{uuidlib.uuid4()}"))
        return results

    def check_connection(self):
        return "log only: nobody is called"

    def authenticate(self, request, secret):
        return False
