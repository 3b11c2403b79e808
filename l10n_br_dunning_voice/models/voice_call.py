# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext, to_naive, to_utc
from odoo.addons.sms_gateway.tools.replies import as_note
from odoo.addons.voice_gateway.tools import call_flow as flow

from ..tools import voice_rules as vr
from ..tools.voice_rules import rules

_logger = logging.getLogger(__name__)


class VoiceCall(models.Model):
    _inherit = "voice.call"

    def _dunning_events(self):
        return (
            self.env["dunning.event"]
            .sudo()
            .search([("voice_call_id", "in", self.ids), ("channel", "=", vr.VOICE)])
        )

    # -- legal hours ---------------------------------------------------------------------
    def _gateway_hold(self, now):
        """A régua call rings only inside its customer's window (state law, the
        preferred hours, holidays), as every message: one the queue or a retry
        reaches after it closed waits for its next opening, or is canceled if
        what it says would no longer be true then. A person's call keeps to the
        window too, unless a collections manager chose to call outside it
        (dunning.event._kept_to_window)."""
        result = super()._gateway_hold(now)
        events = self._dunning_events()
        if not events:
            return result
        # Settled or paused since it was queued: the call would speak of a debt
        # no longer due (dunning.event._queued_to_stop).
        message_of = lambda event: event.voice_call_id  # noqa: E731
        stopped = events._queued_to_stop(message_of)
        held, expired = (events - stopped)._kept_to_window()._hold_outside_window(now, message_of)
        for event, moment in held.items():
            event.voice_call_id.next_try = moment
        for event in stopped | expired:
            if event.voice_call_id.state == "queued":
                event.voice_call_id.write(
                    {"state": "canceled", "error_detail": event.reason or False}
                )
        return result

    # -- the customer's choice -----------------------------------------------------------
    def _on_choice(self, choice):
        """What the customer chose on the line, carried out while they listen:
        1 the payment link by SMS (the stage's own text, a person's send now),
        2 a call back by the collections team (when no transfer number is set),
        3 the portal's "já paguei" (the régua pauses, a person checks),
        9 no more calls (recorded by voice_gateway)."""
        result = super()._on_choice(choice)
        events = self._dunning_events()
        lines = events.move_line_id.filtered(lambda line: line._dunning_is_open())
        if not lines:
            return result
        partner = events[:1].partner_id
        company = events[:1].company_id
        if choice == flow.LINK:
            sms_stage = self._dunning_sms_stage(max(events.stage_id, key=lambda s: s.offset_days))
            sent = self.env["dunning.event"]
            if sms_stage:
                sent = self.env["dunning.channel"]._send_partner(
                    partner,
                    {sms_stage: lines},
                    to_utc(fields.Datetime.now()),
                    PlanningContext(self.env),
                    channels=[rules.SMS],
                    origin=rules.MANUAL,
                )
            if not sent.filtered(lambda e: e.channel == rules.SMS and e.state == "queued"):
                # The call said the team calls back (dunning.channel._render):
                # it does.
                self._dunning_call_back(
                    partner,
                    company,
                    self.env._(
                        "The customer confirmed who they are on the automated call to "
                        "%(number)s and pressed 1 for the payment link, which could not go by "
                        "message (%(why)s): send it another way or call them back.",
                        number=self.number,
                        why=sent[:1].reason or self.env._("no SMS text for this stage"),
                    ),
                )
        elif choice == flow.TALK and not self.account_id.transfer_number:
            self._dunning_call_back(
                partner,
                company,
                self.env._(
                    "The customer confirmed who they are on the automated call to %(number)s "
                    "and pressed 2 to talk to the collections team.",
                    number=self.number,
                ),
            )
        elif choice == flow.PAID:
            # Where the bank can tell (a Pix charge), it is asked first.
            confirmed = lines.move_id._dunning_paid_at_bank()
            Request = self.env["dunning.portal.request"].sudo()
            today = partner._dunning_today(company)
            for move in lines.move_id - confirmed:
                try:
                    Request._submit("paid", partner, company, move, paid_on=today, method="other")
                except UserError as error:
                    _logger.info("Voice 'already paid' on %s not recorded: %s", move.name, error)
        return result

    def _dunning_call_back(self, partner, company, note):
        """A call-back for the collections team, as the call promised."""
        user = partner._dunning_collections_user(
            company,
            before=(partner.commercial_partner_id.user_id, self.account_id.reply_user_id),
        )
        partner.sudo().activity_schedule(
            "mail.mail_activity_data_call",
            user_id=user.id,
            summary=self.env._("Call back: the customer asked to talk (automated call)"),
            note=as_note(note),
            dunning_company_id=company.id,
        )

    @staticmethod
    def _dunning_sms_stage(stage):
        """The stage whose SMS text speaks for a call of ``stage``: its own, else
        the closest earlier stage's of the same policy (a call-only stage)."""
        candidates = stage.policy_id.stage_ids.filtered(
            lambda s: s.sms_template_id and s.offset_days <= stage.offset_days
        )
        return max(candidates, key=lambda s: s.offset_days, default=None)

    # -- the outcome ---------------------------------------------------------------------
    def _on_ended(self):
        """A busy line or no answer is called once more, on the next day the
        customer may be called, at its window's opening; a call the provider
        could not place goes by SMS instead (the stage's text, once)."""
        result = super()._on_ended()
        events = self._dunning_events().filtered(lambda e: e.state == "queued")
        if not events:
            return result
        Channel = self.env["dunning.channel"]
        context = PlanningContext(self.env)
        now = to_utc(fields.Datetime.now())
        labels = dict(self._fields["state"]._description_selection(self.env))
        failed = self.env["dunning.event"]
        for call, group in events.grouped("voice_call_id").items():
            company = group[:1].company_id
            partner = group[:1].partner_id
            lang_channel = Channel.with_context(lang=company._dunning_lang())
            if call.state in flow.RETRIED and group[:1].origin not in (vr.RETRY, rules.MANUAL):
                tz = ZoneInfo(context.tz(company, partner))
                tomorrow = now.astimezone(tz).date() + timedelta(days=1)
                day = company._dunning_window(partner).next_contact_day(
                    tomorrow, context.calendar(company, partner)
                )
                moment = context.opening(company, partner, day)
                group.write(
                    {
                        "state": "deferred",
                        "origin": vr.RETRY,
                        "scheduled_at": to_naive(moment),
                        "reason": lang_channel._reason(
                            rules.Decision(
                                vr.VOICE,
                                [],
                                rules.DEFERRED,
                                vr.UNANSWERED_RETRY,
                                args={"outcome": labels[call.state], "day": day},
                            )
                        ),
                    }
                )
            elif call.state == flow.FAILED:
                detail = call.error_detail or labels[call.state]
                group.write(
                    {
                        "state": "failed",
                        "reason": lang_channel._reason(
                            rules.Decision(
                                vr.VOICE,
                                [],
                                rules.SKIPPED,
                                vr.CALL_FAILED,
                                args={"detail": detail[:200]},
                            )
                        ),
                    }
                )
                failed |= group
        if failed:
            self._dunning_sms_instead(failed.filtered(lambda e: e.origin != rules.MANUAL))
        return result

    def _dunning_sms_instead(self, events):
        """The SMS that speaks for these failed calls' stages (their own text, else
        the closest earlier one), for the installments that never had it."""
        Channel = self.env["dunning.channel"]
        context = PlanningContext(self.env)
        now = to_utc(fields.Datetime.now())
        lines = events.move_line_id.filtered(lambda line: line._dunning_is_open())
        earlier = (
            self.env["dunning.event"]
            .sudo()
            .search([("move_line_id", "in", lines.ids), ("origin", "!=", rules.MANUAL)])
        )
        # An SMS of that stage that never went (settled by a more advanced
        # stage, or skipped) makes way for the one that goes now: one event per
        # installment, stage and channel.
        unsent = earlier.filtered(
            lambda e: e.channel == rules.SMS and e.state in ("skipped", "superseded")
        )
        had = defaultdict(set)
        for event in earlier - unsent:
            had[event.move_line_id.id, event.stage_id.id].add(event.channel)
        groups = defaultdict(lambda: self.env["account.move.line"])
        for event in events:
            line = event.move_line_id
            sms_stage = self._dunning_sms_stage(event.stage_id)
            if sms_stage and line in lines and rules.SMS not in had[line.id, sms_stage.id]:
                groups[event.partner_id, event.company_id, sms_stage] |= line
        unsent.filtered(
            lambda e: any(
                e.move_line_id in group and e.stage_id == stage
                for (_p, _c, stage), group in groups.items()
            )
        ).unlink()
        for (partner, company, sms_stage), group in groups.items():
            Channel._send_partner(
                partner,
                {sms_stage: group},
                now,
                context,
                channels=[rules.SMS],
                origin=rules.FALLBACK,
                closed_until=Channel._closed_until(partner, company, now, context),
                fallback=False,
            )
        self.env["dunning.engine"]._wake_queues()
