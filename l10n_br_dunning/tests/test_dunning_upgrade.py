# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an upgrade keeps of a company's choices: templates it deleted stay
deleted (and the régua does without them), the policies the 1.3.0 payer-profile
action wrote are not taken for the customers' own, and an update that would
leave an add-on of this repository behind stops before changing anything."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.convert import convert_file

from odoo.addons.l10n_br_dunning import upgrade
from odoo.addons.l10n_br_dunning.tools.shipped import TEMPLATE_FILES

from .common import DunningCase

SMS_THANKS = "l10n_br_dunning.sms_template_dunning_thanks"
MAIL_THANKS = "l10n_br_dunning.mail_template_dunning_thanks"
STATEMENT = "l10n_br_dunning.mail_template_dunning_statement"
CANCELLED = "l10n_br_dunning.mail_template_dunning_agreement_cancelled"
ACCEPTANCE = "l10n_br_dunning.mail_template_dunning_agreement_acceptance"


@tagged("post_install", "-at_install")
class TestDunningUpgrade(DunningCase):
    def _delete(self, *xmlids):
        for xmlid in xmlids:
            self.env.ref(xmlid).unlink()
        self.env.flush_all()

    def _update_data_files(self):
        """What ``-u l10n_br_dunning`` does with the template files."""
        for path in TEMPLATE_FILES:
            convert_file(self.env, "l10n_br_dunning", path, {}, mode="update", noupdate=False)
        self.env.flush_all()

    # -- templates a company deleted -------------------------------------------------------
    def test_an_update_does_not_bring_back_deleted_templates(self):
        self._delete(SMS_THANKS, STATEMENT)
        count = (
            self.env["mail.template"].search_count([]),
            self.env["sms.template"].search_count([]),
        )
        self._update_data_files()
        self.assertFalse(self.env.ref(SMS_THANKS, raise_if_not_found=False))
        self.assertFalse(self.env.ref(STATEMENT, raise_if_not_found=False))
        self.assertEqual(
            (self.env["mail.template"].search_count([]), self.env["sms.template"].search_count([])),
            count,
        )
        # Templates a later version ships are created; older ones are a choice.
        self._delete(CANCELLED)
        self.assertEqual(upgrade.create_added_templates(self.env, "18.0.1.4.0"), [CANCELLED])
        self.assertTrue(self.env.ref(CANCELLED).body_html)
        self.assertFalse(self.env.ref(SMS_THANKS, raise_if_not_found=False))
        self.assertEqual(upgrade.create_added_templates(self.env, "18.0.1.6.0"), [])
        self.assertEqual(upgrade.create_added_templates(self.env, "18.0.1.2.0"), [SMS_THANKS])
        self.assertTrue(self.env.ref(SMS_THANKS).body)

    def test_an_upgrade_from_1_0_creates_the_agreement_templates_before_their_stages(self):
        """A database installed at 18.0.1.0.0 (before agreements) stopped its
        upgrade at dunning_policy_data.xml: the agreements' stages name their
        templates, which forcecreate="0" kept the loader from creating, and
        the templates a later version ships were created only after the data
        files ("External ID not found: ...agreement_reminder"). They are
        created before the stages are loaded."""
        reminder = "l10n_br_dunning.mail_template_dunning_agreement_reminder"
        # The database as 18.0.1.0.0 left it: no agreement templates, no stage.
        self._delete(reminder)
        self.env["ir.model.data"].search(
            [("module", "=", "l10n_br_dunning"), ("name", "=", "dunning_stage_agreement_reminder")]
        ).unlink()
        self.env.cr.execute(
            "UPDATE ir_module_module SET latest_version = '18.0.1.0.0' "
            "WHERE name = 'l10n_br_dunning'"
        )
        manifest = self.env["ir.module.module"].get_module_info("l10n_br_dunning")
        files = manifest["data"][: manifest["data"].index("data/dunning_policy_data.xml") + 1]
        for path in files:  # as the upgrade does: as the superuser
            convert_file(self.env(su=True), "l10n_br_dunning", path, {}, mode="update")
        stage = self.env.ref("l10n_br_dunning.dunning_stage_agreement_reminder")
        self.assertEqual(stage.mail_template_id, self.env.ref(reminder))
        # One deleted after its version was installed stays deleted.
        self._delete(reminder)
        self.env.cr.execute(
            "UPDATE ir_module_module SET latest_version = '18.0.1.1.0' "
            "WHERE name = 'l10n_br_dunning'"
        )
        for path in files:  # as the upgrade does: as the superuser
            convert_file(self.env(su=True), "l10n_br_dunning", path, {}, mode="update")
        self.assertFalse(self.env.ref(reminder, raise_if_not_found=False))

    def test_no_thank_you_sms_once_its_template_is_deleted(self):
        self._delete(SMS_THANKS)
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))  # the eve: an SMS reminded it
        self.assertTrue(self._events(move, channel="sms", state="queued"))
        self._pay(move, date=date(2026, 12, 10))
        self._run(datetime(2026, 12, 11, 12, 30))
        self.assertEqual(self._events(move, channel="thanks").state, "queued")
        self.assertFalse(self._events(move, channel="thanks_sms"))

    def test_no_thank_you_e_mail_once_its_template_is_deleted(self):
        self._delete(MAIL_THANKS)
        move = self._invoice(self.sp, date(2026, 12, 10))
        self._run(datetime(2026, 12, 9, 12, 30))
        self._pay(move, date=date(2026, 12, 10))
        self._run(datetime(2026, 12, 11, 12, 30))
        self._run(datetime(2026, 12, 14, 12, 30))
        self.assertFalse(self._events(move, channel="thanks"))
        self.assertEqual(self._events(move, channel="thanks_sms").state, "queued")

    def test_sending_with_a_deleted_template_says_so(self):
        self._delete(STATEMENT, ACCEPTANCE)
        with self.assertRaisesRegex(UserError, "statement's e-mail template was deleted"):
            self.sp.action_dunning_send_statement()
        self.sp.vat = "123.456.789-09"
        move = self._invoice(self.sp, date(2026, 11, 28), 1000.0)
        lines = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        with freeze_time(datetime(2026, 12, 15, 13, 0)):
            agreement = self.env["dunning.agreement"]._propose(lines, 3, date(2026, 12, 22))
            with self.assertRaisesRegex(UserError, "print the term for signature"):
                agreement.action_send_for_acceptance()

    # -- policies the 1.3.0 payer-profile action wrote -------------------------------------
    def test_an_upgrade_from_1_3_gives_class_policies_back_to_the_class(self):
        """Up to 1.3.0 the daily action wrote the class's policy on the customer
        (res_partner.dunning_policy_id) and one class per customer in a text
        column; the 1.4.0 pre-migration reads that column before dropping it."""
        Partner = self.env["res.partner"]
        company, standard = self.company, self.policy
        good = standard.copy({"name": "Bons pagadores"})
        bad = standard.copy({"name": "Alto risco"})
        mine = standard.copy({"name": "Negociada"})
        company.write(
            {
                "dunning_policy_from_class": True,
                "dunning_policy_good_id": good.id,
                "dunning_policy_attention_id": standard.id,
                "dunning_policy_bad_id": bad.id,
            }
        )
        rio = self._branch(
            "Aurora Rio", "base.state_br_rj", "Av. Rio Branco, 1", "Rio de Janeiro",
            "11.222.333/0001-81", "rio@aurora.example",
        )  # fmt: skip
        rio_bad = rio.dunning_policy_id.copy({"name": "Rio: alto risco"})
        rio.write({"dunning_policy_from_class": False, "dunning_policy_bad_id": rio_bad.id})
        people = {}
        # name: (companies with an invoice, stored class, policy at company, at rio)
        cases = {
            "Carlos": ([company], "bad", bad, None),  # the action's
            "Maria": ([company], "good", good, None),  # the action's
            "Ana": ([company], "bad", mine, None),  # her own: no class has it
            "Xavier": ([company], "good", bad, None),  # his own: not his class's
            "Sem Classe": ([company], None, good, None),  # never profiled: own
            "João": ([company, rio], "good", bad, None),  # class of rio, bad at company
            "Beatriz": ([rio], "bad", None, rio_bad),  # rio does not assign by class
        }
        for name, (companies, _klass, at_company, at_rio) in cases.items():
            partner = Partner.create({"name": name, "country_id": self.env.ref("base.br").id})
            for each in companies:
                self._invoice(partner, date(2026, 11, 20), company=each)
            if at_company:
                partner.with_company(company).dunning_policy_id = at_company
            if at_rio:
                partner.with_company(rio).dunning_policy_id = at_rio
            people[name] = partner
        self.env.flush_all()
        cr = self.env.cr
        # The 1.3.0 columns (in this test's transaction, rolled back after it).
        cr.execute("ALTER TABLE res_partner RENAME COLUMN dunning_payer_class TO payer_class_18")
        cr.execute("ALTER TABLE res_partner ADD COLUMN dunning_payer_class varchar")
        for name, (_companies, klass, _at_company, _at_rio) in cases.items():
            cr.execute(
                "UPDATE res_partner SET dunning_payer_class = %s WHERE id = %s",
                [klass, people[name].id],
            )

        reset = upgrade.reset_class_policies(cr)

        self.assertEqual(
            reset, {company.id: sorted(people[name].id for name in ("Carlos", "Maria", "João"))}
        )
        cr.execute("ALTER TABLE res_partner DROP COLUMN dunning_payer_class")
        cr.execute("ALTER TABLE res_partner RENAME COLUMN payer_class_18 TO dunning_payer_class")
        self.env.invalidate_all()

        def own(name, at=company):
            return people[name].with_company(at).dunning_policy_id

        for name in ("Carlos", "Maria", "João"):
            self.assertFalse(own(name), name)
        self.assertEqual(own("Ana"), mine)
        self.assertEqual(own("Xavier"), bad)
        self.assertEqual(own("Sem Classe"), good)
        self.assertEqual(own("Beatriz", rio), rio_bad)
        # Carlos follows his class now: Alto risco while a bad payer, the
        # company's default once it stops assigning by class.
        people["Carlos"].with_company(company).dunning_payer_class = "bad"
        self.assertEqual(people["Carlos"]._dunning_policy(company), bad)
        self.assertEqual(people["Ana"]._dunning_policy(company), mine)
        company.dunning_policy_from_class = False
        self.assertEqual(people["Carlos"]._dunning_policy(company), standard)
        self.assertEqual(people["Ana"]._dunning_policy(company), mine)

    # -- the régua's calls of before 1.10 --------------------------------------------------
    def test_an_upgrade_from_1_9_gives_the_reguas_calls_their_company(self):
        """Up to 1.9.0 a call the régua planned on the customer had no company
        (every company's users read it): the 1.10.0 post-migration gives it
        the company of the event that asked for it; a call planned by hand
        stays everyone's."""
        move = self._invoice(self.sp, date(2026, 12, 10), 777.0)
        self._run(datetime(2026, 12, 28, 15, 0))  # D+15: the call
        call = self._events(move, channel="call").activity_id
        mine = self.sp.activity_schedule("mail.mail_activity_data_call", summary="Ligar")
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "UPDATE mail_activity SET dunning_company_id = NULL WHERE id IN %s",
            [tuple((call | mine).ids)],
        )
        self.env.invalidate_all()
        self.assertFalse(call.dunning_company_id)

        self.assertEqual(upgrade.backfill_activity_companies(cr), 1)

        self.env.invalidate_all()
        self.assertEqual(call.dunning_company_id, self.company)
        self.assertTrue(call.dunning_call, "its Record call outcome is back")
        self.assertFalse(mine.dunning_company_id)

    # -- invoice addresses of before 1.16 ----------------------------------------------------
    def test_an_upgrade_from_1_15_reads_the_invoice_addresss_mobile(self):
        """Up to 1.15.0 the dashboard said "no valid mobile" of a customer whose
        finance contact (its invoice address) has one; the 1.16.0
        post-migration reads it again, and leaves the others as they were."""
        beta = self._customer("Beta Ltda", "base.state_br_sp", "America/Sao_Paulo", False)
        self.env["res.partner"].create(
            {"name": "Financeiro", "type": "invoice", "parent_id": beta.id, "mobile": "11912345678"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET dunning_mobile_valid = FALSE WHERE id IN %s",
            [(beta.id, self.sp.id)],
        )
        self.env.invalidate_all()
        self.assertFalse(beta.dunning_mobile_valid)

        self.assertEqual(upgrade.recompute_invoice_address_mobiles(self.env), 1)

        self.env.invalidate_all()
        self.assertTrue(beta.dunning_mobile_valid)
        self.assertFalse(self.sp.dunning_mobile_valid, "a customer without one is left alone")

    # -- add-ons updated together ----------------------------------------------------------
    def test_an_update_that_leaves_sms_gateway_behind_stops_and_says_what_to_run(self):
        cr = self.env.cr
        upgrade.check_addons_updated_together(cr)  # every add-on up to date
        cr.execute(
            "UPDATE ir_module_module SET latest_version = '18.0.1.1.0' WHERE name = 'sms_gateway'"
        )
        self.assertEqual(
            [name for name, _db, _code in upgrade.outdated_addons(cr)], ["sms_gateway"]
        )
        with self.assertRaisesRegex(RuntimeError, r"sms_gateway \(18.0.1.1.0 in the database"):
            upgrade.check_addons_updated_together(cr)
        with self.assertRaisesRegex(RuntimeError, r"-u sms_gateway,l10n_br_dunning .*-u all"):
            upgrade.check_addons_updated_together(cr)
