# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix in a database of several companies, over real HTTP: Aurora (São Paulo)
and its Rio branch (same CNPJ root) each at its own bank, and Papelaria Minas
(another CNPJ) at Aurora's bank's address with credentials and a key of its
own; one customer, Maria, invoiced by the three."""

from datetime import UTC, date, datetime

import requests
from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.l10n_br_dunning.tests.common import DunningCase
from odoo.addons.l10n_br_dunning.tools.payment_states import PAID_STATES
from odoo.addons.l10n_br_dunning_pix.models import dunning_pix_charge

from stand_ins.pix_psp import PixStandIn

DUE = date(2026, 12, 10)
KEY_SP = "15881399000134"
KEY_RIO = "15881399000215"
KEY_MINAS = "pix@minas.example"


@tagged("post_install", "-at_install")
class TestDunningPixCompanies(DunningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.sp.vat = "529.982.247-25"
        cls.rio = cls._rio_branch()
        cls.minas = cls._branch(
            "Papelaria Minas Ltda",
            "base.state_br_mg",
            "Avenida Afonso Pena, 1000",
            "Belo Horizonte",
            "11.444.777/0001-61",
            "cobranca@minas.example",
        )
        # Aurora's bank, where Minas has credentials and a key of its own.
        cls.bank_sp = PixStandIn(
            client_id="aurora-sp",
            client_secret="sp-secret",
            key=KEY_SP,
            receiver_cnpj=KEY_SP,
            receiver_name="PAPELARIA AURORA LTDA",
        ).add_client("minas", "minas-secret", KEY_MINAS)
        cls.bank_rio = PixStandIn(
            client_id="aurora-rio",
            client_secret="rio-secret",
            key=KEY_RIO,
            receiver_cnpj=KEY_RIO,
            receiver_name="AURORA FILIAL RIO",
        )
        for bank in (cls.bank_sp, cls.bank_rio):
            bank.start()
            cls.addClassCleanup(bank.stop)
        cls.accounts = {}
        for company, bank, client, secret, key in (
            (cls.company, cls.bank_sp, "aurora-sp", "sp-secret", KEY_SP),
            (cls.rio, cls.bank_rio, "aurora-rio", "rio-secret", KEY_RIO),
            (cls.minas, cls.bank_sp, "minas", "minas-secret", KEY_MINAS),
        ):
            journal = cls.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
            )
            account = cls.env["dunning.pix.account"].create(
                {
                    "name": f"Pix {company.name}",
                    "company_id": company.id,
                    "base_url": bank.base_url,
                    "token_url": bank.token_url,
                    "client_id": client,
                    "client_secret": secret,
                    "pix_key": key,
                    "journal_id": journal.id,
                    "timeout": 5.0,
                }
            )
            account.action_register_webhook()
            cls.accounts[company] = account

    def setUp(self):
        super().setUp()
        dunning_pix_charge._BANK_PAUSED.clear()
        for bank in (self.bank_sp, self.bank_rio):
            bank.script.clear()
            bank.notifications.clear()
            bank.client_requests.clear()

    # -- helpers -----------------------------------------------------------------------
    def _charged(self, company, amount, partner=None, due=DUE, at=datetime(2026, 12, 1, 15, 0)):
        """An invoice of ``company`` to Maria, its installment charged at ``at``."""
        move = self._invoice(partner or self.sp, due, amount=amount, company=company)
        line = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(at):
            code = line._dunning_pix_code()
        charge = move.dunning_pix_charge_ids.filtered(lambda c: c.state == "active")
        self.assertTrue(charge, f"no charge for {company.name}")
        self.assertEqual(code, charge.copy_paste)
        return move, line, charge

    def _settle(self):
        for bank in (self.bank_sp, self.bank_rio):
            bank.wait_notifications()
        self.env.invalidate_all()
        self.env["dunning.pix.payment"]._cron_pix_book()
        self.env.invalidate_all()

    def _webhook(self, account, token=None):
        return (
            f"{self.base_url()}/dunning_pix/webhook/{account.id}/"
            f"{token or account.sudo().webhook_token}/pix"
        )

    # -- charges -----------------------------------------------------------------------
    def test_each_company_charges_at_its_own_bank_with_its_key_and_name(self):
        """Each installment's charge is created at its company's bank, with that
        company's Pix key and its name and CNPJ, by that company's credentials;
        no txid is shared."""
        charges = {}
        # One CNPJ imported as bare digits: the bank's app shows it formatted.
        self.minas.partner_id.vat = "11444777000161"
        for company, amount in ((self.company, 100.0), (self.rio, 200.0), (self.minas, 300.0)):
            _move, _line, charge = self._charged(company, amount)
            self.assertEqual(charge.account_id, self.accounts[company])
            self.assertEqual(charge.company_id, company)
            charges[company] = charge
        self.assertEqual(len({charge.txid for charge in charges.values()}), 3)
        expected = {
            self.company: (self.bank_sp, "aurora-sp", KEY_SP, "CNPJ 15.881.399/0001-34"),
            self.rio: (self.bank_rio, "aurora-rio", KEY_RIO, "CNPJ 15.881.399/0002-15"),
            self.minas: (self.bank_sp, "minas", KEY_MINAS, "CNPJ 11.444.777/0001-61"),
        }
        for company, (bank, client, key, cnpj) in expected.items():
            txid = charges[company].txid
            held = bank.charges[txid]
            self.assertEqual(held["chave"], key)
            creditor = dict((i["nome"], i["valor"]) for i in held["infoAdicionais"])["Creditor"]
            self.assertIn(company.name, creditor)
            self.assertIn(cnpj, creditor)
            puts = [
                c for c, method, path in bank.client_requests if method == "PUT" and txid in path
            ]
            self.assertEqual(puts, [client])
            other = self.bank_rio if bank is self.bank_sp else self.bank_sp
            self.assertNotIn(txid, other.charges)
        self.assertEqual(self.bank_sp.refusals + self.bank_rio.refusals, [])

    def test_an_agreement_of_the_branch_is_charged_at_the_branchs_bank(self):
        move = self._invoice(self.sp, date(2026, 11, 3), amount=1000.0, company=self.rio)
        receivable = move.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):
            agreement = (
                self.env["dunning.agreement"]
                .with_company(self.rio)
                ._propose(receivable, 2, date(2026, 12, 10))
            )
            self._customer_accepts(agreement).action_approve()
        self.assertEqual(agreement.company_id, self.rio)
        installments = agreement.installment_ids.sorted("number").move_line_id
        with freeze_time(datetime(2026, 12, 4, 15, 0)):
            for line in installments:
                line._dunning_pix_code()
        charges = self.env["dunning.pix.charge"].search(
            [("move_line_id", "in", installments.ids), ("state", "=", "active")]
        )
        self.assertEqual(len(charges), 2)
        self.assertEqual(charges.account_id, self.accounts[self.rio])
        for charge in charges:
            self.assertEqual(self.bank_rio.charges[charge.txid]["chave"], KEY_RIO)
            self.assertNotIn(charge.txid, self.bank_sp.charges)

    # -- notifications -------------------------------------------------------------------
    def test_a_notification_at_another_companys_address_changes_nothing(self):
        """The branch's Pix posted to Aurora's address (Aurora's secret): Aurora's
        bank does not know it, nothing is booked. Posted with the branch's
        secret under Aurora's account (or Aurora's under the branch's): 403,
        nothing read, and the server log says so for an administrator. The
        branch's own notification then books it in the branch."""
        move, line, charge = self._charged(self.rio, 250.0)
        record = self.bank_rio.pay(charge.txid, notify=False)
        sp, rio = self.accounts[self.company], self.accounts[self.rio]
        with self.assertLogs("odoo.addons.l10n_br_dunning_pix", "WARNING") as logs:
            answer = requests.post(self._webhook(sp), json={"pix": [record]}, timeout=30)
        self.assertEqual(answer.status_code, 422)
        self.assertIn(record["endToEndId"], "\n".join(logs.output))
        for account, token in ((sp, rio.sudo().webhook_token), (rio, sp.sudo().webhook_token)):
            with self.assertLogs("odoo.addons.l10n_br_dunning_pix", "WARNING") as logs:
                answer = requests.post(
                    self._webhook(account, token), json={"pix": [record]}, timeout=30
                )
            self.assertEqual(answer.status_code, 403)
            self.assertIn(f"Pix account {account.id}", "\n".join(logs.output))
            self.assertNotIn(token, "\n".join(logs.output))  # the secret is not logged
        self.env.invalidate_all()
        self.assertFalse(
            self.env["dunning.pix.payment"].search([("e2eid", "=", record["endToEndId"])])
        )
        self.assertFalse(line.dunning_pix_pending)
        self.assertEqual(move.payment_state, "not_paid")
        # Aurora's bank was asked about it with Aurora's credentials only.
        self.assertEqual(
            [(c, m) for c, m, p in self.bank_sp.client_requests if "/pix/" in p],
            [("aurora-sp", "GET")],
        )
        self.bank_rio.notify([record["endToEndId"]])
        self._settle()
        received = move.dunning_pix_payment_ids
        self.assertEqual(received.state, "booked")
        self.assertEqual(received.company_id, self.rio)

    # -- booking -------------------------------------------------------------------------
    def test_each_payment_is_booked_in_its_companys_books(self):
        """Paid at 23:30 in São Paulo on 9 December: each payment in its own
        company's journal, receivable and currency, dated the customer's day;
        the branch's late payment's fine and interest in the branch's income;
        each invoice's note names its own bank."""
        self.rio.write(
            {
                "dunning_contract_charges": True,
                "dunning_fine_percent": 2.0,
                "dunning_interest_percent": 1.0,
            }
        )
        paid = {}
        for company, amount in ((self.company, 100.0), (self.rio, 200.0), (self.minas, 300.0)):
            move, line, charge = self._charged(company, amount)
            bank = self.bank_rio if company == self.rio else self.bank_sp
            when = (
                datetime(2026, 12, 15, 2, 30, tzinfo=UTC)
                if company == self.rio
                else datetime(2026, 12, 10, 2, 30, tzinfo=UTC)
            )
            bank.pay(charge.txid, when=when)
            bank.wait_notifications()  # the webhook shares the test's cursor
            paid[company] = (move, line)
        self._settle()
        for company, (move, line) in paid.items():
            received = move.dunning_pix_payment_ids
            self.assertEqual(received.state, "booked", received.note)
            self.assertEqual(received.company_id, company)
            payment = received.payment_id
            self.assertEqual(payment.company_id, company)
            self.assertEqual(payment.journal_id, self.accounts[company].journal_id)
            self.assertEqual(payment.currency_id, company.currency_id)
            self.assertIn(move.payment_state, PAID_STATES)
            counterpart = payment.move_id.line_ids.filtered(
                lambda aml, line=line: aml.account_id == line.account_id
            )
            self.assertTrue(counterpart)
            self.assertEqual(payment.move_id.line_ids.account_id.company_ids, company)
            note = move.message_ids.filtered(lambda m: "received at" in (m.body or ""))
            self.assertIn(self.accounts[company].name, note.body)
        sp_payment = paid[self.company][0].dunning_pix_payment_ids.payment_id
        self.assertEqual(sp_payment.date, date(2026, 12, 9))
        rio_payment = paid[self.rio][0].dunning_pix_payment_ids
        self.assertEqual(rio_payment.payment_id.date, date(2026, 12, 14))
        self.assertGreater(rio_payment.amount_charges, 0)

    def test_late_or_not_in_the_calendar_of_each_companys_state(self):
        """A customer with no address: Friday 23 April 2027 is Saint George's day
        in Rio (a state holiday), not in São Paulo. Paid on Monday the 26th,
        the branch's charge is on time, Aurora's is late."""
        nowhere = self.env["res.partner"].create(
            {"name": "Cliente Sem Endereço", "vat": "111.444.777-35", "country_id": False}
        )
        at = datetime(2027, 4, 1, 15, 0)
        _m, _l, sp_charge = self._charged(self.company, 100.0, nowhere, date(2027, 4, 23), at)
        _m, _l, rio_charge = self._charged(self.rio, 100.0, nowhere, date(2027, 4, 23), at)
        monday = datetime(2027, 4, 26, 15, 0)
        self.assertTrue(sp_charge._pix_paid_late(monday))
        self.assertFalse(rio_charge._pix_paid_late(monday))

    def test_the_thank_you_comes_from_the_company_paid(self):
        move, _line, charge = self._charged(self.rio, 180.0)
        self._run(datetime(2026, 12, 10, 13, 0))
        self.assertTrue(self._events(move).filtered(lambda e: e.channel == "email"))
        self.bank_rio.pay(charge.txid, when=datetime(2026, 12, 10, 14, 0, tzinfo=UTC))
        self._settle()
        self._run(datetime(2026, 12, 11, 13, 0))
        thanks = self._events(move, channel="thanks")
        self.assertEqual(thanks.state, "queued")
        self.assertEqual(self._events(move, channel="thanks_sms").state, "queued")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("res_id", "=", self.sp.id), ("subject", "ilike", "thank you")])
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Aurora Filial Rio: thank you for your payment")
        self.assertIn("cobranca.rio@aurora-rio.example", mail.email_from)
        self.assertNotIn(self.company.name, mail.body_html)

    # -- polling -----------------------------------------------------------------------
    def test_each_accounts_reading_reads_its_own_bank(self):
        """The scheduled reading: each account reads its bank with its own
        credentials, and each Pix is queued for its own company."""
        e2eids = {}
        for company, amount in ((self.company, 100.0), (self.rio, 200.0), (self.minas, 300.0)):
            _move, _line, charge = self._charged(company, amount)
            bank = self.bank_rio if company == self.rio else self.bank_sp
            e2eids[company] = bank.pay(charge.txid, notify=False)["endToEndId"]
        self.env["dunning.pix.account"]._cron_pix_poll()
        listed = {
            bank: sorted(c for c, m, p in bank.client_requests if m == "GET" and p.endswith("/pix"))
            for bank in (self.bank_sp, self.bank_rio)
        }
        self.assertEqual(listed[self.bank_sp], ["aurora-sp", "minas"])
        self.assertEqual(listed[self.bank_rio], ["aurora-rio"])
        rows = self.env["dunning.pix.payment"].search([("e2eid", "in", list(e2eids.values()))])
        self.assertEqual(len(rows), 3)
        for company, e2eid in e2eids.items():
            row = rows.filtered(lambda r, e2eid=e2eid: r.e2eid == e2eid)
            self.assertEqual(row.state, "queued")
            self.assertEqual(row.company_id, company)
            self.assertEqual(row.account_id, self.accounts[company])

    # -- who sees what -------------------------------------------------------------------
    def _call(self, model, method, args, kwargs=None, companies=None):
        kwargs = dict(kwargs or {})
        if companies:
            kwargs["context"] = {"allowed_company_ids": [c.id for c in companies]}
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def test_a_user_of_one_company_neither_sees_nor_acts_on_the_others(self):
        sp_move, _l, sp_charge = self._charged(self.company, 100.0)
        rio_move, _l, rio_charge = self._charged(self.rio, 200.0)
        self.bank_sp.pay(sp_charge.txid)
        self.bank_sp.wait_notifications()
        self.bank_rio.pay(rio_charge.txid)
        self._settle()
        sp_pix, rio_pix = sp_move.dunning_pix_payment_ids, rio_move.dunning_pix_payment_ids
        groups = "l10n_br_dunning.group_dunning_user,account.group_account_manager"
        new_test_user(
            self.env,
            login="contador-sp",
            groups=groups,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        new_test_user(
            self.env,
            login="admin-sp",
            groups=f"{groups},base.group_system",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        new_test_user(
            self.env,
            login="contador-grupo",
            groups=groups,
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.rio).ids)],
        )
        rio_account = self.accounts[self.rio]
        for login in ("contador-sp", "admin-sp"):
            self.authenticate(login, login)
            for model, record in (
                ("dunning.pix.charge", rio_charge),
                ("dunning.pix.payment", rio_pix),
                ("dunning.pix.account", rio_account),
            ):
                found = self._call(model, "search_read", [[]], {"fields": ["id"]})
                self.assertNotIn(record.id, [row["id"] for row in found], (login, model))
                with self.assertRaises(JsonRpcException, msg=(login, model)):
                    self._call(model, "read", [record.ids, ["display_name"]])
            with self.assertRaises(JsonRpcException):
                self._call("dunning.pix.charge", "action_check_bank", [rio_charge.ids])
            with self.assertRaises(JsonRpcException):
                self._call("dunning.pix.payment", "action_book_again", [rio_pix.ids])
            with self.assertRaises(JsonRpcException):
                self._call(
                    "dunning.pix.charge", "read", [rio_charge.ids, ["txid"]], companies=self.rio
                )
        # The administrator of Aurora alone: not the branch's bank connection.
        self.authenticate("admin-sp", "admin-sp")
        token = rio_account.sudo().webhook_token
        requests_before = len(self.bank_rio.client_requests)
        tokens_before = self.bank_rio.token_requests
        for method in ("action_test_connection", "action_register_webhook"):
            with self.assertRaises(JsonRpcException, msg=method):
                self._call("dunning.pix.account", method, [rio_account.ids])
        with self.assertRaises(JsonRpcException):
            self._call("dunning.pix.account", "action_new_webhook_secret", [rio_account.ids])
        with self.assertRaises(JsonRpcException):
            self._call(
                "dunning.pix.account", "read", [rio_account.ids, ["client_id", "client_secret"]]
            )
        self.env.invalidate_all()
        self.assertEqual(rio_account.sudo().webhook_token, token)
        self.assertEqual(len(self.bank_rio.client_requests), requests_before)
        self.assertEqual(self.bank_rio.token_requests, tokens_before)
        attachments = self._call(
            "ir.attachment",
            "search_read",
            [[("res_model", "=", "dunning.pix.account")]],
            {"fields": ["res_id"]},
        )
        self.assertNotIn(rio_account.id, [row["res_id"] for row in attachments])
        # A user of both companies sees each in its company.
        self.authenticate("contador-grupo", "contador-grupo")
        for companies, seen in (
            (self.company, sp_charge),
            (self.rio, rio_charge),
            (self.company | self.rio, sp_charge | rio_charge),
        ):
            found = self._call(
                "dunning.pix.charge",
                "search_read",
                [[("id", "in", (sp_charge | rio_charge).ids)]],
                {"fields": ["id"]},
                companies=companies,
            )
            self.assertEqual(sorted(row["id"] for row in found), sorted(seen.ids))
        self.assertTrue(
            self._call(
                "dunning.pix.charge", "action_check_bank", [rio_charge.ids], companies=self.rio
            )
        )
        for companies, seen in ((self.company, sp_pix), (self.rio, rio_pix)):
            found = self._call(
                "dunning.pix.payment",
                "search_read",
                [[("id", "in", (sp_pix | rio_pix).ids)]],
                {"fields": ["id"]},
                companies=companies,
            )
            self.assertEqual([row["id"] for row in found], seen.ids)

    # -- an account archived ---------------------------------------------------------------
    def test_archiving_one_companys_account_leaves_the_others_charges_alone(self):
        _sp_move, _sp_line, _sp_charge = self._charged(self.company, 100.0)
        rio_move, rio_line, rio_charge = self._charged(self.rio, 200.0)
        self.accounts[self.company].active = False
        with freeze_time(datetime(2026, 12, 2, 15, 0)):
            self.assertEqual(rio_line._dunning_pix_code(), rio_charge.copy_paste)
        self.env["dunning.pix.account"]._cron_pix_sync()
        self.assertEqual(rio_charge.state, "active")
        self.bank_rio.pay(rio_charge.txid)
        self._settle()
        self.assertEqual(rio_move.dunning_pix_payment_ids.state, "booked")
        self.assertEqual(rio_charge.state, "paid")
        self.accounts[self.company].active = True

    def test_an_archived_account_still_settles_the_charges_it_left_payable(self):
        """Archiving Aurora's account stops new charges there, but the codes it
        gave customers stay payable at the bank until they expire: a Pix paid
        on one of them is still confirmed, booked and reconciled, whether the
        bank notifies it or the scheduled reading finds it. Once nothing is
        payable there, its address answers 403 again."""
        move, line, charge = self._charged(self.company, 100.0)
        other_move, _other_line, other_charge = self._charged(self.company, 150.0)
        account = self.accounts[self.company]
        account.active = False
        self.env.flush_all()  # as the administrator's save commits it
        try:
            self.bank_sp.pay(charge.txid)  # notified to the archived account's address
            self._settle()
            self.assertEqual(move.dunning_pix_payment_ids.state, "booked")
            self.assertEqual(charge.state, "paid")
            self.assertEqual(
                move.payment_state, self.env["account.move"]._get_invoice_in_payment_state()
            )
            # A notification lost: the scheduled reading of the archived account finds it.
            self.bank_sp.pay(other_charge.txid, notify=False)
            self.env["dunning.pix.account"]._cron_pix_poll()
            self._settle()
            self.assertEqual(other_move.dunning_pix_payment_ids.state, "booked")
            self.assertEqual(other_charge.state, "paid")
            # Nothing payable there any more: the address is closed.
            with self.assertLogs("odoo.addons.l10n_br_dunning_pix", "WARNING"):
                answer = requests.post(self._webhook(account), json={"pix": []}, timeout=30)
            self.assertEqual(answer.status_code, 403)
        finally:
            account.active = True
