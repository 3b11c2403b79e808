# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from .dunning_channel import DUNNING_LAYOUT
from .dunning_context import PlanningContext, to_naive, to_utc
from .dunning_outbox import AUTO_REPLIED, OutgoingEmail

# The actions answered with a link (``_answer_link``): the Parcelar link for a
# wish to negotiate, the payment link (its Pix, the boleto where there is one)
# for who asks how to pay.
# They pause nothing; a link no channel can carry is sent by a person.
LINK_ACTIONS = ("negotiate", "paylink")


class DunningReplyAnswer(models.AbstractModel):
    """Answering a reply the régua acted on: a short confirmation, or the link
    it asked for (Parcelar, the payment link), on the reply's channel, inside
    the customer's legal hours (else at their next opening), once."""

    _name = "dunning.reply.answer"
    _description = "Customer Reply: Answering Back"

    def _answer_text(self, moves):
        self.ensure_one()
        lang = self.partner_id._dunning_lang(self.company_id)
        env = self.with_context(lang=lang).env
        if self.action == "promise":
            day = self.partner_id._dunning_short_date(self.day, lang)
            return env._("Noted: payment on %(day)s. Thank you!", day=day)
        if self.action == "paid" and self.confirmed_move_ids == self.move_ids:
            return env._("Payment confirmed. Thank you!")
        if self.action == "paid":
            return env._("Thank you! We will check the payment and let you know.")
        if self.action == "dispute":
            return env._("Thank you. Our team will look into it and get back to you.")
        link = self._answer_link(moves)
        if self.action == "paylink":
            return env._("Thank you! Here is the link to pay: %(link)s", link=link)
        return env._("To split it in installments: %(link)s", link=link)

    def _sms_answer_text(self, moves):
        """The answer as an SMS of the régua: signed with the company's SMS
        sender, as every SMS it sends (a customer of two companies knows which
        one noted it)."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        env = self.with_context(lang=partner._dunning_lang(company)).env
        return env._(
            "%(sender)s: %(answer)s",
            sender=partner._dunning_sms_sender(company),
            answer=self._answer_text(moves),
        )

    def _answer_link(self, moves):
        """The link a reply is answered with (``LINK_ACTIONS``): the invoice's
        page, or the customer's grouped page for several; each carries the
        Pix code and the boleto, and Parcelar."""
        self.ensure_one()
        if len(moves) == 1:
            return moves._dunning_short_url()
        return self.env["dunning.customer.link"]._for(self.partner_id, self.company_id)._url()

    def _next_opening(self, now=None):
        """``now`` (aware UTC, default the present) if inside the customer's
        legal hours, else when they next open."""
        self.ensure_one()
        context = PlanningContext(self.env)
        now = now or to_utc(fields.Datetime.now())
        return context.next_allowed(self.company_id, self.partner_id, now)

    def _may_answer_now(self):
        """Inside the customer's legal hours (their window) now."""
        now = to_utc(fields.Datetime.now())
        return self._next_opening(now) <= now

    def _answer_waits(self, account):
        """Outside the customer's legal hours: the answer is put off to their
        next opening (``_answer_later``), and nothing goes now."""
        if self._may_answer_now():
            return False
        self._answer_later(account)
        return True

    def _answer_later(self, account):
        """Outside the customer's legal hours: the confirmation waits for their
        next opening (the answers' scheduled action is triggered for it)."""
        self.ensure_one()
        opening = to_naive(self._next_opening())
        if not self._may_answer_at(opening, account):
            return False
        self.answer_due_at = opening
        self.env.ref("l10n_br_dunning.ir_cron_dunning_reply_answers").sudo()._trigger(at=opening)
        return True

    def _may_answer_at(self, moment, account=None):
        """Whether the channel still lets the régua answer at ``moment`` by
        ``account`` (SMS: always; WhatsApp: inside its 24-hour window)."""
        return True

    def _answer_account(self):
        """The account the answer goes out by (SMS: the company's gateway)."""
        return False

    @api.model
    def _cron_answer_due(self):
        """Send the confirmations that waited for the customers' legal hours."""
        now = fields.Datetime.now()
        due = self.sudo().search(
            [("answer_due_at", "<=", now), ("answer", "=", False), ("state", "=", "done")]
        )
        for reply in due:
            reply.answer_due_at = False
            reply._answer_back(reply._answer_account(), reply.move_ids)
            if reply._link_not_sent():
                # The channel closed while it waited (WhatsApp's 24 hours): a
                # person sends it, and the chatter says so.
                reply._to_a_person(reply._answer_account())
                env = reply.with_context(lang=reply.company_id._dunning_lang()).env
                body = {
                    "negotiate": env._(
                        "The Parcelar link the customer asked for (“%(text)s”) could not be "
                        "sent: a person sends it.",
                        text=reply.text,
                    ),
                    "paylink": env._(
                        "The payment link the customer asked for (“%(text)s”) could not be "
                        "sent: a person sends it.",
                        text=reply.text,
                    ),
                }[reply.action]
                reply.partner_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    def _answer_back(self, account, moves):
        """A short confirmation on the channel of the reply (SMS here; WhatsApp
        in l10n_br_dunning_whatsapp, inside its 24-hour window: the customer
        just wrote), inside the customer's legal hours (else at their next
        opening), once. E-mail replies get only a link (``_answer_by_email``)."""
        self.ensure_one()
        if self.channel == "email":
            return self._answer_by_email(moves)
        if self.channel != "sms" or not self.number or self.answer:
            return False
        if self.env["sms.opt.out"]._opted_out([(self.number, self.company_id)]):
            return False  # the number asked for no more SMS: none goes
        if self._answer_waits(account):
            return False
        text = self._sms_answer_text(moves)
        self.env["dunning.outbox"]._post_sms(
            [(self.partner_id, self.company_id, text, self.number)]
        )
        self.answer = text
        return True

    def _answer_by_email(self, moves):
        """A wish to negotiate or an ask for the way to pay written by e-mail
        gets its link by e-mail, inside the customer's legal hours (else at
        their next opening), once; unless they take no e-mail from the company.
        Other e-mail replies get no answer (a person may write)."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        # Where the régua's e-mails to this customer go (its invoice address,
        # else its own): the address the customer answered from.
        recipient = partner.commercial_partner_id._dunning_addressee("email")
        if (
            self.action not in LINK_ACTIONS
            or self.answer
            or not recipient.email
            or company in partner.dunning_email_opt_out_company_ids
        ):
            return False
        if self._answer_waits(None):
            return False
        lang = partner._dunning_lang(company)
        env = self.with_context(lang=lang).env
        link = self._answer_link(moves)
        title, lead = {
            "negotiate": (env._("Your installments"), env._("To split it in installments:")),
            "paylink": (env._("Your payment link"), env._("Here is the link to pay:")),
        }[self.action]
        self.env["dunning.outbox"]._post_emails(
            [
                OutgoingEmail(
                    partner=partner,
                    recipient=recipient,
                    company=company,
                    lang=lang,
                    subject=title,
                    body=Markup('<p>%s <a href="%s">%s</a></p>') % (lead, link, link),
                    reply_to=company._dunning_reply_to() or None,
                    layout=DUNNING_LAYOUT,
                    attachment_ids=[],
                    mail_context=partner._dunning_mail_context(
                        company,
                        title,
                        moves if len(moves) == 1 else None,
                        auto_submitted=AUTO_REPLIED,
                    ),
                )
            ]
        )
        self.answer = self._answer_text(moves)
        return True
