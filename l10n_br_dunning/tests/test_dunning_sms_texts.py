# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every shipped SMS, in Brazilian Portuguese, for the worst case: one GSM-7
segment of at most 140 characters (seed 000) that says how to stop SMS, with
the link of a realistic 35-character base URL; grouped messages say how many
installments and the total, and link to the customer's open items."""

from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.sms_gateway.tools.replies import DEFAULT_OPT_OUT_KEYWORDS
from odoo.addons.sms_gateway.tools.segments import GSM7, is_gsm7, segment_info

from .common import DunningCase

COMPANY_NAME = "Papelaria Aurora Comércio de Materiais de Escritório Ltda ME"
PERSON = "Alessandra Maria da Conceição Albuquerque"[:40]
COMPANY_CUSTOMER = "Distribuidora Amazonas de Alimentos Ltda"
BASE_URL = "https://www.papelariasaurora.com.br"  # 35: + /c/ + 12-character token = 50


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

    def _render(self, template, partner, moves):
        """The SMS as the régua sends it (dunning.channel._render)."""
        lines = moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        Channel = self.env["dunning.channel"]
        return Channel._template_for(template, lines, partner)._dunning_render_sms(partner)

    def _check_fits(self, text):
        """One GSM-7 segment of at most 140, written in GSM-7 (no transliteration
        needed), saying how to stop SMS with a word the gateway honours."""
        info = segment_info(text)
        self.assertTrue(is_gsm7(text), text)
        self.assertEqual((info.encoding, info.segments), (GSM7, 1), text)
        self.assertLessEqual(info.characters, 140, f"{info.characters}: {text}")
        self.assertIn("SAIR p/ parar", text)
        self.assertIn("SAIR", DEFAULT_OPT_OUT_KEYWORDS, "a word the gateway honours")

    def test_worst_case_fits_one_gsm7_segment_of_140_with_the_opt_out(self):
        self.assertEqual(len(BASE_URL), 35)
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
            self.assertEqual(len(link), 50, link)
            for template in self.templates:
                text = self._render(template, partner, move)
                with self.subTest(template=template.name, customer=partner.name):
                    self._check_fits(text)
                    if template != thanks:
                        self.assertIn("R$ 123.456,78", text)
                        self.assertNotIn("parcelas", text, "one installment")
                        self.assertIn(link, text)
                    self.assertTrue(text.startswith("Aurora Papelaria SPX: "), text)
                    if partner == self.firm:
                        self.assertNotIn("Distribuidora", text, "companies are not addressed")

    def test_a_grouped_message_says_how_many_installments_and_links_them_all(self):
        self.company.dunning_sms_sender = "Aurora Papelaria SPX"
        moves = self._invoice(self.person, date(2026, 12, 10), 61728.39) | self._invoice(
            self.person, date(2026, 12, 20), 61728.39
        )
        for template in self.templates - self.env.ref(
            "l10n_br_dunning.sms_template_dunning_thanks"
        ):
            text = self._render(template, self.person, moves)
            with self.subTest(template=template.name):
                self._check_fits(text)
                self.assertIn("R$ 123.456,78 em 2 parcelas", text)
                for move in moves:
                    self.assertNotIn(move._dunning_short_url(), text, "not one invoice's link")
                link = self.env["dunning.customer.link"].search(
                    [("partner_id", "=", self.person.id), ("company_id", "=", self.company.id)]
                )
                self.assertEqual(len(link), 1, "one link per customer and company")
                self.assertIn(f"{BASE_URL}/c/{link.token}", text)
        reminder = self.env.ref("l10n_br_dunning.sms_template_dunning_reminder")
        self.assertIn("venc. 10/12 a 20/12", self._render(reminder, self.person, moves))

    def test_the_vocative_and_the_courtesy_go_only_when_the_text_would_not_fit(self):
        maria = self._customer(
            "Maria Souza", "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-0103", lang="pt_BR"
        )
        self.company.dunning_sms_sender = "Papelaria Aurora"
        overdue = self.env.ref("l10n_br_dunning.sms_template_dunning_overdue")
        second = self.env.ref("l10n_br_dunning.sms_template_dunning_second")
        small = self._invoice(maria, date(2026, 12, 10), 89.9)
        text = self._render(overdue, maria, small)
        self.assertIn(": Maria, R$ 89,90 em aberto", text, "room for everything")
        self.assertIn("Se ja pagou, ignore.", text)
        # The worst case: "Alessandra, " gives way first, then the courtesy.
        large = self._invoice(self.person, date(2026, 12, 10), 123456.78)
        self.company.dunning_sms_sender = "Aurora Papelaria SPX"
        text = self._render(second, self.person, large)
        self._check_fits(text)
        self.assertNotIn("Alessandra", text)
        self.assertIn("Se ja pagou, ignore.", text)
        grouped = large | self._invoice(self.person, date(2026, 12, 12), 1.0)
        text = self._render(second, self.person, grouped)
        self._check_fits(text)
        self.assertNotIn("Se ja pagou", text)
        self.assertIn("em 2 parcelas", text)

    def test_an_imported_name_greets_by_the_name_or_not_at_all(self):
        overdue = self.env.ref("l10n_br_dunning.sms_template_dunning_overdue")
        for name, greeting in (
            ("🌟 MARIA SOUZA", ": Maria, R$"),  # an emoji first, capitals
            ("王小明", ": R$"),  # GSM-7 cannot write it: no "???, "
        ):
            customer = self._customer(
                name, "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-0104", lang="pt_BR"
            )
            text = self._render(
                overdue, customer, self._invoice(customer, date(2026, 12, 10), 89.9)
            )
            self.assertIn(greeting, text)
            self.assertNotIn("?", text)

    def test_a_tax_id_or_a_placeholder_is_no_one_to_greet(self):
        """Records an old ERP imported with a CPF, a CNPJ or "Consumidor final"
        where the name goes: the SMS says no "Consumidor, " nor a tax id (LGPD),
        and still fits one segment; a name typed beside a CPF greets by it."""
        overdue = self.env.ref("l10n_br_dunning.sms_template_dunning_overdue")
        for index, (name, is_company, greeting, hidden) in enumerate(
            (
                ("12.345.678/0001-90", True, ": R$", "12.345.678"),
                ("12345678901", False, ": R$", "12345678901"),
                ("CONSUMIDOR FINAL", False, ": R$", "Consumidor"),
                ("Cliente", False, ": R$", "Cliente"),
                ("123.456.789-01 MARIA SOUZA", False, ": Maria, R$", "123.456.789"),
                # A company an old ERP imported as a person: no "Papelaria, ".
                ("PAPELARIA AURORA LTDA - ME", False, ": R$", "Papelaria,"),
            )
        ):
            customer = self._customer(
                name,
                "base.state_br_sp",
                "America/Sao_Paulo",
                f"(11) 98765-011{index}",
                lang="pt_BR",
                is_company=is_company,
            )
            text = self._render(
                overdue, customer, self._invoice(customer, date(2026, 12, 10), 123456.78)
            )
            self._check_fits(text)
            self.assertIn(greeting, text)
            self.assertNotIn(hidden, text)

    def test_the_due_date_is_written_in_the_readers_order(self):
        reminder = self.env.ref("l10n_br_dunning.sms_template_dunning_reminder")
        for lang, day in (("pt_BR", "10/12"), ("en_US", "12/10")):
            customer = self._customer(
                "Maria Souza", "base.state_br_sp", "America/Sao_Paulo", "(11) 98765-0105", lang=lang
            )
            move = self._invoice(customer, date(2026, 12, 10), 89.9)
            text = self._render(reminder, customer, move)
            self.assertIn(day, text, text)

    def test_settings_warn_when_the_real_link_makes_an_sms_too_long(self):
        self.company.dunning_sms_sender = "Aurora Papelaria SPX"
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertLessEqual(
            settings.dunning_sms_longest, 140, settings.dunning_sms_longest_template
        )
        self.assertGreater(settings.dunning_sms_longest, 120, "measured with the real link")
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(
            "web.base.url", "https://cobranca.papelaria-aurora-materiais-escritorio.com.br"
        )
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertGreater(settings.dunning_sms_longest, 140)
        self.assertTrue(settings.dunning_sms_longest_template)
        # A shorter sender, typed in Settings, is measured at once.
        before = settings.dunning_sms_longest
        settings.dunning_sms_sender = "Aurora"
        settings.invalidate_recordset(["dunning_sms_longest"])
        self.assertEqual(settings.dunning_sms_longest, before - 14)

    def test_the_default_sender_is_the_trimmed_trade_name(self):
        self.company.dunning_sms_sender = False
        self.company.invalidate_recordset(["dunning_sms_sender"])
        self.company._compute_dunning_sms_sender()
        self.assertEqual(self.company.dunning_sms_sender, "Papelaria Aurora")
        move = self._invoice(self.firm, date(2026, 12, 10), 99.9)
        template = self.env.ref("l10n_br_dunning.sms_template_dunning_due")
        self.assertTrue(self._render(template, self.firm, move).startswith("Papelaria Aurora: "))

    def test_a_name_with_markup_and_emoji_signs_the_sms_with_its_words(self):
        """A company named with markup and an emoji (as typed or imported): its
        SMS are signed with the words of the name, not "<b>Papelaria</b> ?"
        (an emoji no SMS carries), as Settings refuse such a sender by hand."""
        self.company.dunning_sms_sender = False  # as installed: from the name
        self.company.name = "<b>Papelaria</b> Aurora 😀 Ltda"
        self.assertEqual(self.company.dunning_sms_sender, "Papelaria Aurora")
        move = self._invoice(self.firm, date(2026, 12, 10), 99.9)
        template = self.env.ref("l10n_br_dunning.sms_template_dunning_due")
        text = self._render(template, self.firm, move)
        self.assertTrue(text.startswith("Papelaria Aurora: "), text)
        self.assertNotIn("?", text.split(":")[0])
        self._check_fits(text)

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

    def test_a_sender_with_characters_no_sms_carries_is_refused_in_settings(self):
        self.company.dunning_sms_sender = "Açaí & Cia"  # accents: transliterated
        Settings = self.env["res.config.settings"].with_context(lang="pt_BR")
        with self.assertRaises(ValidationError) as caught:
            Settings.with_company(self.company).create(
                {"dunning_sms_sender": "Pizza 🍕 Bella"}
            ).execute()
        self.assertIn("🍕", caught.exception.args[0])
        self.assertIn("não pode ter", caught.exception.args[0])
        self.assertEqual(self.company.dunning_sms_sender, "Açaí & Cia", "what was saved stays")
