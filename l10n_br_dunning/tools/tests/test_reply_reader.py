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
    read_message,
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


@pytest.mark.parametrize(
    ("text", "intent", "day"),
    [
        # "segunda via" is a copy of the bill, not Monday
        ("Solicito a segunda via do boleto, o anexo veio corrompido", OTHER, None),
        # a weekday gone by points back
        ("sexta passada eu fiz a transferência, olha aí", PAID, date(2026, 12, 4)),
        ("paguei antes de ontem", PAID, date(2026, 12, 8)),
        ("Efetuamos hoje o pagamento via TED", PAID, THURSDAY),
        ("Pronto, paguei. Agora para de me mandar mensagem rs", PAID, THURSDAY),
        # asking leave is not yet a promise: the customer gets the link
        ("posso pagar dia 15?", NEGOTIATE, None),
        ("Seria possível pagar no dia 20 em vez do dia 10?", NEGOTIATE, None),
        # a statement with a tag question is one
        ("pago dia 15, pode ser? 😬", PROMISE, date(2026, 12, 15)),
        # a question about paying today promises nothing
        ("Qual é o valor atualizado para pagamento hoje?", OTHER, None),
        # "não ... só sexta": that day is promised
        ("nao vou conseguir pagar amanha nao, so sexta", PROMISE, date(2026, 12, 11)),
        ("ja agendei pra dia 18 no app do banco", PROMISE, date(2026, 12, 18)),
        ("Regularizaremos a pendência na semana que vem.", PROMISE, date(2026, 12, 18)),
        ("o boleto será pago até o fim deste mês", PROMISE, date(2026, 12, 31)),
        # an agreement already made is not a wish to negotiate
        ("mas eu ja nao tinha feito acordo?", OTHER, None),
        (
            "quarta da semana que vem pago tudo, inclusive a outra parcela",
            PROMISE,
            date(2026, 12, 16),
        ),
        ("O valor cobrado diverge do pedido nº 778", DISPUTE, None),
        ("devolvi o tênis pelos correios tem 20 dias", DISPUTE, None),
        ("nem sei q firma é essa", WHO, None),
        ("uai, num quero receber mais esses trem não", OPTOUT, None),
    ],
)
def test_what_other_writers_taught(text, intent, day):
    reading = read(text, THURSDAY)
    assert (reading.intent if reading.sure else OTHER, reading.day) == (intent, day)


def test_pago_with_time_to_come_is_a_promise_without_a_day():
    reading = read("pago mes que vem", THURSDAY)
    assert (reading.intent, reading.day) == (PROMISE, None)


def test_trying_is_no_promise():
    assert not read("vou tentar pagar amanhã", THURSDAY).sure


def test_a_word_at_the_end_is_no_opt_out():
    reading = read("daqui a 10 dias eu consigo pagar, tô esperando a rescisão sair", THURSDAY)
    assert reading.intent != OPTOUT


def test_a_day_a_month_lacks_is_the_next_month_that_has_it():
    reading = read("pago dia 30", date(2027, 2, 26))
    assert reading.day == date(2027, 3, 30)


def test_an_email_is_read_without_the_reminder_it_quotes():
    text = (
        "O pagamento será feito na sexta-feira, via Pix.\n"
        "Em 08/12/2026 09:12, Papelaria Aurora <cobranca@aurora.example> escreveu:\n"
        "> A fatura 4471 venceu em 22/11. Pague pelo Pix."
    )
    reading = read_message(text, THURSDAY, "email")
    assert (reading.intent, reading.day) == (PROMISE, date(2026, 12, 11))


@pytest.mark.parametrize(
    ("text", "intent", "day"),
    [
        # Replies no corpus held (a probe of 120 new ones).
        ("já pago na semana que vem", PROMISE, date(2026, 12, 18)),  # "já pago" is no payment
        ("ja ja pago", OTHER, None),  # "já já": soon, no day
        ("ja foi", PAID, None),  # no day said: the reply's day is taken
        ("minha esposa fez o pix ontem", PAID, date(2026, 12, 9)),
        ("depositei ontem", PAID, date(2026, 12, 9)),
        ("da pra esperar ate dia 15?", NEGOTIATE, None),
        # Opting out, however it is typed (the law asks it to be honoured).
        ("SAI", OPTOUT, None),
        ("stop pls", OPTOUT, None),
        ("sair da lista pfvr", OPTOUT, None),
        ("nao quero msg no zap", OPTOUT, None),
        ("Please stop texting me", OPTOUT, None),
        ("unsubscribe", OPTOUT, None),
        ("no me manden mas mensajes", OPTOUT, None),
    ],
)
def test_replies_no_corpus_held(text, intent, day):
    reading = read(text, THURSDAY)
    assert (reading.intent if reading.sure else OTHER, reading.day) == (intent, day)


def test_a_quoted_reminder_gives_no_day_to_a_payment():
    # The reminder's "pague até 15/12" is not the day the customer paid (a
    # year back); a day paid is at most 60 days ago.
    text = (
        '"Olá Maria, sua fatura de R$ 150 venceu em 05/12. Pague até 15/12 para evitar juros" '
        "ja paguei essa ai moça"
    )
    reading = read(text, THURSDAY)
    assert (reading.intent, reading.day) == (PAID, None)


def test_a_chat_reply_is_read_without_the_lines_it_quotes():
    text = "> Sua parcela venceu dia 01/12, pague ate 12/12\nvou pagar dia 18"
    reading = read_message(text, THURSDAY, "whatsapp")
    assert (reading.intent, reading.day, reading.sure) == (PROMISE, date(2026, 12, 18), True)
