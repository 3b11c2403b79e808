# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from zoneinfo import ZoneInfo

from odoo import models

from ..tools.planning import is_expired
from .dunning_context import PlanningContext, to_naive, to_utc


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def _gateway_hold(self, now):
        """A reminder's SMS goes only inside its customer's sending window: one
        queued at 17:55 that Odoo's queue, or a retry, reaches after the window
        closed waits for its next opening; if its text would no longer be true
        then ("vence amanhã" on the due date), it is cancelled and its event
        says so. A person's send-now is theirs."""
        result = super()._gateway_hold(now)
        uuids = [uuid for uuid in self.mapped("uuid") if uuid]
        if not uuids:
            return result
        domain = [("sms_uuid", "in", uuids), ("channel", "=", "sms"), ("origin", "!=", "manual")]
        events = self.env["dunning.event"].sudo().search(domain)
        if not events:
            return result
        by_uuid = {event.sms_uuid: event for event in events}
        context = PlanningContext(self.env)
        moment = to_utc(now)
        expired, expired_events = self.browse(), events.browse()
        for sms in self.filtered(lambda s: s.uuid in by_uuid):
            event = by_uuid[sms.uuid]
            company = event.company_id
            partner = event.partner_id.commercial_partner_id
            tz, calendar = context.tz(company, partner), context.calendar(company, partner)
            allowed = company._dunning_window(partner).next_allowed(moment, tz, calendar)
            if allowed <= moment:
                continue
            due = event.move_line_id.date_maturity
            day = allowed.astimezone(ZoneInfo(tz)).date()
            if due and is_expired(due, event.stage_id._rule(), calendar, day):
                expired |= sms
                expired_events |= event
            else:
                sms.gateway_next_try = to_naive(allowed)
        if expired:
            expired.action_set_canceled()
            expired_events.write(
                {
                    "state": "superseded",
                    "reason": self.env["dunning.engine"]._settled_reason(
                        "expired", expired_events[:1].company_id
                    ),
                }
            )
        return result
