# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import PORTAL_NOW, DunningCase

TODAY = date(2026, 12, 15)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@tagged("post_install", "-at_install")
class TestDunningPortal(DunningCase, HttpCase):
    """The customer's side, over real HTTP: a reminder's link, the answers, the
    refusals. The clock of the server and of the tests is frozen on TODAY."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_collector_id = cls.env.ref("base.user_admin")
        cls.move = cls._portal_invoice()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(PORTAL_NOW)

    # -- helpers -------------------------------------------------------------------------
    def _page(self, move=None, token=None):
        move = move or self.move
        token = move.access_token if token is None else token
        return self.url_open(f"/my/invoices/{move.id}?access_token={token}")

    def _csrf(self, move=None):
        """The session's CSRF token, from a page that always has a form."""
        html = self.url_open(self._preferences_url(move)).text
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _post(self, action, data=None, files=None, move=None, token=None, csrf=True):
        move = move or self.move
        payload = {"access_token": move.access_token if token is None else token, **(data or {})}
        if csrf:
            payload["csrf_token"] = self._csrf(move)
        return self.url_open(
            f"/my/invoices/{move.id}/dunning/{action}",
            data=payload,
            files=files,
            allow_redirects=False,
        )

    def _paid(self, files=None, **data):
        """ "Já paguei" from the reminder's link; a receipt is confirmed with the
        code the customer receives by SMS (the page asks for it first)."""
        values = {"paid_on": "2026-12-14", "method": "pix", **data}
        response = self._post("paid", values, files=files)
        if response.status_code == 200 and "o_dunning_code_step" in response.text:
            values["dunning_code"] = self._last_code(self.sp)
            response = self._post("paid", values, files=files)
        return response

    # -- the page ---------------------------------------------------------------------------
    def test_the_card_names_the_supplier_with_address_and_cnpj(self):
        """CDC art. 42-A on the portal too, like e-mails, letters and statements."""
        html = self._page().text
        card = html[html.index('id="dunning"') :]
        self.assertIn("15.881.399/0001-34", card)
        self.assertIn(self.company.name, card)
        self.assertIn("São Paulo", card)

    def test_another_companys_invoice_shows_that_company_on_every_page(self):
        """Several companies in one database: a visitor by link sees the
        invoice's company in the portal's header and footer (Odoo's layout
        shows the database's first company otherwise), on the invoice, its
        preferences and the open-items page of a grouped message."""
        rio = self.setup_other_company(name="Distribuidora São João Ação & Cia")["company"]
        rio.partner_id.write(
            {
                "vat": "11.222.333/0001-81",
                "street": "Avenida Rio Branco, 156",
                "city": "Rio de Janeiro",
                "state_id": self.env.ref("base.state_br_rj").id,
                "country_id": self.env.ref("base.br").id,
                "email": "financeiro@saojoao.example",
            }
        )
        move = self._invoice(self.sp, date(2026, 12, 10), 250.0, company=rio)
        move._portal_ensure_token()
        link = self.env["dunning.customer.link"].sudo()._for(self.sp, rio)
        cancelled = self._invoice(self.sp, date(2026, 12, 10), 80.0, company=rio)
        cancelled._portal_ensure_token()
        cancelled.button_draft()
        cancelled.button_cancel()
        # This company's page first: Odoo's layout kept the footer it rendered
        # first for every other company's page.
        self.assertEqual(self._page().status_code, 200)
        pages = {
            "invoice": (self._page(move), 200),
            "preferences": (self.url_open(self._preferences_url(move)), 200),
            "open items": (self.url_open(f"/my/dunning/items/{link.token}"), 200),
            "link gone": (self._page(cancelled), 410),
        }
        for name, (page, status) in pages.items():
            self.assertEqual(page.status_code, status, name)
            html = page.text
            self.assertIn("Logo of Distribuidora São João Ação &amp; Cia", html, name)
            self.assertNotIn(f"Logo of {self.company.name}", html, name)
            self.assertNotIn(f"Logo of {self.env.ref('base.main_company').name}", html, name)
            [footer] = lxml_html.fromstring(html).find_class("o_footer_copyright_name")
            self.assertEqual(
                " ".join(footer.text_content().split()),
                "Copyright © Distribuidora São João Ação & Cia",
                name,
            )
            if name in ("invoice", "open items"):  # they name the supplier (CDC art. 42-A)
                self.assertIn("11.222.333/0001-81", html, name)

    def test_late_charges_only_where_the_contracts_provide_them(self):
        self.company.dunning_fine_percent = 2.0
        self.company.dunning_interest_percent = 1.0
        self.assertFalse(self.company.dunning_contract_charges)
        self.assertNotIn("o_dunning_charges", self._page().text)
        self.company.dunning_contract_charges = True
        self.assertIn("o_dunning_charges", self._page().text)

    def test_late_fee_is_capped_at_two_percent(self):
        with self.assertRaises(ValidationError):
            self.company.dunning_fine_percent = 2.5
        self.assertEqual(
            self.env["res.company"].create({"name": "Nova"}).dunning_interest_percent,
            0.0,
            "no interest unless the company says so",
        )

    def test_reminder_link_shows_what_is_due_and_how_to_pay(self):
        self.company.dunning_contract_charges = True
        response = self._page()
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('id="dunning"', html)
        self.assertIn("1.180,50", html)  # open amount, in pt_BR
        line = self.move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        code = line._dunning_pix_code()
        self.assertIn(code.replace("&", "&amp;"), html)
        qr = re.search(r'src="(/dunning/qr\.png\?value=[^"]+)"', html)
        self.assertTrue(qr, "the Pix QR code is shown")
        image = self.url_open(qr.group(1).replace("&amp;", "&"))
        self.assertEqual(image.headers["Content-Type"], "image/png")
        self.assertTrue(image.content.startswith(b"\x89PNG"))
        # Only the codes the server signed: never a QR of someone else's Pix key.
        forged = "00020126360014br.gov.bcb.pix0114+55119999999995204000053039865802BR6304ABCD"
        self.assertEqual(self.url_open(f"/dunning/qr.png?value={forged}").status_code, 404)
        self.assertEqual(
            self.url_open(f"/dunning/qr.png?value={forged}&sig=0123abcd").status_code, 404
        )
        self.assertIn("23,61", html)  # 2 % late fee, as information
        for action in ("paid", "dispute", "promise"):
            self.assertIn(f"/dunning/{action}", html)
        self.assertIn(f"/my/invoices/{self.move.id}/dunning/preferences", html)

    def test_no_pay_now_button_without_a_payment_provider(self):
        """Odoo's "Pay now" opens the payment providers: with none enabled it is
        not offered (it opened "Nenhuma forma de pagamento disponível" above
        the Pix code); the Pix code is."""
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        providers = self.env["payment.provider"].sudo().search([("state", "!=", "disabled")])
        providers.write({"state": "disabled"})
        html = self._page().text
        self.assertNotIn('data-bs-target="#pay_with"', html)
        self.assertIn('id="dunning"', html)
        self.assertFalse(self.move._has_to_be_paid())

    def test_an_invoice_in_dollars_shows_the_dollars_beside_the_reais(self):
        """USD 100,00 asked as R$ 400,00 at the day's rate: the card says the
        dollar amount it comes from (the sidebar beside it shows US$ 100,00)."""
        usd = self.setup_other_currency(
            "USD", rates=[("2026-10-01", 1 / 5.0), ("2026-12-01", 1 / 4.0)]
        )
        move = self._invoice(self.sp, date(2026, 12, 10), 100.0, currency=usd)
        move._portal_ensure_token()
        html = self._page(move).text
        card = html[html.index('id="dunning"') :]
        self.assertIn("o_dunning_foreign_amount", card)
        self.assertIn("ao câmbio de hoje", card)
        amounts = re.findall(r'oe_currency_value">([^<]+)<', card)
        self.assertEqual(amounts[:2], ["400,00", "100,00"])

    def test_the_sidebars_due_date_is_the_same_day_in_brazil(self):
        """Odoo's sidebar counts days overdue in the browser from the date it is
        given: at midnight UTC it is the day before in Brazil (one day more
        overdue than the régua's own count); it is given at noon UTC."""
        html = self._page().text
        due = self.move.invoice_date_due
        self.assertIn(f'datetime="{due} 12:00:00"', html)
        self.assertNotIn(f'datetime="{due}"', html)

    def test_the_sidebar_counts_from_the_business_day_a_weekend_due_date_rolls_to(self):
        """Due on Saturday 12 December: the régua counts from Monday the 14th
        (one day overdue on Tuesday the 15th); Odoo's sidebar beside it counted
        from the Saturday ("3 dias de atraso")."""
        move = self._invoice(self.sp, date(2026, 12, 12), 300.0)
        move._portal_ensure_token()
        html = self._page(move).text
        self.assertIn('datetime="2026-12-14 12:00:00"', html)
        self.assertNotIn('datetime="2026-12-12', html)
        self.assertEqual(move._dunning_portal_days_overdue(), 1)

    def test_wrong_token_or_other_customer_reveals_nothing(self):
        """A bad link gets Odoo's own answer (back to /my, which asks for a
        login), on Odoo's invoice page and on the régua's pages alike."""
        other = self._invoice(self.rj, date(2026, 12, 10))
        other._portal_ensure_token()
        move = self.move.id
        self.assertRefusedLikeOdoo(f"/my/invoices/{move}?access_token=not-the-token")
        # A valid token of another invoice opens nothing here.
        wrong = self.assertRefusedLikeOdoo(f"/my/invoices/{move}?access_token={other.access_token}")
        self.assertNotIn("Maria", wrong.text)
        followed = self.url_open(f"/my/invoices/{move}?access_token={other.access_token}")
        self.assertEqual(followed.status_code, 200)
        self.assertIn("/web/login", followed.url)
        self.assertNotIn("1.180,50", followed.text)
        refused = self._post("dispute", {"reason": "other", "note": "x"}, token=other.access_token)
        self.assertEqual(refused.status_code, 303)
        self.assertEqual(urlsplit(refused.headers["Location"]).path, "/my")
        self.assertFalse(self.move.dunning_paused)
        self.assertRefusedLikeOdoo("/my/invoices/999999?access_token=x")
        self.assertRefusedLikeOdoo(
            f"/my/invoices/{move}/dunning/preferences?access_token={other.access_token}"
        )
        self.assertRefusedLikeOdoo(
            f"/my/invoices/{move}/dunning/agreement?access_token={other.access_token}"
        )

    def test_page_shows_no_text_a_link_chooses(self):
        url = f"/my/invoices/{self.move.id}?access_token={self.move.access_token}"
        html = self.url_open(url + "&dunning_error=Pague+na+conta+9999").text
        self.assertNotIn("Pague na conta 9999", html)
        html = self.url_open(url + "&dunning_done=anything").text
        self.assertNotIn("alert-success", html)
        # Nor a thanks for what nobody asked ("until then you will receive no
        # reminders" would be false), nor once the team lifted the pause.
        for done in ("paid", "dispute", "promise"):
            html = self.url_open(f"{url}&dunning_done={done}").text
            self.assertNotIn("alert-success", html)
        response = self._post("dispute", {"reason": "defective", "note": "Papel molhado"})
        thanked = self.url_open(response.headers["Location"]).text
        self.assertIn("alert-success", thanked)
        self.move.action_dunning_resume()
        self.assertNotIn("alert-success", self.url_open(response.headers["Location"]).text)

    def test_forms_need_the_csrf_token(self):
        response = self._post("dispute", {"reason": "other", "note": "x"}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.move.dunning_paused)

    # -- "já paguei" ---------------------------------------------------------------------------
    def test_i_have_paid_keeps_the_receipt_pauses_and_asks_for_a_check(self):
        self.company.partner_id.lang = "pt_BR"  # the team's language
        response = self._paid(files={"receipt": ("comprovante.pdf", PDF, "application/pdf")})
        self.assertEqual(response.status_code, 303)
        self.assertIn("dunning_done=paid", response.headers["Location"])
        self.assertTrue(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_pause_reason, "paid_claim")
        self.assertEqual(self.move.dunning_paused_until, TODAY + timedelta(days=5))
        receipt = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", self.move.id)]
        )
        self.assertEqual(receipt.mimetype, "application/pdf")
        self.assertEqual(receipt.raw, PDF)
        activity = self.move.activity_ids
        self.assertEqual(activity.user_id, self.move.invoice_user_id, "the salesperson checks it")
        self.assertIn("14/12/2026", activity.note)
        # The page names the day reminders may resume (the pause ends by itself
        # on that day: a reminder can arrive on it).
        done = self._text(self.url_open(response.headers["Location"]).text)
        self.assertIn("Você não receberá lembretes desta fatura antes de 20/12/2026", done)
        self.assertNotIn("até 20/12/2026", done)
        # The team's note on the invoice says the same day, the same way (in the
        # company's language: test_the_team_reads_an_answer_in_the_companys_language).
        [note] = [
            m.body
            for m in self.move.message_ids
            if "informa que esta fatura está paga" in (m.body or "")
        ]
        self.assertIn("não envia lembretes dela antes de 20/12/2026", note)
        line = self.move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertTrue(line._dunning_paused_at(date(2026, 12, 19)))
        self.assertFalse(line._dunning_paused_at(date(2026, 12, 20)))
        # The régua sends nothing while the payment is checked, then resumes by itself.
        self._run(datetime(2026, 12, 18, 13, 0))
        self.assertFalse(self._events(self.move).filtered(lambda e: e.state == "queued"))
        self._run(datetime(2026, 12, 21, 13, 0))
        self.assertFalse(self.move.dunning_paused)
        self.assertTrue(self._events(self.move).filtered(lambda e: e.state == "queued"))

    def test_a_code_sent_without_the_receipt_again_keeps_the_code_step(self):
        """On a phone the file is not kept between the two steps: the code typed
        and sent without the file is refused, saying so, and nothing is stored
        (it was taken as a claim without receipt, the code ignored)."""
        values = {"paid_on": "2026-12-14", "method": "pix"}
        files = {"receipt": ("comprovante.pdf", PDF, "application/pdf")}
        first = self._post("paid", values, files=files)
        self.assertIn("o_dunning_code_step", first.text)
        values["dunning_code"] = self._last_code(self.sp)
        response = self._post("paid", values)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Escolha o comprovante novamente", response.text)
        self.assertIn("o_dunning_code_step", response.text)
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_portal_request_ids)
        # With the file chosen again, the same code goes through.
        self.assertEqual(self._post("paid", values, files=files).status_code, 303)
        self.assertTrue(
            self.env["ir.attachment"].search(
                [("res_model", "=", "account.move"), ("res_id", "=", self.move.id)]
            )
        )

    def test_refused_uploads_store_nothing(self):
        self.company.dunning_upload_max_mb = 1
        cases = [
            (("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), "PDF"),
            (("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 10), "application/pdf"), "1 MB"),
        ]
        for receipt, message in cases:
            response = self._paid(files={"receipt": receipt})
            self.assertEqual(response.status_code, 400, receipt[0])
            self.assertIn(message, response.text)
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.activity_ids)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "account.move"), ("res_id", "=", self.move.id)]
            )
        )
        self.assertFalse(self.move.dunning_portal_request_ids)

    def test_the_forms_dates_are_the_customers_late_in_the_evening(self):
        # 22:30 in São Paulo is already the 16th in UTC: the page's "paid on"
        # and promise dates speak the customer's date, the one its check uses.
        self.clock.move_to(datetime(2026, 12, 16, 1, 30))
        html = self._page().text
        self.assertIn('max="2026-12-15"', html)
        self.assertNotIn("2026-12-16", re.search(r'<input[^>]*name="paid_on"[^>]*>', html).group(0))
        self.assertIn('min="2026-12-16"', html)  # a new date: from tomorrow, theirs
        self.assertEqual(self._paid(paid_on="2026-12-15").status_code, 303)

    def test_future_payment_date_is_refused(self):
        response = self._paid(paid_on="2026-12-20")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.move.dunning_paused)

    def test_requests_are_rate_limited_per_invoice(self):
        # Five different answers (the same one again is not recorded twice).
        for day in range(10, 15):
            self.assertEqual(self._paid(paid_on=f"2026-12-{day}").status_code, 303)
        self.assertEqual(self._paid(paid_on="2026-12-09").status_code, 429)
        self.assertEqual(len(self.move.dunning_portal_request_ids), 5)

    # -- "contestar" ------------------------------------------------------------------------
    def test_dispute_pauses_until_an_accountant_resolves_it(self):
        response = self._post("dispute", {"reason": "defective", "note": "Papel molhado"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.move.dunning_pause_reason, "dispute")
        self.assertFalse(self.move.dunning_paused_until, "no end: a person resolves it")
        self.assertEqual(self.move.dunning_dispute_reason, "defective")
        self.assertIn("Papel molhado", self.move.activity_ids.note)
        self._run(datetime(2027, 1, 20, 13, 0))
        self.assertFalse(self._events(self.move).filtered(lambda e: e.state == "queued"))

    def test_the_customers_words_reach_the_to_do_as_typed(self):
        """What a customer types is words, not markup: "<modelo X200>" stays in
        the to-do the team reads (it vanished as an unknown tag), "&" too,
        the line break is kept and a link typed is not made live."""
        typed = "Veio o <modelo X200> & não o X300.\nVer <a href='https://x.example'>foto</a>"
        response = self._post("dispute", {"reason": "defective", "note": typed})
        self.assertEqual(response.status_code, 303)
        note = self.move.activity_ids.note
        self.assertIn("Veio o &lt;modelo X200&gt; &amp; não o X300.<br>", note)
        self.assertIn("&lt;a href=", note)
        self.assertNotIn("<a ", note)

    def test_the_team_reads_an_answer_in_the_companys_language(self):
        """A customer who reads English answers on an English page; the note,
        the to-do and the request the collections team reads are in the
        company's language (they were in the page's)."""
        self.sp.lang = "en_US"
        self.company.partner_id.lang = "pt_BR"
        response = self._post("dispute", {"reason": "defective", "note": "Wet paper"})
        self.assertEqual(response.status_code, 303)
        page = self._text(self.url_open(response.headers["Location"]).text)
        self.assertNotIn("contestação", page)  # the customer's page stays in English
        note = self.move.message_ids.filtered(lambda m: "Wet paper" in (m.body or ""))[:1]
        self.assertIn("O cliente contesta esta fatura", note.body)
        self.assertEqual(self.move.activity_ids.summary, "Resolver a contestação do cliente")
        request = self.env["dunning.portal.request"].search([("move_id", "=", self.move.id)])
        self.assertNotIn("Defective", request.details or "")

    def test_collections_user_gets_it_when_nobody_sells(self):
        self.move.invoice_user_id = False
        self._post("dispute", {"reason": "wrong_amount", "note": "Valor errado"})
        self.assertEqual(self.move.activity_ids.user_id, self.env.ref("base.user_admin"))

    def test_collections_user_gets_it_when_odoobot_or_a_former_employee_sells(self):
        """OdooBot (an invoice a script or an import created) and an archived
        user see no to-do: the collections user gets it."""
        former = self.env["res.users"].create({"name": "Ex-vendedor", "login": "ex_vendedor"})
        former.active = False
        for salesperson in (self.env.ref("base.user_root"), former):
            self.move.invoice_user_id = salesperson
            self._post("dispute", {"reason": "wrong_amount", "note": "Valor errado"})
            self.assertEqual(self.move.activity_ids.user_id, self.env.ref("base.user_admin"))

    def test_dispute_needs_a_reason(self):
        response = self._post("dispute", {"reason": "nonsense"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.move.dunning_paused)

    # -- "pedir nova data" -------------------------------------------------------------------
    def test_new_date_pauses_then_the_regua_resumes_if_unpaid(self):
        other = self._invoice(self.sp, date(2026, 12, 10), 90.0)
        response = self._post("promise", {"promised_on": "2026-12-22"})
        self.assertEqual(response.status_code, 303)
        # The page promises quiet for this invoice only: the others are reminded.
        done = self._text(self.url_open(response.headers["Location"]).text)
        self.assertIn(
            "Anotamos a nova data de pagamento. Até lá você não receberá lembretes desta fatura.",
            done,
        )
        self.assertFalse(other.dunning_paused)
        self.assertEqual(self.move.dunning_promise_date, date(2026, 12, 22))
        self.assertEqual(self.move.dunning_paused_until, date(2026, 12, 23))
        self._run(datetime(2026, 12, 22, 13, 0))
        self.assertFalse(self._events(self.move).filtered(lambda e: e.state == "queued"))
        self._run(datetime(2026, 12, 23, 13, 0))
        self.assertFalse(self.move.dunning_paused)
        self.assertTrue(self._events(self.move).filtered(lambda e: e.state == "queued"))

    def test_new_date_beyond_the_policy_limit_is_refused(self):
        response = self._post("promise", {"promised_on": "2027-01-15"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("30/12/2026", response.text)
        self.assertFalse(self.move.dunning_paused)

    def test_new_date_missing_or_unreadable_is_a_clear_400(self):
        """A phone's browser may send an empty or oddly formatted date."""
        for value in ("", "22/12/2026", "amanhã", "2026-02-30"):
            response = self._post("promise", {"promised_on": value})
            self.assertEqual(response.status_code, 400, value)
            self.assertIn("date", response.text.lower())
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_promise_date)
        self.assertFalse(
            self.env["dunning.portal.request"].search([("move_id", "=", self.move.id)])
        )

    def test_a_file_posted_as_a_text_field_is_a_clear_400(self):
        """Found by the generated requests: a file under a date's or a note's
        name (a robot, a broken form) was a server error."""
        cases = [
            ("promise", {}, {"promised_on": ("d.txt", b"2026-12-22")}),
            ("paid", {"method": "pix"}, {"paid_on": ("d.txt", b"2026-12-14")}),
            ("dispute", {"reason": "other"}, {"note": ("n.txt", b"wrong")}),
        ]
        for action, data, files in cases:
            response = self._post(action, data, files=files)
            self.assertEqual(response.status_code, 400, action)
        # A file as the mobile number counts as none given: the number on file stays.
        mobile = self.sp.mobile
        response = self.url_open(
            self._preferences_url(),
            data={"channel": "sms", "hours": "any", "csrf_token": self._csrf()},
            files={"mobile": ("m.txt", b"11 98888 7777")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.move.dunning_paused)
        self.assertEqual(self.sp.mobile, mobile)
        self.assertFalse(
            self.env["dunning.portal.request"].search([("move_id", "=", self.move.id)])
        )

    def test_a_damaged_photo_is_kept_as_sent(self):
        """Found by the generated requests: a PNG signature over broken bytes."""
        damaged = b"\x89PNG\r\n\x1a\n\xc3\xa3 not an image"
        response = self._paid(files={"receipt": ("recibo.png", damaged)})
        self.assertEqual(response.status_code, 303)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", self.move.id)]
        )
        self.assertEqual(attachment.raw, damaged)

    def test_a_nul_in_a_text_is_dropped_not_a_server_error(self):
        """Found by the generated requests: PostgreSQL refuses NUL in a string."""
        response = self._post("dispute", {"reason": "wrong_amount", "note": "a\x00b"})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(self.move.dunning_pause_note.endswith(": ab"), self.move.dunning_pause_note)
        self.assertEqual(self.url_open("/c/abc%00defghijklmn").status_code, 404)

    def test_accountant_declines_the_new_date(self):
        self._post("promise", {"promised_on": "2026-12-22"})
        self.move.action_dunning_decline_promise()
        self.assertFalse(self.move.dunning_paused)
        self.assertFalse(self.move.dunning_promise_date)

    # -- paid invoices ------------------------------------------------------------------------
    def test_paid_invoice_says_so_and_offers_no_action(self):
        self._pay(self.move, date=TODAY)
        html = self._page().text
        self.assertIn('id="dunning"', html)
        self.assertNotIn("/dunning/paid", html)
        self.assertNotIn("/dunning/promise", html)
        response = self._post("dispute", {"reason": "other", "note": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.move.dunning_paused)

    # -- contact preferences --------------------------------------------------------------------
    def _preferences_url(self, move=None):
        move = move or self.move
        return f"/my/invoices/{move.id}/dunning/preferences?access_token={move.access_token}"

    def _save_preferences(self, **data):
        html = self.url_open(self._preferences_url()).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        values = {"channel": "any", "hours": "any", "mobile": "", "csrf_token": csrf, **data}
        return self.url_open(self._preferences_url(), data=values)

    def test_preferences_validate_the_mobile_and_save_nothing_on_error(self):
        mobile = self.sp.mobile
        response = self._save_preferences(channel="sms", mobile="(11) 3456-7890")
        self.assertEqual(response.status_code, 400)
        self.assertIn("telefone fixo", response.text)  # the reason, in the customer's language
        self.assertEqual(self.sp.dunning_preferred_channel, "any")
        self.assertEqual(self.sp.mobile, mobile)
        # From a link, a new number is confirmed by a code sent to the one on file.
        values = {"channel": "email", "hours": "morning", "mobile": "11 98888 7777"}
        response = self._save_preferences(sms_opt_out="1", **values)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dunning_code_step", response.text)
        self.assertIn("(11) *****-4321", response.text)  # where the code went, masked
        self.assertEqual(self.sp.dunning_preferred_channel, "any", "nothing saved yet")
        self.assertEqual(self.sp.mobile, mobile)
        code = self._last_code(self.sp)
        sent = self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)])[:1]
        self.assertEqual(sent.number, "+5511987654321", "to the number on file")
        self.assertEqual(sent.segments, 1)
        response = self._save_preferences(sms_opt_out="1", dunning_code=code, **values)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.sp.dunning_preferred_channel, "email")
        self.assertEqual(self.sp.dunning_preferred_hours, "morning")
        self.assertEqual(self.sp.mobile, "+5511988887777")
        # Recorded for the invoice's company (its SMS stop), not database-wide.
        opt_out = self.env["sms.opt.out"].search([("number", "=", "+5511988887777")])
        self.assertEqual(
            (opt_out.company_id, opt_out.source, opt_out.partner_id),
            (self.move.company_id, "portal", self.sp),
        )
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+5511988887777")]))

    def test_evenings_are_offered_only_where_the_window_reaches_them(self):
        """The company writes 9h to 18h: "À noite" is not offered (the régua
        would write in the morning anyway), and a form that sends it is
        refused; with a window to 20h in São Paulo it is offered and kept."""
        self.company.write({"dunning_window_start": 9.0, "dunning_window_end": 18.0})
        html = self.url_open(self._preferences_url()).text
        self.assertNotIn('value="evening"', html)
        self.assertIn('value="afternoon"', html)
        response = self._save_preferences(channel="sms", hours="evening")
        self.assertEqual(response.status_code, 400)
        self.assertNotEqual(self.sp.dunning_preferred_hours, "evening")
        self.company.dunning_window_end = 20.0
        self.assertIn('value="evening"', self.url_open(self._preferences_url()).text)
        self.assertEqual(self._save_preferences(channel="sms", hours="evening").status_code, 200)
        self.assertEqual(self.sp.dunning_preferred_hours, "evening")

    def test_preferences_are_rate_limited_per_customer(self):
        for _ in range(5):
            self.assertEqual(self._save_preferences(hours="morning").status_code, 200)
        response = self._save_preferences(hours="afternoon")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.sp.dunning_preferred_hours, "morning")

    def test_preferences_with_a_wrong_token_are_refused(self):
        url = f"/my/invoices/{self.move.id}/dunning/preferences?access_token=nope"
        self.assertRefusedLikeOdoo(url)


@tagged("post_install", "-at_install")
class TestDunningPortalOrder(DunningCase, HttpCase):
    def test_my_invoices_lists_overdue_first_with_their_status(self):
        portal_user = self.env["res.users"].create(
            {
                "name": "Maria Portal",
                "login": "maria.portal",
                "password": "maria.portal",
                "partner_id": self.sp.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.assertTrue(portal_user)
        with freeze_time(datetime(2026, 12, 15, 13, 0)):
            late = self._invoice(self.sp, date(2026, 12, 1))
            soon = self._invoice(self.sp, date(2026, 12, 28))
            later = self._invoice(self.sp, date(2026, 12, 5))
            paid = self._invoice(self.sp, date(2026, 11, 20))
            self._pay(paid, date=date(2026, 11, 20))
            self.authenticate("maria.portal", "maria.portal")
            html = self.url_open("/my/invoices").text
        positions = [html.index(f"/my/invoices/{move.id}?") for move in (late, later, soon, paid)]
        self.assertEqual(positions, sorted(positions), "overdue (oldest first), open, then paid")
        self.assertIn('name="dunning_status"', html)
        self.assertIn("days overdue", html)

    def test_status_badge_counts_on_the_customer_date(self):
        """23:30 in São Paulo is already the next day in UTC: an invoice due that
        day is still "due today" for the customer; one due the day before is
        "1 day overdue", in the singular."""
        self.env["res.users"].create(
            {
                "name": "Maria Portal",
                "login": "maria.badge",
                "password": "maria.badge",
                "partner_id": self.sp.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        today = self._invoice(self.sp, date(2026, 12, 15))
        yesterday = self._invoice(self.sp, date(2026, 12, 14))
        with freeze_time(datetime(2026, 12, 16, 2, 30)):  # 15/12 23:30 in São Paulo
            self.assertEqual(today._dunning_portal_days_overdue(), 0)
            self.assertEqual(yesterday._dunning_portal_days_overdue(), 1)
            self.authenticate("maria.badge", "maria.badge")
            html = self.url_open("/my/invoices").text
        self.assertIn("Due today", html)
        self.assertIn("1 day overdue", html)
        self.assertNotIn("1 days overdue", html)
