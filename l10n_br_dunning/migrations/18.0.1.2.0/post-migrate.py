# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.tools.sms_text import short_sender


def migrate(cr, version):
    """Agreements made before the term was stored: the replaced installments as
    they stood (their amount before the agreement matched them), the customer's
    CPF/CNPJ, and how the earlier portal acceptances came."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Agreement = env["dunning.agreement"].with_context(active_test=False)
    for agreement in Agreement.search([("debt_ids", "=", False)]):
        partials = agreement.move_id.line_ids.matched_debit_ids
        values = []
        for line in agreement.replaced_line_ids:
            matched = partials.filtered(lambda p, line=line: p.debit_move_id == line)
            amount = sum(matched.mapped("amount")) if matched else line.amount_residual
            values.append(
                {
                    "move_line_id": line.id,
                    "date_maturity": line.date_maturity,
                    "amount": amount,
                }
            )
        agreement.write(
            {
                "debt_ids": [(0, 0, value) for value in values],
                "customer_vat": agreement.customer_vat or agreement.partner_id.vat,
                "accepted_via": agreement.accepted_via
                or ("token" if agreement.accepted_at else False),
            }
        )
    # A proposal of the collections team nobody accepted now awaits acceptance.
    Agreement.search([("state", "=", "proposed")])._compute_state()
    # An SMS sender other than the one the name gives was written by hand: keep it.
    for company in env["res.company"].search([]):
        custom = company.dunning_sms_sender not in (False, short_sender(company.name))
        company.write({"dunning_sms_sender_custom": custom})
