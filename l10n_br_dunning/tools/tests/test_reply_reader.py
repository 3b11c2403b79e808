"""Reading customers' replies (no Odoo): intents and the dates they name,
whatever the spelling."""

from datetime import date

import pytest

from ..reply_reader import (
    DISPUTE,
    NEGOTIATE,
    OPTOUT,
    OTHER,
    PAID,
    PROMISE,
    WHO,
    dispute_reason,
    fold,
    read,
)

THURSDAY = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("vou pagar amanhã", date(2026, 12, 11)),
        ("pago depois de amanha", date(2026, 12, 12)),
        ("pago na sexta", date(2026, 12, 11)),
        ("PAGO NA SEXT 🙏", date(2026, 12, 11)),
        ("segunda que vem eu acerto", date(2026, 12, 14)),
        ("quinta que vem sem falta", date(2026, 12, 17)),
        ("vou pagar dia 10", date(2026, 12, 10)),
        ("vou pagar dia 5", date(2027, 1, 5)),
        ("pago 18/12", date(2026, 12, 18)),
        ("pago semana que vem", date(2026, 12, 18)),
        ("ate o fim do mes eu quito", date(2026, 12, 31)),
        ("vc pode aguardar ate amnh? ai eu pago", date(2026, 12, 11)),
        ("daqui a 5 dias faco o pix", date(2026, 12, 15)),
        ("pago dia dez do mes que vem", date(2027, 1, 10)),
        ("nao paguei ainda, mas pago amanha", date(2026, 12, 11)),
    ],
)
def test_promises_and_their_days(text, day):
    reading = read(text, THURSDAY)
    assert (reading.intent, reading.day, reading.sure) == (PROMISE, day, True)


def test_a_promise_without_a_day_goes_to_a_person():
    reading = read("quando receber o salário eu pago", THURSDAY)
    assert reading.intent == PROMISE and reading.day is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("já paguei", None),
        ("JA PAGUEI ONTEM", date(2026, 12, 9)),
        ("paguei hj cedo, segue comprovante", THURSDAY),
        ("ta pago", None),
        ("foi pago dia 3", date(2026, 12, 3)),
        ("meu marido pagou na segunda", date(2026, 12, 7)),
        ("acabei de fazer o pix", THURSDAY),
    ],
)
def test_payments_already_made(text, day):
    reading = read(text, THURSDAY)
    assert (reading.intent, reading.day, reading.sure) == (PAID, day, True)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("não reconheço essa cobrança", DISPUTE),
        ("cobranca errada, nao comprei nada", DISPUTE),
        ("produto veio com defeito", DISPUTE),
        ("quem é?", WHO),
        ("que empresa é essa", WHO),
        ("isso é golpe?", WHO),
        ("dá pra parcelar em 3x?", NEGOTIATE),
        ("tem desconto a vista?", NEGOTIATE),
        ("SAIR", OPTOUT),
        ("nao quero mais receber mensagens", OPTOUT),
        ("ok obrigado", OTHER),
        ("👍", OTHER),
        ("o link nao abre", OTHER),
        ("não vou conseguir pagar sexta", OTHER),
    ],
)
def test_intents(text, intent):
    assert read(text, THURSDAY).intent == intent


def test_paid_and_disputed_at_once_goes_to_a_person():
    reading = read("ja paguei e mesmo assim a cobranca esta errada", THURSDAY)
    assert not reading.sure


def test_folding_spells_out_what_people_type():
    assert fold("Vc PODE aguardar até AMNH?? 😅") == "voce pode aguardar ate amanha"
    assert fold("sexta-feira") == "sexta"


def test_dispute_reasons():
    assert dispute_reason("nunca recebi o produto") == "not_received"
    assert dispute_reason("veio quebrado") == "defective"
    assert dispute_reason("o valor esta errado") == "wrong_amount"
    assert dispute_reason("não reconheço") == "other"
