# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import fields, models

from odoo.addons.l10n_br_dunning.models.dunning_context import PlanningContext, to_utc

from ..tools import whatsapp_rules as wa
from ..tools.whatsapp_rules import rules


class WhatsappMessage(models.Model):
    _inherit = "whatsapp.message"

    def _on_failed(self):
        """A régua WhatsApp the provider refused or could not deliver: its
        installments go by SMS (then e-mail) instead, once, as the stage's
        fallback; the WhatsApp events say why."""
        result = super()._on_failed()
        Event = self.env["dunning.event"].sudo()
        events = Event.search(
            [
                ("whatsapp_message_id", "in", self.ids),
                ("channel", "=", wa.WHATSAPP),
                ("origin", "!=", rules.MANUAL),
                ("state", "=", "queued"),
            ]
        )
        if not events:
            return result
        for message, group in events.grouped("whatsapp_message_id").items():
            detail = message.error_detail or dict(
                message._fields["failure_type"]._description_selection(self.env)
            ).get(message.failure_type, "")
            group.write(
                {
                    "state": "failed",
                    "reason": self.env["dunning.channel"]
                    .with_context(lang=group[:1].company_id._dunning_lang())
                    ._reason(
                        rules.Decision(
                            wa.WHATSAPP,
                            [],
                            rules.SKIPPED,
                            # Its tries spent on a provider that never answered
                            # (failure "server"): not a refusal.
                            wa.UNREACHABLE if message.failure_type == "server" else wa.REFUSED,
                            args={"detail": detail[:200]},
                        )
                    ),
                }
            )
        self._dunning_fallback(events)
        return result

    def _dunning_fallback(self, events):
        Engine = self.env["dunning.engine"]
        Channel = self.env["dunning.channel"]
        Event = self.env["dunning.event"].sudo()
        now = to_utc(fields.Datetime.now())
        context = PlanningContext(self.env)
        lines = events.move_line_id.filtered(lambda line: line._dunning_is_open())
        earlier = Event.search(
            [
                ("move_line_id", "in", lines.ids),
                ("stage_id", "in", events.stage_id.ids),
                ("origin", "!=", rules.MANUAL),
            ]
        )
        # The stage's SMS skipped because this WhatsApp carried the reminder makes
        # way for the SMS that now goes instead (one event per installment,
        # stage and channel); the WhatsApp's event keeps the story.
        placeholders = earlier.filtered(
            lambda e: e.channel == rules.SMS and e.state == "skipped" and e.move_line_id in lines
        )
        placeholders.unlink()
        # What each installment and stage already had: never twice the same channel.
        had = defaultdict(set)
        for event in earlier - placeholders:
            had[event.move_line_id.id, event.stage_id.id].add(event.channel)
        groups = defaultdict(lambda: self.env["account.move.line"])
        for event in events:
            line = event.move_line_id
            if line in lines and rules.SMS not in had[line.id, event.stage_id.id]:
                groups[event.partner_id, event.company_id, event.stage_id] |= line
        for (partner, company, stage), group in groups.items():
            emailed = any(rules.EMAIL in had[line.id, stage.id] for line in group)
            Channel._send_partner(
                partner,
                {stage: group},
                now,
                context,
                channels=[rules.SMS],
                origin=rules.FALLBACK,
                closed_until=Channel._closed_until(partner, company, now, context),
                fallback=not emailed,
            )
        Engine._wake_queues()

    def _gateway_hold(self, now):
        """A régua WhatsApp message goes only while it is still true (one whose
        installment was settled or paused since it was queued is cancelled) and
        inside its customer's window, as an SMS does: one the queue or a retry
        reaches after the window closed
        waits for its next opening, or is canceled if its text would no longer
        be true then (dunning.event._hold_outside_window). A person's send now
        keeps to the window too, unless a collections manager chose to send
        outside it (dunning.event._kept_to_window)."""
        result = super()._gateway_hold(now)
        events = (
            self.env["dunning.event"]
            .sudo()
            .search(
                [
                    ("whatsapp_message_id", "in", self.ids),
                    ("channel", "in", (wa.WHATSAPP, "thanks_whatsapp")),
                ]
            )
        )
        if not events:
            return result
        # Settled or paused since it was queued (dunning.event._queued_to_stop).
        message_of = lambda event: event.whatsapp_message_id  # noqa: E731
        stopped = events._queued_to_stop(message_of)
        held, expired = (events - stopped)._kept_to_window()._hold_outside_window(now, message_of)
        for event, moment in held.items():
            event.whatsapp_message_id.next_try = moment
        for event in stopped | expired:
            event.whatsapp_message_id._cancel(event.reason or "")
        return result
