# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _update_sms_notifications(
        self, notification_status, failure_type=False, failure_reason=False
    ):
        """Every change of what became of an SMS goes through here (a provider's
        delivery report, the gateway giving up on it): the régua's events of
        these SMS follow it (dunning.event._follow_sms)."""
        result = super()._update_sms_notifications(
            notification_status, failure_type=failure_type, failure_reason=failure_reason
        )
        # Not on an SMS handed to the provider ("pending"), which is every
        # send: only what tells whether it reached the phone.
        if notification_status in ("bounce", "exception", "sent"):
            self.env["dunning.event"].sudo()._follow_sms(self)
        return result
