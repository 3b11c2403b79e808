# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .dunning_event import EMAIL_CHANNELS


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, auto_commit=False, raise_exception=False, smtp_session=None, **kwargs):
        """A reminder's e-mail waits in Odoo's mail queue as an SMS waits in
        the gateway's, and is checked the same way when the queue reaches it
        (the mail scheduler was down, a backlog): one whose installment was
        settled or paused since it was queued is cancelled, its event saying
        why (dunning.event._queued_to_stop); one whose text would no longer be
        true ("vence hoje" the day after) is cancelled too; one reached after
        its customer's window closed waits for the next opening in the queue
        (``scheduled_date``, dunning.event._hold_outside_window)."""
        held = self._dunning_hold()
        return super(MailMail, self - held)._send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            smtp_session=smtp_session,
            **kwargs,
        )

    def _dunning_hold(self):
        """The régua's e-mails among these that must not go now: those held for
        their customer's window (rescheduled) and those cancelled."""
        outgoing = self.filtered(lambda mail: mail.state == "outgoing" and mail.mail_message_id)
        if not outgoing:
            return self.browse()
        events = (
            self.env["dunning.event"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", outgoing.mail_message_id.ids),
                    ("channel", "in", EMAIL_CHANNELS),
                    ("state", "=", "queued"),
                ]
            )
        )
        if not events:
            return self.browse()
        mails_of = outgoing.grouped("mail_message_id")
        now = fields.Datetime.now()
        message_of = lambda event: event.mail_message_id.id  # noqa: E731
        stopped = events._queued_to_stop(message_of)
        held, expired = (events - stopped)._kept_to_window()._hold_outside_window(now, message_of)
        cancelled = self.browse().union(
            *(mails_of[event.mail_message_id] for event in stopped | expired)
        )
        waiting = self.browse()
        for event, moment in held.items():
            mails = mails_of[event.mail_message_id] - cancelled
            mails.sudo().write({"scheduled_date": moment})
            waiting |= mails
        if cancelled:
            cancelled.sudo().cancel()
            self.env["mail.notification"].sudo().search(
                [
                    ("mail_mail_id", "in", cancelled.ids),
                    ("notification_status", "not in", ("sent", "canceled")),
                ]
            ).write({"notification_status": "canceled"})
        return cancelled | waiting
