# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import LazyTranslate

from odoo.addons.l10n_br_dunning.tools.caps import SmsCaps
from odoo.addons.sms_gateway.phone_errors import phone_error_text
from odoo.addons.sms_gateway.tools.phone import PhoneNumberError
from odoo.addons.voice_gateway.tools import call_flow as flow

from ..tools import voice_rules as vr
from ..tools.voice_rules import rules

_lt = LazyTranslate(__name__)

VOICE_REASONS = {
    vr.PREFERS_WRITTEN: _lt("The customer prefers e-mail: no calls."),
    vr.NO_ACCOUNT: _lt("The company has no active voice account."),
    vr.NO_NUMBER: _lt("No valid phone number to call (%(number)s): %(problem)s"),
    vr.OPTED_OUT: _lt("%(number)s asked this company for no more calls."),
    vr.NO_NAME: _lt(
        'The name on file is no one\'s name (a tax id, "Consumidor final"): a call would '
        "have no one to ask for before speaking of the debt. Write the customer's name to "
        "call them."
    ),
    vr.VOICE_CAP: _lt("Call limit per customer reached: deferred to %(day)s."),
    vr.CALL_FAILED: _lt("The call could not be placed (%(detail)s): an SMS goes instead."),
    vr.UNANSWERED_RETRY: _lt("%(outcome)s: called again on %(day)s."),
}


class DunningChannel(models.AbstractModel):
    _inherit = "dunning.channel"

    # -- what the régua knows ---------------------------------------------------------
    @api.model
    def _capped_channels(self):
        return [*super()._capped_channels(), vr.VOICE]

    @api.model
    def _sent_events(self, domain, since):
        """A call carrying several installments counts once (its call, not its events)."""
        events = super()._sent_events(domain, since)
        voice_ids = [event["id"] for event in events if event["channel"] == vr.VOICE]
        if voice_ids:
            calls = {
                row["id"]: row["voice_call_id"]
                for row in self.env["dunning.event"]
                .sudo()
                .search_read([("id", "in", voice_ids)], ["voice_call_id"])
            }
            for event in events:
                call = calls.get(event["id"])
                if call:
                    event["message"] = ("voice", call[0])
        return events

    @api.model
    def _caps(self, partner, company, now, context, facts=None, channel="sms"):
        if channel == vr.VOICE:
            tz = context.tz(company, partner)
            today = context.today(company, partner, now)
            calendar = context.calendar(company, partner)
            window = context.window(company, partner)
            return SmsCaps(
                today,
                self._sent_days(partner, company, today, tz, facts, vr.VOICE),
                company.dunning_voice_per_day,
                company.dunning_voice_per_week,
                next_contact_day=lambda day: window.next_contact_day(day, calendar),
            )
        caps = super()._caps(partner, company, now, context, facts, channel)
        if channel == "sms":
            caps.voice = self._caps(partner, company, now, context, facts, vr.VOICE)
        return caps

    # -- the decisions -------------------------------------------------------------------
    @api.model
    def _decide(self, partner, to_send, contact, channel_lines, caps, **options):
        if vr.VOICE not in channel_lines:
            return super()._decide(partner, to_send, contact, channel_lines, caps, **options)
        base = super()

        def choose_rest(lines):
            return base._decide(partner, to_send, contact, lines, caps, **options)

        lines = self.env["account.move.line"].browse(channel_lines[vr.VOICE][:1])
        return vr.choose(
            self._voice_facts(partner, lines.company_id),
            contact,
            channel_lines,
            choose_rest,
            caps=getattr(caps, "voice", None),
            **options,
        )

    @api.model
    def _voice_facts(self, partner, company):
        """``VoiceFacts`` of a call to ``partner`` for ``company``: at the
        number of the contact the régua calls (``_dunning_call_number``), asking
        for the customer by its name."""
        to_call = partner._dunning_addressee("phone")
        try:
            number, error = partner._dunning_call_number(), None
        except PhoneNumberError as problem:
            number, error = None, problem.code
        return vr.VoiceFacts(
            account=bool(self.env["voice.account"]._for_company(company)),
            number=number,
            number_error=error,
            raw_number=to_call._dunning_number_on_file() or None,
            opted_out=bool(number and self.env["voice.opt.out"]._opted_out([(number, company)])),
            named=bool(partner._dunning_addressed_name(fallback=False)),
        )

    @api.model
    def _reason(self, decision):
        if decision.reason not in VOICE_REASONS:
            return super()._reason(decision)
        args = dict(decision.args)
        lang = self.env.lang or "en_US"
        if decision.reason == vr.NO_NUMBER:
            args["problem"] = phone_error_text(args.pop("code", None) or "empty", lang)
        if "day" in args:
            args["day"] = args["day"].strftime("%d/%m/%Y")
        return VOICE_REASONS[decision.reason]._translate(lang) % args

    @api.model
    def _template(self, decision, stage):
        if decision.channel == vr.VOICE:
            return stage._voice_script()
        return super()._template(decision, stage)

    # -- the call ----------------------------------------------------------------------------
    @api.model
    def _render(self, outgoing, partner):
        if outgoing.channel != vr.VOICE:
            return super()._render(outgoing, partner)
        company = outgoing.lines[:1].company_id or self.env.company
        account = self.env["voice.account"]._for_company(company)
        script = outgoing.template._script_for(partner, outgoing.lines, account)
        single_step_callback = script.pop("single_step_callback")
        if not self._voice_link_can_go(partner, outgoing):
            # Key 1 cannot send the link by message (no mobile, SMS refused, no
            # SMS text): the call says the team calls back, and it does
            # (voice.call._on_choice); never "we have just sent the link", nor,
            # on a one-message provider, "press 1 to receive a message".
            script["replies"][flow.LINK] = script["replies"]["talk_callback"]
            script["single_step"] = single_step_callback
        body = "\n".join(
            [script["greeting"], script["message"], script["menu"]]
            if account.provider != "zenvia" and account.provider != "infobip"
            else [script["single_step"]]
        )
        return {"script": script, "body": body, "account": account}

    @api.model
    def _voice_link_can_go(self, partner, outgoing):
        """Whether key 1 of this call can send the payment link by SMS now:
        the stage (or an earlier one) has an SMS text and the customer's
        contact lets a person's SMS go (tools/channels.py ``choose``)."""
        if not self.env["voice.call"]._dunning_sms_stage(outgoing.stage):
            return False
        company = outgoing.lines[:1].company_id or self.env.company
        contact = self._contact(partner, company)
        decisions = rules.choose(contact, {rules.SMS: list(outgoing.lines)}, origin=rules.MANUAL)
        return any(d.channel == rules.SMS and d.state == rules.SEND for d in decisions)

    @api.model
    def _describe(self, outgoing, partner):
        if outgoing.channel == vr.VOICE:
            return self.env._("An automated call")
        return super()._describe(outgoing, partner)

    @api.model
    def _deliver_voice(self, outgoing, partner, rendered, outbox=None):
        call = self.env["voice.call"]._enqueue(
            [
                {
                    "partner": partner,
                    "number": partner._dunning_call_number(),
                    "account": rendered["account"],
                    "script": rendered["script"],
                }
            ]
        )
        return {"voice_call_id": call.id}
