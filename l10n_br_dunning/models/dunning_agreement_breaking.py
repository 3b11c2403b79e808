# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_amount, format_date

from .dunning_context import PlanningContext, to_utc


class DunningAgreementBreaking(models.AbstractModel):
    """Keeping an agreement: up to date, or broken once an installment is late
    beyond the company's days (an activity for the team, the régua resumes)."""

    _name = "dunning.agreement.breaking"
    _description = "Dunning Agreement: Keeping or Breaking"

    def _dunning_up_to_date(self, now=None):
        """Whether every one of these agreements is running with no installment
        overdue, in the customer's calendar (a reminder may thank for it)."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        for agreement in self:
            if agreement.state not in ("approved", "active"):
                return False
            partner = agreement.partner_id.commercial_partner_id
            today = context.today(agreement.company_id, partner, now)
            for line in agreement.installment_ids.move_line_id:
                if line.amount_residual > 0 and line._dunning_days_overdue(today, context) > 0:
                    return False
        return bool(self)

    @api.model
    def _check_broken(self, now=None):
        """Agreements with an installment late beyond their term's limit
        (``break_days``, fixed when proposed) are broken: noted, and the
        collections user gets an activity. Nothing is re-invoiced: the
        agreement's open installments stay as they are."""
        now = to_utc(now or fields.Datetime.now())
        context = PlanningContext(self.env)
        Agreement = self.sudo()
        running = [("state", "in", ("approved", "active"))]
        # Only agreements with an installment due long enough ago to be late
        # beyond their term's limit (the customer's day is at most the UTC day
        # + 1; days late count from the effective due date, never earlier).
        agreements = Agreement.browse()
        for [days] in Agreement._read_group(running, ["break_days"]):
            last_due = now.date() - timedelta(days=days)
            agreements |= Agreement.search(
                running + [("break_days", "=", days), ("installment_ids.date_due", "<=", last_due)]
            )
        broken = self.browse()
        for agreement in agreements:
            company = agreement.company_id
            partner = agreement.partner_id.commercial_partner_id
            today = context.today(company, partner, now)
            limit = agreement.break_days
            late = agreement.installment_ids.move_line_id.filtered(
                lambda line, today=today, limit=limit: (
                    not line.reconciled
                    and line.amount_residual > 0
                    and line._dunning_days_overdue(today, context) > limit
                )
            )
            if late:
                agreement._break(late)
                broken |= agreement
        return broken

    def _break(self, late_lines):
        self.ensure_one()
        # Read by the company's collections team, whoever runs the scheduled
        # action: their language, their dates and amounts.
        self = self.with_context(lang=self.company_id._dunning_lang())  # noqa: PLW0642
        self.broken_at = fields.Datetime.now()
        items = Markup("").join(
            Markup("<li>%s: %s</li>")
            % (
                format_date(self.env, line.date_maturity),
                format_amount(self.env, line.amount_residual, line.company_currency_id),
            )
            for line in late_lines
        )
        note = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._(
                "An installment is more than %(days)s days late: the agreement is broken.",
                days=self.break_days,
            ),
            items,
            self.env._(
                "Nothing was re-invoiced. Call the customer about the balance still open "
                "(%(amount)s).",
                amount=format_amount(self.env, self.amount_residual, self.currency_id),
            ),
        )
        self.message_post(body=note)
        self.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Agreement %(name)s broken", name=self.name),
            note=note,
            user_id=self._collections_user().id,
        )
