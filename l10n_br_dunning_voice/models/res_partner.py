# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models

from odoo.addons.l10n_br_dunning.tools import best_hour
from odoo.addons.voice_gateway.tools import call_flow as flow

from ..tools.voice_rules import VOICE

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
