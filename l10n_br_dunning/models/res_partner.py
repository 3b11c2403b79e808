# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import lxml.html
from babel.dates import format_skeleton
from lxml import etree

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize_all, html2plaintext, ormcache
from odoo.tools.misc import babel_locale_parse, hmac

from odoo.addons.sms_gateway.tools.replies import as_note
from odoo.addons.sms_gateway.tools.segments import transliterate as gsm7_text

from ..tools import best_hour, pages, reply_reader
from ..tools.business_calendar import city_key
from ..tools.channels import BOUNCES_TO_STOP, usable_email
from ..tools.payer_profile import average_days_late, payer_class
from ..tools.portal_codes import mask_email, mask_phone
from ..tools.sms_text import (
    TRIM_COURTESY,
    TRIM_VOCATIVE,
    addressed_name,
    mark_optional,
    short_sender,
    vocative,
)
from .account_move import settled_by_agreement
from .account_move_line import effective_due
from .dunning_context import PlanningContext, format_money, to_utc
from .dunning_effectiveness import PAID_MOVES

# Rows of the statement's table on its first page, under the letterhead and the
# customer's name and address, and the lines of the summary after the last row
# (totals, a credit not applied yet, the closing words), kept on its page
# (``res.partner._dunning_statement``: ``pages``; ``tools.pages.table_pages``).
STATEMENT_ROWS_FIRST_PAGE = 14
STATEMENT_SUMMARY_LINES = 9

# The periods a customer's hours may be narrowed to (tools/best_hour.py PERIODS).
HOUR_PERIODS = [
    ("morning", "Mornings"),
    ("afternoon", "Afternoons"),
    ("evening", "Evenings (18h to 20h, where the law allows)"),
]
PAYER_CLASSES = [
    ("good", "Good payer"),
    ("attention", "Attention"),
    ("bad", "Defaulting"),
]
# The company's policy for each payer class (Settings).
CLASS_POLICIES = {
    "good": "dunning_policy_good_id",
    "attention": "dunning_policy_attention_id",
    "bad": "dunning_policy_bad_id",
}


def _unquoted(body):
    """An e-mail's HTML without what Odoo marked as quoted when it stored it
    (``data-o-mail-quote``: Gmail's and Outlook's quoted reminder, a
    signature); the whole body when everything is marked."""
    if not body:
        return ""
    try:
        root = lxml.html.fragment_fromstring(str(body), create_parent="div")
    except etree.ParserError:
        return body
    for quoted in root.xpath("//*[@data-o-mail-quote='1']"):
        if quoted.getparent() is not None:
            quoted.drop_tree()
    kept = lxml.html.tostring(root, encoding="unicode")
    return kept if html2plaintext(kept).strip() else body


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        "Dunning policy",
        company_dependent=True,
        help="Overrides the company's default régua for this customer.",
    )
    dunning_excluded = fields.Boolean(
        "Do not dun", help="The régua never contacts this customer.", tracking=True
    )
    dunning_mobile_valid = fields.Boolean(
        "Valid mobile for SMS",
        compute="_compute_dunning_mobile_valid",
        store=True,
        help="The mobile (or phone) number the régua's SMS go to (the invoice address's, "
        "else the customer's own) is a mobile number SMS can reach.",
    )
    # Payment behaviour (seeds 003, 004), refreshed daily by a scheduled action.
    # Per company: a customer of two companies (two CNPJs) pays each its own way.
    dunning_avg_days_late = fields.Float(
        "Average days late",
        readonly=True,
        digits=(16, 1),
        company_dependent=True,
        help="Over the last 12 months, weighted by the amount paid.",
    )
    dunning_payer_class = fields.Selection(
        PAYER_CLASSES, "Payer profile", readonly=True, company_dependent=True, tracking=True
    )
    # Contact preferences the customer sets on the portal.
    dunning_preferred_channel = fields.Selection(
        [("any", "As the company decides"), ("email", "E-mail"), ("sms", "SMS")],
        "Preferred channel",
        default="any",
        help="E-mail: the régua sends no SMS to this customer (stages by SMS go by e-mail). "
        "SMS: stages by e-mail and SMS send the SMS only.",
    )
    dunning_email_opt_out_company_ids = fields.Many2many(
        "res.company",
        "res_partner_dunning_email_opt_out_rel",
        "partner_id",
        "company_id",
        "No e-mail reminders from",
        help="Companies this customer asked for no more e-mail reminders (the e-mail's "
        "unsubscribe link, or the portal's preferences): the régua uses the other channels, "
        "and a letter when none is left.",
    )
    dunning_preferred_hours = fields.Selection(
        [("any", "Any time in the sending window"), *HOUR_PERIODS],
        "Preferred hours",
        default="any",
        help="The customer's own choice (the portal's preferences, or a person): every "
        "company's reminders keep to it.",
    )
    dunning_suggested_hours = fields.Selection(
        HOUR_PERIODS,
        "Suggested hours",
        compute="_compute_dunning_suggested_hours",
        help="Learned from the last year: the period in which this customer most often paid, "
        "answered the call, or acted on the portal after a reminder. Applied only when a "
        "person accepts it, or the company's setting does.",
    )
    # Hours learned from one company's own history (its weekly scheduled action,
    # when it ticks "Apply learned hours"): that company's, never the customer's
    # preference, applied to its reminders only (``_dunning_hours``).
    dunning_learned_hours = fields.Selection(
        HOUR_PERIODS,
        "Hours learned by this company",
        company_dependent=True,
        readonly=True,
        help="Learned every week from this company's own reminders to the customer, when the "
        "company ticks Apply learned hours. They apply to this company's reminders only, while "
        "it ticks that option and the customer has no preferred hours of their own; other "
        "companies do not use them.",
    )
    dunning_learned_hours_evidence = fields.Char(
        "Learned from", company_dependent=True, readonly=True
    )
    dunning_hours_evidence = fields.Char(
        "Why these hours", compute="_compute_dunning_suggested_hours"
    )

    @api.depends(
        "mobile",
        "phone",
        "country_id",
        "child_ids.type",
        "child_ids.mobile",
        "child_ids.phone",
        "child_ids.country_id",
    )
    def _compute_dunning_mobile_valid(self):
        # The number the régua's SMS go to: the invoice address's, else its own.
        for partner in self:
            partner.dunning_mobile_valid = bool(partner._dunning_e164())

    def _dunning_logged_in_as(self, user):
        """Whether ``user`` is this customer, logged in: only then does a page
        reached through a link trust its visitor as the customer (no one-time
        code, nothing masked, a link that does not expire). A public visitor,
        or a logged-in user of another customer holding a forwarded link, is
        "by link" (issue: token links that cannot be abused)."""
        return bool(
            self
            and not user._is_public()
            and user.partner_id.commercial_partner_id == self.commercial_partner_id
        )

    def _dunning_state(self, company=None):
        """The customer's state (UF code) for holidays, state law and the time
        zone (``PlanningContext.tz``): their own
        in Brazil (or with no country); with none on file and ``company``
        given, the company's (a customer imported without an address is most
        likely where the company is); None abroad."""
        if self.country_id.code not in (False, "BR"):
            return None
        if self.state_id:
            return self.state_id.code
        if company and company.partner_id.country_id.code in (False, "BR"):
            return company.partner_id.state_id.code or None
        return None

    def _dunning_city(self):
        """The customer's city (a ``res.city`` id) for municipal holidays: the
        one chosen on their address, else the city of their state whose name
        is the address's city as written (a customer imported with the name
        only: "Sao Paulo", accents, case and spaces aside); else False."""
        self.ensure_one()
        if self.city_id:
            return self.city_id.id
        key = city_key(self.city)
        if not (key and self.state_id):
            return False
        return self._dunning_cities_of_state(self.state_id.id).get(key, False)

    @api.model
    @ormcache("state_id")
    def _dunning_cities_of_state(self, state_id):
        """{``city_key`` of a name: city id} of the state's cities (the IBGE
        list l10n_br ships), read once per process; a name two cities of the
        state share is no one's."""
        found = {}
        cities = self.env["res.city"].sudo().search_read([("state_id", "=", state_id)], ["name"])
        for city in cities:
            key = city_key(city["name"])
            found[key] = False if key in found else city["id"]
        return found

    def _dunning_today(self, company, now=None):
        """The customer's date now (or at ``now``, aware; else at the run's
        moment a message is rendered for, ``dunning_now``): what every page,
        charge and count of days speaks in, whoever looks (the one "today")."""
        self.ensure_one()
        now = now or self.env.context.get("dunning_now") or to_utc(fields.Datetime.now())
        # A portal visitor reads no company nor its partner: the date is public.
        partner = self.sudo().commercial_partner_id
        return PlanningContext(self.env(su=True)).today(company.sudo(), partner, now)

    def _dunning_invoice_contact(self):
        """This customer's invoice address: the first of its contacts of type
        "Invoice address" (the contact Odoo's sales and invoices address the
        customer's invoices to), else an empty recordset. Read from
        ``child_ids``, prefetched for a run's whole batch."""
        self.ensure_one()
        return self.child_ids.filtered(lambda contact: contact.type == "invoice")[:1]

    def _dunning_addressee(self, channel):
        """The contact whose address the régua's ``channel`` ("email", "sms",
        "letter", "phone": the calls) uses for this customer (a commercial
        partner): its invoice address (``_dunning_invoice_contact``) when it
        has one for the channel (an e-mail mail can go to, a mobile, a postal
        address, a number a call rings), else the customer's own. Chosen by
        what is on file only: a refusal of the address chosen (a bounce, an
        opt-out, the blacklist) is never routed around to another contact.
        The run, "send now", the preview, the letters and the calls ask it."""
        self.ensure_one()
        contact = self._dunning_invoice_contact()
        if contact:
            usable = {
                "email": contact._dunning_email,
                "sms": contact._sms_gateway_mobile_or_none,
                "letter": contact._dunning_postal_address,
                "phone": contact._sms_gateway_call_number_or_none,
            }[channel]
            if usable():
                return contact
        return self

    def _dunning_email(self):
        """The address the régua's e-mails go to: Odoo's normalized one, when
        mail can go to it (``tools.channels.usable_email``: not
        "@cliente..example", what Odoo makes of "bruno@@cliente..example");
        else False. The run, "send now", the preview and the agreements' e-mails
        ask it."""
        self.ensure_one()
        address = self.email_normalized
        return address if usable_email(address) else False

    def _dunning_emails(self):
        """Every address of the e-mail field mail can go to, normalized: those
        Odoo's mail queue writes to for this contact (``email_normalize_all``:
        "Maria <maria@x.example>; financeiro@x.example;" is two), without what
        is no address ("maria@", "sem email"). What is sent at once to the
        contact on file (``_dunning_write_now``) goes to each of them."""
        self.ensure_one()
        return [address for address in email_normalize_all(self.email) if usable_email(address)]

    def _dunning_email_bounced(self):
        """Whether nothing more is e-mailed to this customer's address: it
        bounced (``message_bounce``, what Odoo's gateway counts) as often as
        ``tools.channels.BOUNCES_TO_STOP``, and was not corrected since (``write``
        resets it). The run's channel decision and the agreements' e-mails
        ask it."""
        self.ensure_one()
        return self.message_bounce >= BOUNCES_TO_STOP

    def _dunning_sms_number(self):
        """The number the régua sends this customer's SMS and WhatsApp to, in
        E.164: that of the contact it texts (``_dunning_addressee``: its invoice
        address's, else its own), as sms_gateway defines it (the mobile, else
        the phone when it is a mobile). Raises PhoneNumberError (with the
        reason) when neither is. Run, preview, dashboard and portal call it."""
        return self._dunning_addressee("sms")._sms_gateway_mobile()

    def _dunning_call_number(self):
        """The number the régua's calls ring for this customer, in E.164: that
        of the contact it calls (``_dunning_addressee("phone")``: its invoice
        address's, else its own), a mobile first, a landline too (sms_gateway's
        ``_sms_gateway_call_number``). Raises PhoneNumberError (with the
        reason) when there is none. The collections team's call task and the
        automated call ask it."""
        return self._dunning_addressee("phone")._sms_gateway_call_number()

    def _dunning_number_on_file(self):
        """This contact's number as typed, the mobile else the phone (blanks
        are none), or "": what a person can look at when no call can ring it
        (the call task, the channel's "no phone" reason, a call's facts)."""
        self.ensure_one()
        return (self.mobile or "").strip() or (self.phone or "").strip()

    def _dunning_e164(self):
        """``_dunning_sms_number``, or False."""
        return self._dunning_addressee("sms")._sms_gateway_mobile_or_none() or False

    def _dunning_lang(self, company=None):
        """The language the régua writes to this customer in (README: decisions):
        theirs; else Brazilian Portuguese for a customer in Brazil (or with no
        country, of a Brazilian company), whatever language the company's own
        contact was created in; else the company's, else Brazilian Portuguese
        for a Brazilian company; only an installed language, never the one of
        whoever runs the scheduled action."""
        self.ensure_one()
        company = company or self.env.company
        installed = self.env["res.lang"]._get_active_by("code")  # get_installed's own
        brazilian = "pt_BR" if company.country_id.code == "BR" else None
        in_brazil = "pt_BR" if (self.country_id.code or company.country_id.code) == "BR" else None
        for code in (self.lang, in_brazil, company.partner_id.lang, brazilian, "en_US"):
            if code and code in installed:
                return code
        # Not even English: the database's first language, the same whoever runs it.
        return next(iter(sorted(installed)), "en_US")

    def _dunning_address_inline(self):
        """This partner's address on one line, in this environment's language
        (its country's name: "Brasil" in Portuguese): what a collection
        document writes under the name it prints first (a letter, a statement,
        an e-mail's footer), so without the company name Odoo's address starts
        with for a company ("Cliente Comum Ltda / Cliente Comum Ltda, Rua...").
        Odoo's ``contact_address_inline`` is computed once, in the language it
        is first read in, whoever reads it next."""
        self.ensure_one()
        address = self._display_address(without_company=True)
        return ", ".join(part.strip() for part in address.splitlines() if part.strip())

    def _dunning_postal_lines(self, company=None):
        """This partner's address as the lines a letter prints under its name,
        for a window envelope: in Brazil as the post reads it (the street with
        its number and complement, the neighbourhood, "city - UF", "CEP
        00000-000"), the country only when it is not ``company``'s; abroad,
        the lines of its country's address format. In this environment's
        language."""
        self.ensure_one()
        company = company or self.env.company
        if (self.country_id or company.country_id).code != "BR":
            address = self._display_address(without_company=True)
            return [line.strip() for line in address.splitlines() if line.strip()]
        city = (self.city or self.city_id.name or "").strip()
        cep = pages.cep(self.zip) or (self.zip or "").strip()
        lines = [
            (self.street or "").strip(),
            (self.street2 or "").strip(),
            " - ".join(part for part in (city, self.state_id.code) if part),
            f"CEP {cep}" if cep else "",
        ]
        if self.country_id and self.country_id != company.country_id:
            lines.append(self.country_id.name)
        return [line for line in lines if line]

    def _dunning_tax_id(self):
        """This contact's CPF or CNPJ as documents print it (``tools.pages.tax_id``:
        formatted however it is on file; a foreign tax id as on file): the
        agreement's term, letters, statements."""
        self.ensure_one()
        return pages.tax_id(self.vat)

    def _dunning_postal_address(self):
        """Whether a letter can be posted to this customer: a street and a city
        on file, and the CEP for an address in Brazil (the post does not
        deliver a letter without it; the country, else the company's). Without
        them the letter is listed saying so, and held there until they are
        completed (``dunning.event._letters_to_print``)."""
        self.ensure_one()
        if not ((self.street or "").strip() and ((self.city or "").strip() or self.city_id)):
            return False
        brazil = (self.country_id or self.env.company.country_id).code == "BR"
        return not brazil or pages.cep(self.zip) is not None

    def write(self, vals):
        # The bounces counted were the old address's (Odoo 18 resets the
        # counter only when mail comes from the address): a corrected address
        # is e-mailed again (``tools.channels.BOUNCES_TO_STOP``).
        bounced = {
            partner: partner.email_normalized
            for partner in (self.filtered("message_bounce") if "email" in vals else ())
        }
        result = super().write(vals)
        corrected = self.browse(
            partner.id for partner, email in bounced.items() if partner.email_normalized != email
        )
        if corrected:
            corrected.write({"message_bounce": 0})
        replan = {"dunning_policy_id", "dunning_excluded", "tz", "state_id", "city_id", "city"}
        if (replan | {"dunning_preferred_hours"}) & set(vals):
            self.env["account.move.line"].sudo()._dunning_replan_partners(
                self.commercial_partner_id
            )
        elif "dunning_learned_hours" in vals:
            # One company's value (company-dependent): its installments only.
            self.env["account.move.line"].sudo()._dunning_plan_open_installments(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        return result

    def _dunning_policy(self, company):
        """The customer's own policy at ``company``, else the policy of their
        payer profile there (when the company assigns policies by profile),
        else the company's default (``account.move.line._dunning_policy_sql``
        is its SQL twin)."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        by_class = (
            company[CLASS_POLICIES[partner.dunning_payer_class]]
            if company.dunning_policy_from_class and partner.dunning_payer_class
            else None
        )
        return partner.dunning_policy_id or by_class or company.dunning_policy_id

    # -- contact preferences from the portal ---------------------------------------------
    def _dunning_sms_opted_out(self, company):
        """Whether the number this customer is texted at (``_dunning_addressee``:
        its invoice address's, else its own) gets no SMS from ``company`` (its
        opt-out there, or Odoo's global blacklist)."""
        self.ensure_one()
        number = self._dunning_e164()
        return bool(number and self.env["sms.opt.out"]._opted_out([(number, company)]))

    # -- helpers of the SMS templates (installments in the rendering context) ------------
    def _dunning_context_lines(self):
        ids = self.env.context.get("dunning_line_ids") or []
        return self.env["account.move.line"].browse(ids).sorted("date_maturity")

    def _dunning_collections_user(self, company, before=(), after=()):
        """Who handles this customer's collection at ``company`` (a call to
        make, a request or an agreement to look at, a Pix to review): the
        users in ``before`` (a stage's own person), the customer's salesperson,
        the company's collections user, the users in ``after``, else the
        administrator; only an active internal user who works for ``company``
        (``res.users._sms_gateway_may_handle``: never whoever runs the scheduled
        action, nor OdooBot, the salesperson of what a script or an import
        created)."""
        candidates = (*before, self.commercial_partner_id.user_id, company.dunning_collector_id)
        for user in (*candidates, *after):
            if user and user._sms_gateway_may_handle(company):
                return user.with_env(self.env)
        # The administrator by its cached xmlid (env.ref checks it exists with a
        # query each time: a run's calls asked hundreds of times).
        admin = self.env["ir.model.data"]._xmlid_to_res_id("base.user_admin", False)
        return self.env["res.users"].browse(admin) if admin else self.env.user

    def _dunning_message_company(self):
        """The company a message speaks for: its installments', else the current."""
        return self._dunning_context_lines()[:1].company_id or self.env.company

    def _dunning_message_facts(self):
        """What a short message says, in one place for SMS and WhatsApp: the
        company, how many installments (``count``), their total and the first
        and last due dates (the link: ``_dunning_sms_link``). A stage's preview
        passes a sample instead (``dunning_sample``)."""
        sample = self.env.context.get("dunning_sample")
        company = self._dunning_message_company()
        if sample:
            return {
                "company": company,
                "count": sample.get("count", 1),
                "amount": sample["amount"],
                "first_due": sample["due_date"],
                "last_due": sample.get("last_due") or sample["due_date"],
                "foreign": sample.get("foreign"),
            }
        lines = self._dunning_context_lines()
        # The customer's today only where a due date moved (rare, and asked
        # in the run's hot loop otherwise).
        moved = any(
            line.dunning_due_effective and line.dunning_due_effective != line.date_maturity
            for line in lines
        )
        today = self._dunning_today(company) if moved else None
        dates = [self._dunning_message_due(line, today) for line in lines if line.date_maturity]
        # The installments' own currency, when they all share one other than
        # the company's: (its open amount, the currency).
        foreign = [line._dunning_foreign_amount() for line in lines]
        currencies = {item[1] for item in foreign if item}
        return {
            "company": company,
            "count": len(lines),
            "amount": sum(line._dunning_open_amount() for line in lines),
            "first_due": min(dates) if dates else False,
            "last_due": max(dates) if dates else False,
            "foreign": (
                (sum(item[0] for item in foreign), currencies.pop())
                if lines and all(foreign) and len(currencies) == 1
                else None
            ),
        }

    @api.model
    def _dunning_message_due(self, line, today):
        """The due date a short message gives for ``line`` on ``today``: its
        own; the day it is payable without charges (the next business day)
        while that is still ahead and its own date has passed, as a reminder
        sent on the weekend after a Friday holiday says "due 28/12", not a
        day already gone."""
        effective = line.dunning_due_effective
        if today and effective and line.date_maturity < today <= effective:
            return effective
        return line.date_maturity

    def _dunning_text_lang(self, company):
        """The language of a message's pieces: the customer's; a sample's
        (previews, Settings' measure) is rendered in the language asked for;
        a text approved in one language (a WhatsApp template) gives its own
        (``dunning_text_lang``)."""
        if self.env.context.get("dunning_text_lang"):
            return self.env.context["dunning_text_lang"]
        if self.env.context.get("dunning_sample"):
            return self.env.lang or self._dunning_lang(company)
        return self._dunning_lang(company)

    def _dunning_sms_sender(self, company=None):
        """The company's short SMS signature, in plain GSM-7 (``company``, else
        the lines' company, else the current)."""
        company = company or self._dunning_message_company()
        # Settings measure the texts with the sender being typed (dunning_sms_sender).
        sender = self.env.context.get("dunning_sms_sender") or company.dunning_sms_sender
        return gsm7_text(sender or short_sender(company.name))

    def _dunning_addressed_name(self, fallback=True):
        """How the régua's messages name this customer: the greeting of its
        e-mails and letters, WhatsApp's greeting of a company, the name a call
        asks for (tools/sms_text.py ``addressed_name``: no stray spaces, emoji
        or markup, no legal suffix nor capitals for a company, never a tax id).
        A record whose name is no one's (a CPF or CNPJ alone, "Consumidor
        final") is greeted "customer" in the message's language ("Olá,
        cliente,"), or "" without ``fallback``. The name on file stays as it
        was typed (the letter's address block, the agreement's term)."""
        self.ensure_one()
        name = addressed_name(self.name, self.is_company)
        if name or not fallback:
            return name
        lang = self._dunning_text_lang(self._dunning_message_company())
        return self.with_context(lang=lang).env._("customer")

    def _dunning_sms_vocative(self):
        """ "Maria, " for a person, nothing for a company (see tools/sms_text.py),
        the first part an SMS gives up to fit (``_dunning_sms_optional``).
        Plain GSM-7: "Joao, "."""
        sample = self.env.context.get("dunning_sample")
        if sample:  # a stage's preview (dunning.stage._preview_text)
            text = gsm7_text(vocative(sample["name"], False))
        else:
            text = gsm7_text(vocative(self.name, self.is_company))
        # A name GSM-7 cannot write ("王小明" would read "???") is no greeting.
        return self._dunning_sms_optional("" if "?" in text else text, TRIM_VOCATIVE)

    def _dunning_sms_optional(self, text, level):
        """``text``, a part an SMS gives up at trim ``level`` when it would not
        fit one SMS with it: marked as such when the text is rendered to be
        fitted (``dunning_sms_marks``: sms.template._dunning_render_sms)."""
        if self.env.context.get("dunning_sms_marks"):
            return mark_optional(text, level)
        return text

    def _dunning_sms_if_paid(self):
        """ "If you have paid, ignore this. " where an SMS has room for it; after
        a promise that passed unpaid (account.move._dunning_broken_promise),
        "Nao localizamos o pagamento de 17/12. " instead, as the e-mails say.
        The second part an SMS gives up to fit (``_dunning_sms_optional``)."""
        lang = self._dunning_text_lang(self._dunning_message_company())
        env = self.with_context(lang=lang).env
        # A sample (previews, Settings' measure) speaks of no real promise.
        sample = self.env.context.get("dunning_sample")
        moves = self.env["account.move"] if sample else self._dunning_context_lines().move_id
        promised = [day for day in (move._dunning_broken_promise() for move in moves) if day]
        if promised:
            day = self._dunning_short_date(max(promised), lang)
            text = env._("We have not found the payment of %(day)s yet.", day=day)
        else:
            text = env._("If paid, ignore this.")
        return self._dunning_sms_optional(text + " ", TRIM_COURTESY)

    def _dunning_foreign_text(self, facts, lang, in_words=False):
        """ "$ 1.234,56 at today's rate": the amount in the installments' own
        currency that the amount in reais comes from (``facts``:
        ``_dunning_message_facts``), as the invoice page, the e-mails and the
        statement say it (``account.move.line._dunning_foreign_amount``); a
        call says the amount in words (``in_words``); "" in the company's
        currency."""
        if not facts.get("foreign"):
            return ""
        amount, currency = facts["foreign"]
        if in_words:
            written = currency.with_context(lang=lang).amount_to_text(amount).lower()
        else:
            written = format_money(self.env, amount, currency, lang).replace("\xa0", " ")
        return self.with_context(lang=lang).env._("%(amount)s at today's rate", amount=written)

    def _dunning_sms_amount(self):
        """ "R$ 351,00", or "R$ 702,00 in 2 installments" for a grouped message;
        for an invoice in another currency, "($ 100,00 at today's rate)" after
        it where the SMS has room (given up with the vocative,
        ``_dunning_sms_optional``; WhatsApp always says it)."""
        facts = self._dunning_message_facts()
        company = facts["company"]
        lang = self._dunning_text_lang(company)
        amount = format_money(self.env, facts["amount"], company.currency_id, lang)
        # A no-break space is not GSM-7: "R$ 351,00" with a plain one.
        amount = amount.replace("\xa0", " ")
        if facts["count"] >= 2:
            amount = self.with_context(lang=lang).env._(
                "%(amount)s in %(count)s installments", amount=amount, count=facts["count"]
            )
        foreign = self._dunning_foreign_text(facts, lang)
        if foreign and self.env.context.get("dunning_sms_marks"):
            foreign = gsm7_text(foreign)  # an SMS: "ao cambio de hoje"
        if foreign:
            amount += self._dunning_sms_optional(f" ({foreign})", TRIM_VOCATIVE)
        return amount

    @api.model
    def _dunning_short_date(self, day, lang, with_year=False):
        """ "10/12" for a Portuguese reader, "12/10" for an American one: the
        day and month (and the year, ``with_year``) in the order the reader's
        language writes them, no longer than an SMS can afford."""
        skeleton = "yyyyMMdd" if with_year else "ddMM"
        return format_skeleton(skeleton, day, locale=babel_locale_parse(lang))

    def _dunning_due_dates(self, with_year=False):
        """ "10/12", or "10/12 to 20/12" when a grouped message's installments
        fall due on several days (``_dunning_short_date``)."""
        facts = self._dunning_message_facts()
        if not facts["first_due"]:
            return ""
        lang = self._dunning_text_lang(facts["company"])
        first, last = (
            self._dunning_short_date(day, lang, with_year)
            for day in (facts["first_due"], facts["last_due"])
        )
        if first == last:
            return first
        return self.with_context(lang=lang).env._("%(first)s to %(last)s", first=first, last=last)

    def _dunning_sms_due_date(self):
        return self._dunning_due_dates()

    def _dunning_sms_link(self):
        """The invoice's short link; for installments of several invoices (a
        grouped message), the link of the page listing every open item of the
        customer at the company (dunning.customer.link)."""
        sample = self.env.context.get("dunning_sample")
        if sample:
            return sample["link"]
        moves = self._dunning_context_lines().move_id
        if len(moves) > 1:
            company = self._dunning_message_company()
            return self.env["dunning.customer.link"]._for(self, company)._url()
        return moves._dunning_short_url() if moves else ""

    # -- the régua's e-mails ----------------------------------------------------------------
    # ``dunning_mail`` in the context ({title, preferences_url}), set by the
    # régua and the statement when they post, dresses their e-mail in the régua's
    # layout (l10n_br_dunning.mail_layout_dunning) and adds its headers.
    def _notify_by_email_prepare_rendering_context(self, message, *args, **kwargs):
        values = super()._notify_by_email_prepare_rendering_context(message, *args, **kwargs)
        if self.env.context.get("dunning_mail"):
            values["dunning"] = self.env.context["dunning_mail"]
        return values

    def _notify_by_email_get_headers(self, headers=None):
        headers = super()._notify_by_email_get_headers(headers=headers)
        dunning = self.env.context.get("dunning_mail") or {}
        if dunning.get("auto_submitted"):
            # RFC 3834 (section 5): a program wrote it; out-of-office and other
            # responders do not answer it. A customer's reply carries no such
            # header (their client copies none), so it is read as ever
            # (tools/reply_reader.py ``is_automatic``).
            headers["Auto-Submitted"] = dunning["auto_submitted"]
        unsubscribe = dunning.get("unsubscribe_url")
        if unsubscribe:
            # Mail clients show "Unsubscribe" next to the sender. One click (RFC
            # 8058: the client POSTs "List-Unsubscribe=One-Click") stops this
            # company's e-mail reminders to this customer; opened in a browser,
            # the link asks first.
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return headers

    # -- a message at once to the contact on file (codes, new links) ------------------------
    def _dunning_write_now(self, company, sms_body, subject, html):
        """Send at once, to a contact already on file, what the customer is
        waiting for: an SMS to the régua's number (``_dunning_e164``) through
        ``company``'s gateway, else an e-mail from the company. A number that
        asked ``company`` for no more SMS (the gateway refuses them) is skipped.
        Returns (channel, where, masked); raises UserError when there is
        neither."""
        self.ensure_one()
        partner = self.commercial_partner_id
        # Where the régua writes to this customer (its invoice address, else
        # its own: ``_dunning_addressee``), as the reminder holding the link did.
        number = partner._dunning_e164()
        stopped = bool(number) and partner._dunning_sms_opted_out(company)
        if number and not stopped:
            sms = (
                self.env["sms.sms"]
                .sudo()
                .with_company(company)
                .create(
                    {
                        "number": number,
                        "body": sms_body,
                        "partner_id": partner.id,
                        # A retry by the queue goes through this company's gateway too.
                        "gateway_company_id": company.id,
                    }
                )
            )
            sms._send(unlink_failed=False, unlink_sent=True)
            return "sms", mask_phone(number)
        # From the company's own address only (the régua's one sender rule).
        email_from = company._dunning_email_from()
        # Each address of the field, never what is no address ("sem email"),
        # and each masked: the page that says where it went is a token page.
        emails = partner._dunning_addressee("email")._dunning_emails()
        if emails and email_from:
            # The company's mail identity, as its reminders leave with it:
            # bounces to its own domain and its server, whoever asks (a
            # portal visitor is the public user, of the first company).
            headers = {}
            if company.alias_domain_id.bounce_email:
                headers["Return-Path"] = company.alias_domain_id.bounce_email
            self.env["mail.mail"].sudo().with_company(company).create(
                {
                    "subject": subject,
                    "body_html": html,
                    "email_from": email_from,
                    "email_to": ", ".join(emails),
                    "auto_delete": False,  # what it carries expires by itself
                    "record_company_id": company.id,
                    "record_alias_domain_id": company.alias_domain_id.id,
                    "headers": repr(headers) if headers else False,
                }
            ).send()
            return "email", ", ".join(mask_email(email) for email in emails)
        if stopped:
            raise UserError(
                self.env._(
                    "Your mobile number asked us to stop SMS and we have no e-mail address of "
                    "yours to write to: log in to your account or call us."
                )
            )
        raise UserError(
            self.env._(
                "We have no mobile number or e-mail address of yours to write to: reply to "
                "our message or call us."
            )
        )

    # -- no more e-mail reminders (List-Unsubscribe) ----------------------------------------
    def _dunning_unsubscribe_token(self, company):
        """A signature of (customer, company): the unsubscribe link cannot be made
        up for another customer."""
        self.ensure_one()
        message = f"{self.commercial_partner_id.id}:{company.id}"
        return hmac(self.env(su=True), "l10n_br_dunning.unsubscribe", message)

    def _dunning_unsubscribe_url(self, company):
        self.ensure_one()
        partner = self.commercial_partner_id
        token = partner._dunning_unsubscribe_token(company)
        return f"{partner.get_base_url()}/dunning/unsubscribe/{partner.id}/{company.id}/{token}"

    def _dunning_email_opt_out(self, company, opted_out=True):
        """This customer wants (no) more e-mail reminders from ``company``."""
        for partner in self.commercial_partner_id:
            command = Command.link if opted_out else Command.unlink
            partner.sudo().dunning_email_opt_out_company_ids = [command(company.id)]
            partner.sudo().message_post(
                body=self.env._(
                    "The customer asked for no more e-mail reminders from %(company)s: the "
                    "régua uses the other channels, and a letter when none is left.",
                    company=company.name,
                )
                if opted_out
                else self.env._(
                    "The customer accepts e-mail reminders from %(company)s again.",
                    company=company.name,
                )
            )

    def _dunning_call_opt_out(self, company, number=None):
        """This customer asks ``company`` for no more calls (a reply "pare de me
        ligar", written from ``number``): True when it is recorded. Calls are
        an add-on's (l10n_br_dunning_voice records the numbers): none here."""
        return False

    def _dunning_call_companies(self, companies):
        """Among ``companies``, the ids of those whose régua asks for a call to
        this customer that is still open, and of those this customer owes an
        open installment: what tells which company a recorded call is about
        (tools/calls.py)."""
        partner = self.commercial_partner_id
        calling = (
            self.env["dunning.event"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "in", companies.ids),
                    ("channel", "=", "call"),
                    ("activity_id.active", "=", True),
                ]
            )
            .company_id
        )
        Line = self.env["account.move.line"].sudo()
        owed = Line.search(
            Line._dunning_open_domain()
            + [("partner_id", "=", partner.id), ("company_id", "in", companies.ids)]
        ).company_id
        return calling.ids, owed.ids

    def _dunning_mail_context(self, company, title, move=None, auto_submitted=None):
        """The ``dunning_mail`` context of an e-mail of ``company`` to this
        customer: the layout's title and the contact-preferences page (through
        ``move``, or the customer's oldest open invoice); ``auto_submitted``
        (RFC 3834) for an e-mail no person wrote: ``AUTO_GENERATED`` (the
        régua's reminders and thank-yous), ``AUTO_REPLIED`` (its answer to a
        customer's e-mail)."""
        self.ensure_one()
        if not move:
            Line = self.env["account.move.line"].sudo()
            move = Line.search(
                Line._dunning_open_domain()
                + [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                ],
                order="date_maturity, id",
                limit=1,
            ).move_id
        return {
            "title": title,
            "preferences_url": move._dunning_preferences_url() if move else False,
            "unsubscribe_url": self._dunning_unsubscribe_url(company),
            "auto_submitted": auto_submitted,
        }

    # -- statement of open items ("extrato de débitos") --------------------------------------
    def _dunning_statement(self, company):
        """What this customer owes ``company``, by installment, oldest first
        (``lines``; ``pages``: the same a page of the printed table each)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        today = partner._dunning_today(company)  # the date the customer reads it on
        Line = self.env["account.move.line"]
        lines = (
            Line.sudo()
            .search(
                Line._dunning_open_domain()
                + [("partner_id", "=", partner.id), ("company_id", "=", company.id)]
            )
            .sorted(lambda line: (line.date_maturity, line.id))
        )
        context = PlanningContext(self.env)
        items = [
            {
                "line": line,
                "days_overdue": line._dunning_days_overdue(today, context),
                "amount": line._dunning_open_amount(today),
            }
            for line in lines
        ]
        overdue = sum(i["amount"] for i in items if i["days_overdue"] > 0)
        total = sum(i["amount"] for i in items)
        # A payment or a credit note no invoice was matched with yet: the
        # customer may owe that much less (the régua reminds them of nothing,
        # the dashboard shows it); the statement says so, and the balance.
        Channel = self.env["dunning.channel"].sudo()
        credit = Channel._open_credits(partner).get((partner.id, company.id), 0.0)
        credit = credit if Channel._credit_text(company, credit) else 0.0
        return {
            "today": today,
            "lines": items,
            # The table as printed, a table a page under its headings.
            "pages": pages.table_pages(
                items,
                STATEMENT_ROWS_FIRST_PAGE,
                height=lambda item: item["line"]._dunning_printed_lines(),
                tail=STATEMENT_SUMMARY_LINES,
            ),
            "currency": company.currency_id,
            "total": total,
            "overdue": overdue,
            "not_due": total - overdue,
            "credit": credit,
            "balance": company.currency_id.round(total - credit),
        }

    # -- replies by e-mail ---------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_vals):
        """A customer's e-mail answering a reminder (filed on their chatter by
        its References) is read as their SMS and WhatsApp replies are; the
        e-mail stays on the chatter either way, and what the régua does not
        settle (a dispute it missed, a question) is a to-do for a person, as an
        SMS or WhatsApp reply is."""
        result = super()._message_post_after_hook(message, msg_vals)
        author = message.author_id
        if (
            len(self) == 1
            and msg_vals.get("message_type") == "email"
            and not self.env.context.get("dunning_automatic_email")
            and author
            and author.commercial_partner_id == self.commercial_partner_id
        ):
            company = (
                message.parent_id.record_company_id
                or self.env["dunning.event"]
                .sudo()
                .search(
                    [("partner_id", "=", self.commercial_partner_id.id)], order="id desc", limit=1
                )
                .company_id
            )
            text = reply_reader.strip_quoted(html2plaintext(_unquoted(message.body)))
            if company and text:
                _reply, settled = (
                    self.env["dunning.reply"].sudo()._handle_reply(self, company, text, "email")
                )
                if not settled:
                    self._dunning_reply_to_a_person(company, author, text)
        return result

    def _dunning_reply_to_a_person(self, company, author, text):
        """A to-do for who handles this customer's collection at ``company``:
        answer the e-mail ``author`` wrote."""
        partner = self.commercial_partner_id
        user = partner._dunning_collections_user(company)
        partner.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._(
                "Answer the e-mail reply from %(name)s", name=author.name or author.email
            ),
            note=as_note(text),
            dunning_company_id=company.id,
        )

    # -- each customer's best hour ----------------------------------------------------------
    @api.depends_context("company")
    def _compute_dunning_suggested_hours(self):
        for partner in self:
            suggestion = partner._dunning_hours_suggestion(self.env.company)
            partner.dunning_suggested_hours = suggestion.period if suggestion else False
            partner.dunning_hours_evidence = (
                partner._dunning_hours_evidence_text(suggestion) if suggestion else False
            )

    def _dunning_contact_history(self, company, days=365):
        """[{channel, sent_at (naive UTC), event_ids, answer}] of the reminders
        ``company`` sent this customer in the last ``days`` (one per message),
        each with what the customer did within best_hour.WITHIN_DAYS days: paid
        (best_hour.PAID), wrote back to it (REPLIED: an SMS, WhatsApp or e-mail
        reply filed on their chatter for this company), or acted on this
        company's portal pages (VISITED). A channel of its own (a call) refines its contacts
        (``answer``)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        self.env["dunning.event"].flush_model()
        self.env["dunning.portal.request"].flush_model()
        self.env["mail.message"].flush_model(["author_id", "model"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH paid AS (%(paid)s)
                SELECT e.channel, e.sent_at, array_agg(e.id ORDER BY e.id),
                       bool_or(p.paid_on BETWEEN %(sent_on)s AND %(sent_on)s + %(within)s),
                       EXISTS (SELECT 1 FROM mail_message mm
                             LEFT JOIN mail_message parent ON parent.id = mm.parent_id
                                WHERE mm.author_id = %(partner)s
                                  AND mm.model = 'res.partner'
                                  -- Written to this company: an e-mail in
                                  -- reply to its message, an SMS or WhatsApp
                                  -- message to its number.
                                  AND COALESCE(parent.record_company_id, mm.record_company_id)
                                      = %(company)s
                                  AND mm.create_date BETWEEN e.sent_at
                                      AND e.sent_at + make_interval(days => %(within)s)),
                       EXISTS (SELECT 1 FROM dunning_portal_request r
                                WHERE r.partner_id = %(partner)s
                                  AND r.company_id = %(company)s
                                  AND r.create_date BETWEEN e.sent_at
                                      AND e.sent_at + make_interval(days => %(within)s))
                  FROM dunning_event e
             LEFT JOIN paid p ON p.move_id = e.move_id
                 WHERE e.partner_id = %(partner)s AND e.company_id = %(company)s
                   AND e.state IN ('queued', 'to_print', 'printed')
                   AND e.sent_at >= %(since)s
                   AND left(e.channel, 6) != 'thanks' AND e.channel NOT IN ('call', 'letter')
              GROUP BY e.channel, e.sent_at
              ORDER BY e.sent_at
                """,
                paid=PAID_MOVES,
                # A payment's date is the customer's day: the contact's day
                # there (19h30 in Acre is already tomorrow in UTC).
                sent_on=SQL(
                    "(e.sent_at AT TIME ZONE 'UTC' AT TIME ZONE %s)::date",
                    PlanningContext.tz(company, partner),
                ),
                within=best_hour.WITHIN_DAYS,
                partner=partner.id,
                company=company.id,
                # Odoo's clock, as every other moment of the régua (the
                # database's would ignore a frozen or simulated one).
                since=fields.Datetime.now() - timedelta(days=days),
            )
        )
        return [
            {
                "channel": channel,
                "sent_at": sent_at,
                "event_ids": event_ids,
                "answer": (
                    best_hour.PAID
                    if paid
                    else best_hour.REPLIED
                    if replied
                    else best_hour.VISITED
                    if visited
                    else None
                ),
            }
            for channel, sent_at, event_ids, paid, replied, visited in rows
        ]

    def _dunning_hours(self, company):
        """The hours ``company`` contacts this customer in (a key of
        ``dunning_preferred_hours``): the customer's own preference, for every
        company; else the hours ``company`` learned, while it ticks Apply
        learned hours (``best_hour.hours_for``). ``res.company._dunning_window``
        asks it."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        return best_hour.hours_for(
            partner.dunning_preferred_hours,
            partner.dunning_learned_hours,
            company.dunning_apply_suggested_hours,
        )

    def _dunning_hours_suggestion(self, company, current=None):
        """best_hour.suggest over this customer's contacts, at their local time,
        against ``current`` (default: the hours ``company`` contacts them in)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if not partner.id:
            return None
        tz = ZoneInfo(PlanningContext.tz(company, partner))
        contacts = [
            best_hour.Contact(to_utc(row["sent_at"]).astimezone(tz), row["answer"])
            for row in partner._dunning_contact_history(company)
        ]
        return best_hour.suggest(contacts, current or partner._dunning_hours(company))

    def _dunning_hours_evidence_text(self, suggestion):
        """ "Paid 4 of 5 times after a contact in the afternoon." """
        what = {
            best_hour.PAID: self.env._("paid"),
            best_hour.ANSWERED: self.env._("answered the call"),
            best_hour.REPLIED: self.env._("replied"),
            best_hour.VISITED: self.env._("acted on the portal"),
        }
        period = {
            best_hour.MORNING: self.env._("in the morning"),
            best_hour.AFTERNOON: self.env._("in the afternoon"),
            best_hour.EVENING: self.env._("in the evening"),
        }
        return self.env._(
            "%(what)s %(answered)s of %(contacts)s times after a contact %(period)s.",
            what=self.env._(" or ").join(what[kind] for kind in suggestion.kinds).capitalize(),
            answered=suggestion.answered,
            contacts=suggestion.contacts,
            period=period[suggestion.period],
        )

    def action_dunning_apply_suggested_hours(self):
        """A person accepts the suggested hours: they become the customer's
        preferred hours (every company's reminders keep to them)."""
        self.env["account.move"]._dunning_check_collections_user()
        labels = dict(self._fields["dunning_preferred_hours"]._description_selection(self.env))
        for partner in self.filtered("dunning_suggested_hours"):
            hours, evidence = partner.dunning_suggested_hours, partner.dunning_hours_evidence
            partner.dunning_preferred_hours = hours
            partner.message_post(
                body=self.env._(
                    "Preferred hours set to %(hours)s, learned from history: %(evidence)s",
                    hours=labels[hours],
                    evidence=evidence,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _cron_dunning_suggested_hours(self):
        """Each company that applies learned hours learns them again, every
        week, from its own history: for its customers without preferred hours
        of their own, contacted in the last 90 days or with hours it learned
        before, the period in which they answered most often becomes (or stays)
        its learned hours (``dunning_learned_hours``, this company's only); a
        history that no longer tells keeps what was learned. The customer's own
        preference is never written."""
        Partner = self.sudo()
        for company in self.env["res.company"].search(
            [("dunning_apply_suggested_hours", "=", True)]
        ):
            contacted = (
                self.env["dunning.event"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("sent_at", ">=", fields.Datetime.now() - timedelta(days=90)),
                    ]
                )
                .partner_id
            )
            learned = Partner.with_company(company).search([("dunning_learned_hours", "!=", False)])
            # What is learned is written for the company's collections team:
            # in its language, whoever runs the scheduled action.
            partners = (
                (contacted | learned)
                .commercial_partner_id.with_company(company)
                .with_context(lang=company._dunning_lang())
            )
            for partner in partners.filtered(
                lambda p: (p.dunning_preferred_hours or "any") == "any"
            ):
                suggestion = partner._dunning_hours_suggestion(company, current="any")
                if not suggestion:
                    continue
                evidence = partner._dunning_hours_evidence_text(suggestion)
                if suggestion.period != partner.dunning_learned_hours:
                    partner._dunning_learn_hours(company, suggestion.period, evidence)
                elif evidence != partner.dunning_learned_hours_evidence:
                    # The same hours, with the newer figures.
                    partner.dunning_learned_hours_evidence = evidence
        return True

    def _dunning_learn_hours(self, company, hours, evidence):
        """``company`` learned ``hours`` for this customer: stored as its own,
        and said on the customer's chatter."""
        self.ensure_one()
        partner = self.with_company(company)
        partner.write({"dunning_learned_hours": hours, "dunning_learned_hours_evidence": evidence})
        labels = dict(self._fields["dunning_learned_hours"]._description_selection(self.env))
        partner.message_post(
            body=self.env._(
                "Hours learned by %(company)s: %(hours)s. %(evidence)s They apply to "
                "%(company)s's reminders only, while the customer has no preferred hours of "
                "their own.",
                company=company.name,
                hours=labels[hours],
                evidence=evidence,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _dunning_statement_filename(self):
        """The statement's PDF file name (printed or attached to its e-mail), in
        this customer's language, as the statement itself is written."""
        self.ensure_one()
        env = self.with_context(lang=self._dunning_lang(self.env.company)).env
        return env._("Statement - %(customer)s", customer=self.name)

    def action_dunning_send_statement(self):
        """The e-mail composer with the statement template (PDF attached), in
        the régua's layout and from the company's own address."""
        self.ensure_one()
        company = self.env.company
        if not company._dunning_email_from():
            raise UserError(
                self.env._(
                    "%(company)s has no e-mail address to send the statement from: set it on "
                    "the company first.",
                    company=company.name,
                )
            )
        template = self.env.ref(
            "l10n_br_dunning.mail_template_dunning_statement", raise_if_not_found=False
        )
        if not template:
            raise UserError(
                self.env._(
                    "The statement's e-mail template was deleted from this database: print "
                    "the statement (Print > Statement of open items) and send it in an e-mail "
                    "of your own."
                )
            )
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": partner.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": template.email_layout_xmlid,
                "force_email": True,
                "mail_post_autofollow": False,
                # The composer speaks for this company, whichever one the
                # accountant works in (a dashboard row of another company):
                # the templates and the statement read the current company.
                "allowed_company_ids": [company.id]
                + [cid for cid in self.env.companies.ids if cid != company.id],
                "dunning_mail": partner._dunning_mail_context(
                    company,
                    # The customer reads it: in their language, not the accountant's.
                    partner.with_context(lang=partner._dunning_lang(company)).env._(
                        "Statement of open items"
                    ),
                ),
            },
        }

    # -- payer profile ---------------------------------------------------------------------
    @api.model
    def _cron_dunning_payer_profiles(self):
        """Refresh every customer's payer profile (and policy, where the company
        assigns policies by profile)."""
        for company in self.env["res.company"].search([]):
            self._dunning_update_payer_profiles(company)

    @api.model
    def _dunning_update_payer_profiles(self, company, today=None):
        """Average days late (12 months) and class of the customers of ``company``
        with receivables, in a few queries; assigns the class's policy when the
        company asks for it. Returns {partner id: (average, class)}."""
        # The company's day, not that of whoever runs the scheduled action.
        today = today or company.partner_id._dunning_today(company)
        self.env.flush_all()
        # Days late count from the effective due date (the customer's next
        # business day), as everywhere else. Paid: the installments the régua is
        # about, reconciled, except an invoice an agreement settled (the customer
        # paid the agreement's installments, which count on their own due dates).
        Line = self.env["account.move.line"].sudo()
        dunned = Line._search(
            Line._dunning_dunned_domain()
            + [("company_id", "=", company.id), ("reconciled", "=", True), ("balance", ">", 0)]
        )
        paid = self.env.execute_query(
            SQL(
                """
                SELECT l.partner_id, l.balance, %(due)s, MAX(apr.max_date)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
                 WHERE l.id IN %(dunned)s AND NOT %(renegotiated)s
              GROUP BY l.id
                HAVING MAX(apr.max_date) >= %(since)s
                """,
                due=effective_due("l"),
                dunned=dunned.subselect(),
                renegotiated=settled_by_agreement("m"),
                since=today - timedelta(days=365),
            )
        )
        opened = self.env.execute_query(
            SQL(
                """
                SELECT l.partner_id, MIN(%(due)s)
                  FROM account_move_line l
                 WHERE %(open)s
              GROUP BY l.partner_id
                """,
                due=effective_due("l"),
                open=self.env["account.move.line"]._dunning_open_sql(
                    "l", [("company_id", "=", company.id)]
                ),
            )
        )
        # Promises broken in the last 12 months: the promised day passed and the
        # invoice was not paid by then (the portal's new date, or a reply).
        broken = dict(
            self.env.execute_query(
                SQL(
                    """
                    WITH paid AS (%(paid)s)
                    SELECT m.commercial_partner_id, count(*)
                      FROM account_move m
                 LEFT JOIN paid p ON p.move_id = m.id
                     WHERE m.company_id = %(company)s AND m.state = 'posted'
                       AND m.dunning_promise_date >= %(since)s
                       AND m.dunning_promise_date < %(today)s
                       AND (p.paid_on IS NULL OR p.paid_on > m.dunning_promise_date)
                       AND NOT %(renegotiated)s
                  GROUP BY m.commercial_partner_id
                    """,
                    paid=PAID_MOVES,
                    company=company.id,
                    since=today - timedelta(days=365),
                    today=today,
                    renegotiated=settled_by_agreement("m"),
                )
            )
        )
        payments = defaultdict(list)
        for partner_id, amount, due, paid_on in paid:
            payments[partner_id].append((amount, (paid_on - due).days))
        oldest = {partner_id: max((today - due).days, 0) for partner_id, due in opened}
        result = {}
        for partner_id in set(payments) | set(oldest) | set(broken):
            average = average_days_late(payments.get(partner_id, []))
            result[partner_id] = (
                average or 0.0,
                payer_class(average, oldest.get(partner_id, 0), broken.get(partner_id, 0)),
            )
        # Stored for this company (a customer of two companies has two).
        partners = self.browse(list(result)).with_company(company)
        before = {partner.id: partner.dunning_payer_class for partner in partners}
        by_class = defaultdict(list)
        for partner_id, (average, klass) in result.items():
            by_class[(average, klass)].append(partner_id)
        for (average, klass), ids in by_class.items():
            self.browse(ids).with_company(company).write(
                {"dunning_avg_days_late": average, "dunning_payer_class": klass}
            )
        if company.dunning_policy_from_class:
            # Their class's policy is theirs now, where they have none of their own.
            moved = [pid for pid, (_avg, klass) in result.items() if before[pid] != klass]
            if moved:
                self.env["account.move.line"].sudo()._dunning_plan_open_installments(
                    [
                        ("partner_id.commercial_partner_id", "in", moved),
                        ("company_id", "=", company.id),
                    ]
                )
        return result
