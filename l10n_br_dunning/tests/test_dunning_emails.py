# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rendering checks of every shipped e-mail: what the customer's mail client
receives, built by Odoo's own mail.mail and ir.mail_server from a real send."""

import ast
from datetime import date, datetime
from urllib.parse import urlsplit

from freezegun import freeze_time
from lxml import html as lxml_html
from markupsafe import Markup, escape

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from ..models.dunning_channel import Outgoing
from ..models.dunning_context import PlanningContext
from ..models.dunning_outbox import Outbox
from ..tools import channels as rules
from .common import DunningCase
from .mime import mime_messages

# 40 characters, accents included: the worst name the SMS rules plan for.
WORST_NAME = "Maria Aparecida da Conceição Albuquerque"
REMINDER_TEMPLATES = (
    "mail_template_dunning_reminder",
    "mail_template_dunning_due",
    "mail_template_dunning_overdue",
    "mail_template_dunning_second",
    "mail_template_dunning_final",
)
ODOO_FRAME = ("Sua Contato", "Your Contact", "Deixar de seguir", "Unfollow", "Powered by", "Odoo")


def built_messages(mail):
    """What the customer's mail client receives."""
    return mime_messages(mail)


def part(message, content_type):
    return next((p for p in message.walk() if p.get_content_type() == content_type), None)


def html_of(message):
    """The HTML part, with non-breaking spaces as spaces ("R$ 1,00")."""
    return part(message, "text/html").get_content().replace("\xa0", " ").replace("&nbsp;", " ")


def pay_buttons(html):
    tree = lxml_html.fromstring(html)
    return [a for a in tree.iter("a") if a.text_content().strip() == "Pagar agora"]


@tagged("post_install", "-at_install")
class TestDunningEmails(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.company.write(
            {
                "name": "Papelaria Aurora Comércio de Artigos de Escritório Ltda",
                "dunning_reply_to": "cobranca@aurora.example",
                "phone": "+55 11 3456-7890",
            }
        )
        cls._company_pix_key()
        cls.customer = cls._customer(
            WORST_NAME, "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-2222", lang="pt_BR"
        )
        cls.moves = cls._invoice(cls.customer, date(2026, 12, 10), 123456.78) | cls._invoice(
            cls.customer, date(2026, 12, 11), 123456.78
        )
        cls.lines = cls.moves.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

    def _send(self, template, lines=None, at=datetime(2026, 12, 9, 13, 0), batch=False, odoo=False):
        """Send ``template`` to the customer for ``lines`` as the régua does (alone,
        as "send now" does, or in a run's batch); the mail.mail it queued. With
        ``odoo``, the same e-mail posted by Odoo's own ``message_post`` instead:
        the reference the régua's writer must equal."""
        lines = lines or self.lines
        decision = rules.Decision(rules.EMAIL, lines.ids, rules.SEND)
        outgoing = Outgoing(decision, lines, self.env["dunning.stage"], template)
        Channel = self.env["dunning.channel"].sudo()
        outbox = Outbox() if batch or odoo else None
        with freeze_time(at):
            state, reason, extra = Channel._execute(
                outgoing, self.customer, at, PlanningContext(self.env), outbox
            )
            if batch:
                [message_id] = self.env["dunning.outbox"].sudo()._post_emails(outbox.emails)
                extra = {"mail_message_id": message_id}
            if odoo:
                extra = {"mail_message_id": self._message_post(outbox.emails[0]).id}
        self.assertEqual(state, "queued", reason)
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", extra["mail_message_id"])])
        )

    def _message_post(self, email):
        """The régua's e-mail posted the way Odoo posts one: message_post."""
        company = email.company
        return (
            email.partner.sudo()
            .with_company(company)
            .with_context(
                mail_post_autofollow=False,
                mail_create_nosubscribe=True,
                lang=email.lang,
                dunning_mail=email.mail_context,
            )
            .message_post(
                subject=email.subject,
                body=email.body,
                author_id=company.partner_id.id,
                email_from=company._dunning_email_from(),
                reply_to=email.reply_to,
                partner_ids=email.partner.ids,
                attachment_ids=email.attachment_ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid=email.layout,
                force_send=False,
                record_company_id=company.id,
                record_alias_domain_id=company.alias_domain_id.id,
            )
        )

    def test_a_runs_email_is_the_one_message_post_queues(self):
        """The régua writes its e-mails in bulk (one writer, for a run's batch and
        for "send now" alike): each is the e-mail, chatter message and delivery
        notification Odoo's message_post queues for one."""
        template = self.env.ref("l10n_br_dunning.mail_template_dunning_overdue")
        first = self._send(template)  # the first message of the customer's chatter
        batch = self._send(template, batch=True)
        alone = self._send(template, odoo=True)
        for name in (
            "subject",
            "email_from",
            "reply_to",
            "author_id",
            "model",
            "res_id",
            "record_name",
            "message_type",
            "subtype_id",
            "parent_id",
            "partner_ids",
            "attachment_ids",
            "email_layout_xmlid",
            "record_company_id",
            "record_alias_domain_id",
            "recipient_ids",
            "auto_delete",
            "is_notification",
            "state",
            "body_html",
            "body",
        ):
            with self.subTest(field=name):
                self.assertEqual(batch[name], alone[name])
        headers = ast.literal_eval(batch.headers)  # the repr of a dict, as Odoo stores it
        self.assertEqual(headers, ast.literal_eval(alone.headers))
        self.assertIn("List-Unsubscribe", headers)
        # References: the earlier messages of the customer's chatter, then its own.
        self.assertEqual(batch.references.split(), [first.message_id, batch.message_id])
        self.assertEqual(
            alone.references.split(), [first.message_id, batch.message_id, alone.message_id]
        )
        for mail in (alone, batch):
            notification = mail.notification_ids
            self.assertEqual(
                (notification.notification_type, notification.notification_status),
                ("email", "ready"),
            )
            self.assertEqual(notification.res_partner_id, self.customer)
            self.assertEqual(notification.mail_message_id, mail.mail_message_id)
        # What the customer's mail client receives.
        [message] = built_messages(batch)
        self._assert_company_frame(batch, message)
        self.assertEqual(len(pay_buttons(html_of(message))), 2)

    def test_a_runs_invoice_notes_are_stored_as_odoo_logs_them(self):
        """The notes are stored after their messages, one sanitizing per text:
        each invoice reads what _message_log_batch would have stored."""
        first, second = self.moves
        note = Markup("Régua de cobrança, stage D+3: <b>E-mail</b>, SMS &amp; <i>x</i>")
        other = escape("Régua de cobrança, stage D+10: Letter <script>x</script>")
        Outbox = self.env["dunning.outbox"].sudo()
        Outbox._log_notes({first: note, second: other})
        mine = {
            move: move.message_ids.filtered(lambda m: m.message_type == "notification")[:1]
            for move in self.moves
        }
        odoo = self.moves._message_log_batch(bodies={first.id: note, second.id: other})
        by_move = {message.res_id: message for message in odoo}
        for move in self.moves:
            self.assertEqual(mine[move].body, by_move[move.id].body)
            self.assertEqual(mine[move].subtype_id, by_move[move.id].subtype_id)
        self.assertIn("<b>E-mail</b>", mine[first].body)
        self.assertNotIn("<script>", mine[second].body)

    def test_a_runs_sms_are_stored_as_odoo_posts_them(self):
        """SMS are posted in bulk with their texts stored after, sanitized once:
        each chatter message and queued SMS reads what Odoo's _message_sms
        writes, "<" and "&" included."""
        text = "Aurora: Maria, R$ 1.234,56 < R$ 2 & vence 10/12: https://x.example/c/a"
        Outbox = self.env["dunning.outbox"].sudo()
        [(message_id, uuid)] = Outbox._post_sms(
            [(self.customer, self.company, text, self.customer.mobile)]
        )
        mine = self.env["mail.message"].browse(message_id)
        odoo = self.customer._message_sms(
            text,
            partner_ids=self.customer.ids,
            sms_numbers=[self.customer.mobile],
            put_in_queue=True,
        )
        self.env.invalidate_all()
        self.assertEqual(mine.body, odoo.body)
        mine_sms = self.env["sms.sms"].search([("uuid", "=", uuid)])
        odoo_sms = self.env["sms.sms"].search([("mail_message_id", "=", odoo.id)])
        self.assertEqual(mine_sms.body, text)
        self.assertEqual(mine_sms.body, odoo_sms.body)

    def test_a_runs_call_notes_are_stored_as_odoo_creates_them(self):
        """Call activities are created in bulk with their notes stored after,
        sanitized once: each reads what mail.activity's create stores."""
        first, second = self.moves
        note = Markup("<p>Ligar: <b>R$ 123.456,78</b></p><ul><li>%s</li></ul>") % first.name
        unsafe = Markup('<p>Ligar</p><script>alert(1)</script><img src="x" onerror="y"/>')
        values = [
            {
                "res_model_id": self.env["ir.model"]._get_id("account.move"),
                "res_id": move.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "user_id": self.env.user.id,
                "summary": "Ligar",
                "note": text,
            }
            for move, text in ((first, note), (second, unsafe))
        ]
        ids = self.env["dunning.outbox"].sudo()._schedule_calls([dict(v) for v in values])
        mine = self.env["mail.activity"].browse(ids)
        odoo = self.env["mail.activity"].create([dict(v) for v in values])
        self.env.invalidate_all()
        self.assertEqual(mine.mapped("note"), odoo.mapped("note"))
        self.assertIn("<b>R$ 123.456,78</b>", mine[0].note)
        self.assertNotIn("<script>", mine[1].note)
        self.assertNotIn("onerror", mine[1].note)

    def test_a_runs_email_body_is_sanitized_as_message_post_sanitizes_it(self):
        """What a template rendered is sanitized before it reaches the chatter
        and the e-mail, as message_post does it: a script or an event handler a
        template let through is gone; an inline image becomes an attachment."""
        template = self.env.ref("l10n_br_dunning.mail_template_dunning_overdue")
        decision = rules.Decision(rules.EMAIL, self.lines.ids, rules.SEND)
        outgoing = Outgoing(decision, self.lines, self.env["dunning.stage"], template)
        outbox = Outbox()
        at = datetime(2026, 12, 9, 13, 0)
        with freeze_time(at):
            self.env["dunning.channel"].sudo()._execute(
                outgoing, self.customer, at, PlanningContext(self.env), outbox
            )
        [email] = outbox.emails
        rendered = Markup(email.body)
        email.body = rendered + Markup(
            '<script>alert("x")</script><p><a href="#" onclick="steal()">Pagar</a></p>'
        )
        [message_id] = self.env["dunning.outbox"].sudo()._post_emails([email])
        batch = self.env["mail.message"].sudo().browse(message_id)
        alone = self._message_post(email)
        self.assertEqual(batch.body, alone.body)
        for unsafe in ("<script", "onclick", "steal()"):
            self.assertNotIn(unsafe, batch.body)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message_id)])
        self.assertNotIn("<script", mail.body_html)
        self.assertIn("Pagar", mail.body_html)
        # An inline image: an attachment of the message, as message_post makes it.
        pixel = (
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
            "2mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
        email.body = rendered + Markup('<p><img src="%s" data-filename="logo.png"></p>') % pixel
        [message_id] = self.env["dunning.outbox"].sudo()._post_emails([email])
        batch = self.env["mail.message"].sudo().browse(message_id)
        self.assertNotIn("data:image", batch.body)
        self.assertEqual(batch.attachment_ids.mapped("name"), ["logo.png"])
        self.assertIn(f"/web/image/{batch.attachment_ids.id}", batch.body)

    def _assert_company_frame(self, mail, message):
        html = html_of(message)
        for odoo in ODOO_FRAME:
            self.assertNotIn(odoo, html)
        # The sender is the company, by name and address; the answers go to collections.
        self.assertIn("cobranca@aurora.example", message["From"])
        self.assertIn(self.company.name, str(message["From"]))
        self.assertNotIn("odoobot", message["From"].lower())
        self.assertIn("cobranca@aurora.example", message["Reply-To"])
        # CDC art. 42-A in the body: name, CNPJ, address.
        for identity in (self.company.name, "15.881.399/0001-34", "Rua Augusta, 1500", "São Paulo"):
            self.assertIn(identity, html)
        # Some Brazilian corporate gateways strip HTML: the plain part says it all too.
        plain = part(message, "text/plain").get_content()
        self.assertIn("15.881.399/0001-34", plain)
        self.assertIn(self.company.name, plain)
        return html, plain

    def test_a_cnpj_typed_without_punctuation_is_printed_as_a_cnpj(self):
        """The company's CNPJ imported as "15881399000134": the e-mails'
        frame, the customer's page and the statement named the supplier with
        fourteen bare digits; they print it as every paper does."""
        self.company.partner_id.vat = "15881399000134"
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        self._assert_company_frame(mail, message)  # "15.881.399/0001-34"
        move = self.moves[0]
        page = self.url_open(move._dunning_portal_url())
        self.assertIn("15.881.399/0001-34", page.text)
        self.assertNotIn("15881399000134", page.text)
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_statement", self.customer.ids
        )
        self.assertIn("15.881.399/0001-34", html.decode())

    def test_every_reminder_email_has_a_pay_button_pix_qr_and_the_company_frame(self):
        followers = {move: move.message_partner_ids for move in self.moves}
        for xmlid in REMINDER_TEMPLATES:
            with self.subTest(template=xmlid):
                template = self.env.ref(f"l10n_br_dunning.{xmlid}")
                mail = self._send(template)
                [message] = built_messages(mail)
                html, plain = self._assert_company_frame(mail, message)
                self.assertIn("Cobrança", html)
                self.assertIn("Maria Aparecida da Conceição Albuquerque", html)
                self.assertIn("R$ 123.456,78", html)
                # One "Pagar agora" per invoice, opening that invoice's portal page.
                buttons = pay_buttons(html)
                self.assertEqual(len(buttons), 2)
                for button, move in zip(buttons, self.moves, strict=True):
                    url = urlsplit(button.get("href"))
                    self.assertEqual(url.path, f"/my/invoices/{move.id}")
                    self.assertIn(f"access_token={move.access_token}", url.query)
                    page = self.url_open(f"{url.path}?{url.query}")
                    self.assertEqual(page.status_code, 200)
                    self.assertIn(move.name, page.text)
                    self.assertIn(url.path, plain, "the plain part lists the pay link")
                # The Pix QR of each installment, inline (cid:), beside its code.
                tree = lxml_html.fromstring(html)
                qr_sources = [
                    img.get("src")
                    for img in tree.iter("img")
                    if "pix" in (img.get("alt") or "").lower()
                ]
                self.assertEqual(len(qr_sources), 2)
                inline = {
                    p["Content-ID"].strip("<>"): p
                    for p in message.walk()
                    if p.get_content_type() == "image/png"
                }
                for src, line in zip(qr_sources, self.lines, strict=True):
                    self.assertTrue(src.startswith("cid:"), src)
                    image = inline[src[4:]]
                    self.assertTrue(image.get_content().startswith(b"\x89PNG"))
                    self.assertIn(line._dunning_pix_code(), tree.text_content())
                self.assertEqual(message.get_content_type(), "multipart/alternative")
                self.assertIn("Pix copia e cola", html)
                # Mail clients offer "unsubscribe": one click (RFC 8058) stops this
                # company's e-mail reminders; the preferences page is in the body.
                unsubscribe = self.customer._dunning_unsubscribe_url(self.company)
                self.assertEqual(message["List-Unsubscribe"], f"<{unsubscribe}>")
                self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
                preferences = self.moves[0]._dunning_preferences_url()
                self.assertIn("Como e quando falamos com você", html)
                self.assertEqual(self.url_open(preferences).status_code, 200)
                # Receiving a reminder subscribes the customer to nothing.
                self.assertNotIn(self.customer, self.customer.message_partner_ids)
                for move in self.moves:
                    self.assertEqual(move.message_partner_ids, followers[move])

    def test_the_pix_code_pastes_whole_from_the_html_and_the_plain_text(self):
        """Mail clients set to plain text (watches, screen readers, webmail with
        HTML blocked) show the text/plain part: the copy-and-paste code there is
        the bank's whole string, not cut by spaces every 20 characters (a code
        with spaces fails its CRC in the bank's app); the HTML wraps it on a
        phone by style, with nothing inside the string."""
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_due"))
        [message] = built_messages(mail)
        plain = part(message, "text/plain").get_content()
        html = html_of(message)
        tree = lxml_html.fromstring(html)
        self.assertIn(".dunning-pix-code { word-break: break-all; overflow-wrap: anywhere;", html)
        for line in self.lines:
            pix = line._dunning_pix_code()
            self.assertGreater(len(pix), 100)
            self.assertIn(pix, plain)
            holders = [el for el in tree.iter("div") if (el.text or "") == pix]
            self.assertTrue(holders, "the code is one piece of text")
            for holder in holders:
                self.assertFalse(len(holder), "nothing inside the code (no <wbr/>)")
                self.assertIn("dunning-pix-code", holder.get("class"))

    def test_every_greeting_names_the_customer_as_typed_without_stray_spaces(self):
        """A name imported with spaces around it, or in capitals with a legal
        suffix: the e-mail, its preview and the letter greet "Pedro Álvares
        Cabral," (not "Pedro Álvares Cabral ,"); the name on file is kept."""
        self.customer.name = "   Pedro Álvares Cabral   "
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        html, plain = html_of(message), part(message, "text/plain").get_content()
        self.assertIn("Olá, Pedro Álvares Cabral,", self._text(html))
        self.assertIn("Olá, Pedro Álvares Cabral,", plain)
        self.assertEqual(self.customer.name, "   Pedro Álvares Cabral   ")
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30: the final notice and its letter
        letters = self._events(self.moves, channel="letter", state="to_print")
        self.assertTrue(letters)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letters.ids
        )[0]
        self.assertIn("Prezado(a) Pedro Álvares Cabral,", " ".join(self._text(html).split()))
        self.customer.write({"name": "COMÉRCIO DE PAPÉIS SÃO JOÃO LTDA - ME", "is_company": True})
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        self.assertIn("Olá, Comércio de Papéis São João,", self._text(html_of(message)))

    def test_a_tax_id_or_a_placeholder_is_not_greeted_as_a_name(self):
        """A record imported with its CNPJ (or "Consumidor final") as the name:
        the e-mail and the letter greet "Olá, cliente," / "Prezado(a) cliente,",
        never "Olá, 12.345.678/0001-90,"; the letter's address block keeps the
        registered name, and the name on file is not changed."""
        self.customer.write({"name": "12.345.678/0001-90", "is_company": True})
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        html, plain = self._text(html_of(message)), part(message, "text/plain").get_content()
        self.assertIn("Olá, cliente,", html)
        self.assertIn("Olá, cliente,", plain)
        self.assertNotIn("Olá, 12.345.678/0001-90", html)
        self.assertEqual(self.customer.name, "12.345.678/0001-90")
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30: the final notice and its letter
        letters = self._events(self.moves, channel="letter", state="to_print")
        self.assertTrue(letters)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letters.ids
        )[0]
        text = " ".join(self._text(html).split())
        self.assertIn("Prezado(a) cliente,", text)
        self.assertNotIn("Prezado(a) 12.345.678/0001-90", text)
        self.assertIn("12.345.678/0001-90", text, "the addressee block: the registered name")
        self.customer.write({"name": "CONSUMIDOR FINAL", "is_company": False})
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        self.assertIn("Olá, cliente,", self._text(html_of(message)))
        self.customer.lang = "en_US"
        self.assertEqual(self.customer._dunning_addressed_name(), "customer")
        self.assertEqual(self.customer._dunning_addressed_name(fallback=False), "")

    def test_one_installment_is_spoken_of_in_the_singular(self):
        """The common case, one invoice of one installment: "A parcela abaixo
        vence hoje", not "As parcelas abaixo vencem hoje"; the letter too."""
        for xmlid in REMINDER_TEMPLATES:
            with self.subTest(template=xmlid):
                template = self.env.ref(f"l10n_br_dunning.{xmlid}")
                [one] = built_messages(self._send(template, self.lines[:1]))
                text = " ".join(self._text(html_of(one)).split())
                self.assertIn("parcela abaixo", text)
                self.assertNotIn("parcelas abaixo", text)
                self.assertNotIn("regularizá-las", text)
                [two] = built_messages(self._send(template))
                self.assertIn("parcelas abaixo", " ".join(self._text(html_of(two)).split()))
        self._pay(self.moves[1], date=date(2026, 12, 11))
        self._run(datetime(2027, 1, 11, 12, 30))  # D+30: the final notice and its letter
        letter = self._events(self.moves, channel="letter", state="to_print")
        self.assertEqual(len(letter), 1)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )[0]
        text = " ".join(self._text(html).split())
        self.assertIn("Segundo nossos registros, a parcela abaixo continua em aberto:", text)
        self.assertIn("Pedimos que a regularize", text)
        self.assertNotIn("parcelas abaixo", text)

    def test_a_grouped_email_tells_each_installment_its_own_day(self):
        """Thursday 12/08/2027: X (due 09/08) has its first overdue notice, Y (due
        17/08) its friendly D-5 reminder. The one e-mail lists both, but says
        only X is late: Y's line says "a vencer", the opening speaks of the
        overdue installment; a group of overdue installments only reads as
        before (probe g, item 1)."""
        customer = self._customer(
            "Márcia Mista", "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-3333", lang="pt_BR"
        )
        late = self._invoice(customer, date(2027, 8, 9), 200.0)
        upcoming = self._invoice(customer, date(2027, 8, 17), 300.0)
        # Thursday 12:00 in São Paulo, the company's window open.
        self._run(datetime(2027, 8, 12, 15, 0))
        mail = self.env["mail.mail"].sudo().search([("recipient_ids", "in", customer.ids)])
        self.assertEqual(len(mail), 1, "one e-mail for the customer")
        [message] = built_messages(mail)
        text = " ".join(self._text(html_of(message)).split())
        self.assertIn(late.name, text)
        self.assertIn(upcoming.name, text)
        self.assertIn("Vencimento 09/08/2027 R$ 200,00", text)
        self.assertIn("Vencimento 17/08/2027 - a vencer R$ 300,00", text)
        self.assertIn(
            "Ainda não identificamos o pagamento da parcela vencida abaixo; "
            "a outra ainda não venceu.",
            text,
        )
        self.assertNotIn("pagamento das parcelas abaixo", text)
        # Due today on the 17th: its line says so.
        with freeze_time(datetime(2027, 8, 17, 11, 0)):
            lines = (late | upcoming).line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            self.assertEqual(list(lines._dunning_days_overdue_now().values()), [8, 0])
        [today] = built_messages(
            self._send(
                self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"),
                lines,
                at=datetime(2027, 8, 17, 11, 0),
            )
        )
        text = " ".join(self._text(html_of(today)).split())
        self.assertIn("Vencimento 17/08/2027 - vence hoje R$ 300,00", text)
        # Every installment overdue: the text as before, no line marked.
        for xmlid, opening in (
            (
                "mail_template_dunning_overdue",
                "Ainda não identificamos o pagamento das parcelas abaixo.",
            ),
            (
                "mail_template_dunning_second",
                "As parcelas abaixo continuam em aberto em nossos registros.",
            ),
            (
                "mail_template_dunning_final",
                "as parcelas abaixo continuam em aberto. Pedimos que as regularize",
            ),
        ):
            with self.subTest(template=xmlid):
                template = self.env.ref(f"l10n_br_dunning.{xmlid}")
                [overdue] = built_messages(self._send(template, at=datetime(2026, 12, 21, 13, 0)))
                text = " ".join(self._text(html_of(overdue)).split())
                self.assertIn(opening, text)
                self.assertNotIn("vencida", text)
                self.assertNotIn("a vencer", text)
                self.assertNotIn("vence hoje", text)

    def test_an_invoice_in_dollars_says_the_dollars_beside_the_reais_everywhere(self):
        """US$ 100,00 asked as R$ 400,00 at the day's rate: the e-mail, the SMS
        (room allowing), the open-items page and the statement say the dollar
        amount it comes from, as the invoice page does."""
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 4.0)]
        )
        move = self._invoice(self.customer, date(2026, 12, 10), 100.0, currency=usd)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_due"), line)
        [message] = built_messages(mail)
        text = " ".join(self._text(html_of(message)).split())
        self.assertIn("R$ 400,00 $ 100,00 ao câmbio de hoje", text)
        plain = part(message, "text/plain").get_content().replace("\xa0", " ")
        self.assertIn("R$ 400,00 $ 100,00 ao câmbio de hoje", " ".join(plain.split()))
        # The SMS, within its one segment of 140 characters.
        template = self.env.ref("l10n_br_dunning.sms_template_dunning_due")
        Channel = self.env["dunning.channel"].sudo()
        with freeze_time(datetime(2026, 12, 10, 13, 0)):
            sms = Channel._template_for(template, line, self.customer)._dunning_render_sms(
                self.customer
            )
        self.assertIn("R$ 400,00 ($ 100,00 ao cambio de hoje)", sms)
        self.assertLessEqual(len(sms), 140)
        # The open-items page and the statement.
        with freeze_time(datetime(2026, 12, 10, 13, 0)):
            url = self.env["dunning.customer.link"]._for(self.customer, self.company)._url()
            page = " ".join(self._text(self.url_open(f"/{url.split('/', 3)[3]}").text).split())
            statement = (
                self.env["ir.actions.report"]
                .with_context(lang="pt_BR")
                ._render_qweb_html("l10n_br_dunning.dunning_statement_report", self.customer.ids)[0]
            )
        self.assertIn("R$ 400,00 $ 100,00 ao câmbio de hoje", page)
        self.assertIn(
            "R$ 400,00 $ 100,00 ao câmbio de hoje", " ".join(self._text(statement).split())
        )

    def test_a_runs_rendering_is_odoos_own_in_each_language(self):
        """A run compiles each body once and remembers the dates and amounts it
        has written (mail.template): each customer still reads what Odoo's own
        rendering gives, in their language, whoever was written to before."""
        template = self.env.ref("l10n_br_dunning.mail_template_dunning_overdue")
        Channel = self.env["dunning.channel"].sudo()
        written = {
            "en_US": ("123,456.78", "12/10/2026"),
            "pt_BR": ("123.456,78", "10/12/2026"),
        }
        for lang in ("en_US", "pt_BR", "en_US"):
            self.customer.lang = lang
            run = Channel._template_for(template, self.lines, self.customer)
            self.assertTrue(run.env.context.get("dunning_qweb_cache"))
            [body, odoo] = (
                rendering._generate_template([self.customer.id], ["body_html"])[self.customer.id][
                    "body_html"
                ]
                for rendering in (run, run.with_context(dunning_qweb_cache=False))
            )
            with self.subTest(lang=lang):
                self.assertEqual(body, odoo)
                amount, day = written[lang]
                self.assertIn(amount, body)
                self.assertIn(day, body)

    def test_a_templates_own_language_still_decides(self):
        """The run skips rendering the shipped templates' language (it is the
        customer's); a template whose language was changed keeps its own."""
        template = self.env.ref("l10n_br_dunning.mail_template_dunning_overdue")
        customers = self._send(template)
        self.assertNotIn("we have not yet identified your payment", customers.subject)
        template.lang = "en_US"
        english = self._send(template)
        self.assertIn("we have not yet identified your payment", english.subject)

    def test_one_invoice_titles_the_email_with_its_reference(self):
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_due"), self.lines[:1])
        [message] = built_messages(mail)
        html = html_of(message)
        self.assertIn(f"Fatura {self.moves[0].name}", html)
        self.assertEqual(len(pay_buttons(html)), 1)

    def test_without_pix_key_no_qr_and_no_image(self):
        self.moves.partner_bank_id = False
        self.company.partner_id.bank_ids.unlink()
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        html = html_of(message)
        self.assertIsNone(
            part(message, "image/png"),
            [(p.get_content_type(), p.get_filename(), p["Content-ID"]) for p in message.walk()],
        )
        self.assertNotIn("Pix copia e cola", html)
        self.assertEqual(len(pay_buttons(html)), 2)

    def test_thank_you_email(self):
        move = self.moves[0]
        self._run(datetime(2026, 12, 9, 12, 30))  # D-1 reminder
        self._pay(move, date=date(2026, 12, 9))
        self._run(datetime(2026, 12, 10, 12, 30))
        thanks = self._events(move, channel="thanks")
        self.assertEqual(thanks.state, "queued", thanks.reason)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", thanks.mail_message_id.id)])
        )
        [message] = built_messages(mail)
        html, _plain = self._assert_company_frame(mail, message)
        self.assertIn("Pagamento recebido", html)
        self.assertFalse(pay_buttons(html))

    def test_statement_email_from_the_composer(self):
        action = self.customer.with_company(self.company).action_dunning_send_statement()
        composer = Form(self.env["mail.compose.message"].with_context(**action["context"]))
        composer.save().action_send_mail()
        message = self.customer.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        [built] = built_messages(mail)
        html, _plain = self._assert_company_frame(mail, built)
        self.assertIn("Extrato de débitos", html, html)
        # The statement itself (Odoo's tests render reports as HTML, not PDF).
        self.assertTrue([p for p in built.walk() if p.get_filename()], "the statement is attached")

    def test_a_reply_lands_on_the_customers_chatter(self):
        mail = self._send(self.env.ref("l10n_br_dunning.mail_template_dunning_overdue"))
        [message] = built_messages(mail)
        reply = (
            f"From: {WORST_NAME} <{self.customer.email}>\r\n"
            f"To: {message['Reply-To']}\r\n"
            f"Subject: Re: {message['Subject']}\r\n"
            f"Message-ID: <reply-1@cliente.example>\r\n"
            f"In-Reply-To: {message['Message-Id']}\r\n"
            f"References: {message['Message-Id']}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Bom dia, paguei ontem pelo Pix. Segue o comprovante.\r\n"
        )
        self.env["mail.thread"].sudo().message_process(False, reply.encode())
        answer = self.customer.message_ids.filtered(lambda m: "paguei ontem" in (m.body or ""))
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.author_id, self.customer)

    def test_company_without_email_sends_no_email_and_says_so(self):
        self.company.email = False
        move = self.moves[0]
        self._run(datetime(2026, 12, 10, 12, 30))  # due today: e-mail and SMS
        email_events = self._events(move, channel="email").filtered(
            lambda e: e.state != "superseded"
        )
        self.assertTrue(email_events)
        self.assertEqual(
            self._events(move, channel="sms").mapped("state"),
            ["superseded", "queued"],
            "the SMS goes",
        )
        self.assertEqual(set(email_events.mapped("state")), {"skipped"})
        self.assertIn("no e-mail address", email_events[0].reason)
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.customer.ids)])
        )
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertTrue(settings.dunning_email_missing)
        row = self.env["dunning.dashboard"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(row.company_no_email)
        with self.assertRaises(UserError):
            self.customer.with_company(self.company).action_dunning_send_statement()

    def test_an_email_asks_for_a_call_only_with_the_number_to_call(self):
        """ "Call us" is said with the company's number, and not at all by a
        company that has none on file: the customer is never told to call a
        number nobody gave them."""
        for xmlid in ("mail_template_dunning_second", "mail_template_dunning_final"):
            with self.subTest(template=xmlid, phone=True):
                [message] = built_messages(self._send(self.env.ref(f"l10n_br_dunning.{xmlid}")))
                text = self._text(html_of(message))
                self.assertIn("ligue para +55 11 3456-7890", text)
        self.company.phone = False
        for xmlid in ("mail_template_dunning_second", "mail_template_dunning_final"):
            with self.subTest(template=xmlid, phone=False):
                [message] = built_messages(self._send(self.env.ref(f"l10n_br_dunning.{xmlid}")))
                text = self._text(html_of(message))
                self.assertNotIn("ligue", text)
                self.assertIn("responda a este e-mail", text)

    def test_the_reminder_states_the_late_charges_the_portal_computes(self):
        """The reminder names the late charges the contracts provide as Settings
        set them, the ones the invoice page and a Pix charge compute: a fee
        without interest is not announced as "multa e juros"."""
        reminder = self.env.ref("l10n_br_dunning.mail_template_dunning_reminder")
        cases = (
            (False, 2.0, 1.0, None),
            (True, 2.0, 0.0, "Pagar em dia evita a multa de 2 % prevista no nosso contrato."),
            (
                True,
                2.0,
                1.0,
                "Pagar em dia evita a multa de 2 % e os juros de 1 % ao mês previstos no "
                "nosso contrato.",
            ),
            (
                True,
                0.0,
                0.5,
                "Pagar em dia evita os juros de 0,5 % ao mês previstos no nosso contrato.",
            ),
            (True, 0.0, 0.0, None),
        )
        for provided, fine, interest, sentence in cases:
            with self.subTest(provided=provided, fine=fine, interest=interest):
                self.company.write(
                    {
                        "dunning_contract_charges": provided,
                        "dunning_fine_percent": fine,
                        "dunning_interest_percent": interest,
                    }
                )
                [message] = built_messages(self._send(reminder))
                text = " ".join(self._text(html_of(message)).split())
                if sentence:
                    self.assertIn(sentence, text)
                else:
                    self.assertNotIn("multa", text)
                    self.assertNotIn("juros", text)
