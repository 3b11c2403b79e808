# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customers' replies read by the régua, over the SMS gateway's real inbound
webhook: a promise pauses the reminders until the day after, a payment claim
and a dispute run the portal's flows, a wish to negotiate gets the Parcelar
link, anything unsure goes to a person; a person can undo it."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sms_gateway.tests.common import StandInMixin

from .common import DunningCase
from .mime import mime_messages

DUE = date(2026, 12, 10)
D3_RUN = datetime(2026, 12, 15, 15, 0)  # Tuesday, noon in São Paulo
REPLY_AT = datetime(2026, 12, 15, 16, 0)


def receive_email(env, partner, raw):
    """An e-mail through Odoo's mail gateway at REPLY_AT: ``partner``'s replies read."""
    with freeze_time(REPLY_AT):
        env["mail.thread"].message_process(False, raw.encode())
    env.invalidate_all()
    return env["dunning.reply"].search([("partner_id", "=", partner.id)])


@tagged("post_install", "-at_install")
class TestDunningReplies(StandInMixin, DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.gateway.is_default = False
        cls.zenvia = cls._create_gateway("zenvia", company_id=cls.company.id, is_default=True)

    def setUp(self):
        super().setUp()
        self.move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)

    def _reply(self, text, at=REPLY_AT):
        self._zenvia_reply(self.zenvia, text, at)
        return self.env["dunning.reply"].search([("partner_id", "=", self.sp.id)])

    def _sms_opted_out(self):
        """Whether the customer's number is on the company's SMS opt-outs (or
        Odoo's global blacklist)."""
        return bool(self.env["sms.opt.out"]._opted_out([("+5511987654321", self.company)]))

    def _answers(self):
        return self.env["sms.sms"].search(
            [("partner_id", "=", self.sp.id), ("body", "ilike", "Obrigad")]
        ) | self.env["sms.sms"].search(
            [("partner_id", "=", self.sp.id), ("body", "ilike", "parcelar")]
        )

    def test_a_promise_pauses_until_the_day_after_and_is_answered_once(self):
        reply = self._reply("blz, vou pagar na sext 🙏")
        self.assertEqual((reply.action, reply.day), ("promise", date(2026, 12, 18)))
        self.assertTrue(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_pause_reason, "promise")
        self.assertEqual(self.move.dunning_paused_until, date(2026, 12, 19))
        self.assertEqual(reply.answer, f"{self._sender()}: Anotado: pagamento em 18/12. Obrigado!")
        self.assertTrue(
            any("blz, vou pagar na sext" in body for body in self.sp.message_ids.mapped("body"))
        )
        self.assertFalse(
            self.sp.activity_ids.filtered(lambda a: "Answer the SMS" in (a.summary or ""))
        )
        # A person undoes it: the régua resumes.
        reply.action_undo()
        self.assertFalse(self.move.dunning_paused)
        self.assertEqual(reply.state, "undone")

    def _sender(self):
        return self.sp._dunning_sms_sender(self.company)

    def test_the_sms_answer_says_which_company_writes(self):
        """The confirmation of a reply is an SMS of the régua: it opens with
        the company's SMS signature, as every other SMS does; it read
        "Anotado: pagamento em 18/12. Obrigado!" from no one (a customer of two
        companies could not tell which one had noted it)."""
        self.company.dunning_sms_sender = "Aurora Papeis"
        self._reply("pago dia 18")
        (answer,) = self._answers()
        self.assertEqual(answer.body, "Aurora Papeis: Anotado: pagamento em 18/12. Obrigado!")
        self.assertLessEqual(len(answer.body), 140)
        self._reply("qual o pix?", at=REPLY_AT + timedelta(hours=1))
        self.assertTrue(self._link_answers().body.startswith("Aurora Papeis: "))

    def test_a_number_two_reminded_customers_share_is_read_by_a_person(self):
        """Maria and her husband share the phone and both were reminded:
        "pago dia 23" may be either's. It was acted on for whoever got the
        last SMS (his invoice paused, hers reminded on); now a person reads
        it, nothing is paused nor confirmed."""
        husband = self._customer(
            "João Souza", "base.state_br_sp", "America/Sao_Paulo", "+55 11 98765-4321"
        )
        his = self._invoice(husband, DUE)
        monday = datetime(2026, 12, 21, 15, 0)
        self._run(monday)
        self.assertTrue(self._events(his))
        self.assertTrue(self._events(self.move))
        self._reply("pago dia 23", at=monday + timedelta(hours=1))
        Reply = self.env["dunning.reply"]
        self.assertFalse(Reply.search([("partner_id", "in", (self.sp | husband).ids)]))
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(his.dunning_paused)
        self.assertFalse(self._answers())
        todos = (self.sp | husband).activity_ids
        self.assertEqual(len(todos), 1)
        self.assertIn("pago dia 23", todos.note)

    def test_paid_and_dispute_run_the_portal_flows(self):
        reply = self._reply("JA PAGUEI ONTEM")
        self.assertEqual((reply.action, reply.day), ("paid", date(2026, 12, 14)))
        self.assertEqual(self.move.dunning_pause_reason, "paid_claim")
        request = reply.request_ids
        self.assertEqual((request.kind, request.payment_method), ("paid", "other"))
        self.assertTrue(self.move.activity_ids)

    def test_a_dispute(self):
        reply = self._reply("nao reconheco essa cobranca, nunca recebi o produto")
        self.assertEqual(reply.action, "dispute")
        self.assertEqual(self.move.dunning_pause_reason, "dispute")
        self.assertEqual(self.move.dunning_dispute_reason, "not_received")

    def test_negotiate_gets_the_parcelar_link(self):
        reply = self._reply("da pra parcelar em 3x?")
        self.assertEqual(reply.action, "negotiate")
        self.assertFalse(self.move.dunning_paused)
        self.assertIn("/c/", reply.answer)

    def test_unsure_replies_and_switched_off_actions_go_to_a_person(self):
        self.assertFalse(self._reply("quem é?"))
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))
        self.company.dunning_reply_promise = False
        self.assertFalse(self._reply("pago amanha"))
        self.assertFalse(self.move.dunning_paused)

    def test_a_promise_beyond_the_company_limit_goes_to_a_person(self):
        self.company.dunning_promise_max_days = 5
        self.assertFalse(self._reply("vou pagar dia 30"))
        self.assertFalse(self.move.dunning_paused)

    def test_an_answer_outside_the_legal_hours_waits_for_the_next_opening(self):
        # 22:00 in São Paulo: the promise is recorded, the confirmation waits.
        reply = self._reply("pago amanha", at=datetime(2026, 12, 16, 1, 0))
        self.assertEqual(reply.day, date(2026, 12, 16))
        self.assertFalse(reply.answer)
        self.assertFalse(self._answers())
        opening = reply.answer_due_at
        # The next morning in São Paulo, inside the legal hours.
        self.assertEqual(opening.date(), date(2026, 12, 16))
        self.assertTrue(11 <= opening.hour <= 12, opening)
        Reply = self.env["dunning.reply"]
        with freeze_time(opening - timedelta(minutes=1)):
            Reply._cron_answer_due()
        self.assertFalse(self._answers())
        with freeze_time(opening + timedelta(minutes=5)):
            Reply._cron_answer_due()
            Reply._cron_answer_due()
        self.assertEqual(reply.answer, f"{self._sender()}: Anotado: pagamento em 16/12. Obrigado!")
        self.assertEqual(len(self._answers()), 1)
        self.assertFalse(reply.answer_due_at)

    def test_an_email_reply_is_read_too_without_its_quoted_reminder(self):
        reminder = self._events(self.move, channel="email").filtered("mail_message_id")[:1]
        parent = reminder.mail_message_id
        self.assertTrue(parent.message_id)
        raw = (
            "From: Maria Souza <maria@cliente.example>\r\n"
            "To: cobranca@aurora.example\r\n"
            "Subject: Re: Fatura em aberto\r\n"
            f"In-Reply-To: {parent.message_id}\r\n"
            f"References: {parent.message_id}\r\n"
            "Message-ID: <resposta-1@cliente.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Bom dia, vou pagar dia 18.\r\n"
            "\r\n"
            "Em ter., 15 de dez. de 2026 12:00, Papelaria escreveu:\r\n"
            "> Se já pagou, desconsidere. Não reconheço? Conteste no portal.\r\n"
        )
        with freeze_time(REPLY_AT):
            self.env["mail.thread"].message_process(False, raw.encode())
        reply = self.env["dunning.reply"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual((reply.channel, reply.action), ("email", "promise"))
        self.assertEqual(reply.day, date(2026, 12, 18))
        self.assertEqual(reply.text, "Bom dia, vou pagar dia 18.")
        self.assertFalse(reply.answer)
        self.assertTrue(self.move.dunning_paused)

    def test_an_opt_out_in_the_customers_words_is_honoured(self):
        """Not only "SAIR": a sentence the régua reads for sure as an opt-out
        stops the company's SMS at once, as the keyword does (the number on its
        SMS opt-outs)."""
        self._reply("para de me mandar mensagem por favor")
        self.assertTrue(self._sms_opted_out())
        self.assertIn("will no longer receive SMS", self.sp.message_ids[0].body)
        # An e-mail that says it stops the company's e-mail reminders.
        reminder = self._events(self.move, channel="email").filtered("mail_message_id")[:1]
        parent = reminder.mail_message_id
        raw = (
            "From: Maria Souza <maria@cliente.example>\r\n"
            "To: cobranca@aurora.example\r\n"
            "Subject: Re: Fatura em aberto\r\n"
            f"In-Reply-To: {parent.message_id}\r\n"
            "Message-ID: <resposta-2@cliente.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Nao quero mais receber mensagens de voces.\r\n"
        )
        with freeze_time(REPLY_AT):
            self.env["mail.thread"].message_process(False, raw.encode())
        self.assertIn(self.company, self.sp.dunning_email_opt_out_company_ids)

    def _email_reply(self, body, headers="", subtype="plain", message_id="resposta-9"):
        parent = self._events(self.move, channel="email").filtered("mail_message_id")[:1]
        raw = (
            "From: Maria Souza <maria@cliente.example>\r\n"
            "To: cobranca@aurora.example\r\n"
            "Subject: Re: Fatura em aberto\r\n"
            f"In-Reply-To: {parent.mail_message_id.message_id}\r\n"
            f"Message-ID: <{message_id}@cliente.example>\r\n"
            f"{headers}"
            f"Content-Type: text/{subtype}; charset=utf-8\r\n"
            "\r\n"
            f"{body}\r\n"
        )
        return receive_email(self.env, self.sp, raw)

    def test_an_opt_out_said_the_other_way_round_is_not_applied(self):
        """ "Não pare", "não quero sair": the number stays, a person reads it."""
        for text in ("nao pare", "nao quero sair", "nao precisa parar, vou pagar dia 18"):
            self._reply(text)
        self.assertFalse(self._sms_opted_out())
        # The last one is still read as the promise it is.
        self.assertEqual(self.env["dunning.reply"].search([]).day, date(2026, 12, 18))

    def test_an_opt_out_beside_another_intent_is_honoured_with_it(self):
        replies = self._reply("ja paguei, parem de me mandar mensagem")
        self.assertTrue(self._sms_opted_out())
        self.assertEqual(replies.action, "paid")

    def test_an_opt_out_of_another_channel_keeps_the_sms(self):
        """ "Não me liguem, prefiro SMS" by SMS: the SMS go on; "não quero mais
        e-mail, só SMS" stops the e-mails, not the SMS."""
        self._reply("nao me liguem, prefiro sms")
        self._reply("nao quero receber mais email, so sms")
        self.assertFalse(self._sms_opted_out())
        self.assertIn(self.company, self.sp.dunning_email_opt_out_company_ids)

    def test_no_calls_nor_messages_by_sms_stops_the_sms_too(self):
        """ "Não quero receber ligação nem mensagem" by SMS stopped the calls
        only: the SMS went on, and no one was told."""
        self._reply("não quero receber ligação nem mensagem")
        self.assertTrue(self._sms_opted_out())

    def test_an_automatic_email_answer_is_not_read(self):
        """An out-of-office answer names a day: no promise is recorded, the
        reminders are not paused; it stays on the chatter."""
        for number, headers in enumerate(("Auto-Submitted: auto-replied\r\n", "")):
            replies = self._email_reply(
                "Estou fora do escritório e retorno dia 18. Responderei assim que possível.",
                headers=headers,
                message_id=f"ausente-{number}",
            )
            self.assertFalse(replies)
        # Headers alone say it, whatever the text.
        replies = self._email_reply(
            "Vou pagar dia 18.", headers="Auto-Submitted: auto-replied\r\n", message_id="auto"
        )
        self.assertFalse(replies)
        self.assertFalse(self.move.dunning_paused)
        self.assertIn(
            "retorno dia 18",
            self.sp.message_ids.mapped("body")[-1] + "".join(self.sp.message_ids.mapped("body")),
        )

    def test_an_outlook_reply_is_read_without_the_reminder_it_quotes(self):
        """ "Recebido." over Outlook's quoted reminder (its "De:" header in
        bold, the reminder's due date below) is not a promise for that date;
        a legal notice under a signature is no opt-out."""
        html = (
            "<div>Recebido.</div>"
            '<hr style="display:inline-block;width:98%">'
            '<div id="divRplyFwdMsg"><b>De:</b> Papelaria &lt;cobranca@aurora.example&gt;<br>'
            "<b>Enviado:</b> terça-feira, 15 de dezembro de 2026 12:00</div>"
            "<div>Vencimento 20/12/2026. Pagamento pelo Pix abaixo.</div>"
        )
        self.assertFalse(self._email_reply(html, subtype="html", message_id="outlook"))
        self.assertFalse(self.move.dunning_paused)
        text = (
            "ok, obrigado\r\n--\r\nAVISO: esta mensagem é confidencial; não autorizo a "
            "leitura por terceiros, favor excluir este e-mail."
        )
        self._email_reply(text, message_id="assinatura")
        self.assertNotIn(self.company, self.sp.dunning_email_opt_out_company_ids)

    def test_a_broken_promise_lowers_the_payer_profile(self):
        self._reply("pago dia 17")
        Partner = self.env["res.partner"]
        Partner._dunning_update_payer_profiles(self.company, today=date(2026, 12, 16))
        self.assertEqual(self.sp.dunning_payer_class, "good")
        # The 17th passed unpaid: the promise is broken.
        Partner._dunning_update_payer_profiles(self.company, today=date(2026, 12, 19))
        self.assertEqual(self.sp.dunning_payer_class, "attention")

    def test_a_promise_kept_does_not(self):
        self._reply("pago dia 17")
        self._pay(self.move, date=date(2026, 12, 16))
        Partner = self.env["res.partner"]
        result = Partner._dunning_update_payer_profiles(self.company, today=date(2026, 12, 19))
        # Paid 6 days late, before the promised day: judged on its lateness alone.
        self.assertEqual(result[self.sp.id], (6.0, "attention"))
        self.move.dunning_promise_date = False
        result = Partner._dunning_update_payer_profiles(self.company, today=date(2026, 12, 19))
        self.assertEqual(result[self.sp.id], (6.0, "attention"))

    def test_the_reminder_after_a_broken_promise_speaks_of_it(self):
        self._reply("pago dia 17")
        # The second notice (D+10) goes on the 22nd, the promise broken.
        self._run(datetime(2026, 12, 22, 15, 0))
        email = self._events(self.move, channel="email").filtered(
            lambda e: e.stage_id.offset_days == 10 and e.state == "queued"
        )
        self.assertTrue(email)
        html = self._email_html(email.mail_message_id)
        self.assertIn("pagamento prometido para 17/12/2026", self._text(html))
        # The SMS of that stage says it too, in its one segment.
        self.assertTrue(
            self._events(self.move, channel="sms").filtered(
                lambda e: e.stage_id.offset_days == 10 and e.state == "queued"
            )
        )
        sms = self.env["sms.sms"].search([("partner_id", "=", self.sp.id)], order="id desc")[:1]
        self.assertIn("Nao localizamos o pagamento de 17/12.", sms.body)
        self.assertNotIn("Se ja pagou", sms.body)

    def test_a_day_to_call_back_is_no_promise(self):
        """ "amanhã te ligo": a person answers it; nothing is confirmed, no
        pause, no promise to break later."""
        self.assertFalse(self._reply("amanhã te ligo"))
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_promise_date)
        self.assertFalse(self._answers())
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_a_weekday_with_its_day_is_that_day(self):
        """ "pago quinta-feira 24" on Tuesday the 15th: the 24th, not Thursday
        the 17th (the confirmation contradicted the customer, the promise was
        broken a week early)."""
        reply = self._reply("pago quinta-feira 24")
        self.assertEqual((reply.action, reply.day), ("promise", date(2026, 12, 24)))
        self.assertEqual(self.move.dunning_paused_until, date(2026, 12, 25))
        self.assertEqual(reply.answer, f"{self._sender()}: Anotado: pagamento em 24/12. Obrigado!")

    def test_a_weekday_that_is_not_the_days_goes_to_a_person(self):
        # Friday is the 18th: "sexta dia 19" is for a person to check.
        self.assertFalse(self._reply("pago sexta dia 19"))
        self.assertFalse(self.move.dunning_paused)
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_a_death_reported_with_a_stop_stops_and_reaches_a_person(self):
        """ "ela faleceu, parem de mandar": the SMS stop, and the other
        reminders paused with a to-do (it reached nobody: the e-mails, and
        later a letter or a call, went on to the family)."""
        reply = self._reply("ela faleceu, parem de mandar")
        self.assertTrue(self._sms_opted_out())
        self.assertEqual(reply.action, "death")
        self.assertTrue(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_paused_until)
        self.assertFalse(reply.answer)
        self.assertTrue(
            self.sp.activity_ids.filtered(lambda a: "death" in (a.summary or "").lower())
        )
        # A person undoes it: the régua resumes.
        reply.action_undo()
        self.assertFalse(self.move.dunning_paused)

    def test_a_wrong_number_with_a_stop_stops_and_reaches_a_person(self):
        reply = self._reply("engano, parem de mandar pra esse numero")
        self.assertTrue(self._sms_opted_out())
        self.assertEqual(reply.action, "wrong_number")
        self.assertTrue(self.move.dunning_paused)
        self.assertTrue(
            self.sp.activity_ids.filtered(lambda a: "contact" in (a.summary or "").lower())
        )

    def test_a_promise_beside_a_stop_stops_and_reaches_a_person(self):
        """ "pago dia 18 mas para de me mandar msg": the SMS stop, and a person
        reads the promise (it reached nobody)."""
        self._reply("pago dia 18 mas para de me mandar msg todo dia")
        self.assertTrue(self._sms_opted_out())
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_an_opt_out_alone_is_not_handed_to_a_person(self):
        self._reply("para de me mandar mensagem por favor")
        self.assertTrue(self._sms_opted_out())
        self.assertFalse(self.sp.activity_ids)

    def test_never_asked_to_leave_is_no_opt_out_nor_a_dispute(self):
        """ "Não pedi pra sair da lista, por que parei de receber...?" by e-mail:
        the e-mails were stopped and the invoice paused as disputed."""
        self.assertFalse(
            self._email_reply(
                "Não pedi pra sair da lista, por que parei de receber os boletos por e-mail?",
                message_id="naopedi",
            )
        )
        self.assertNotIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        self.assertFalse(self.move.dunning_paused)

    def test_how_to_leave_the_debtors_register_is_a_question_for_a_person(self):
        self._reply("como faço pra sair do cadastro de inadimplentes?")
        self.assertFalse(self._sms_opted_out())
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_sarcasm_and_a_pasted_reminder_are_no_payment(self):
        """ "paguei sim 🙄 só que não" and the reminder pasted back ("Se já pagou
        desconsidere."): no paid claim, no pause, no thank-you; a person reads
        them."""
        self.assertFalse(self._reply("paguei sim 🙄 só que não"))
        self.assertFalse(
            self._reply(
                "Encaminhada\nSua fatura de R$ 230,00 venceu em 25/11. Se já pagou desconsidere."
                "\n\nisso é de vcs?",
                at=REPLY_AT + timedelta(minutes=1),
            )
        )
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self._answers())
        self.assertEqual(
            len(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or ""))), 2
        )

    def test_negotiate_by_email_gets_the_link_by_email(self):
        """The chatter said "the Parcelar link was sent" and nothing was sent:
        the link now goes by e-mail, and the note says so."""
        reply = self._email_reply("Gostaria de negociar o débito em aberto.", message_id="negociar")
        self.assertEqual((reply.channel, reply.action), ("email", "negotiate"))
        self.assertIn("/c/", reply.answer)
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.sp.ids), ("body_html", "ilike", "/c/")]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(reply.answer.split(": ")[-1], mail.body_html)
        note = self.sp.message_ids.filtered(lambda m: "negociar o débito" in (m.body or ""))[:1]
        self.assertIn("Parcelar", note.body)
        self.assertNotIn("could not", note.body)

    def test_negotiate_by_email_of_a_customer_who_takes_no_email_goes_to_a_person(self):
        self.sp._dunning_email_opt_out(self.company)
        reply = self._email_reply("Gostaria de negociar o débito em aberto.", message_id="neg2")
        self.assertFalse(reply.answer)
        self.assertFalse(self.env["mail.mail"].search([("body_html", "ilike", "/c/")]))
        todo = self.sp.activity_ids.filtered(lambda a: "Parcelar" in (a.summary or ""))
        self.assertTrue(todo)
        self.assertIn("/c/", str(todo.note))
        self.assertIn("could not be sent", self.sp.message_ids.mapped("body")[0])

    def test_a_link_that_waited_and_cannot_go_is_left_to_a_person(self):
        # 22:00 in São Paulo: the link waits for the morning; the number opts
        # out meanwhile: no SMS goes, a person sends the link and is told.
        reply = self._reply("da pra parcelar em 3x?", at=datetime(2026, 12, 16, 1, 0))
        self.assertTrue(reply.answer_due_at)
        self.assertIn("next legal hour", self.sp.message_ids.mapped("body")[0])
        self.env["sms.opt.out"]._add("+5511987654321", self.company, "reply")
        with freeze_time(reply.answer_due_at + timedelta(minutes=5)):
            self.env["dunning.reply"]._cron_answer_due()
        self.assertFalse(reply.answer)
        self.assertFalse(self._answers())
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "Parcelar" in (a.summary or "")))
        self.assertIn("could not be sent", self.sp.message_ids.mapped("body")[0])

    def test_disagreeing_with_the_amount_is_a_dispute_not_a_wish_to_negotiate(self):
        """ "Não estou de acordo com esse valor" got the installment link (by
        SMS) or nothing (by e-mail), with no pause and no person."""
        reply = self._email_reply("Não estou de acordo com esse valor.", message_id="acordo")
        self.assertEqual(reply.action, "dispute")
        self.assertEqual(self.move.dunning_pause_reason, "dispute")
        self.assertFalse(self.env["mail.mail"].search([("body_html", "ilike", "/c/")]))

    def test_a_dispute_under_a_disclaimer_is_read_as_one(self):
        """The disclaimer's "...avise o remetente" was read as "who is this" and
        the dispute dropped: no pause, no to-do."""
        reply = self._email_reply(
            "A mercadoria chegou avariada, já abri chamado.\n\nAtt,\nJosé Carlos\nCompras\n\n"
            "O conteúdo deste e-mail é confidencial e destinado exclusivamente ao destinatário. "
            "Caso o tenha recebido por engano, por favor apague-o e avise o remetente.",
            message_id="disclaimer",
        )
        self.assertEqual(reply.action, "dispute")
        self.assertEqual(self.move.dunning_pause_reason, "dispute")

    def test_an_email_reply_the_regua_does_not_settle_is_a_to_do(self):
        """As an SMS or WhatsApp reply: a dispute the reader misses, a question,
        reach a person (it stayed on the chatter, seen by no one); an opt-out
        alone, honoured, does not."""
        self.assertFalse(
            self._email_reply(
                "cobrança de juros abusiva, paguei com 2 dias de atraso e vcs cobraram 50 reais "
                "de multa",
                message_id="juros",
            )
        )
        todo = self.sp.activity_ids.filtered(lambda a: "e-mail reply" in (a.summary or ""))
        self.assertEqual(len(todo), 1)
        self.assertIn("juros abusiva", str(todo.note))
        self._email_reply("Nao quero mais receber mensagens de voces.", message_id="chega")
        self.assertIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        self.assertEqual(
            len(self.sp.activity_ids.filtered(lambda a: "e-mail reply" in (a.summary or ""))), 1
        )

    def test_a_stop_in_other_words_stops(self):
        """ "remove" alone stops the SMS at once (it went to a person while the
        SMS went on), and needs nobody."""
        self._reply("remove")
        self.assertTrue(self._sms_opted_out())
        self.assertFalse(self.sp.activity_ids)

    def test_a_number_not_recognised_is_no_dispute(self):
        """ "Não reconheço o número..." paused the invoice as disputed."""
        self.assertFalse(
            self._reply("Não reconheço o número que está me enviando, é da empresa mesmo?")
        )
        self.assertFalse(self.move.dunning_paused)
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_installments_refused_get_no_link_and_the_promise_is_kept(self):
        reply = self._reply("nao quero parcelar, vou pagar tudo dia 18")
        self.assertEqual((reply.action, reply.day), ("promise", date(2026, 12, 18)))
        self.assertNotIn("/c/", reply.answer)

    def _user(self, login, company):
        return new_test_user(
            self.env,
            login,
            groups="base.group_user",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    def test_a_reply_reaches_the_companys_collections_user_not_another_companys_salesperson(
        self,
    ):
        """Maria's salesperson works for another company only: her SMS to this
        company's number goes to its collections user (the salesperson could
        not open the invoice), and the chatter names the company written to."""
        other = self.env["res.company"].create({"name": "Distribuidora Beta Ltda"})
        self.sp.user_id = self._user("vendedora_beta", other)
        collector = self._user("cobranca_aurora", self.company)
        self.company.dunning_collector_id = collector
        self.assertFalse(self._reply("Olá, tenho uma dúvida sobre a cobrança"))
        todo = self.sp.activity_ids
        self.assertEqual(todo.user_id, collector)
        self.assertIn(self.company.name, todo.summary)
        note = self.sp.message_ids[0]
        self.assertIn("tenho uma dúvida", note.body)
        self.assertIn(self.company.name, note.body)

    def test_a_reply_the_regua_reads_reaches_the_accounts_reply_user(self):
        """What the régua reads and a person must see (a death) goes to the
        person of the account written to, as the replies it does not read; its
        note names the company."""
        reply_user = self._user("respostas_aurora", self.company)
        self.zenvia.reply_user_id = reply_user
        reply = self._reply("ela faleceu, parem de mandar")
        self.assertEqual(reply.action, "death")
        self.assertEqual(self.sp.activity_ids.user_id, reply_user)
        note = self.sp.message_ids.filtered(lambda m: "ela faleceu" in (m.body or ""))[:1]
        self.assertIn(self.company.name, note.body)

    def test_a_claim_on_an_invoice_odoobot_sells_reaches_a_person_once(self):
        """An invoice a script created (its salesperson OdooBot, inactive):
        "já paguei" is checked by the company's collections user, not left to
        OdooBot; saying it again brings that to-do up to date (what was said
        last, due today) instead of adding a second one."""
        collector = self._user("cobranca_aurora", self.company)
        self.company.dunning_collector_id = collector
        self.move.invoice_user_id = self.env.ref("base.user_root")
        self.assertEqual(self._reply("JA PAGUEI ONTEM").action, "paid")
        (todo,) = self.move.activity_ids
        self.assertEqual(todo.user_id, collector)
        self.assertIn("12/14/2026", todo.note)
        self.assertEqual(todo.date_deadline, date(2026, 12, 15))
        self._reply("ja paguei hoje", at=REPLY_AT + timedelta(days=1))
        (todo,) = self.move.activity_ids
        self.assertEqual(todo.user_id, collector)
        self.assertIn("12/16/2026", todo.note)
        self.assertEqual(todo.date_deadline, date(2026, 12, 16))

    def test_promises_said_again_keep_one_to_do_and_disputes_theirs(self):
        """Five promises on one invoice: one to-do with the last date; a
        dispute beside them is a to-do of its own."""
        for day in ("16", "17", "18", "21", "22"):
            self.assertEqual(self._reply(f"vou pagar dia {day}")[:1].action, "promise")
        (todo,) = self.move.activity_ids
        self.assertIn("12/22/2026", todo.note)
        later = REPLY_AT + timedelta(hours=2)  # past the hour's limit of requests
        dispute = self._reply("nao reconheco essa cobranca, nunca recebi o produto", at=later)
        self.assertEqual(dispute[:1].action, "dispute")
        self.assertEqual(len(self.move.activity_ids), 2)

    def test_stop_now_stops_and_promises_nothing(self):
        """ "PARE AGORA!!!" was read as a promise to pay today: the reminders
        paused, the customer got "Anotado: pagamento em 15/12" and kept getting
        SMS. Now the SMS stop at once and nothing is paused nor answered."""
        self.assertFalse(self._reply("PARE AGORA!!!"))
        self.assertTrue(self._sms_opted_out())
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self._answers())

    def test_the_plural_stop_stops(self):
        """ "PAREM!" (the plural a family writes) stops the SMS at once, as
        "para" does, and needs nobody."""
        self._reply("PAREM!")
        self.assertTrue(self._sms_opted_out())
        self.assertFalse(self.sp.activity_ids)

    # -- asking for the way to pay: the payment link, at once --------------------------------
    def _link_answers(self):
        """The SMS answers with the payment link (the reminders carry it too)."""
        return self.env["sms.sms"].search(
            [("partner_id", "=", self.sp.id), ("body", "ilike", "Segue o link para pagamento")]
        )

    def test_asking_for_the_pix_by_sms_gets_the_invoices_link_by_sms(self):
        """ "me manda o pix de novo" waited for a person, hours later: the
        invoice's page (Pix code and boleto) now goes back by SMS to the
        number that wrote; nothing is paused, nobody is asked."""
        reply = self._reply("me manda o pix de novo")
        self.assertEqual(reply.action, "paylink")
        link = self.move._dunning_short_url()
        sms = self._link_answers()
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+5511987654321")
        self.assertEqual(
            sms.body, f"{self._sender()}: Obrigado! Segue o link para pagamento: {link}"
        )
        self.assertEqual(reply.answer, sms.body)
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.sp.activity_ids)
        self.assertIn("the payment link was sent", self.sp.message_ids[0].body)

    def test_asking_for_the_boleto_by_email_gets_the_link_by_email(self):
        reply = self._email_reply(
            "Bom dia, por gentileza enviem a segunda via do boleto.", message_id="via"
        )
        self.assertEqual((reply.channel, reply.action), ("email", "paylink"))
        link = self.move._dunning_short_url()
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.sp.ids), ("body_html", "ilike", link)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Segue o link para pagamento", mail.body_html)
        self.assertFalse(self.move.dunning_paused)

    def test_asking_for_the_link_at_night_gets_it_at_the_next_opening(self):
        reply = self._reply("qual a chave pix?", at=datetime(2026, 12, 16, 1, 0))
        self.assertEqual(reply.action, "paylink")
        link = self.move._dunning_short_url()
        self.assertFalse(self._link_answers())
        self.assertIn("next legal hour", self.sp.message_ids[0].body)
        with freeze_time(reply.answer_due_at + timedelta(minutes=5)):
            self.env["dunning.reply"]._cron_answer_due()
        self.assertEqual(
            self._link_answers().body,
            f"{self._sender()}: Obrigado! Segue o link para pagamento: {link}",
        )

    def test_a_payment_link_no_channel_carries_is_left_to_a_person(self):
        self.sp._dunning_email_opt_out(self.company)
        reply = self._email_reply("Perdi o boleto, podem reenviar?", message_id="perdi")
        self.assertEqual(reply.action, "paylink")
        self.assertFalse(reply.answer)
        todo = self.sp.activity_ids.filtered(lambda a: "payment link" in (a.summary or ""))
        self.assertIn(self.move._dunning_short_url(), str(todo.note))

    def test_asking_for_the_pix_switched_off_goes_to_a_person(self):
        self.company.dunning_reply_paylink = False
        self.assertFalse(self._reply("me manda o pix de novo"))
        self.assertFalse(self._link_answers())
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_a_pix_that_does_not_work_goes_to_a_person(self):
        self.assertFalse(self._reply("o código pix deu erro"))
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_undoing_a_link_sent_leaves_a_promise_paused(self):
        self._reply("vou pagar na sexta")
        self.assertEqual(self.move.dunning_pause_reason, "promise")
        self._reply("me manda o boleto de novo")
        asked = self.env["dunning.reply"].search(
            [("partner_id", "=", self.sp.id), ("action", "=", "paylink")]
        )
        asked.action_undo()
        self.assertEqual(self.move.dunning_pause_reason, "promise")

    def test_a_lawsuit_announced_pauses_and_reaches_a_person(self):
        """ "Vou processar vocês" (it went to a person as any reply, and the
        régua went on reminding): the reminded invoice pauses, who handles the
        customer gets a to-do, and nothing is answered automatically (under
        the CDC a person answers first); undone, the régua resumes."""
        reply = self._reply("Vou processar vocês")
        self.assertEqual(reply.action, "legal")
        self.assertTrue(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_pause_reason, "other")
        self.assertFalse(self.move.dunning_paused_until)
        self.assertFalse(reply.answer or reply.answer_due_at)
        self.assertFalse(self._answers())
        todo = self.sp.activity_ids.filtered(lambda a: "Legal action" in (a.summary or ""))
        self.assertEqual(len(todo), 1)
        self.assertIn("Vou processar vocês", str(todo.note))
        self.assertFalse(
            self.sp.activity_ids.filtered(lambda a: "Answer the SMS" in (a.summary or ""))
        )
        reply.action_undo()
        self.assertFalse(self.move.dunning_paused)
        self.assertEqual(reply.state, "undone")

    def test_a_complaint_announced_by_email_pauses_and_reaches_a_person(self):
        reply = self._email_reply("Vou abrir reclamação no consumidor.gov e no Procon.")
        self.assertEqual(reply.action, "legal")
        self.assertTrue(self.move.dunning_paused)
        self.assertTrue(
            self.sp.activity_ids.filtered(lambda a: "Legal action" in (a.summary or ""))
        )
        self.assertFalse(
            self.sp.activity_ids.filtered(lambda a: "e-mail reply" in (a.summary or ""))
        )

    def test_an_acknowledgement_leaves_a_note_and_no_to_do(self):
        """ "ok, obrigado" by SMS or e-mail, "👍": nothing to do, nothing to
        answer; the chatter keeps it (each made a to-do for a person)."""
        self.assertFalse(self._reply("ok, obrigado"))
        self.assertFalse(self._reply("👍"))
        self.assertFalse(self._email_reply("Recebido, obrigada.\n\nAtt,\nMaria Souza"))
        self.assertFalse(self.sp.activity_ids)
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self._answers())
        notes = self.sp.message_ids.filtered(lambda m: "acknowledgement" in (m.body or ""))
        self.assertEqual(len(notes), 3)
        self.assertIn("ok, obrigado", notes.mapped("body")[-1])
        # A thanks beside a payment claim is still the claim.
        self.assertEqual(self._reply("obrigado, mas já paguei").action, "paid")

    # -- a tenth writer's replies (benchmarks/replies/probe5.jsonl), by SMS ---------------
    def test_no_money_now_and_a_payment_made_wrong_get_no_promise_nor_thanks(self):
        """ "tô sem grana agora" was confirmed as a promise to pay today and
        "paguei errado" thanked for a payment: both now reach a person, the
        reminders go on, nothing is answered."""
        for text in ("to sem grana agora", "estou sem dinheiro hoje", "paguei errado"):
            self.assertFalse(self._reply(text), text)
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self._answers())
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_an_opt_out_asked_as_a_favour_stops_the_sms_and_keeps_the_email(self):
        """ "pode tirar meu número? mas o boleto quero por e-mail": the SMS
        stop, the e-mail goes on, a person sends the boleto by e-mail."""
        self._reply("pode tirar meu numero? mas o boleto quero por email")
        self.assertTrue(self._sms_opted_out())
        self.assertNotIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        self.assertTrue(self.sp.activity_ids.filtered(lambda a: "SMS reply" in (a.summary or "")))

    def test_asking_whether_there_is_a_pix_gets_the_link(self):
        reply = self._reply("tem pix copia e cola?")
        self.assertEqual(reply.action, "paylink")
        self.assertEqual(len(self._link_answers()), 1)

    def test_a_number_that_changed_hands_pauses_and_asks_to_correct_the_contact(self):
        reply = self._reply("Esse telefone agora é meu, o antigo dono não usa mais")
        self.assertEqual(reply.action, "wrong_number")
        self.assertTrue(self.move.dunning_paused)


@tagged("post_install", "-at_install")
class TestDunningAutoSubmitted(DunningCase):
    """What the customer's mail server receives says which e-mails a program
    wrote (RFC 3834: Auto-Submitted), so that an out-of-office responder does
    not answer them; the customer's own reply carries no such header and is
    read as before."""

    def setUp(self):
        super().setUp()
        self.move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)

    def _built(self, message):
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        [built] = mime_messages(mail)
        return built

    def _reply_to(self, built, body, message_id):
        """What the customer's mail client sends when they answer ``built``:
        its subject and references, none of its other headers."""
        raw = (
            f"From: Maria Souza <maria@cliente.example>\r\n"
            f"To: {built['Reply-To']}\r\n"
            f"Subject: Re: {built['Subject']}\r\n"
            f"In-Reply-To: {built['Message-ID']}\r\n"
            f"References: {built['Message-ID']}\r\n"
            f"Message-ID: <{message_id}@cliente.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            f"{body}\r\n"
        )
        return receive_email(self.env, self.sp, raw)

    def test_the_reguas_emails_say_a_program_wrote_them_and_replies_are_read(self):
        """The reminder carried no Auto-Submitted header: Maria's
        out-of-office answered every stage, each answer filed on her record
        for the collections team. The reminder now says auto-generated, the
        link the régua sends back to "quero negociar" auto-replied; Maria's
        own replies to them are read as before."""
        event = self._events(self.move, channel="email", state="queued")
        reminder = self._built(event.mail_message_id)
        self.assertEqual(reminder["Auto-Submitted"], "auto-generated")
        self.assertTrue(reminder["List-Unsubscribe"])
        reply = self._reply_to(reminder, "Vou pagar dia 18.", "promessa")
        self.assertEqual((reply.channel, reply.action), ("email", "promise"))
        self.assertTrue(self.move.dunning_paused)
        self.move._dunning_resume()
        reply = self._reply_to(reminder, "Gostaria de negociar o débito em aberto.", "negociar")
        reply = reply.filtered(lambda r: r.action == "negotiate")
        self.assertTrue(reply.answer)
        answer = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.sp.ids), ("body_html", "ilike", "/c/")]
        )
        answer = self._built(answer.mail_message_id)
        self.assertEqual(answer["Auto-Submitted"], "auto-replied")

    def test_an_email_a_person_writes_carries_no_such_header(self):
        """A message written in the customer's chatter, and the statement a
        person sends from the composer, are a person's: no Auto-Submitted."""
        message = self.sp.with_context(mail_post_autofollow=False).message_post(
            body="Maria, segue o boleto atualizado.",
            partner_ids=self.sp.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIsNone(self._built(message)["Auto-Submitted"])
        action = self.sp.with_company(self.company).action_dunning_send_statement()
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        composer._action_send_mail()
        statement = self.sp.message_ids[0]
        self.assertEqual(statement.subject, composer.subject)
        built = self._built(statement)
        self.assertIsNone(built["Auto-Submitted"])
        self.assertTrue(built["List-Unsubscribe"])
