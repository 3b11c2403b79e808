# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every shipped SMS, in Brazilian Portuguese, for the worst case: one GSM-7
segment of at most 140 characters (seed 000) that says how to stop SMS."""

from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.sms_gateway.tools.replies import DEFAULT_OPT_OUT_KEYWORDS
from odoo.addons.sms_gateway.tools.segments import GSM7, segment_info, transliterate

from .common import DunningCase

COMPANY_NAME = "Papelaria Aurora Comércio de Materiais de Escritório Ltda ME"
PERSON = "Alessandra Maria da Conceição Albuquerque"[:40]
COMPANY_CUSTOMER = "Distribuidora Amazonas de Alimentos Ltda"
BASE_URL = "https://auroraspapeis.com"  # + /c/ + 12-character token = 40


@tagged("post_install", "-at_install")
class TestDunningSmsTexts(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.company.name = COMPANY_NAME
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", BASE_URL)
        cls.person = cls._customer(
            PERSON, "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-0101", lang="pt_BR"
        )
        cls.firm = cls._customer(
            COMPANY_CUSTOMER,
            "base.state_br_am",
            "America/Manaus",
            "(92) 99123-0202",
            lang="pt_BR",
            is_company=True,
        )
        cls.templates = cls.env["ir.model.data"].search(
            [("module", "=", "l10n_br_dunning"), ("model", "=", "sms.template")]
        )
        cls.templates = cls.env["sms.template"].browse(cls.templates.mapped("res_id"))

    def _render(self, template, partner, move):
        lines = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        Channel = self.env["dunning.channel"]
        return Channel._template_for(template, lines, partner)._render_field(
            "body", partner.ids, compute_lang=True
        )[partner.id]

    def test_worst_case_fits_one_gsm7_segment_of_140_with_the_opt_out(self):
        self.assertEqual(len(COMPANY_NAME), 60)
        self.assertEqual(len(PERSON), 40)
        self.assertEqual(len(COMPANY_CUSTOMER), 40)
        self.company.dunning_sms_sender = "Aurora Papelaria SPX"  # the longest allowed
        self.assertEqual(len(self.company.dunning_sms_sender), 20)
        policies = self.policy | self.company.dunning_agreement_policy_id
        stage_templates = policies.stage_ids.sms_template_id
        self.assertTrue(stage_templates)
        self.assertLessEqual(stage_templates, self.templates, "every stage's SMS is checked")
        # The régua's 4, the agreements' 2, the thank-you (no amount or link to give).
        self.assertEqual(len(self.templates), 7)
        thanks = self.env.ref("l10n_br_dunning.sms_template_dunning_thanks")
        for partner in (self.person, self.firm):
            move = self._invoice(partner, date(2026, 12, 10), 123456.78)
            link = move._dunning_short_url()
            self.assertEqual(len(link), 40, link)
            for template in self.templates:
                text = self._render(template, partner, move)
                sent = transliterate(text)  # the gateways' default encoding policy
                info = segment_info(sent)
                with self.subTest(template=template.name, customer=partner.name):
                    self.assertEqual((info.encoding, info.segments), (GSM7, 1), sent)
                    self.assertLessEqual(info.characters, 140, f"{info.characters}: {sent}")
                    if template != thanks:
                        self.assertIn("R$ 123.456,78", sent)
                        self.assertIn(link, sent)
                    self.assertTrue(sent.startswith("Aurora Papelaria SPX: "), sent)
                    self.assertIn("SAIR p/ parar", sent)
                    self.assertIn("SAIR", DEFAULT_OPT_OUT_KEYWORDS, "a word the gateway honours")
                    if partner == self.person:
                        self.assertIn(": Alessandra, ", sent)
                    else:
                        self.assertNotIn("Distribuidora", sent, "companies are not addressed")

    def test_the_default_sender_is_the_trimmed_trade_name(self):
        self.company.dunning_sms_sender = False
        self.company.invalidate_recordset(["dunning_sms_sender"])
        self.company._compute_dunning_sms_sender()
        self.assertEqual(self.company.dunning_sms_sender, "Papelaria Aurora")
        move = self._invoice(self.firm, date(2026, 12, 10), 99.9)
        template = self.env.ref("l10n_br_dunning.sms_template_dunning_due")
        self.assertTrue(self._render(template, self.firm, move).startswith("Papelaria Aurora: "))

    def test_the_sender_follows_a_rename_unless_set_by_hand(self):
        self.company.dunning_sms_sender = False  # as installed: from the name
        self.company.name = "Livraria Central S.A."
        self.assertEqual(self.company.dunning_sms_sender, "Livraria Central")
        self.company.dunning_sms_sender = "Central Livros"  # by hand
        self.company.name = "Livraria Central do Brasil Ltda"
        self.assertEqual(self.company.dunning_sms_sender, "Central Livros")
        self.company.dunning_sms_sender = False  # cleared: the name again
        self.assertEqual(self.company.dunning_sms_sender, "Livraria Central")

    def test_a_sender_over_20_characters_is_refused(self):
        with self.assertRaises(ValidationError):
            self.company.dunning_sms_sender = "Papelaria Aurora Matriz"
