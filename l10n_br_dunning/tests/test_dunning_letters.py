# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Letters as the accountant prints the day's list and as the customer reads
the one that arrives in the post."""

from datetime import date, datetime, timedelta

from lxml import html as lxml_html

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCase, pdf_pages


@tagged("post_install", "-at_install")
class TestDunningLetters(DunningCase):
    def _pdf_pages(self, events):
        """The text of each page of the letters' PDF, as printed."""
        return pdf_pages(self._report_pdf("l10n_br_dunning.report_dunning_letter", events.ids))

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

    def _recipient_lines(self, events):
        """The lines of the recipient block, as the envelope's window shows them."""
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_br_dunning.report_dunning_letter", events.ids
        )
        block = lxml_html.fromstring(html).find_class("o_dunning_letter_recipient")
        self.assertEqual(len(block), 1)
        return [
            " ".join(line.text_content().split())
            for line in block[0].iterchildren()
            if line.text_content().strip()
        ]

    def test_the_address_is_written_for_the_envelopes_window(self):
        """The customer's address as the post reads it in Brazil: the street with
        its number and complement, the neighbourhood, "city - UF" and the CEP
        written 00000-000, each on its own line (one comma-run line with
        "01310100" and the country does not fit a window envelope)."""
        customer = self._customer(
            "Conceição & Filhos <b>Comércio</b> de Açúcar e Álcool Ltda",
            "base.state_br_sp",
            "America/Sao_Paulo",
            "(11) 98888-1234",
            is_company=True,
            street_name="Rua Doutor Álvares",
            street_number="1500",
            street_number2="Apto 42",
            street2="Jardim Paulista",
            zip="01310100",
        )
        move = self._invoice(customer, date(2025, 3, 10), 420.0)
        self._run(datetime(2025, 4, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self.assertEqual(letter.state, "to_print")
        self.assertEqual(
            self._recipient_lines(letter),
            [
                "Conceição & Filhos <b>Comércio</b> de Açúcar e Álcool Ltda",
                "Rua Doutor Álvares 1500 - Apto 42",
                "Jardim Paulista",
                "São Paulo - SP",
                "CEP 01310-100",
            ],
        )

    def test_a_letter_to_an_address_without_cep_is_held_saying_so(self):
        """A customer in Brazil with a street and a city but no CEP: the post
        does not deliver such a letter, so it is not printed (no letter going
        nowhere); it stays listed saying what to complete, and prints once the
        CEP is on file."""
        customer = self._customer(
            "Joana Lima", "base.state_br_sp", "America/Sao_Paulo", "(11) 97777-1234", zip=False
        )
        move = self._invoice(customer, date(2025, 3, 10), 300.0)
        self._run(datetime(2025, 4, 11, 12, 30))
        letter = self._events(move, channel="letter")
        self.assertEqual(letter.state, "to_print")
        self.assertIn("no postal address", letter.reason)
        self.assertIn("CEP", letter.reason)
        action = letter.action_print_letters()
        self.assertEqual(action["params"]["title"], "Nothing to print")
        self.assertIn(f"{move.name} (Joana Lima): ", action["params"]["message"])
        self.assertIn("CEP", action["params"]["message"])
        with self.assertRaises(UserError):
            self.env["ir.actions.report"]._render_qweb_pdf(
                "l10n_br_dunning.report_dunning_letter", letter.ids
            )
        self.assertEqual(letter.state, "to_print")
        customer.zip = "13010-050"
        action = letter.action_print_letters()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertIn("CEP 13010-050", self._recipient_lines(letter))
        self.env["ir.actions.report"]._render_qweb_pdf(
            "l10n_br_dunning.report_dunning_letter", letter.ids
        )
        self.assertEqual(letter.state, "printed")
