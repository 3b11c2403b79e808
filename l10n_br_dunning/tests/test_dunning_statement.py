# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statement of open items (extrato de débitos) as the customer reads the
PDF: printed and posted, or attached to its e-mail."""

import io
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import DunningCase


@tagged("post_install", "-at_install")
class TestDunningStatement(DunningCase):
    def _pdf_pages(self, partner):
        """The text of each page of ``partner``'s statement PDF, as printed at
        noon in São Paulo on 15 December 2026 (a list of lines per page)."""
        with freeze_time(datetime(2026, 12, 15, 15, 0)):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf("l10n_br_dunning.dunning_statement_report", partner.ids)
            )
        self.assertEqual(kind, "pdf")
        reader = PdfFileReader(io.BytesIO(pdf))
        return [
            [" ".join(line.split()) for line in page.extract_text().splitlines()]
            for page in reader.pages
        ]

    def test_a_statement_of_forty_installments_repeats_its_headings_on_each_page(self):
        """Forty open installments: the table goes on over the pages, each page
        of it under its column headings, no installment cut across two pages,
        and the total owed after the last one, on the same page."""
        moves = self.env["account.move"]
        for number in range(40):
            # Due every four days: no due date is another's issue date (30 days before).
            due = date(2026, 7, 1) + timedelta(days=4 * number)
            moves |= self._invoice(self.sp, due, 1000.0 + number)
        pages = [" ".join(lines) for lines in self._pdf_pages(self.sp)]
        dues = [move.invoice_date_due.strftime("%m/%d/%Y") for move in moves]
        with_rows = [page for page in pages if any(due in page for due in dues)]
        self.assertGreater(len(with_rows), 1, "forty installments do not fit one page")
        for page in with_rows:
            self.assertIn("Due date", page)
            self.assertIn("Open amount", page)
        for due in dues:
            # A due date is written on its row only: one row, on one page.
            self.assertEqual(sum(page.count(due) for page in pages), 1, due)
        total = "R$ 40,780.00"
        self.assertIn(f"Total owed {total}", with_rows[-1].replace("\xa0", " "))
        self.assertFalse(any("Total owed" in page for page in pages if page != with_rows[-1]))
