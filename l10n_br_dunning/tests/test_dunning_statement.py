# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statement of open items (extrato de débitos) as the customer reads the
PDF: printed and posted, or attached to its e-mail."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCase, pdf_page_lines


@tagged("post_install", "-at_install")
class TestDunningStatement(DunningCase):
    def _pdf_pages(self, partner):
        """The text of each page of ``partner``'s statement PDF, as printed at
        noon in São Paulo on 15 December 2026 (a list of lines per page)."""
        with freeze_time(datetime(2026, 12, 15, 15, 0)):
            pdf = self._report_pdf("l10n_br_dunning.dunning_statement_report", partner.ids)
        return pdf_page_lines(pdf)

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

    def test_the_address_is_written_for_the_envelopes_window(self):
        """The customer's name and address as the post reads them in Brazil, as
        the letter prints them (``res.partner._dunning_postal_lines``): the
        street with its number and complement, the neighbourhood, "city - UF"
        and the CEP written 00000-000, each on its own line (one comma-run line
        ending "Brazil" does not fit a window envelope), and the name as it is
        spelled, markup and all, as text."""
        name = "Conceição & Filhos <b>Comércio</b> de Açúcar e Álcool Ltda"
        customer = self._customer(
            name,
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 98888-1234",
            is_company=True,
            vat="15.881.399/0001-34",
            street_name="Rua Doutor Álvares",
            street_number="1500",
            street_number2="Apto 42",
            street2="Jardim Paulista",
            zip="01310100",
        )
        self._invoice(customer, date(2026, 12, 1), 420.0)
        lines = self._pdf_pages(customer)[0]
        self.assertIn(name, lines)
        start = lines.index(name)
        self.assertEqual(
            lines[start : start + 5],
            [
                name,
                "Rua Doutor Álvares 1500 - Apto 42",
                "Jardim Paulista",
                "São Paulo - SP",
                "CEP 01310-100",
            ],
        )
        # Not the country of a letter posted in Brazil, nor the CEP unwritten.
        self.assertFalse([line for line in lines[start:] if "Brazil" in line or "01310100" in line])
        # Then, below the window, the customer's CNPJ and the statement's date.
        after = " ".join(lines[start + 5 :])
        self.assertIn("CNPJ/CPF 15.881.399/0001-34", after)
        self.assertIn("Date: 12/15/2026", after)

    def _closing(self, partner, start="If you have already paid"):
        """The statement's closing sentence (how to reach the company), as read."""
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_statement", partner.ids
        )
        text = " ".join(self._text(html.decode()).split())
        return text[text.index(start) :]

    def test_the_closing_names_each_way_to_reach_the_company(self):
        """The phone and the e-mail are told apart, and nothing dangles when
        one or both are missing (they read "contact us: cobranca@aurora.example
        (11) 3333-4444." and "contact us: cobranca@aurora.example .")."""
        self._invoice(self.sp, date(2026, 12, 10), 250.0)
        partner = self.company.partner_id
        partner.phone = "(11) 3333-4444"
        self.assertIn(
            "contact us: phone (11) 3333-4444, e-mail cobranca@aurora.example.",
            self._closing(self.sp),
        )
        self._load_portuguese()
        self.sp.lang = "pt_BR"
        self.assertIn(
            "fale conosco: telefone (11) 3333-4444, e-mail cobranca@aurora.example.",
            self._closing(self.sp, "Se você já pagou"),
        )
        self.sp.lang = "en_US"
        partner.phone = False
        self.assertIn("contact us: e-mail cobranca@aurora.example.", self._closing(self.sp))
        partner.email = False
        closing = self._closing(self.sp)
        self.assertTrue(closing.endswith("on a payment plan, contact us."), closing)
