# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What customers' mail servers send back to a régua e-mail, through Odoo's
own mail gateway (message_process, as fetchmail feeds it)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sms_gateway.tools import providers

from .common import DunningCase

DUE = date(2026, 12, 10)
D3_RUN = datetime(2026, 12, 15, 15, 0)  # Tuesday, noon in São Paulo
BACK_AT = datetime(2026, 12, 15, 16, 0)


def dsn(
    original,
    sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    to="bounce@aurora.example",
    status="5.1.1",
    action="failed",
    diagnostic="smtp; 550-5.1.1 The email account that you tried to reach does not exist.",
    recipient="maria@cliente.example",
    headers_only=False,
    message_id="dsn-1@mail.example",
    subject="Delivery Status Notification (Failure)",
):
    """A delivery-status notification (RFC 3464) about ``original`` (the
    mail.message the régua sent)."""
    original_part = (
        "Content-Type: text/rfc822-headers\r\n\r\n"
        if headers_only
        else "Content-Type: message/rfc822\r\n\r\n"
    )
    return (
        f"From: {sender}\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "Date: Tue, 15 Dec 2026 13:00:00 -0300\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"\r\n'
        "\r\n"
        "--BOUND\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"A mensagem não foi entregue a {recipient}. {diagnostic}\r\n"
        "Vou pagar dia 18.\r\n"
        "\r\n"
        "--BOUND\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mx.mail.example\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: {diagnostic}\r\n"
        "\r\n"
        "--BOUND\r\n"
        f"{original_part}"
        "From: Papelaria <cobranca@aurora.example>\r\n"
        f"To: Maria Souza <{recipient}>\r\n"
        f"Message-ID: {original.message_id}\r\n"
        "Subject: Fatura em aberto\r\n"
        "\r\n"
        + ("" if headers_only else "Olá, Maria. Se já pagou, desconsidere.\r\n")
        + "--BOUND--\r\n"
    )


@tagged("post_install", "-at_install")
class TestDunningBounces(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "aurora.example", "bounce_alias": "bounce", "catchall_alias": "catchall"}
        )
        cls.company.alias_domain_id = cls.alias_domain

    def setUp(self):
        super().setUp()
        self.move = self._invoice(self.sp, DUE)
        self._run(D3_RUN)
        self.event = self._events(self.move, channel="email").filtered("mail_message_id")[:1]
        self.assertTrue(self.event)
        self.mails_before = self.env["mail.mail"].search([])

    def _process(self, raw):
        with freeze_time(BACK_AT):
            self.env["mail.thread"].message_process(False, raw.encode())
        self.env.invalidate_all()

    def _notification(self):
        return self.env["mail.notification"].search(
            [("mail_message_id", "=", self.event.mail_message_id.id)]
        )

    def _to_customer(self):
        """The e-mails created since the reminder that go to the customer."""
        return (self.env["mail.mail"].search([]) - self.mails_before).filtered(
            lambda mail: self.sp in mail.recipient_ids or "cliente.example" in (mail.email_to or "")
        )

    def _nothing_read(self):
        self.assertFalse(self.env["dunning.reply"].search([]))
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.sp.activity_ids)
        new = self.env["mail.mail"].search([]) - self.mails_before
        self.assertFalse(new, [(m.email_to, m.subject) for m in new])

    def _read_receipt(self, message_id="mdn-1", references=True):
        parent = self.event.mail_message_id
        return (
            "From: Maria Souza <maria@cliente.example>\r\n"
            "To: catchall@aurora.example\r\n"
            "Subject: Lida: Fatura em aberto\r\n"
            f"Message-ID: <{message_id}@cliente.example>\r\n"
            + (f"References: {parent.message_id}\r\n" if references else "")
            + "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=disposition-notification; boundary="B"\r\n'
            "\r\n"
            "--B\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Sua mensagem para maria@cliente.example foi lida em 15/12/2026 13:00.\r\n"
            "--B\r\n"
            "Content-Type: message/disposition-notification\r\n"
            "\r\n"
            "Reporting-UA: cliente.example; Microsoft Outlook 16.0\r\n"
            "Final-Recipient: rfc822;maria@cliente.example\r\n"
            f"Original-Message-ID: {parent.message_id}\r\n"
            "Disposition: manual-action/MDN-sent-manually; displayed\r\n"
            "--B--\r\n"
        )

    def test_a_hard_bounce_marks_the_reminder_not_delivered(self):
        """Gmail's, Outlook's (to the reply-to, headers only) and a Brazilian
        provider's "user unknown": the reminder's e-mail reads "Not delivered"
        with the server's words, the customer's address counts a bounce, and
        the report's text ("Vou pagar dia 18" quoted in it) is read as no one's
        answer, nor answered."""
        bounces = (
            {},
            {
                "sender": "postmaster@outlook.com",
                "to": "catchall@aurora.example",
                "headers_only": True,
                "diagnostic": "smtp; 550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
                "subject": "Undeliverable: Fatura em aberto",
            },
            {
                "sender": "Mail Delivery System <MAILER-DAEMON@mx.uol.com.br>",
                "subject": "Undelivered Mail Returned to Sender",
                "diagnostic": "smtp; 550 5.1.1 <maria@cliente.example>: Recipient address "
                "rejected: User unknown",
            },
        )
        for number, values in enumerate(bounces, start=1):
            self._process(dsn(self.event.mail_message_id, message_id=f"dsn-{number}@x", **values))
            self.assertEqual(self._notification().notification_status, "bounce")
            self.assertIn("5.1.1", self._notification().failure_reason)
            self.assertEqual(self.event.delivery_status, "failed")
            self._nothing_read()
        self.assertEqual(self.sp.message_bounce, 3)

    def test_a_read_receipt_changes_nothing(self):
        """A read receipt (RFC 8098, multipart/report) was taken for a bounce
        by Odoo's gateway: the reminder the customer had just read showed "Not
        delivered" and their address counted a bounce. It changes nothing now,
        with or without a reference to the reminder (none is posted to the
        catchall, which would answer it)."""
        self._process(self._read_receipt())
        self._process(self._read_receipt("mdn-2", references=False))
        self.assertEqual(self._notification().notification_status, "ready")
        self.assertEqual(self.event.delivery_status, "pending")
        self.assertEqual(self.sp.message_bounce, 0)
        self.assertFalse(self.sp.message_ids.filtered(lambda m: "foi lida" in (m.body or "")))
        self._nothing_read()

    def test_a_delay_warning_is_no_bounce_and_a_full_mailbox_given_up_is(self):
        """Gmail's "Delivery Status Notification (Delay)" (Action: delayed,
        4.2.2 mailbox full: the server still tries) marked the reminder "Not
        delivered" and counted a bounce; it may still arrive: nothing changes.
        When the server gives up on the full mailbox (Action: failed), the
        reminder is not delivered."""
        self._process(
            dsn(
                self.event.mail_message_id,
                status="4.2.2",
                action="delayed",
                diagnostic="smtp; 452 4.2.2 The email account that you tried to reach is over "
                "quota.",
                subject="Delivery Status Notification (Delay)",
            )
        )
        self.assertEqual(self._notification().notification_status, "ready")
        self.assertEqual(self.event.delivery_status, "pending")
        self.assertEqual(self.sp.message_bounce, 0)
        self._nothing_read()
        self._process(
            dsn(
                self.event.mail_message_id,
                status="4.2.2",
                action="failed",
                diagnostic="smtp; 452 4.2.2 Mailbox full",
                message_id="dsn-given-up@x",
            )
        )
        self.assertEqual(self.event.delivery_status, "failed")
        self.assertIn("4.2.2", self._notification().failure_reason)
        self.assertEqual(self.sp.message_bounce, 1)
        self._nothing_read()

    def _auto_reply(self, body, headers="", message_id="ooo", subject="Re: Fatura em aberto"):
        """An answer the customer's mailbox sends by itself, to the reply-to."""
        parent = self.event.mail_message_id
        self._process(
            "From: Maria Souza <maria@cliente.example>\r\n"
            "To: catchall@aurora.example\r\n"
            f"Subject: {subject}\r\n"
            f"In-Reply-To: {parent.message_id}\r\n"
            f"References: {parent.message_id}\r\n"
            f"Message-ID: <{message_id}@cliente.example>\r\n"
            f"{headers}"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            f"{body}\r\n"
        )

    def test_an_out_of_office_is_never_the_customers_answer(self):
        """Out-of-office answers, with RFC 3834's headers or from a server that
        sets none, in Portuguese and English: no promise (the day they name is
        their return), nothing paused, nothing sent back. "Estarei fora até
        17/12 ... pagamentos pelo financeiro no dia 18/12" from a server that
        sets no header was a promise for 17/12: the reminders paused until
        18/12, and a promise broken the next day."""
        with_headers = (
            "Auto-Submitted: auto-replied\r\n",
            "X-Autoreply: yes\r\n",
            "Precedence: auto_reply\r\n",
        )
        for number, headers in enumerate(with_headers):
            self._auto_reply(
                "Estou de férias até 10/01, sem acesso ao e-mail. Pago dia 11.",
                headers=headers,
                message_id=f"ooo-{number}",
            )
        self._nothing_read()
        self.assertEqual(self.event.delivery_status, "pending")
        for number, body in enumerate(
            (
                "Estou de férias até 10/01, sem acesso ao e-mail.",
                "Estarei fora até 17/12 sem acesso ao e-mail. Os pagamentos serão feitos pelo "
                "financeiro no dia 18/12.",
                "Recebi sua mensagem. Estou de licença até 17/12, pagamentos serão feitos dia 18.",
                "I am out of the office until December 17th. Payments will be made on "
                "December 18th.",
                "This is an automated response. I am away until 17 December. I will pay on "
                "18 December.",
            )
        ):
            self._auto_reply(body, message_id=f"plain-{number}", subject="Fatura em aberto")
        self.assertFalse(self.env["dunning.reply"].search([]))
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_promise_date)
        # Nothing to the customer (a person's to-do notifies the person).
        self.assertFalse(self._to_customer())

    def test_a_bounced_address_is_not_written_to_again_until_corrected(self):
        """Maria's address bounced ("user unknown") at the first overdue notice:
        the second notice e-mailed the dead address again (only the blacklist
        stopped it). Now its e-mail is skipped saying the address bounced, and
        the stage's SMS reaches her all the same; once someone corrects her
        address, the final notice is e-mailed to the new one."""
        self._process(dsn(self.event.mail_message_id))
        self.assertEqual(self.sp.message_bounce, 1)
        self._run(datetime(2026, 12, 21, 15, 0))  # D+10, Monday noon in São Paulo
        second = self._events(self.move, channel="email").filtered(
            lambda event: event.stage_id.offset_days == 10
        )
        self.assertEqual(second.state, "skipped")
        self.assertFalse(second.mail_message_id)
        self.assertIn("bounced", second.reason)
        self.assertIn("maria@cliente.example", second.reason)
        sms = self._events(self.move, channel="sms").filtered(
            lambda event: event.stage_id.offset_days == 10
        )
        self.assertEqual(sms.state, "queued")
        self.assertFalse(self._to_customer())
        self.sp.email = "maria.souza@cliente.example"
        self.assertEqual(self.sp.message_bounce, 0)
        self._run(datetime(2027, 1, 11, 15, 0))  # D+30 (Saturday 9th): Monday noon
        final = self._events(self.move, channel="email").filtered(
            lambda event: event.stage_id.offset_days == 30
        )
        self.assertEqual(final.state, "queued")
        self.assertIn(self.sp, final.mail_message_id.partner_ids)

    def test_a_hard_bounce_reads_failed_with_the_servers_words(self):
        """Joana has no mobile: the first overdue notice was her only message,
        and her mail server refused it ("user unknown"). Her invoice's
        timeline said "Queued" with no reason (only a "Not delivered" badge),
        and once her address was corrected the final notice opened with
        "Despite our previous messages", of a message that never reached her.
        Now the event reads Failed with the server's words, the dashboard
        shows the e-mail as her last contact, not delivered, and the final
        notice does not speak of earlier messages."""
        joana = self._customer("Joana Lima", "base.state_br_sp", "America/Sao_Paulo", False)
        move = self._invoice(joana, DUE)
        self._run(D3_RUN)
        event = self._events(move, channel="email", state="queued")
        self.assertEqual(len(event), 1)
        self._process(
            dsn(
                event.mail_message_id,
                recipient="joana@cliente.example",
                message_id="dsn-joana@x",
            )
        )
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.delivery_status, "failed")
        self.assertIn("5.1.1", event.reason)
        self.assertIn("does not exist", event.reason)
        self.assertNotIn("Vou pagar", event.reason, "the server's words, not the report's text")
        with freeze_time(BACK_AT):
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", joana.id), ("company_id", "=", self.company.id)]
            )
            self.assertEqual(
                (row.last_contact_channel, row.last_contact_status), ("email", "failed")
            )
        joana.email = "joana.lima@cliente.example"
        self._run(datetime(2027, 1, 11, 15, 0))  # D+30 (Saturday 9th): Monday noon
        final = self._events(move, channel="email").filtered(
            lambda event: event.stage_id.offset_days == 30
        )
        self.assertEqual(final.state, "queued")
        text = self._text(final.mail_message_id.body)
        self.assertIn("We have not yet identified the payment", text)
        self.assertNotIn("previous messages", text)
        # The other reminders of the same customer stay as they were.
        self.assertEqual(self.event.state, "queued")


@tagged("post_install", "-at_install")
class TestDunningSmsFailures(DunningCase):
    """What the SMS provider reports of a régua SMS it could not deliver."""

    def setUp(self):
        super().setUp()
        # Joana gave only her mobile: the first overdue notice goes by SMS alone.
        self.joana = self._customer(
            "Joana Lima", "base.state_br_sp", "America/Sao_Paulo", "(11) 97654-3210", email=False
        )
        self.move = self._invoice(self.joana, DUE)
        self._run(D3_RUN)
        self.event = self._events(self.move, channel="sms", state="queued")
        self.assertEqual(len(self.event), 1)
        with freeze_time(D3_RUN):  # Odoo's SMS queue, inside her window
            self.env["sms.sms"]._process_queue()

    def _report(self, status, detail=""):
        self.gateway._process_status_reports(
            [providers.StatusReport(status, uuid=self.event.sms_uuid, detail=detail)]
        )
        self.env.invalidate_all()

    def test_an_undelivered_sms_reads_failed_and_was_no_reminder(self):
        """The operator could not deliver Joana's SMS (the number is no longer
        in service). Her invoice's timeline said "Queued", the SMS counted as
        a reminder that reached her, and once she gave an e-mail the final
        notice opened with "Despite our previous messages". Now the event
        reads Failed with the provider's words, the dashboard shows the SMS
        as her last contact, not delivered, and the final notice does not
        speak of earlier messages."""
        self._report(providers.UNDELIVERED, "Número fora de serviço (código 21)")
        self.assertEqual(self.event.state, "failed")
        self.assertEqual(self.event.delivery_status, "failed")
        self.assertIn("Número fora de serviço (código 21)", self.event.reason)
        with freeze_time(BACK_AT):
            row = self.env["dunning.dashboard"].search(
                [("partner_id", "=", self.joana.id), ("company_id", "=", self.company.id)]
            )
            self.assertEqual((row.last_contact_channel, row.last_contact_status), ("sms", "failed"))
        self.joana.write({"email": "joana@cliente.example", "mobile": False})
        self._run(datetime(2027, 1, 11, 15, 0))  # D+30 (Saturday 9th): Monday noon
        final = self._events(self.move, channel="email").filtered(
            lambda event: event.stage_id.offset_days == 30
        )
        self.assertEqual(final.state, "queued")
        text = self._text(final.mail_message_id.body)
        self.assertIn("We have not yet identified the payment", text)
        self.assertNotIn("previous messages", text)

    def test_a_rejected_sms_says_so_without_the_providers_words(self):
        """A report without words (the operator rejected it): the reason names
        what Odoo knows of the failure, in the company's language."""
        self.company.partner_id.lang = "pt_BR"
        self.env["res.lang"]._activate_lang("pt_BR")
        self._report(providers.REJECTED)
        self.assertEqual(self.event.state, "failed")
        self.assertIn("SMS", self.event.reason)
        self.assertNotIn("Not delivered", self.event.reason)

    def test_delivered_after_a_failure_reads_queued_again(self):
        """Reports come out of order: "delivered" after "undelivered" means the
        handset has it; the event is a reminder that reached her again."""
        self._report(providers.UNDELIVERED, "Tempo esgotado")
        self.assertEqual(self.event.state, "failed")
        self._report(providers.DELIVERED)
        self.assertEqual(self.event.state, "queued")
        self.assertFalse(self.event.reason)
        self.assertEqual(self.event.delivery_status, "delivered")

    def test_a_report_of_another_sms_changes_nothing(self):
        """An SMS a person sent from the chatter failing leaves the régua's
        events as they were."""
        self.joana._message_sms("Olá", sms_numbers=["+5511976543210"])
        other = self.env["sms.sms"].search([("uuid", "!=", self.event.sms_uuid)], limit=1)
        self.gateway._process_status_reports(
            [providers.StatusReport(providers.UNDELIVERED, uuid=other.uuid, detail="x")]
        )
        self.env.invalidate_all()
        self.assertEqual(self.event.state, "queued")
