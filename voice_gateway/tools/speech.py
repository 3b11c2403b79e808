"""What a call says aloud: amounts and dates in Brazilian Portuguese words.

A text-to-speech voice reads "R$ 1.234,56" badly or not at all, and "10/12"
as a fraction; the call says "mil, duzentos e trinta e quatro reais e
cinquenta e seis centavos" and "10 de dezembro". ``num2words`` (a dependency
of Odoo itself) writes the numbers.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

MONTHS = {
    "pt_BR": (
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
    ).split(),
    "en_US": (
        "January February March April May June July August September October November December"
    ).split(),
}
CURRENCY_WORDS = {"pt_BR": "pt_BR", "en_US": "en"}


def amount_in_words(amount, lang="pt_BR"):
    """``amount`` (reais) in words: "mil e vinte reais e cinco centavos"; below
    one real, the cents alone ("cinquenta centavos", not "zero reais e ...")."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("a call never speaks of a negative amount")
    words_lang = CURRENCY_WORDS.get(lang, "pt_BR")
    if 0 < value < 1:
        cents = int(value * 100)
        return f"{num2words(cents, lang=words_lang)} centavo{'s' if cents > 1 else ''}"
    if words_lang == "pt_BR":
        return num2words(value, lang="pt_BR", to="currency")
    # num2words knows no "BRL" outside Portuguese: reais and centavos by hand.
    reais, cents = int(value), int(value * 100) % 100
    text = f"{num2words(reais, lang=words_lang)} {'real' if reais == 1 else 'reais'}"
    if cents:
        text += (
            f" and {num2words(cents, lang=words_lang)} {'centavo' if cents == 1 else 'centavos'}"
        )
    return text


def date_in_words(day, lang="pt_BR", today=None):
    """``day`` as a voice says it: "10 de dezembro" (the year only when it is not
    ``today``'s: "10 de dezembro de 2025"); the first of the month is
    "primeiro de dezembro", as Brazilians say it (a voice reads "1 de" as
    "um de")."""
    if not isinstance(day, date):
        raise TypeError("a date is expected")
    year = (today or date.today()).year
    months = MONTHS.get(lang, MONTHS["pt_BR"])
    month = months[day.month - 1]
    if lang == "en_US":
        text = f"{month} {day.day}"
        return text if day.year == year else f"{text}, {day.year}"
    text = f"{'primeiro' if day.day == 1 else day.day} de {month}"
    return text if day.year == year else f"{text} de {day.year}"


def digits_spaced(number):
    """A phone number read digit by digit ("+55 11 3333-4444" -> "1 1, 3 3 3 3,
    4 4 4 4"): a voice reading "33334444" says "thirty-three million"."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    if digits.startswith("55") and len(digits) in (12, 13):
        digits = digits[2:]
    if not digits:
        return ""
    groups = [digits[:2], digits[2:-4], digits[-4:]] if len(digits) > 6 else [digits]
    return ", ".join(" ".join(group) for group in groups if group)
