# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an upgrade keeps of a company's choices: templates it deleted stay
deleted (and the régua does without them)."""

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
