# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from odoo import fields, models

from odoo.addons.l10n_br_dunning.tools import best_hour
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError
from odoo.addons.voice_gateway.tools import call_flow as flow

from ..tools.voice_rules import VOICE

_logger = logging.getLogger(__name__)

# Calls that tell whether the customer could answer at that hour.
TELLING = (*flow.ANSWERED, flow.MACHINE, flow.BUSY, flow.NO_ANSWER)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _dunning_contact_history(self, company, days=365):
        """Calls tell best: each call that rang is a contact at its hour,
        answered when the customer confirmed who they are (a busy line, no
        answer, a machine or someone else: not at that hour)."""
        history = [
            row
            for row in super()._dunning_contact_history(company, days)
            if row["channel"] != VOICE
        ]
        partner = self.commercial_partner_id
        calls = (
            self.env["voice.call"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("state", "in", TELLING),
                    ("sent_at", ">=", fields.Datetime.now() - timedelta(days=days)),
                ],
                order="sent_at",
            )
        )
        history += [
            {
                "channel": VOICE,
                "sent_at": call.sent_at,
                "event_ids": [],
                "answer": best_hour.ANSWERED if call.state == flow.CONFIRMED else None,
            }
            for call in calls
        ]
        return sorted(history, key=lambda row: row["sent_at"])

    def _dunning_call_opt_out(self, company, number=None):
        """ "Pare de me ligar" in a reply: the number the régua calls (and the
        one the reply came from) on ``company``'s no-more-calls list, as key 9
        of a call does."""
        partner = self.commercial_partner_id
        numbers = {number} if number else set()
        try:
            numbers.add(partner._dunning_call_number())
        except PhoneNumberError as error:
            # No number to call: the one the reply came from, if any.
            _logger.info("No number to call for %s: %s", partner.id, error)
        if not numbers:
            return super()._dunning_call_opt_out(company, number)
        OptOut = self.env["voice.opt.out"].sudo()
        for each in sorted(numbers):
            OptOut._add(each, company, partner, note=self.env._("Asked in a reply"))
        partner.sudo().message_post(
            body=self.env._(
                "The customer asked for no more calls from %(company)s: %(numbers)s will not "
                "be called.",
                company=company.name,
                numbers=", ".join(sorted(numbers)),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True
