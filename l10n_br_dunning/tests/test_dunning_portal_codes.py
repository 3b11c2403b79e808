# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, datetime, timedelta

from odoo.tests import HttpCase, new_test_user, tagged

from .common import DunningCase

NOW = datetime(2026, 12, 15, 13, 0)
NEW = "(11) 98888-7777"


@tagged("post_install", "-at_install")
class TestDunningPortalCodes(DunningCase, HttpCase):
    """What a token link changes is confirmed by a one-time code sent to a
    contact already on file; wrong, expired, replayed or borrowed codes change
    nothing and say why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.write({"lang": "pt_BR", "vat": "123.456.789-09"})
        cls.move = cls._invoice(cls.sp, date(2026, 12, 10), 300.0)
        cls.other = cls._invoice(cls.sp, date(2026, 12, 12), 200.0)
        for move in cls.move | cls.other:
            move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(NOW)

    def _url(self, move=None):
        move = move or self.move
        return f"/my/invoices/{move.id}/dunning/preferences?access_token={move.access_token}"

    def _save(self, move=None, **data):
        html = self.url_open(self._url(move)).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        values = {"channel": "any", "hours": "any", "mobile": NEW, "csrf_token": csrf, **data}
        return self.url_open(self._url(move), data=values)

    def _unchanged(self):
        self.sp.invalidate_recordset()
        self.assertEqual(self.sp.mobile, "(11) 98765-4321")

    def test_the_page_masks_the_number_and_the_code_confirms_a_new_one(self):
        page = self.url_open(self._url()).text
        self.assertIn("(11) *****-4321", page)
        self.assertNotIn('value="(11) 98765-4321"', page)
        self.assertNotIn("+5511987654321", page)
        asked = self._save()
        self.assertEqual(asked.status_code, 200)
        self.assertIn("o_dunning_code_step", asked.text)
        self._unchanged()
        sms = self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+5511987654321", "the number on file, not the new one")
        self.assertEqual((sms.encoding, sms.segments), ("gsm7", 1))
        self.assertNotIn("http", sms.body)
        code = self._last_code(self.sp)
        done = self._save(dunning_code=code)
        self.assertEqual(done.status_code, 200)
        self.assertIn("alert-success", done.text)
        self.assertEqual(self.sp.mobile, "+5511988887777")
        request = self.env["dunning.portal.request"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(request.code_id.purpose, "contact")
        # Replayed: a code confirms once.
        self.sp.mobile = "(11) 98765-4321"
        replay = self._save(dunning_code=code)
        self.assertEqual(replay.status_code, 400)
        self._unchanged()

    def test_a_code_confirms_the_number_it_was_sent_for_only(self):
        """A code sent to confirm one new number does not confirm another one
        typed in its place: the number stays the one on file."""
        self._save()
        code = self._last_code(self.sp)
        swapped = self._save(dunning_code=code, mobile="(11) 97777-1111")
        self.assertEqual(swapped.status_code, 400)
        self._unchanged()

    def test_another_customer_logged_in_is_a_visitor_by_link(self):
        """Ana, logged in to the portal, opens Maria's forwarded link: she sees
        Maria's number masked and cannot change it without the code sent to
        Maria; a settled invoice's expired link does not open for her either."""
        ana = new_test_user(
            self.env, login="ana-portal", groups="base.group_portal", partner_id=self.rj.id
        )
        self.authenticate(ana.login, ana.login)
        page = self.url_open(self._url()).text
        self.assertIn("(11) *****-4321", page)
        self.assertNotIn('value="(11) 98765-4321"', page)
        asked = self._save()
        self.assertIn("o_dunning_code_step", asked.text)
        self._unchanged()
        sms = self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(sms.number, "+5511987654321", "the code goes to Maria's number")

    def test_wrong_expired_and_borrowed_codes_change_nothing(self):
        self._save()
        code = self._last_code(self.sp)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        response = self._save(dunning_code=wrong)
        self.assertEqual(response.status_code, 400)
        self.assertIn("4", response.text)  # tries left, in the reason
        # A code sent for one invoice confirms nothing through another's link.
        response = self._save(move=self.other, dunning_code=code)
        self.assertEqual(response.status_code, 400)
        self._unchanged()
        # Ten minutes later it has expired.
        self.clock.tick(timedelta(minutes=10, seconds=1))
        response = self._save(dunning_code=code)
        self.assertEqual(response.status_code, 400)
        self.assertIn("10 minutos", response.text)
        self._unchanged()

    def test_five_wrong_tries_end_a_code(self):
        self._save()
        code = self._last_code(self.sp)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _try in range(5):
            self.assertEqual(self._save(dunning_code=wrong).status_code, 400)
        response = self._save(dunning_code=code)
        self.assertEqual(response.status_code, 400)
        self._unchanged()

    def test_codes_are_rate_limited_per_invoice(self):
        for _attempt in range(5):
            self.assertEqual(self._save().status_code, 200)
        self.assertEqual(self._save().status_code, 429)
        self.assertEqual(
            self.env["sms.gateway.message"].search_count([("partner_id", "=", self.sp.id)]), 5
        )

    def test_codes_are_rate_limited_per_customer_across_invoices(self):
        """Ten codes an hour to one customer, whatever the invoice and address."""
        more = [self._invoice(self.sp, date(2026, 12, 10), 10.0) for _i in range(2)]
        for move in more:
            move._portal_ensure_token()
        for move in (self.move, self.other, *more):
            for _attempt in range(3):
                self._save(move=move)
        self.assertEqual(
            self.env["sms.gateway.message"].search_count([("partner_id", "=", self.sp.id)]), 10
        )
        self.assertEqual(self._save(move=more[-1]).status_code, 429)

    def test_without_a_mobile_the_code_goes_by_e_mail_and_without_either_nothing_changes(self):
        self.sp.mobile = False
        response = self._save()
        self.assertIn("m****@cliente.example", response.text)
        code = self._last_code(self.sp)
        self.assertTrue(code)
        self.assertEqual(self._save(dunning_code=code).status_code, 200)
        self.assertEqual(self.sp.mobile, "+5511988887777")
        self.sp.write({"mobile": False, "email": False})
        response = self._save(mobile="(11) 97777-6666")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.sp.mobile)

    def test_an_imported_e_mail_field_gets_the_code_at_each_address_all_masked(self):
        """The e-mail field as another ERP exports it: a name, two addresses and
        a stray ";". The code goes to both addresses (as Odoo's mail queue
        sends a contact's messages) and the page masks both: it showed the
        second one in full to whoever held the link ("m****@cliente.example;
        financeiro@cliente.example")."""
        self.sp.write(
            {"mobile": False, "email": "Maria <maria@cliente.example>; financeiro@cliente.example;"}
        )
        response = self._save()
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_dunning_code_step", response.text)
        self.assertIn("m****@cliente.example", response.text)
        self.assertIn("f*********@cliente.example", response.text)
        self.assertNotIn("financeiro@cliente.example", response.text)
        self.assertNotIn("maria@cliente.example", response.text)
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        self.assertIn("O seu código para confirmar", mail.body_html)
        sent_to = [
            address for item in mail._prepare_outgoing_list() for address in item["email_to"]
        ]
        self.assertEqual(sent_to, ["maria@cliente.example", "financeiro@cliente.example"])

    def test_no_code_is_promised_to_an_e_mail_field_holding_no_address(self):
        """ "sem email" (a spreadsheet's note in the e-mail column) is no address:
        the page said a code was sent (to nobody it could name) and the code
        e-mail failed at the mail server; now it says there is no contact to
        send it to, and nothing changes."""
        for typed in ("sem email", "maria@"):
            with self.subTest(email=typed):
                self.sp.write({"mobile": False, "email": typed})
                mails = self.env["mail.mail"].sudo().search_count([])
                response = self._save()
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("o_dunning_code_step", response.text)
                self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
                self.assertFalse(self.sp.mobile)

    def test_the_code_e_mail_names_the_company_s_tax_id_by_its_label_and_only_when_on_file(self):
        """The code e-mail signed "CNPJ" by hand, and "CNPJ -" for a company
        without its tax id on file; it names it as the reminders' footer does
        (res.company._dunning_vat_label), and only when it is on file."""
        self.sp.mobile = False

        def mail():
            self._save()
            return (
                self.env["mail.mail"]
                .sudo()
                .search([("email_to", "=", self.sp.email)], order="id desc", limit=1)
            )

        body = mail().body_html
        self.assertIn("O seu código para confirmar", body)
        self.assertIn(f"CNPJ {self.company.vat}", body)
        self.company.partner_id.vat = False
        self.company.invalidate_recordset()
        body = mail().body_html
        self.assertIn(self.company.name, body)
        self.assertNotIn("CNPJ", body)
        self.assertNotIn("<br>-", body.replace("<br/>", "<br>"))

    def test_a_logged_in_customer_sees_the_number_the_regua_texts(self):
        """Her mobile field holds a landline, her phone field her mobile: the
        form shows the mobile the SMS go to, not the landline."""
        self.sp.write({"mobile": "(11) 3003-4000", "phone": "(11) 98765-0042"})
        user = new_test_user(
            self.env, login="maria-field", groups="base.group_portal", partner_id=self.sp.id
        )
        self.authenticate(user.login, user.login)
        html = self.url_open("/my/dunning/preferences").text
        self.assertIn(f'value="{self.sp.phone}"', html)
        self.assertNotIn(f'value="{self.sp.mobile}"', html)

    def test_a_logged_in_customer_needs_no_code(self):
        user = new_test_user(
            self.env, login="maria-codes", groups="base.group_portal", partner_id=self.sp.id
        )
        self.authenticate(user.login, user.login)
        html = self.url_open("/my/dunning/preferences").text
        self.assertIn('value="(11) 98765-4321"', html)  # their own number, whole
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = self.url_open(
            "/my/dunning/preferences",
            data={"channel": "any", "hours": "any", "mobile": NEW, "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.sp.mobile, "+5511988887777")
        self.assertFalse(self.env["dunning.portal.code"].search([("partner_id", "=", self.sp.id)]))

    def test_a_refused_answer_sends_no_code(self):
        response = self._save(mobile="(11) 3456-7890")  # a landline
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["dunning.portal.code"].search([("partner_id", "=", self.sp.id)]))

    # -- turning a stopped channel back on is granting consent ---------------------------------
    def _keep(self, **data):
        """The preferences form as the page shows it to a visitor by link: the
        number on file kept (empty field), both boxes as given."""
        return self._save(mobile="", **data)

    def test_turning_sms_back_on_by_link_needs_a_code(self):
        """Maria replied SAIR; someone holding her forwarded link unticks "Do
        not send me SMS": her opt-out stays until the code sent to a contact
        on file (her e-mail: the number asked for no more SMS) confirms it."""
        self.env["sms.opt.out"]._add("+5511987654321", self.company, "reply", partner=self.sp)
        self.assertTrue(self.sp._dunning_sms_opted_out(self.company))
        asked = self._keep()
        self.assertEqual(asked.status_code, 200)
        self.assertIn("o_dunning_code_step", asked.text)
        # Her number asked for no more SMS (the gateway refuses them): the code
        # goes to her e-mail on file, and the page says so.
        self.assertIn("m****@cliente.example", asked.text)
        self.assertFalse(self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)]))
        self.assertNotIn("alert-success", asked.text)
        self.assertTrue(self.sp._dunning_sms_opted_out(self.company), "still opted out")
        code = self._last_code(self.sp)
        # The code confirms turning SMS back on, not another answer in its place.
        other = self._keep(dunning_code=code, channel="email")
        self.assertEqual(other.status_code, 400)
        self.assertTrue(self.sp._dunning_sms_opted_out(self.company))
        self._keep()
        done = self._keep(dunning_code=self._last_code(self.sp))
        self.assertEqual(done.status_code, 200)
        self.assertIn("alert-success", done.text)
        self.assertFalse(self.sp._dunning_sms_opted_out(self.company))
        request = self.env["dunning.portal.request"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(request.code_id.purpose, "consent")

    def test_lifting_a_global_sms_blacklist_by_link_needs_a_code(self):
        self.env["phone.blacklist"].sudo()._add(["+5511987654321"])
        asked = self._keep()
        self.assertIn("o_dunning_code_step", asked.text)
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+5511987654321")]))

    def test_turning_e_mail_back_on_by_link_needs_a_code(self):
        """The customer stopped this company's e-mail reminders: a link alone
        does not turn them back on; the code goes to her mobile on file."""
        self.sp._dunning_email_opt_out(self.company)
        asked = self._keep()
        self.assertIn("o_dunning_code_step", asked.text)
        self.assertIn("(11) *****-4321", asked.text)
        self.assertIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        done = self._keep(dunning_code=self._last_code(self.sp))
        self.assertEqual(done.status_code, 200)
        self.assertNotIn(self.company, self.sp.dunning_email_opt_out_company_ids)

    def test_stopping_a_channel_by_link_needs_no_code(self):
        """Stopping stays one click: no code, saved at once; saving again with
        the boxes as shown sends no code either."""
        done = self._keep(sms_opt_out="1", email_opt_out="1")
        self.assertIn("alert-success", done.text)
        self.assertTrue(self.sp._dunning_sms_opted_out(self.company))
        self.assertIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        again = self._keep(sms_opt_out="1", email_opt_out="1", hours="morning")
        self.assertIn("alert-success", again.text)
        self.assertFalse(self.env["dunning.portal.code"].search([("partner_id", "=", self.sp.id)]))

    def test_a_logged_in_customer_turns_sms_back_on_without_a_code(self):
        self.env["sms.opt.out"]._add("+5511987654321", self.company, "reply", partner=self.sp)
        self.sp._dunning_email_opt_out(self.company)
        user = new_test_user(
            self.env, login="maria-optin", groups="base.group_portal", partner_id=self.sp.id
        )
        self.authenticate(user.login, user.login)
        url = f"/my/dunning/preferences/{self.company.id}"
        html = self.url_open(url).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        data = {"channel": "any", "hours": "any", "mobile": self.sp.mobile, "csrf_token": csrf}
        response = self.url_open(url, data=data)
        self.assertIn("alert-success", response.text)
        self.assertFalse(self.sp._dunning_sms_opted_out(self.company))
        self.assertNotIn(self.company, self.sp.dunning_email_opt_out_company_ids)
        self.assertFalse(self.env["dunning.portal.code"].search([("partner_id", "=", self.sp.id)]))

    def test_an_opted_out_mobile_alone_gets_no_code_and_the_page_says_why(self):
        """No e-mail on file and a mobile that replied SAIR: no code can reach
        her (the gateway refuses SMS to it), so none is promised."""
        self.sp.email = False
        self.env["sms.opt.out"]._add("+5511987654321", self.company, "reply", partner=self.sp)
        response = self._keep()
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("o_dunning_code_step", response.text)
        self.assertIn("pediu para parar", response.text)
        self.assertFalse(self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)]))
        self.assertTrue(self.sp._dunning_sms_opted_out(self.company))
