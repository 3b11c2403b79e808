# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import re
from datetime import date, datetime, time, timedelta
from html import unescape

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import DunningCase

TODAY = date(2026, 12, 15)


@tagged("post_install", "-at_install")
class TestDunningAgreementPortal(DunningCase, HttpCase):
    """ "Parcelar" over real HTTP: the options the rules allow, the signed
    acceptance, the agreement's page and term, and the refusals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.write({"lang": "pt_BR", "vat": "123.456.789-09"})
        cls.company.write(
            {"dunning_agreement_max_installments": 4, "dunning_agreement_min_installment": 100.0}
        )
        cls.move = cls._invoice(cls.sp, date(2026, 11, 30), 1180.5)
        cls.later = cls._invoice(cls.sp, date(2026, 12, 30), 300.0)  # not yet due
        for move in cls.move | cls.later:
            move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(datetime(2026, 12, 15, 13, 0))

    def _url(self, move=None, token=None):
        move = move or self.move
        token = move.access_token if token is None else token
        return f"/my/invoices/{move.id}/dunning/agreement?access_token={token}"

    def _options_page(self, move=None):
        response = self.url_open(self._url(move))
        self.assertEqual(response.status_code, 200)
        return response.text

    def _review(self, count, move=None, token=None):
        """The page of one option: the whole term to read, its SHA-256 and form."""
        response = self.url_open(f"{self._url(move, token)}&count={count}")
        self.assertEqual(response.status_code, 200)
        return self._term_form(response.text)

    @staticmethod
    def _term_form(html):
        term = re.search(r'class="[^"]*o_dunning_term_text[^"]*"[^>]*>([^<]*)</div>', html, re.S)
        field = lambda name: re.search(rf'name="{name}" value="([^"]*)"', html)  # noqa: E731
        return {
            "html": html,
            "text": unescape(term.group(1)) if term else None,
            "sha": field("term_sha256") and field("term_sha256").group(1),
            "first_due": field("first_due") and field("first_due").group(1),
            "csrf": field("csrf_token").group(1),
        }

    def _accept(self, count, first_due=None, accept=True, move=None, token=None, sha=None):
        # An option the rules do not offer has no page: the form of another one.
        form = self._review(count if count <= 4 else 2, move)
        data = {
            "csrf_token": form["csrf"],
            "step": "accept",
            "count": str(count),
            "first_due": first_due or form["first_due"],
            "term_sha256": sha or form["sha"],
        }
        if accept:
            data["accept"] = "1"
        return self._post_confirming(self._url(move, token), data)

    def _agreements(self):
        return self.env["dunning.agreement"].search([("partner_id", "=", self.sp.id)])

    def test_the_invoice_page_offers_to_split_it(self):
        html = self.url_open(f"/my/invoices/{self.move.id}?access_token={self.move.access_token}")
        self.assertIn("o_dunning_split", html.text)
        self.assertIn("Parcelar", html.text)
        # An invoice not yet due has nothing to split.
        html = self.url_open(f"/my/invoices/{self.later.id}?access_token={self.later.access_token}")
        self.assertNotIn("o_dunning_split", html.text)

    def test_the_options_show_each_schedule_and_total_within_the_rules(self):
        html = self._options_page()
        # 1 to 4 installments (the rules' most), first one a week ahead.
        counts = re.findall(r'o_dunning_choose"[^>]*data-count="(\d+)"', html)
        self.assertEqual(counts, ["1", "2", "3", "4"])
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        # Every installment's amount, exactly: R$ 1.180,50 in 4 is 295,14 and
        # three of 295,12 (the card said "4 parcelas de R$ 295,12", 1.180,48).
        self.assertIn("4 parcelas: 1 de R$ 295,14 e 3 de R$ 295,12", text)
        self.assertNotIn("4 parcelas de", text)
        self.assertIn("3 parcelas de R$ 393,50", text)
        self.assertIn("Total R$ 1.180,50", text)
        self.assertIn("22/12/2026", text)
        # No sentence to accept among the options: it comes once, with the term.
        self.assertNotIn("reconheço dever", text)
        # The supplier is named (CDC art. 42-A) and the invoice not yet due is left out.
        self.assertIn("15.881.399/0001-34", text)
        self.assertNotIn(self.later.name, text)
        # The option's page: its whole term, dates included.
        term = self._review(4)["text"]
        self.assertIn("Parcela 4 de 4, vencimento 22/03/2027: R$\xa0295,12", term)

    def test_acceptance_is_signed_and_waits_for_a_collections_user(self):
        form = self._review(3)
        shown = form["text"]
        # The sentence of acceptance is shown once, at the end of the whole term.
        self.assertEqual(form["html"].count("reconheço dever"), 1)
        response = self._accept(3)
        self.assertEqual(response.status_code, 303)
        agreement = self._agreements()
        self.assertEqual(len(agreement), 1)
        self.assertIn(f"/my/agreements/{agreement.id}?access_token=", response.headers["Location"])
        self.assertEqual(agreement.proposed_by, "portal")
        self.assertEqual(agreement.state, "proposed")
        self.assertEqual(agreement.accepted_ip, "127.0.0.1")
        self.assertEqual(agreement.accepted_at, datetime(2026, 12, 15, 13, 0))
        # Stored: the exact text shown, its SHA-256, where and how it came.
        self.assertEqual(agreement.term_text, shown)
        self.assertEqual(agreement.term_sha256, hashlib.sha256(shown.encode()).hexdigest())
        self.assertEqual(agreement.term_sha256, form["sha"])
        self.assertEqual(agreement.accepted_via, "token")
        self.assertEqual(agreement.accepted_tz, "America/Sao_Paulo")
        self.assertTrue(agreement.accepted_user_agent)
        self.assertTrue(shown.endswith(agreement.accepted_text))
        # A token page masks the CPF (the agreement keeps it whole); a code sent to
        # the mobile on file confirmed the acceptance.
        self.assertIn("Maria Souza (CPF/CNPJ ***.456.789-**)", agreement.accepted_text)
        self.assertNotIn("123.456.789-09", form["html"])
        self.assertEqual(agreement.customer_vat, "123.456.789-09")
        self.assertEqual(agreement.accepted_code_id.destination, "(11) *****-4321")
        report = self.env.ref("l10n_br_dunning.action_report_dunning_agreement")
        printed = report._render_qweb_html(report, agreement.ids)[0].decode()
        self.assertIn("(11) *****-4321", printed)
        self.assertIn(agreement.term_sha256, printed)
        self.assertIn("3 parcelas mensais", agreement.accepted_text)
        self.assertEqual(
            [(i.date_due, i.amount) for i in agreement.installment_ids],
            [(date(2026, 12, 22), 393.5), (date(2027, 1, 22), 393.5), (date(2027, 2, 22), 393.5)],
        )
        # The régua pauses the replaced invoice at once; someone must approve.
        self.assertTrue(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_pause_reason, "agreement")
        self.assertTrue(agreement.activity_ids)
        self._run(datetime(2026, 12, 16, 13, 0))
        self.assertFalse(self._events(self.move).filtered(lambda e: e.sent_at))
        # The term is kept and sent to the customer.
        self.assertTrue(agreement.term_attachment_id)
        sent = agreement.message_ids.filtered(
            lambda m: agreement.term_attachment_id in m.attachment_ids
        )
        self.assertIn(self.sp, sent.partner_ids)
        # The agreement's page, and its term, for the token only.
        page = self.url_open(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dunning_agreement_done", page.text)
        # No payment code until approved: the page says when it comes.
        self.assertIn("o_dunning_awaiting_approval", page.text)
        self.assertNotIn("o_dunning_pix", page.text)
        term = self.url_open(
            f"/my/agreements/{agreement.id}/term?access_token={agreement.access_token}"
        )
        self.assertEqual(term.status_code, 200)
        self.assertEqual(term.headers["Content-Type"], "application/pdf")
        self.assertRefusedLikeOdoo(f"/my/agreements/{agreement.id}?access_token=x")
        self.assertRefusedLikeOdoo(f"/my/agreements/{agreement.id}/term?access_token=x")
        # Approved by the collections team: the invoice resumes as settled.
        agreement.action_approve()
        self.assertEqual(len(agreement.message_ids.attachment_ids), 1, "the term is sent once")
        self.assertFalse(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_settled_agreement_id, agreement)
        html = self.url_open(
            f"/my/invoices/{self.move.id}?access_token={self.move.access_token}"
        ).text
        self.assertIn("o_dunning_settled", html)
        self.assertIn(agreement.name, html)
        # Not "Pago" beside the amount: it was replaced, not paid.
        self.assertIn("o_dunning_renegotiated", html)
        self.assertIn("Renegociada", html)
        self.assertNotIn("fa-check-circle", html)
        # Nor in the customer's list of invoices.
        self._maria_portal_user()
        self.authenticate("maria-portal", "maria-portal-123")
        listed = self.url_open("/my/invoices").text
        self.assertIn("o_dunning_renegotiated", listed)
        self.assertNotIn("fa-check", listed)

    def test_while_proposed_the_regua_sends_nothing_about_the_invoices_it_covers(self):
        """The term e-mail says "não enviaremos lembretes sobre as faturas
        incluídas" while the proposal waits: the régua, run day after day,
        sends nothing about the covered invoice on any channel, while the
        invoice left out is still reminded; refused, the invoice is reminded
        again (so the silence was the pause)."""
        self.assertEqual(self._accept(3).status_code, 303)
        agreement = self._agreements()
        self.assertEqual(agreement.state, "proposed")
        told = agreement.message_ids.filtered(lambda m: self.sp in m.partner_ids)
        self.assertIn("não enviaremos lembretes sobre as faturas incluídas", told[:1].body)
        for day in range(16, 31):  # to the left-out invoice's due date
            self._run(datetime(2026, 12, day, 13, 0))
        self.assertFalse(self._sent(self.move))
        self.assertTrue(self._sent(self.later), "the invoice not covered is reminded")
        # The customer's proposal awaiting the company is not approved at once
        # (clause 3.5 binds an agreement in force, not a proposal declined).
        self.assertIs(agreement.action_cancel(), True, "no form asking a ground")
        self.assertEqual((agreement.state, agreement.cancel_ground), ("cancelled", "not_approved"))
        self.assertFalse(self.move.dunning_paused)
        self._run(datetime(2027, 1, 4, 13, 0))  # 31/12 and 1/1 closed, then a weekend
        self.assertTrue(self._sent(self.move), "refused: the invoice is reminded again")

    def test_the_portal_approves_within_the_rules_when_the_company_lets_it(self):
        self.company.dunning_agreement_portal_approves = True
        response = self._accept(2)
        self.assertEqual(response.status_code, 303)
        agreement = self._agreements()
        self.assertEqual(agreement.state, "approved")
        self.assertEqual(agreement.move_id.state, "posted")
        self.assertFalse(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_settled_agreement_id, agreement)
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("o_dunning_term", page)
        self.assertIn("590,25", page)
        # The reminders of the agreement's installments link the customer's
        # contact preferences through the agreement's entry: the page opens.
        preferences = self.url_open(agreement.move_id._dunning_preferences_url())
        self.assertEqual(preferences.status_code, 200)
        self.assertIn("o_dunning_preferences", preferences.text)

    def _done_banner(self, location):
        html = self.url_open(location).text
        done = re.search(r'o_dunning_agreement_done"[^>]*>(.*?)</div>', html, re.S)
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", done.group(1))).split()) if done else ""

    def test_the_term_is_said_e_mailed_only_when_it_was(self):
        """A customer reached by SMS, with no e-mail on file, accepts through the
        link: neither the term (clause 3.7), nor the page before accepting, nor
        the thanks after it claim an e-mail; they say where the term is."""
        self.company.dunning_agreement_portal_approves = True
        self.sp.email = False
        form = self._review(2)
        self.assertNotIn("recebe o termo por e-mail", form["text"])
        self.assertIn(
            "pode ler e baixar o termo a qualquer momento na página do acordo", form["text"]
        )
        self.assertNotIn("Você o receberá por e-mail", form["html"])
        self.assertIn("Você pode lê-lo e baixá-lo a qualquer momento", form["html"])
        response = self._accept(2)
        self.assertEqual(response.status_code, 303)
        agreement = self._agreements()
        self.assertEqual(agreement.state, "approved")
        self.assertIn("pode ler e baixar o termo", agreement.term_text)
        banner = self._done_banner(response.headers["Location"])
        self.assertIn("Seu acordo está confirmado", banner)
        self.assertNotIn("e-mail", banner)
        self.assertIn("baixar o termo (PDF)", banner)
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("model", "=", "dunning.agreement")]),
            "no e-mail went",
        )

    def test_the_term_is_said_e_mailed_when_it_went(self):
        self.company.dunning_agreement_portal_approves = True
        # A company with no address to send from sends nothing: nothing is promised.
        email = self.company.email
        self.company.email = False
        self.assertNotIn("recebe o termo por e-mail", self._review(2)["text"])
        self.company.email = email
        self.assertIn("recebe o termo por e-mail", self._review(2)["text"])
        response = self._accept(2)
        banner = self._done_banner(response.headers["Location"])
        self.assertIn("Enviamos o termo para o seu e-mail", banner)

    def test_a_cancelled_agreements_page_says_the_invoices_are_open_again(self):
        """Approved, then cancelled by the team (nothing was paid): the page says
        so and links the invoice open again; no installment is 'Paga' and no
        'ainda em aberto R$ 0,00' (the reversal settled the lines, nobody paid)."""
        self.company.dunning_agreement_portal_approves = True
        response = self._accept(3)
        agreement = self._agreements()
        self._cancel_agreement(agreement)
        self.assertEqual(self.move.amount_residual, 1180.5)
        html = self.url_open(response.headers["Location"]).text
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        self.assertNotIn("badge text-bg-success", html)
        self.assertNotIn("Paga", text)
        self.assertNotIn("ainda em aberto", text)
        self.assertNotIn("o_dunning_agreement_done", html)
        self.assertIn("Este acordo foi cancelado", text)
        self.assertIn("As faturas que ele abrangia estão em aberto", text)
        self.assertIn(self.move.get_portal_url().replace("&", "&amp;"), html)
        self.assertIn(f"{self.move.name} 30/11/2026 R$ 1.180,50", text)
        self.assertIn("Termo do acordo cancelado (PDF)", text)
        self.assertEqual(
            self.url_open(self.move.get_portal_url(), allow_redirects=False).status_code, 200
        )

    def test_an_installment_one_day_late_reads_in_the_singular(self):
        """The agreement's page: "1 dia de atraso: multa de", not "1 dias"."""
        self.company.write(
            {
                "dunning_agreement_portal_approves": True,
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        page = self._accept(2).headers["Location"]
        first = self._agreements().installment_ids.sorted("date_due")[0]
        late = {}
        for days in (1, 2):
            moment = datetime.combine(first.date_due + timedelta(days=days), time(15, 0))
            with freeze_time(moment):
                html = self.url_open(page).text
            late[days] = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        self.assertIn("1 dia de atraso: multa de", late[1])
        self.assertNotIn("1 dias", late[1])
        self.assertIn("2 dias de atraso: multa de", late[2])

    def test_no_confession_to_a_company_the_term_cannot_name(self):
        """Without its CNPJ (CDC art. 42-A: no reminder goes either), the company
        offers no "Parcelar", and no term is accepted on the portal."""
        self.company.dunning_agreement_portal_approves = True
        form = self._review(2)  # read while the company was complete
        self.company.partner_id.vat = False
        invoice_page = self.url_open(
            f"/my/invoices/{self.move.id}?access_token={self.move.access_token}"
        ).text
        self.assertNotIn("o_dunning_split", invoice_page)
        options = self.url_open(self._url()).text
        self.assertNotIn("o_dunning_choose", options)
        self.assertIn("No momento não conseguimos oferecer um acordo pelo portal", options)
        codes = self.env["dunning.portal.code"].sudo().search_count([])
        response = self.url_open(
            self._url(),
            data={
                "csrf_token": form["csrf"],
                "step": "accept",
                "count": "2",
                "first_due": form["first_due"],
                "term_sha256": form["sha"],
                "accept": "1",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._agreements())
        self.assertEqual(self.env["dunning.portal.code"].sudo().search_count([]), codes)
        # The team's proposal is neither sent nor accepted.
        lines = self.move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        proposal = self.env["dunning.agreement"]._propose(lines, 2, date(2026, 12, 22))
        with self.assertRaisesRegex(UserError, "CDC art. 42-A"):
            proposal.action_send_for_acceptance()
        proposal._portal_ensure_token()
        page = self.url_open(
            f"/my/agreements/{proposal.id}?access_token={proposal.access_token}"
        ).text
        self.assertIn("o_dunning_agreement_unavailable", page)
        self.assertNotIn("o_dunning_agreement_form", page)
        with self.assertRaises(UserError):
            self._customer_accepts(proposal)
        self.assertEqual(proposal.state, "to_accept")

    def test_the_term_e_mail_names_the_supplier_in_the_reguas_layout(self):
        """CDC art. 42-A: the e-mail carrying the signed term gives the supplier's
        name, address and CNPJ, in the layout of the régua's other e-mails."""
        self.company.dunning_agreement_portal_approves = True
        self._accept(2)
        agreement = self._agreements()
        message = agreement.message_ids.filtered(
            lambda m: agreement.term_attachment_id in m.attachment_ids
        )
        html = self._email_html(message)
        body = " ".join(self._text(html).split())
        self.assertIn("Atenciosamente", body)
        self.assertIn("15.881.399/0001-34", body)
        self.assertIn("Rua Augusta", body.split("Atenciosamente", 1)[1])
        # The régua's layout: headed with the agreement, no Odoo "Powered by".
        self.assertRegex(html, rf'padding-top: 2px;">\s*Acordo {agreement.name}\s*<')
        self.assertNotIn("Powered by", html)

    def test_refusals_store_nothing(self):
        # Outside the rules (more installments than allowed), a date not offered,
        # without ticking the acceptance.
        # A term other than the one the server builds for this option.
        for count, first_due, accept, sha in (
            (6, "2026-12-22", True, None),
            (2, "2027-03-01", True, None),
            (2, "2026-12-22", False, None),
            (2, "2026-12-22", True, "0" * 64),
        ):
            response = self._accept(count, first_due=first_due, accept=accept, sha=sha)
            self.assertEqual(response.status_code, 400)
            self.assertIn("alert-danger", response.text)
        self.assertFalse(self._agreements())
        self.assertFalse(self.move.dunning_paused)
        # Another customer's token, a made-up one: nothing is revealed.
        other = self._invoice(self.rj, date(2026, 11, 30), 500.0)
        other._portal_ensure_token()
        self.assertRefusedLikeOdoo(self._url(token=other.access_token))
        self.assertRefusedLikeOdoo(self._url(token="x"))
        # A paid invoice has nothing to split.
        self._pay(self.move)
        html = self._options_page()
        self.assertNotIn("o_dunning_choose", html)
        self.assertFalse(self._agreements())

    def _maria_portal_user(self):
        return self.env["res.users"].create(
            {
                "name": "Maria Souza",
                "login": "maria-portal",
                "password": "maria-portal-123",
                "partner_id": self.sp.id,
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )

    def test_the_whole_overdue_balance_from_my_account(self):
        second = self._invoice(self.sp, date(2026, 12, 5), 219.5)
        user = self._maria_portal_user()
        self.authenticate(user.login, "maria-portal-123")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["dunning_split_count"]})
        self.assertEqual(counters["dunning_split_count"], 2, "two overdue installments")
        invoices = self.url_open("/my/invoices").text
        self.assertIn("o_dunning_split_balance", invoices)
        html = self.url_open("/my/dunning/agreement").text
        self.assertIn(self.move.name, html)
        self.assertIn(second.name, html)
        self.assertNotIn(self.later.name, html)
        form = self._term_form(self.url_open("/my/dunning/agreement?count=2").text)
        self.assertIn(self.move.name, form["text"])
        self.assertIn(second.name, form["text"])
        response = self.url_open(
            "/my/dunning/agreement",
            data={
                "csrf_token": form["csrf"],
                "step": "accept",
                "count": "2",
                "first_due": "2026-12-22",
                "term_sha256": form["sha"],
                "accept": "1",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        agreement = self._agreements()
        self.assertEqual(agreement.accepted_via, "login")
        self.assertEqual(agreement.accepted_uid, user)
        self.assertEqual(agreement.replaced_line_ids.move_id, self.move | second)
        self.assertEqual(agreement.principal, 1400.0)

    def test_a_company_s_term_names_the_person_who_accepted_for_it(self):
        """A customer that is a company accepts through a person: the term's
        record of the acceptance names that person (their name, not only a
        login), as the proof of who signed for the company."""
        company = self.env["res.partner"].create(
            {
                "name": "Papelaria Central Ltda",
                "is_company": True,
                "vat": "11.222.333/0001-81",
                "lang": "pt_BR",
                "street": "Rua Direita, 10",
                "city": "São Paulo",
                "zip": "01002-000",
                "state_id": self.env.ref("base.state_br_sp").id,
                "country_id": self.env.ref("base.br").id,
                "tz": "America/Sao_Paulo",
                "email": "financeiro@central.example",
            }
        )
        joao = self.env["res.partner"].create(
            {"name": "João Pereira", "parent_id": company.id, "email": "joao@central.example"}
        )
        user = self.env["res.users"].create(
            {
                "name": "João Pereira",
                "login": "jp-7731",
                "password": "jp-7731-portal",
                "partner_id": joao.id,
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        move = self._invoice(company, date(2026, 11, 30), 500.0)
        self.authenticate(user.login, "jp-7731-portal")
        form = self._term_form(self.url_open("/my/dunning/agreement?count=2").text)
        self.assertIn("Papelaria Central Ltda", form["text"])
        response = self.url_open(
            "/my/dunning/agreement",
            data={
                "csrf_token": form["csrf"],
                "step": "accept",
                "count": "2",
                "first_due": form["first_due"],
                "term_sha256": form["sha"],
                "accept": "1",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        agreement = self.env["dunning.agreement"].search([("partner_id", "=", company.id)])
        self.assertEqual(agreement.replaced_line_ids.move_id, move)
        self.assertEqual((agreement.accepted_via, agreement.accepted_uid), ("login", user))
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_agreement", agreement.ids
        )
        record = " ".join(self._text(html).split()).split("Registro do aceite")[1]
        self.assertIn("João Pereira", record)
        self.assertIn("jp-7731", record)

    def test_a_credit_not_applied_is_applied_before_anything_is_split(self):
        """R$ 500,00 received from Maria and matched with no invoice: the régua
        reminds her of nothing, and the portal does not have her confess and
        split the whole R$ 1.180,50 either; it says why. The team is warned."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.sp.id,
                "amount": 500.0,
                "date": date(2026, 12, 14),
            }
        )
        payment.action_post()
        invoice_page = self.url_open(self.move.get_portal_url()).text
        self.assertNotIn("o_dunning_split", invoice_page)
        html = self._options_page()
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        self.assertIn("o_dunning_credit_hold", html)
        self.assertIn("R$ 500,00", text)
        self.assertNotIn("o_dunning_option", html)
        self.assertNotIn("reconheço dever", text)
        # A POST of an option seen before the payment is refused, nothing stored.
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if csrf:
            self.url_open(
                self._url(),
                data={
                    "csrf_token": csrf.group(1),
                    "step": "accept",
                    "count": "2",
                    "first_due": "2026-12-22",
                    "term_sha256": "x",
                    "accept": "1",
                },
            )
        self.assertFalse(self._agreements())
        with self.assertRaisesRegex(UserError, "500"):
            self.env["dunning.agreement"]._accept_on_portal(
                self.move.line_ids.filtered(lambda line: line.date_maturity),
                2,
                date(2026, 12, 22),
                "x",
                ("127.0.0.1", "test", "token"),
            )
        wizard = (
            self.env["dunning.agreement.wizard"]
            .with_context(default_partner_id=self.sp.id)
            .create({"partner_id": self.sp.id})
        )
        self.assertIn("500", wizard.credit_warning)

    def test_a_disputed_invoice_is_not_offered_to_split(self):
        """The customer contests the invoice: "Parcelar" does not offer to
        confess it (nor would an agreement lift the dispute's pause)."""
        self.move.action_dunning_pause(reason="dispute", note="Cobrança em duplicidade")
        html = self._options_page()
        self.assertNotIn("o_dunning_agreement_debt", html)  # nothing listed to split
        self.assertNotIn("o_dunning_option", html)
        self.assertTrue(self.move.dunning_paused)
        self.assertEqual(self.move.dunning_pause_reason, "dispute")
