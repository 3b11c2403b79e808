# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize, formataddr, formatLang

from odoo.addons.sms_gateway.tools.segments import unwritable

from ..tools.agreements import AgreementRules
from ..tools.business_calendar import (
    COMMON_HOURS,
    SendWindow,
    WindowError,
    check_company_window,
    legal_window,
)
from ..tools.portal_rules import MAX_FINE_PERCENT
from ..tools.sms_text import (
    LINK_TOKEN_LENGTH,
    SENDER_MAX,
    WORST_AMOUNT,
    WORST_COUNT,
    WORST_FIRST_NAME,
    short_sender,
)
from .sms_template import sms_length

# Odoo's defaults for the e-mail colours (black header text, Odoo's purple
# button): a company that chose none gets a sober blue instead.
ODOO_DEFAULT_COLORS = {"#000000", "#875a7b"}
DUNNING_DEFAULT_COLOR = "#1F3A5F"


def _float_to_time(value):
    hours = int(value)
    return time(max(min(hours, 23), 0), max(min(int(round((value - hours) * 60)), 59), 0))


# Counts and limits of Settings that cannot be negative.
NOT_NEGATIVE = (
    "dunning_sms_per_day",
    "dunning_sms_per_week",
    "dunning_agreement_max_installments",
    "dunning_agreement_min_installment",
    "dunning_agreement_min_down_percent",
    "dunning_agreement_max_days_first",
    "dunning_link_days",
    "dunning_link_fresh_days",
    "dunning_agreement_break_days",
    "dunning_promise_max_days",
    "dunning_paid_pause_days",
    "dunning_upload_max_mb",
)

# What the planning of a company's installments reads of the company.
PLANNING_FIELDS = frozenset(
    {
        "dunning_enabled",
        "dunning_policy_id",
        "dunning_agreement_policy_id",
        "dunning_policy_from_class",
        "dunning_policy_good_id",
        "dunning_policy_attention_id",
        "dunning_policy_bad_id",
        "dunning_window_start",
        "dunning_window_end",
        "dunning_saturday",
        "dunning_bank_holidays",
        "dunning_apply_suggested_hours",
    }
)

# What belongs to the company itself: its policies, journal and account.
COMPANY_CHECKED = (
    "dunning_policy_id",
    "dunning_agreement_policy_id",
    "dunning_policy_good_id",
    "dunning_policy_attention_id",
    "dunning_policy_bad_id",
    "dunning_agreement_journal_id",
    "dunning_agreement_charges_account_id",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_enabled = fields.Boolean("Régua de cobrança active", default=True)
    dunning_policy_id = fields.Many2one(
        "dunning.policy", "Default dunning policy", check_company=True
    )
    dunning_window_start = fields.Float("Contact from", default=9.0)
    dunning_window_end = fields.Float("Contact until", default=18.0)
    dunning_saturday = fields.Boolean("Contact on Saturdays")
    dunning_bank_holidays = fields.Boolean(
        "Banks' optional holidays",
        default=True,
        help="Carnival, Corpus Christi and the year's last business day (New Year's Eve, or "
        "the weekday before it when it falls on a weekend): banks do not open to the public, "
        "so the régua does not count them as business days. On Ash Wednesday banks open at "
        "noon: a business day, with no contact before noon. Christmas Eve is a business "
        "day (banks open).",
    )
    dunning_group_messages = fields.Boolean("One message per customer", default=True)
    dunning_sms_sender = fields.Char(
        "SMS sender name",
        compute="_compute_dunning_sms_sender",
        store=True,
        readonly=False,
        help="How the company signs its SMS (at most 20 characters): the registered name is "
        "too long for one SMS. Default: the name without its legal form (Ltda, S.A., ME).",
    )
    dunning_sms_sender_custom = fields.Boolean(
        "SMS sender set by hand",
        help="Technical: the SMS sender name was written by an administrator, so it no "
        "longer follows the company's name.",
    )
    dunning_sms_per_day = fields.Integer(
        "SMS per customer per day", default=1, help="0: no limit per day."
    )
    dunning_sms_per_week = fields.Integer(
        "SMS per customer per week", default=3, help="0: no limit per week."
    )
    dunning_reply_promise = fields.Boolean(
        "Replies: promises pause the reminders",
        default=True,
        help="A reply read for sure as a promise with its day ('vou pagar dia 10') pauses "
        "the customer's reminded invoices until the day after, within the limit of the "
        "portal's new dates.",
    )
    dunning_reply_paid = fields.Boolean(
        "Replies: 'já paguei' pauses and asks a person", default=True
    )
    dunning_reply_dispute = fields.Boolean("Replies: disputes pause and ask a person", default=True)
    dunning_reply_negotiate = fields.Boolean(
        "Replies: a wish to negotiate gets the Parcelar link", default=True
    )
    dunning_reply_paylink = fields.Boolean(
        "Replies: who asks how to pay gets the payment link",
        default=True,
        help="A reply read for sure as asking for the way to pay ('me manda o boleto de "
        "novo', 'qual a chave pix') is answered on its channel with the invoice's page (the "
        "customer's page for several), which carries the Pix code and the boleto. The "
        "reminders go on.",
    )
    dunning_apply_suggested_hours = fields.Boolean(
        "Apply learned hours",
        help="Every week, this company learns again from its own reminders the period in which "
        "each customer without preferred hours of their own most often paid or answered, and "
        "contacts them then (shown on the customer as this company's learned hours). Other "
        "companies and the customer's own preference are not changed.",
    )
    dunning_email_fallback = fields.Boolean(
        "E-mail when SMS is impossible",
        default=True,
        help="A customer without a valid mobile, or who opted out of SMS, gets the stage "
        "by e-mail instead.",
    )

    # -- customer portal ---------------------------------------------------------------
    dunning_fine_percent = fields.Float(
        "Late fee (%)",
        default=2.0,
        help="Contractual fine on an overdue installment, shown to the customer as "
        "information (at most 2 %, CDC art. 52 §1).",
    )
    dunning_interest_percent = fields.Float(
        "Interest per month (%)",
        default=0.0,
        help="Late interest (juros de mora), simple and pro rata die, as your contracts set it; "
        "shown to the customer as information and added to agreements. Contracts of a creditor "
        "that is not a bank usually stop at 1 % a month. Where the contract sets no rate, the "
        "legal rate applies (Civil Code art. 406, as Lei 14.905/2024 wrote it: the Selic rate "
        "minus the IPCA inflation, published monthly by the Banco Central, never below zero).",
    )
    dunning_contract_charges = fields.Boolean(
        "Contracts provide late charges",
        help="Tick only when your contracts with customers provide the late fee and the "
        "interest: the portal shows them, as information, only then.",
    )
    # -- agreements (acordos) -----------------------------------------------------------
    dunning_agreement_max_installments = fields.Integer(
        "Agreements: at most installments", default=6
    )
    dunning_agreement_min_installment = fields.Monetary(
        "Agreements: smallest installment", currency_field="currency_id", default=50.0
    )
    dunning_agreement_max_days_first = fields.Integer(
        "Agreements: first installment within (days)", default=30
    )
    dunning_agreement_min_down_percent = fields.Float("Agreements: smallest down payment (%)")
    dunning_agreement_portal_approves = fields.Boolean(
        "Agreements: the portal approves within the rules",
        help="A customer's agreement within these rules is approved at once; otherwise a "
        "collections user approves it.",
    )
    dunning_agreement_journal_id = fields.Many2one(
        "account.journal",
        "Agreements journal",
        check_company=True,
        help='Where agreements are booked (created as "Acordos" when first needed).',
    )
    dunning_agreement_charges_account_id = fields.Many2one(
        "account.account",
        "Agreements: account of late charges",
        check_company=True,
        help="Income account of the fine and interest an agreement adds (default: the sales "
        "journal's income account).",
    )
    dunning_agreement_policy_id = fields.Many2one(
        "dunning.policy",
        "Policy for agreements",
        check_company=True,
        help="The régua that follows the installments of agreements (shipped: a reminder 3 "
        'days before, on the due date, "agreement at risk" at D+3 and D+10, a call at D+15).',
    )
    dunning_link_days = fields.Integer(
        "Links expire (days after settled)",
        default=60,
        help="A reminder's link opens the invoice while something is open and for these many "
        "days after it is settled; a cancelled invoice's link stops at once. A customer with an "
        "expired link can ask for a new one, sent to the contact on file.",
    )
    dunning_link_fresh_days = fields.Integer(
        "New links last (days)",
        default=7,
        help="How long a new link sent on the customer's request opens a settled invoice.",
    )
    dunning_agreement_novation = fields.Boolean(
        "Agreements are a novation",
        help="Off (the usual Brazilian choice): the term says the agreement is not a novation "
        "(Civil Code art. 361): the original debt stands until the installments pay it, and if "
        "the agreement breaks the balance still open is owed as that debt. On: the term says "
        "the original invoices are extinguished and replaced by the agreement's installments "
        "(art. 360, I).",
    )
    dunning_agreement_break_days = fields.Integer(
        "Agreements: broken after (days late)",
        default=30,
        help="An agreement whose installment is this many days late is recorded as broken and "
        "the collections user gets an activity. Nothing is re-invoiced.",
    )
    dunning_contract_suspension = fields.Boolean(
        "Contracts provide suspending sales",
        help="Tick only when your contracts provide that new purchases or services may be "
        "suspended while installments are overdue: the final notice says so only then.",
    )
    dunning_paid_pause_days = fields.Integer(
        'Pause after "I have paid" (days)',
        default=5,
        help="How long the régua waits while an accountant checks a payment the customer "
        "reports on the portal.",
    )
    dunning_promise_max_days = fields.Integer(
        "New payment date: up to (days)",
        default=15,
        help="How far ahead a customer may propose a new payment date on the portal.",
    )
    dunning_upload_max_mb = fields.Integer("Receipt size limit (MB)", default=5)
    dunning_reply_to = fields.Char(
        "Replies to reminders",
        help="Where the customers' answers to the régua's e-mails go: the collections team's "
        "address. Empty: Odoo's own reply address (the catchall), which files each answer on "
        "the customer's chatter.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        "Collections user",
        help="Receives the activities of the portal (payments to check, disputes, new dates) "
        "when the invoice has no salesperson.",
    )

    # -- payer profile ---------------------------------------------------------------------
    dunning_policy_from_class = fields.Boolean(
        "Policy from the payer profile",
        help="Customers without a policy of their own follow the policy of their payer "
        "profile (refreshed every day); a policy chosen for a customer comes first.",
    )
    dunning_policy_good_id = fields.Many2one(
        "dunning.policy", "Policy for good payers", check_company=True
    )
    dunning_policy_attention_id = fields.Many2one(
        "dunning.policy", "Policy for customers to watch", check_company=True
    )
    dunning_policy_bad_id = fields.Many2one(
        "dunning.policy", "Policy for defaulting customers", check_company=True
    )

    @api.depends("name", "dunning_sms_sender_custom")
    def _compute_dunning_sms_sender(self):
        """The company's name, shortened, and again when it is renamed; unless an
        administrator wrote a sender of their own."""
        for company in self:
            if not (company.dunning_sms_sender_custom and company.dunning_sms_sender):
                company.dunning_sms_sender = short_sender(company.name)

    def write(self, vals):
        if isinstance(vals.get("dunning_sms_sender"), str):
            # Spaces around a name go; spaces alone are no sender (the name signs).
            vals = {**vals, "dunning_sms_sender": vals["dunning_sms_sender"].strip() or False}
        if "dunning_sms_sender" in vals and "dunning_sms_sender_custom" not in vals:
            # Written by hand (Settings): kept through renames; cleared: follows the name.
            vals = {**vals, "dunning_sms_sender_custom": bool(vals["dunning_sms_sender"])}
        # Settings write every field they show: replan only where a value moved.
        planning = PLANNING_FIELDS & set(vals)
        before = {company: {name: company[name] for name in planning} for company in self}
        result = super().write(vals)
        # A policy, journal or account of another company (Settings offer only
        # the company's own; an import or a call could set another's).
        self._check_company([name for name in COMPANY_CHECKED if name in vals])
        if "dunning_sms_sender" in vals and not vals["dunning_sms_sender"]:
            self.env.add_to_compute(self._fields["dunning_sms_sender"], self)
        if planning:
            self.filtered(
                lambda company: any(company[name] != before[company][name] for name in planning)
            )._dunning_replan()
        return result

    def _dunning_replan(self):
        """Effective due dates and next actions move with the company's calendar,
        window, policies and switch: plan its open installments again (the
        dashboard's aging and the portal's order read the stored effective date)."""
        if self:
            self.env["account.move.line"].sudo()._dunning_plan_open_installments(
                [("company_id", "in", self.ids)]
            )

    @api.constrains("dunning_window_start", "dunning_window_end")
    def _check_dunning_window(self):
        messages = {
            "reversed": self.env._("The sending window must end after it starts (from 9h to 18h)."),
            "outside": self.env._(
                "The sending window must include hours between %(start)sh and %(end)sh: every "
                "state allows them (Rio de Janeiro's law allows no other), and customers of a "
                "state your window misses would never be reminded.",
                start=COMMON_HOURS[0].hour,
                end=COMMON_HOURS[1].hour,
            ),
        }
        for company in self:
            start, end = company.dunning_window_start, company.dunning_window_end
            if not (0 <= start < 24 and 0 < end <= 24):
                raise ValidationError(
                    self.env._("The sending window's hours are between 0h and 24h (9h to 18h).")
                )
            try:
                check_company_window(
                    _float_to_time(company.dunning_window_start),
                    _float_to_time(company.dunning_window_end),
                )
            except WindowError as error:
                raise ValidationError(messages[error.code]) from error

    @api.constrains("dunning_fine_percent", "dunning_interest_percent")
    def _check_dunning_late_charges(self):
        for company in self:
            if not 0 <= company.dunning_fine_percent <= MAX_FINE_PERCENT:
                raise ValidationError(
                    self.env._(
                        "The late fee is at most %(max)s %% for consumers (CDC art. 52 §1).",
                        max=MAX_FINE_PERCENT,
                    )
                )
            if company.dunning_interest_percent < 0:
                raise ValidationError(self.env._("Interest cannot be negative."))

    @api.model
    def _dunning_not_negative(self):
        """The counts and limits of Settings that cannot be negative (NOT_NEGATIVE
        and the glue add-ons' own, e.g. the calls' caps)."""
        return NOT_NEGATIVE

    @api.constrains(*NOT_NEGATIVE)
    def _check_dunning_numbers(self):
        """Counts and limits a person types in Settings: never negative (a
        negative SMS cap would stop the run), a percentage at most 100."""
        for company in self:
            negative = [
                company._fields[name]._description_string(self.env)
                for name in self._dunning_not_negative()
                if company[name] < 0
            ]
            if negative:
                raise ValidationError(
                    self.env._("%(fields)s cannot be negative.", fields=", ".join(negative))
                )
            if company.dunning_agreement_min_down_percent > 100:
                raise ValidationError(
                    self.env._("A down payment cannot be more than what is owed.")
                )

    @api.constrains("dunning_sms_sender", "dunning_sms_sender_custom")
    def _check_dunning_sms_sender(self):
        for company in self:
            if len(company.dunning_sms_sender or "") > SENDER_MAX:
                raise ValidationError(
                    self.env._(
                        "The SMS sender name has at most %(max)s characters: every character "
                        "counts in an SMS.",
                        max=SENDER_MAX,
                    )
                )
            # The sender an administrator typed goes in every SMS: a character
            # no SMS carries would arrive as "?" in front of every customer.
            refused = company.dunning_sms_sender_custom and unwritable(company.dunning_sms_sender)
            if refused:
                raise ValidationError(
                    self.env._(
                        "The SMS sender name cannot have %(characters)s: an SMS cannot carry "
                        "it (emoji, symbols) and it would arrive as “?”. Use letters, digits "
                        "and simple punctuation.",
                        characters=" ".join(refused),
                    )
                )

    @api.constrains("dunning_reply_to")
    def _check_dunning_reply_to(self):
        """The collections address an administrator types: one e-mail address,
        else the customers' answers would go to the catchall with nothing said
        (``_dunning_reply_to`` reads only one)."""
        for company in self:
            if company.dunning_reply_to and not email_normalize(company.dunning_reply_to):
                raise ValidationError(
                    self.env._(
                        "“%(typed)s” is not one e-mail address: the customers' answers to the "
                        "reminders would not reach it. Write one address, such as "
                        "cobranca@example.com, or leave it empty for Odoo's reply address.",
                        typed=company.dunning_reply_to,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # A new company (a new branch, a new CNPJ) has the standard régua at once.
        companies._dunning_ensure_policy()
        return companies

    def _dunning_agreement_rules(self):
        self.ensure_one()
        return AgreementRules(
            max_installments=self.dunning_agreement_max_installments,
            min_installment=self.dunning_agreement_min_installment,
            max_days_to_first=self.dunning_agreement_max_days_first,
            min_down_payment_percent=self.dunning_agreement_min_down_percent,
        )

    def _dunning_agreement_journal(self):
        """The company's agreements journal ("Acordos", created when first needed)."""
        self.ensure_one()
        journal = self.sudo().dunning_agreement_journal_id
        if not journal:
            journal = (
                self.env["account.journal"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Agreements"),
                        "code": "ACORD",
                        "type": "general",
                        "company_id": self.id,
                    }
                )
            )
            self.sudo().dunning_agreement_journal_id = journal
        return journal

    def _dunning_agreement_charges_account(self):
        self.ensure_one()
        account = self.sudo().dunning_agreement_charges_account_id
        if not account:
            sales = (
                self.env["account.journal"]
                .sudo()
                .search([("company_id", "=", self.id), ("type", "=", "sale")], limit=1)
            )
            account = sales.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the account of late charges for agreements in the collection settings."
                )
            )
        return account

    def _dunning_lang(self):
        """The language the company's collections team reads the régua's records
        in (events' reasons): its own partner's (README: decisions, "Language"),
        never that of whoever runs the scheduled action."""
        self.ensure_one()
        return self.partner_id._dunning_lang(self)

    def _dunning_sms_worst_case(self):
        """(characters, template) of the longest régua SMS this company may send,
        for the worst case the texts are written for (a 10-letter first name,
        R$ 123.456,78 in 12 installments over two due dates) with this
        database's own base URL and the company's sender, after the optional
        parts have gone (sms.template._dunning_render_sms)."""
        self.ensure_one()
        Stage = self.env["dunning.stage"].sudo()
        shipped = (
            self.env["ir.model.data"]
            .sudo()
            .search([("module", "=", "l10n_br_dunning"), ("model", "=", "sms.template")])
        )
        templates = self.env["sms.template"].sudo().browse(shipped.mapped("res_id")).exists()
        templates |= Stage.search(
            [("company_id", "in", [False, self.id]), ("sms_template_id", "!=", False)]
        ).sms_template_id
        today = fields.Date.context_today(self)
        sample = {
            "name": WORST_FIRST_NAME,
            "amount": WORST_AMOUNT,
            "count": WORST_COUNT,
            "due_date": today,
            "last_due": today + timedelta(days=30),
            "link": f"{self.get_base_url()}/c/{'X' * LINK_TOKEN_LENGTH}",
        }
        partner = self.partner_id
        longest = (0, templates[:0])
        # In every language a customer may read (imported without one: the company's).
        for lang, _name in self.env["res.lang"].get_installed():
            for template in templates:
                text = (
                    template.with_company(self)
                    .with_context(lang=lang, template_preview_lang=lang, dunning_sample=sample)
                    ._dunning_render_sms(partner)
                )
                longest = max(longest, (sms_length(text), template), key=lambda pair: pair[0])
        return longest

    def _dunning_identity_missing(self):
        """What the company lacks to identify itself on a collection message (CDC
        art. 42-A: name, address and CNPJ, or its country's tax id), in words;
        empty when complete."""
        self.ensure_one()
        partner = self.partner_id
        missing = []
        if not partner.vat:
            # Its country's word: a CNPJ in Brazil, an EIN is not one.
            missing.append(self._dunning_vat_label())
        if not (partner.street and partner.city):
            missing.append(self.env._("address"))
        return ", ".join(missing)

    def _dunning_vat_label(self):
        """What the company's tax id is called where a collection document
        names the supplier (CDC art. 42-A): CNPJ in Brazil, else its country's
        own word (Odoo's ``vat_label``: CUIT, RUT...), else "Tax ID"."""
        self.ensure_one()
        country = self.country_id  # its address's
        if not country or country.code == "BR":
            return "CNPJ"
        return country.vat_label or self.env._("Tax ID")

    def _dunning_tax_id(self):
        """The company's CNPJ as every collection document prints it (its
        partner's ``_dunning_tax_id``: formatted however it is on file), the
        supplier's identification of CDC art. 42-A."""
        self.ensure_one()
        return self.partner_id._dunning_tax_id()

    def _dunning_signature_html(self):
        """The company as the e-mails written at once (one-time codes, new
        links) sign: its name, then its tax id with its own label, as the
        reminders' footer names it, only when it is on file."""
        self.ensure_one()
        if not self.vat:
            return Markup("<p>%s</p>") % self.name
        return Markup("<p>%s<br/>%s %s</p>") % (
            self.name,
            self._dunning_vat_label(),
            self._dunning_tax_id(),
        )

    def _dunning_percent_text(self, value):
        """ "2 %", "0,5 %": a rate of the contracts (late fee, interest) as the
        reader's language writes it, for the messages that state it."""
        digits = 0 if float(value).is_integer() else 2
        text = formatLang(self.env, value, digits=digits)
        if digits:
            lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
            decimal_point = lang.decimal_point
            text = text.rstrip("0").rstrip(decimal_point)
        return "%s %%" % text  # noqa: UP031 (not a sentence)

    def _dunning_email_colors(self):
        """{primary, button}: the company's e-mail colours, for the régua's layout."""
        self.ensure_one()
        chosen = {"primary": self.email_primary_color, "button": self.email_secondary_color}
        return {
            role: color
            if color and color.lower() not in ODOO_DEFAULT_COLORS
            else DUNNING_DEFAULT_COLOR
            for role, color in chosen.items()
        }

    def _dunning_email_from(self):
        """The sender of the régua's e-mails: the company, by name and address;
        False when the company has no e-mail address (no e-mail goes then: it
        would leave as whoever runs the cron, "OdooBot")."""
        self.ensure_one()
        return self.email_formatted if email_normalize(self.email or "") else False

    def _dunning_reply_to(self):
        """Where replies go: the collections address (in the company's name), else
        False, and Odoo's own reply address (catchall) files them on the chatter."""
        self.ensure_one()
        address = email_normalize(self.dunning_reply_to or "")
        return formataddr((self.name, address)) if address else False

    def _dunning_window(self, partner=None, preferred=True):
        """The sending window: the company's, narrowed to what the customer's
        state law allows (tools/business_calendar.py, STATE_LAWS), then (unless
        ``preferred`` is False) to the customer's hours for this company
        (``res.partner._dunning_hours``: their own preference, else the hours
        this company learned, when it applies them)."""
        self.ensure_one()
        weekdays = frozenset(range(6 if self.dunning_saturday else 5))
        window = SendWindow(
            _float_to_time(self.dunning_window_start),
            _float_to_time(self.dunning_window_end),
            weekdays,
        )
        if not partner:
            return legal_window(window)
        window = legal_window(window, partner._dunning_state(self))
        return window.narrowed(partner._dunning_hours(self)) if preferred else window

    def _dunning_hours_offered(self, partner):
        """The preferred hours ``partner`` may choose with this company: those
        its window (the company's hours within the customer's state law) has a
        part for; "any" always. An evening the window does not reach is not
        offered (it would be ignored)."""
        self.ensure_one()
        window = self._dunning_window(partner, preferred=False)
        keys = [key for key, _label in partner._fields["dunning_preferred_hours"].selection]
        return [key for key in keys if key == "any" or window.allows(key)]

    def _dunning_ensure_policy(self):
        """Give each company without a default policy, or without a policy for
        agreements, a copy of the shipped one."""
        for company in self:
            if not company.dunning_policy_id:
                others = [("id", "!=", company.dunning_agreement_policy_id.id)]
                company.sudo().dunning_policy_id = company._dunning_shipped_policy(
                    "l10n_br_dunning.dunning_policy_standard", others
                )
            if not company.dunning_agreement_policy_id:
                company.sudo().dunning_agreement_policy_id = company._dunning_shipped_policy(
                    "l10n_br_dunning.dunning_policy_agreement"
                )
        return self.dunning_policy_id

    def _dunning_shipped_policy(self, xmlid, domain=None):
        """This company's policy copied from the shipped ``xmlid``: the one it
        has (with ``domain``, any of its policies matching it), else a copy."""
        self.ensure_one()
        shipped = self.env.ref(xmlid, raise_if_not_found=False).sudo()
        Policy = self.env["dunning.policy"].sudo()
        own = [("company_id", "=", self.id)]
        policy = Policy.search(
            own + (domain if domain is not None else [("origin_id", "=", shipped.id)]), limit=1
        )
        if policy or not shipped.exists():
            return policy
        if shipped.company_id == self:
            return shipped
        # copy() carries the translations of the names it copies.
        policy = shipped.copy({"company_id": self.id})
        policy.origin_id = shipped
        key = lambda stage: (stage.offset_days, stage.sequence, stage.id)  # noqa: E731
        for copied, original in zip(
            policy.stage_ids.sorted(key), shipped.stage_ids.sorted(key), strict=True
        ):
            copied.origin_id = original
        policy._dunning_sync_translations()
        return policy
