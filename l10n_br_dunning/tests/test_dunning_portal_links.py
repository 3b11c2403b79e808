# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import re
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningPortalLinks(DunningCase, HttpCase):
    """A reminder's link opens its invoice while something is open and 60 days
    after it is settled (company setting); a cancelled invoice's at once no
    more; links can be revoked; an expired one offers a new link, sent to the
    contact on file."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls.move = cls._invoice(cls.sp, date(2026, 11, 10), 300.0)
        cls.move._portal_ensure_token()

    def _open(self, move=None, token=None):
        move = move or self.move
        token = token or move.access_token
        return self.url_open(f"/my/invoices/{move.id}?access_token={token}", allow_redirects=False)

    def test_a_settled_invoice_link_expires_after_60_days_and_a_new_one_goes_to_the_mobile(self):
        self._pay(self.move, date=date(2026, 11, 20))
        with freeze_time(datetime(2027, 1, 19, 13, 0)):  # 60 days after
            self.assertEqual(self._open().status_code, 200)
        with freeze_time(datetime(2027, 1, 20, 13, 0)):  # 61
            old_token, old_short = self.move.access_token, self.move.dunning_link_token
            page = self._open()
            self.assertEqual(page.status_code, 410)
            self.assertIn("expirou", page.text)
            self.assertNotIn("300,00", page.text)
            for path in ("/dunning/preferences", "/dunning/agreement"):
                gone = self.url_open(
                    f"/my/invoices/{self.move.id}{path}?access_token={old_token}",
                    allow_redirects=False,
                )
                self.assertEqual(gone.status_code, 410, path)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            sent = self.url_open(
                f"/my/invoices/{self.move.id}/dunning/new_link",
                data={"csrf_token": csrf, "access_token": old_token},
            )
            self.assertEqual(sent.status_code, 200)
            self.assertIn("(11) *****-4321", sent.text)
            sms = self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)])
            self.assertEqual(sms.number, "+5511987654321")
            self.assertEqual(sms.segments, 1)
            self.move.invalidate_recordset()
            self.assertIn(f"/c/{self.move.dunning_link_token}", sms.body)
            self.assertNotEqual(self.move.dunning_link_token, old_short)
            # The new link opens the invoice; the old one opens nothing.
            self.assertEqual(self._open().status_code, 200)
            refused = self._open(token=old_token)
            self.assertEqual(refused.status_code, 303)
            self.assertEqual(self.url_open(f"/c/{old_short}").status_code, 404)
        with freeze_time(datetime(2027, 1, 28, 13, 0)):  # the new link's 7 days are over
            self.assertEqual(self._open().status_code, 410)

    def test_the_pages_ask_for_a_call_only_with_the_number_to_call(self):
        """The letter's page and a cancelled invoice's page said "ou ligue para
        nós" with no number anywhere on them (a company without a phone; the
        cancelled page never shows it): they offer a call only with the
        company's number, as the e-mails do."""
        cancelled = self._invoice(self.sp, date(2026, 11, 10), 50.0)
        cancelled._portal_ensure_token()
        cancelled.button_draft()
        cancelled.button_cancel()

        def texts():
            letter = self.url_open(f"/l/{self.move._dunning_letter_url().rsplit('/', 1)[1]}")
            self.assertEqual(letter.status_code, 200)
            gone = self._open(cancelled)
            self.assertEqual(gone.status_code, 410)
            self.assertIn("foi cancelada", gone.text)
            return [" ".join(self._text(page.text).split()) for page in (letter, gone)]

        with freeze_time(datetime(2026, 12, 15, 13, 0)):
            self.company.phone = False
            for text in texts():
                self.assertNotIn("ligue", text)
            self.company.phone = "+55 11 3456-7890"
            for text in texts():
                self.assertIn("Ou ligue para nós: +55 11 3456-7890", text)

    def test_a_valid_link_cannot_renew_the_customers_links(self):
        """Whoever holds a link that still opens the invoice cannot make it send
        new links (which would stop the customer's own)."""
        self.move._dunning_ensure_tokens()
        token, short = self.move.access_token, self.move.dunning_link_token
        page = self._open()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            f"/my/invoices/{self.move.id}/dunning/new_link",
            data={"csrf_token": csrf, "access_token": token},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        self.move.invalidate_recordset()
        self.assertEqual((self.move.access_token, self.move.dunning_link_token), (token, short))
        self.assertFalse(self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)]))

    def test_a_cancelled_invoice_link_stops_at_once(self):
        invoice = self._invoice(self.sp, date(2026, 12, 20), 120.0)
        invoice._portal_ensure_token()
        invoice.button_draft()
        invoice.button_cancel()
        page = self._open(invoice)
        self.assertEqual(page.status_code, 410)
        self.assertIn("cancelada", page.text)
        self.assertNotIn("o_dunning_new_link", page.text)

    def _chatter_post(self, invoice, body):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "thread_model": "account.move",
                "thread_id": invoice.id,
                "post_data": {"body": body, "message_type": "comment"},
                "token": invoice.access_token,
            },
        }
        return self.url_open(
            "/mail/message/post",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()

    def test_an_expired_or_cancelled_link_posts_nothing_in_the_chatter(self):
        """Odoo's portal chatter takes the invoice's token too: an expired or
        cancelled invoice's link writes nothing there as the customer; a live
        one still does."""
        live = self._invoice(self.sp, date(2026, 12, 20), 120.0)
        live._portal_ensure_token()
        self.assertIn("result", self._chatter_post(live, "Recebi, obrigado"))
        cancelled = self._invoice(self.sp, date(2026, 12, 20), 120.0)
        cancelled._portal_ensure_token()
        cancelled.button_draft()
        cancelled.button_cancel()
        expired = self._invoice(self.sp, date(2026, 12, 20), 120.0)
        expired._portal_ensure_token()
        self._pay(expired, date=date(2026, 12, 1))
        with freeze_time(datetime(2027, 3, 1, 13, 0)):  # 90 days after it was paid
            self.assertEqual(expired._dunning_link_state(), "expired")
            for invoice in (cancelled, expired):
                answer = self._chatter_post(invoice, "mensagem por link antigo")
                self.assertIn("error", answer)
                self.assertFalse(
                    invoice.message_ids.filtered(lambda m: "link antigo" in (m.body or ""))
                )

    def test_revoked_links_open_nothing_and_reminders_carry_new_ones(self):
        old_token = self.move.access_token
        self.move._dunning_ensure_tokens()
        old_short = self.move.dunning_link_token
        self.move.action_dunning_revoke_links()
        self.assertNotEqual(self.move.access_token, old_token)
        self.assertEqual(self._open(token=old_token).status_code, 303)
        self.assertEqual(self.url_open(f"/c/{old_short}").status_code, 404)
        self.assertEqual(self._open().status_code, 200)
        self.assertIn("revoked", self.move.message_ids[:1].body)

    def test_revoking_an_invoices_links_stops_its_grouped_link_too(self):
        """The page of a grouped message lists the invoice with its current
        link: revoking the invoice's links stops that page too, or it would
        hand out the new token."""
        grouped = self.env["dunning.customer.link"]._for(self.sp, self.company)
        old = grouped.token
        self.assertEqual(self.url_open(f"/my/dunning/items/{old}").status_code, 200)
        boleto = self.env["ir.attachment"].create(
            {
                "name": "boleto.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "account.move",
                "res_id": self.move.id,
            }
        )
        file_token = boleto.generate_access_token()[0]
        self.move.action_dunning_revoke_links()
        self.assertNotEqual(boleto.access_token, file_token, "the boleto's link stops too")
        page = self.url_open(f"/my/dunning/items/{old}")
        self.assertEqual(page.status_code, 410)
        self.assertNotIn(self.move.access_token, page.text)
        self.assertNotEqual(grouped.token, old)

    @mute_logger("odoo.http", "odoo.sql_db", "werkzeug")
    def test_a_scanners_junk_in_a_link_is_not_found_not_a_server_error(self):
        """A NUL or junk where a link's token goes: 404, as for a token never
        given (Odoo's website fallback would look the raw path up in
        PostgreSQL, which refuses a NUL: a server error)."""
        sp, company = self.sp.id, self.company.id
        for path in ("/my/dunning/items/%00", "/l/%00", f"/dunning/unsubscribe/{sp}/{company}/%00"):
            self.assertEqual(self.url_open(path).status_code, 404, path)
        for path in (
            "/my/dunning/items/abc%00def/new_link",
            f"/my/invoices/{self.move.id}/dunning/%00",
        ):
            self.assertLess(self.url_open(path, data={}).status_code, 500, path)
        # A token beyond ASCII: Odoo's hmac comparison of tokens refused it
        # with a server error; refused like any wrong token now.
        for path in (
            f"/my/invoices/{self.move.id}?access_token=%C3%A9%C3%A9",
            "/my/agreements/1?access_token=%C2%80",
        ):
            self.assertLess(self.url_open(path, allow_redirects=False).status_code, 500, path)

    def test_a_page_whose_address_holds_a_token_tells_it_to_no_other_site(self):
        """Every page a link opens carries a link to another site (Odoo's
        "Powered by"; a payment provider's scripts): a browser whose default
        still sends the whole address to such a site (older Android WebViews,
        which many customers open SMS links in) would give it the token. The
        pages say how far their address may go: to this site only, else the
        site's name alone (Referrer-Policy)."""
        self.move._dunning_ensure_tokens()
        grouped = self.env["dunning.customer.link"]._for(self.sp, self.company)
        token = self.move.access_token
        pages = {
            "invoice": f"/my/invoices/{self.move.id}?access_token={token}",
            "preferences": f"/my/invoices/{self.move.id}/dunning/preferences?access_token={token}",
            "letter": self.move._dunning_letter_url().replace(self.base_url(), ""),
            "grouped": grouped._url().replace(self.base_url(), ""),
            "unsubscribe": self.sp._dunning_unsubscribe_url(self.company).replace(
                self.base_url(), ""
            ),
        }
        with freeze_time(datetime(2026, 11, 20, 13, 0)):
            for name, path in pages.items():
                page = self.url_open(path)
                self.assertEqual(page.status_code, 200, name)
                self.assertIn("www.odoo.com", page.text, name)  # a link to another site
                self.assertIn(
                    page.headers.get("Referrer-Policy"),
                    (
                        "no-referrer",
                        "same-origin",
                        "strict-origin",
                        "strict-origin-when-cross-origin",
                    ),
                    name,
                )

    def test_a_link_typed_short_gets_the_sites_polite_page_in_portuguese(self):
        """An SMS's link cut short or revoked by the team, a letter's link
        typed by hand with a character missing, an e-mail's unsubscribe link
        cut short by the mail app, on a Brazilian phone: the answer was a bare
        English server page ("The requested URL was not found on the
        server"). It is now the site's own "page not found" page, in the
        phone's language (pt-BR), as a wrong token of the right length got on
        the letter's and unsubscribe pages; nothing of the customer's shows."""
        self.env["ir.module.module"]._load_module_terms(["http_routing"], ["pt_BR"])
        letter = self.move._dunning_letter_url().split("/", 3)[3]
        unsubscribe = self.sp._dunning_unsubscribe_url(self.company).split("/", 3)[3]
        grouped = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
        phone = {"Accept-Language": "pt-BR,pt;q=0.9"}
        sms = self.move._dunning_short_url().split("/", 3)[3]
        self.move.action_dunning_revoke_links()
        for path in (sms, grouped.split("/", 3)[3][:-4], letter[:-1], unsubscribe[:-8]):
            response = self.url_open(f"/{path}", headers=phone)
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn("requested URL was not found", response.text, path)
            self.assertIn('lang="pt-BR"', response.text, path)
            self.assertIn("Não encontramos a página", response.text, path)
            self.assertNotIn(self.sp.name, response.text, path)

    def test_a_message_right_after_revoking_carries_the_new_grouped_link(self):
        """The team revokes the links and a grouped message goes in the same
        transaction (a run, "send now"): it carries the new token, never the
        one just revoked."""
        grouped = self.env["dunning.customer.link"]._for(self.sp, self.company)
        old = grouped.token
        self.move.action_dunning_revoke_links()
        url = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
        self.assertNotIn(old, url)
        self.env.invalidate_all()
        self.assertEqual(url.rsplit("/", 1)[1], grouped.token)

    def test_a_revoked_grouped_link_answers_like_an_expired_one_and_sends_the_current(self):
        """A grouped link the team revoked: its page shows nothing of the
        customer's and offers to send the current link, to the mobile on file;
        a token never given is not found."""
        grouped = self.env["dunning.customer.link"]._for(self.sp, self.company)
        old = grouped.token
        self.move.action_dunning_revoke_links()
        self.assertEqual(self.url_open("/c/NeverGivenToken1").status_code, 404)
        self.assertEqual(self.url_open("/my/dunning/items/NeverGivenToken1").status_code, 404)
        page = self.url_open(f"/c/{old}")
        self.assertEqual(page.status_code, 410)
        text = self._text(page.text)
        self.assertIn("não abre mais os seus itens em aberto", text)
        self.assertIn("Enviar um link novo", text)
        for secret in ("300,00", self.move.name, self.sp.name, "98765", self.move.access_token):
            self.assertNotIn(secret, page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        sent = self.url_open(f"/my/dunning/items/{old}/new_link", data={"csrf_token": csrf})
        self.assertEqual(sent.status_code, 200)
        self.assertIn("(11) *****-4321", sent.text)
        self.assertNotIn("300,00", sent.text)
        sms = self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)])
        grouped.invalidate_recordset()
        self.assertIn(f"/c/{grouped.token}", sms.body)
        self.assertNotIn(old, sms.body)
        page = self.url_open(f"/c/{grouped.token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("300,00", page.text)
        # A link that still works has nothing to renew.
        again = self.url_open(
            f"/my/dunning/items/{grouped.token}/new_link",
            data={"csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(again.status_code, 303)
        sent_sms = self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(len(sent_sms), 1)

    def test_a_new_link_for_a_settled_invoice_leaves_the_grouped_link_working(self):
        """An invoice paid 80 days ago (its link expired) and one open: asking
        for a new link of the paid one replaces that invoice's links only; the
        grouped link of the open one keeps working."""
        open_move = self._invoice(self.sp, date(2027, 1, 20), 150.0)
        self._pay(self.move, date=date(2026, 11, 20))
        with freeze_time(datetime(2027, 2, 8, 13, 0)):  # 80 days after
            grouped = self.env["dunning.customer.link"]._for(self.sp, self.company)
            token = grouped.token
            self.assertEqual(self.url_open(f"/c/{token}").status_code, 200)
            open_move._dunning_ensure_tokens()
            open_token, open_short = open_move.access_token, open_move.dunning_link_token
            old_token = self.move.access_token
            page = self._open()
            self.assertEqual(page.status_code, 410)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            sent = self.url_open(
                f"/my/invoices/{self.move.id}/dunning/new_link",
                data={"csrf_token": csrf, "access_token": old_token},
                allow_redirects=False,
            )
            self.assertEqual(sent.status_code, 200)
            self.assertIn("(11) *****-4321", sent.text)
            self.assertEqual(self._open(token=old_token).status_code, 303)
            page = self.url_open(f"/c/{token}")
            self.assertEqual(page.status_code, 200)
            self.assertIn(open_move.name, page.text)
            self.assertIn("150,00", page.text)
            self.assertEqual(self._open(open_move, open_token).status_code, 200)
            short = self.url_open(f"/c/{open_short}", allow_redirects=False)
            self.assertEqual(short.status_code, 303)

    def test_the_company_sets_how_long_and_the_customer_logged_in_always_sees_theirs(self):
        self.company.dunning_link_days = 10
        self._pay(self.move, date=date(2026, 11, 20))
        with freeze_time(datetime(2026, 12, 1, 13, 0)):  # 11 days after
            self.assertEqual(self._open().status_code, 410)
            user = new_test_user(
                self.env, login="maria-links", groups="base.group_portal", partner_id=self.sp.id
            )
            self.authenticate(user.login, user.login)
            # (Odoo first sends a logged-in visitor to the URL of their language.)
            response = self.url_open(
                f"/my/invoices/{self.move.id}?access_token={self.move.access_token}"
            )
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("o_dunning_link_gone", response.text)
            self.assertIn(self.move.name, response.text)
        with freeze_time(datetime(2026, 11, 30, 13, 0) - timedelta(days=1)):
            self.authenticate(None, None)
            self.assertEqual(self._open().status_code, 200)

    def test_the_letter_link_opens_the_invoice_to_read_and_pay_only(self):
        self._company_pix_key()
        self.move._dunning_ensure_tokens()
        url = self.move._dunning_letter_url()
        self.assertNotIn(self.move.access_token, url)
        self.assertNotIn(self.move.dunning_link_token, url)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("300,00", page.text)
        line = self.move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertIn(line._dunning_pix_code().replace("&", "&amp;"), page.text)
        self.assertIn("15.881.399/0001-34", page.text)  # the supplier (CDC art. 42-A)
        # Nothing but reading and paying: no form, no portal token to act with.
        self.assertNotIn("<form", page.text.split('id="wrap"', 1)[-1])
        self.assertNotIn(self.move.access_token, page.text)
        for action in ("/dunning/paid", "/dunning/preferences", "/dunning/agreement"):
            self.assertNotIn(action, page.text)
        self.assertEqual(self.url_open("/l/not-a-real-token-x").status_code, 404)
        # Revoking the links ends the letter's too.
        self.move.action_dunning_revoke_links()
        self.assertEqual(self.url_open(url).status_code, 404)

    def test_one_open_item_and_one_day_late_read_in_the_singular(self):
        """The open-items page of a customer with one installment one day late:
        "1 parcela, total de" and "(1 dia de atraso)", not "1 parcelas" and
        "1 dias"; two items and more days read in the plural."""
        with freeze_time(datetime(2026, 11, 11, 13, 0)):  # the day after the due date
            url = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
            path = url.split("/", 3)[3]
            page = " ".join(self.url_open(f"/{path}").text.split())
        self.assertIn("1 parcela, total de", page)
        self.assertIn("(1 dia de atraso)", page)
        self.assertNotIn("1 parcelas", page)
        self.assertNotIn("1 dias", page)
        self._invoice(self.sp, date(2026, 11, 20), 150.0)
        with freeze_time(datetime(2026, 11, 23, 13, 0)):
            page = " ".join(self.url_open(f"/{path}").text.split())
        self.assertIn("2 parcelas, total de", page)
        self.assertIn("(13 dias de atraso)", page)

    def test_the_installments_of_one_invoice_are_told_apart(self):
        """An invoice in two installments: each card says which one it is
        ("Fatura ..., parcela 1 de 2"), not twice the same title."""
        term = self.env["account.payment.term"].create(
            {
                "name": "2x",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        split = self._invoice(self.sp, date(2026, 11, 20), 400.0, payment_term=term)
        with freeze_time(datetime(2026, 11, 23, 13, 0)):
            url = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
            page = self.url_open(f"/{url.split('/', 3)[3]}").text
        labels = [
            " ".join(re.sub(r"<[^>]+>", " ", label).split())
            for label in re.findall(r'o_dunning_open_item_label">(.*?)</strong>', page, re.S)
        ]
        self.assertEqual(
            labels,
            [
                f"Fatura {self.move.name}",
                f"Fatura {split.name}, parcela 1 de 2",
                f"Fatura {split.name}, parcela 2 de 2",
            ],
        )

    def test_a_grouped_message_links_every_open_item_of_the_customer(self):
        other = self._invoice(self.sp, date(2026, 11, 20), 150.0)
        moves = self.move | other
        lines = moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 11, 25, 13, 0)):
            url = self.sp.with_context(dunning_line_ids=lines.ids)._dunning_sms_link()
        self.assertRegex(url, r"/c/[A-Za-z0-9_-]{12}$")
        for move in moves:
            self.assertNotIn(move._dunning_short_url(), url)
        path = url.split("/", 3)[3]
        answer = self.url_open(f"/{path}", allow_redirects=False)
        self.assertEqual(answer.status_code, 303)
        page = self.url_open(f"/{path}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Seus itens em aberto", page.text)
        self.assertIn("parcelas, total de", page.text)
        self.assertIn("450,00", page.text)
        for move in moves:
            self.assertIn(move.name, page.text)
            self.assertIn(move.get_portal_url().replace("&", "&amp;"), page.text)
        self.assertIn("15.881.399/0001-34", page.text)  # the supplier (CDC art. 42-A)
        self.assertNotIn("98765", page.text, "no phone number on the page")
        # Another customer's items never show; an unknown token is not found.
        self.assertEqual(self.url_open("/my/dunning/items/not-a-real-token").status_code, 404)
        self.assertEqual(self.url_open("/c/not-a-real-token").status_code, 404)
        # Paid: nothing left, thanks; 61 days after the last message, expired.
        self._pay(self.move, date=date(2026, 11, 26))
        self._pay(other, date=date(2026, 11, 26))
        with freeze_time(datetime(2026, 11, 27, 13, 0)):  # the link's 60 days are not over
            page = self.url_open(f"/{path}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Não há mais nada a pagar", page.text)
        with freeze_time(datetime(2027, 1, 25, 13, 0)):
            page = self.url_open(f"/{path}")
        self.assertEqual(page.status_code, 410)
        self.assertIn("expirou", page.text)
        self.assertNotIn(self.move.name, page.text)
        # Revoked: the link given before opens nothing.
        link = self.env["dunning.customer.link"].search([("partner_id", "=", self.sp.id)])
        link._revoke()
        self.assertEqual(self.url_open(f"/{path}").status_code, 410)
