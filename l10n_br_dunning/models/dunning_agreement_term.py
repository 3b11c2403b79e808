# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agreement's term (Termo de acordo): the whole text the customer reads
before accepting, how the acceptance is recorded, and the PDF.

A concern of ``dunning.agreement`` kept in a file of its own (the model's
accounting is in dunning_agreement.py). The term is one plain text built by
``_term_text()``: the portal shows exactly that text, the customer accepts
it, it is stored with its SHA-256 and the facts of the acceptance, and the PDF
prints the stored text. Every clause says what the software does (README:
Agreements, "What the customer signs").
"""

from zoneinfo import ZoneInfo

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize
from odoo.tools.misc import format_amount, format_date, format_datetime, formatLang

from ..tools.agreements import annual_rate, term_address, term_field, term_sha256
from ..tools.pages import tax_id
from ..tools.portal_codes import mask_vat
from .account_move_line import PIX_KEY_TYPES
from .dunning_agreement import ACCEPTING
from .dunning_context import PlanningContext

ACCEPTED_VIA = [
    ("token", "The link sent to the customer"),
    ("login", "The customer's portal account"),
    ("paper", "A term signed on paper"),
]
USER_AGENT_MAX = 512


class DunningAgreement(models.Model):
    _inherit = "dunning.agreement"

    customer_vat = fields.Char(
        "Customer's CPF/CNPJ",
        readonly=True,
        help="As named in the term: the customer's, or the one they gave before accepting.",
    )
    term_text = fields.Text(
        "Term accepted",
        readonly=True,
        copy=False,
        help="The exact text the customer read before accepting (or that was printed for "
        "signature on paper).",
    )
    term_sha256 = fields.Char("SHA-256 of the term", readonly=True, copy=False)
    printed_sha256 = fields.Char(
        "SHA-256 of the term printed for signature",
        readonly=True,
        copy=False,
        help="The term last printed for the customer to sign: a signed copy approves the "
        "agreement only while the term is still that text.",
    )
    accepted_via = fields.Selection(ACCEPTED_VIA, "Accepted through", readonly=True, copy=False)
    accepted_tz = fields.Char("Customer's time zone", readonly=True, copy=False)
    accepted_user_agent = fields.Char("Browser", readonly=True, copy=False)
    accepted_uid = fields.Many2one("res.users", "Accepted as user", readonly=True, copy=False)
    signed_term = fields.Binary(
        "Term signed on paper",
        attachment=True,
        copy=False,
        help="The scan of the term the customer signed: an agreement the collections team "
        "proposed is approved only once the customer accepts it on the portal or this is "
        "attached.",
    )
    signed_term_filename = fields.Char(copy=False)
    accepted_code_id = fields.Many2one(
        "dunning.portal.code",
        "Confirmed by code",
        readonly=True,
        copy=False,
        help="The one-time code, sent to a contact on file, that confirmed an acceptance "
        "made through a link.",
    )

    # -- the text ---------------------------------------------------------------------------
    def _term_env(self):
        """This agreement in the customer's language."""
        self.ensure_one()
        return self.with_context(lang=self.partner_id._dunning_lang(self.company_id))

    def _term_text(self, vat=None, masked=False):
        """The whole term in the customer's language, as shown and printed;
        ``vat``: the CPF/CNPJ the customer gave, when none is on file;
        ``masked``: as a token page shows it (the CPF/CNPJ masked: whoever holds
        a link must not learn it; the agreement keeps it whole)."""
        self.ensure_one()
        agreement = self._term_env().with_context(dunning_mask_vat=masked)
        if vat and not self.customer_vat:
            agreement = agreement.with_context(dunning_customer_vat=vat)
        return "\n".join(agreement._term_lines())

    def _term_vat(self):
        """The customer's CPF/CNPJ as the term names it."""
        vat = tax_id(self.customer_vat or self.env.context.get("dunning_customer_vat"))
        if vat and self.env.context.get("dunning_mask_vat"):
            return mask_vat(vat)
        return vat or "-"

    def _term_lines(self):
        self.ensure_one()
        env, company, partner = self.env, self.company_id, self.partner_id
        currency = self.currency_id

        def money(amount):
            return format_amount(env, amount, currency)

        def percent(value):
            return "%s %%" % formatLang(env, value, digits=2)  # noqa: UP031 (not a sentence)

        installments = self.installment_ids.sorted("number")
        count = len(installments.filtered("number"))
        agreed_on = self._term_day()
        lines = [
            env._("DEBT INSTALLMENT AGREEMENT"),
            "",
            env._(
                "Creditor: %(name)s, CNPJ %(vat)s, %(address)s.",
                name=term_field(company.name),
                vat=company.partner_id._dunning_tax_id() or "-",
                address=term_address(company.partner_id._dunning_address_inline(), company.name),
            ),
            env._(
                "Customer: %(name)s, CPF/CNPJ %(vat)s, %(address)s.",
                name=term_field(partner.name),
                vat=self._term_vat(),
                address=term_address(partner._dunning_address_inline(), partner.name),
            ),
            "",
            env._("1. The debt"),
        ]
        for debt in self.debt_ids.sorted(lambda d: (d.date_maturity, d.move_line_id.id)):
            lines.append(
                env._(
                    "- Invoice %(invoice)s, due %(date)s: %(amount)s open",
                    invoice=debt.move_line_id.move_id.name,
                    date=format_date(env, debt.date_maturity),
                    amount=money(debt.amount),
                )
            )
        if self.fine_amount:
            lines.append(
                env._(
                    "- Late fee of %(percent)s, as the contract provides: %(amount)s",
                    percent=percent(self.fine_percent),
                    amount=money(self.fine_amount),
                )
            )
        if self.interest_amount:
            lines.append(
                env._(
                    "- Late interest of %(percent)s a month (%(annual)s a year), pro rata die, "
                    "from each effective due date to %(date)s, as the contract provides: "
                    "%(amount)s",
                    percent=percent(self.interest_percent),
                    annual=percent(annual_rate(self.interest_percent)),
                    date=format_date(env, agreed_on),
                    amount=money(self.interest_amount),
                )
            )
        if not self.fine_amount and not self.interest_amount:
            lines.append(env._("No late fee or interest was added to the debt."))
        lines += [
            env._("Total owed: %(total)s", total=money(self.amount_total)),
            "",
            env._("2. How it is paid"),
        ]
        for installment in installments:
            if not installment.number:
                lines.append(
                    env._(
                        "- Down payment, due %(date)s, or on the day the company approves this "
                        "agreement if that is later: %(amount)s",
                        date=format_date(env, installment.date_due),
                        amount=money(installment.amount),
                    )
                )
            else:
                lines.append(
                    env._(
                        "- Installment %(number)s of %(count)s, due %(date)s: %(amount)s",
                        number=installment.number,
                        count=count,
                        date=format_date(env, installment.date_due),
                        amount=money(installment.amount),
                    )
                )
        lines += [
            env._(
                "The installments carry no financing interest (0 % a month and 0 % a year): each "
                "amount is fixed, and paying before the due date is allowed and does not change it."
            ),
            "",
            env._("3. Clauses"),
        ]
        lines += [
            f"3.{number}. {clause}" for number, clause in enumerate(self._term_clauses(), start=1)
        ]
        lines += ["", env._("4. Acceptance"), self._acceptance_text()]
        return lines

    def _term_day(self):
        """The day the agreement was proposed, in the customer's calendar."""
        context = PlanningContext(self.env)
        moment = self.proposed_at or fields.Datetime.now()
        return context.today(
            self.company_id,
            self.partner_id.commercial_partner_id,
            moment.replace(tzinfo=ZoneInfo("UTC")),
        )

    def _term_clauses(self):
        """The clauses, each describing what the software does (README: Agreements)."""
        self.ensure_one()
        env = self.env
        novation = self.novation
        if novation:
            nature = env._(
                "The customer acknowledges the debt of item 1. This agreement is a novation "
                "(Civil Code, art. 360, I): the original invoices are extinguished and replaced by "
                "the installments of item 2. Their tax documents (NF-e) are not changed."
            )
            after_break = env._(
                "As this agreement is a novation, only its installments still open are owed."
            )
        else:
            nature = env._(
                "The customer acknowledges the debt of item 1. This agreement is not a novation "
                "(Civil Code, art. 361): it does not extinguish the original debt, which is "
                "discharged as the installments are paid; meanwhile the invoices are marked as "
                "under this agreement. Their tax documents (NF-e) are not changed."
            )
            after_break = env._(
                "As this agreement is not a novation, the balance still open is owed as the debt "
                "acknowledged in item 1, less what was paid."
            )
        if self.contract_charges and (self.fine_percent or self.interest_percent):
            rates = [
                "%s %%" % formatLang(env, rate, digits=2)  # noqa: UP031
                for rate in (self.fine_percent, self.interest_percent)
            ]
            late = env._(
                "An installment paid late keeps its amount. The late fee of %(fine)s (at most "
                "2 %%, CDC art. 52, §1) and interest of %(interest)s a month (%(annual)s a year), "
                "pro rata die, on the installment's amount from its due date, as the contract "
                "provides, are shown on the agreement's page as they accrue; they are not added "
                "to the installment's payment code, and the company may charge them separately.",
                fine=rates[0],
                interest=rates[1],
                annual="%s %%" % formatLang(env, annual_rate(self.interest_percent), digits=2),  # noqa: UP031
            )
        else:
            late = env._("No late fee or interest is charged on an installment paid late.")
        # Days late count from the effective due date (the next business day in
        # the customer's calendar), for the page's charges, the Pix and breaking.
        business_day = env._(
            "A due date on a Saturday, Sunday or holiday moves to the next business day: the "
            "installment can be paid that day without late fee or interest, and the days late "
            "(items 3.3 and 3.4) count from it."
        )
        # The agreement's page offers each installment's Pix code and
        # nothing else (no bank slip, no card): the term names what it offers.
        means = (
            env._(
                "Each installment is paid up to its due date by the Pix shown for it on the "
                "agreement's page (copy-and-paste code and QR code), or by another means agreed "
                "with the company. Paying ahead of time is always allowed; the installment's "
                "amount does not change."
            )
            if self._term_pix_offered()
            else env._(
                "Each installment is paid up to its due date by the means the company gives "
                "through its contacts (item 3.6). Paying ahead of time is always allowed; the "
                "installment's amount does not change."
            )
        )
        return [
            nature,
            f"{means} {business_day}",
            late,
            # A late down payment breaks it as an installment does
            # (dunning.agreement.breaking): the term names it (item 2 and 3.5
            # tell the down payment and the installments apart).
            env._(
                "If the down payment or an installment is more than %(days)s days late, the "
                "agreement is broken. The installments still open keep their due dates: none falls "
                "due early. What was paid is kept and deducted, and the company's team will "
                "contact the customer about the balance still open. %(after)s",
                days=self.break_days,
                after=after_break,
            )
            if self.installment_ids.filtered(lambda installment: not installment.number)
            else env._(
                "If an installment is more than %(days)s days late, the agreement is broken. The "
                "installments still open keep their due dates: none falls due early. What was paid "
                "is kept and deducted, and the company's team will contact the customer about the "
                "balance still open. %(after)s",
                days=self.break_days,
                after=after_break,
            ),
            self._term_cancel_clause(),
            env._(
                "The customer may ask questions or the review of this agreement at any time "
                "through the company's contacts: %(contacts)s; no collection will expose the "
                "customer to ridicule, embarrassment or threats (CDC art. 42).",
                contacts=self._term_contacts(),
            ),
            # Where the customer gets the term: what _send_term will do for them.
            env._(
                "The parties accept as valid the customer's acceptance of this term on the "
                "company's portal, recorded with its date and time, IP address, browser and the "
                "SHA-256 summary of this text, or by signature on a printed copy (MP "
                "2.200-2/2001, art. 10, §2). The customer receives the term by e-mail and can "
                "read it at any time on the agreement's page."
            )
            if self._term_by_email()
            else env._(
                "The parties accept as valid the customer's acceptance of this term on the "
                "company's portal, recorded with its date and time, IP address, browser and the "
                "SHA-256 summary of this text, or by signature on a printed copy (MP "
                "2.200-2/2001, art. 10, §2). The customer can read and download the term at any "
                "time on the agreement's page."
            ),
            self._term_data_clause(),
        ]

    def _term_cancel_clause(self):
        """Clause 3.5: when the agreement may be cancelled (``dunning.agreement._cancel``),
        and the customer's withdrawal within ``withdrawal_days`` (CDC art. 49,
        ``tools/agreements.withdrawal_deadline``), what was paid then deducted
        from the invoices (``_reverse_entry``)."""
        self.ensure_one()
        env = self.env
        if not self.withdrawal_days:
            return env._(
                "While nothing has been paid under this agreement (neither the down payment, if "
                "any, nor an installment), the company may cancel it at the customer's request or "
                "when its first payment is not made: the invoices it replaced then return to what "
                "they were before it, with every earlier payment still applied. Once anything is "
                "paid under it, the agreement is not cancelled: it ends honoured or broken."
            )
        return env._(
            "While nothing has been paid under this agreement (neither the down payment, if any, "
            "nor an installment), the company may cancel it at the customer's request or when its "
            "first payment is not made: the invoices it replaced then return to what they were "
            "before it, with every earlier payment still applied. The customer may also withdraw "
            "from this agreement within %(days)s days of accepting it, without giving a reason "
            "(CDC art. 49), by asking through the company's contacts (item 3.6); when the last "
            "day falls on a Saturday, Sunday or holiday, until the next business day. The "
            "invoices it replaced then return to what they were before it, and what was paid "
            "under this agreement is deducted from them. Otherwise, once anything is paid under "
            "it, the agreement is not cancelled: it ends honoured or broken.",
            days=self.withdrawal_days,
        )

    def _term_data_clause(self):
        """Clause 3.8 (LGPD): what the acceptance record keeps and why, and by
        which channels the installments are reminded and how each stops, as
        the software does it (WhatsApp only with l10n_br_dunning_whatsapp,
        which sends it only to a number that consented)."""
        self.ensure_one()
        env = self.env
        if self._term_whatsapp_offered():
            return env._(
                "Personal data (LGPD): the record of the acceptance keeps the customer's CPF/CNPJ, "
                "IP address, browser, date and time and, when accepted through a link, the "
                "confirmation of the one-time code sent to a contact on file, as proof of this "
                "agreement (LGPD, art. 7, V and VI). The installments are reminded by e-mail, "
                "SMS, WhatsApp (only with the customer's consent) and phone; the customer can "
                "stop the e-mails and the SMS and withdraw the WhatsApp consent on the contact "
                "preferences page, stop the e-mails through their unsubscribe link, stop the SMS "
                "and the WhatsApp messages by answering SAIR, and ask the company's contacts "
                "(item 3.6) to stop the calls."
            )
        return env._(
            "Personal data (LGPD): the record of the acceptance keeps the customer's CPF/CNPJ, "
            "IP address, browser, date and time and, when accepted through a link, the "
            "confirmation of the one-time code sent to a contact on file, as proof of this "
            "agreement (LGPD, art. 7, V and VI). The installments are reminded by e-mail, SMS "
            "and phone; the customer can stop the e-mails and the SMS on the contact preferences "
            "page, stop the e-mails through their unsubscribe link, stop the SMS by answering "
            "SAIR, and ask the company's contacts (item 3.6) to stop the calls."
        )

    def _term_whatsapp_offered(self):
        """Whether the régua may remind by WhatsApp (l10n_br_dunning_whatsapp)."""
        return False

    def _term_contacts(self):
        """The company's contacts clause 3.6 sends the customer to, named in
        the term (kept, printed, signed on paper): the collections address
        (else the company's e-mail) and the company's phone; else its address
        above."""
        self.ensure_one()
        env, company = self.env, self.company_id
        email = email_normalize(company.dunning_reply_to or "") or email_normalize(
            company.email or ""
        )
        contacts = []
        if email:
            contacts.append(env._("e-mail %(email)s", email=email))
        if term_field(company.phone) != "-":
            contacts.append(env._("phone %(phone)s", phone=term_field(company.phone)))
        return ", ".join(contacts) or env._("the creditor's address above")

    def _term_pix_offered(self):
        """Whether the agreement's page will show each installment's Pix code:
        the company has a Brazilian account with a Pix key and the agreement
        is in reais (``account.move.line._dunning_pix_code``)."""
        self.ensure_one()
        banks = self.company_id.partner_id.bank_ids.filtered(
            lambda bank: bank.country_code == "BR" and bank.proxy_type in PIX_KEY_TYPES
        )
        return bool(banks) and self.currency_id.name == "BRL"

    def _acceptance_text(self):
        """The customer's sentence of acceptance, once, at the end of the term."""
        self.ensure_one()
        env, company = self.env, self.company_id
        count = len(self.installment_ids.filtered("number"))
        values = {
            "customer": term_field(self.partner_id.name),
            "vat": self._term_vat(),
            "total": format_amount(env, self.amount_total, self.currency_id),
            "count": count,
            "company": term_field(company.name),
            "company_vat": company.partner_id._dunning_tax_id() or "-",
            "down": format_amount(env, self.down_payment, self.currency_id),
        }
        if self.down_payment and count == 1:
            text = env._(
                "I, %(customer)s (CPF/CNPJ %(vat)s), acknowledge owing %(total)s to %(company)s "
                "(CNPJ %(company_vat)s) and agree to pay it with a down payment of %(down)s and "
                "one installment, on the dates and under the terms above.",
                **values,
            )
        elif self.down_payment:
            text = env._(
                "I, %(customer)s (CPF/CNPJ %(vat)s), acknowledge owing %(total)s to %(company)s "
                "(CNPJ %(company_vat)s) and agree to pay it with a down payment of %(down)s and "
                "%(count)s monthly installments, on the dates and under the terms above.",
                **values,
            )
        elif count == 1:
            text = env._(
                "I, %(customer)s (CPF/CNPJ %(vat)s), acknowledge owing %(total)s to %(company)s "
                "(CNPJ %(company_vat)s) and agree to pay it in a single installment, on the date "
                "and under the terms above.",
                **values,
            )
        else:
            text = env._(
                "I, %(customer)s (CPF/CNPJ %(vat)s), acknowledge owing %(total)s to %(company)s "
                "(CNPJ %(company_vat)s) and agree to pay it in %(count)s monthly installments, on "
                "the dates and under the terms above.",
                **values,
            )
        return text

    # -- acceptance ----------------------------------------------------------------------------
    def _record_acceptance(
        self, shown_sha256, ip_address, user_agent, via, customer_vat=None, code=None
    ):
        """The customer accepted the term whose SHA-256 the page showed: store the
        text (recomputed here, so only a text this server built can be stored),
        its hash and the facts (with the one-time code that confirmed it, on a
        token link). Refused when the term changed since it was shown."""
        self.ensure_one()
        text, refusal = self._term_shown(shown_sha256, customer_vat, via)
        if refusal:
            raise UserError(refusal)
        if customer_vat and not self.customer_vat:
            self.customer_vat = customer_vat
        self._store_acceptance(
            text,
            via,
            accepted_ip=ip_address,
            accepted_user_agent=(user_agent or "")[:USER_AGENT_MAX],
            accepted_uid=self.env.uid if via == "login" else False,
            accepted_code_id=code.id if code else False,
        )

    def _term_shown(self, shown_sha256, customer_vat=None, via="token"):
        """(the term as the page showed it through ``via``, why it cannot be
        accepted or None): the company's CNPJ or address missing (the term
        could not name it), or a text whose SHA-256 is not ``shown_sha256``
        (the term changed since it was shown)."""
        self.ensure_one()
        if self.company_id._dunning_identity_missing():
            return None, self._portal_unavailable()
        text = self._term_text(customer_vat, masked=via == "token")
        if not shown_sha256 or shown_sha256 != term_sha256(text):
            return text, self.env._(
                "The term changed since it was shown (the amounts or dates moved): read it "
                "again before accepting."
            )
        return text, None

    def _store_acceptance(self, text, via, **facts):
        """Keep the term ``text`` accepted through ``via``, its SHA-256, the
        moment and the customer's time zone, the sentence accepted, and ``facts``."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        self.with_context(**{ACCEPTING: True}).write(
            {
                "term_text": text,
                "term_sha256": term_sha256(text),
                "accepted_at": fields.Datetime.now(),
                "accepted_via": via,
                "accepted_tz": PlanningContext.tz(self.company_id, partner),
                "accepted_text": self._term_env()
                .with_context(dunning_mask_vat=via == "token")
                ._acceptance_text(),
                **facts,
            }
        )

    def _acceptance_moment(self):
        """When the customer accepted, in their time zone, named:
        "15/12/2026 10:00:00 (America/Sao_Paulo, UTC-03:00)"."""
        self.ensure_one()
        if not self.accepted_at:
            return ""
        tz = self.accepted_tz or PlanningContext.tz(
            self.company_id, self.partner_id.commercial_partner_id
        )
        local = self.accepted_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz))
        offset = local.strftime("%z")
        env = self._term_env().env
        moment = format_datetime(env, self.accepted_at, tz=tz, dt_format=False)
        return f"{moment} ({tz}, UTC{offset[:3]}:{offset[3:]})"

    def action_accept_signed_paper(self):
        """The customer signed the printed term: approve with the scan attached."""
        for agreement in self:
            if agreement.state != "to_accept":
                raise UserError(self.env._("Only an agreement awaiting acceptance can take this."))
            if not agreement.signed_term:
                raise UserError(self.env._("Attach the scan of the term the customer signed."))
            if not (agreement.customer_vat and agreement.company_id.vat):
                raise UserError(
                    self.env._(
                        "The term names both parties with their CPF or CNPJ: set the "
                        "customer's and the company's, print the term again and have it signed."
                    )
                )
            text = agreement._term_text()
            if term_sha256(text) != agreement.printed_sha256:
                # What is kept is what the customer signed: the text printed,
                # not one rebuilt from records changed since (an address, a name).
                raise UserError(
                    self.env._(
                        "The term is not the one printed for signature (it was not printed "
                        "from here, or a name, address or document changed since): print it "
                        "again and have that copy signed."
                    )
                )
            agreement._store_acceptance(text, "paper", accepted_uid=self.env.uid)
            agreement.action_approve()
        return True

    def action_send_for_acceptance(self):
        """E-mail the customer the link to read and accept the term on the portal."""
        for agreement in self:
            if agreement.state != "to_accept":
                raise UserError(self.env._("This agreement is not awaiting acceptance."))
            # An address mail can go to, not what a spreadsheet left ("sem email"),
            # where the régua writes to the customer (its invoice address, else its own).
            to = agreement._email_contact()
            if not to._dunning_email():
                raise UserError(
                    self.env._(
                        "The customer has no e-mail address: print the term for signature and "
                        "attach the signed copy instead."
                    )
                )
            if to._dunning_email_bounced():
                raise UserError(
                    self.env._(
                        "The customer's e-mail address bounced (%(email)s): correct it on the "
                        "customer, or print the term for signature and attach the signed copy "
                        "instead.",
                        email=to.email,
                    )
                )
            if not agreement.company_id._dunning_email_from():
                raise UserError(
                    self.env._(
                        "The company has no e-mail address to send from: set it on the company "
                        "(Settings), or print the term for signature."
                    )
                )
            if missing := agreement.company_id._dunning_identity_missing():
                raise UserError(
                    self.env._(
                        "The term names the creditor with its CNPJ and address (CDC art. 42-A), "
                        "and the company's %(missing)s is missing: complete the company "
                        "(Settings) before sending it.",
                        missing=missing,
                    )
                )
            template = self.env.ref(
                "l10n_br_dunning.mail_template_dunning_agreement_acceptance",
                raise_if_not_found=False,
            )
            if not template:
                raise UserError(
                    self.env._(
                        "The e-mail template that sends a term for acceptance was deleted from "
                        "this database: print the term for signature and attach the signed "
                        "copy instead."
                    )
                )
            agreement._portal_ensure_token()
            agreement._post_as_company(template)
        return True

    def _portal_unavailable(self):
        """What the portal says while the company cannot offer an agreement there
        (``res.company._dunning_identity_missing``: the term could not name it)."""
        return self.env._(
            "We cannot offer an agreement on the portal at the moment. Reply to our e-mail or "
            "call us: we will find a solution together."
        )

    def _post_as_company(self, template, attachments=None):
        """E-mail ``template`` to the customer as the company sends it, in their
        language, whoever acts (a portal visitor may not attach files)."""
        self.ensure_one()
        if not self.company_id._dunning_email_from():
            # No e-mail leaves but from the company's own address (as for the
            # régua's reminders): say so where the team looks.
            self.sudo().message_post(
                body=self.env._(
                    "Not e-mailed to the customer: the company has no e-mail address to send "
                    "from (set it on the company, in Settings)."
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        lang = self.partner_id._dunning_lang(self.company_id)
        agreement = self.with_context(lang=lang)
        # The régua's layout (the template's) is headed with the agreement's name.
        title = agreement.env._("Agreement %(name)s", name=self.name)
        agreement.with_user(SUPERUSER_ID).with_context(dunning_mail={"title": title}).with_company(
            self.company_id
        ).message_post_with_source(
            template,
            author_id=self.company_id.partner_id.id,
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids if attachments else [],
            partner_ids=self._email_contact().ids,
        )

    def _notify_by_email_prepare_rendering_context(self, message, *args, **kwargs):
        # As the régua's own e-mails (res.partner): ``dunning_mail`` in the
        # context fills the régua's layout (its title).
        values = super()._notify_by_email_prepare_rendering_context(message, *args, **kwargs)
        if self.env.context.get("dunning_mail"):
            values["dunning"] = self.env.context["dunning_mail"]
        return values

    def action_print_for_signature(self):
        """The term to sign on paper; the text printed is remembered (its
        SHA-256): the signed copy approves only that text."""
        for agreement in self.filtered(lambda a: a.state == "to_accept"):
            agreement.printed_sha256 = term_sha256(agreement._term_text())
        return self.env.ref("l10n_br_dunning.action_report_dunning_agreement").report_action(self)

    @api.model
    def _portal_acceptance_facts(self, request, partner):
        """(IP address, user agent, via) of a portal request accepting for
        ``partner``: "login" only when ``partner`` is the logged-in customer
        (``res.partner._dunning_logged_in_as``), else "token". The address is
        the one Odoo gives: the client's behind a proxy when Odoo runs in proxy
        mode, never a header a client can set otherwise."""
        httprequest = request.httprequest
        via = "login" if partner._dunning_logged_in_as(request.env.user) else "token"
        return httprequest.remote_addr, httprequest.user_agent.string, via

    # -- the term sent and kept --------------------------------------------------------------
    def _send_term(self):
        """Render the term once, keep it on the agreement, and send it to the
        customer by e-mail (with a note in the chatter when it cannot go)."""
        self.ensure_one()
        attachment = self._term_attachment()
        template = self.env.ref(
            "l10n_br_dunning.mail_template_dunning_agreement_term", raise_if_not_found=False
        )
        if not template:
            return attachment
        if not self._term_by_email():
            to = self._email_contact()
            self.message_post(
                body=self.env._(
                    "The term was not e-mailed: the customer's e-mail address bounced "
                    "(%(email)s). The customer can download it on the agreement's page; correct "
                    "the address, or print it from here for a copy on paper.",
                    email=to.email,
                )
                if to._dunning_email_bounced()
                else self.env._(
                    "The term was not e-mailed: the customer has no e-mail address, or the "
                    "company none to send from. The customer can download it on the agreement's "
                    "page; print it from here for a copy on paper."
                ),
                attachment_ids=attachment.ids,
            )
            return attachment
        self._post_as_company(template, attachment)
        return attachment

    def _term_by_email(self):
        """Whether the term goes to the customer by e-mail once accepted: they
        have an address that did not bounce (``_customer_email``) and the
        company one to send from (``_post_as_company``). The term's clause, the
        page before accepting and ``_send_term`` ask this."""
        self.ensure_one()
        return bool(self._customer_email() and self.company_id._dunning_email_from())

    def _customer_email(self):
        """The address this agreement's e-mails go to: the customer's, as the
        régua's (``res.partner._dunning_email``), unless it bounced
        (``res.partner._dunning_email_bounced``: the régua writes no more to
        it either); else False. The customer has the agreement's page all the
        same (its link in the reminders, the portal)."""
        self.ensure_one()
        partner = self._email_contact()
        return partner._dunning_email() if not partner._dunning_email_bounced() else False

    def _email_contact(self):
        """The contact this agreement's e-mails go to: where the régua's e-mails
        to the customer go (``res.partner._dunning_addressee``: its invoice
        address when it has an e-mail, else the customer's own)."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id._dunning_addressee("email")

    def _term_emailed(self):
        """Whether the term's PDF was e-mailed to the customer (a message to them
        carrying it): what the page may say after the acceptance."""
        self.ensure_one()
        attachment = self.term_attachment_id
        recipients = self.partner_id | self._email_contact()
        return bool(attachment) and any(
            recipients & message.partner_ids and attachment in message.attachment_ids
            for message in self.sudo().message_ids
        )

    def _term_attachment(self):
        """The accepted term's PDF, rendered once (about a second) and kept."""
        self.ensure_one()
        if self.term_attachment_id:
            return self.term_attachment_id
        lang = self.partner_id._dunning_lang(self.company_id)
        report = self.env.ref("l10n_br_dunning.action_report_dunning_agreement").sudo()
        pdf, _type = report.with_context(lang=lang)._render_qweb_pdf(report, self.ids)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.env._("Agreement term %(name)s.pdf", name=self.name),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.term_attachment_id = attachment
        return attachment
