# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

from ..tools import reply_reader

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """A report that no message failed (a read receipt: tools/reply_reader.py
        ``report_without_failure``) goes nowhere: Odoo would count it as a
        bounce (the reminder "Not delivered", the address one bounce more), or
        file it on the catchall, which answers its sender."""
        if reply_reader.report_without_failure(message):
            _logger.info(
                "Ignored mail from %s to %s with Message-Id %s: a report of no failure",
                message_dict.get("email_from"),
                message_dict.get("to"),
                message_dict.get("message_id"),
            )
            return []
        return super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A régua's e-mail a customer's mail server gave up on (Odoo marked its
        notification "bounce") did not remind anyone: its events read Failed,
        with the server's words (dunning.event._mark_bounced)."""
        result = super()._routing_handle_bounce(email_message, message_dict)
        message, partners = message_dict.get("bounced_message"), message_dict.get("bounced_partner")
        if message_dict.get("bounced_email") and message and partners:
            self.env["dunning.event"].sudo()._mark_bounced(
                message, partners, reply_reader.failure_detail(email_message)
            )
        return result

    def _message_route_process(self, message, message_dict, routes):
        """An e-mail no person wrote (an out-of-office answer, a mailbox's
        robot: tools/reply_reader.py ``is_automatic``) is filed as any other,
        flagged so that the régua does not read it as the customer's answer."""
        if reply_reader.is_automatic(message):
            self = self.with_context(dunning_automatic_email=True)
        return super()._message_route_process(message, message_dict, routes)
