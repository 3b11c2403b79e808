# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..tools.calls import answered_company

OUTCOMES = [
    ("promise", "Promised to pay"),
    ("dispute", "Disputes the debt"),
    ("agreement", "Wants an agreement (installments)"),
    ("wrong_number", "Wrong number"),
    ("no_answer", "No answer"),
]


class DunningCallOutcome(models.TransientModel):
    """What came of a collection call: a promise or a dispute pauses the régua,
    a wrong number stops its SMS, no answer schedules another call."""

    _name = "dunning.call.outcome"
    _description = "Collection Call Outcome"

    partner_id = fields.Many2one("res.partner", "Customer", required=True)
    # The call being answered, when the outcome is recorded from it: closed
    # with the outcome.
    activity_id = fields.Many2one("mail.activity", "Call")
    # The company the call spoke for: the call's, the dashboard row's, else
    # the one the customer's open calls or debts point to (tools/calls.py),
    # else a person chooses. A customer shared with another company keeps
    # that company's invoices apart.
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        # Invoices (and agreement entries) with an open installment the régua
        # may remind: the one definition, written for the web client.
        domain=lambda self: self._open_moves_domain_text(),
    )
    outcome = fields.Selection(OUTCOMES, required=True)
    promise_date = fields.Date("Will pay on")
    note = fields.Text()

    @api.model
    def _open_moves_domain_text(self):
        lines = self.env["account.move.line"]._dunning_open_domain_text()
        return (
            "[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
            f"('line_ids', 'any', {lines})]"
        )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        partner = (
            self.env["res.partner"]
            .browse(values.get("partner_id") or context.get("default_partner_id"))
            .commercial_partner_id
        )
        if partner and "company_id" in fields_list and not context.get("default_company_id"):
            activity = self.env["mail.activity"].browse(
                values.get("activity_id") or context.get("default_activity_id")
            )
            company = activity.dunning_company_id.id or answered_company(
                *partner._dunning_call_companies(self.env.companies), self.env.company.id
            )
            values["company_id"] = company or False
        return values

    @api.depends("partner_id", "company_id")
    def _compute_move_ids(self):
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            wizard.move_ids = (
                self.env["account.move"].search(
                    [
                        ("commercial_partner_id", "=", partner.id),
                        ("company_id", "=", wizard.company_id.id),
                        ("line_ids", "any", self.env["account.move.line"]._dunning_open_domain()),
                    ]
                )
                if partner and wizard.company_id
                else False
            )

    def action_record(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        labels = dict(self._fields["outcome"]._description_selection(self.env))
        detail = labels[self.outcome] + (f": {self.note}" if self.note else "")
        if self.outcome in ("promise", "dispute", "agreement") and not self.move_ids:
            raise UserError(self.env._("Choose the invoices this answer is about."))
        if self.outcome == "promise":
            if not self.promise_date or self.promise_date <= fields.Date.context_today(self):
                raise UserError(self.env._("A promise needs a date after today."))
            detail = self.env._(
                "Promised to pay on %(date)s", date=format_date(self.env, self.promise_date)
            ) + (f": {self.note}" if self.note else "")
            self.move_ids.write({"dunning_promise_date": self.promise_date})
            self.move_ids.action_dunning_pause(
                "promise", self.promise_date + timedelta(days=1), detail
            )
        elif self.outcome == "dispute":
            self.move_ids.write({"dunning_dispute_reason": "other"})
            self.move_ids.action_dunning_pause("dispute", False, detail)
        elif self.outcome == "agreement":
            detail = self.env._("Wants an agreement") + (f": {self.note}" if self.note else "")
        elif self.outcome == "wrong_number":
            # The number the régua texts: the mobile, else a phone that is a mobile.
            field = partner._sms_gateway_mobile_field()
            number = partner[field]
            partner.write({field: False})
            detail = self.env._(
                "Wrong number %(number)s removed: the régua sends no SMS until a new one is "
                "entered.",
                number=number or "-",
            )
        else:
            # This company's call, as the one answered.
            partner.with_company(self.company_id).activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=fields.Date.context_today(self) + timedelta(days=2),
                summary=self.env._("Call again: no answer"),
                user_id=self.env.user.id,
                dunning_company_id=self.company_id.id,
            )
        body = Markup("<p>%s</p>") % self.env._("Collection call: %(detail)s", detail=detail)
        partner.message_post(body=body)
        for move in self.move_ids:
            move.message_post(body=body)
        # The régua's own call activities for this customer are done, found by
        # their events; any other call planned on the customer stays open.
        activities = (
            self.env["dunning.event"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "in", (self.move_ids.company_id or self.company_id).ids),
                    ("activity_id", "!=", False),
                ]
            )
            .activity_id
        )
        (activities | self.activity_id.sudo()).exists().action_feedback(feedback=detail)
        if self.outcome == "agreement":
            # Propose it now: the invoices discussed, the company's rules.
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "l10n_br_dunning.dunning_agreement_wizard_action"
            )
            action["context"] = {
                "default_partner_id": partner.id,
                "default_company_id": self.move_ids.company_id[:1].id or self.company_id.id,
                "dunning_move_ids": self.move_ids.ids,
            }
            return action
        return {"type": "ir.actions.act_window_close"}
