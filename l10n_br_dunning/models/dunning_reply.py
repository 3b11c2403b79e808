# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from odoo.addons.sms_gateway.tools.replies import as_note

from ..tools import reply_reader as reader
from .dunning_reply_answer import LINK_ACTIONS

_logger = logging.getLogger(__name__)

ACTIONS = [
    ("promise", "Promise to pay: reminders paused"),
    ("paid", "Says it is paid: reminders paused, a person checks"),
    ("dispute", "Dispute: reminders paused, a person resolves it"),
    ("negotiate", "Wants to negotiate: the Parcelar link sent"),
    ("paylink", "Asked how to pay: the payment link sent"),
    ("death", "A death reported: reminders paused, a person checks"),
    ("wrong_number", "Someone else's number: reminders paused, a person corrects it"),
    ("legal", "Legal action or complaint mentioned: reminders paused, a person answers"),
]
# What a person must know before the régua writes again (reply_reader's
# ``Reading.concern``): the reminders pause, whatever the company's switches,
# and nothing is answered automatically (a lawsuit or a consumer complaint
# announced: under the CDC a person answers first).
CONCERNS = {reader.DEATH: "death", reader.WRONG_NUMBER: "wrong_number", reader.LEGAL: "legal"}
# The company's switch of each automatic action.
SWITCHES = {
    "promise": "dunning_reply_promise",
    "paid": "dunning_reply_paid",
    "dispute": "dunning_reply_dispute",
    "negotiate": "dunning_reply_negotiate",
    "paylink": "dunning_reply_paylink",
}


class DunningReply(models.Model):
    """A customer's reply the régua understood and acted on by itself
    (tools/reply_reader.py), with what it did, so a person can undo it."""

    _name = "dunning.reply"
    _description = "Customer Reply Read by the Régua"
    # Answering back (confirmations and links, in the customer's hours) in
    # dunning_reply_answer.py.
    _inherit = ["dunning.reply.answer"]
    _order = "id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    channel = fields.Selection(
        [("sms", "SMS"), ("whatsapp", "WhatsApp"), ("email", "E-mail")], required=True
    )
    number = fields.Char()
    text = fields.Text("Reply", required=True)
    action = fields.Selection(ACTIONS, required=True)
    day = fields.Date("Date read", help="The promised day, or the day they say they paid.")
    request_ids = fields.Many2many("dunning.portal.request", string="Requests recorded")
    confirmed_move_ids = fields.Many2many(
        "account.move",
        "dunning_reply_confirmed_move_rel",
        string="Confirmed paid by the bank",
        help="Invoices the bank confirmed paid when the customer said so (a Pix charge).",
    )
    move_ids = fields.Many2many("account.move", string="Invoices")
    answer = fields.Char("Answered", help="The confirmation sent back, if any.")
    answer_due_at = fields.Datetime(
        "Answer due",
        index="btree_not_null",
        help="The reply came outside the customer's legal hours: its confirmation is sent "
        "when they open.",
    )
    state = fields.Selection([("done", "Done"), ("undone", "Undone by a person")], default="done")

    # -- reading a reply ----------------------------------------------------------------
    @api.model
    def _read_reply(self, partner, company, text, channel, number=None, account=None):
        """Act on ``partner``'s reply when the régua is sure of it and the company
        lets it: returns the record, or an empty one (a person answers it)."""
        return self._handle_reply(partner, company, text, channel, number, account)[0]

    @api.model
    def _handle_reply(self, partner, company, text, channel, number=None, account=None, stopped=()):
        """Everything the régua does with ``partner``'s reply, for every channel:
        the opt-outs it asks for that its gateway does not record (e-mail, and
        calls), then the action it is sure of. Returns (the record, or an empty
        one; whether nothing is left for a person: an action taken, or an
        opt-out alone honoured on each channel it names, ``stopped`` being
        those its gateway stopped)."""
        partner = partner.commercial_partner_id
        today = partner._dunning_today(company)
        reading = reader.read_message(text, today, channel)
        stopped = set(stopped) | self._honour_opt_outs(partner, company, reading, channel, number)
        reply = self._act(partner, company, text, channel, reading, today, number, account)
        if not reply and reading.acknowledgement:
            # "ok, obrigado", "👍": nothing to do nor to answer; the chatter
            # keeps it, no one gets a to-do.
            self._note_acknowledgement(partner, company, text, channel)
            return reply, True
        alone = reading.sure and reading.intent == reader.OPTOUT and not reading.concern
        honoured = bool(stopped) and (not reading.channels or reading.channels <= stopped)
        return reply, bool(reply) or (alone and honoured)

    @api.model
    def _note_acknowledgement(self, partner, company, text, channel):
        """A note quoting a reply that only thanks or acknowledges, on the
        customer's chatter (an SMS or WhatsApp message as the customer's, as
        those a person answers), and the company it was written to."""
        env = self.with_context(lang=company._dunning_lang()).env
        channels = dict(self._fields["channel"]._description_selection(env))
        partner.sudo().message_post(
            body=Markup("<p>%s</p>")
            % env._(
                "%(channel)s reply “%(text)s” to %(company)s: a thank-you or an "
                "acknowledgement, nothing to answer.",
                channel=channels[channel],
                text=text,
                company=company.name,
            ),
            subtype_xmlid="mail.mt_note",
            # An e-mail is on the chatter already, as the customer's.
            author_id=partner.id if channel != "email" else None,
            record_company_id=company.id,
        )

    @api.model
    def _honour_opt_outs(self, partner, company, reading, channel, number=None):
        """The channels the reply stops here (SMS and WhatsApp opt-outs are
        their gateways', before any reading): e-mail ("Não quero mais receber
        e-mails", or by SMS "não quero mais e-mail, só SMS"), as the e-mail's
        unsubscribe link does, at once; calls ("pare de me ligar")."""
        stopped = set()
        if reading.opts_out_of("email") and (channel == "email" or "email" in reading.channels):
            partner._dunning_email_opt_out(company)
            stopped.add("email")
        # "pare de me ligar": no more calls, where an add-on places them
        # (l10n_br_dunning_voice); else a person reads it.
        if "call" in reading.channels and partner._dunning_call_opt_out(company, number):
            stopped.add("call")
        return stopped

    @api.model
    def _act(self, partner, company, text, channel, reading, today, number=None, account=None):
        """The action of a reading the régua is sure of and the company allows
        (a concern, always): the record, or an empty one."""
        action = CONCERNS.get(reading.concern, reading.intent)
        if action not in CONCERNS.values() and (
            not reading.sure
            or action not in SWITCHES
            or not company[SWITCHES[action]]
            or (action == "promise" and not reading.day)
        ):
            return self.browse()
        Line = self.env["account.move.line"].sudo()
        # The installments the régua reminded: what the customer answers about.
        lines = Line.search(
            [
                *Line._dunning_open_domain(),
                ("partner_id", "child_of", partner.id),
                ("company_id", "=", company.id),
                ("move_id.dunning_event_ids", "!=", False),
            ]
        )
        moves = lines.move_id
        if action in CONCERNS.values():
            # Not those paused for another reason (an agreement, a dispute).
            moves = moves.filtered(lambda move: not move.dunning_paused)
        if not moves:
            return self.browse()
        # "Já paguei": where the bank can tell (a Pix charge), ask it first.
        confirmed = moves._dunning_paid_at_bank() if action == "paid" else moves.browse()
        Request = self.env["dunning.portal.request"].sudo().with_context(dunning_reply=True)
        requests = Request.browse()
        try:
            with self.env.cr.savepoint():
                for move in moves - confirmed:
                    if action == "promise":
                        requests |= Request._submit(
                            "promise", partner, company, move, promised_on=reading.day
                        )
                    elif action == "paid":
                        requests |= Request._submit(
                            "paid",
                            partner,
                            company,
                            move,
                            paid_on=min(reading.day or today, today),
                            method="other",
                        )
                    elif action == "dispute":
                        requests |= Request._submit(
                            "dispute",
                            partner,
                            company,
                            move,
                            reason=reader.dispute_reason(text),
                            note=text,
                        )
                if action in CONCERNS.values():
                    moves._dunning_pause("other", note=text)
        except UserError as error:
            # Beyond the company's limit, a closed invoice, too many requests:
            # a person answers instead.
            _logger.info("Reply of %s not acted on: %s", partner.id, error)
            return self.browse()
        reply = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "channel": channel,
                "number": number,
                "text": text,
                "action": action,
                "day": reading.day,
                "request_ids": [fields.Command.set(requests.ids)],
                "move_ids": [fields.Command.set(moves.ids)],
                "confirmed_move_ids": [fields.Command.set(confirmed.ids)],
            }
        )
        if action not in CONCERNS.values():
            try:
                with self.env.cr.savepoint():
                    reply._answer_back(account, moves)
            except Exception:  # noqa: BLE001  (the reply is read and acted on: keep it)
                _logger.exception("Reply %s read, its confirmation not sent", reply.id)
        # The note says what was done, once done: the link sent, or waiting
        # for the customer's hours, or left to a person.
        reply._log()
        if action in CONCERNS.values() or reply._link_not_sent():
            reply._to_a_person(account)
        return reply

    def _link_not_sent(self):
        """A wish to negotiate or an ask for the way to pay whose link neither
        went nor waits to go (no channel could carry it: a closed WhatsApp
        window, no e-mail)."""
        self.ensure_one()
        return self.action in LINK_ACTIONS and not self.answer and not self.answer_due_at

    def _what_was_done(self):
        self.ensure_one()
        env = self.with_context(lang=self.company_id._dunning_lang()).env
        day = format_date(env, self.day) if self.day else ""
        return {
            "promise": env._("a promise to pay on %(day)s: reminders paused until then", day=day),
            "paid": (
                env._("a payment already made, which the bank confirmed: booked")
                if self.confirmed_move_ids and self.confirmed_move_ids == self.move_ids
                else env._("a payment already made: reminders paused while a person checks")
            ),
            "dispute": env._("a dispute: reminders paused while a person resolves it"),
            "negotiate": (
                env._("a wish to negotiate: the Parcelar link was sent")
                if self.answer
                else env._(
                    "a wish to negotiate: the Parcelar link goes at the customer's next legal hour"
                )
                if self.answer_due_at
                else env._(
                    "a wish to negotiate: the Parcelar link could not be sent, a person sends it"
                )
            ),
            "paylink": (
                env._("an ask for the way to pay: the payment link was sent")
                if self.answer
                else env._(
                    "an ask for the way to pay: the payment link goes at the customer's next "
                    "legal hour"
                )
                if self.answer_due_at
                else env._(
                    "an ask for the way to pay: the payment link could not be sent, a person "
                    "sends it"
                )
            ),
            "death": env._("a death reported: reminders paused while a person checks"),
            "wrong_number": env._(
                "someone else's number or address: reminders paused while a person corrects "
                "the contact"
            ),
            "legal": env._(
                "a legal action or a complaint mentioned: reminders paused while a person "
                "answers the customer"
            ),
        }[self.action]

    def _to_a_person(self, account=None):
        """A to-do for who handles this customer's collection at the company
        written to (the ``account``'s person for its messages, as for those the
        régua does not read: ``sms.gateway.mixin._reply_user``): what the reply
        reports (a death, someone else's number, a lawsuit or a consumer
        complaint announced) must be seen before the
        régua writes again; a Parcelar link no channel could carry is sent by
        them."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        env = self.with_context(lang=company._dunning_lang()).env
        channel = dict(self._fields["channel"]._description_selection(env))[self.channel]
        sender = self.number or partner.email or ""
        if self.action in LINK_ACTIONS:
            summary = {
                "negotiate": env._("Send the Parcelar link the customer asked for"),
                "paylink": env._("Send the payment link the customer asked for"),
            }[self.action]
            note = env._(
                "%(channel)s reply from %(sender)s: “%(text)s”. The link could not be sent "
                "by the régua: %(link)s",
                channel=channel,
                sender=sender,
                text=self.text,
                link=self._answer_link(self.move_ids),
            )
        else:
            summary = {
                "death": env._("A death reported: check before the régua writes again"),
                "wrong_number": env._("Someone else answered: correct the customer's contact"),
                "legal": env._(
                    "Legal action or complaint mentioned: answer the customer before the régua "
                    "writes again"
                ),
            }[self.action]
            note = env._(
                "%(channel)s reply from %(sender)s: “%(text)s”. The reminders of %(invoices)s "
                "are paused: resume them once it is sorted out.",
                channel=channel,
                sender=sender,
                text=self.text,
                invoices=", ".join(self.move_ids.mapped("name")),
            )
        user = (
            account._reply_user(partner)
            if account and account.company_id == company
            else partner._dunning_collections_user(company)
        )
        return partner.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=summary,
            note=as_note(note),
            dunning_company_id=company.id,
        )

    def _log(self):
        """A note quoting the reply on the customer's chatter, and the company
        it was written to (a customer of two companies)."""
        self.ensure_one()
        env = self.with_context(lang=self.company_id._dunning_lang()).env
        channels = dict(self._fields["channel"]._description_selection(env))
        self.partner_id.sudo().message_post(
            body=Markup("<p>%s</p>")
            % env._(
                "%(channel)s reply “%(text)s” to %(company)s read as %(what)s. Undo it from "
                "Collections > Replies read if it was not meant so.",
                channel=channels[self.channel],
                text=self.text,
                company=self.company_id.name,
                what=self._what_was_done(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    # -- undoing ----------------------------------------------------------------------------
    def action_undo(self):
        """A person undoes what the régua did with this reply: the invoices it
        paused resume (their answers stay in the chatter), the reply is marked."""
        for reply in self.filtered(lambda r: r.state == "done"):
            # A link sent paused nothing: nothing to resume (not a pause a
            # promise or a dispute made).
            reasons = (
                ("other",)
                if reply.action in CONCERNS.values()
                else ()
                if reply.action in LINK_ACTIONS
                else ("promise", "paid_claim", "dispute")
            )
            paused = reply.move_ids.filtered(
                lambda m, reasons=reasons: m.dunning_paused and m.dunning_pause_reason in reasons
            )
            values = {"dunning_promise_date": False} if reply.action == "promise" else {}
            if reply.action == "dispute":
                values["dunning_dispute_reason"] = False
            if values:
                paused.sudo().write(values)
            paused.sudo()._dunning_resume()
            reply.state = "undone"
            reply.partner_id.sudo().message_post(
                body=self.env._(
                    "%(user)s undid the reading of the reply “%(text)s”: the régua resumes.",
                    user=self.env.user.name,
                    text=reply.text,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
