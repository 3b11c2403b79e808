# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningPortalA11y(DunningCase, HttpCase):
    """A customer on a cheap phone with a screen reader (TalkBack), opening the
    pages of a reminder's link over real HTTP: what the reader needs to read
    them. The clock is frozen on 15/12/2026 (São Paulo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_portuguese()
        cls.sp.lang = "pt_BR"
        cls._company_pix_key()
        cls.move = cls._invoice(cls.sp, date(2026, 12, 10), 1180.5)
        cls.move._portal_ensure_token()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_clock(datetime(2026, 12, 15, 13, 0))

    def _tree(self, url, status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)
        return lxml_html.fromstring(response.content)

    def _invoice_url(self, path=""):
        return f"/my/invoices/{self.move.id}{path}?access_token={self.move.access_token}"

    def test_every_page_of_a_link_says_its_language(self):
        """The pages had no lang on <html>: a screen reader set to another
        language (an English phone) read the Portuguese text with its English
        voice. Each page now says the language it is written in, the
        customer's."""
        link = self.env["dunning.customer.link"]._for(self.sp, self.company)._url()
        pages = [
            self._invoice_url(),
            self._invoice_url("/dunning/preferences"),
            self._invoice_url("/dunning/agreement"),
            "/" + link.split("/", 3)[3],
        ]
        for url in pages:
            self.assertEqual(self._tree(url).get("lang"), "pt-BR", url)
        # An expired link's page too (the invoice settled 61 days ago).
        self._pay(self.move, date=date(2026, 12, 12))
        with freeze_time(datetime(2027, 2, 12, 13, 0)):
            gone = self._tree(self._invoice_url(), status=410)
        self.assertIn("expirou", gone.text_content())
        self.assertEqual(gone.get("lang"), "pt-BR")

    def test_a_customer_in_english_gets_an_english_page_said_so(self):
        self.env.ref("base.lang_en").active = True
        self.sp.lang = "en_US"
        self.assertEqual(self._tree(self._invoice_url()).get("lang"), "en-US")
