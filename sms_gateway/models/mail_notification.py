# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    # An SMS the gateway refuses because the number opted out of the company's
    # SMS (sms.opt.out), or the provider's own "replied STOP" (Twilio 21610):
    # Odoo's sms.sms knows this failure, its notifications did not.
    failure_type = fields.Selection(selection_add=[("sms_blacklist", "Opted out of SMS")])
