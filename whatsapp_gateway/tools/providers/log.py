"""A provider that sends nothing: demos and a database being set up."""

import logging
import uuid as uuidlib

from .base import SENT, SendResult, TemplateInfo, WhatsappProvider, template_status

_logger = logging.getLogger(__name__)


class LogWhatsappProvider(WhatsappProvider):
    code = "log"

    def send_request(self, messages):
        results = []
        for message in messages:
            _logger.info(
                "WhatsApp (log only) to %s: %s %s",
                message.number,
                message.template or message.text,
                message.params,
            )
            results.append(SendResult(message.uuid, SENT, provider_id=f"log-{uuidlib.uuid4()}"))
        return results

    def check_connection(self):
        return "log only: nothing is sent"

    def fetch_template(self, reference, language):
        # Nothing to ask: a log-only account takes every template as approved.
        return TemplateInfo(template_status("APPROVED"), provider_id=reference)

    def authenticate(self, request, secret):
        return False
