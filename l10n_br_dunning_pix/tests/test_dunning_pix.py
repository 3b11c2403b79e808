# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix charges end to end over real HTTP: Odoo creates the charges at a
stand-in bank that validates every request against the Banco Central's
specification, the stand-in pays them and notifies Odoo's webhook, Odoo reads
each Pix back from the bank and books it once."""

import base64
import json
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.l10n_br_dunning.tools.payment_states import PAID_STATES
from odoo.addons.l10n_br_dunning_pix.models import dunning_pix_charge
from odoo.addons.l10n_br_dunning_pix.tools.cobv import make_txid

from stand_ins.pix_psp import PixStandIn, br_code, make_tls

DUE = date(2026, 12, 10)
KEY = "15881399000134"


@tagged("post_install", "-at_install")
class TestDunningPix(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = PixStandIn(receiver_cnpj=KEY)
        cls.bank.start()
        cls.addClassCleanup(cls.bank.stop)
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.sp.vat = "529.982.247-25"
        cls.rj.vat = "11.222.333/0001-81"
        cls.account = cls.env["dunning.pix.account"].create(
            {
                "name": "Banco (stand-in)",
                "company_id": cls.company.id,
                "base_url": cls.bank.base_url,
                "token_url": cls.bank.token_url,
                "client_id": cls.bank.client_id,
                "client_secret": cls.bank.client_secret,
                "pix_key": KEY,
                "journal_id": cls.company_data["default_journal_bank"].id,
                "timeout": 5.0,
            }
        )
        cls.account.action_register_webhook()

    def setUp(self):
        super().setUp()
        self.bank.script.clear()
        dunning_pix_charge._BANK_PAUSED.clear()
        self.bank.notifications.clear()

    def _static_pix_bank(self):
        """The company's bank account with its Pix key: the static code."""
        return self.env["res.partner.bank"].create(
            {
                "acc_number": "0001-12345",
                "partner_id": self.company.partner_id.id,
                "proxy_type": "br_cpf_cnpj",
                "proxy_value": KEY,
                "allow_out_payment": True,
            }
        )

    def _settle(self):
        """The bank's notifications arrive, then the booking pass runs (its
        cron is triggered at once)."""
        self.bank.wait_notifications()
        self.env.invalidate_all()
        self.env["dunning.pix.payment"]._cron_pix_book()
        self.env.invalidate_all()

    def _contract_charges(self):
        """The contracts provide a 2 % fine and 1 % a month of interest."""
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )

    def _charge(self, move):
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            code = line._dunning_pix_code()
        return line, code, move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")

    def test_a_debtor_with_two_addresses_is_charged_with_the_first_valid_one(self):
        self.sp.email = "Maria <MARIA@cliente.example>; financeiro@cliente.example"
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        self.assertEqual(
            self.bank.charges[charge.txid]["devedor"]["email"], "maria@cliente.example"
        )
        self.assertEqual(self.bank.refusals, [])

    def test_each_installments_charge_names_it_and_the_invoices_own_due_date(self):
        """An invoice in three installments, the first already late: the payer's
        bank app shows which installment each charge is and the due date the
        invoice and the e-mail give, not three look-alike requests dated the
        day the bank created them; within the specification's limits."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning", "l10n_br_dunning_pix"], ["pt_BR"], overwrite=True
        )
        self.sp.lang = "pt_BR"
        term = self.env["account.payment.term"].create(
            {
                "name": "30/60/90",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 33.33, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 33.33, "nb_days": 60}),
                    Command.create({"value": "percent", "value_amount": 33.34, "nb_days": 90}),
                ],
            }
        )
        move = self._invoice(self.sp, date(2026, 11, 9), 900.0, payment_term=term)
        lines = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        lines = lines.sorted("date_maturity")
        self.assertEqual(len(lines), 3)
        with freeze_time(datetime(2026, 12, 9, 15, 0)):
            for line in lines:
                line._dunning_pix_code()
        for number, line in enumerate(lines, start=1):
            charge = move.dunning_pix_charge_ids.filtered(
                lambda c, line=line: c.move_line_id == line and c.state == "active"
            )
            body = self.bank.charges[charge.txid]
            due = line.date_maturity.strftime("%d/%m/%Y")
            self.assertEqual(
                body["solicitacaoPagador"], f"{move.name}, parcela {number} de 3, vencimento {due}"
            )
            info = {item["nome"]: item["valor"] for item in body["infoAdicionais"]}
            self.assertEqual(info["Parcela"], f"{number}/3")
            self.assertEqual(info["Vencimento"], due)
            self.assertLessEqual(len(body["solicitacaoPagador"]), 140)
            for item in body["infoAdicionais"]:
                self.assertLessEqual(len(item["nome"]), 50)
                self.assertLessEqual(len(item["valor"]), 200)
        # The first was late when charged: the bank's due date is the day of the
        # charge, the text still the invoice's 09/11/2026.
        first = move.dunning_pix_charge_ids.filtered(lambda c: c.move_line_id == lines[0])
        self.assertEqual(
            self.bank.charges[first.txid]["calendario"]["dataDeVencimento"], "2026-12-09"
        )
        self.assertEqual(self.bank.refusals, [])

    def test_the_bank_never_charges_more_than_the_contracts_rates(self):
        """The legal rate is published with four decimals (0.5167 % a month):
        the charge asks 0.51 %, not 0.52 %; a 1.995 % fine asks 1.99 %."""
        self.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 1.995,
                "dunning_interest_percent": 0.5167,
            }
        )
        move = self._invoice(self.sp, DUE, amount=10000.0)
        _line, _code, charge = self._charge(move)
        valor = self.bank.charges[charge.txid]["valor"]
        self.assertEqual(valor["juros"], {"modalidade": 3, "valorPerc": "0.51"})
        self.assertEqual(valor["multa"], {"modalidade": 2, "valorPerc": "1.99"})
        self.assertEqual(self.bank.refusals, [])

    def test_a_customer_whose_tax_id_has_the_country_code_gets_a_charge(self):
        """Odoo accepts and keeps a CNPJ typed with its country code (base_vat's
        "BR" prefix): the customer is charged with the CNPJ alone, and the
        message carries the charge's code, not the static one."""
        self.rj.vat = "BR11222333000181"
        move = self._invoice(self.rj, DUE, amount=100.0)
        _line, code, charge = self._charge(move)
        self.assertEqual((charge.state, code), ("active", charge.copy_paste))
        self.assertEqual(self.bank.charges[charge.txid]["devedor"]["cnpj"], "11222333000181")
        self.assertEqual(self.bank.refusals, [])

    def test_a_tax_id_the_bank_cannot_take_is_said_in_portuguese_and_charged_once_corrected(self):
        """A CPF imported from a spreadsheet that dropped its leading zero
        (012.345.678-90 kept as "1234567890"), and a customer imported without
        one: no charge can name the debtor, so the messages carry the static
        code. Their events said, in English inside the Portuguese sentence,
        that the bank did not create the charge ("no valid CPF or CNPJ:
        '1234567890'"), though the bank was never asked; they now say what to
        correct, in Portuguese. Once corrected, the next message has its charge."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning", "l10n_br_dunning_pix"], ["pt_BR"], overwrite=True
        )
        self.company.partner_id.lang = "pt_BR"
        self._static_pix_bank()
        # Imported without a country column: base_vat checks a CPF only
        # against a country, so Odoo keeps what the spreadsheet had.
        self.sp.write({"lang": "pt_BR", "country_id": False, "vat": "1234567890"})
        self.rj.write({"lang": "pt_BR", "vat": False})
        move = self._invoice(self.sp, DUE, amount=80.0)
        other = self._invoice(self.rj, DUE, amount=90.0)
        self._run(datetime(2026, 12, 10, 15, 0))
        expected = {
            move: "o CPF ou CNPJ do cliente (1234567890) não é válido",
            other: "o cliente não tem CPF nem CNPJ no cadastro",
        }
        for invoice, words in expected.items():
            event = self._events(invoice).filtered(
                lambda e: e.channel == "email" and e.state == "queued"
            )
            self.assertIn("Enviado com o código Pix estático", event.reason)
            self.assertIn(words, event.reason)
            self.assertNotIn("banco", event.reason, "the bank was never asked")
            self.assertNotIn("no valid", event.reason)
            self.assertEqual(invoice.dunning_pix_charge_ids.state, "failed")
        txids = (move | other).dunning_pix_charge_ids.mapped("txid")
        self.assertFalse(set(txids) & set(self.bank.charges), "nothing was asked of the bank")
        self.sp.vat = "012.345.678-90"
        # Its last try was ten minutes ago or more (RETRY_AFTER).
        move.dunning_pix_charge_ids.sudo().last_attempt = datetime(2026, 12, 1, 0, 0)
        _line, code, charge = self._charge(move)
        self.assertEqual((charge.state, code), ("active", charge.copy_paste))
        self.assertEqual(self.bank.charges[charge.txid]["devedor"]["cpf"], "01234567890")

    def test_reminder_carries_the_charge_and_payment_settles_once(self):
        move = self._invoice(self.sp, DUE, amount=1234.56)
        line, code, charge = self._charge(move)
        # The message's code is the bank's dynamic charge, not the static one.
        self.assertEqual(code, charge.copy_paste)
        self.assertIn("br.gov.bcb.pix", code)
        held = self.bank.charges[charge.txid]
        self.assertEqual(held["valor"]["original"], "1234.56")
        self.assertEqual(
            held["devedor"],
            {"cpf": "52998224725", "nome": "Maria Souza", "email": "maria@cliente.example"},
        )
        self.assertEqual(held["calendario"]["dataDeVencimento"], "2026-12-10")
        self.assertNotIn("multa", held["valor"])  # the contracts provide no charges
        self.assertEqual(self.bank.refusals, [])
        # Asking again reuses the charge (while it is payable long enough).
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            self.assertEqual(line._dunning_pix_code(), code)
        puts = [r for r in self.bank.requests if r[0] == "PUT" and charge.txid in r[1]]
        self.assertEqual(len(puts), 1)
        # The due date's e-mail carries it.
        self._run(datetime(2026, 12, 10, 13, 0))
        sent = self._events(move).filtered(lambda e: e.state == "queued")
        self.assertEqual(sorted(sent.mapped("channel")), ["email", "sms"])
        self.assertFalse(any(sent.mapped("reason")))
        mail = self.env["mail.mail"].sudo().search([("body_html", "ilike", code[:20])])
        self.assertEqual(len(mail), 1)
        self.assertIn(code, self._text(mail.body_html))
        # Paid on the due date; the bank notifies three times, reordered.
        self.bank.pay(charge.txid, when=datetime(2026, 12, 10, 14, 0, tzinfo=UTC), duplicates=2)
        self.bank.wait_notifications()
        self.env.invalidate_all()
        # Confirmed by the bank, being booked: no run reminds it meanwhile.
        self.assertTrue(line.dunning_pix_pending)
        self.assertFalse(line._dunning_is_open())
        self.assertEqual(move.payment_state, "not_paid")
        self._settle()
        self.assertFalse(line.dunning_pix_pending)
        self.assertEqual([status for _url, status in self.bank.notifications], [200, 200, 200])
        self.assertIn(move.payment_state, PAID_STATES)
        self.assertTrue(move._dunning_paid_by_customer())
        received = move.dunning_pix_payment_ids
        self.assertEqual(len(received), 1)
        self.assertEqual(received.state, "booked")
        self.assertEqual(received.payment_id.amount, 1234.56)
        self.assertEqual(received.payment_id.date, date(2026, 12, 10))
        self.assertEqual(charge.state, "paid")
        payments = self.env["account.payment"].search([("partner_id", "=", self.sp.id)])
        self.assertEqual(len(payments), 1)
        # The régua sees the invoice paid: no reminder after the payment; the
        # customer is thanked in their window (booked outside it here).
        self._run(datetime(2026, 12, 11, 13, 0))  # Friday, 10:00 in São Paulo
        self.assertEqual(self._events(move, channel="thanks").state, "queued")
        before = len(self._events(move))
        self._run(datetime(2026, 12, 15, 15, 0))
        self._run(datetime(2026, 12, 21, 15, 0))
        later = self._events(move)[before:]
        self.assertFalse(later.filtered(lambda e: not e.channel.startswith("thanks")))

    def test_late_payment_books_fine_and_interest_as_income(self):
        self._contract_charges()
        move = self._invoice(self.rj, DUE, amount=1000.0)
        _line, _code, charge = self._charge(move)
        held = self.bank.charges[charge.txid]["valor"]
        self.assertEqual(held["multa"], {"modalidade": 2, "valorPerc": "2.00"})
        self.assertEqual(held["juros"], {"modalidade": 3, "valorPerc": "1.00"})
        self.assertEqual(self.bank.charges[charge.txid]["devedor"]["cnpj"], "11222333000181")
        # Paid 30 days late: 2 % fine (20.00) and 1 % a month (10.00).
        self.bank.pay(charge.txid, when=datetime(2026, 1, 9, 14, 0, tzinfo=UTC).replace(year=2027))
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual((received.amount, received.amount_charges), (1030.0, 30.0))
        self.assertIn(move.payment_state, PAID_STATES)
        income = received.payment_id.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.account._pix_charges_account()
        )
        self.assertEqual(income.credit, 30.0)

    def test_a_late_payment_without_its_parts_books_the_excess_as_income(self):
        # componentesValor is optional: what a charge's late payment has beyond
        # the charge's original is its fine and interest, not a customer credit.
        self._contract_charges()
        self.bank.omit_components = True
        self.addCleanup(setattr, self.bank, "omit_components", False)
        move = self._invoice(self.rj, DUE, amount=1000.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, when=datetime(2027, 1, 9, 14, 0, tzinfo=UTC))
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertNotIn("componentesValor", self.bank.pix[received.e2eid])
        self.assertEqual((received.amount, received.state), (1030.0, "booked"))
        self.assertIn(move.payment_state, PAID_STATES)
        income = received.payment_id.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.account._pix_charges_account()
        )
        self.assertEqual(income.credit, 30.0)

    def test_paid_on_the_business_day_after_a_weekend_due_date_is_on_time(self):
        """Due on Saturday 12/12, paid on Monday 14 with R$ 5.00 more than the
        charge, the bank giving no parts: on time (the due date moves to the
        next business day), so the excess is a credit to review, not interest."""
        self._contract_charges()
        self.bank.omit_components = True
        self.addCleanup(setattr, self.bank, "omit_components", False)
        move = self._invoice(self.rj, date(2026, 12, 12), amount=1000.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, when=datetime(2026, 12, 14, 14, 0, tzinfo=UTC), value=1005.0)
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual((received.amount, received.amount_charges), (1005.0, 0.0))
        self.assertEqual(received.state, "review")
        self.assertIn("more than the installment owed", received.note)
        income = received.payment_id.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.account._pix_charges_account()
        )
        self.assertFalse(income)

    def test_an_agreement_installment_charge_adds_no_late_charges(self):
        """The agreement's term (clause 3.3): late charges are shown on its page,
        not added to the installment's payment code; and while a Pix the bank
        confirmed for an installment is being booked, the agreement cannot be
        cancelled (the payment would stay unapplied)."""
        self._contract_charges()
        move = self._invoice(self.sp, date(2026, 11, 3), amount=1000.0)
        receivable = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            agreement = self.env["dunning.agreement"]._propose(receivable, 2, date(2026, 12, 10))
            self._customer_accepts(agreement).action_approve()
        # A Pix API account (no static key on file): the term's clause 3.2
        # names the Pix each installment's page shows.
        self.assertFalse(self.company.partner_id.bank_ids.filtered("proxy_type"))
        self.assertIn("by the Pix shown for it on the agreement's page", agreement.term_text)
        first = agreement.installment_ids.filtered(lambda i: i.number == 1).move_line_id
        with freeze_time(datetime(2026, 12, 4, 15, 0)):
            first._dunning_pix_code()
        charge = first.move_id.dunning_pix_charge_ids.filtered(
            lambda c: c.move_line_id == first and c.state == "active"
        )
        held = self.bank.charges[charge.txid]["valor"]
        self.assertEqual(held["original"], f"{first.amount_residual:.2f}")
        self.assertNotIn("multa", held)
        self.assertNotIn("juros", held)
        self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC))
        self.bank.wait_notifications()
        self.env.invalidate_all()
        self.assertTrue(first.dunning_pix_pending)
        with self.assertRaisesRegex(UserError, "being booked") as refused:
            self._cancel_agreement(agreement)
        # No button records an agreement as broken: the régua does, by its term.
        self.assertNotIn("record the agreement as broken", str(refused.exception))
        self.assertIn("clause 3.5", str(refused.exception))
        self._settle()
        self.assertEqual(first.move_id.dunning_pix_payment_ids.state, "booked")

    def test_a_pix_being_booked_refuses_a_cancellation_saying_what_follows_in_each_case(self):
        """A Pix the bank confirmed for an installment is being booked when the
        team cancels: refused, and the refusal says what the software does
        once it is booked. Within the 7-day withdrawal period (CDC art. 49) the
        agreement can still be cancelled on the customer's withdrawal, what was
        paid (the Pix too) applied to the invoices: it no longer says that,
        once paid, the agreement "is not cancelled". After the period it does."""
        move = self._invoice(self.sp, date(2026, 11, 3), amount=1000.0)
        receivable = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):  # accepted Thursday 3/12
            agreement = self.env["dunning.agreement"]._propose(receivable, 2, date(2026, 12, 10))
            self._customer_accepts(agreement).action_approve()
        first = agreement.installment_ids.filtered(lambda i: i.number == 1).move_line_id
        with freeze_time(datetime(2026, 12, 4, 15, 0)):
            first._dunning_pix_code()
        charge = first.move_id.dunning_pix_charge_ids.filtered(
            lambda c: c.move_line_id == first and c.state == "active"
        )
        self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC))
        self.bank.wait_notifications()
        self.env.invalidate_all()
        self.assertTrue(first.dunning_pix_pending)
        deadline = agreement._withdrawal_deadline().strftime("%d/%m/%Y")
        with freeze_time(datetime(2026, 12, 9, 15, 0)):
            with self.assertRaisesRegex(UserError, "being booked") as withdrawn:
                self._cancel_agreement(agreement, ground="withdrawal", channel="phone")
            with self.assertRaisesRegex(UserError, "being booked") as asked:
                self._cancel_agreement(agreement, ground="customer_request", channel="phone")
        with freeze_time(datetime(2026, 12, 20, 15, 0)):
            with self.assertRaisesRegex(UserError, "being booked") as after:
                self._cancel_agreement(agreement, ground="customer_request", channel="phone")
        withdrawn, asked, after = (str(refused.exception) for refused in (withdrawn, asked, after))
        # The customer withdrew: booked, the cancellation goes through, the Pix
        # with what else was paid going to the invoices.
        self.assertNotIn("not cancelled", withdrawn)
        self.assertIn("cancel it again", withdrawn)
        self.assertIn("applied to the invoices it replaced", withdrawn)
        # Asked on another ground within the period: the withdrawal still may.
        self.assertNotIn("not cancelled", asked)
        self.assertIn(f"withdraws, until {deadline}", asked)
        self.assertIn("applied to the invoices it replaced", asked)
        # After the period: once paid it ends honoured or broken.
        self.assertIn("the agreement is not cancelled", after)
        for text in (withdrawn, asked, after):
            self.assertIn("clause 3.5", text)
        self._settle()
        self.assertEqual(first.move_id.dunning_pix_payment_ids.state, "booked")
        with freeze_time(datetime(2026, 12, 9, 15, 0)):
            self._cancel_agreement(agreement, ground="withdrawal", channel="phone")
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(move.amount_residual, 1000.0 - agreement.withdrawal_applied)
        self.assertTrue(agreement.withdrawal_applied > 0)

    def _agreement_charges(self, agreement):
        """Each installment of ``agreement`` with its active charge, created on
        4 December 2026."""
        installments = agreement.installment_ids.sorted("number").move_line_id
        with freeze_time(datetime(2026, 12, 4, 15, 0)):
            for line in installments:
                line._dunning_pix_code()
        return [
            (
                line,
                line.move_id.dunning_pix_charge_ids.filtered(
                    lambda c, line=line: c.move_line_id == line and c.state == "active"
                ),
            )
            for line in installments
        ]

    def test_an_agreement_is_not_approved_over_an_invoice_paid_by_pix(self):
        """The customer paid the invoice's Pix charge; the bank's notification
        has not come yet when a collections user approves an agreement that
        would replace it: the bank is asked first, and the agreement is refused
        (the customer would be asked to pay the same debt again, and their Pix
        would sit as a credit). The Pix is booked against the invoice when the
        bank's reading brings it."""
        move = self._invoice(self.sp, date(2026, 11, 20), amount=1000.0)
        receivable = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 11, 25, 15, 0)):
            receivable._dunning_pix_code()
        charge = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            agreement = self.env["dunning.agreement"]._propose(receivable, 2, date(2026, 12, 10))
            self._customer_accepts(agreement)
        self.bank.pay(charge.txid, when=datetime(2026, 12, 3, 16, 0, tzinfo=UTC), notify=False)
        with freeze_time(datetime(2026, 12, 3, 17, 0)), self.assertRaises(UserError) as refused:
            agreement.action_approve()
        self.assertIn("received a Pix", str(refused.exception))
        self.assertEqual(agreement.state, "proposed")
        self.assertFalse(agreement.move_id)
        with freeze_time(datetime(2026, 12, 3, 17, 5)):
            self.env["dunning.pix.account"]._cron_pix_poll()
        self._settle()
        self.assertEqual(move.dunning_pix_payment_ids.state, "booked")
        self.assertIn(move.payment_state, PAID_STATES)

    def test_an_agreement_whose_installment_was_paid_at_the_bank_is_not_cancelled(self):
        """An installment's Pix paid, its notification not come yet: cancelling
        the agreement is refused as for any paid installment (the payment would
        land on a reversed installment and the invoices would be charged
        again); its charges stay payable, the Pix is booked against it."""
        move = self._invoice(self.sp, date(2026, 11, 20), amount=1000.0)
        receivable = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            agreement = self.env["dunning.agreement"]._propose(receivable, 2, date(2026, 12, 10))
            self._customer_accepts(agreement).action_approve()
        (first, first_charge), (_second, second_charge) = self._agreement_charges(agreement)
        self.bank.pay(
            first_charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False
        )
        with freeze_time(datetime(2026, 12, 9, 15, 0)), self.assertRaises(UserError) as refused:
            self._cancel_agreement(agreement)
        self.assertIn("has been paid", str(refused.exception))
        self.assertEqual(self.bank.charges[second_charge.txid]["status"], "ATIVA")
        self.assertFalse(move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active"))
        with freeze_time(datetime(2026, 12, 9, 15, 5)):
            self.env["dunning.pix.account"]._cron_pix_poll()
        self._settle()
        self.assertEqual(first.move_id.dunning_pix_payment_ids.state, "booked")
        self.assertFalse(first.amount_residual)
        self.assertEqual(agreement.state, "active")

    def test_a_collections_user_checks_a_charge_at_the_bank_from_the_list(self):
        """The Pix charges list's "Check at the bank" books what the bank holds
        for a collections user, who only reads charges."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False)
        collector = new_test_user(
            self.env,
            login="cobranca-pix",
            groups="l10n_br_dunning.group_dunning_user,base.group_partner_manager",
        )
        charge.with_user(collector).action_check_bank()
        self.env.invalidate_all()
        self.assertEqual(move.dunning_pix_payment_ids.state, "booked")
        self.assertEqual(charge.state, "paid")
        # The bank's connection stays the administrators'.
        for action in ("action_test_connection", "action_register_webhook"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(self.account.with_user(collector), action)()

    def test_a_bank_unavailable_for_the_pix_of_a_paid_charge_breaks_no_action(self):
        """The bank answers the charge (CONCLUIDA, its Pix listed) but not the
        Pix itself (GET /pix/{e2eid}: 503, as the specification allows):
        checking the invoice at the bank, or cancelling it, goes on and says
        why; the Pix is booked once the bank answers again."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False)
        self.bank.fail_next(1, 503, path="/pix/")
        move.action_dunning_pix_check()
        self.assertEqual(charge.state, "active")
        self.assertIn("503", charge.last_error)
        self.assertFalse(move.dunning_pix_payment_ids)
        # Cancelling the invoice: the removal refused (paid), the Pix unreadable.
        dunning_pix_charge._BANK_PAUSED.clear()
        self.bank.fail_next(1, 503, path="/pix/")
        move.button_cancel()
        self.assertEqual(move.state, "cancel")
        self.assertEqual(charge.state, "active")
        # The bank answers again: the Pix is read and the charge is paid.
        dunning_pix_charge._BANK_PAUSED.clear()
        charge.action_check_bank()
        self.env.invalidate_all()
        self.assertEqual(charge.state, "paid")
        self.assertEqual(len(move.dunning_pix_payment_ids), 1)

    def test_a_notification_while_the_bank_asks_to_wait_does_not_ask_it_again(self):
        """Reading a notified Pix back, the bank asks to wait (429, Retry-After):
        the notification is answered 503 (sent again later) and, until the
        wait is over, neither the next notification nor a reminder's charge
        asks the bank anything; afterwards the Pix is read and booked."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        other = self._invoice(self.rj, DUE, amount=50.0)
        self.bank.fail_next(1, 429, retry_after=900, path="/pix/")
        record = self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC))
        self.bank.wait_notifications()
        self.assertEqual(self.bank.notifications[-1][1], 503)
        asked = (len(self.bank.requests), self.bank.token_requests)
        self.bank.notify([record["endToEndId"]])
        self.bank.wait_notifications()
        self.assertEqual(self.bank.notifications[-1][1], 503)
        other.line_ids.filtered(
            lambda aml: aml.account_type == "asset_receivable"
        )._dunning_pix_code()
        self.assertFalse(other.dunning_pix_charge_ids.filtered(lambda c: c.state == "active"))
        self.assertEqual((len(self.bank.requests), self.bank.token_requests), asked)
        # The wait is over: the bank notifies again, the Pix is booked.
        dunning_pix_charge._BANK_PAUSED.clear()
        self.bank.notify([record["endToEndId"]])
        self.bank.wait_notifications()
        self.assertEqual(self.bank.notifications[-1][1], 200)
        self._settle()
        self.assertEqual(move.dunning_pix_payment_ids.e2eid, record["endToEndId"])

    def test_a_pix_the_bank_refuses_to_show_is_neither_lost_nor_booked_wrongly(self):
        """Reading a notified Pix back, the bank answers 403 AcessoNegado (the
        specification's refusal: the kept token, then a new one): nothing is
        booked from the notification's body, which is answered 503 so that
        the bank notifies again; the account says why, for an administrator;
        the scheduled reading (GET /pix, which the bank answers) books it
        once, and the notification sent again adds nothing."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        self.account._pix_client().token()  # a token kept from before
        self.bank.fail_next(2, 403, path="/pix/")
        record = self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC))
        self.bank.wait_notifications()
        self.assertEqual(self.bank.notifications[-1][1], 503)
        self.assertEqual(self.bank.script, [])
        self.env.invalidate_all()
        self.assertFalse(move.dunning_pix_payment_ids)
        self.assertNotIn(move.payment_state, PAID_STATES)
        self.assertIn("403", self.account.last_error or "")
        # Once the pause is over the scheduled reading books it, once.
        dunning_pix_charge._BANK_PAUSED.clear()
        with freeze_time(datetime(2026, 12, 9, 14, 30)):
            self.env["dunning.pix.account"]._cron_pix_poll()
        self._settle()
        self.assertEqual(move.dunning_pix_payment_ids.e2eid, record["endToEndId"])
        self.assertIn(move.payment_state, PAID_STATES)
        self.assertFalse(self.account.last_error)
        self.bank.notify([record["endToEndId"]])
        self._settle()
        self.assertEqual(self.bank.notifications[-1][1], 200)
        self.assertEqual(len(move.dunning_pix_payment_ids), 1)
        self.assertEqual(
            len(self.env["account.payment"].search([("partner_id", "=", self.sp.id)])), 1
        )

    def test_forged_and_malformed_notifications_book_nothing(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        url = self.account.webhook_url + "/pix"
        forged = {
            "pix": [
                {
                    "endToEndId": "E12345678202612101400999999999999"[:32],
                    "txid": charge.txid,
                    "valor": "100.00",
                    "horario": "2026-12-10T14:00:00Z",
                }
            ]
        }
        wrong_secret = url.replace(self.account.webhook_token, "x" * 43)
        self.assertEqual(requests.post(wrong_secret, json=forged, timeout=30).status_code, 403)
        # The right secret, a Pix the bank never received: nothing booked.
        self.assertEqual(requests.post(url, json=forged, timeout=30).status_code, 422)
        self.assertEqual(requests.post(url, data=b"{not json", timeout=30).status_code, 400)
        self.assertEqual(requests.post(url, json={"pix": "x"}, timeout=30).status_code, 400)
        self.assertFalse(self.env["dunning.pix.payment"].search([]))
        self.assertEqual(move.payment_state, "not_paid")

    def test_the_webhook_answers_a_banks_check_of_the_address(self):
        """A bank may check the address when it is registered (an empty list
        posted to it, an empty body, a test event): answered 200, nothing
        booked; one that checks before accepting the address registers it."""
        self.bank.check_webhook = True
        self.addCleanup(setattr, self.bank, "check_webhook", False)
        self.account.action_register_webhook()
        self.assertEqual(self.bank.notifications[-1], (self.account.webhook_url + "/pix", 200))
        for url in (self.account.webhook_url, self.account.webhook_url + "/pix"):
            for check in ({"pix": []}, {}, {"evento": "teste_webhook"}):
                answer = requests.post(url, json=check, timeout=30)
                self.assertEqual(answer.status_code, 200, (url, check))
            self.assertEqual(requests.post(url, data=b"", timeout=30).status_code, 200)
        # A wrong secret is still refused, check or not.
        wrong = self.account.webhook_url.replace(self.account.webhook_token, "x" * 43)
        self.assertEqual(requests.post(wrong, json={"pix": []}, timeout=30).status_code, 403)
        self.assertFalse(self.env["dunning.pix.payment"].search([]))

    def test_a_notification_as_banco_inter_posts_it_is_booked(self):
        """Banco Inter posts the Pix as a JSON array at the root, not under
        "pix"; the specification's own example writes one Pix as an object.
        Both are booked (each Pix read again from the bank), not refused as
        malformed until the polling pass finds them."""
        self.addCleanup(setattr, self.bank, "notify_shape", "spec")
        for shape, partner in (("list", self.sp), ("object", self.rj)):
            with self.subTest(shape=shape):
                self.bank.notify_shape = shape
                move = self._invoice(partner, DUE, amount=100.0)
                _line, _code, charge = self._charge(move)
                record = self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC))
                self.bank.wait_notifications()
                self.assertEqual(self.bank.notifications[-1][1], 200, self.bank.notifications)
                self._settle()
                self.assertEqual(move.dunning_pix_payment_ids.e2eid, record["endToEndId"])
                self.assertIn(move.payment_state, PAID_STATES)

    def test_a_notification_labelled_as_a_form_is_read_as_json(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(
            charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False
        )
        answer = requests.post(
            self.account.webhook_url + "/pix",
            data=json.dumps({"pix": [record]}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=30,
        )
        self.assertEqual(answer.status_code, 200)
        self._settle()
        self.assertEqual(move.dunning_pix_payment_ids.e2eid, record["endToEndId"])
        self.assertIn(move.payment_state, PAID_STATES)

    def test_the_portal_says_the_late_charges_are_in_the_pix_that_holds_them(self):
        """Overdue where the contracts provide a fine and interest: the charge
        the invoice page shows holds them (the bank adds them by the day), so
        the page says they are in the Pix, not "information only" beside a
        code that would charge them anyway. With the bank down, the static
        code holds the open amount alone, and the page says they are for
        information."""
        self._static_pix_bank()
        self._contract_charges()
        due = fields.Date.context_today(self.env.user) - timedelta(days=20)
        for down in (False, True):
            move = self._invoice(self.rj, due, amount=1000.0)
            move._portal_ensure_token()
            if down:
                self.bank.fail_next(3, 503)
            page = self.url_open(f"/my/invoices/{move.id}?access_token={move.access_token}").text
            charge = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
            self.assertEqual(bool(charge), not down)
            self.assertIn("o_dunning_charges", page)
            if down:
                self.assertIn("(information only)", page)
                self.assertNotIn("are in the Pix code below", page)
            else:
                self.assertIn(charge.copy_paste, page)
                self.assertIn("are in the Pix code below", page)
                self.assertNotIn("(information only)", page)

    def test_bank_down_falls_back_to_the_static_code(self):
        bank = self._static_pix_bank()
        move = self._invoice(self.sp, DUE, amount=80.0)
        self.bank.fail_next(3, 503)
        line, code, charge = self._charge(move)
        self.assertFalse(charge)
        static = move.dunning_pix_charge_ids
        self.assertEqual(static.state, "draft")
        self.assertIn("503", static.last_error)
        self.assertTrue(code and "br.gov.bcb.pix" in code and KEY in code, code)
        self.assertTrue(bank)
        # The bank is not asked again for a while: the next installments of a
        # run go with the static code at once, none waits for a timeout.
        asked = len(self.bank.requests) + len(self.bank.script)
        other = self._invoice(self.rj, DUE, amount=90.0)
        other_line = other.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertIn(KEY, other_line._dunning_pix_code())
        self.assertEqual(len(self.bank.requests) + len(self.bank.script), asked)
        self.assertFalse(other.dunning_pix_charge_ids)

    def test_payment_by_other_means_removes_the_charge(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        self._pay(move)
        self.env["dunning.pix.account"]._cron_pix_sync()
        self.assertEqual(
            self.bank.charges[charge.txid]["status"], "REMOVIDA_PELO_USUARIO_RECEBEDOR"
        )
        self.assertEqual(charge.state, "removed")

    def test_a_charge_being_paid_is_not_removed_by_the_follow_up(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        line, _code, charge = self._charge(move)
        # Paid and notified; the hourly follow-up runs before the booking pass.
        self.bank.pay(charge.txid, when=datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
        self.bank.wait_notifications()
        self.env.invalidate_all()
        self.assertTrue(line.dunning_pix_pending)
        self.env["dunning.pix.account"]._cron_pix_sync()
        removals = [r for r in self.bank.requests if r[0] == "PATCH" and charge.txid in r[1]]
        self.assertFalse(removals)
        self.assertEqual(self.bank.charges[charge.txid]["status"], "CONCLUIDA")
        self._settle()
        self.assertEqual(charge.state, "paid")
        self.assertEqual(move.dunning_pix_payment_ids.state, "booked")

    def test_a_charge_the_bank_no_longer_knows_is_replaced_and_its_pix_booked_first(self):
        """A bank may purge a charge (404 CobVNaoEncontrada, 410
        PermanentementeRemovido: past its validity, say). Its code no longer
        pays anything: the hourly pass reads the Pix it received by its txid
        (booked, never lost), then replaces it, and the reminders carry the
        new charge's code, not the dead one."""
        with freeze_time(datetime(2026, 12, 2, 15, 0)):
            move = self._invoice(self.sp, DUE, amount=100.0)
            line, code, charge = self._charge(move)
            self.bank.charges.pop(charge.txid)
            self.env["dunning.pix.account"]._cron_pix_sync()
            self.assertEqual(charge.state, "removed")
            self.assertIn("no longer knows this charge", charge.last_error)
            new = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
            self.assertEqual(len(new), 1)
            self.assertNotEqual(new.txid, charge.txid)
            self.assertEqual(self.bank.charges[new.txid]["status"], "ATIVA")
            self.assertNotEqual(line._dunning_pix_code(), code)
            self.assertIn(new.copy_paste, line._dunning_pix_code())
            # Paid, then purged before any notification came (410 this time): the
            # Pix the bank lists for its txid is booked, the installment paid.
            self.bank.pay(new.txid, notify=False)
            self.bank.charges.pop(new.txid)
            self.bank.fail_next(status=410, path="/cobv/")
            new.action_check_bank()
            self.env.invalidate_all()
            self.assertEqual(new.state, "paid")
            self.assertEqual(move.dunning_pix_payment_ids.state, "booked")
            self.assertIn(move.payment_state, PAID_STATES)
            self.assertEqual(len(move.dunning_pix_charge_ids), 2)

    def test_cancelled_invoice_removes_the_charge(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        move.button_draft()
        self.assertEqual(
            self.bank.charges[charge.txid]["status"], "REMOVIDA_PELO_USUARIO_RECEBEDOR"
        )
        self.assertEqual(charge.state, "removed")

    def test_an_installment_is_not_deleted_while_its_charge_is_payable_at_the_bank(self):
        """The bank down when the invoice was reset to draft: its charge is
        still payable there (flagged for the hourly pass). Deleting the draft
        invoice, or an installment of it (fewer installments), would forget it:
        payable at the bank for ever, the customer paying an invoice that no
        longer exists beside its replacement. Refused while the bank does not
        answer; once it does, the charge is removed first."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30/60",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        move = self._invoice(self.sp, date(2026, 12, 9), 400.0, payment_term=term)
        lines = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            for line in lines:
                line._dunning_pix_code()
        charges = move.dunning_pix_charge_ids
        self.assertEqual(charges.mapped("state"), ["active", "active"])
        txids = charges.mapped("txid")
        self.bank.fail_next(5, 503)
        move.button_draft()
        self.bank.script.clear()
        self.assertTrue(all(charges.mapped("follow_pending")))
        with self.assertRaises(UserError) as refused:
            with Form(move) as form:
                form.invoice_payment_term_id = self.env["account.payment.term"]
                form.invoice_date_due = date(2026, 12, 20)
        self.assertIn("still payable at the bank", str(refused.exception))
        with self.assertRaises(UserError):
            move.unlink()
        self.assertEqual(len(charges.exists()), 2)
        statuses = [self.bank.charges[txid]["status"] for txid in txids]
        self.assertEqual(statuses, ["ATIVA", "ATIVA"])
        # The bank answers again: the invoice is deleted, its charges removed first.
        dunning_pix_charge._BANK_PAUSED.clear()
        move.unlink()
        statuses = [self.bank.charges[txid]["status"] for txid in txids]
        self.assertEqual(statuses, ["REMOVIDA_PELO_USUARIO_RECEBEDOR"] * 2)

    def test_the_hourly_pass_charges_no_invoice_reset_to_draft_in_its_transaction(self):
        """The pass's selection reads what was changed before it in the same
        transaction (a reset to draft not yet written to the database)."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        move.button_draft()
        held = set(self.bank.charges)
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            created = self.env["dunning.pix.charge"]._pix_create_open()
        self.assertFalse(created)
        self.assertEqual(move.dunning_pix_charge_ids, charge)
        self.assertEqual(
            set(self.bank.charges) - held,
            set(),
            "no new charge was asked of the bank for a draft invoice",
        )

    def test_polling_books_what_no_notification_brought(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid, notify=False)
        self.assertEqual(move.payment_state, "not_paid")
        self.env["dunning.pix.account"]._cron_pix_poll()
        self._settle()
        self.assertEqual(move.dunning_pix_payment_ids.e2eid, record["endToEndId"])
        self.assertIn(move.payment_state, PAID_STATES)
        # Read again: nothing more.
        self.env["dunning.pix.account"]._cron_pix_poll()
        self._settle()
        self.assertEqual(
            len(self.env["account.payment"].search([("partner_id", "=", self.sp.id)])), 1
        )

    def test_a_customer_who_says_it_is_paid_is_checked_at_the_bank_first(self):
        paid = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(paid)
        # Reminded, then paid at the bank; no notification came.
        self._run(datetime(2026, 12, 15, 15, 0))
        self.bank.pay(charge.txid, notify=False)
        with freeze_time(datetime(2026, 12, 15, 16, 0)):
            reply = self.env["dunning.reply"]._read_reply(
                self.sp, self.company, "ja paguei o pix", "sms", number="+5511987654321"
            )
        self.assertEqual(reply.action, "paid")
        self.assertEqual(reply.confirmed_move_ids, paid)
        self.assertIn(paid.payment_state, PAID_STATES)
        # Confirmed by the bank: no claim to check, no pause.
        self.assertFalse(reply.request_ids)
        self.assertFalse(paid.dunning_paused)
        sender = self.sp._dunning_sms_sender(self.company)
        self.assertEqual(reply.answer, f"{sender}: Payment confirmed. Thank you!")

    def test_partial_payment_leaves_the_rest_open_for_a_person(self):
        move = self._invoice(self.sp, DUE, amount=300.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, value="120.00")
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.state, "review")
        self.assertEqual(move.amount_residual, 180.0)
        self.assertIn("180", received.note)
        self.assertTrue(move.activity_ids)

    def test_a_pix_to_review_is_explained_in_the_companys_language_and_money(self):
        """The booking pass is a scheduled action with no language of its own:
        what the team reads of a partial Pix (the note, the to-do, the
        invoice's chatter) is in the company's language, with the amount as
        money ("R$ 180,00", not "180.00")."""
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_br_dunning", "l10n_br_dunning_pix"], ["pt_BR"], overwrite=True
        )
        self.company.partner_id.lang = "pt_BR"
        move = self._invoice(self.sp, DUE, amount=300.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, value="120.00")
        self.bank.wait_notifications()
        self.env.invalidate_all()
        self.env["dunning.pix.payment"].with_context(lang="en_US")._cron_pix_book()
        self.env.invalidate_all()
        received = move.dunning_pix_payment_ids
        self.assertIn("R$\xa0180,00 continua em aberto", received.note)
        self.assertIn("continua em aberto", move.activity_ids.note)
        self.assertIn("Pix de R$&nbsp;120,00 recebido", move.message_ids[0].body)

    def test_a_refund_whose_notification_never_came_is_read_the_next_day(self):
        """The bank notifies a refund once (the MED's may come weeks after the
        Pix); answered 503 while it was paused, or lost, it was never read
        again. The daily reading lists the Pix refunded in the last 90 days
        and books the refund: the installment is open again."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid)
        self._settle()
        self.assertIn(move.payment_state, PAID_STATES)
        self.bank.refund(record["endToEndId"], notify=False)
        self.env["dunning.pix.account"]._cron_pix_refunds()
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.state, "refunded")
        self.assertEqual(move.amount_residual, 100.0)
        self.assertEqual(self.bank.refusals, [])

    def test_refund_reopens_the_installment(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid)
        self._settle()
        self.assertIn(move.payment_state, PAID_STATES)
        self.bank.refund(record["endToEndId"])
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.state, "refunded")
        self.assertEqual(move.amount_residual, 100.0)
        self.assertEqual(len(received.refund_payment_ids), 1)
        # The same refund notified again books nothing more.
        self.bank.notify([record["endToEndId"]])
        self._settle()
        self.assertEqual(len(received.refund_payment_ids), 1)

    def test_a_refund_in_the_evening_is_dated_the_customers_day(self):
        """A refund booked at 22:30 in São Paulo (01:30 UTC the next day) is
        dated that day, as the payment it gives back is, not the next one."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid, when=datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
        self._settle()
        with freeze_time(datetime(2026, 12, 11, 1, 30)):
            self.bank.refund(record["endToEndId"])
            self._settle()
        refund = move.dunning_pix_payment_ids.refund_payment_ids
        self.assertEqual(refund.date, date(2026, 12, 10))

    def test_a_refund_found_days_later_is_dated_the_day_the_bank_gave_it_back(self):
        """The bank gave the money back at 22:30 in São Paulo on the 10th
        (its devolução's time), but no notification came: the bank is read
        again on the 14th. The refund is dated the 10th, not the 14th."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid, when=datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
        self._settle()
        with freeze_time(datetime(2026, 12, 11, 1, 30)):
            self.bank.refund(record["endToEndId"], notify=False)
        with freeze_time(datetime(2026, 12, 14, 15, 0)):
            self.account._pix_settle([record["endToEndId"]])
            self._settle()
        refund = move.dunning_pix_payment_ids.refund_payment_ids
        self.assertEqual(refund.date, date(2026, 12, 10))

    def test_a_refunded_late_payment_gives_back_its_fine_and_interest(self):
        """1,000.00 paid 30 days late as 1,030.00 (30.00 of fine and interest
        booked as income), then refunded in two parts: the fine and interest
        are given back first, then the installment; once all is refunded the
        invoice owes 1,000.00 again, the income is undone and nothing else is
        left on the customer's receivable."""
        self._contract_charges()
        move = self._invoice(self.rj, DUE, amount=1000.0)
        line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid, when=datetime(2027, 1, 9, 14, 0, tzinfo=UTC))
        self._settle()
        received = move.dunning_pix_payment_ids
        income = self.account._pix_charges_account()

        def income_balance():
            # The income the Pix and its refunds booked (the invoice's own
            # revenue may use the same account).
            moves = received.payment_id.move_id | received.refund_payment_ids.move_id
            return sum(
                moves.line_ids.filtered(lambda aml: aml.account_id == income).mapped("balance")
            )

        self.assertEqual(income_balance(), -30.0)
        self.bank.refund(record["endToEndId"], value="20.00")
        self._settle()
        self.assertEqual((income_balance(), move.amount_residual), (-10.0, 0.0))
        self.bank.refund(record["endToEndId"], value="1010.00")
        self._settle()
        self.assertEqual(received.state, "refunded")
        self.assertEqual((income_balance(), move.amount_residual), (0.0, 1000.0))
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.rj.id),
                ("account_id", "=", line.account_id.id),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(sum(receivable.mapped("amount_residual")), 1000.0)

    def test_a_payment_refunded_in_two_parts_reopens_all_of_it(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid)
        self._settle()
        for part, residual in (("40.00", 40.0), ("60.00", 100.0)):
            self.bank.refund(record["endToEndId"], value=part)
            self._settle()
            self.assertEqual(move.amount_residual, residual)
        received = move.dunning_pix_payment_ids
        self.assertEqual((received.state, len(received.refund_payment_ids)), ("refunded", 2))
        # Nothing stray on the customer's receivable: the invoice's 100.00 only.
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.sp.id),
                ("account_id", "=", line.account_id.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        self.assertEqual(receivable, line)

    def test_a_refund_notified_before_the_booking_is_given_back_too(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        record = self.bank.pay(charge.txid, notify=False)
        e2eid = record["endToEndId"]
        self.assertEqual(self.account._pix_settle([e2eid]), {e2eid: "queued"})
        # The bank refunds it before the booking pass ran.
        self.bank.refund(e2eid, notify=False)
        self.assertEqual(self.account._pix_settle([e2eid]), {e2eid: "refund"})
        self.env["dunning.pix.payment"]._cron_pix_book()
        self.env.invalidate_all()
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.state, "refunded")
        self.assertEqual(move.amount_residual, 100.0)
        self.assertEqual(len(received.refund_payment_ids), 1)

    def test_a_pix_that_cannot_be_booked_holds_no_other(self):
        self.company.write({"dunning_contract_charges": True, "dunning_fine_percent": 2.0})
        late = self._invoice(self.sp, DUE, amount=100.0)
        on_time = self._invoice(self.rj, DUE, amount=200.0)
        _line, _code, late_charge = self._charge(late)
        _line, _code, on_time_charge = self._charge(on_time)
        # No income account for late charges anywhere: the fine cannot be booked.
        self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")]
        ).default_account_id = False
        self.bank.pay(late_charge.txid, when=datetime(2026, 12, 20, 14, 0, tzinfo=UTC))
        self.bank.pay(on_time_charge.txid, when=datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
        self._settle()
        self.assertIn(on_time.payment_state, PAID_STATES)
        failed = late.dunning_pix_payment_ids
        self.assertEqual(failed.state, "error")
        self.assertIn("account of late charges", failed.note)
        self.assertEqual(late.payment_state, "not_paid")
        # Fixed by a person, booked again.
        self.account.charges_account_id = self.company_data["default_account_revenue"]
        failed.action_book_again()
        self.env.invalidate_all()
        self.assertEqual(failed.state, "booked")
        self.assertIn(late.payment_state, PAID_STATES)

    def test_pix_for_a_txid_not_ours_is_left_for_a_person(self):
        self.bank.charges["X" * 30] = {
            "status": "ATIVA",
            "chave": KEY,
            "valor": {"original": "55.00"},
            "calendario": {"dataDeVencimento": "2026-12-10"},
        }
        self.bank.pay("X" * 30)
        self._settle()
        # A real Pix (the bank knows it): accepted, and listed for a person.
        self.assertEqual([status for _url, status in self.bank.notifications], [200])
        received = self.env["dunning.pix.payment"].search([("txid", "=", "X" * 30)])
        self.assertEqual(received.state, "unknown")
        self.assertFalse(received.payment_id)

    def test_a_pix_another_company_listed_first_is_booked_by_its_own(self):
        """Two companies in one database on the same bank: the other company's
        account, whose credentials see every Pix, reads this company's Pix first
        (no charge of its own there: left for a person); this company's account
        then books it, once, in this company."""
        rio = self.setup_other_company(name="Aurora Filial Rio")
        other = (
            self.env["dunning.pix.account"]
            .with_company(rio["company"])
            .create(
                {
                    "name": "Banco (stand-in), Rio",
                    "company_id": rio["company"].id,
                    "base_url": self.bank.base_url,
                    "token_url": self.bank.token_url,
                    "client_id": self.bank.client_id,
                    "client_secret": self.bank.client_secret,
                    "pix_key": "33000167000101",
                    "journal_id": rio["default_journal_bank"].id,
                    "timeout": 5.0,
                }
            )
        )
        move = self._invoice(self.sp, DUE, amount=321.09)
        _line, _code, charge = self._charge(move)
        e2eid = self.bank.pay(charge.txid, notify=False)["endToEndId"]
        self.assertEqual(other._pix_settle([e2eid]), {e2eid: "foreign"})
        self.assertEqual(self.account._pix_settle([e2eid]), {e2eid: "queued"})
        self.env["dunning.pix.payment"]._cron_pix_book()
        self.env.invalidate_all()
        received = self.env["dunning.pix.payment"].search([("e2eid", "=", e2eid)])
        self.assertEqual(received.state, "booked")
        self.assertEqual(received.account_id, self.account)
        self.assertEqual(received.payment_id.company_id, self.company)
        self.assertEqual(received.payment_id.amount, 321.09)
        self.assertIn(move.payment_state, PAID_STATES)
        # Read again by either account: nothing more is booked.
        self.assertEqual(other._pix_settle([e2eid]), {e2eid: "duplicate"})
        self.assertEqual(self.account._pix_settle([e2eid]), {e2eid: "duplicate"})
        self.assertEqual(self.env["account.payment"].search_count([("memo", "like", e2eid)]), 1)

    def test_an_installment_overdue_when_first_charged_is_charged_from_that_day(self):
        # The specification refuses a due date before the charge's creation
        # (CobVOperacaoInvalida): an invoice already overdue when the régua
        # first needs its charge (imported late, a bank connected later).
        self._contract_charges()
        move = self._invoice(self.sp, date(2026, 11, 16), amount=1000.0)
        line, code, charge = self._charge(move)  # on 1 December: 15 days overdue
        self.assertEqual(self.bank.refusals, [])
        self.assertEqual(code, charge.copy_paste)
        held = self.bank.charges[charge.txid]
        self.assertEqual(held["calendario"]["dataDeVencimento"], "2026-12-01")
        self.assertEqual(charge.date_created, date(2026, 12, 1))
        # What it owes that day, as the portal shows it: 1000 + 2 % fine
        # (20.00) + 15 days of 1 % a month (5.00); then 1 % a month by the
        # day on the installment alone (10.00 / 30, rounded down), no second fine.
        self.assertEqual(held["valor"]["original"], "1025.00")
        self.assertNotIn("multa", held["valor"])
        self.assertEqual(held["valor"]["juros"], {"modalidade": 1, "valorPerc": "0.33"})
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            installment = move._dunning_portal_installments()[0]
        charges = installment["charges"]
        self.assertEqual(1000.0 + charges.fine + charges.interest, 1025.0)
        # The next days' follow-up revises nothing (the amount is that day's).
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            self.env["dunning.pix.account"]._cron_pix_sync()
        self.assertEqual((held["revisao"], charge.revision), (0, 0))
        # Paid four days later: the bank adds 4 days of interest; the fine and
        # interest are income, the installment is paid, nothing left to review.
        self.bank.pay(charge.txid, when=datetime(2026, 12, 5, 14, 0, tzinfo=UTC))
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.amount, 1026.32)
        self.assertEqual(received.state, "booked")
        self.assertIn(move.payment_state, PAID_STATES)
        income = received.payment_id.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.account._pix_charges_account()
        )
        self.assertEqual(income.credit, 26.32)

    def test_a_charge_soon_no_longer_payable_is_replaced(self):
        # Payable until Sunday 20 December, so until Monday 21 (the last day
        # on a weekend moves to the next business day, as the specification's
        # examples count).
        self.account.validity_days = 10
        move = self._invoice(self.sp, DUE, amount=100.0)
        line, code, charge = self._charge(move)
        with freeze_time(datetime(2026, 12, 18, 15, 0)):  # three more days
            self.assertEqual(line._dunning_pix_code(), code)
        # On the 19th a message's code would be payable two more days: the
        # bank removes it, the next one is due that day, payable ten more.
        with freeze_time(datetime(2026, 12, 19, 15, 0)):
            new_code = line._dunning_pix_code()
        self.assertNotEqual(new_code, code)
        self.assertEqual(charge.state, "removed")
        self.assertEqual(
            self.bank.charges[charge.txid]["status"], "REMOVIDA_PELO_USUARIO_RECEBEDOR"
        )
        new = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        self.assertEqual((new.generation, new.copy_paste), (1, new_code))
        held = self.bank.charges[new.txid]
        self.assertEqual(held["calendario"]["dataDeVencimento"], "2026-12-19")
        self.assertEqual(held["valor"]["original"], "100.00")
        self.assertEqual(self.bank.refusals, [])
        # The hourly pass replaces them too, ahead of the messages: due on
        # Saturday 19, payable no day after, it is payable until Monday 21.
        self.account.validity_days = 0
        with freeze_time(datetime(2026, 12, 21, 15, 0)):
            self.assertFalse(self.env["dunning.pix.charge"]._pix_create_open())
        with freeze_time(datetime(2026, 12, 22, 15, 0)):
            created = self.env["dunning.pix.charge"]._pix_create_open()
        self.assertEqual(created.move_line_id, line)
        self.assertEqual((new.state, created.generation, created.state), ("removed", 2, "active"))

    def test_a_charge_payable_a_few_days_is_replaced_only_once_it_is_not(self):
        """Payable two days after its due date: the hourly pass replaces it
        once the payer's bank refuses it, not every day (yesterday's code stays
        payable). Due Thursday 10 December, two days after is Saturday 12: the
        payer's bank accepts it until Monday 14 (the specification's examples
        A, E and G), so it is replaced on Tuesday 15; that one, payable until
        Thursday 17, on Friday 18."""
        self.account.validity_days = 2
        move = self._invoice(self.sp, DUE, amount=100.0)
        line, _code, charge = self._charge(move)
        for day in range(9):  # 10 to 18 December
            with freeze_time(datetime(2026, 12, 10, 15, 0) + timedelta(days=day)):
                self.env["dunning.pix.account"]._cron_pix_sync()
        charges = self.env["dunning.pix.charge"].search(
            [("move_line_id", "=", line.id)], order="generation"
        )
        self.assertEqual(charges.mapped("generation"), [0, 1, 2])
        self.assertEqual(charges.mapped("date_due"), [DUE, date(2026, 12, 15), date(2026, 12, 18)])
        self.assertEqual(charges.mapped("state"), ["removed", "removed", "active"])
        self.assertEqual(self.bank.refusals, [])

    def test_a_charge_due_on_a_weekend_stays_while_the_payers_bank_accepts_it(self):
        """Due Saturday 12 December, payable no day after: the payer's bank
        moves its due date to Monday 14 (the specification's
        validadeAposVencimento); the code Friday's reminder carried is not
        removed on Sunday nor on Monday, only on Tuesday."""
        self.account.validity_days = 0
        move = self._invoice(self.sp, date(2026, 12, 12), amount=100.0)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 11, 15, 0)):  # Friday's reminder
            code = line._dunning_pix_code()
        charge = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        for day in (13, 14):  # Sunday, Monday
            with freeze_time(datetime(2026, 12, day, 15, 0)):
                self.env["dunning.pix.account"]._cron_pix_sync()
                self.assertEqual(line._dunning_pix_code(), code)
            self.assertEqual(
                (charge.state, self.bank.charges[charge.txid]["status"]), ("active", "ATIVA")
            )
        with freeze_time(datetime(2026, 12, 15, 15, 0)):
            self.env["dunning.pix.account"]._cron_pix_sync()
        self.assertEqual(charge.state, "removed")
        new = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        self.assertEqual((new.generation, new.date_due), (1, date(2026, 12, 15)))
        self.assertEqual(self.bank.refusals, [])

    def test_an_installment_out_of_charges_is_left_failed_and_holds_no_other(self):
        self._static_pix_bank()
        move = self._invoice(self.sp, DUE, amount=100.0)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        Charge = self.env["dunning.pix.charge"].sudo()
        for generation in range(100):  # every one created, then replaced
            Charge.create(
                {
                    "move_line_id": line.id,
                    "move_id": move.id,
                    "account_id": self.account.id,
                    "company_id": self.company.id,
                    "generation": generation,
                    "txid": make_txid(uuid, line.id, generation),
                    "state": "removed",
                }
            )
        other = self._invoice(self.rj, DUE, amount=55.0)
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            code = line._dunning_pix_code()  # the static code, no error
            created = Charge._pix_create_open()
        self.assertIn(KEY, code)
        self.assertEqual(created.move_id, other)
        self.assertEqual(other.dunning_pix_charge_ids.state, "active")
        last = Charge.search([("move_line_id", "=", line.id)], order="generation desc", limit=1)
        self.assertEqual((last.generation, last.state), (99, "failed"))
        self.assertIn("no more Pix charges", last.last_error)
        self.assertEqual(line._dunning_pix_fallback(), last.last_error)
        # Not tried again, by a message nor by the next hourly pass.
        with freeze_time(datetime(2026, 12, 1, 17, 0)):
            self.assertIn(KEY, line._dunning_pix_code())
            self.assertFalse(Charge._pix_create_open())
        self.assertEqual(Charge.search_count([("move_line_id", "=", line.id)]), 100)

    def test_a_charge_paid_at_the_bank_is_not_removed_again_and_again(self):
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        # Paid at the bank, the notification lost; then paid by other means too.
        self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False)
        self._pay(move)
        self.env["dunning.pix.account"]._cron_pix_sync()
        self.env.invalidate_all()
        # The removal refused (the charge is CONCLUIDA): what the bank holds is
        # taken, the Pix booked as a credit for a person to look at.
        self.assertEqual(charge.state, "paid")
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.state, "review")
        patches = [r for r in self.bank.requests if r[0] == "PATCH" and charge.txid in r[1]]
        self.env["dunning.pix.account"]._cron_pix_sync()
        again = [r for r in self.bank.requests if r[0] == "PATCH" and charge.txid in r[1]]
        self.assertEqual(len(again), len(patches))

    def test_the_hourly_pass_reaches_every_charge_in_turn(self):
        """The hourly pass follows a batch of charges at a time; with more
        active charges than a batch, the next pass takes those the last one
        did not (a charge unchanged since its creation is never written, so
        the batch cannot be the oldest written). A Pix whose notification was
        lost is found however many charges the company has."""
        moves = [self._invoice(self.sp, DUE, amount=100.0 + i) for i in range(3)]
        charges = [self._charge(move)[2] for move in moves]
        self.bank.pay(charges[2].txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False)
        for _pass in range(2):
            self.env["dunning.pix.account"]._cron_pix_sync(limit=2)
        self.env.invalidate_all()
        self.assertEqual(charges[2].state, "paid")
        self.assertTrue(moves[2]._dunning_paid_by_customer())
        self.assertEqual([c.state for c in charges[:2]], ["active", "active"])

    def test_registering_a_payment_commits_nothing_midway(self):
        """Paid by Pix, the notification lost; a user registers the invoice's
        payment by other means: the bank refuses the removal (CONCLUIDA), its
        Pix is booked in the user's transaction, and nothing commits it
        halfway (only the booking's scheduled action commits)."""
        move = self._invoice(self.sp, DUE, amount=100.0)
        _line, _code, charge = self._charge(move)
        self.bank.pay(charge.txid, when=datetime(2026, 12, 9, 14, 0, tzinfo=UTC), notify=False)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        # As outside tests (the registry not in test mode); the test cursor
        # refuses any commit.
        with patch.object(self.env.registry, "in_test_mode", lambda: False):
            wizard.action_create_payments()
        self.env.invalidate_all()
        self.assertEqual(charge.state, "paid")
        self.assertEqual(move.dunning_pix_payment_ids.state, "review")  # paid twice: a credit
        self.assertIn(move.payment_state, PAID_STATES)

    def test_a_slow_bank_is_asked_once_for_a_payment_of_many_invoices(self):
        """The bank hangs: registering one payment for three invoices asks it
        once, not once per invoice (each a timeout); the charges stay active and
        flagged, and the hourly pass removes them once the bank answers."""
        moves = [self._invoice(self.sp, DUE, amount=100.0 + n) for n in range(3)]
        charges = self.env["dunning.pix.charge"].union(*(self._charge(m)[2] for m in moves))
        self.assertEqual(charges.mapped("state"), ["active"] * 3)
        self.bank.fail_next(10, "hang")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=[m.id for m in moves]
        ).create({"group_payment": True}).action_create_payments()
        self.assertEqual(len(self.bank.script), 9)  # one request reached the bank
        self.assertTrue(all(m.payment_state in PAID_STATES for m in moves))
        self.assertEqual(charges.mapped("state"), ["active"] * 3)
        self.assertTrue(all(charges.mapped("follow_pending")))
        # The bank answers again, the pause is over: the hourly pass removes
        # them (no one pays twice).
        self.bank.script.clear()
        dunning_pix_charge._BANK_PAUSED.clear()
        self.env["dunning.pix.account"]._cron_pix_sync()
        self.assertEqual(charges.mapped("state"), ["removed"] * 3)
        self.assertFalse(any(charges.mapped("follow_pending")))
        for charge in charges:
            self.assertEqual(
                self.bank.charges[charge.txid]["status"], "REMOVIDA_PELO_USUARIO_RECEBEDOR"
            )

    def test_the_hourly_pass_stops_at_a_bank_that_asks_to_wait(self):
        moves = [self._invoice(self.sp, DUE, amount=100.0 + n) for n in range(4)]
        for move in moves:
            self._charge(move)
        self.bank.fail_next(20, 429, retry_after=900)
        started = dunning_pix_charge.time.monotonic()
        self.env["dunning.pix.account"]._cron_pix_sync()
        self.env["dunning.pix.account"]._cron_pix_poll()
        self.assertEqual(len(self.bank.script), 19)  # one request, then it waits
        paused = dunning_pix_charge._BANK_PAUSED[(self.env.cr.dbname, self.account.id)]
        self.assertGreaterEqual(paused - started, 900)  # its Retry-After

    def test_a_bank_refusing_the_receivers_access_leaves_the_charge_to_try_again(self):
        self._static_pix_bank()
        move = self._invoice(self.sp, DUE, amount=100.0)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            self.account._pix_client().token()  # a token kept from before
            tokens = self.bank.token_requests
            # The bank refuses the access: the token kept, then a new one too.
            self.bank.fail_next(2, 403)
            static = line._dunning_pix_code()
        charge = move.dunning_pix_charge_ids
        self.assertEqual(charge.state, "draft")  # not "refused": the access is at fault
        self.assertIn("403", charge.last_error)
        self.assertEqual((self.bank.script, self.bank.token_requests), ([], tokens + 1))
        self.assertIn(KEY, static)  # the static code: the company's key, no charge
        dunning_pix_charge._BANK_PAUSED.clear()
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            code = line._dunning_pix_code()
        self.assertEqual((charge.state, code), ("active", charge.copy_paste))

    def test_a_token_refused_leaves_the_charges_waiting_until_the_account_is_fixed(self):
        """The token endpoint refuses (RFC 6749 §5.2: 400 invalid_client): the
        receiver's access, as a 401. The charges wait (not "refused by the
        bank"), one token request for all, the account says why, and once
        fixed the hourly pass creates them."""
        moves = [self._invoice(self.sp, DUE, amount=100.0 + n) for n in range(3)]
        self.bank.tokens.clear()  # the token kept expires: a new one is asked
        self.bank.token_error = ("invalid_client", "Credenciais revogadas pelo banco")
        self.addCleanup(setattr, self.bank, "token_error", None)
        before = self.bank.token_requests
        with freeze_time(datetime(2026, 12, 1, 15, 0)):
            self.env["dunning.pix.account"]._cron_pix_sync()
        charges = self.env["dunning.pix.charge"].search([("move_id", "in", [m.id for m in moves])])
        self.assertEqual(charges.mapped("state"), ["draft"] * 3)
        self.assertEqual(self.bank.token_requests - before, 1)
        self.assertIn("Credenciais revogadas pelo banco", charges[0].last_error)
        self.assertIn("invalid_client", self.account.last_error)
        self.assertIn("Credenciais revogadas pelo banco", self.account.last_error)
        self.assertTrue(self.env["dunning.pix.charge"]._pix_bank_paused(self.account.id))
        # Fixed at the bank; the next hourly pass creates them.
        self.bank.token_error = None
        dunning_pix_charge._BANK_PAUSED.clear()
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            self.env["dunning.pix.account"]._cron_pix_sync()
        self.assertEqual(charges.mapped("state"), ["active"] * 3)
        self.assertFalse(self.account.last_error)

    def test_a_bank_that_answers_without_the_copy_and_paste_code(self):
        # pixCopiaECola is optional in the specification: the code is built
        # from the charge's location, the one the bank would have given.
        self.bank.omit_copy_paste = True
        self.addCleanup(setattr, self.bank, "omit_copy_paste", False)
        move = self._invoice(self.sp, DUE, amount=100.0)
        line, code, charge = self._charge(move)
        held = self.bank.charges[charge.txid]
        self.assertNotIn("pixCopiaECola", held)
        self.assertEqual(code, br_code(held["location"], "PAPELARIA AURORA LTDA", "SAO PAULO"))
        self.assertIn(held["location"], code)
        # Paid with it, it is booked as the charge's (not a Pix of no charge of ours).
        self.bank.pay(charge.txid)
        self._settle()
        self.assertEqual(move.dunning_pix_payment_ids.state, "booked")

    def test_the_pix_key_is_kept_as_the_bank_takes_it(self):
        self.account.pix_key = "15.881.399/0001-34"
        self.assertEqual(self.account.pix_key, KEY)
        with self.assertRaises(UserError):
            self.account.pix_key = "15.881.399/0001-00"
        self.assertEqual(self.account.pix_key, KEY)

    def test_an_early_payment_discount_in_another_currency_is_charged_in_reais(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            {
                "name": date(2026, 10, 1),
                "rate": 0.2,
                "currency_id": usd.id,
                "company_id": self.company.id,
            }
        )  # 1 USD = 5 BRL
        move = self._discounted_invoice(100.0, usd)
        _line, _code, charge = self._charge(move)  # 1 December: before 6 December
        valor = self.bank.charges[charge.txid]["valor"]
        self.assertEqual(valor["original"], "500.00")
        self.assertEqual(
            valor["desconto"],
            {"modalidade": 1, "descontoDataFixa": [{"data": "2026-12-06", "valorPerc": "10.00"}]},
        )

    def _discounted_invoice(self, price=500.0, currency=None):
        """``price`` (500.00) invoiced on 26/11, due 26/12, 2 % off (10.00)
        when paid by 06/12; in ``currency`` when given."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30 dias, 2 % em 10 dias",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})
                ],
            }
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.sp.id,
                "invoice_date": date(2026, 11, 26),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Consultoria", "price_unit": price, "tax_ids": []})
                ],
                **({"currency_id": currency.id} if currency else {}),
            }
        )
        with freeze_time(datetime(2026, 11, 26, 15, 0)):
            move.action_post()
        return move

    def test_an_early_payment_without_its_parts_took_the_charges_discount(self):
        """A bank that leaves out componentesValor: 490.00 paid by the
        discount's date is the charge paid with its discount, not a partial
        payment leaving 10.00 for the régua to chase."""
        self.bank.omit_components = True
        self.addCleanup(setattr, self.bank, "omit_components", False)
        move = self._discounted_invoice()
        _line, _code, charge = self._charge(move)
        self.assertEqual(charge.discounts, [["2026-12-06", "10.00"]])
        record = self.bank.pay(charge.txid, when=datetime(2026, 12, 4, 14, 0, tzinfo=UTC))
        self.assertEqual((record["valor"], "componentesValor" in record), ("490.00", False))
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual(
            (received.state, received.amount, received.amount_discount), ("booked", 490.0, 10.0)
        )
        self.assertIn(move.payment_state, PAID_STATES)
        self.assertFalse(move.amount_residual)

    def test_a_discount_past_its_date_asks_no_revision(self):
        """After the discount's date the régua no longer offers it; the bank
        still holding it changes nothing anyone pays: no revision (a bank that
        merges revisions would keep it, and be asked again every hour)."""
        self.bank.merge_patch = True
        self.addCleanup(setattr, self.bank, "merge_patch", False)
        move = self._discounted_invoice()
        _line, _code, charge = self._charge(move)
        with freeze_time(datetime(2026, 12, 8, 15, 0)):
            for _hour in range(3):
                self.env["dunning.pix.account"]._cron_pix_sync()
        patches = [r for r in self.bank.requests if r[0] == "PATCH" and charge.txid in r[1]]
        self.assertEqual(patches, [])

    def test_a_bank_that_keeps_what_a_revision_leaves_out_is_not_asked_every_hour(self):
        """The contracts stop providing fine and interest; a bank that merges
        the revision keeps them. Asked once, then a person reads why on the
        charge; another change of the installment is sent."""
        self._contract_charges()
        self.bank.merge_patch = True
        self.addCleanup(setattr, self.bank, "merge_patch", False)
        move = self._invoice(self.sp, DUE, amount=300.0)
        _line, _code, charge = self._charge(move)
        self.company.dunning_contract_charges = False
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            for _hour in range(3):
                self.env["dunning.pix.account"]._cron_pix_sync()
            patches = [r for r in self.bank.requests if r[0] == "PATCH" and charge.txid in r[1]]
            self.assertEqual(len(patches), 1)
            self.assertIn("multa", self.bank.charges[charge.txid]["valor"])
            self.assertIn("without taking all of it", charge.last_error)
            self.assertTrue(charge.revision_kept)
            self._pay(move, amount=100.0)
        held = self.bank.charges[charge.txid]
        self.assertEqual((held["valor"]["original"], held["revisao"]), ("200.00", 2))

    def test_a_charge_paid_without_its_pix_listed_is_booked_by_its_txid(self):
        """A bank whose charge says CONCLUIDA without the Pix it received
        (optional in CobVCompleta): they are read by the charge's txid and
        booked; until the bank lists them, the charge stays as it was and no
        second charge is created for the installment."""
        self.bank.omit_cobv_pix = True
        self.addCleanup(setattr, self.bank, "omit_cobv_pix", False)
        move = self._invoice(self.sp, DUE, amount=100.0)
        line, code, charge = self._charge(move)
        record = self.bank.pay(charge.txid, notify=False)  # now: the bank lists it until now
        # Not listed yet: left as it was, the same code, no second charge.
        listed = self.bank.pix.pop(record["endToEndId"])
        charge.action_check_bank()
        self.assertEqual(charge.state, "active")
        self.assertIn("lists no Pix", charge.last_error)
        with freeze_time(datetime(2026, 12, 9, 15, 0)):
            self.assertEqual(line._dunning_pix_code(), code)
        self.assertEqual(len(move.dunning_pix_charge_ids), 1)
        # Listed: booked, the charge paid.
        self.bank.pix[record["endToEndId"]] = listed
        charge.action_check_bank()
        self.env.invalidate_all()
        self.assertEqual(charge.state, "paid")
        self.assertEqual(move.dunning_pix_payment_ids.e2eid, record["endToEndId"])
        self.assertIn(move.payment_state, PAID_STATES)

    def test_partial_payment_by_other_means_revises_the_amount(self):
        move = self._invoice(self.sp, DUE, amount=300.0)
        _line, _code, charge = self._charge(move)
        self._pay(move, amount=100.0)
        held = self.bank.charges[charge.txid]
        self.assertEqual((held["valor"]["original"], held["revisao"]), ("200.00", 1))
        self.assertEqual((charge.amount, charge.revision), (200.0, 1))

    def test_a_bank_keeping_less_than_it_was_sent_is_not_revised_every_hour(self):
        """A bank that keeps no payer's request nor additional information
        (optional in its answer) and the debtor's name in upper case: the
        hourly pass revises nothing; a change of amount still is."""
        self.bank.omit_echo = self.bank.upper_names = True
        self.addCleanup(setattr, self.bank, "omit_echo", False)
        self.addCleanup(setattr, self.bank, "upper_names", False)
        self.sp.name = "Maria José Souza"
        move = self._invoice(self.sp, DUE, amount=300.0)
        _line, _code, charge = self._charge(move)
        held = self.bank.charges[charge.txid]
        self.assertNotIn("solicitacaoPagador", held)
        self.assertEqual(held["devedor"]["nome"], "MARIA JOSE SOUZA")
        # While the charge is payable long enough (later, it is replaced).
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            for _hour in range(3):
                self.env["dunning.pix.account"]._cron_pix_sync()
            patches = [r for r in self.bank.requests if r[0] == "PATCH" and charge.txid in r[1]]
            self.assertEqual((patches, held["revisao"]), ([], 0))
            self._pay(move, amount=100.0)
        self.assertEqual((held["valor"]["original"], held["revisao"]), ("200.00", 1))

    def test_a_payment_unmatched_by_the_accountant_is_charged_again_at_once(self):
        """The accountant unreconciles a payment from the invoice: the installment
        owes again what it paid, and its charge asks it at once (not an hour
        later, a reminder meanwhile carrying a code for less than is owed); a
        charge removed when it was fully paid is replaced soon (the hourly pass
        is asked to run)."""
        move = self._invoice(self.sp, DUE, amount=300.0)
        line, _code, charge = self._charge(move)
        self._pay(move, amount=100.0)
        held = self.bank.charges[charge.txid]
        self.assertEqual(held["valor"]["original"], "200.00")
        # From the invoice's payment widget ("Unreconcile").
        partial = line.matched_credit_ids
        move.js_remove_outstanding_partial(partial.id)
        self.assertEqual(move.amount_residual, 300.0)
        self.assertEqual((held["status"], held["valor"]["original"]), ("ATIVA", "300.00"))
        self.assertEqual(charge.amount, 300.0)
        # Paid in full, the charge removed; the payments unmatched from the
        # journal items: a new charge for the whole installment follows.
        self._pay(move)
        self.assertEqual(held["status"], "REMOVIDA_PELO_USUARIO_RECEBEDOR")
        cron = self.env.ref("l10n_br_dunning_pix.ir_cron_dunning_pix_sync")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        line.remove_move_reconcile()
        self.assertEqual(move.amount_residual, 300.0)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        with freeze_time(datetime(2026, 12, 1, 16, 0)):
            self.env["dunning.pix.account"]._cron_pix_sync()
        new = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        self.assertEqual(self.bank.charges[new.txid]["valor"]["original"], "300.00")

    def test_a_due_date_edited_on_the_posted_invoice_moves_the_charge(self):
        """The accountant moves a posted invoice's due date (its Due Date field):
        the charge's due date moves at once, not an hour later (a reminder
        meanwhile carried a code whose bank counted fine and interest from the
        old date)."""
        move = self._invoice(self.sp, DUE, amount=300.0)
        line, _code, charge = self._charge(move)
        with freeze_time(datetime(2026, 12, 1, 15, 0)), Form(move) as form:
            form.invoice_date_due = date(2026, 12, 22)
        self.assertEqual(line.date_maturity, date(2026, 12, 22))
        held = self.bank.charges[charge.txid]
        self.assertEqual(
            (held["status"], held["calendario"]["dataDeVencimento"]), ("ATIVA", "2026-12-22")
        )
        self.assertEqual(charge.date_due, date(2026, 12, 22))

    def test_new_date_on_the_portal_moves_the_charge_due_date(self):
        move = self._invoice(self.sp, DUE, amount=300.0)
        _line, _code, charge = self._charge(move)
        move.dunning_promise_date = date(2026, 12, 18)
        held = self.bank.charges[charge.txid]
        self.assertEqual(held["calendario"]["dataDeVencimento"], "2026-12-18")
        self.assertEqual(charge.date_due, date(2026, 12, 18))

    def test_a_message_sent_with_the_static_code_says_so_on_its_event(self):
        self._static_pix_bank()
        move = self._invoice(self.sp, DUE, amount=80.0)
        other = self._invoice(self.rj, DUE, amount=90.0)
        self.bank.fail_next(20, 503)
        self._run(datetime(2026, 12, 10, 15, 0))
        reasons = []
        for invoice in (move, other):
            events = self._events(invoice).filtered(
                lambda e: e.channel == "email" and e.state == "queued"
            )
            self.assertEqual(len(events), 1)
            self.assertIn("static Pix code", events.reason)
            reasons.append(events.reason)
        # The first installment met the bank's error, the next one the pause.
        self.assertEqual(sum("503" in reason for reason in reasons), 1)
        self.assertEqual(sum("did not answer" in reason for reason in reasons), 1)

    def test_charges_are_created_ahead_of_the_reminders(self):
        moves = [self._invoice(self.sp, DUE, amount=10.0 + n) for n in range(5)]
        self.bank.latency = 0.2
        self.addCleanup(setattr, self.bank, "latency", 0.0)
        created = self.env["dunning.pix.charge"]._pix_create_open()
        self.assertEqual(len(created.filtered(lambda c: c.state == "active")), 5)
        for move in moves:
            held = self.bank.charges[move.dunning_pix_charge_ids.txid]
            self.assertEqual(held["valor"]["original"], f"{move.amount_total:.2f}")
        # Nothing more the second time.
        self.assertFalse(self.env["dunning.pix.charge"]._pix_create_open())


@tagged("post_install", "-at_install")
class TestDunningPixMutualTls(DunningCase):
    """The bank asks for the client certificate the company uploaded."""

    def test_charges_over_mutual_tls_and_the_expiry_warning(self):
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        tls = make_tls(directory)
        bank = PixStandIn(receiver_cnpj=KEY, tls=tls).start()
        self.addCleanup(bank.stop)

        def pem(name):
            return base64.b64encode(Path(tls[name]).read_bytes())

        account = self.env["dunning.pix.account"].create(
            {
                "name": "Banco (mTLS)",
                "company_id": self.company.id,
                "base_url": bank.base_url,
                "token_url": bank.token_url,
                "client_id": bank.client_id,
                "client_secret": bank.client_secret,
                "pix_key": KEY,
                "journal_id": self.company_data["default_journal_bank"].id,
                "certificate": pem("client_cert"),
                "certificate_key": pem("client_key"),
                "ca_certificate": pem("ca"),
            }
        )
        # The stand-in's client certificate expires in 20 days: the warning
        # shows, on the account and in Settings.
        self.assertTrue(account.certificate_warning)
        self.assertTrue(account.certificate_expires)
        settings = self.env["res.config.settings"].create({})
        self.assertIn("Banco (mTLS)", settings.dunning_pix_certificate_warning)
        # As the Settings page opens them (an onchange, before any record).
        with Form(self.env["res.config.settings"].with_company(self.company)) as form:
            self.assertIn("Banco (mTLS)", form.dunning_pix_certificate_warning)
            self.assertGreaterEqual(form.dunning_pix_account_count, 1)
        self.sp.vat = "529.982.247-25"
        move = self._invoice(self.sp, DUE, amount=50.0)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        self.assertIn("br.gov.bcb.pix", line._dunning_pix_code())
        self.assertEqual(move.dunning_pix_charge_ids.state, "active")
        # The key and certificates are the administrators': a collections
        # user who reads the account does not read them as attachments.
        collector = new_test_user(
            self.env, login="cobranca-mtls", groups="l10n_br_dunning.group_dunning_manager"
        )
        domain = [("res_model", "=", "dunning.pix.account"), ("res_id", "=", account.id)]
        Attachment = self.env["ir.attachment"]
        self.assertEqual(
            len(Attachment.search([*domain, ("res_field", "!=", False)])), 3, "the admin's"
        )
        self.assertTrue(account.with_user(collector).name)
        self.assertFalse(
            Attachment.with_user(collector).search(
                [*domain, ("res_field", "in", ("certificate", "certificate_key", "ca_certificate"))]
            )
        )
        key = Attachment.search([*domain, ("res_field", "=", "certificate_key")])
        with self.assertRaises(AccessError):
            key.with_user(collector).read(["datas"])
        # Without the certificate the bank does not even answer.
        account.write({"certificate": False, "certificate_key": False})
        other = self._invoice(self.sp, DUE, amount=60.0)
        other_line = other.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        other_line._dunning_pix_code()
        self.assertEqual(other.dunning_pix_charge_ids.state, "draft")
        self.assertFalse(account.certificate_warning)
