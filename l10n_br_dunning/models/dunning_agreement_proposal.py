# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate
from odoo.tools.misc import format_date

from ..tools import agreements as rules
from ..tools.payment_states import DUNNED_MOVE_TYPES
from .dunning_context import PlanningContext, format_money
from .dunning_portal_request import PORTAL_RATE_LIMIT, DunningRateLimit

_lt = LazyTranslate(__name__)

# Why the company's rules refuse a schedule (tools.agreements codes).
REFUSALS = {
    rules.NOTHING_DUE: _lt("There is nothing left to renegotiate."),
    rules.TOO_MANY: _lt("At most %(max)s installments."),
    rules.INSTALLMENT_TOO_SMALL: _lt("Each installment must be at least %(min)s."),
    rules.FIRST_IN_PAST: _lt("The first installment cannot be due before today."),
    rules.FIRST_TOO_LATE: _lt("The first installment must be due within %(days)s days."),
    rules.DOWN_PAYMENT_TOO_SMALL: _lt("The down payment must be at least %(min)s."),
    rules.DOWN_PAYMENT_TOO_LARGE: _lt("The down payment cannot pay the whole debt."),
}


class DunningAgreementProposal(models.AbstractModel):
    """Proposing an agreement: the options the company's rules offer a customer
    on the portal, the schedule, the debts and late charges they replace, and
    the proposal the customer accepts or the collections team makes."""

    _name = "dunning.agreement.proposal"
    _description = "Dunning Agreement: Proposing"

    @api.model
    def _propose(
        self,
        lines,
        count,
        first_due,
        down_payment=0.0,
        proposed_by="backoffice",
        today=None,
        customer_vat=None,
    ):
        """A proposal on ``lines`` (one customer's open receivable installments of
        one company) under the company's rules; raises UserError with the reason.
        One the collections team makes awaits the customer's acceptance."""
        agreement = self.create(
            self._proposal_values(
                lines, count, first_due, down_payment, proposed_by, today, customer_vat
            )
        )
        agreement.name = agreement._get_name()
        return agreement

    @api.model
    def _proposal_values(
        self, lines, count, first_due, down_payment, proposed_by, today, customer_vat
    ):
        lines = lines.filtered(lambda line: line._dunning_is_open())
        partners = lines.partner_id.commercial_partner_id
        if not lines or len(partners) != 1 or len(lines.company_id) != 1:
            raise UserError(self.env._("Choose open installments of one customer and one company."))
        company = lines.company_id
        today = today or partners._dunning_today(company)
        debts = self._debts(lines, today)
        schedule = self._schedule(lines, count, first_due, down_payment, today, debts)
        try:
            rules.check(schedule, company._dunning_agreement_rules(), today)
        except rules.AgreementRefused as refused:
            raise UserError(self._refusal(refused, company)) from refused
        installments = schedule.installments
        if schedule.down_payment:  # number 0, due today
            installments = [rules.Installment(0, today, schedule.down_payment), *installments]
        return {
            "partner_id": partners.id,
            "company_id": company.id,
            "customer_vat": customer_vat or partners.vat,
            "replaced_line_ids": [Command.set(lines.ids)],
            "debt_ids": [
                Command.create(
                    {
                        "move_line_id": line.id,
                        "date_maturity": line.date_maturity,
                        "days_overdue": debt.days_overdue,
                        "amount": debt.amount,
                    }
                )
                for line, debt in zip(lines, debts, strict=True)
            ],
            "principal": schedule.principal,
            "fine_amount": schedule.fine,
            "interest_amount": schedule.interest,
            "down_payment": schedule.down_payment,
            "amount_total": schedule.total,
            **self._terms_values(company),
            "proposed_by": proposed_by,
            "proposed_uid": self.env.uid,
            "installment_ids": [
                Command.create({"number": item.number, "date_due": item.due, "amount": item.amount})
                for item in installments
            ],
        }

    @api.model
    def _portal_preview(self, lines, count, customer_vat=None, today=None):
        """The agreement the portal's option of ``count`` installments would be,
        in memory (nothing stored): its term is what the customer reads."""
        today = today or self._customer_today(lines)
        option = self._portal_option(lines, count, today)
        if not option:
            raise UserError(self.env._("This option is no longer offered: choose again."))
        return self.new(
            self._proposal_values(
                lines,
                count,
                option.installments[0].due,
                option.down_payment,
                "portal",
                today,
                customer_vat,
            )
        )

    @api.model
    def _accept_on_portal(
        self, lines, count, first_due, shown_sha256, facts, customer_vat=None, today=None, code=None
    ):
        """The customer accepts, on the portal, the option of ``count``
        installments whose whole term they read (``shown_sha256``): the proposal
        with the signed acceptance (``facts``: IP address, user agent, token or
        login). Within the rules it is approved at once when the company lets
        the portal approve; otherwise the replaced invoices wait, paused, for a
        collections user. The term is sent either way."""
        today = today or self._customer_today(lines)
        self._check_portal_rate(lines.partner_id.commercial_partner_id[:1])
        held = self._credit_hold(lines.partner_id[:1], lines.company_id[:1])
        if held:
            raise UserError(held)
        option = self._portal_option(lines, count, today)
        if not option or option.installments[0].due != first_due:
            raise UserError(self.env._("This option is no longer offered: choose again."))
        agreement = self._propose(
            lines,
            count,
            first_due,
            down_payment=option.down_payment,
            proposed_by="portal",
            today=today,
            customer_vat=customer_vat,
        )
        agreement._record_acceptance(shown_sha256, *facts, code=code)
        company = agreement.company_id
        if company.dunning_agreement_portal_approves:
            agreement.action_approve()  # sends the term
        else:
            agreement.replaced_line_ids.move_id._dunning_pause(
                reason="agreement",
                note=self.env._("Agreement %(name)s proposed on the portal.", name=agreement.name),
            )
            agreement.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approve or refuse the agreement the customer proposed"),
                user_id=agreement._collections_user().id,
            )
            agreement._send_term()
        return agreement

    def _accept_proposal_on_portal(self, shown_sha256, facts, customer_vat=None, code=None):
        """The customer accepts, on the portal, the collections team's proposal
        they read: approved at once (the team proposed it) and the term sent."""
        self.ensure_one()
        refusal = self._acceptance_refusal(shown_sha256, customer_vat, via=facts[2])
        if refusal:
            raise UserError(refusal)
        self._record_acceptance(shown_sha256, *facts, customer_vat=customer_vat, code=code)
        self.action_approve()  # sends the term
        return self

    def _acceptance_refusal(self, shown_sha256, customer_vat=None, via="token"):
        """Why the customer's acceptance of this proposal (the term whose
        SHA-256 the page showed, through ``via``) would be refused, or None:
        ``_proposal_refusal``, then the term (``_term_shown``). The portal asks
        it before any one-time code is sent; ``_accept_proposal_on_portal``
        refuses with it. Without a CPF/CNPJ no term was shown yet: the page
        asks for one first."""
        self.ensure_one()
        refusal = self._proposal_refusal()
        if not refusal and (customer_vat or self.customer_vat):
            refusal = self._term_shown(shown_sha256, customer_vat, via)[1]
        return refusal

    def _proposal_refusal(self):
        """Why the customer can no longer accept this proposal, whatever term
        they read, or None, in their words: not awaiting their acceptance
        (accepted already, or cancelled), its invoices paid or changed since it
        was proposed (``_replaced_changed``: approving would refuse it), or its
        first date passed (``_first_due_passed``: likewise)."""
        self.ensure_one()
        env = self.env
        if self.state == "cancelled":
            return env._(
                "This proposal was cancelled: it can no longer be accepted. If you have any "
                "question, please contact us: we will be glad to help."
            )
        if self.state != "to_accept":
            return env._(
                "You have already accepted this agreement: nothing more is needed from you."
            )
        changed = self._replaced_changed()
        if changed and changed[0] == "closed" and changed[1] == self.replaced_line_ids:
            return env._(
                "The invoices of this proposal have been paid since it was made: there is "
                "nothing left to accept. Thank you! If you have any question, please contact us."
            )
        if changed:
            return env._(
                "The invoices of this proposal changed since it was made (a payment was received "
                "or an amount changed): it can no longer be accepted as it stands. Please contact "
                "us: we will propose a new agreement for what is still open."
            )
        first = self._first_due_passed()
        if first:
            return env._(
                "The first installment of this proposal was due on %(date)s, which has passed: "
                "it can no longer be accepted. Please contact us to agree on new dates.",
                date=format_date(env, first),
            )
        return None

    def _proposal_withdrawn(self):
        """For a proposal awaiting acceptance, ``_proposal_refusal`` (the page
        then offers no term to accept), else None. The collections user is
        told once, in the chatter and with a to-do, to cancel it or propose
        again: nothing else would end it."""
        self.ensure_one()
        if self.state != "to_accept":
            return None
        refusal = self._proposal_refusal()
        summary = self.env._("Cancel or propose again: the customer can no longer accept it")
        if refusal and not self.activity_ids.filtered(lambda act: act.summary == summary):
            note = self.env._(
                "The customer opened this proposal, which can no longer be accepted; the page "
                "told them: %(reason)s",
                reason=refusal,
            )
            self.message_post(body=note, subtype_xmlid="mail.mt_note")
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=self._collections_user().id,
            )
        return refusal

    @api.model
    def _customer_today(self, lines):
        """The date of the customer whose installments ``lines`` are."""
        partner = lines.partner_id.commercial_partner_id[:1]
        return partner._dunning_today(lines.company_id[:1])

    @api.model
    def _portal_lines(self, partner, company, moves=None):
        """The installments a customer may renegotiate on the portal: overdue,
        open, of ``moves`` (else all of theirs with ``company``)."""
        Line = self.env["account.move.line"].sudo()
        domain = Line._dunning_open_domain() + [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("move_id.move_type", "in", DUNNED_MOVE_TYPES),  # invoices, not agreements
            ("move_id.dunning_pause_reason", "!=", "agreement"),
            # A disputed invoice is not confessed in an agreement on the portal:
            # the dispute is answered first.
            "|",
            ("move_id.dunning_paused", "=", False),
            ("move_id.dunning_pause_reason", "!=", "dispute"),
        ]
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        today = partner.commercial_partner_id._dunning_today(company)
        context = PlanningContext(self.env)
        return Line.search(domain, order="date_maturity, id").filtered(
            lambda line: line._dunning_days_overdue(today, context) > 0
        )

    @api.model
    def _portal_splittable(self, partner, company, moves=None):
        """``_portal_lines`` when the rules offer at least one option for them
        (the portal then shows "Parcelar"), else none; none either while the
        customer has a credit not yet applied (``_credit_hold``)."""
        lines = self._portal_lines(partner, company, moves)
        if not lines or self._credit_hold(partner, company):
            return lines.browse()
        return lines if self._portal_options(lines) else lines.browse()

    @api.model
    def _credit_hold(self, partner, company):
        """Why ``partner`` may not confess and split a debt at ``company`` now, or
        None: a credit not yet applied (a payment no invoice was matched with, a
        credit note) may pay part of it, as the régua holds every reminder for
        (``tools/channels.hold_for_credit``); an agreement would have them sign
        for more than they owe. A person applies the credit first."""
        Channel = self.env["dunning.channel"].sudo()
        partner = partner.commercial_partner_id
        amount = Channel._open_credits(partner).get((partner.id, company.id), 0.0)
        if not Channel._credit_text(company, amount):
            return None
        credit = format_money(self.env, amount, company.currency_id)  # the reader's language
        return self.env._(
            "You have %(amount)s with us (a payment or a credit note) not yet applied to your "
            "invoices: it may pay part of what is shown. Our team applies it first; then you can "
            "split what is left. Nothing is needed from you meanwhile.",
            amount=credit,
        )

    @api.model
    def _portal_options(self, lines, today=None):
        """The schedules the company's rules allow for ``lines``."""
        if not lines:
            return []
        today = today or self._customer_today(lines)
        company = lines.company_id
        if company._dunning_identity_missing():
            # No confession of debt to a creditor the term cannot name with its
            # CNPJ and address (CDC art. 42-A), as no reminder goes without them.
            return []
        return rules.options(
            self._debts(lines, today),
            company._dunning_agreement_rules(),
            today,
            **self._charges(company),
        )

    @api.model
    def _portal_option(self, lines, count, today=None):
        for option in self._portal_options(lines, today):
            if len(option.installments) == count:
                return option
        return None

    @api.model
    def _check_portal_rate(self, partner):
        """At most PORTAL_RATE_LIMIT proposals of one customer on the portal an hour."""
        self.env["dunning.portal.request"]._check_rate(
            [("partner_id", "=", partner.commercial_partner_id.id), ("proposed_by", "=", "portal")],
            PORTAL_RATE_LIMIT,
            DunningRateLimit(
                self.env._(
                    "We have already received several proposals from you in the last hour. "
                    "Please try again later or reply to our e-mail."
                )
            ),
            model=self._name,
        )

    @api.model
    def _schedule(self, lines, count, first_due, down_payment, today, debts=None):
        return rules.build(
            debts or self._debts(lines, today),
            count,
            first_due,
            down_payment=down_payment,
            **self._charges(lines.company_id),
        )

    @api.model
    def _debts(self, lines, today):
        """The replaced installments as the plain rules see them: what each owes
        today (``_dunning_open_amount``) and its days overdue, counted as every
        screen counts them (from the effective due date, in the customer's
        calendar)."""
        context = PlanningContext(self.env)
        return [
            rules.Debt(
                line.id,
                line._dunning_open_amount(today),
                max(line._dunning_days_overdue(today, context), 0),
            )
            for line in lines
        ]

    @api.model
    def _terms_values(self, company):
        """The company's settings an agreement's term states, fixed on the
        agreement when it is proposed (what the customer accepts binds it)."""
        return {
            "novation": company.dunning_agreement_novation,
            # CDC art. 49: accepted outside the company's premises (portal, link,
            # a term sent to sign), withdrawn from within 7 days (clause 3.5).
            "withdrawal_days": rules.WITHDRAWAL_DAYS,
            "break_days": company.dunning_agreement_break_days,
            "contract_charges": company.dunning_contract_charges,
            "fine_percent": company.dunning_fine_percent,
            "interest_percent": company.dunning_interest_percent,
        }

    @api.model
    def _charges(self, company):
        """The late charges the company's contracts provide, for the plain rules."""
        return {
            "fine_percent": company.dunning_fine_percent,
            "interest_percent_month": company.dunning_interest_percent,
            "with_charges": company.dunning_contract_charges,
        }

    @api.model
    def _refusal(self, refused, company):
        args = dict(refused.args_)
        if "min" in args:
            args["min"] = company.currency_id.format(args["min"])
        return REFUSALS[refused.code]._translate(self.env.lang or "en_US") % args
