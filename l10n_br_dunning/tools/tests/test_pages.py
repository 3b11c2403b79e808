# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A printed table broken into pages, each under its headings (no Odoo)."""

from ..pages import ROWS_PER_PAGE, cep, table_pages, tax_id


def test_no_rows_no_pages():
    assert table_pages([], 14) == []


def test_rows_that_fit_the_first_page_make_one_page():
    assert table_pages(range(14), 14) == [list(range(14))]


def test_the_first_page_holds_fewer_rows_than_the_pages_after_it():
    pages = table_pages(range(50), 14)
    assert [len(page) for page in pages] == [14, ROWS_PER_PAGE, 50 - 14 - ROWS_PER_PAGE]
    assert [row for page in pages for row in page] == list(range(50)), "each row once, in order"


def test_a_row_of_two_lines_is_never_cut_across_pages():
    # The third row takes two lines (an amount in another currency under its
    # own) and only one is left on the first page: it opens the next page.
    lines = {"a": 1, "b": 1, "foreign": 2, "c": 1}
    pages = table_pages(lines, 3, per_page=5, height=lines.get)
    assert pages == [["a", "b"], ["foreign", "c"]]


def test_a_row_taller_than_a_page_has_a_page_of_its_own():
    lines = {"a": 1, "huge": 9, "b": 1}
    assert table_pages(lines, 3, per_page=5, height=lines.get) == [["a"], ["huge"], ["b"]]


def test_the_summary_after_the_table_stays_on_the_last_rows_page():
    # Five one-line rows on a first page of five lines, then a summary of two
    # lines: the last row goes to the next page, the summary beside it.
    assert table_pages(range(5), 5, per_page=10, tail=2) == [[0, 1, 2, 3], [4]]
    # Room for it: one page.
    assert table_pages(range(3), 5, per_page=10, tail=2) == [[0, 1, 2]]
    # Without a summary, the same rows fill the first page.
    assert table_pages(range(5), 5, per_page=10) == [[0, 1, 2, 3, 4]]


def test_a_cep_typed_any_way_prints_as_the_post_reads_it():
    for typed in ("01310100", "01.310-100", " 01310 100 ", "01310-100"):
        assert cep(typed) == "01310-100"


def test_what_is_not_eight_digits_is_no_cep():
    for typed in (None, "", "0131010", "013101000", "CEP", "1234-567"):
        assert cep(typed) is None


def test_a_cpf_or_cnpj_prints_formatted_however_it_is_on_file():
    """A spreadsheet's "52998224725" or a "BR" prefix printed as typed in an
    agreement's term: a document names a CPF and a CNPJ the way they are
    written on every other paper."""
    assert tax_id("52998224725") == "529.982.247-25"
    assert tax_id("529 982 247 25") == "529.982.247-25"
    assert tax_id("529.982.247-25") == "529.982.247-25"
    assert tax_id("BR15881399000134") == "15.881.399/0001-34"
    assert tax_id("br 15.881.399/0001-34") == "15.881.399/0001-34"


def test_what_is_no_valid_cpf_or_cnpj_prints_as_on_file():
    assert tax_id("12-3456789") == "12-3456789"  # a foreign tax id
    assert tax_id("52998224724") == "52998224724"  # a wrong check digit
    assert tax_id("  12 -\n3456789 ") == "12 - 3456789"
    assert tax_id("") == tax_id(None) == ""
