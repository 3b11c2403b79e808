# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who reads and does what: a user of one company sees nothing of another's
collections; a salesperson opens invoices without the collection tab; a
Dunning Manager reaches the régua's settings."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningAccess(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rio = cls.setup_other_company(name="Aurora Filial Rio")["company"]
        cls.env.user.company_ids |= cls.rio
        cls.sp_user = new_test_user(
            cls.env,
            login="cobranca-sp",
            groups="l10n_br_dunning.group_dunning_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_a_user_of_one_company_sees_no_replies_nor_agreements_of_another(self):
        theirs = self._invoice(self.rj, date(2026, 11, 3), 600.0, company=self.rio)
        reply = (
            self.env["dunning.reply"]
            .sudo()
            .create(
                {
                    "partner_id": self.rj.id,
                    "company_id": self.rio.id,
                    "channel": "sms",
                    "text": "Paguei ontem",
                    "action": "paid",
                }
            )
        )
        line = theirs.line_ids.filtered(lambda aml: aml.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 3, 15, 0)):  # proposed before its first due date
            agreement = (
                self.env["dunning.agreement"]
                .with_company(self.rio)
                ._propose(line, 2, date(2026, 12, 10))
            )
        Reply = self.env["dunning.reply"].with_user(self.sp_user)
        self.assertFalse(Reply.search([("id", "=", reply.id)]))
        Installment = self.env["dunning.agreement.installment"].with_user(self.sp_user)
        self.assertFalse(Installment.search([("agreement_id", "=", agreement.id)]))
        self.assertFalse(
            self.env["dunning.agreement.debt"]
            .with_user(self.sp_user)
            .search([("agreement_id", "=", agreement.id)])
        )
        with self.assertRaises(AccessError):
            agreement.installment_ids[:1].with_user(self.sp_user).write({"amount": 1.0})

    def test_a_manager_of_one_company_reads_no_links_nor_codes_of_another(self):
        """The customer links (each opens a customer's open items) and the
        one-time codes (customer, IP address) of the Rio branch are not read by
        a manager of São Paulo."""
        manager = new_test_user(
            self.env,
            login="gerente-sp",
            groups="l10n_br_dunning.group_dunning_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        theirs = self.env["dunning.customer.link"]._for(self.rj, self.rio)
        ours = self.env["dunning.customer.link"]._for(self.sp, self.company)
        Link = self.env["dunning.customer.link"].with_user(manager)
        self.assertEqual(Link.search([("id", "in", (theirs | ours).ids)]), ours)
        code = (
            self.env["dunning.portal.code"]
            .sudo()
            .search([("company_id", "=", self.rio.id)], limit=1)
        )
        if code:
            Code = self.env["dunning.portal.code"].with_user(manager)
            self.assertFalse(Code.search([("id", "=", code.id)]))
        rules = (
            self.env["ir.rule"]
            .sudo()
            .search([("model_id.model", "in", ("dunning.customer.link", "dunning.portal.code"))])
        )
        self.assertEqual(len(rules), 2)

    def test_a_salesperson_reads_no_sms_the_regua_sent(self):
        """The SMS log holds the customer's mobile, the amount and the link to
        their invoice: collections and administrators only, as Odoo's sms.sms."""
        seller = new_test_user(self.env, login="vendas-sms", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["sms.gateway.message"].with_user(seller).search([])
        self.env["sms.gateway.message"].with_user(self.sp_user).search([])  # the collections team

    def test_a_salesperson_opens_an_invoice_without_the_collection_tab(self):
        """Someone who reads invoices without accounting rights (a salesperson
        with Sales installed) reads none of the collection records the tab
        shows: the form they get has no collection field."""
        readers = self.env["res.groups"].create({"name": "Invoice readers"})
        for model in ("account.move", "account.move.line"):
            self.env["ir.model.access"].create(
                {
                    "name": f"{model} readers",
                    "model_id": self.env["ir.model"]._get_id(model),
                    "group_id": readers.id,
                    "perm_read": True,
                }
            )
        seller = new_test_user(self.env, login="vendas-sp", groups="base.group_user")
        seller.groups_id |= readers
        arch = (
            self.env["account.move"]
            .with_user(seller)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name in ("dunning_stage_id", "dunning_event_ids", "dunning_upcoming_html"):
            self.assertNotIn(f'name="{name}"', arch)
        accountant = self.env["account.move"].with_user(self.sp_user).get_views([(False, "form")])
        self.assertIn('name="dunning_event_ids"', accountant["views"]["form"]["arch"])

    def test_a_dunning_manager_reaches_the_regua_settings(self):
        manager = new_test_user(
            self.env,
            login="gestor-cobranca",
            groups="l10n_br_dunning.group_dunning_manager,base.group_partner_manager",
        )
        visible = self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids()
        self.assertIn(self.env.ref("l10n_br_dunning.dunning_settings_policy_menu").id, visible)
        user_visible = self.env["ir.ui.menu"].with_user(self.sp_user)._visible_menu_ids()
        self.assertNotIn(self.env.ref("l10n_br_dunning.dunning_settings_menu").id, user_visible)

    def test_a_collections_user_records_a_call_without_more_rights(self):
        """A user given only the Dunning User group records a call's outcome
        on the customer (Contact Creation comes with the group)."""
        collector = new_test_user(
            self.env, login="so-cobranca", groups="l10n_br_dunning.group_dunning_user"
        )
        self._invoice(self.sp, date(2026, 11, 3), 100.0)
        self.sp.with_user(collector).message_post(body="Ligação: prometeu pagar sexta")
        self.sp.with_user(collector).write({"dunning_excluded": True})
        self.assertTrue(self.sp.dunning_excluded)

    def test_a_dunning_manager_edits_the_reguas_texts(self):
        """The group configures the réguas, templates included: the stages'
        e-mail and SMS texts, without being an administrator."""
        manager = new_test_user(
            self.env, login="gestor-cobranca", groups="l10n_br_dunning.group_dunning_manager"
        )
        stage = self.stages[3]
        stage.mail_template_id.with_user(manager).subject = "Lembrete da Aurora"
        stage.sms_template_id.with_user(manager).body = "Aurora: lembrete {{ object.name }}"
        self.assertEqual(stage.mail_template_id.subject, "Lembrete da Aurora")
        self.assertIn("lembrete", stage.sms_template_id.body)

    def test_an_invoicing_user_cannot_change_how_an_invoice_is_reminded(self):
        """The collection tab's buttons are hidden from an Invoicing user, and
        their methods refuse the call made by hand too."""
        move = self._invoice(self.sp, date(2026, 11, 3), 100.0)
        move.action_dunning_pause(reason="other", note="Verificar")
        billing = new_test_user(
            self.env, login="faturamento-sp", groups="account.group_account_invoice"
        )
        mine = move.with_user(billing)
        for action in (
            mine.action_dunning_pause,
            mine.action_dunning_resume,
            mine.action_dunning_exclude_customer,
            mine.action_dunning_revoke_links,
            mine.action_dunning_decline_promise,
            self.sp.with_user(billing).action_dunning_apply_suggested_hours,
        ):
            with self.subTest(action=action.__name__), self.assertRaises(AccessError):
                action()
        self.assertTrue(move.dunning_paused)
        self.assertFalse(self.sp.dunning_excluded)
        move.with_user(self.sp_user).action_dunning_resume()
        self.assertFalse(move.dunning_paused)

    def test_settings_of_one_company_offer_and_take_only_its_own_policies(self):
        self.rio._dunning_ensure_policy()
        Settings = self.env["res.config.settings"].with_context(
            allowed_company_ids=[self.rio.id, self.company.id]
        )
        # The list Settings offer: the Rio branch's policies, not São Paulo's.
        domain = Settings.fields_get(["dunning_policy_id"])["dunning_policy_id"]["domain"]
        self.assertIn("company_id", domain)
        for field in ("dunning_policy_id", "dunning_agreement_policy_id", "dunning_policy_bad_id"):
            with self.assertRaises(UserError):
                Settings.create({field: self.company[field].id or self.policy.id}).execute()
        self.rio.invalidate_recordset()
        self.assertEqual(self.rio.dunning_policy_id.company_id, self.rio, "Rio's stays")
        with self.assertRaises(UserError):
            self.rio.dunning_agreement_journal_id = self.company_data["default_journal_misc"]
