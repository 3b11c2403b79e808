# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def _gateway_hold(self, now):
        """A reminder's SMS goes only while it is still true, and inside its
        customer's sending window: one whose installment was settled or paused
        since it was queued (a payment overnight, a "já paguei") is cancelled,
        its event saying why (dunning.event._queued_to_stop); one queued at
        17:55 that Odoo's queue, or a retry, reaches after the window closed
        waits for its next opening; if its text would no longer be true then
        ("vence amanhã" on the due date), it is cancelled and its event says
        so (dunning.event._hold_outside_window). A person's send now keeps to the
        window too, unless a collections manager chose to send outside it
        (dunning.event._kept_to_window)."""
        result = super()._gateway_hold(now)
        uuids = [uuid for uuid in self.mapped("uuid") if uuid]
        if not uuids:
            return result
        events = (
            self.env["dunning.event"]
            .sudo()
            .search([("sms_uuid", "in", uuids), ("channel", "in", ("sms", "thanks_sms"))])
        )
        if not events:
            return result
        sms_of = {sms.uuid: sms for sms in self}
        message_of = lambda event: event.sms_uuid  # noqa: E731
        stopped = events._queued_to_stop(message_of)
        held, expired = (events - stopped)._kept_to_window()._hold_outside_window(now, message_of)
        for event, moment in held.items():
            sms_of[event.sms_uuid].gateway_next_try = moment
            if event.sent_at and event.sent_at < moment:
                # It goes then: the caps count it on that day (1 SMS a day),
                # not on the evening it was queued.
                event.sent_at = moment
        self.browse(
            {sms_of[event.sms_uuid].id for event in stopped | expired}
        ).action_set_canceled()
        return result
