"""Amounts, dates and numbers as a voice says them (no Odoo)."""

from datetime import date

import pytest

from ..speech import amount_in_words, date_in_words, digits_spaced


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "mil, duzentos e trinta e quatro reais e cinquenta e seis centavos"),
        (1, "um real"),
        (0.5, "cinquenta centavos"),
        (0.01, "um centavo"),
        (1000000, "um milhão de reais"),
        (12.3, "doze reais e trinta centavos"),
    ],
)
def test_amounts_in_portuguese(amount, words):
    assert amount_in_words(amount) == words


def test_amount_rounds_to_the_cent_and_refuses_negatives():
    assert amount_in_words(10.005) == "dez reais e um centavo"
    with pytest.raises(ValueError):
        amount_in_words(-1)


def test_amount_in_english():
    assert amount_in_words(12.5, "en_US") == "twelve reais and fifty centavos"


@pytest.mark.parametrize(
    ("amount", "lang", "words"),
    [
        (0.01, "en_US", "one centavo"),
        (0.5, "en_US", "fifty centavos"),
        (0.01, "pt_BR", "um centavo"),
        (0.99, "pt_BR", "noventa e nove centavos"),
    ],
)
def test_below_one_real_every_language_says_the_cents_alone(amount, lang, words):
    """A customer hears "one centavo", never "zero reais and one centavo"."""
    assert amount_in_words(amount, lang) == words


def test_dates_say_the_year_only_when_it_is_another():
    today = date(2026, 12, 5)
    assert date_in_words(date(2026, 12, 10), today=today) == "10 de dezembro"
    assert date_in_words(date(2027, 1, 5), today=today) == "5 de janeiro de 2027"
    assert date_in_words(date(2026, 3, 1), "en_US", today=today) == "March 1"


def test_numbers_are_read_digit_by_digit():
    assert digits_spaced("+55 11 3333-4444") == "1 1, 3 3 3 3, 4 4 4 4"
    assert digits_spaced("+5511987654321") == "1 1, 9 8 7 6 5, 4 3 2 1"
    assert digits_spaced("") == ""


def test_the_first_of_the_month_is_said_primeiro():
    """Brazilians say "primeiro de dezembro", never "um de dezembro"."""
    today = date(2026, 11, 20)
    assert date_in_words(date(2026, 12, 1), today=today) == "primeiro de dezembro"
    assert date_in_words(date(2027, 1, 1), today=today) == "primeiro de janeiro de 2027"
    assert date_in_words(date(2026, 12, 2), today=today) == "2 de dezembro"
