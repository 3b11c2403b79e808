# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, LazyTranslate

from odoo.addons.sms_gateway.phone_errors import phone_error_text
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError, readable

from ..tools import channels as rules
from ..tools.caps import SmsCaps
from ..tools.planning import AFTER, BEFORE, ON, day_words, speaking
from .account_move_line import unapplied_credits
from .dunning_context import (
    RENDER_FACTS,
    PlanningContext,
    format_day,
    format_money,
    to_naive,
    to_utc,
)
from .dunning_outbox import AUTO_GENERATED, OutgoingEmail

_logger = logging.getLogger(__name__)
# A message whose template failed to render is tried again after this.
RENDER_RETRY = timedelta(hours=1)
_lt = LazyTranslate(__name__)

# Why a channel did not carry a stage (tools.channels reason codes).
REASONS = {
    rules.PREFERS_EMAIL: _lt("The customer prefers e-mail."),
    rules.PREFERS_SMS: _lt("The customer prefers SMS; the SMS of this stage was sent."),
    rules.NO_MOBILE: _lt("No valid mobile number (%(number)s): %(problem)s"),
    rules.SMS_OPTED_OUT: _lt("The customer opted out of SMS."),
    rules.SMS_CAP: _lt("SMS limit per customer reached: deferred to %(day)s."),
    rules.NO_EMAIL: _lt("The customer has no e-mail address."),
    rules.BAD_EMAIL: _lt("The customer's e-mail address is not valid (%(email)s)."),
    rules.EMAIL_BLACKLISTED: _lt("The customer's e-mail address, or one of them, is blacklisted."),
    rules.EMAIL_OPTED_OUT: _lt("The customer asked this company for no more e-mail reminders."),
    rules.EMAIL_BOUNCED: _lt(
        "The customer's e-mail address bounced (%(email)s): no more e-mails go to it until "
        "it is corrected on the customer."
    ),
    rules.COMPANY_UNIDENTIFIED: _lt(
        "The company's %(missing)s is missing: a collection message must name the supplier "
        "with its address and tax id (CDC art. 42-A). It waits until they are filled in "
        "(Settings), and goes then if still true."
    ),
    rules.COMPANY_NO_EMAIL: _lt(
        "The company has no e-mail address to send from: set it on the company (Settings)."
    ),
    rules.NO_ADDRESS: _lt(
        "The customer has no postal address (street and city, and the CEP in Brazil) on file: "
        "complete it before printing the letter."
    ),
    rules.NO_PHONE: _lt("The customer has no phone number on file: look one up to call."),
    rules.OPEN_CREDIT: _lt(
        "The customer has a credit of %(amount)s not yet applied to their invoices (a credit "
        "note or a payment not matched): apply it before the régua reminds them."
    ),
    rules.OUTSIDE_WINDOW: _lt(
        "Outside the customer's sending window (hours, weekend or holiday): deferred to %(day)s."
    ),
}
# The shipped templates' language: the customer's (res.partner._dunning_lang).
CUSTOMER_LANG = "{{ object._dunning_lang() }}"
# The frame of every régua e-mail (data/mail_templates_email_layouts.xml).
DUNNING_LAYOUT = "l10n_br_dunning.mail_layout_dunning"
# The e-mail instead of an SMS (or WhatsApp) of a stage that has none, per its
# side of the due date (tools.planning.day_words).
FALLBACK_EMAILS = {
    BEFORE: "l10n_br_dunning.mail_template_dunning_reminder",
    ON: "l10n_br_dunning.mail_template_dunning_due",
    AFTER: "l10n_br_dunning.mail_template_dunning_overdue",
}
# What an event becomes once its decision is carried out.
SENT_STATE = {"email": "queued", "sms": "queued", "call": "queued", "letter": "to_print"}


@dataclass
class BatchFacts:
    """``dunning.channel._batch_facts``: read once for a batch of customers."""

    # {(E.164 number, company id)} that must get no SMS from that company: its
    # SMS opt-outs and Odoo's global phone.blacklist (``sms.opt.out._opted_out``)
    opted_out: set
    blacklisted: set  # normalized e-mails in mail.blacklist
    # {(partner id, company id, channel): [event dicts: sent_at, message]} of the
    # capped channels (``_capped_channels``)
    sent: dict
    # {(commercial partner id, company id): credit not yet applied}
    credits: dict = field(default_factory=dict)


@dataclass
class Outgoing:
    """One message of one customer: a decision of ``tools.channels.choose`` with
    the installments, the stage that speaks (``tools.planning.speaking``: the
    most advanced one, whose text is true of them all) and the template it uses."""

    decision: rules.Decision
    lines: object  # account.move.line
    stage: object  # dunning.stage
    template: object  # mail.template, sms.template or None

    @property
    def channel(self):
        return self.decision.channel


class DunningChannel(models.AbstractModel):
    """The régua's channels: which ones carry a customer's reminder (the plain
    rules of ``tools/channels.py``), and writing each message.

    The run, "send now", the deferred pass and the preview all go through
    ``_outgoing``; the first three then ``_execute`` what it returns, the
    preview only renders it. ``_send_partner`` is the one entry that decides,
    carries out and records one customer's messages (events, invoice notes),
    for the run, "send now" (``_send_now``), the deferred pass and WhatsApp's
    fallback; ``dunning.outbox`` writes them.
    """

    _name = "dunning.channel"
    _description = "Dunning Channels"

    # -- what the régua knows of a customer -----------------------------------------
    @api.model
    def _batch_facts(self, partners, now):
        """What ``_contact`` and ``_caps`` read for each of ``partners``, read for
        all of them at once (a run's batch): SMS opt-outs, blacklisted e-mails and
        the SMS of the last eight days, in three set-based queries."""
        wanted = []
        for partner in partners:
            try:
                wanted.append(partner._dunning_sms_number())
            except PhoneNumberError:
                continue
        wanted = [number for number in wanted if number]
        companies = self.env["res.company"].sudo().search([]) if wanted else ()
        opted_out = self.env["sms.opt.out"]._opted_out(
            [(number, company) for number in wanted for company in companies]
        )
        # Every address the e-mail goes to ("financeiro@x; contato@x" is two).
        emails = [
            email
            for partner in partners
            for email in partner._dunning_addressee("email")._dunning_emails()
        ]
        blacklisted = set(
            self.env["mail.blacklist"].sudo().search([("email", "in", emails)]).mapped("email")
            if emails
            else []
        )
        sent = defaultdict(list)
        since = to_naive(now) - timedelta(days=8)
        for event in self._sent_events([("partner_id", "in", partners.ids)], since):
            key = (event["partner_id"][0], event["company_id"][0], event["channel"])
            sent[key].append(event)
        return BatchFacts(opted_out, blacklisted, dict(sent), self._open_credits(partners))

    @api.model
    def _open_credits(self, partners):
        """{(commercial partner id, company id): amount} of credit these
        customers have that no invoice was matched with yet
        (``account_move_line.unapplied_credits``)."""
        if not partners:
            return {}
        self.env["account.move.line"].flush_model(
            ["amount_residual", "account_id", "parent_state", "partner_id", "company_id"]
        )
        rows = self.env.execute_query(
            unapplied_credits(SQL("SELECT unnest(%s::int[])", partners.commercial_partner_id.ids))
        )
        return {(partner_id, company_id): amount for partner_id, company_id, amount in rows}

    @api.model
    def _credit_text(self, company, credit):
        """A credit not yet applied at ``company`` as its reason writes it (in
        the company's language), or None when there is none to hold for."""
        if company.currency_id.compare_amounts(credit, 0) <= 0:
            return None
        return format_money(self.env, credit, company.currency_id, company._dunning_lang())

    @api.model
    def _credit_reason(self, company, credit_text):
        """Why nothing reminds a customer with a credit not yet applied at
        ``company`` (``_credit_text``), in the company's language."""
        decision = rules.Decision(
            "letter", [], rules.SKIPPED, rules.OPEN_CREDIT, args={"amount": credit_text}
        )
        return self.with_context(lang=company._dunning_lang())._reason(decision)

    @api.model
    def _contact(self, partner, company, facts=None):
        """``tools.channels.Contact`` of ``partner`` (a commercial partner), each
        channel's address read on the contact it uses (``_dunning_addressee``:
        the invoice address, else the customer); its preferences (channel,
        opt-outs) are the customer's. ``facts`` (``_batch_facts``) spares its
        queries."""
        to_email = partner._dunning_addressee("email")
        to_sms = partner._dunning_addressee("sms")
        to_call = partner._dunning_addressee("phone")
        try:
            number, error = partner._dunning_sms_number(), None
        except PhoneNumberError as problem:
            number, error = None, problem.code
        # Each address the e-mail would go to: one blacklisted stops it (Odoo's
        # mail queue writes to every address of the field).
        addresses = to_email._dunning_emails()
        credits = facts.credits if facts is not None else self._open_credits(partner)
        credit = credits.get((partner.commercial_partner_id.id, company.id), 0.0)
        if facts is not None:
            opted_out = bool(number) and (number, company.id) in facts.opted_out
            blacklisted = any(email in facts.blacklisted for email in addresses)
        else:
            opted_out = bool(number and self.env["sms.opt.out"]._opted_out([(number, company)]))
            blacklisted = bool(
                addresses
                and self.env["mail.blacklist"]
                .sudo()
                .search_count([("email", "in", addresses)], limit=1)
            )
        return rules.Contact(
            preferred=partner.dunning_preferred_channel or "any",
            # An address mail can go to ("foo@", "bruno@@cliente..example" are
            # on file, not usable).
            email=bool(to_email._dunning_email()),
            email_raw=(to_email.email or "").strip() or None,
            email_blacklisted=blacklisted,
            email_opted_out=company in partner.dunning_email_opt_out_company_ids,
            email_bounced=to_email._dunning_email_bounced(),
            sms_number=number,
            sms_error=error,
            sms_raw_number=to_sms.mobile or to_sms.phone or None,
            sms_opted_out=opted_out,
            email_fallback=company.dunning_email_fallback,
            company_email=bool(company._dunning_email_from()),
            postal_address=partner._dunning_addressee("letter")._dunning_postal_address(),
            phone=bool(to_call._dunning_number_on_file()),
            open_credit=self._credit_text(company, credit),
        )

    @api.model
    def _capped_channels(self):
        """The channels with a per-customer cap (the company's SMS caps)."""
        return ["sms"]

    @api.model
    def _sent_events(self, domain, since):
        """[{partner_id, company_id, channel, sent_at, message}] of the messages of
        the capped channels sent since ``since`` (naive UTC)."""
        events = (
            self.env["dunning.event"]
            .sudo()
            .search_read(
                [
                    *domain,
                    ("channel", "in", self._capped_channels()),
                    ("state", "=", "queued"),
                    ("sent_at", ">=", since),
                ],
                ["partner_id", "company_id", "channel", "sent_at", "sms_uuid", "mail_message_id"],
            )
        )
        for event in events:
            # One message may carry several events: count messages, not events.
            message = event["mail_message_id"] and event["mail_message_id"][0]
            event["message"] = event["sms_uuid"] or message or ("event", event["id"])
        return events

    @api.model
    def _caps(self, partner, company, now, context, facts=None, channel="sms"):
        """The customer's caps on ``channel`` at ``now``: its messages already sent
        in the week, counted on the local day each one really left (``facts``:
        read for the batch)."""
        tz = context.tz(company, partner)
        today = context.today(company, partner, now)
        calendar = context.calendar(company, partner)
        window = context.window(company, partner)
        return SmsCaps(
            today,
            self._sent_days(partner, company, today, tz, facts, channel),
            company.dunning_sms_per_day,
            company.dunning_sms_per_week,
            next_contact_day=lambda day: window.next_contact_day(day, calendar),
        )

    @api.model
    def _sent_days(self, partner, company, today, tz, facts=None, channel="sms"):
        """Local days of the messages of ``channel`` that ``company`` sent this
        customer in the week up to ``today`` (each company, each CNPJ, has its
        own caps)."""
        since = to_naive(datetime.combine(today - timedelta(days=6), time(0), tzinfo=ZoneInfo(tz)))
        if facts is not None:
            events = facts.sent.get((partner.id, company.id, channel), [])
        else:
            events = self._sent_events(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id)], since
            )
        sent = {e["message"]: e["sent_at"] for e in events if e["channel"] == channel}
        sent = {key: moment for key, moment in sent.items() if moment >= since}
        return [to_utc(moment).astimezone(ZoneInfo(tz)).date() for moment in sent.values()]

    # -- the decisions -------------------------------------------------------------------
    @api.model
    def _outgoing(
        self,
        partner,
        to_send,
        contact,
        caps=None,
        channels=None,
        origin=rules.AUTO,
        fallback=True,
        closed_until=None,
    ):
        """[Outgoing] for one message group ``to_send`` ({dunning.stage: lines}).

        ``channels`` restricts the stages' channels (a person's choice, or the
        deferred pass's one channel); ``closed_until`` defers what would go to
        that day (the customer's window is closed now)."""
        stage_of = {line: stage for stage, group in to_send.items() for line in group}
        channel_lines = {}
        for stage, group in to_send.items():
            for channel in stage._channels() if channels is None else channels:
                channel_lines.setdefault(channel, []).extend(group.ids)
        Line = self.env["account.move.line"]
        company = Line.browse(next(iter(channel_lines.values()), [])[:1]).company_id
        decisions = self._decide(
            partner,
            to_send,
            contact,
            channel_lines,
            caps,
            origin=origin,
            fallback=fallback,
            closed_until=closed_until,
            company_missing=company._dunning_identity_missing() if company else None,
        )
        rules.hold_for_credit(decisions, contact, origin)
        result = []
        for decision in decisions:
            lines = Line.browse(decision.lines)
            stage = speaking(
                (stage_of[line] for line in lines), offset=lambda stage: stage.offset_days
            )
            result.append(Outgoing(decision, lines, stage, self._template(decision, stage)))
        return result

    @api.model
    def _decide(self, partner, to_send, contact, channel_lines, caps, **options):
        """The decisions of ``tools.channels.choose`` for one message group; an
        add-on with a channel of its own (WhatsApp) decides it here first."""
        return rules.choose(contact, channel_lines, caps, **options)

    @api.model
    def _sent_state(self, channel):
        """What an event of ``channel`` becomes once its message is written."""
        return SENT_STATE.get(channel, "queued")

    @api.model
    def _template(self, decision, stage):
        if decision.channel == "sms":
            return stage.sms_template_id
        if decision.channel != "email":
            return None
        if decision.origin == rules.FALLBACK:
            # A stage without an e-mail of its own (SMS, WhatsApp only): the
            # shipped e-mail of its side of the due date, true on its day
            # ("vence em breve" the day before, never "ainda não identificamos").
            side, _count, _business = day_words(stage.offset_days)
            return stage.mail_template_id or self.env.ref(
                FALLBACK_EMAILS[side], raise_if_not_found=False
            )
        return stage.mail_template_id

    @api.model
    def _unnamed_reason(self, company):
        """Why a message of ``company`` waits while the company cannot name
        itself (``tools/channels.py`` ``hold``), as its events say it (the
        company's language); False when it can."""
        missing = company._dunning_identity_missing()
        if not missing:
            return False
        decision = rules.Decision(
            rules.EMAIL, [], rules.DEFERRED, rules.COMPANY_UNIDENTIFIED, args={"missing": missing}
        )
        return self.with_context(lang=company._dunning_lang())._reason(decision)

    @api.model
    def _reason(self, decision):
        """The decision's reason in words (the environment's language)."""
        if not decision.reason:
            return False
        args = dict(decision.args)
        if decision.reason == rules.NO_MOBILE:
            code = args.pop("code", None) or "empty"
            args["problem"] = phone_error_text(code, self.env.lang)
        if decision.reason in (rules.SMS_CAP, rules.OUTSIDE_WINDOW):
            args["day"] = args["day"].strftime("%d/%m/%Y")
        return self.env._(REASONS[decision.reason]) % args

    # -- rendering -------------------------------------------------------------------------
    @api.model
    def _template_for(self, template, lines, partner):
        """``template`` ready to render for ``lines``: their installments in the
        context, their company as the environment's company (the templates'
        ``object.env.company``: a cron runs in the main company), and the
        customer's language as the fallback of the template's own."""
        company = lines[:1].company_id or self.env.company
        lang = partner._dunning_lang(company)
        context = {"lang": lang, **self._render_context(lines)}
        if template._name == "sms.template":
            # Its optional parts marked (sms.template._dunning_render_sms): in
            # this one environment rather than another for each SMS.
            context["dunning_sms_marks"] = True
        if (template.lang or "").strip() in ("", CUSTOMER_LANG):
            # The template's language is the customer's, already known: Odoo
            # need not render its "lang" expression again for each message.
            context["template_preview_lang"] = lang
        return template.with_company(company).with_context(**context)

    @api.model
    def _render_context(self, lines):
        # dunning_qweb_cache: compile each template body once per run (mail.template);
        # the run's figures of these installments, when it gave them (_execute).
        facts = {key: self.env.context[key] for key in RENDER_FACTS if key in self.env.context}
        return {"dunning_line_ids": lines.ids, "dunning_qweb_cache": True, **facts}

    @api.model
    def _render(self, outgoing, partner):
        """{subject, body_html, reply_to} of an e-mail, {body} of an SMS, as it
        will be sent (the sender is always the company's own address).
        Raises whatever the template raises."""
        template = outgoing.template
        if outgoing.channel == "email":
            return self._template_for(template, outgoing.lines, partner)._generate_template(
                [partner.id], ["subject", "body_html", "reply_to"]
            )[partner.id]
        if outgoing.channel == "sms":
            template = self._template_for(template, outgoing.lines, partner)
            return {"body": template._dunning_render_sms(partner)}
        return {"body": self._describe(outgoing, partner)}

    @api.model
    def _describe(self, outgoing, partner):
        if outgoing.channel == "call":
            return self.env._("A call activity: %(summary)s", summary=self._call_summary(outgoing))
        return self.env._("A collection letter to print.")

    # -- carrying out -----------------------------------------------------------------
    @api.model
    def _execute(self, outgoing, partner, now, context, outbox=None):
        """Carry out one decision: (event state, reason, extra event values).
        With an ``outbox``, messages that can be written in bulk wait in it."""
        decision = outgoing.decision
        company = outgoing.lines[:1].company_id

        def reason_env():
            # Reasons are written in the company's language, whoever runs the
            # cron (asked only when there is a reason to write).
            return self.with_context(lang=company._dunning_lang()) if company else self

        if decision.state == rules.SKIPPED:
            return "skipped", reason_env()._reason(decision), {}
        if decision.state == rules.DEFERRED:
            moment = self._deferred_moment(outgoing, partner, context, now)
            return "deferred", reason_env()._reason(decision), {"scheduled_at": to_naive(moment)}
        # The message speaks of the run's moment (its date, a call's deadline),
        # not of the clock of the machine that renders it.
        renderer = self.with_context(dunning_now=now)
        if context is not None:
            renderer = renderer.with_context(**context.render_facts(outgoing.lines, now))
        try:
            rendered = renderer._render(outgoing, partner)
        except Exception as error:  # noqa: BLE001  (any QWeb error: record it, go on)
            _logger.warning(
                "Dunning %s template %s failed for %s: %s",
                outgoing.channel,
                outgoing.template,
                partner,
                error,
            )
            # Nothing is lost: the message waits for the next run, and goes once
            # the template is fixed (the deferred pass renders it again; its day
            # passing or a later stage settles it as any deferred message).
            retry = to_naive(now + RENDER_RETRY)
            reason = reason_env().env._(
                "The template “%(template)s” failed to render (%(error)s): the message is "
                "tried again at each run and goes once the template is fixed.",
                template=outgoing.template.display_name if outgoing.template else outgoing.channel,
                error=self._render_error_text(error),
            )
            return "deferred", reason, {"scheduled_at": retry}
        deliver = getattr(renderer, f"_deliver_{outgoing.channel}")
        extra = deliver(outgoing, partner, rendered, outbox)
        # A warning for the person who carries it out ("no postal address").
        warning = reason_env()._reason(decision) if decision.reason else False
        return self._sent_state(outgoing.channel), warning, {"sent_at": to_naive(now), **extra}

    @api.model
    def _render_error_text(self, error):
        """A template's error as a reason quotes it: its last line, short."""
        text = str(error).strip()
        return text.splitlines()[-1][:300] if text else "?"

    @api.model
    def _deferred_moment(self, outgoing, partner, context, now=None):
        """When a deferred message goes: its window's opening on its day; a
        message waiting with no day (the company cannot identify itself yet)
        is looked at again by the next run."""
        if outgoing.decision.defer_day is None:
            return to_utc(now or fields.Datetime.now())
        company = outgoing.lines[:1].company_id
        return context.opening(company, partner, outgoing.decision.defer_day)

    @api.model
    def _mail_title(self, outgoing):
        """The layout's title: the invoice, or "Collection" for several, in
        this environment's language (the customer's), not the lines' (whoever
        runs the scheduled action)."""
        moves = outgoing.lines.move_id.with_env(self.env)
        thanks = self.env["ir.model.data"]._xmlid_to_res_id(
            "l10n_br_dunning.mail_template_dunning_thanks", raise_if_not_found=False
        )
        if thanks and outgoing.template.id == thanks:
            return self.env._("Payment received")
        if len(moves) == 1:
            return moves._dunning_document_label()
        return self.env._("Collection")

    @api.model
    def _deliver_email(self, outgoing, partner, rendered, outbox=None):
        lines = outgoing.lines
        company = lines[:1].company_id or self.env.company
        lang = partner._dunning_lang(company)
        recipient = partner._dunning_addressee("email")
        email = OutgoingEmail(
            partner=partner,
            recipient=recipient,
            company=company,
            lang=lang,
            subject=rendered.get("subject"),
            body=rendered.get("body_html"),
            # The collections team's address when the company sets one (the
            # templates' reply_to), else Odoo's catchall: either way the answer
            # is filed on the customer's chatter (References header).
            reply_to=rendered.get("reply_to") or None,
            layout=outgoing.template.email_layout_xmlid or DUNNING_LAYOUT,
            attachment_ids=lines.move_id.invoice_pdf_report_id.ids,
            mail_context=partner._dunning_mail_context(
                company,
                self.with_context(lang=lang)._mail_title(outgoing),
                lines[:1].move_id,
                auto_submitted=AUTO_GENERATED,
            ),
        )
        # Who received it, where it is not the customer (the invoice address):
        # its delivery and bounces are read on that contact's notification.
        sent_to = {"recipient_id": recipient.id} if recipient != partner else {}
        if outbox is not None:
            return {"_outbox_email": outbox.add_email(email), **sent_to}
        [message_id] = self.env["dunning.outbox"]._post_emails([email])
        return {"mail_message_id": message_id, **sent_to}

    @api.model
    def _deliver_sms(self, outgoing, partner, rendered, outbox=None):
        company = outgoing.lines[:1].company_id or self.env.company
        number = partner._dunning_sms_number()
        item = (partner, company, rendered["body"], number)
        if outbox is not None:
            return {"_outbox_sms": outbox.add_sms(*item)}
        [(message_id, uuid)] = self.env["dunning.outbox"]._post_sms([item])
        return {"mail_message_id": message_id, "sms_uuid": uuid}

    @api.model
    def _call_summary(self, outgoing):
        return self.env._("Call about %(amount)s overdue", amount=_money(outgoing.lines, self.env))

    @api.model
    def _whom_to_call(self, partner):
        """The call task's first line: whom to call, at which number
        (``_dunning_call_number``: the invoice address's, else the customer's),
        as a person dials it; a number on file no call can ring is shown to be
        checked."""
        contact = partner._dunning_addressee("phone")
        try:
            number = readable(partner._dunning_call_number())
        except PhoneNumberError:
            on_file = contact._dunning_number_on_file()
            if not on_file:
                return self.env._("No phone number on file: look one up to call.")
            return self.env._(
                "The number on file, %(number)s, is not one a call can ring: check it.",
                number=on_file,
            )
        if contact != partner and not (contact.name or "").strip():
            # An invoice address without a name of its own (Odoo allows it).
            return self.env._(
                "Call %(customer)s's invoice address at %(number)s.",
                customer=partner.name or "",
                number=number,
            )
        if contact != partner:
            return self.env._(
                "Call %(name)s, %(customer)s's invoice address, at %(number)s.",
                name=contact.name or "",
                customer=partner.name or "",
                number=number,
            )
        return self.env._("Call %(name)s at %(number)s.", name=partner.name or "", number=number)

    @api.model
    def _deliver_call(self, outgoing, partner, rendered, outbox=None):
        lines, stage = outgoing.lines, outgoing.stage
        company = lines[:1].company_id or self.env.company
        user = partner._dunning_collections_user(company, before=(stage.activity_user_id,))
        # Read by the company's collections team, in its language (dates too).
        lang = company._dunning_lang()
        self = self.with_context(lang=lang)
        rows = Markup("").join(
            Markup("<li>%s: %s, %s</li>")
            % (
                line.move_id.name,
                format_day(self.env, line.date_maturity, lang),
                _money(line, self.env),
            )
            for line in lines
        )
        note = Markup("<p>%s</p><p>%s</p><ul>%s</ul><p>%s</p>") % (
            self._whom_to_call(partner),
            self.env._("Understand why it is late and propose an agreement."),
            rows,
            self.env._(
                'Record the outcome with "Record call outcome" on the customer: a promise '
                "or a dispute pauses the régua."
            ),
        )
        values = {
            # What activity_schedule writes, so that the call lands in the person's
            # "My activities" and they follow the customer.
            "activity_type_id": stage.activity_type_id.id
            or self.env["ir.model.data"]._xmlid_to_res_id("mail.mail_activity_data_call"),
            "summary": self._call_summary(outgoing),
            "automated": True,
            "note": note,
            # The customer's today (the run's UTC date is tomorrow after 21:00).
            "date_deadline": partner._dunning_today(company, self.env.context.get("dunning_now")),
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": partner.id,
            "user_id": user.id,
            # The customer is every company's: the call is this company's.
            "dunning_company_id": company.id,
        }
        if outbox is not None:
            return {"_outbox_activity": outbox.add_activity(values)}
        return {"activity_id": self.env["dunning.outbox"]._schedule_calls([values])[0]}

    @api.model
    def _deliver_letter(self, outgoing, partner, rendered, outbox=None):
        # Rendered when printed from the "Letters to print" list, never in the run.
        return {}

    # -- one customer's messages: decided, carried out, recorded ---------------------------
    @api.model
    def _settled_reason(self, why, company=None):
        """Why a stage was settled unsent, in ``company``'s language."""
        env = self.with_context(lang=company._dunning_lang()).env if company else self.env
        if why == "expired":
            return env._(
                "Its day had passed: its text (before or on the due date) would no longer be true."
            )
        return env._("A more advanced stage was due at the same time.")

    @api.model
    def _settled_events(self, settled, now, context, reason_of):
        """The events of stages settled unsent, [(line, stage, "superseded" or
        "expired")]: one per channel of each stage. A first run on a backlog
        settles thousands; what an installment's events share (customer, days
        overdue, amount, why) is read once through ``_event_values``, then only
        the stage and the channel change. ``reason_of(why, company)``: the text."""
        events = []
        shared = {}
        for line, stage, why in settled:
            for channel in stage._channels():
                values = shared.get((line, why))
                if values is None:
                    values = shared[line, why] = self._event_values(
                        line,
                        stage,
                        channel,
                        "superseded",
                        now,
                        context,
                        reason=reason_of(why, line.company_id),
                    )
                else:
                    values = dict(
                        values, stage_id=stage.id, policy_id=stage.policy_id.id, channel=channel
                    )
                events.append(values)
        return events

    @api.model
    def _event_values(self, line, stage, channel, state, now, context, origin="auto", reason=False):
        partner, days_overdue = context.line_overdue(line, now)
        return {
            "move_line_id": line.id,
            "move_id": line.move_id.id,
            "partner_id": partner.id,
            "company_id": line.company_id.id,
            "stage_id": stage.id,
            # The stage's policy (a stored related): given, not recomputed per event.
            "policy_id": stage.policy_id.id,
            "channel": channel,
            "origin": origin,
            "state": state,
            "reason": reason,
            # What the message stated (a letter prints it).
            "amount_residual": line._dunning_open_amount(),
            "currency_id": line.company_currency_id.id,
            "days_overdue": days_overdue,
        }

    @api.model
    def _message_groups(self, to_send):
        """{stage: lines} per message: the whole customer at once, or one invoice at a
        time when the company does not group messages."""
        lines = self.env["account.move.line"].union(*to_send.values())
        if lines[:1].company_id.dunning_group_messages:
            return [to_send]
        return [
            {stage: group & move_lines for stage, group in to_send.items() if group & move_lines}
            for move_lines in lines.grouped("move_id").values()
        ]

    @api.model
    def _send_now(self, lines, stage, channels, outside_window_reason=None):
        """A person sends ``stage`` on ``channels`` for these installments now:
        no SMS caps (a person decided), events of origin "manual". Outside the
        customer's sending window (hours, weekend, holiday) the messages wait
        for its next opening, unless ``outside_window_reason`` is given (a
        collections manager's explicit choice, logged on the invoices). The
        stage counts as reached, so the régua does not send it again by itself."""
        now = to_utc(fields.Datetime.now())
        context = PlanningContext(self.env)
        lines = lines.filtered(lambda line: line._dunning_is_open())
        if not lines:
            return self.env["dunning.event"]
        lines.move_id._dunning_ensure_tokens()
        events = self.env["dunning.event"]
        for (partner, company), partner_lines in lines._dunning_by_customer().items():
            closed_until = None
            if not outside_window_reason:
                closed_until = self._closed_until(partner, company, now, context)
            events |= self._send_partner(
                partner,
                {stage: partner_lines},
                now,
                context,
                channels=channels,
                origin=rules.MANUAL,
                closed_until=closed_until,
            )
        if outside_window_reason:
            body = self.env._(
                "Sent outside the customer's sending window by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=outside_window_reason,
            )
            for move in lines.move_id:
                move.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        reached = {
            line.id: stage.id
            for line in lines
            if (line.dunning_stage_id.offset_days or -(10**6)) < stage.offset_days
        }
        moments = {line.id: line._dunning_next_moment(now, context) for line in lines}
        self.env["account.move.line"]._dunning_store_next_actions(moments, reached, context)
        lines.move_id.invalidate_recordset(["dunning_stage_id", "dunning_next_action_at"])
        self.env["dunning.engine"]._wake_queues()
        return events

    @api.model
    def _next_opening(self, partner, company, now, context):
        """None when ``partner`` may be contacted at ``now``, else the next
        opening of their sending window (aware UTC)."""
        allowed = context.next_allowed(company, partner, now)
        return None if allowed <= now else allowed

    @api.model
    def _closed_until(self, partner, company, now, context):
        """None when ``partner`` may be contacted at ``now``, else the local day of
        the window's next opening."""
        opening = self._next_opening(partner, company, now, context)
        if opening is None:
            return None
        return opening.astimezone(ZoneInfo(context.tz(company, partner))).date()

    @api.model
    def _send_partner(
        self,
        partner,
        to_send,
        now,
        context,
        contact=None,
        caps=None,
        channels=None,
        origin="auto",
        closed_until=None,
        outbox=None,
        fallback=True,
        deferred=None,
    ):
        """The messages of one group ``to_send`` ({stage: lines}) of this customer,
        as ``dunning.channel`` decides them, and their events (written in the same
        transaction). Returns the events; with an ``outbox`` (a run's batch), the
        SMS, events and notes wait in it and nothing is returned. ``fallback``
        False: an SMS that cannot go gets no e-mail instead. ``contact`` and
        ``caps`` are read here unless a run's batch read them already.
        ``deferred``: the events held for the window that these messages carry
        out (the deferred pass): they are updated, not created again."""
        stage_of = {line: stage for stage, group in to_send.items() for line in group}
        company = next(iter(to_send.values()))[:1].company_id
        if contact is None:
            contact = self._contact(partner, company)
        if caps is None:
            caps = self._caps(partner, company, now, context)
        events = []
        outgoing = self._outgoing(
            partner,
            to_send,
            contact,
            caps,
            channels=channels,
            origin=origin,
            closed_until=closed_until,
            fallback=fallback,
        )
        results = []
        for out in outgoing:
            state, reason, extra = self._execute(out, partner, now, context, outbox)
            results.append((out, state, reason, extra))
            if deferred is not None:
                continue
            for line in out.lines:
                values = self._event_values(
                    line,
                    stage_of[line],
                    out.channel,
                    state,
                    now,
                    context,
                    origin=out.decision.origin,
                    reason=reason,
                )
                values.update(extra)
                events.append(values)
        lines = self.env["account.move.line"].union(*to_send.values())
        used = defaultdict(lambda: self.env["account.move.line"])
        for out in outgoing:
            if out.decision.state == rules.SEND:
                used[out.channel] |= out.lines
        bodies = self._invoice_notes(lines, stage_of, used)
        if deferred is not None:
            for out, state, reason, extra in results:
                for event in deferred.filtered(lambda e, out=out: e.move_line_id in out.lines):
                    # What the message states now (dunning.event._stated_amount_changed).
                    amount = event.move_line_id._dunning_open_amount()
                    event.write(
                        {"state": state, "reason": reason, "amount_residual": amount, **extra}
                    )
            self.env["dunning.outbox"]._log_notes(bodies)
            return deferred
        if outbox is not None:
            outbox.events.extend(events)
            outbox.notes.update(bodies)
            return self.env["dunning.event"]
        created = self.env["dunning.event"].sudo().create(events)
        self.env["dunning.outbox"]._log_notes(bodies)
        return created

    @api.model
    def _invoice_notes(self, lines, stage_of, channels):
        """{move: note} for each invoice's chatter: the stage and its channels,
        in the company's language (as the events' reasons), whoever runs the
        scheduled action."""
        Event = self.env["dunning.event"]
        envs, labels = {}, {}  # company -> env in its language; lang -> {channel: label}
        bodies = {}
        for move, move_lines in lines.grouped("move_id").items():
            if move.company_id not in envs:
                envs[move.company_id] = self.with_context(lang=move.company_id._dunning_lang()).env
            env = envs[move.company_id]
            if env.lang not in labels:
                labels[env.lang] = dict(Event._fields["channel"]._description_selection(env))
            stage = max((stage_of[line] for line in move_lines), key=lambda s: s.offset_days)
            used = [labels[env.lang][c] for c, group in channels.items() if group & move_lines]
            bodies[move] = escape(
                env._(
                    "Régua de cobrança, stage %(stage)s: %(channels)s.",
                    stage=stage.with_env(env).name,
                    channels=", ".join(used),
                )
            )
        return bodies


def _money(lines, env=None):
    """The open amount of ``lines``, written in ``env``'s language (the
    lines')."""
    currency = lines[:1].company_currency_id
    amount = sum(line._dunning_open_amount() for line in lines)
    return format_money(env or lines.env, amount, currency)
