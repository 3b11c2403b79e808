# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A printed table broken into pages by the document itself (letters, the
statement of open items), each page of it under its own column headings:
Debian's wkhtmltopdf neither repeats a table's headings (``<thead>``) on the
next page nor keeps a row whole. And the CEP as the post reads it on the
envelope."""

import re

from stdnum.br import cnpj, cpf

# Lines of a table on each page after the first (an A4 page holds about 45).
ROWS_PER_PAGE = 30


def table_pages(rows, first_page, per_page=ROWS_PER_PAGE, height=None, tail=0):
    """``rows`` as the lists of rows of each page, in their order.

    ``first_page`` lines fit on the first page (under the letterhead and the
    address), ``per_page`` on each page after it; a row takes ``height(row)``
    lines (1 without ``height``: an amount in another currency under its own
    takes 2). ``tail`` lines printed after the last row (a summary) stay on the
    last row's page: the last row goes to a new page when they would not fit
    beside it. A row taller than a page has a page of its own; no rows, no
    pages.
    """
    pages, page, room = [], [], first_page
    rows = list(rows)
    for index, row in enumerate(rows):
        weight = height(row) if height else 1
        needed = weight + (tail if index == len(rows) - 1 else 0)
        if page and needed > room:
            pages.append(page)
            page, room = [], per_page
        page.append(row)
        room -= weight
    return pages + [page] if page else pages


def tax_id(value):
    """A CPF or CNPJ as documents print it ("529.982.247-25",
    "15.881.399/0001-34"), whatever way it is on file ("52998224725",
    "BR15881399000134", "529 982 247 25"); anything else (a foreign tax id, a
    number whose check digits are wrong) as on file, on one line; "" for
    none."""
    text = " ".join((value or "").split())
    digits = re.sub(r"^BR", "", text.upper()).replace(" ", "")
    for number in (cpf, cnpj):
        if number.is_valid(digits):
            return number.format(digits)
    return text


def cep(value):
    """A Brazilian postal code as the post prints it ("01310-100"), whatever
    way it was typed ("01310100", "01.310-100", " 01310 100"); None when it is
    not the CEP's eight digits (the post does not deliver a letter without
    one)."""
    digits = re.sub(r"\D", "", value or "")
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 8 else None
