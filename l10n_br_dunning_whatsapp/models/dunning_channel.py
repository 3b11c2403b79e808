# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import dataclasses
import logging
from collections import defaultdict

from odoo import api, models
from odoo.tools import LazyTranslate

from odoo.addons.sms_gateway.phone_errors import phone_error_text
from odoo.addons.whatsapp_gateway.models.whatsapp_consent import consent_row
from odoo.addons.whatsapp_gateway.tools.consent import consent_state
from odoo.addons.whatsapp_gateway.tools.params import ParameterError

from ..tools import whatsapp_rules as wa
from ..tools.whatsapp_rules import rules

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

WA_REASONS = {
    wa.PREFERS_OTHER: _lt("The customer prefers %(channel)s."),
    wa.NO_ACCOUNT: _lt("The company has no active WhatsApp account."),
    wa.NO_NUMBER: _lt("No valid mobile number for WhatsApp (%(number)s): %(problem)s"),
    wa.NO_CONSENT: _lt("The customer has not agreed to receive WhatsApp messages on %(number)s."),
    wa.OPTED_OUT: _lt("The customer withdrew their WhatsApp consent for %(number)s."),
    wa.TEMPLATE_NOT_APPROVED: _lt(
        "The WhatsApp template %(template)s is not approved by the provider (%(status)s)."
    ),
    wa.TEMPLATE_ONE_INVOICE: _lt(
        "The WhatsApp template %(template)s speaks of one invoice and this message carries "
        "%(count)s installments."
    ),
    wa.TEMPLATE_OTHER_COMPANY: _lt(
        "The WhatsApp template %(template)s belongs to another company's account: a company's "
        "messages never leave through another company's number."
    ),
    wa.TEMPLATE_FAILED: _lt(
        "The WhatsApp template %(template)s could not be written for this message "
        "(%(error)s): sent by SMS or e-mail instead."
    ),
    wa.SENT_BY_WHATSAPP: _lt("Sent by WhatsApp instead."),
    wa.REFUSED: _lt("WhatsApp refused it (%(detail)s): sent by SMS or e-mail instead."),
    wa.UNREACHABLE: _lt(
        "The WhatsApp provider could not be reached (%(detail)s): sent by SMS or e-mail instead."
    ),
}
PREFERENCE_WORDS = {"email": _lt("e-mail"), "sms": _lt("SMS")}
TEMPLATE_STATUS_WORDS = {
    "pending": _lt("waiting for approval"),
    "rejected": _lt("rejected"),
    "paused": _lt("paused"),
    "disabled": _lt("disabled"),
    "refused": _lt("refused by the provider when sending"),
}


@dataclasses.dataclass(frozen=True)
class Contact(rules.Contact):
    """The régua's contact of a customer, with their WhatsApp consent and the
    company's WhatsApp account."""

    whatsapp_consent: str = "none"  # for their mobile number, in this company
    whatsapp_account: bool = False


class DunningChannel(models.AbstractModel):
    _inherit = "dunning.channel"

    # -- what the régua knows ---------------------------------------------------------------
    @api.model
    def _capped_channels(self):
        return [*super()._capped_channels(), wa.WHATSAPP]

    @api.model
    def _batch_facts(self, partners, now):
        facts = super()._batch_facts(partners, now)
        consents = defaultdict(list)
        for row in (
            self.env["whatsapp.consent"]
            .sudo()
            .search_read(
                [("partner_id", "in", partners.ids)],
                ["partner_id", "number", "company_id", "state"],
                order="id",
            )
        ):
            consents[row["partner_id"][0]].append(row)
        facts.whatsapp_consents = dict(consents)
        return facts

    @api.model
    def _contact(self, partner, company, facts=None):
        contact = super()._contact(partner, company, facts)
        if facts is not None and hasattr(facts, "whatsapp_consents"):
            rows = facts.whatsapp_consents.get(partner.id, [])
        else:
            rows = (
                self.env["whatsapp.consent"]
                .sudo()
                .search_read(
                    [("partner_id", "=", partner.id)],
                    ["partner_id", "number", "company_id", "state"],
                    order="id",
                )
            )
        return Contact(
            **{f.name: getattr(contact, f.name) for f in dataclasses.fields(rules.Contact)},
            whatsapp_consent=consent_state(
                [consent_row(row) for row in rows], contact.sms_number, company.id
            ),
            whatsapp_account=bool(self.env["whatsapp.account"]._for_company(company)),
        )

    # -- the decisions ----------------------------------------------------------------------
    @api.model
    def _decide(self, partner, to_send, contact, channel_lines, caps, **options):
        if wa.WHATSAPP not in channel_lines:
            return super()._decide(partner, to_send, contact, channel_lines, caps, **options)
        wa_lines = set(channel_lines[wa.WHATSAPP])
        stage = max(
            (stage for stage, lines in to_send.items() if set(lines.ids) & wa_lines),
            key=lambda s: s.offset_days,
        )
        template = stage.whatsapp_template_id
        lines = self.env["account.move.line"].browse(channel_lines[wa.WHATSAPP])
        facts = self._whatsapp_facts(
            contact,
            template,
            lines[:1].company_id,
            render_problem=lambda: self._whatsapp_render_problem(template, lines, partner),
        )
        base = super()

        def choose_rest(lines, carried=()):
            return base._decide(
                partner, to_send, contact, lines, caps, **{**options, "carried": carried}
            )

        return wa.choose(
            facts,
            contact,
            channel_lines,
            choose_rest,
            caps=getattr(caps, "whatsapp", None),
            **options,
        )

    @api.model
    def _whatsapp_facts(self, contact, template, company=None, render_problem=None):
        """What the WhatsApp decision needs of ``contact`` and ``template`` (the
        stage's, or the account's thank-you; none: not approved) for a message
        of ``company``; ``render_problem``: ``_whatsapp_render_problem`` of
        the message, asked last."""
        if not template:
            status = None
        else:
            status = template.status if template.active else "disabled"
        return wa.WhatsappFacts(
            number=contact.sms_number,
            number_error=contact.sms_error,
            raw_number=contact.sms_raw_number,
            account=contact.whatsapp_account and (not template or template.account_id.active),
            consent=contact.whatsapp_consent,
            template_status=status,
            template_name=template.name or "",
            template_reason=template.status_reason or "",
            template_one_invoice=bool(template.dunning_one_invoice),
            # Another company's template would send from its number (a régua
            # copied to this company): never, whatever the stage says.
            template_company=not (template and company) or template.company_id == company,
            render_problem=render_problem,
        )

    @api.model
    def _whatsapp_render_problem(self, template, lines, partner):
        """Why ``template`` cannot be written for ``lines`` of ``partner`` (an
        expression that fails, a variable empty or too long), in words, or
        None: the decision knows it before the stage's SMS is given up."""
        if not template:
            return None
        try:
            self._whatsapp_params(template, lines, partner)
        except Exception as error:  # noqa: BLE001  (any QWeb error: say it, send the SMS)
            _logger.warning("WhatsApp template %s failed for %s: %s", template, partner, error)
            return self._render_error_text(error)
        return None

    @api.model
    def _caps(self, partner, company, now, context, facts=None, channel="sms"):
        caps = super()._caps(partner, company, now, context, facts, channel)
        if channel == "sms":
            caps.whatsapp = super()._caps(partner, company, now, context, facts, wa.WHATSAPP)
        return caps

    @api.model
    def _reason(self, decision):
        if decision.reason not in WA_REASONS:
            return super()._reason(decision)
        args = dict(decision.args)
        lang = self.env.lang or "en_US"
        if decision.reason == wa.NO_NUMBER:
            code = args.pop("code", None) or "empty"
            args["problem"] = phone_error_text(code, lang)
        if decision.reason == wa.PREFERS_OTHER:
            args["channel"] = PREFERENCE_WORDS[args["channel"]]._translate(lang)
        words = TEMPLATE_STATUS_WORDS.get(args.get("status"))
        if decision.reason == wa.TEMPLATE_NOT_APPROVED and words:
            args["status"] = words._translate(lang)
        if decision.reason == wa.TEMPLATE_NOT_APPROVED and args.get("provider_reason"):
            args["status"] = f"{args['status']}: {args['provider_reason']}"
        return WA_REASONS[decision.reason]._translate(lang) % args

    @api.model
    def _template(self, decision, stage):
        if decision.channel == wa.WHATSAPP:
            return stage.whatsapp_template_id
        return super()._template(decision, stage)

    # -- writing the message -------------------------------------------------------------------
    @api.model
    def _render(self, outgoing, partner):
        if outgoing.channel != wa.WHATSAPP:
            return super()._render(outgoing, partner)
        params = self._whatsapp_params(outgoing.template, outgoing.lines, partner)
        return {"params": params, "body": outgoing.template._render_text(params)}

    @api.model
    def _whatsapp_params(self, template, lines, partner):
        """[(variable, value)] of ``template`` for ``lines`` of ``partner``;
        raises what its expressions raise, or ValueError naming a variable
        WhatsApp would refuse (in the company's language: it goes in a
        reason)."""
        company = lines[:1].company_id or self.env.company
        # The variables speak the approved text's language (a pt_BR template
        # reads "R$ 351,00 em 2 parcelas" whatever the customer's language).
        approved = template._odoo_lang()
        rendering = template.with_company(company).with_context(
            lang=approved or partner._dunning_lang(company),
            dunning_text_lang=approved,
            **self._render_context(lines),
        )
        try:
            return rendering._render_params(partner.ids)[partner.id]
        except ParameterError as error:
            env = self.with_context(lang=company._dunning_lang()).env
            raise ValueError(
                env._(
                    "variable %(name)s of WhatsApp template %(template)s is empty",
                    name=error.name,
                    template=template.name,
                )
                if error.problem == "empty"
                else env._(
                    "variable %(name)s of WhatsApp template %(template)s is too long",
                    name=error.name,
                    template=template.name,
                )
            ) from error

    @api.model
    def _send_partner(self, partner, to_send, now, context, *args, deferred=None, **kwargs):
        """The deferred pass: a WhatsApp that waited (caps, window) and can no
        longer go when its moment comes (consent withdrawn, template paused)
        gives its stage the SMS skipped for it, as a refused one does
        (``whatsapp.message._dunning_fallback``): nobody is left unreminded
        under an SMS event saying the WhatsApp carried it."""
        result = super()._send_partner(
            partner, to_send, now, context, *args, deferred=deferred, **kwargs
        )
        if deferred is not None:
            given_up = deferred.filtered(
                lambda event: (
                    event.channel == wa.WHATSAPP
                    and event.state == "skipped"
                    and event.origin != rules.MANUAL
                )
            )
            if given_up:
                self.env["whatsapp.message"]._dunning_fallback(given_up)
        return result

    @api.model
    def _describe(self, outgoing, partner):
        if outgoing.channel == wa.WHATSAPP:
            return self.env._("A WhatsApp message")
        return super()._describe(outgoing, partner)

    @api.model
    def _deliver_whatsapp(self, outgoing, partner, rendered, outbox=None):
        item = {
            "record": partner,
            "partner": partner,
            "number": partner._dunning_sms_number(),
            "account": outgoing.template.account_id,
            "template": outgoing.template,
            "params": rendered["params"],
        }
        if outbox is not None:
            outbox.extra[wa.WHATSAPP].append(item)
            return {"_outbox_whatsapp": len(outbox.extra[wa.WHATSAPP]) - 1}
        message = self.env["whatsapp.message"]._enqueue([item])
        return {"mail_message_id": message.mail_message_id.id, "whatsapp_message_id": message.id}
