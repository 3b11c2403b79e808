# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import PORTAL_NOW, DunningCase

TODAY = date(2026, 12, 15)


@tagged("post_install", "-at_install")
class TestDunningPixCopy(DunningCase, HttpCase):
    """Every portal page that shows a Pix "copia e cola" code (the invoice's,
    the grouped /c/ page, the letter's /l/ page, an agreement's) offers a
    "Copiar código Pix" button bound to that code's field, with its
    confirmation, in the customer's language; the field stays a plain
    selectable field for a browser without JavaScript."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._portal_invoice()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(PORTAL_NOW)

    def _assert_copy_buttons(self, url, codes):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        tree = lxml_html.fromstring(response.content)
        fields = tree.xpath("//input[starts-with(@id, 'pix_')]")
        self.assertEqual(sorted(field.get("value") for field in fields), sorted(codes), url)
        for field in fields:
            # Readonly, yet selectable: the code can still be copied by hand.
            self.assertTrue(field.get("readonly"), url)
            buttons = tree.xpath(
                "//button[@data-dunning-copy=$id][@aria-controls=$id]", id=field.get("id")
            )
            self.assertEqual(len(buttons), 1, f"{url}: one button for {field.get('id')}")
            button = buttons[0]
            self.assertEqual(button.get("type"), "button", "never submits a form")
            # Shown by the page's script only: without JavaScript, no dead button.
            self.assertIn("d-none", button.get("class").split())
            self.assertEqual(button.text_content().strip(), "Copiar código Pix")
            # Its confirmation, written by the server in the customer's language.
            group = button.getparent()
            while "o_dunning_pix_code" not in (group.get("class") or ""):
                group = group.getparent()
            done = group.xpath(".//*[contains(@class, 'o_dunning_pix_copied')]")
            self.assertEqual([node.text_content().strip() for node in done], ["Código copiado"])
            # A screen reader hears it from one status region, there and
            # empty from the page's load (one hidden at load is not followed).
            regions = group.xpath(".//*[@role='status']")
            self.assertEqual(len(regions), 1, url)
            region = regions[0]
            self.assertIn("o_dunning_pix_status", region.get("class").split())
            self.assertNotIn("d-none", region.get("class").split())
            self.assertIsNone(region.get("hidden"))
            self.assertEqual(region.text_content().strip(), "")
        return tree

    def _codes(self, move):
        return [
            code
            for code in move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).mapped(lambda line: line._dunning_pix_code())
            if code
        ]

    def test_the_invoice_page_has_a_copy_button_per_code(self):
        codes = self._codes(self.move)
        self.assertTrue(codes)
        self._assert_copy_buttons(
            f"/my/invoices/{self.move.id}?access_token={self.move.access_token}", codes
        )

    def test_the_grouped_page_has_a_copy_button_per_code(self):
        other = self._invoice(self.sp, date(2026, 12, 12), 200.0)
        url = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
        path = "/" + url.split("/", 3)[3]
        self._assert_copy_buttons(path, self._codes(self.move) + self._codes(other))

    def test_the_letter_page_has_a_copy_button_per_code(self):
        self.move._dunning_ensure_tokens()
        url = self.move._dunning_letter_url()
        path = "/" + url.split("/", 3)[3] if url.startswith("http") else url
        self._assert_copy_buttons(path, self._codes(self.move))

    def test_the_agreement_page_has_a_copy_button_per_code(self):
        lines = self.move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        agreement = self.env["dunning.agreement"]._propose(lines, 2, date(2026, 12, 20))
        self._customer_accepts(agreement)
        agreement.action_approve()
        agreement._portal_ensure_token()
        codes = self._codes(agreement.move_id)
        self.assertEqual(len(codes), 2)
        self._assert_copy_buttons(
            f"/my/agreements/{agreement.id}?access_token={agreement.access_token}", codes
        )
