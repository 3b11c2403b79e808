# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

from ..tools import agreements as rules


class DunningAgreementWizard(models.TransientModel):
    """The collections team proposes an agreement (from the customer or from a
    call's outcome): which installments, how many, from when; the schedule is
    shown before anything is created, and the company's rules apply."""

    _name = "dunning.agreement.wizard"
    _description = "Propose a Dunning Agreement"

    partner_id = fields.Many2one("res.partner", "Customer", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.Many2many(
        "account.move.line",
        string="Installments to renegotiate",
        # The open installments the régua may remind (one definition).
        domain=lambda self: self.env["account.move.line"]._dunning_open_domain_text(
            "('partner_id', 'child_of', partner_id)", "('company_id', '=', company_id)"
        ),
    )
    installment_count = fields.Integer("Installments", default=3, required=True)
    first_due = fields.Date(
        "First installment on",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
    )
    down_payment = fields.Monetary()
    schedule_html = fields.Html("Schedule", compute="_compute_schedule_html", sanitize=False)
    credit_warning = fields.Char(compute="_compute_credit_warning")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner = self.env["res.partner"].browse(values.get("partner_id")).commercial_partner_id
        if partner and "line_ids" in fields_list and not values.get("line_ids"):
            company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
            lines = self.env["dunning.agreement"]._portal_lines(partner, company)
            moves = self.env["account.move"].browse(self.env.context.get("dunning_move_ids") or [])
            if moves:
                lines = lines.filtered(lambda line: line.move_id in moves)
            values["line_ids"] = [fields.Command.set(lines.ids)]
        return values

    @api.depends("partner_id", "company_id")
    def _compute_credit_warning(self):
        """A credit not yet applied may pay part of what is renegotiated: the
        portal offers no agreement then, and the team is warned."""
        Channel = self.env["dunning.channel"]
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            company = wizard.company_id
            amount = partner and Channel._open_credits(partner).get((partner.id, company.id), 0.0)
            wizard.credit_warning = (
                Channel._credit_text(company, amount or 0.0)
                and self.env._(
                    "This customer has %(amount)s not yet applied (a payment or a credit note): "
                    "apply it first, or the agreement has them sign for more than they owe.",
                    amount=format_amount(self.env, amount, company.currency_id),
                )
                or False
            )

    @api.depends("line_ids", "installment_count", "first_due", "down_payment")
    @api.depends_context("lang")
    def _compute_schedule_html(self):
        Agreement = self.env["dunning.agreement"]
        for wizard in self:
            lines = wizard.line_ids.filtered(lambda line: line._dunning_is_open())
            if not lines or not wizard.first_due or wizard.installment_count < 1:
                wizard.schedule_html = False
                continue
            today = Agreement._customer_today(lines)  # as the proposal will count
            schedule = Agreement._schedule(
                lines, wizard.installment_count, wizard.first_due, wizard.down_payment, today
            )
            try:
                rules.check(schedule, wizard.company_id._dunning_agreement_rules(), today)
                refusal = ""
            except rules.AgreementRefused as refused:
                refusal = Agreement._refusal(refused, wizard.company_id)
            money = lambda amount, w=wizard: format_amount(self.env, amount, w.currency_id)  # noqa: E731
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
                % (item.number, format_date(self.env, item.due), money(item.amount))
                for item in schedule.installments
            )
            summary = self.env._(
                "Total %(total)s (open %(principal)s, late fee %(fine)s, interest %(interest)s); "
                "down payment %(down)s.",
                total=money(schedule.total),
                principal=money(schedule.principal),
                fine=money(schedule.fine),
                interest=money(schedule.interest),
                down=money(schedule.down_payment),
            )
            html = Markup("<p>%s</p><table class='table table-sm'><tbody>%s</tbody></table>") % (
                summary,
                rows,
            )
            if refusal:
                html += Markup("<div class='alert alert-warning' role='alert'>%s</div>") % refusal
            wizard.schedule_html = html

    def action_propose(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Choose the installments to renegotiate."))
        agreement = self.env["dunning.agreement"]._propose(
            self.line_ids.with_company(self.company_id),
            self.installment_count,
            self.first_due,
            down_payment=self.down_payment,
            proposed_by="backoffice",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dunning.agreement",
            "res_id": agreement.id,
            "view_mode": "form",
            "target": "current",
        }
