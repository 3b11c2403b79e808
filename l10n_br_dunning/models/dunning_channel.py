# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.tools import LazyTranslate, html2plaintext
from odoo.tools.misc import format_amount

from odoo.addons.sms_gateway.models.sms_sms import PHONE_ERRORS
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError

from ..tools import channels as rules
from ..tools.caps import SmsCaps
from .dunning_context import to_naive, to_utc

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# Why a channel did not carry a stage (tools.channels reason codes).
REASONS = {
    rules.PREFERS_EMAIL: _lt("The customer prefers e-mail."),
    rules.PREFERS_SMS: _lt("The customer prefers SMS; the SMS of this stage was sent."),
    rules.NO_MOBILE: _lt("No valid mobile number (%(number)s): %(problem)s"),
    rules.SMS_OPTED_OUT: _lt("The customer opted out of SMS."),
    rules.SMS_CAP: _lt("SMS limit per customer reached: deferred to %(day)s."),
    rules.NO_EMAIL: _lt("The customer has no e-mail address."),
    rules.EMAIL_BLACKLISTED: _lt("The customer's e-mail is blacklisted."),
    rules.COMPANY_UNIDENTIFIED: _lt(
        "The company's %(missing)s is missing: a collection message must name the supplier "
        "with its address and CNPJ (CDC art. 42-A)."
    ),
    rules.COMPANY_NO_EMAIL: _lt(
        "The company has no e-mail address to send from: set it on the company (Settings)."
    ),
    rules.OUTSIDE_WINDOW: _lt(
        "Outside the customer's sending window (hours, weekend or holiday): deferred to %(day)s."
    ),
}
# The frame of every régua e-mail (data/mail_templates_email_layouts.xml).
DUNNING_LAYOUT = "l10n_br_dunning.mail_layout_dunning"
# What an event becomes once its decision is carried out.
SENT_STATE = {"email": "queued", "sms": "queued", "call": "queued", "letter": "to_print"}


@dataclass
class BatchFacts:
    """``dunning.channel._batch_facts``: read once for a batch of customers."""

    opted_out: set  # E.164 numbers in phone.blacklist
    blacklisted: set  # normalized e-mails in mail.blacklist
    sms_sent: dict  # {(partner id, company id): [event dicts: sent_at, sms_uuid]}


class Outbox:
    """The messages of a run's batch, written together at its end
    (``dunning.channel._flush_outbox``), in the batch's transaction: the SMS
    with their chatter messages, notifications and trackers, the events, the
    invoices' chatter notes."""

    def __init__(self):
        self.sms = []  # (partner, company, body, number)
        self.events = []  # event values; "_outbox_sms": index in self.sms
        self.notes = {}  # {account.move: note}

    def add_sms(self, partner, company, body, number):
        self.sms.append((partner, company, body, number))
        return len(self.sms) - 1


@dataclass
class Outgoing:
    """One message of one customer: a decision of ``tools.channels.choose`` with
    the installments, the stage that speaks (the most advanced one) and the
    template it uses."""

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
    preview only renders it.
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
        opted_out = set(
            self.env["phone.blacklist"].sudo().search([("number", "in", wanted)]).mapped("number")
            if wanted
            else []
        )
        emails = [email for email in partners.mapped("email_normalized") if email]
        blacklisted = set(
            self.env["mail.blacklist"].sudo().search([("email", "in", emails)]).mapped("email")
            if emails
            else []
        )
        sms_sent = defaultdict(list)
        for event in (
            self.env["dunning.event"]
            .sudo()
            .search_read(
                [
                    ("partner_id", "in", partners.ids),
                    ("channel", "=", "sms"),
                    ("state", "=", "queued"),
                    ("sent_at", ">=", to_naive(now) - timedelta(days=8)),
                ],
                ["partner_id", "company_id", "sent_at", "sms_uuid"],
            )
        ):
            key = (event["partner_id"][0], event["company_id"][0])
            sms_sent[key].append(event)
        return BatchFacts(opted_out, blacklisted, dict(sms_sent))

    @api.model
    def _contact(self, partner, company, facts=None):
        """``tools.channels.Contact`` of ``partner`` (a commercial partner);
        ``facts`` (``_batch_facts``) spares its queries."""
        try:
            number, error = partner._dunning_sms_number(), None
        except PhoneNumberError as problem:
            number, error = None, problem.code
        if facts is not None:
            opted_out = bool(number) and number in facts.opted_out
            blacklisted = partner.email_normalized in facts.blacklisted
        else:
            opted_out = bool(
                number
                and self.env["phone.blacklist"]
                .sudo()
                .search_count([("number", "=", number)], limit=1)
            )
            blacklisted = bool(
                partner.email_normalized
                and self.env["mail.blacklist"]
                .sudo()
                .search_count([("email", "=", partner.email_normalized)], limit=1)
            )
        return rules.Contact(
            preferred=partner.dunning_preferred_channel or "any",
            email=bool(partner.email),
            email_blacklisted=blacklisted,
            sms_number=number,
            sms_error=error,
            sms_raw_number=partner.mobile or partner.phone or None,
            sms_opted_out=opted_out,
            email_fallback=company.dunning_email_fallback,
            company_email=bool(company._dunning_email_from()),
        )

    @api.model
    def _caps(self, partner, company, now, context, facts=None):
        """The customer's SMS caps at ``now``: SMS already sent in the week, counted
        on the local day each one really left (``facts``: read for the batch)."""
        tz = context.tz(company, partner)
        today = context.today(company, partner, now)
        calendar = context.calendar(company, partner)
        window = company._dunning_window(partner)
        return SmsCaps(
            today,
            self._sms_days(partner, company, today, tz, facts),
            company.dunning_sms_per_day,
            company.dunning_sms_per_week,
            next_contact_day=lambda day: window.next_contact_day(day, calendar),
        )

    @api.model
    def _sms_days(self, partner, company, today, tz, facts=None):
        """Local days of the SMS ``company`` sent this customer in the week up to
        ``today`` (each company, each CNPJ, has its own caps)."""
        since = to_naive(datetime.combine(today - timedelta(days=6), time(0), tzinfo=ZoneInfo(tz)))
        if facts is not None:
            events = [
                event
                for event in facts.sms_sent.get((partner.id, company.id), [])
                if event["sent_at"] >= since
            ]
        else:
            events = self._sms_events(partner, company, since)
        # One SMS may carry several events: count messages, not events.
        sent = {e["sms_uuid"]: e["sent_at"] for e in events}
        return [to_utc(moment).astimezone(ZoneInfo(tz)).date() for moment in sent.values()]

    @api.model
    def _sms_events(self, partner, company, since):
        return (
            self.env["dunning.event"]
            .sudo()
            .search_read(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("channel", "=", "sms"),
                    ("state", "=", "queued"),
                    ("sent_at", ">=", since),
                ],
                ["sent_at", "sms_uuid"],
            )
        )

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
        decisions = rules.choose(
            contact,
            channel_lines,
            caps,
            origin=origin,
            fallback=fallback,
            closed_until=closed_until,
            company_missing=company._dunning_identity_missing() if company else None,
        )
        result = []
        for decision in decisions:
            lines = Line.browse(decision.lines)
            stage = max((stage_of[line] for line in lines), key=lambda s: s.offset_days)
            result.append(Outgoing(decision, lines, stage, self._template(decision, stage)))
        return result

    @api.model
    def _template(self, decision, stage):
        if decision.channel == "sms":
            return stage.sms_template_id
        if decision.channel != "email":
            return None
        if decision.origin == rules.FALLBACK:
            return stage.mail_template_id or self.env.ref(
                "l10n_br_dunning.mail_template_dunning_overdue", raise_if_not_found=False
            )
        return stage.mail_template_id

    @api.model
    def _reason(self, decision):
        """The decision's reason in words (the environment's language)."""
        if not decision.reason:
            return False
        args = dict(decision.args)
        if decision.reason == rules.NO_MOBILE:
            code = args.pop("code", None) or "empty"
            args["problem"] = self.env._(PHONE_ERRORS[code])
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
        return template.with_company(company).with_context(
            lang=partner._dunning_lang(company), **self._render_context(lines)
        )

    @api.model
    def _render_context(self, lines):
        # dunning_qweb_cache: compile each template body once per run (mail.template)
        return {"dunning_line_ids": lines.ids, "dunning_qweb_cache": True}

    @api.model
    def _render(self, outgoing, partner):
        """{subject, body, email_from, reply_to} of a message, as it will be sent.
        Raises whatever the template raises."""
        template = outgoing.template
        if outgoing.channel == "email":
            return self._template_for(template, outgoing.lines, partner)._generate_template(
                [partner.id], ["subject", "body_html", "email_from", "reply_to"]
            )[partner.id]
        if outgoing.channel == "sms":
            body = self._template_for(template, outgoing.lines, partner)._render_field(
                "body", partner.ids, compute_lang=True
            )[partner.id]
            return {"body": body}
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
        if decision.state == rules.SKIPPED:
            return "skipped", self._reason(decision), {}
        if decision.state == rules.DEFERRED:
            moment = self._deferred_moment(outgoing, partner, context)
            return "deferred", self._reason(decision), {"scheduled_at": to_naive(moment)}
        try:
            rendered = self._render(outgoing, partner)
        except Exception as error:  # noqa: BLE001  (any QWeb error: record it, go on)
            _logger.warning(
                "Dunning %s template %s failed for %s: %s",
                outgoing.channel,
                outgoing.template,
                partner,
                error,
            )
            return "failed", self.env._("The template failed to render: %(error)s", error=error), {}
        deliver = getattr(self, f"_deliver_{outgoing.channel}")
        extra = deliver(outgoing, partner, rendered, outbox)
        return SENT_STATE[outgoing.channel], False, {"sent_at": to_naive(now), **extra}

    @api.model
    def _deferred_moment(self, outgoing, partner, context):
        """When a deferred message goes: its window's opening on its day."""
        company = outgoing.lines[:1].company_id
        tz = context.tz(company, partner)
        return company._dunning_window(partner).opening(outgoing.decision.defer_day, tz)

    @api.model
    def _mail_title(self, outgoing):
        """The layout's title: the invoice, or "Collection" for several."""
        moves = outgoing.lines.move_id
        if outgoing.template == self.env.ref(
            "l10n_br_dunning.mail_template_dunning_thanks", raise_if_not_found=False
        ):
            return self.env._("Payment received")
        if len(moves) == 1:
            return self.env._("Invoice %(name)s", name=moves.name)
        return self.env._("Collection")

    @api.model
    def _deliver_email(self, outgoing, partner, rendered, outbox=None):
        lines = outgoing.lines
        company = lines[:1].company_id or self.env.company
        lang = partner._dunning_lang(company)
        mail_context = partner._dunning_mail_context(
            company, self.with_context(lang=lang)._mail_title(outgoing), lines[:1].move_id
        )
        template = outgoing.template
        message = (
            partner.with_company(company)
            .with_context(
                mail_post_autofollow=False,
                mail_create_nosubscribe=True,
                lang=lang,
                dunning_mail=mail_context,
            )
            .message_post(
                subject=rendered.get("subject"),
                body=rendered.get("body_html"),
                # The company speaks; giving the author spares a partner search per e-mail.
                author_id=company.partner_id.id,
                # Always the company's own address (the channel rules send no e-mail
                # for a company without one), never the cron user's.
                email_from=company._dunning_email_from(),
                # The collections team's address when the company sets one
                # (the templates' reply_to), else Odoo's catchall: either way the
                # answer is filed on the customer's chatter (References header).
                reply_to=rendered.get("reply_to") or None,
                partner_ids=partner.ids,
                attachment_ids=lines.move_id.invoice_pdf_report_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid=template.email_layout_xmlid or DUNNING_LAYOUT,
                force_send=False,
                # The invoice's company sends: its sender, alias domain and mail server.
                record_company_id=company.id,
                record_alias_domain_id=company.alias_domain_id.id,
            )
        )
        return {"mail_message_id": message.id}

    @api.model
    def _deliver_sms(self, outgoing, partner, rendered, outbox=None):
        company = outgoing.lines[:1].company_id or self.env.company
        number = partner._dunning_sms_number()
        if outbox is not None:
            return {"_outbox_sms": outbox.add_sms(partner, company, rendered["body"], number)}
        # The message's company is the invoice's: sms_gateway sends through its
        # gateway, whoever processes the SMS queue.
        message = partner.with_company(company)._message_sms(
            rendered["body"],
            # Linked to the customer: its notification (delivery) is theirs.
            partner_ids=partner.ids,
            sms_pid_to_number={partner.id: number},
            put_in_queue=True,
            record_company_id=company.id,
        )
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)], limit=1)
        return {"mail_message_id": message.id, "sms_uuid": sms.uuid}

    @api.model
    def _flush_outbox(self, outbox):
        """Write what waited in ``outbox``: the SMS in bulk, then the events with
        their messages, then the invoices' notes."""
        posted = self._post_sms_batch(outbox.sms)
        for values in outbox.events:
            index = values.pop("_outbox_sms", None)
            if index is not None:
                values["mail_message_id"], values["sms_uuid"] = posted[index]
        self.env["dunning.event"].sudo().create(outbox.events)
        self._log_notes(outbox.notes)

    @api.model
    def _log_notes(self, notes):
        """Log {move: note} on the invoices' chatter in one batch (no notification)."""
        if notes:
            moves = self.env["account.move"].union(*notes)
            moves._message_log_batch(bodies={move.id: note for move, note in notes.items()})

    @api.model
    def _post_sms_batch(self, items):
        """Post SMS on customers' chatter in bulk: what ``_message_sms`` with
        ``put_in_queue`` writes for each (the chatter message, the queued
        ``sms.sms``, its notification with delivery tracker), in three creates.

        ``items``: [(partner, company, text, number)]; returns [(message id, sms
        uuid)] in their order. The message's company is the invoice's: sms_gateway
        sends through its gateway, whoever processes the queue."""
        if not items:
            return []
        Partner = self.env["res.partner"].sudo()
        author = self.env.user.partner_id
        email_from = author.email_formatted or False
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        partners = Partner.union(*(item[0] for item in items))
        first_messages = dict(
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("message_type", "!=", "user_notification"),
                ],
                ["res_id"],
                ["id:min"],
            )
        )
        reply_to = {}
        for company, group in _group_by_company(items).items():
            companies_partners = Partner.union(*group).with_company(company)
            reply_to.update(
                {
                    (company.id, pid): value
                    for pid, value in companies_partners._notify_get_reply_to(
                        default=email_from
                    ).items()
                }
            )
        values = []
        for partner, company, text, _number in items:
            values.append(
                {
                    "author_id": author.id,
                    "email_from": email_from,
                    "model": "res.partner",
                    "res_id": partner.id,
                    "record_name": partner.display_name,
                    "body": escape(text),
                    "message_type": "sms",
                    "subtype_id": note,
                    "partner_ids": [partner.id],
                    "parent_id": first_messages.get(partner.id, False),
                    "email_add_signature": True,
                    "record_company_id": company.id,
                    "record_alias_domain_id": company.alias_domain_id.id,
                    "reply_to": reply_to.get((company.id, partner.id)),
                }
            )
        messages = Partner._message_create(values)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "body": html2plaintext(message.body),
                        "mail_message_id": message.id,
                        "state": "outgoing",
                        "partner_id": partner.id,
                        "number": partner._phone_format(number=number) or number,
                    }
                    for message, (partner, _company, _text, number) in zip(
                        messages, items, strict=True
                    )
                ]
            )
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author.id,
                    "mail_message_id": one.mail_message_id.id,
                    "res_partner_id": one.partner_id.id,
                    "sms_number": one.number,
                    "notification_type": "sms",
                    "sms_id_int": one.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": one.uuid})],
                    "is_read": True,
                    "notification_status": "ready",
                    "failure_type": "",
                }
                for one in sms
            ]
        )
        return [(one.mail_message_id.id, one.uuid) for one in sms]

    @api.model
    def _call_summary(self, outgoing):
        return self.env._("Call about %(amount)s overdue", amount=_money(outgoing.lines))

    @api.model
    def _deliver_call(self, outgoing, partner, rendered, outbox=None):
        lines, stage = outgoing.lines, outgoing.stage
        user = stage.activity_user_id or partner.user_id or self.env.user
        rows = Markup("").join(
            Markup("<li>%s: %s, %s</li>")
            % (line.move_id.name, fields.Date.to_string(line.date_maturity), _money(line))
            for line in lines
        )
        note = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._("Understand why it is late and propose an agreement."),
            rows,
            self.env._(
                'Record the outcome with "Record call outcome" on the customer: a promise '
                "or a dispute pauses the régua."
            ),
        )
        activity = partner.activity_schedule(
            activity_type_id=stage.activity_type_id.id
            or self.env.ref("mail.mail_activity_data_call").id,
            user_id=user.id,
            summary=self._call_summary(outgoing),
            note=note,
        )
        return {"activity_id": activity.id}

    @api.model
    def _deliver_letter(self, outgoing, partner, rendered, outbox=None):
        # Rendered when printed from the "Letters to print" list, never in the run.
        return {}


def _group_by_company(items):
    """{company: [partner]} of outbox SMS items."""
    groups = {}
    for partner, company, *_rest in items:
        groups.setdefault(company, []).append(partner)
    return groups


def _money(lines):
    currency = lines[:1].company_currency_id
    return format_amount(lines.env, sum(lines.mapped("amount_residual")), currency)
