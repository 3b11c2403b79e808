# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

from odoo.addons.l10n_br_dunning.upgrade import refresh_untouched_templates


def migrate(cr, version):
    """Each agreement keeps the terms its customer read: those the company's
    settings stated until now (agreements read them live before this
    version) are fixed on it (novation, days before breaking, late charges
    and their rates). The agreement e-mail nobody edited stops warning of a
    break that already happened."""
    cr.execute(
        """
        UPDATE dunning_agreement agreement
           SET novation = company.dunning_agreement_novation,
               break_days = company.dunning_agreement_break_days,
               contract_charges = company.dunning_contract_charges,
               fine_percent = company.dunning_fine_percent,
               interest_percent = company.dunning_interest_percent
          FROM res_company company
         WHERE company.id = agreement.company_id
           AND agreement.break_days IS NULL
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    refresh_untouched_templates(env)
