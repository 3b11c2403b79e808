# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import date, datetime, timedelta
from html import unescape
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, mute_logger

from ..tools.agreements import term_sha256
from ..tools.portal_rules import late_charges
from .common import DunningCase

NOW = datetime(2026, 12, 15, 13, 0)  # 10:00 in São Paulo


@tagged("post_install", "-at_install")
class TestDunningAgreementTerm(DunningCase, HttpCase):
    """What the customer signs: the whole term before accepting, clauses that say
    what the software does, the acceptance recorded as it happened."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"dunning_agreement_max_installments": 4, "dunning_agreement_min_installment": 100.0}
        )
        cls.sp.vat = "123.456.789-09"
        # Due on Saturday 28 November: the effective due date is Monday 30.
        cls.move = cls._invoice(cls.sp, date(2026, 11, 28), 1000.0)
        cls.move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(NOW)

    def _lines(self, moves=None):
        moves = moves or self.move
        return moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _proposal(self, count=3):
        return self.env["dunning.agreement"]._propose(self._lines(), count, date(2026, 12, 22))

    def _url(self, count=None):
        url = f"/my/invoices/{self.move.id}/dunning/agreement?access_token={self.move.access_token}"
        return f"{url}&count={count}" if count else url

    @staticmethod
    def _form(html):
        term = re.search(r'o_dunning_term_text[^"]*"[^>]*>([^<]*)</div>', html, re.S)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        return (unescape(term.group(1)) if term else None), fields

    # -- the text ------------------------------------------------------------------------------
    def test_every_clause_says_what_the_software_does(self):
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        text = self._proposal()._term_text()
        # The interest rate and its period (CDC art. 52), counted from the effective
        # due date (Monday 30 November: 15 days), as the portal counts them.
        self.assertIn("Late fee of 2.00 %, as the contract provides: R$\xa020.00", text)
        self.assertIn("Late interest of 1.00 % a month (12.68 % a year), pro rata die", text)
        self.assertIn("to 12/15/2026, as the contract provides: R$\xa05.00", text)
        # Installments are fixed: nothing promises a reduction nobody computes.
        self.assertIn("no financing interest", text)
        self.assertNotIn("reduces the interest", text)
        # Default: no acceleration, what was paid is kept, no novation (the usual choice).
        self.assertIn("none falls due early", text)
        self.assertIn("This agreement is not a novation (Civil Code, art. 361)", text)
        self.assertIn("owed as the debt acknowledged in item 1, less what was paid", text)
        self.assertIn("late fee of 2.00 % (at most 2 %, CDC art. 52, §1)", text)
        self.assertIn(
            "neither the down payment, if any, nor an installment), the company may cancel it", text
        )
        self.assertIn("MP 2.200-2/2001, art. 10, §2", text)
        self.company.dunning_agreement_novation = True
        text = self._proposal()._term_text()
        self.assertIn("This agreement is a novation (Civil Code, art. 360, I)", text)
        self.assertIn("only its installments still open are owed", text)
        self.company.dunning_contract_charges = False
        text = self._proposal()._term_text()
        self.assertIn("No late fee or interest is charged on an installment paid late", text)
        self.assertIn("No late fee or interest was added to the debt", text)

    def test_one_installment_is_singular_and_the_sentence_comes_once(self):
        text = self._proposal(count=1)._term_text()
        self.assertIn("in a single installment", text)
        self.assertNotIn("1 monthly installments", text)
        self.assertEqual(text.count("acknowledge owing"), 1)
        self.assertTrue(text.endswith("on the date and under the terms above."))

    def test_names_stay_on_their_line_and_are_not_repeated(self):
        """A name typed with a line break stays in its clause; the creditor's
        address does not repeat the company's name."""
        self.sp.name = "Maria\nSouza"
        text = self._proposal()._term_text()
        customer = next(line for line in text.splitlines() if "Maria" in line)
        self.assertIn("Maria Souza, CPF/CNPJ", customer)
        creditor = text.splitlines()[2]
        self.assertEqual(creditor.count(self.company.name), 1, creditor)

    def test_the_term_keeps_the_amounts_agreed_after_approval(self):
        agreement = self._customer_accepts(self._proposal())
        agreement.action_approve()
        self.assertTrue(self._lines().reconciled)
        report = self.env.ref("l10n_br_dunning.action_report_dunning_agreement")
        html = report._render_qweb_html(report, agreement.ids)[0].decode()
        self.assertIn(f"Invoice {self.move.name}, due 11/28/2026: R$\xa01,000.00 open", html)
        self.assertEqual(agreement.debt_ids.amount, 1000.0)
        self.assertEqual(agreement.debt_ids.days_overdue, 15)

    # -- on the portal -----------------------------------------------------------------------------
    def test_a_customer_without_cpf_gives_one_before_reading_the_term(self):
        self.sp.vat = False
        html = self.url_open(self._url(2)).text
        text, fields = self._form(html)
        self.assertIsNone(text, "no term without the CPF/CNPJ it must name")
        self.assertIn('name="vat"', html)
        data = {**fields, "csrf_token": fields["csrf_token"], "step": "review", "vat": "111"}
        refused = self.url_open(self._url(), data=data)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("not valid", refused.text)
        # Accepting without one is refused too.
        data.update(step="accept", accept="1", vat="", term_sha256="x")
        self.assertEqual(self.url_open(self._url(), data=data).status_code, 400)
        data.update(step="review", vat="52998224725")
        text, fields = self._form(self.url_open(self._url(), data=data).text)
        # A token page masks the CPF it was given; the agreement keeps it whole.
        self.assertIn("Customer: Maria Souza, CPF/CNPJ ***.982.247-**", text)
        fields.update(accept="1")
        response = self._post_confirming(self._url(), fields)
        self.assertEqual(response.status_code, 303)
        agreement = self.env["dunning.agreement"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(agreement.customer_vat, "529.982.247-25")
        self.assertEqual(agreement.term_text, text)
        self.assertFalse(self.sp.vat, "the customer's record is not changed from a link")

    def _accept_on_page(self, headers=None):
        text, fields = self._form(self.url_open(self._url(2)).text)
        fields.update(accept="1")
        response = self._post_confirming(self._url(), fields, headers=headers)
        self.assertEqual(response.status_code, 303, response.text[:300])
        return self.env["dunning.agreement"].search([("partner_id", "=", self.sp.id)], limit=1)

    def test_the_address_behind_a_proxy_is_the_clients_only_in_proxy_mode(self):
        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "cobranca.example"}
        agreement = self._accept_on_page(headers)
        self.assertEqual(agreement.accepted_ip, "127.0.0.1", "a header alone proves nothing")
        self._cancel_agreement(agreement)
        with patch.dict(config.options, {"proxy_mode": True}):
            agreement = self._accept_on_page(headers)
        self.assertEqual(agreement.accepted_ip, "203.0.113.9")

    def test_the_acceptance_time_is_printed_in_the_customers_time_zone(self):
        agreement = self._accept_on_page()
        self.assertEqual(agreement.accepted_at, NOW)
        self.assertEqual(
            agreement._acceptance_moment(), "12/15/2026 10:00:00 (America/Sao_Paulo, UTC-03:00)"
        )
        self.manaus.vat = "529.982.247-25"
        other = self._invoice(self.manaus, date(2026, 11, 30), 600.0)
        proposal = self.env["dunning.agreement"]._propose(self._lines(other), 2, date(2026, 12, 22))
        self._customer_accepts(proposal)
        self.assertEqual(
            proposal._acceptance_moment(), "12/15/2026 09:00:00 (America/Manaus, UTC-04:00)"
        )

    def test_agreement_e_mails_name_the_company_s_tax_id_by_its_label_and_only_when_on_file(self):
        """The term, acceptance and cancellation e-mails signed "CNPJ" by hand:
        "CNPJ" followed by nothing for a company without its tax id, "CNPJ" for
        a company abroad. They name it as the reminders' footer does
        (res.company._dunning_vat_label), and only when it is on file."""
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        agreement = self._proposal()
        xmlids = (
            "l10n_br_dunning.mail_template_dunning_agreement_term",
            "l10n_br_dunning.mail_template_dunning_agreement_acceptance",
            "l10n_br_dunning.mail_template_dunning_agreement_cancelled",
        )

        def bodies():
            agreement.company_id.invalidate_recordset()
            return [
                self.env.ref(xmlid)._render_field("body_html", agreement.ids, compute_lang=True)[
                    agreement.id
                ]
                for xmlid in xmlids
            ]

        vat = self.company.vat
        for body in bodies():
            self.assertIn("Atenciosamente", body)
            self.assertIn(f"CNPJ {vat}", body)
        self.company.partner_id.vat = False
        for body in bodies():
            self.assertIn("Atenciosamente", body)
            self.assertIn(self.company.name, body)
            self.assertNotIn("CNPJ", body)
        self.company.partner_id.write(
            {"country_id": self.env.ref("base.us").id, "vat": "12-3456789"}
        )
        label = self.company.with_context(lang="pt_BR")._dunning_vat_label()
        self.assertEqual(label, "Identificação fiscal")
        for body in bodies():
            self.assertIn(f"{label} 12-3456789", body)
            self.assertNotIn("CNPJ", body)

    # -- the collections team's proposals ------------------------------------------------------
    def test_no_agreement_e_mail_leaves_without_the_company_s_address(self):
        """As for reminders: a company without an e-mail address sends nothing
        (Odoo would send it from its own default address): the team is told."""
        self.company.email = "cobranca@"  # not an address
        agreement = self._proposal()
        mails = self.env["mail.mail"].sudo().search_count([])
        with self.assertRaisesRegex(UserError, "company has no e-mail address"):
            agreement.action_send_for_acceptance()
        agreement._post_as_company(
            self.env.ref("l10n_br_dunning.mail_template_dunning_agreement_term")
        )
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        self.assertIn("company has no e-mail address", agreement.message_ids[0].body)
        row = self.env["dunning.dashboard"].search([("company_id", "=", self.company.id)], limit=1)
        self.assertTrue(row.company_no_email)

    def test_no_term_is_sent_to_an_e_mail_field_holding_no_address(self):
        """A customer imported with "sem email" in the e-mail column: sending
        the term for acceptance went ahead without a word, and the e-mail
        failed at the mail server; the team is told to print it instead."""
        self.sp.email = "sem email"
        agreement = self._proposal()
        mails = self.env["mail.mail"].sudo().search_count([])
        with self.assertRaisesRegex(UserError, "customer has no e-mail address"):
            agreement.action_send_for_acceptance()
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)

    def test_a_proposal_of_the_team_is_accepted_by_the_customer_on_the_portal(self):
        agreement = self._proposal()
        self.assertEqual(agreement.state, "to_accept")
        with self.assertRaisesRegex(UserError, "has not accepted"):
            agreement.action_approve()
        agreement.action_send_for_acceptance()
        mail = agreement.message_ids.filtered(lambda m: self.sp in m.partner_ids)[:1]
        self.assertIn(f"/my/agreements/{agreement.id}?access_token=", mail.body)
        self.assertNotIn("Accepted", mail.body)
        url = f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
        html = self.url_open(url).text
        text, fields = self._form(html)
        self.assertEqual(text, agreement._term_text(masked=True))
        self.assertIn("***.456.789-**", text)
        self.assertNotIn("123.456.789-09", html)
        accept = f"/my/agreements/{agreement.id}/accept"
        # The text read must be the text stored: a forged hash is refused.
        forged = {**fields, "term_sha256": "0" * 64, "accept": "1"}
        refused = self._post_confirming(accept, forged)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("The term changed", refused.text)
        self.assertEqual(agreement.state, "to_accept")
        response = self._post_confirming(accept, {**fields, "accept": "1"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(agreement.state, "approved")
        self.assertEqual(agreement.accepted_code_id.purpose, "agreement")
        self.assertEqual(agreement.term_sha256, term_sha256(text))
        self.assertEqual(agreement.accepted_via, "token")
        self.assertTrue(agreement.term_attachment_id)
        self.assertTrue(self._lines().reconciled)

    def _codes_sent(self):
        """(one-time codes, SMS) sent so far: what reached the customer's phone."""
        return (
            self.env["dunning.portal.code"].sudo().search_count([]),
            self.env["sms.gateway.message"].sudo().search_count([("partner_id", "=", self.sp.id)]),
        )

    def _sent_for_acceptance(self, moves=None):
        agreement = self.env["dunning.agreement"]._propose(
            self._lines(moves), 3, date(2026, 12, 22)
        )
        agreement.action_send_for_acceptance()
        url = f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
        return agreement, url, f"/my/agreements/{agreement.id}/accept"

    def test_the_e_mails_sign_with_the_address_once(self):
        """The signature of the agreement's e-mails gives the company's name, its
        CNPJ and its address, the name once: the address is the one every
        collection document prints under the name (``_dunning_address_inline``),
        not Odoo's, which starts with the company's name again ("Aurora Ltda,
        Rua Augusta, 1500...")."""
        agreement, _url, _accept = self._sent_for_acceptance()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "dunning.agreement"), ("res_id", "=", agreement.id)])
        )
        self.assertEqual(len(mail), 1)
        text = " ".join(self._text(mail.body_html).split())
        signature = text[text.index("Kind regards,") :]
        self.assertIn("15.881.399/0001-34", signature)
        self.assertIn("Rua Augusta, 1500, São Paulo", signature)
        self.assertNotIn(f"{self.company.name}, Rua Augusta", text)

    def test_an_acceptance_refused_anyway_sends_no_code(self):
        """A term not the one shown, an agreement accepted already (the form sent
        twice), a cancelled proposal (an old link): refused with the reason
        before any one-time code is sent (README: no code for an acceptance
        refused anyway)."""
        agreement, url, accept = self._sent_for_acceptance()
        _text, fields = self._form(self.url_open(url).text)
        data = {**fields, "accept": "1"}
        sent = self._codes_sent()
        forged = self.url_open(accept, data={**data, "term_sha256": "0" * 64})
        self.assertEqual(forged.status_code, 400)
        self.assertIn("The term changed", forged.text)
        self.assertNotIn("o_dunning_code_step", forged.text)
        self.assertEqual(self._codes_sent(), sent)
        self.assertEqual(self._post_confirming(accept, data).status_code, 303)
        self.assertEqual(agreement.state, "approved")
        sent = self._codes_sent()
        again = self.url_open(accept, data=data, allow_redirects=False)
        self.assertEqual(again.status_code, 400)
        self.assertNotIn("o_dunning_code_step", again.text)
        self.assertIn("You have already accepted this agreement", again.text)
        self.assertEqual(self._codes_sent(), sent, "no second code")
        other = self._invoice(self.sp, date(2026, 11, 30), 600.0)
        proposal, _url, accept = self._sent_for_acceptance(other)
        self._cancel_agreement(proposal)
        old_link = {**data, "access_token": proposal.access_token, "term_sha256": "0" * 64}
        cancelled = self.url_open(accept, data=old_link, allow_redirects=False)
        self.assertEqual(cancelled.status_code, 400)
        self.assertNotIn("o_dunning_code_step", cancelled.text)
        self.assertIn("This proposal was cancelled: it can no longer be accepted", cancelled.text)
        self.assertEqual(self._codes_sent(), sent)

    def test_a_proposal_whose_invoices_were_paid_is_no_longer_offered(self):
        """The customer pays after the team's proposal: its page offers no term
        to confess what is no longer owed, says why, sends no code for an
        acceptance approving would refuse, and the team is told (once) to
        cancel it or propose again."""
        agreement, url, accept = self._sent_for_acceptance()
        _text, fields = self._form(self.url_open(url).text)  # read before paying
        sent = self._codes_sent()
        self._pay(self.move, 300.0, date(2026, 12, 14))
        for paid, reason in (
            (300.0, "changed since it was made"),
            (700.0, "have been paid since it was made"),
        ):
            if paid == 700.0:
                self._pay(self.move, paid, date(2026, 12, 14))
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200)
            self.assertIn(reason, page.text)
            self.assertIn("contact us", page.text)
            self.assertIn("No longer available", page.text)
            self.assertNotIn("o_dunning_agreement_to_accept", page.text)
            self.assertNotIn("o_dunning_term_text", page.text)
            self.assertNotIn("1,000.00 open", page.text)
            refused = self.url_open(accept, data={**fields, "accept": "1"}, allow_redirects=False)
            self.assertEqual(refused.status_code, 400)
            self.assertIn(reason, refused.text)
            self.assertNotIn("o_dunning_code_step", refused.text)
            self.assertEqual(self._codes_sent(), sent, "no code sent")
            self.assertEqual(agreement.state, "to_accept")
        todo = agreement.activity_ids
        self.assertEqual(len(todo), 1, "the team is told once")
        self.assertIn("can no longer accept", todo.summary)
        self.assertIn("can no longer be accepted", agreement.message_ids[:1].body)
        self._cancel_agreement(agreement)
        self.assertEqual(agreement.state, "cancelled")

    def test_a_proposal_whose_first_date_passed_is_no_longer_offered(self):
        """Approving would refuse it (the agreement would start late): the page
        says so, and no code is sent for an acceptance."""
        agreement, url, accept = self._sent_for_acceptance()
        _text, fields = self._form(self.url_open(url).text)
        sent = self._codes_sent()
        with freeze_time(datetime(2026, 12, 23, 15, 0)):
            page = self.url_open(url)
            self.assertIn("which has passed: it can no longer be accepted", page.text)
            self.assertNotIn("o_dunning_term_text", page.text)
            refused = self.url_open(accept, data={**fields, "accept": "1"}, allow_redirects=False)
            self.assertEqual(refused.status_code, 400)
            self.assertNotIn("o_dunning_code_step", refused.text)
        self.assertEqual(self._codes_sent(), sent)
        self.assertEqual(agreement.state, "to_accept")

    def test_a_partly_paid_installment_shows_what_is_still_open(self):
        """R$ 50 paid on an installment: its row says what is still open, the
        amount its Pix code and reminders ask (``_dunning_open_amount``)."""
        agreement = self._customer_accepts(self._proposal())
        agreement.action_approve()
        first = agreement.installment_ids.filtered(lambda i: i.number == 1)
        self._pay(agreement.move_id, 50.0, date(2026, 12, 15))
        self.assertEqual(first.move_line_id._dunning_open_amount(), first.amount - 50.0)
        html = self.url_open(agreement.get_portal_url()).text
        row = re.search(r'o_dunning_partly_paid"[^>]*>([^<]*)<', html)
        self.assertTrue(row, "the row says what is open")
        self.assertEqual(unescape(row.group(1)).replace("\xa0", " "), "R$ 283.34 open of R$ 333.34")

    def test_a_proposal_signed_on_paper_needs_the_signed_copy(self):
        agreement = self._proposal()
        report = self.env.ref("l10n_br_dunning.action_report_dunning_agreement")
        html = report._render_qweb_html(report, agreement.ids)[0].decode()
        self.assertIn("Proposal, not yet accepted.", html)
        self.assertNotIn("Accepted electronically", html)
        with self.assertRaisesRegex(UserError, "Attach the scan"):
            agreement.action_accept_signed_paper()
        agreement.signed_term = base64.b64encode(b"%PDF-1.4 signed")
        # Only the text printed for signature is approved by its signed copy.
        with self.assertRaisesRegex(UserError, "not the one printed"):
            agreement.action_accept_signed_paper()
        agreement.action_print_for_signature()
        printed = agreement._term_text()
        self.sp.street = "Rua Nova, 999"  # changed after printing: not what was signed
        with self.assertRaisesRegex(UserError, "not the one printed"):
            agreement.action_accept_signed_paper()
        self.assertEqual(agreement.state, "to_accept")
        agreement.action_print_for_signature()  # printed again, signed again
        self.assertNotEqual(agreement._term_text(), printed)
        agreement.action_accept_signed_paper()
        self.assertEqual(agreement.state, "approved")
        self.assertIn("Rua Nova, 999", agreement.term_text)
        self.assertEqual(agreement.accepted_via, "paper")
        html = report._render_qweb_html(report, agreement.ids)[0].decode()
        self.assertIn("Signed on paper by the customer", html)
        self.assertIn(agreement.term_sha256, html)

    def test_no_one_writes_an_acceptance_nobody_gave_nor_changes_what_was_accepted(self):
        """A collections user could write "accepted on the portal" over RPC
        (a field's readonly does not hold there) and approve: the PDF would
        say "Accepted electronically". Only the customer's acceptance writes
        it. Once accepted, the installments and debts are the deal."""
        clerk = new_test_user(
            self.env, login="clerk-accept", groups="l10n_br_dunning.group_dunning_user"
        )
        agreement = self._proposal().with_user(clerk)
        forged = {"accepted_at": fields.Datetime.now(), "accepted_via": "token"}
        with self.assertRaisesRegex(UserError, "Only the customer's acceptance records it"):
            agreement.write(forged)
        with self.assertRaisesRegex(UserError, "Only the customer's acceptance records it"):
            agreement.write({"term_text": "Aceito.", "term_sha256": "0" * 64})
        self.assertFalse(agreement.accepted_at)
        self.assertEqual(agreement.state, "to_accept")
        # Before acceptance the team may still change a date; after, nothing.
        first = agreement.installment_ids[:1]
        first.date_due = first.date_due
        agreement.sudo().signed_term = base64.b64encode(b"%PDF-1.4 signed")
        agreement.sudo().action_print_for_signature()
        agreement.sudo().action_accept_signed_paper()
        self.assertEqual(agreement.accepted_via, "paper")
        # Signed on paper, the term names the CPF in full: a link does not
        # serve it (anyone holding the link would read it); logging in does.
        agreement.sudo()._term_attachment()
        term = self.url_open(
            f"/my/agreements/{agreement.id}/term?access_token={agreement.sudo().access_token}",
            allow_redirects=False,
        )
        self.assertNotEqual(term.headers.get("Content-Type"), "application/pdf")
        self.assertIn("/web/login", term.headers.get("Location", ""))
        for change in (
            lambda: first.write({"amount": 1.0}),
            lambda: first.unlink(),
            lambda: agreement.write(
                {
                    "installment_ids": [
                        Command.create({"number": 9, "date_due": date(2027, 3, 1), "amount": 1})
                    ]
                }
            ),
            lambda: agreement.debt_ids[:1].write({"amount": 1.0}),
        ):
            with self.assertRaisesRegex(UserError, "accepted this agreement as it is"):
                change()

    def test_a_paper_term_names_both_parties_with_their_documents(self):
        """A customer without CPF/CNPJ on file (the portal asks for it before
        accepting): a term signed on paper would name them "CPF/CNPJ -"."""
        agreement = self._proposal()
        agreement.customer_vat = False
        agreement.signed_term = base64.b64encode(b"%PDF-1.4 signed")
        agreement.action_print_for_signature()
        self.assertIn("CPF/CNPJ -", agreement._term_text())
        with self.assertRaisesRegex(UserError, "CPF or CNPJ"):
            agreement.action_accept_signed_paper()
        self.assertEqual(agreement.state, "to_accept")
        agreement.customer_vat = "529.982.247-25"
        agreement.action_print_for_signature()
        agreement.action_accept_signed_paper()
        self.assertEqual(agreement.state, "approved")

    def test_the_term_the_customer_accepted_binds_the_agreement(self):
        """Accepted at 2 % and 1 % a month, broken after 30 days, not a novation;
        the company then changes its settings (5 %, 10 days, novation): this
        agreement's term, its page and its breaking keep what was accepted."""
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
                "dunning_agreement_break_days": 30,
            }
        )
        agreement = self._proposal()
        self._customer_accepts(agreement).action_approve()
        accepted = agreement._term_text()
        self.company.write(
            {
                "dunning_fine_percent": 1.0,
                "dunning_interest_percent": 5.0,
                "dunning_agreement_break_days": 10,
                "dunning_agreement_novation": True,
            }
        )
        self.assertEqual(agreement._term_text(), accepted)
        self.assertIn("more than 30 days late", accepted)
        first = agreement.installment_ids.filtered(lambda i: i.number == 1)
        url = f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
        # Installment 1, due Tuesday 22/12, is 20 days late on Monday 11/01.
        with freeze_time(datetime(2027, 1, 11, 13, 0)):
            self.env["dunning.agreement"]._check_broken()
            self.assertEqual(agreement.state, "approved")
            [item] = [
                item
                for item in agreement.move_id._dunning_portal_installments()
                if item["line"] == first.move_line_id
            ]
            expected = late_charges(first.amount, 20, 2.0, 1.0)
            self.assertEqual(item["charges"], expected)
            page = self.url_open(url).text
            self.assertIn("20 days late: late fee", page)
        # 31 days late: broken, as the term says.
        with freeze_time(datetime(2027, 1, 22, 13, 0)):
            self.env["dunning.agreement"]._check_broken()
            self.assertEqual(agreement.state, "broken")
            self.assertIn("more than 30 days late", agreement.activity_ids.note)

    def test_no_late_charges_in_the_term_none_on_the_page(self):
        """Accepted when the contracts provided no late charges ("No late fee or
        interest is charged"), the page shows none after the company turns
        them on."""
        self.company.dunning_contract_charges = False
        agreement = self._proposal()
        self._customer_accepts(agreement).action_approve()
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        url = f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
        with freeze_time(datetime(2027, 1, 11, 13, 0)):
            page = self.url_open(url).text
        self.assertIn("No late fee or interest is charged", agreement._term_text())
        self.assertNotIn("o_dunning_charges", page)
        self.assertNotIn("late fee", page)

    def test_an_ended_agreements_link_expires_like_a_settled_invoices(self):
        """Cancelled, the agreement's page opens by its link for the company's
        link days, then answers 410; the customer logged in still sees it."""
        agreement = self._proposal()
        self._customer_accepts(agreement).action_approve()
        self._cancel_agreement(agreement)
        url = f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
        self.assertEqual(self.url_open(url).status_code, 200)
        with freeze_time(NOW + timedelta(days=self.company.dunning_link_days + 2)):
            gone = self.url_open(url)
            self.assertEqual(gone.status_code, 410)
            self.assertIn("o_dunning_link_gone", gone.text)
            self.assertNotIn("1.000,00", gone.text)
            self.assertNotIn("1,000.00", gone.text)
            user = new_test_user(
                self.env, login="maria-ended", groups="base.group_portal", partner_id=self.sp.id
            )
            self.authenticate(user.login, user.login)
            self.assertEqual(self.url_open(url).status_code, 200)

    def test_an_ended_agreements_expired_link_sends_a_new_one_to_the_contact_on_file(self):
        """The term promises the customer may read and download it at any time
        on the agreement's page, and a customer who only ever had the SMS or
        e-mail link cannot log in: its expired page offers, as an invoice's, a
        new link sent to the mobile on file (never to a number or address typed
        on the page). The old links stop (the page's and the entry's short
        link), the new one opens the page and its term for the days new links
        last; at most 3 an hour."""
        agreement = self._proposal()
        self._customer_accepts(agreement).action_approve()
        self._cancel_agreement(agreement)
        self.assertTrue(agreement.term_attachment_id)
        old, old_short = agreement.access_token, agreement.move_id._dunning_short_url()
        url = f"/my/agreements/{agreement.id}?access_token={old}"
        later = NOW + timedelta(days=self.company.dunning_link_days + 2)
        with freeze_time(later):
            gone = self.url_open(url)
            self.assertEqual(gone.status_code, 410)
            self.assertIn("o_dunning_new_link", gone.text)
            self.assertNotIn("1,000.00", gone.text)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', gone.text).group(1)
            new_link = f"/my/agreements/{agreement.id}/new_link"
            sent = self.url_open(
                new_link,
                data={
                    "csrf_token": csrf,
                    "access_token": old,
                    # Typed on the page: never where the link goes.
                    "mobile": "(21) 91111-2222",
                    "email": "someone@else.example",
                },
            )
            self.assertEqual(sent.status_code, 200)
            self.assertIn("(11) *****-4321", sent.text)
            self.assertNotIn("1,000.00", sent.text)
            sms = self.env["sms.gateway.message"].search(
                [("partner_id", "=", self.sp.id)], order="id desc", limit=1
            )
            self.assertEqual(sms.number, "+5511987654321")
            self.assertEqual(sms.segments, 1)
            self.assertFalse(
                self.env["mail.mail"].search([("email_to", "ilike", "someone@else.example")])
            )
            agreement.invalidate_recordset()
            self.assertNotEqual(agreement.access_token, old)
            short = re.search(r"/c/[A-Za-z0-9_-]+", sms.body).group(0)
            self.assertNotEqual(short, old_short.split(self.base_url())[-1])
            # The new link opens the page and its term; the old ones open nothing.
            page = self.url_open(short)
            self.assertEqual(page.status_code, 200)
            self.assertIn("o_dunning_agreement_page", page.text)
            term = self.url_open(
                f"/my/agreements/{agreement.id}/term?access_token={agreement.access_token}"
            )
            self.assertEqual(term.status_code, 200)
            self.assertEqual(term.headers["Content-Type"], "application/pdf")
            self.assertRefusedLikeOdoo(url)
            self.assertEqual(self.url_open(old_short).status_code, 404)
            # The same limit as an invoice's: 3 new links an hour.
            for expected in (200, 200, 429):
                agreement.sudo().dunning_link_fresh_until = False
                again = self.url_open(
                    new_link, data={"csrf_token": csrf, "access_token": agreement.access_token}
                )
                self.assertEqual(again.status_code, expected)
        agreement.invalidate_recordset()
        fresh = f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
        agreement.sudo().dunning_link_fresh_until = later + timedelta(
            days=self.company.dunning_link_fresh_days
        )
        with freeze_time(later + timedelta(days=self.company.dunning_link_fresh_days - 1)):
            self.assertEqual(self.url_open(fresh).status_code, 200)
        with freeze_time(later + timedelta(days=self.company.dunning_link_fresh_days + 1)):
            self.assertEqual(self.url_open(fresh).status_code, 410)

    def test_after_a_withdrawal_the_customer_is_told_what_was_paid_went_to_the_invoices(self):
        """The customer withdrew (CDC art. 49) after paying the down payment:
        what was paid is applied to the invoice. The cancellation e-mail and
        the agreement's page say so and list what remains owing; they no
        longer say the invoices are open "as before" (that is a cancellation
        before any payment)."""
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        agreement = self.env["dunning.agreement"]._propose(
            self._lines(), 2, date(2026, 12, 22), down_payment=350.01
        )
        self._customer_accepts(agreement).action_approve()
        down = agreement.installment_ids.filtered(lambda i: not i.number).move_line_id
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=down.ids
        ).create({"amount": 350.01, "payment_date": date(2026, 12, 15)})._create_payments()
        self._cancel_agreement(agreement, ground="withdrawal", channel="phone")
        self.assertEqual(self.move.amount_residual, 649.99)
        mail = agreement.message_ids.filtered(
            lambda message: message.author_id == self.company.partner_id
        )[:1]
        text = " ".join(self._text(mail.body).split())
        self.assertNotIn("como antes", text)
        self.assertIn(
            "o que você pagou neste acordo (R$ 350,01) foi abatido das faturas que ele abrangia",
            text,
        )
        self.assertIn("Fica a pagar nelas:", text)
        self.assertIn("R$ 649,99", text)
        page = self.url_open(f"/my/agreements/{agreement.id}?access_token={agreement.access_token}")
        self.assertEqual(page.status_code, 200)
        page_text = " ".join(self._text(page.text).split())
        self.assertNotIn("como estavam antes", page_text)
        self.assertIn(
            "o que você pagou neste acordo (R$ 350,01) foi abatido das faturas que ele abrangia",
            page_text,
        )
        self.assertIn("649,99", page_text)
        # Cancelled before any payment, the invoices are indeed open as before.
        other = self.env["dunning.agreement"]._propose(self._lines(), 2, date(2026, 12, 22))
        self._customer_accepts(other).action_approve()
        self._cancel_agreement(other, ground="withdrawal", channel="phone")
        mail = other.message_ids.filtered(
            lambda message: message.author_id == self.company.partner_id
        )[:1]
        self.assertIn(
            "estão em aberto novamente, como antes", " ".join(self._text(mail.body).split())
        )

    def test_a_valid_agreement_link_cannot_renew_the_customers_links(self):
        """Whoever holds a link that still opens the agreement cannot make it
        send new links (which would stop the customer's own)."""
        agreement = self._proposal()
        self._customer_accepts(agreement).action_approve()
        token = agreement.access_token
        page = self.url_open("/web/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            f"/my/agreements/{agreement.id}/new_link",
            data={"csrf_token": csrf, "access_token": token},
            allow_redirects=False,
        )
        self.assertEqual(answer.status_code, 303)
        agreement.invalidate_recordset()
        self.assertEqual(agreement.access_token, token)
        self.assertFalse(self.env["sms.gateway.message"].search([("partner_id", "=", self.sp.id)]))

    def test_an_ended_agreements_expired_link_shows_nothing_through_its_form(self):
        """The acceptance form's route answers an expired link as the page does
        (410): a POST to it never shows the agreement, nor the reopened invoices
        with their live links."""
        agreement = self._proposal()
        self._customer_accepts(agreement).action_approve()
        self._cancel_agreement(agreement)
        with freeze_time(NOW + timedelta(days=self.company.dunning_link_days + 2)):
            csrf = re.search(
                r'name="csrf_token" value="([^"]+)"', self.url_open("/web/login").text
            ).group(1)
            gone = self.url_open(
                f"/my/agreements/{agreement.id}/accept",
                data={
                    "csrf_token": csrf,
                    "access_token": agreement.access_token,
                    "step": "review",
                },
            )
            self.assertEqual(gone.status_code, 410)
            self.assertIn("o_dunning_link_gone", gone.text)
            self.assertNotIn(self.move.access_token, gone.text)
            self.assertNotIn("1.000,00", gone.text)
            self.assertNotIn("1,000.00", gone.text)

    def test_the_page_thanks_for_an_acceptance_only_as_the_agreement_stands(self):
        """The redirect after accepting asks for the thanks (dunning_done); the
        page says "confirmed" only of an agreement in force: never of a proposal
        nobody accepted, nor of a cancelled one (a bookmarked or forwarded link)."""
        agreement = self._proposal()
        agreement._portal_ensure_token()
        url = (
            f"/my/agreements/{agreement.id}?access_token={agreement.access_token}"
            "&dunning_done=accepted"
        )
        self.assertNotIn("o_dunning_agreement_done", self.url_open(url).text)
        self._customer_accepts(agreement).action_approve()
        self.assertIn("Your agreement is confirmed", self.url_open(url).text)
        self._cancel_agreement(agreement)
        page = self.url_open(url).text
        self.assertNotIn("o_dunning_agreement_done", page)
        self.assertNotIn("confirmed", page)

    def test_revoking_links_stops_the_agreements_link(self):
        """A link that reached someone else: revoking the links of the invoice,
        of the agreement's entry, or of the agreement itself, stops the
        agreement's page and term with the links given before (as a revoked
        invoice link, Odoo's answer), and the new link opens it."""
        agreement = self._customer_accepts(self._proposal())
        agreement.action_approve()
        revokers = (self.move, agreement.move_id, agreement)
        for revoker in revokers:
            old = agreement.get_portal_url()
            old_term = f"/my/agreements/{agreement.id}/term?access_token={agreement.access_token}"
            # The entry's short link (the agreement's SMS reminders) and the
            # replaced invoice's link both lead to the agreement: they stop too,
            # whichever of them is revoked.
            old_short = f"/c/{agreement.move_id.sudo().dunning_link_token}"
            old_invoice = self.move.sudo().get_portal_url()
            self.assertEqual(self.url_open(old).status_code, 200)
            revoker.action_dunning_revoke_links()
            self.assertRefusedLikeOdoo(old)
            self.assertRefusedLikeOdoo(old_term)
            self.assertEqual(self.url_open(old_short).status_code, 404)
            self.assertRefusedLikeOdoo(old_invoice)
            self.assertEqual(self.url_open(agreement.get_portal_url()).status_code, 200)
        self.assertIn("no longer open this agreement", agreement.message_ids[:1].body)
        clerk = new_test_user(self.env, login="clerk-links", groups="account.group_account_invoice")
        with self.assertRaises(AccessError):
            agreement.with_user(clerk).action_dunning_revoke_links()

    @mute_logger("odoo.http")
    def test_a_backoffice_proposal_page_is_refused_with_a_wrong_token(self):
        agreement = self._proposal()
        self.assertRefusedLikeOdoo(f"/my/agreements/{agreement.id}?access_token=nope")
        _text, fields = self._form(self.url_open(self._url(2)).text)
        response = self.url_open(
            f"/my/agreements/{agreement.id}/accept",
            data={
                "csrf_token": fields["csrf_token"],
                "access_token": "nope",
                "step": "accept",
                "accept": "1",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(agreement.state, "to_accept")

    # -- settings and reminders --------------------------------------------------------------------
    def test_interest_above_the_usual_ceiling_warns(self):
        settings = self.env["res.config.settings"].create({})
        settings.dunning_interest_percent = 1.0
        self.assertFalse(settings._onchange_dunning_interest_percent())
        settings.dunning_interest_percent = 2.5
        warning = settings._onchange_dunning_interest_percent()["warning"]
        self.assertIn("1.0 % a month", warning["message"])
        self.assertIn("Lei 14.905/2024", warning["message"])

    def test_the_reminder_thanks_only_an_agreement_kept_up_to_date(self):
        agreement = self._customer_accepts(self._proposal(count=2))
        agreement.action_approve()
        template = self.env.ref("l10n_br_dunning.mail_template_dunning_agreement_reminder")
        lines = agreement.installment_ids.sorted("number").move_line_id

        def body(at):
            with freeze_time(at):
                return template.with_context(dunning_line_ids=lines[1:].ids)._render_field(
                    "body_html", self.sp.ids
                )[self.sp.id]

        self.assertIn("Thank you for keeping your agreement", body(datetime(2026, 12, 19, 13)))
        # Installment 1 (22 December) unpaid when installment 2 is a few days away.
        late = body(datetime(2027, 1, 19, 13))
        self.assertNotIn("Thank you for keeping", late)
        self.assertIn("is due in a few days", late)

    def test_a_bounced_address_gets_no_agreement_e_mail(self):
        """Maria's address bounced (Odoo's gateway counted it): the régua had
        stopped e-mailing it, but "Send for acceptance" e-mailed her the link
        there, her term promised "you receive the term by e-mail" and went
        there, and so did the news that the agreement was cancelled; nobody
        learnt that none of them reached her. Now the team is told to correct
        the address or print the term, the term says it is on the agreement's
        page (where it is), and each e-mail not sent is a note for the team;
        once the address is corrected, e-mails go again."""

        def to_customer():
            return self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.sp.ids)])

        before = to_customer()
        # What Odoo's gateway does when a report says the address is dead.
        self.sp._message_receive_bounce(self.sp.email_normalized, self.sp)
        self.assertEqual(self.sp.message_bounce, 1)
        agreement = self._proposal()
        with self.assertRaisesRegex(UserError, "bounced") as refused:
            agreement.action_send_for_acceptance()
        self.assertIn("maria@cliente.example", str(refused.exception))
        self.assertIn("print the term", str(refused.exception))
        text = agreement._term_text()
        self.assertNotIn("receives the term by e-mail", text)
        self.assertIn("can read and download the term at any time on the agreement's page", text)
        self._customer_accepts(agreement).action_approve()
        self.assertEqual(agreement.state, "approved")
        self.assertTrue(agreement.term_attachment_id)
        self.assertFalse(to_customer() - before)
        self.assertTrue(
            agreement.message_ids.filtered(
                lambda m: "term was not e-mailed" in (m.body or "") and "bounced" in m.body
            )
        )
        self._cancel_agreement(agreement)
        self.assertEqual(agreement.state, "cancelled")
        self.assertFalse(to_customer() - before)
        self.assertIn("bounced", agreement.message_ids[0].body)
        # Corrected: the next proposal goes by e-mail, and its term says so.
        self.sp.email = "maria.souza@cliente.example"
        again = self._proposal()
        self.assertIn("receives the term by e-mail", again._term_text())
        again.action_send_for_acceptance()
        self.assertEqual(len(to_customer() - before), 1)
