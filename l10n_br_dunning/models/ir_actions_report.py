# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError

LETTER_REPORT = "l10n_br_dunning.report_dunning_letter"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """Collection letters: only those of installments still open, to a
        customer with a postal address, are printed (at the amount open
        today), and printing them takes them off the "Letters to print" list.
        The list's Print (``dunning.event.action_print_letters``) says which
        were not and why before it gets here; called with none left, this
        says it too."""
        report = self._get_report(report_ref)
        if report.report_name != LETTER_REPORT or not res_ids:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        events = self.env["dunning.event"].browse(res_ids)
        letters = events._letters_to_print()
        if not letters:
            raise UserError(
                self.env._(
                    "Nothing to print. %(letters)s", letters=events._letters_not_printed(letters)
                )
            )
        result = super()._render_qweb_pdf(report_ref, res_ids=letters.ids, data=data)
        letters._mark_printed()
        return result
