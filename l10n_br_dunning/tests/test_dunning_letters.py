# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Letters as the accountant prints the day's list and as the customer reads
the one that arrives in the post."""

import io
from datetime import date, datetime, timedelta

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningLetters(DunningCase):
    def _pdf_pages(self, events):
        """The text of each page of the letters' PDF, as printed."""
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("l10n_br_dunning.report_dunning_letter", events.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfFileReader(io.BytesIO(pdf))
        return [
            " ".join(reader.getPage(i).extractText().split()) for i in range(reader.getNumPages())
        ]

    def test_a_letter_of_forty_installments_repeats_its_header_and_ends_with_the_total(self):
        """Forty open installments: the table goes on over the pages, each page
        of it under its column headings, no installment on two pages (a row
        cut in half), and the total asked for after the last one."""
        moves = self.env["account.move"]
        for day in range(40):
            moves |= self._invoice(self.sp, date(2025, 3, 1) + timedelta(days=day), 1000.0 + day)
        self._run(datetime(2025, 5, 20, 12, 30))
        letters = self._events(moves, channel="letter")
        self.assertEqual(len(letters), 40)
        self.assertEqual(set(letters.mapped("state")), {"to_print"})
        pages = self._pdf_pages(letters)
        dues = [move.invoice_date_due.strftime("%m/%d/%Y") for move in moves]
        with_rows = [page for page in pages if any(due in page for due in dues)]
        self.assertGreater(len(with_rows), 1, "forty installments do not fit one page")
        for page in with_rows:
            self.assertIn("Due date", page)
            self.assertIn("Amount due", page)
        for due in dues:
            # A due date is written on its row only: one row, on one page.
            self.assertEqual(sum(page.count(due) for page in pages), 1, due)
        total = "R$\xa040,780.00"
        self.assertIn(f"Total {total}", with_rows[-1].replace(" R$ ", " R$\xa0"))
        self.assertFalse(any(total in page for page in with_rows[:-1]))
        self.assertEqual(set(letters.mapped("state")), {"printed"})
