# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..tools import reply_reader


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        """An e-mail no person wrote (an out-of-office answer, a mailbox's
        robot: tools/reply_reader.py ``is_automatic``) is filed as any other,
        flagged so that the régua does not read it as the customer's answer."""
        if reply_reader.is_automatic(message):
            self = self.with_context(dunning_automatic_email=True)
        return super()._message_route_process(message, message_dict, routes)
