# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""End to end against an independent bank written from the specification alone
(tests/pixbank.py): small pages, horario with fractions and -03:00, notifications
batched, repeated, reordered, late, forged."""

import json
from datetime import UTC, date, datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.l10n_br_dunning_pix.models import dunning_pix_charge

from .pixbank import PixBank

KEY = "15881399000134"
LONG_NAME = "Associação Beneficente dos Trabalhadores Autônomos de São João do Meriti Ltda ME"


@tagged("post_install", "-at_install")
class TestPixBankEndToEnd(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = PixBank(KEY)
        cls.bank.start()
        cls.addClassCleanup(cls.bank.stop)
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.sp.vat = "529.982.247-25"
        cls.rj.vat = "11.222.333/0001-81"
        cls.manaus.vat = "111.444.777-35"
        cls.long = cls._customer(
            LONG_NAME,
            "base.state_br_rj",
            "America/Sao_Paulo",
            "(21) 99111-2222",
            vat="935.411.347-80",
        )
        cls.company.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        cls.account = cls.env["dunning.pix.account"].create(
            {
                "name": "Banco independente",
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

    def setUp(self):
        super().setUp()
        dunning_pix_charge._BANK_PAUSED.clear()
        # The bank serves the whole class: what another test charged, paid or
        # registered there is not this test's (a Pix of another test's charge
        # would be read by this one's polling).
        bank = self.bank
        with bank.lock:
            for kept in (bank.charges, bank.pix, bank.webhooks, bank.log, bank.notified):
                kept.clear()
            bank.violations.clear()

    def _line(self, move):
        return move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")

    def _charge(self, move):
        return move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")

    def _book(self):
        self.env.invalidate_all()
        self.env["dunning.pix.payment"]._cron_pix_book()
        self.env.invalidate_all()

    def test_a_new_webhook_secret_refuses_the_old_address_at_once(self):
        """*New webhook secret*: the bank is given the new address; a
        notification to the old one is refused (403) and books nothing, the
        same Pix notified to the new address is booked."""
        bank = self.bank
        web_base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", web_base + "/")
        self.account.action_register_webhook()
        old_url = bank.webhooks[KEY]["webhookUrl"]
        self.assertEqual(old_url, self.account.webhook_url)
        self.assertNotIn("//dunning_pix", old_url)
        self.account.action_new_webhook_secret()
        new_url = bank.webhooks[KEY]["webhookUrl"]
        self.assertNotEqual(new_url, old_url)
        self.assertEqual(new_url, self.account.webhook_url)
        move = self._invoice(self.rj, date(2026, 12, 20), 500.0)
        t0 = datetime(2026, 12, 7, 13, 0)
        with freeze_time(t0):
            self.env["dunning.pix.account"]._cron_pix_sync()
        self.env.invalidate_all()
        charge = self._charge(move)
        paid = bank.pay(charge.txid, "500.00", datetime(2026, 12, 8, 14, 0, tzinfo=UTC))
        Payment = self.env["dunning.pix.payment"]
        with freeze_time(datetime(2026, 12, 8, 14, 1)):
            self.env.flush_all()
            old = self.url_open(
                old_url + "/pix",
                data=json.dumps({"pix": [paid]}),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(old.status_code, 403)
            self.env.invalidate_all()
            self.assertFalse(Payment.search([("e2eid", "=", paid["endToEndId"])]))
            self.assertEqual(bank.notify([paid]), 200)
        self.env.invalidate_all()
        self.assertTrue(Payment.search([("e2eid", "=", paid["endToEndId"])]))

    def test_end_to_end_at_an_independent_bank(self):
        bank = self.bank
        result = self.account.action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self.account.action_register_webhook()
        self.assertTrue(bank.webhooks[KEY]["webhookUrl"].endswith(self.account.webhook_token))

        t0 = datetime(2026, 12, 7, 13, 0)
        overdue = self._invoice(self.sp, date(2026, 11, 20), 1000.0)
        later = self._invoice(self.rj, date(2026, 12, 20), 500.0)
        longn = self._invoice(self.long, date(2026, 12, 15), 300.0)
        partial = self._invoice(self.sp, date(2026, 12, 18), 200.0)
        over = self._invoice(self.rj, date(2026, 12, 18), 150.0)
        twice = self._invoice(self.manaus, date(2026, 12, 18), 80.0)
        moves = overdue | later | longn | partial | over | twice
        with freeze_time(t0):
            self.env["dunning.pix.account"]._cron_pix_sync()
            self.env["dunning.pix.account"]._cron_pix_poll()
        self.env.invalidate_all()
        charges = {m: self._charge(m) for m in moves}
        for move, charge in charges.items():
            self.assertEqual(len(charge), 1, move.partner_id.name)
            self.assertIn(charge.txid, bank.charges)
        self.assertEqual(bank.violations, [])
        held = {m: bank.charges[c.txid]["body"] for m, c in charges.items()}
        self.assertEqual(held[later]["devedor"]["cnpj"], "11222333000181")
        self.assertEqual(held[later]["valor"]["original"], "500.00")
        self.assertEqual(held[longn]["devedor"]["nome"], LONG_NAME)
        self.assertEqual(held[longn]["devedor"]["cpf"], "93541134780")
        # The overdue installment is charged due the bank's today.
        self.assertEqual(held[overdue]["calendario"]["dataDeVencimento"], "2026-12-07")
        overdue_total = held[overdue]["valor"]["original"]
        self.assertGreater(float(overdue_total), 1000.0)
        # The régua reminds the overdue invoice with the bank's charge.
        self._run(t0)
        reminded = self._events(overdue).filtered(lambda e: e.state == "queued")
        self.assertTrue(reminded)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("body_html", "ilike", charges[overdue].copy_paste[:30])])
        )
        self.assertTrue(mail)

        # Paid at the bank on 8 December.
        t1 = datetime(2026, 12, 8, 14, 0, 5, 120000, tzinfo=UTC)
        c = {m: ch.txid for m, ch in charges.items()}
        p_later = bank.pay(c[later], "500.00", t1)
        p_partial = bank.pay(c[partial], "120.00", t1.replace(minute=1))
        p_over = bank.pay(c[over], "160.00", t1.replace(minute=2))
        p_twice1 = bank.pay(c[twice], "80.00", t1.replace(minute=3))
        p_twice2 = bank.pay(c[twice], "80.00", t1.replace(minute=4))
        p_overdue = bank.pay(c[overdue], overdue_total, t1.replace(minute=5))  # never notified
        p_foreign = bank.pay("ZZforeign0000000000000000000001", "42.00", t1.replace(minute=6))
        with freeze_time(t1):
            self.assertEqual(bank.notify([p_later, p_partial, p_twice1]), 200)
            self.assertEqual(bank.notify([p_later]), 200)  # duplicated
            self.assertEqual(bank.notify([p_over, p_twice2]), 200)  # out of order
            forged = dict(p_later, endToEndId="E99999999202612081400abcdefghijk")
            self.assertEqual(bank.notify([forged]), 422)
            self.assertEqual(bank.notify([p_foreign]), 200)
        self.env.invalidate_all()
        # Confirmed: no run reminds them while they are booked.
        self.assertFalse(self._line(later)._dunning_is_open())
        with freeze_time(datetime(2026, 12, 8, 15, 0)):
            self.env["dunning.pix.account"]._cron_pix_poll()
            self.assertEqual(bank.notify([p_partial]), 200)  # late duplicate
        self._book()
        polls = [r for r in bank.log if r[0] == "GET" and r[1].endswith("/pix")]
        pages = sorted({r[2] for r in polls})
        self.assertGreaterEqual(len(polls), 4, pages)  # seven Pix, two a page

        Payment = self.env["dunning.pix.payment"]
        received = Payment.search([("account_id", "=", self.account.id)])
        e2eids = received.mapped("e2eid")
        self.assertEqual(len(e2eids), len(set(e2eids)))
        self.assertEqual(
            set(e2eids),
            {
                p["endToEndId"]
                for p in (p_later, p_partial, p_over, p_twice1, p_twice2, p_overdue, p_foreign)
            },
        )
        self.assertEqual(later.amount_residual, 0.0)
        self.assertEqual(overdue.amount_residual, 0.0)
        self.assertEqual(partial.amount_residual, 80.0)
        self.assertEqual(over.amount_residual, 0.0)
        self.assertEqual(twice.amount_residual, 0.0)
        foreign = received.filtered(lambda r: r.e2eid == p_foreign["endToEndId"])
        self.assertFalse(foreign.payment_id)
        payments = received.mapped("payment_id")
        self.assertEqual(len(payments), 6)
        self.assertEqual(
            sorted(payments.mapped("amount")),
            sorted([500.0, 120.0, 160.0, 80.0, 80.0, float(overdue_total)]),
        )

        # The régua: paid installments thanked, never reminded again.
        before = {m: len(self._events(m)) for m in moves}
        self._run(datetime(2026, 12, 9, 13, 0))
        self._run(datetime(2026, 12, 21, 13, 0))
        for move in (later, overdue, over, twice):
            new = self._events(move)[before[move] :]
            self.assertFalse(new.filtered(lambda e: not e.channel.startswith("thanks")), move.name)
        # Thanked: the one the régua reminded.
        self.assertTrue(self._events(overdue).filtered(lambda e: e.channel.startswith("thanks")))

        # Paid late on 17 December with fine and interest.
        t3 = datetime(2026, 12, 17, 14, 0, tzinfo=UTC)
        p_long = bank.pay(
            c[longn],
            "306.20",
            t3,
            components={
                "original": {"valor": "300.00"},
                "multa": {"valor": "6.00"},
                "juros": {"valor": "0.20"},
            },
        )
        with freeze_time(t3):
            self.assertEqual(bank.notify([p_long]), 200)
        self._book()
        self.assertEqual(longn.amount_residual, 0.0)
        got = longn.dunning_pix_payment_ids
        self.assertEqual((got.amount, got.amount_charges), (306.2, 6.2))

        # A refund of the first payment reopens it.
        with freeze_time(t3):
            bank.refund(p_later["endToEndId"], "500.00", t3)
            self.assertEqual(bank.notify([p_later]), 200)
        self._book()
        self.assertEqual(later.amount_residual, 500.0)
        self.assertEqual(later.dunning_pix_payment_ids.state, "refunded")

        # Every request the bank got was valid.
        self.assertEqual(bank.violations, [], json.dumps(bank.log[-5:]))
