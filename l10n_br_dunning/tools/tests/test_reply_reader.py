"""Reading customers' replies (no Odoo): intents and the dates they name,
whatever the spelling."""

from datetime import date
from email import message_from_string, policy

import pytest

from ..reply_reader import (
    DEATH,
    DISPUTE,
    LEGAL,
    NEGOTIATE,
    OPTOUT,
    OTHER,
    PAID,
    PAYLINK,
    PROMISE,
    WHO,
    WRONG_NUMBER,
    dispute_reason,
    failure_detail,
    fold,
    is_automatic,
    read,
    read_message,
    report_without_failure,
)

THURSDAY = date(2026, 12, 10)
SATURDAY = date(2026, 12, 5)


def acted(reading):
    """What the régua does with a reading: its intent when sure (else a person
    reads it, ``OTHER``) and its day."""
    return (reading.intent if reading.sure else OTHER, reading.day)


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
    assert acted(read(text, THURSDAY)) == (intent, day)


def test_pago_with_time_to_come_is_a_promise_without_a_day():
    reading = read("pago mes que vem", THURSDAY)
    assert (reading.intent, reading.day) == (PROMISE, None)


def test_trying_is_no_promise():
    assert not read("vou tentar pagar amanhã", THURSDAY).sure


def test_a_word_at_the_end_is_no_opt_out():
    reading = read("daqui a 10 dias eu consigo pagar, tô esperando a rescisão sair", THURSDAY)
    assert reading.intent != OPTOUT


@pytest.mark.parametrize(
    "text",
    [
        "quero sair dessa lista",
        "Quero ser removida da lista",
        "quero ser removido",
        "Quero parar de receber",
        "quero cancelar o recebimento de sms",
        "cancelar inscrição",
        "desinscrever",
        "Favor ser excluído desta lista",
    ],
)
def test_opt_outs_as_customers_write_them(text):
    reading = read(text, THURSDAY)
    assert (reading.intent, reading.sure) == (OPTOUT, True)


def test_something_to_be_removed_from_an_invoice_is_no_opt_out():
    assert read("o valor do frete deve ser removido da fatura", THURSDAY).intent != OPTOUT


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
    assert acted(read(text, THURSDAY)) == (intent, day)


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


@pytest.mark.parametrize(
    ("text", "channel", "stops"),
    [
        # The opposite of an opt-out: nothing is stopped, a person reads it.
        ("nao pare", "sms", False),
        ("nao quero sair", "sms", False),
        ("nao stop", "sms", False),
        ("nao precisa parar, vou pagar dia 10", "sms", False),
        # What is refused is not the messages.
        ("nao quero mais o produto, quero devolver", "sms", False),
        ("nao quero receber a visita do cobrador", "sms", False),
        ("nao quero receber juros", "sms", False),
        # Another channel named, or the one it came by kept.
        ("nao me liguem, prefiro sms", "sms", False),
        ("nao me liguem, prefiro sms", "call", True),
        ("nao quero receber mais email, so sms", "sms", False),
        ("nao quero receber mais email, so sms", "email", True),
        ("para de me mandar whats", "sms", False),
        ("para de me mandar whats", "whatsapp", True),
        # Beside another intent, the opt-out still counts.
        ("ja paguei, para de me mandar mensagem", "sms", True),
        ("nao reconheco essa cobranca, parem de me mandar sms", "sms", True),
        ("PARE", "whatsapp", True),
        ("nao quero mais sms", "sms", True),
        ("uai, num quero receber mais esses trem não", "sms", True),
    ],
)
def test_who_asks_to_stop_and_on_which_channel(text, channel, stops):
    assert read(text, SATURDAY).opts_out_of(channel) is stops


@pytest.mark.parametrize(
    ("text", "intent", "day"),
    [
        # A day written with dots or dashes, or with its month's name.
        ("pago 18.12", PROMISE, date(2026, 12, 18)),
        ("pago 18-12", PROMISE, date(2026, 12, 18)),
        ("pago dia 10 de janeiro", PROMISE, date(2027, 1, 10)),
        ("vou pagar dia 3 de fevereiro", PROMISE, date(2027, 2, 3)),
        ("vou pagar em 10 de dezembro", PROMISE, date(2026, 12, 10)),
        ("pago 2 de janeiro", PROMISE, date(2027, 1, 2)),
        ("pago em 2 semanas", PROMISE, date(2026, 12, 19)),
        ("vou pagar daqui uma semana", PROMISE, date(2026, 12, 12)),
        ("eu pago ate o natal", PROMISE, date(2026, 12, 25)),
        # A payment to come on no day fixed: a promise the régua does not act on
        # (it needs its day); a person agrees on it.
        ("pago em janeiro", PROMISE, None),
        ("pago com o decimo terceiro", PROMISE, None),
        ("pago no quinto dia util", PROMISE, None),
        ("pago em 7 dias uteis", PROMISE, None),
        ("vou pagar depois do dia 20", PROMISE, None),
        ("vou pagar entre o dia 10 e 15", PROMISE, None),
        ("vou pagar dia 10 ou 11", PROMISE, None),
        ("vou pagar antes do natal", PROMISE, None),
        # Asked, not claimed; denied.
        ("ja paguei?", OTHER, None),
        ("voce sabe se ja paguei?", OTHER, None),
        ("paguei nada ainda", OTHER, None),
        ("paguei ontem, voces receberam?", PAID, date(2026, 12, 4)),
        # Someone else's phone.
        ("numero errado, nao devo nada", OTHER, None),
        ("nao conheco nenhum joao, nunca comprei nada de vcs", OTHER, None),
        # A robot's answer.
        ("Estou fora do escritório e retorno dia 18. Responderei assim que possível.", OTHER, None),
        ("Resposta automática: estou de férias até 10/01.", OTHER, None),
        # A day the calendar does not have is no day.
        ("paguei 31/11", PAID, None),
    ],
)
def test_days_and_intents_the_probe_found(text, intent, day):
    assert acted(read(text, SATURDAY)) == (intent, day)


def test_a_wrong_number_that_asks_to_stop_is_stopped():
    reading = read("não sou a Joana, número errado. parem de mandar", SATURDAY)
    assert (reading.intent, reading.opts_out_of("sms")) == (OTHER, True)


@pytest.mark.parametrize(
    "text",
    [
        "Recebido.\n*De:* Aurora <cobranca@aurora.example>\n*Enviado:* segunda-feira\n"
        "Vencimento 20/12/2026, pagamento pelo Pix.",
        "Ok\n________________________________\nDe: Aurora\nVencimento 20/12/2026",
        "ok, obrigado\n--\nAVISO: esta mensagem é confidencial; não autorizo a leitura.",
        "ok, obrigado\nEste e-mail é confidencial e destinado apenas ao destinatário; não "
        "autorizo a leitura.",
    ],
)
def test_an_email_is_read_without_its_quote_signature_or_legal_notice(text):
    reading = read_message(text, SATURDAY, "email")
    assert (reading.intent, reading.day, reading.opts_out_of("email")) == (OTHER, None, False)


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Auto-Submitted": "no"}, False),
        ({"X-Autoreply": "yes"}, True),
        ({"Precedence": "bulk"}, True),
        ({"Subject": "Resposta automática: Fatura em aberto"}, True),
        ({"Subject": "Ausente: Fatura em aberto"}, True),
        ({"Subject": "Re: Fatura em aberto"}, False),
        ({}, False),
    ],
)
def test_an_email_no_person_wrote(headers, automatic):
    assert is_automatic(headers) is automatic


def _report(content_type, report=""):
    return message_from_string(
        f"From: maria@cliente.example\r\nContent-Type: {content_type}; boundary=B\r\n\r\n"
        f"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n{report}--B--\r\n",
        policy=policy.SMTP,
    )


@pytest.mark.parametrize(
    ("content_type", "harmless"),
    [
        ("multipart/report; report-type=disposition-notification", True),
        ('multipart/report; report-type="Disposition-Notification"', True),
        ("multipart/report; report-type=delivery-status", False),
        ("multipart/mixed", False),
    ],
)
def test_a_read_receipt_reports_no_failure(content_type, harmless):
    assert report_without_failure(_report(content_type)) is harmless


def _dsn(*actions):
    blocks = "".join(
        f"\r\nFinal-Recipient: rfc822; r{n}@x.example\r\nAction: {action}\r\n"
        for n, action in enumerate(actions)
    )
    report = (
        f"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n{blocks}"
    )
    return _report("multipart/report; report-type=delivery-status", report)


@pytest.mark.parametrize(
    ("actions", "harmless"),
    [
        (("delayed",), True),
        (("Delayed",), True),
        (("delivered", "relayed"), True),
        (("failed",), False),
        (("delayed", "failed"), False),
        ((), False),
    ],
)
def test_a_delivery_report_without_a_failure(actions, harmless):
    assert report_without_failure(_dsn(*actions)) is harmless


@pytest.mark.parametrize(
    "text",
    [
        "Estarei fora até 04/01 sem acesso ao e-mail. Os pagamentos serão feitos pelo financeiro "
        "no dia 05/01.",
        "Estou afastada até 10/01. Pagamentos: o financeiro paga toda sexta.",
        "Recebi sua mensagem. Estou de licença até 15/01, pagamentos serão feitos dia 16.",
        "Olá, estou em férias até 10/01 com acesso restrito ao e-mail. Pago na volta, dia 11/01.",
        "I am out of the office until January 4th. Payments will be made on January 5th.",
        "I'm on vacation until 01/10 with limited access to email.",
        "This is an automated response. I am away until 5 January. I will pay on 6 January.",
    ],
)
def test_an_out_of_office_without_its_words_promises_nothing(text):
    reading = read_message(text, THURSDAY, "email")
    assert (reading.intent, reading.day) == (OTHER, None)
    assert reading.why.startswith("automatic reply")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("estou viajando ate sexta, pago segunda", date(2026, 12, 14)),
        ("estou sem acesso ao email, pago dia 18", date(2026, 12, 18)),
        ("estou fora, pago amanha", date(2026, 12, 11)),
    ],
)
def test_a_person_away_who_promises_still_promises(text, day):
    assert (read(text, THURSDAY).intent, read(text, THURSDAY).day) == (PROMISE, day)


def test_a_long_reply_is_read_in_its_first_characters():
    # Cost grows with the text: a 50 KB e-mail without punctuation is read
    # in its first MAX_READ characters (a person reads the rest).
    reading = read("dia " * 12500 + "vou pagar amanha", SATURDAY)
    assert reading.intent == OTHER or reading.day is None


@pytest.mark.parametrize(
    "text",
    [
        # Two things to do: reading one would do only one of them.
        "já paguei a de novembro, a de dezembro pago dia 15",
        "paguei a primeira parcela ontem, a segunda pago no dia 10",
        "a do mes passado eu pago sexta, essa nova nao é minha",
        "nao reconheço essa cobrança mas se for minha pago semana que vem",
        # A condition, whatever its words; part of it only.
        "se o cliente me pagar eu pago vcs segunda",
        "dependendo de como for as vendas eu pago dia 20",
        "paguei uma parte, falta 150",
        "consigo pagar só 100 hoje",
    ],
)
def test_what_a_person_must_read_is_not_acted_on(text):
    """Replies of a writer who saw neither the rules nor the corpora
    (benchmarks/replies/probe.jsonl): each was acted on, wrongly."""
    assert acted(read(text, date(2026, 12, 4)))[0] == OTHER


def test_a_question_beside_a_payment_claimed_keeps_the_claim():
    # "já caiu aí?" asks; "paguei hoje de manhã" says it was paid.
    assert acted(read("já caiu aí? paguei hoje de manhã", date(2026, 12, 4))) == (
        PAID,
        date(2026, 12, 4),
    )
    # A day alone in another clause, or a date written with a dot, is no second thing.
    assert acted(read("paguei sim, no dia 3", date(2026, 12, 4))) == (PAID, date(2026, 12, 3))
    assert acted(read("pago 18.12", SATURDAY)) == (PROMISE, date(2026, 12, 18))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # Next month's day, however it is put.
        ("só consigo pagar no próximo mês dia 5", date(2027, 1, 5)),
        ("mês que vem dia 10 tá pago", date(2027, 1, 10)),
        ("pago mes que vem, no dia 8", date(2027, 1, 8)),
        # The day of the clause that promises, not of the one that denies.
        ("não vou conseguir pagar hoje nem amanhã, mas domingo eu pago", date(2026, 12, 6)),
        # The day ahead, not the due date the reply recalls.
        (
            "Informo que o pagamento do boleto vencido em 30/11 será realizado no dia 11/12/2026.",
            date(2026, 12, 11),
        ),
        ("pago amh sem falta blz", date(2026, 12, 5)),
        # Leave asked, then the day promised outright: a promise.
        ("dá pra esperar ate dia 12? dia 12 eu pago certinho", date(2026, 12, 12)),
    ],
)
def test_promised_days_another_writer_found(text, day):
    # Friday 4 December 2026.
    assert acted(read(text, date(2026, 12, 4))) == (PROMISE, day)


def test_leave_asked_alone_is_still_a_question_for_the_link():
    assert acted(read("dá pra esperar ate dia 12?", date(2026, 12, 4)))[0] == NEGOTIATE


def test_two_weekdays_fix_no_day():
    # "segunda ou terça": a person agrees on the day, as with "dia 10 ou 11".
    assert acted(read("vou pagar segunda ou terça", date(2026, 12, 4))) == (PROMISE, None)


def test_a_payment_claim_takes_no_day_from_a_question_beside_it():
    reading = read(
        "Já paguei, mas aproveitando: dá pra mudar a data de vencimento pro dia 15?",
        date(2026, 12, 4),
    )
    assert acted(reading) == (PAID, None)


def test_a_payment_day_is_not_the_due_date_the_reply_recalls():
    text = (
        "Informo que o pagamento da fatura com vencimento em 28/12/2026, no valor de "
        "R$ 214,37, foi efetuado no dia 30/12/2026 via Pix."
    )
    assert acted(read(text, date(2027, 1, 4))) == (PAID, date(2026, 12, 30))


def test_the_second_time_is_not_monday():
    text = "o boleto foi quitado em 15/01. obs: é a segunda vez que recebo cobrança de algo já pago"
    assert acted(read(text, date(2027, 1, 18))) == (PAID, date(2027, 1, 15))


def test_a_dictated_question_mark_makes_a_question():
    text = "será que eu consigo pagar só semana que vem sem multa interrogação"
    assert acted(read(text, date(2027, 2, 4)))[0] == NEGOTIATE


def test_a_bill_settled_in_an_accountants_words_is_paid():
    text = "A mensalidade de novembro foi liquidada em 10/11/2026 através do boleto enviado."
    assert acted(read(text, date(2026, 11, 12))) == (PAID, date(2026, 11, 10))


# -- a ninth writer (benchmarks/replies/probe4.jsonl) --------------------------------------
FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    "text",
    [
        "amanhã te ligo",
        "me liga segunda",
        "segunda te retorno",
        "amanhã te respondo",
        "me chama amanha",
        "amanhã conversamos",
        "sabado te chamo",
        "sexta eu vejo",
        "segunda eu passo ai",
    ],
)
def test_a_day_to_call_or_answer_is_no_promise(text):
    """A short reply naming a day with a verb that is not paying: a person
    answers it, no promise is confirmed (and later held as broken)."""
    assert acted(read(text, FRIDAY)) == (OTHER, None)


@pytest.mark.parametrize(
    ("text", "day"),
    [("amanha", date(2026, 12, 5)), ("sexta", date(2026, 12, 11)), ("ate domingo eu faco", None)],
)
def test_the_day_alone_is_still_a_promise(text, day):
    assert acted(read(text, FRIDAY)) == (PROMISE, day or date(2026, 12, 6))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("pago quinta-feira 17", date(2026, 12, 17)),
        ("pago terça 15", date(2026, 12, 15)),
        ("pago sábado 19", date(2026, 12, 19)),
        ("vou pagar quarta-feira, 16", date(2026, 12, 16)),
        ("segunda-feira dia 14", date(2026, 12, 14)),
        # not a day's number
        ("pago sexta 10 horas", date(2026, 12, 11)),
    ],
)
def test_a_weekday_followed_by_its_day_is_that_day(text, day):
    assert acted(read(text, FRIDAY)) == (PROMISE, day)


def test_a_weekday_that_is_not_the_days_leaves_a_person_to_check():
    # Friday is the 11th, the 12th a Saturday: the number fixes the day, a
    # person checks it.
    reading = read("pago sexta dia 12", FRIDAY)
    assert (reading.intent, reading.day, reading.sure) == (PROMISE, date(2026, 12, 12), False)


@pytest.mark.parametrize(
    ("text", "concern", "stops"),
    [
        ("ela faleceu, parem de mandar", DEATH, True),
        ("ele morreu, parem de mandar", DEATH, True),
        ("o titular veio a óbito", DEATH, False),
        ("engano, parem de mandar", WRONG_NUMBER, True),
        ("engano, parem de mandar pra esse numero", WRONG_NUMBER, True),
        ("numero errado e para de mandar", WRONG_NUMBER, True),
    ],
)
def test_a_death_or_a_wrong_number_is_for_a_person_and_its_stop_counts(text, concern, stops):
    reading = read(text, FRIDAY)
    assert (reading.intent, reading.concern, reading.opts_out_of("sms")) == (
        OTHER,
        concern,
        stops,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("meu celular morreu, pago amanha", PROMISE),
        ("houve um engano, já paguei ontem", PAID),
    ],
)
def test_what_is_no_death_nor_a_wrong_number(text, intent):
    reading = read(text, FRIDAY)
    assert (reading.intent, reading.concern) == (intent, None)


DECEMBER_7 = date(2026, 12, 7)


@pytest.mark.parametrize(
    "text",
    [
        "vou processar vocês",
        "Vou processar vocês",
        "vou te processar",
        "vcs vao ser processados",
        "meu advogado vai entrar em contato",
        "procon",
        "vou reclamar no Procon",
        "vou denunciar no reclame aqui",
        "já está no jurídico",
        "vou entrar na justiça",
        "vou abrir reclamação no consumidor.gov",
        "vocês vão responder por danos morais",
        "se não resolverem vou entrar com um processo",
        "vou acionar vocês judicialmente",
        "vou no juizado de pequenas causas",
    ],
)
def test_a_lawsuit_or_a_consumer_complaint_is_for_a_person(text):
    """The régua must not keep reminding a customer who announced a lawsuit or
    a complaint (CDC): a person answers first, whatever else it says."""
    assert read(text, DECEMBER_7).concern == LEGAL


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("vou processar vocês, já paguei ontem", PAID),
        ("procon nisso! parem de mandar mensagem", OPTOUT),
    ],
)
def test_a_lawsuit_beside_another_intent_is_still_for_a_person(text, intent):
    reading = read(text, DECEMBER_7)
    assert (reading.intent, reading.concern) == (intent, LEGAL)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("não quero processar ninguém, só quero parcelar", NEGOTIATE),
        ("não vou entrar na justiça, só quero parcelar", NEGOTIATE),
        ("o pagamento está em processamento", OTHER),
        ("processando", OTHER),
        ("o pix ainda está processando, pago amanhã", PROMISE),
        ("vou processar o pagamento amanhã", PROMISE),
        ("meu advogado pagou ontem", PAID),
        ("sou pessoa jurídica, pago dia 10", PROMISE),
    ],
)
def test_what_is_no_lawsuit_nor_complaint(text, intent):
    reading = read(text, DECEMBER_7)
    assert (reading.intent, reading.concern) == (intent, None)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("ok, obrigado", "sms"),
        ("recebi, obrigado", "whatsapp"),
        ("Obrigada!", "sms"),
        ("👍", "whatsapp"),
        ("👍🏽🙏", "sms"),
        ("ok", "email"),
        ("Bom dia, recebido. Muito obrigado pela informação!", "email"),
        ("Ok, obrigada.\n\nAtt,\nMaria Souza", "email"),
        ("vlw", "sms"),
    ],
)
def test_an_acknowledgement_alone_needs_no_answer(text, channel):
    """ "ok, obrigado", "👍": nothing to do and nothing to answer (it made a
    to-do for a person)."""
    reading = read_message(text, DECEMBER_7, channel)
    assert (reading.intent, reading.acknowledgement, reading.concern) == (OTHER, True, None)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("obrigado, mas já paguei", PAID),
        ("ok, vou pagar amanhã", PROMISE),
        ("ok, obrigado, parem de mandar mensagem", OPTOUT),
        ("ok 😡", OTHER),
        ("😡", OTHER),
        ("", OTHER),
        ("quem é?", WHO),
        ("ok, obrigado, vou processar vocês", OTHER),
        ("obrigado pela cobrança indevida", DISPUTE),
    ],
)
def test_what_is_more_than_an_acknowledgement(text, intent):
    reading = read(text, DECEMBER_7)
    assert (reading.intent, reading.acknowledgement) == (intent, False)


def test_a_promise_beside_a_stop_is_stopped_and_read_by_a_person():
    reading = read("pago dia 18 mas para de me mandar msg todo dia", FRIDAY)
    assert reading.opts_out_of("sms") and not reading.sure


@pytest.mark.parametrize(
    "text",
    [
        "Não pedi pra sair da lista, por que parei de receber os boletos por e-mail?",
        "nunca pedi pra sair da lista, pq parei de receber os boletos por email?",
        "não pedi pra sair da lista",
        "quem disse que eu quero sair da lista?",
        # the debtors' register: how to settle, a question for a person
        "como faço pra sair do cadastro de inadimplentes?",
        "como faço pra sair do cadastro negativo?",
    ],
)
def test_what_says_the_opposite_of_an_opt_out_is_for_a_person(text):
    reading = read_message(text, FRIDAY, "email")
    assert not reading.stop
    assert acted(reading)[0] not in (OPTOUT, DISPUTE)


@pytest.mark.parametrize(
    "text",
    [
        "paguei sim 🙄 só que não",
        "pago sim, no dia de são nunca",
        "aham, paguei sim, com certeza 🙄",
        # the reminder's own words pasted back
        "Encaminhada\nSua fatura de R$ 230,00 venceu em 25/11. Se já pagou desconsidere.\n\n"
        "isso é de vcs?",
        "Se já pagou, desconsidere esta mensagem. ???",
    ],
)
def test_sarcasm_and_a_pasted_reminder_are_no_payment(text):
    assert acted(read_message(text, FRIDAY, "whatsapp"))[0] == OTHER


def test_an_eye_roll_beside_a_payment_is_still_a_payment():
    reading = read("Gente paguei ontem e vcs ainda mandando msg 🙄", FRIDAY)
    assert acted(reading) == (PAID, date(2026, 12, 3))


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Não estou de acordo com esse valor", "email"),
        ("não estou de acordo com a cobrança", "sms"),
        ("o serviço nem foi feito direito, o tecnico deixou pela metade", "whatsapp"),
        ("A entrega nunca chegou", "whatsapp"),
        ("O aparelho parou de funcionar na primeira semana", "whatsapp"),
        ("não vou pagar enquanto não resolverem o problema do produto", "whatsapp"),
        ("parei de usar o serviço em agosto e pedi pra cancelar", "whatsapp"),
        ("jamais vou pagar isso", "whatsapp"),
        ("A nota fiscal está com valor diferente do pedido", "email"),
        ("Olá, essa fatura é da outra unidade, não é nossa", "email"),
        (
            "Estamos com o pagamento bloqueado aguardando a emissão da NF correta, a que "
            "recebemos está com o CNPJ errado.",
            "email",
        ),
        ("o boleto veio com valor de R$ 850 e o correto é R$ 580.", "email"),
        # a disclaimer's "avise o remetente" asks nothing of who is writing
        (
            "A mercadoria chegou avariada, já abri chamado.\n\nAtt,\nJosé Carlos\n\n"
            "O conteúdo deste e-mail é confidencial e destinado exclusivamente ao destinatário. "
            "Caso o tenha recebido por engano, por favor apague-o e avise o remetente.",
            "email",
        ),
    ],
)
def test_disputes_in_the_words_of_a_ninth_writer(text, channel):
    assert acted(read_message(text, FRIDAY, channel))[0] == DISPUTE


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a deal asked for is still one
        ("Prezados, solicito proposta de acordo para quitação do saldo devedor.", NEGOTIATE),
        ("da pra pagar metade agora e metade mes que vem?", NEGOTIATE),
        # disagreeing with a fine while paying in full is a promise
        (
            "Não concordamos com a multa de 2% aplicada. Ainda assim, efetuaremos o pagamento "
            "integral na próxima terça-feira.",
            PROMISE,
        ),
    ],
)
def test_what_is_no_dispute(text, intent):
    assert acted(read_message(text, FRIDAY, "email"))[0] == intent


@pytest.mark.parametrize(
    ("text", "channel", "on"),
    [
        ("remove", "sms", "sms"),
        ("para com isso", "whatsapp", "whatsapp"),
        ("me esquece", "sms", "sms"),
        ("sai fora", "sms", "sms"),
        ("nunca autorizei vocês a me mandarem mensagem", "whatsapp", "whatsapp"),
        ("pode mandar no email, whatsapp nao", "whatsapp", "whatsapp"),
    ],
)
def test_opt_outs_a_ninth_writer_found(text, channel, on):
    reading = read_message(text, FRIDAY, channel)
    assert (acted(reading)[0], reading.opts_out_of(on)) == (OPTOUT, True)


@pytest.mark.parametrize(
    "text",
    [
        "parem",
        "PAREM!",
        "por favor, parem",
        "Parem, por favor.",
        "parem de mandar",
        "parem com isso",
    ],
)
def test_the_plural_stop_a_family_writes_is_an_opt_out(text):
    """ "Parem" (the plural imperative) stops the channel at once, as "para",
    "parar" and "chega" do; "não parem" does not."""
    for channel in ("sms", "whatsapp"):
        reading = read_message(text, FRIDAY, channel)
        assert (acted(reading)[0], reading.opts_out_of(channel)) == (OPTOUT, True)
    assert not read("não parem", FRIDAY).stop


def test_a_channel_refused_is_not_kept():
    reading = read("pode mandar no email, whatsapp nao", FRIDAY)
    assert reading.opts_out_of("whatsapp") and not reading.opts_out_of("email")


def test_a_number_not_recognised_is_who_is_writing_not_a_dispute():
    text = "Não reconheço o número que está me enviando, é da empresa mesmo?"
    assert acted(read(text, FRIDAY))[0] == WHO


def test_installments_refused_are_no_wish_to_negotiate():
    reading = read("nao quero parcelar, vou pagar tudo dia 10", FRIDAY)
    assert acted(reading) == (PROMISE, date(2026, 12, 10))


def test_no_more_calls_names_the_calls_only():
    reading = read("pare de me ligar, mensagem pode mandar", FRIDAY)
    assert reading.opts_out_of("call") and not reading.opts_out_of("sms")


def test_no_more_calls_in_the_indicative_a_phone_writes():
    """ "não me liga mais" (read as "other" before: the calls went on until a
    person read it); "não me liga agora" asks for no stop."""
    reading = read("não me liga mais", FRIDAY)
    assert reading.opts_out_of("call") and not reading.opts_out_of("email")
    assert read("nao me ligam mais por favor", FRIDAY).opts_out_of("call")
    assert not read("não me liga agora, estou no trabalho", FRIDAY).stop


# -- asking for the way to pay (read as "other" before: a person answered, hours later) ----
MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "text",
    [
        "me manda o boleto de novo",
        "pode mandar o código pix?",
        "qual a chave pix",
        "segunda via por favor",
        "manda o link pra pagar",
        "perdi o boleto",
        "manda o pix aí que eu pago agora",
        "kd o boleto?",
        "me passa o pix copia e cola",
        "Por gentileza, enviem a segunda via do boleto. Não localizei o original.",
        "nao quero sair da lista, só quero o boleto",
    ],
)
def test_asking_for_the_way_to_pay_gets_the_link(text):
    assert acted(read(text, MONDAY)) == (PAYLINK, None)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a payment made, with the means named
        ("já paguei o boleto", PAID),
        # a means that does not work: a person sees what is wrong
        ("o pix não funciona", OTHER),
        ("o código pix deu erro", OTHER),
        ("o link nao abre", OTHER),
        ("não estou conseguindo acessar o portal para emitir o boleto", OTHER),
        # installments asked for: the Parcelar link
        ("quero parcelar, manda o boleto", NEGOTIATE),
        # a payment to come, not a code asked for
        ("vou mandar o pix amanha", PROMISE),
        # asks for nothing
        ("não precisa mandar o boleto", OTHER),
        ("Prezados, favor enviar a segunda via da nota fiscal.", OTHER),
        ("qual boleto?", WHO),
        # who is writing first
        ("é golpe? manda o pix", WHO),
    ],
)
def test_what_is_no_ask_for_the_way_to_pay(text, intent):
    assert acted(read(text, MONDAY))[0] == intent


def test_a_promise_with_its_day_beside_the_ask_is_kept():
    """ "pago dia 15, qual a chave pix?": the day promised is recorded."""
    assert acted(read("pago dia 15, qual a chave pix?", MONDAY)) == (PROMISE, date(2026, 12, 15))


def test_a_stop_beside_an_ask_for_the_boleto_is_read_by_a_person():
    reading = read("nao quero mais sms, manda o boleto por email", MONDAY)
    assert reading.opts_out_of("sms") and not reading.sure


@pytest.mark.parametrize(
    "text",
    [
        "comprovante de pagamento",
        "[document] Comprovante de pagamento.pdf",
        "[image] comprovante",
        "o comprovante está em anexo",
    ],
)
def test_a_receipt_sent_alone_says_it_is_paid(text):
    """A receipt sent with only its caption (a WhatsApp file, an e-mail) was
    read as "other": the reminders went on while it waited for a person."""
    assert read(text, FRIDAY).intent == PAID


@pytest.mark.parametrize(
    "text", ["cadê o comprovante?", "não tenho comprovante", "comprovante de residência"]
)
def test_asking_for_or_lacking_a_receipt_says_nothing_was_paid(text):
    assert read(text, FRIDAY).intent != PAID


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("dia 5 do mês que vem", date(2027, 1, 5)),
        ("No dia 5 do mês que vem", date(2027, 1, 5)),
        ("até o dia 10 do próximo mês", date(2027, 1, 10)),
        ("dia 5 do mes q vem 🙏", date(2027, 1, 5)),
    ],
)
def test_a_day_of_next_month_alone_is_a_promise(text, day):
    """Written alone, as "dia 15" or "sexta" are: it was read as nothing (a
    to-do, the reminders going on) because it takes more than four words."""
    assert acted(read(text, MONDAY)) == (PROMISE, day)


@pytest.mark.parametrize(
    "text",
    [
        "vou pagar dia 31/02",
        "pago dia 30/02",
        "pago 31/02",
        "pago dia 31 de fevereiro",
        "vou pagar dia 31/11",
        "pago dia 15/13",
        "pago 29/02",
    ],
)
def test_a_day_no_calendar_has_is_read_by_a_person(text):
    """ "vou pagar dia 31/02" was a promise for 31 December (the "dia 31"
    read without its month), "pago 31/02" a payment already made: the
    reminders paused on a day the customer never named."""
    assert acted(read(text, MONDAY)) == (OTHER, None)


@pytest.mark.parametrize(
    ("text", "channels"),
    [
        ("PARE AGORA!!!", set()),
        ("sair já", set()),
        ("parem agora", set()),
        ("sair por gentileza", set()),
        ("cancelar mensagens", set()),
        ("parar de receber", set()),
        ("SAIR SMS", {"sms"}),
        ("stop sms", {"sms"}),
        ("sair whatsapp", {"whatsapp"}),
    ],
)
def test_a_stop_word_with_its_channel_or_an_agora_stops(text, channels):
    """ "PARE AGORA!!!" was a promise to pay today (the reminders paused, the
    customer thanked for it) and "SAIR SMS" nothing: neither stopped."""
    reading = read(text, MONDAY)
    assert acted(reading) == (OPTOUT, None)
    assert reading.stop and set(reading.channels) == channels


@pytest.mark.parametrize("text", ["pago dia 10. Sair", "vou pagar sexta, pare!"])
def test_a_stop_word_in_a_clause_of_its_own_stops_and_a_person_reads_the_rest(text):
    reading = read(text, MONDAY)
    assert reading.opts_out_of("sms") and not reading.sure


@pytest.mark.parametrize(
    "text",
    [
        "não vou sair de casa hoje, pago amanhã",
        "o salário sai agora",
        "quero cancelar",
        "Pode parar? Não, brincadeira, pode continuar mandando",
    ],
)
def test_what_only_looks_like_a_stop_word_is_no_stop(text):
    assert not read(text, MONDAY).stop


# -- a tenth writer (a tester, 177 replies written apart on 10 December 2026) ------------
@pytest.mark.parametrize(
    "text",
    ["pago dia 40", "pago dia 0", "pago 32/12", "pago dia 45 blz", "pago no dia 33"],
)
def test_pago_with_a_day_no_month_has_is_read_by_a_person(text):
    """ "pago dia 40" (a typo for a day to come) was a payment already made:
    the reminders paused for a payment to check and the customer thanked
    ("Obrigado! Vamos conferir o pagamento") for one never claimed."""
    assert acted(read(text, THURSDAY)) == (OTHER, None)


def test_paid_with_a_day_no_month_has_is_still_paid():
    assert acted(read("paguei dia 45", THURSDAY)) == (PAID, None)


@pytest.mark.parametrize(
    ("text", "today", "day"),
    [
        ("pago em março dia 10", THURSDAY, date(2027, 3, 10)),
        ("pago em fevereiro dia 3", date(2026, 12, 28), date(2027, 2, 3)),
        ("só consigo pagar em fevereiro, dia 8", THURSDAY, date(2027, 2, 8)),
        ("pago no mês de janeiro no dia 20", THURSDAY, date(2027, 1, 20)),
    ],
)
def test_a_month_named_before_its_day_is_that_months_day(text, today, day):
    """ "pago em fevereiro dia 3" written on 28 December was a promise for 3
    January (the "dia 3" read without its month): broken the next day, the
    customer's payer profile lowered for a promise never made."""
    reading = read(text, today)
    assert reading.intent == PROMISE and reading.day == day


def test_the_invoice_a_month_names_gives_the_payment_no_month():
    reading = read("já paguei a de maio, dia 20", date(2026, 6, 25))
    assert acted(reading) == (PAID, date(2026, 6, 20))


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("não quero receber ligação nem mensagem", "sms"),
        ("nao quero mais ligacao nem mensagem", "whatsapp"),
        ("nao me liguem e nem mandem mensagem", "sms"),
        ("parem de mandar mensagem e de ligar", "sms"),
    ],
)
def test_no_calls_nor_messages_stops_the_messages_too(text, channel):
    """By SMS, "não quero receber ligação nem mensagem" stopped the calls only:
    the SMS went on and no person was told."""
    reading = read_message(text, THURSDAY, channel)
    assert reading.opts_out_of("call") and reading.opts_out_of(channel)


def test_messages_kept_beside_calls_refused_are_kept():
    for text in ("pare de me ligar, mensagem pode mandar", "nao me liguem, prefiro mensagem"):
        reading = read_message(text, THURSDAY, "sms")
        assert reading.opts_out_of("call") and not reading.opts_out_of("sms")


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("chega dessas msg", "whatsapp"),
        ("chega dessas mensagens!!", "sms"),
        ("me exclui da lista de vcs", "whatsapp"),
        ("Favor retirar meu contato", "whatsapp"),
        ("retirar meu numero da lista pfv", "sms"),
        ("nao quero mais nenhuma mensagem de voces", "whatsapp"),
        ("não quero mais essas mensagens", "sms"),
    ],
)
def test_opt_outs_a_tenth_writer_found(text, channel):
    """Each went to a person as "other": the channel went on until someone read it."""
    reading = read_message(text, THURSDAY, channel)
    assert (acted(reading)[0], reading.opts_out_of(channel)) == (OPTOUT, True)


@pytest.mark.parametrize(
    "text",
    [
        "quero retirar meu nome do cadastro de inadimplentes",
        "como faço pra excluir meu nome do cadastro de devedores?",
        "me tira do cadastro de inadimplentes por favor",
        "não quero mais essa cobrança no meu nome",
    ],
)
def test_leaving_the_debtors_register_is_no_opt_out(text):
    """ "me tira do cadastro de inadimplentes" stopped the SMS: a question
    about settling the debt, for a person."""
    assert not read(text, THURSDAY).stop


@pytest.mark.parametrize(
    "text",
    [
        "vc ta mandando pra pessoa errada",
        "mensagem pra pessoa errada",
        "Aqui é a filha dela, ela trocou de numero",
        "ele trocou de número faz tempo",
    ],
)
def test_someone_else_answering_is_a_wrong_number(text):
    """Read as "other": a to-do, and the reminders went on to the wrong person."""
    reading = read(text, THURSDAY)
    assert (reading.intent, reading.concern) == (OTHER, WRONG_NUMBER)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("esse cpf nao é meu, tão cobrando a pessoa errada", DISPUTE),
        ("ja paguei, vcs que mandaram o boleto pra pessoa errada", PAID),
    ],
)
def test_the_wrong_person_charged_is_no_wrong_number(text, intent):
    reading = read(text, THURSDAY)
    assert (reading.intent, reading.concern) == (intent, None)


# -- a tester's replies, clear yet sent to a person (the customer waited) ------------------
@pytest.mark.parametrize(
    "text",
    [
        "pode mandar a 2 via?",
        "2a via do boleto",
        "2ª via",
        "2 via",
        "me manda a 2° via pfv",
        "segunda via do boleto",
        "boleto vencido, manda outro",
        "o boleto venceu, pode mandar outro?",
        "manda o boleto atualizado",
    ],
)
def test_a_copy_of_the_bill_asked_in_figures_or_another_one_gets_the_link(text):
    """ "pode mandar a 2 via?", "2ª via", "boleto vencido, manda outro" went
    to a person: the customer waited hours for a link the régua sends at once."""
    assert acted(read(text, THURSDAY)) == (PAYLINK, None)


@pytest.mark.parametrize(
    ("text", "intent", "day"),
    [
        ("segunda eu pago", PROMISE, date(2026, 12, 14)),
        ("pago dia 2 via pix", PROMISE, date(2027, 1, 2)),
        ("2 vias do contrato assinadas seguem em anexo", OTHER, None),
        ("favor enviar a 2ª via da nota fiscal", OTHER, None),
        ("o boleto veio errado, manda outro", DISPUTE, None),
        ("não manda outro boleto, já paguei", PAID, None),
    ],
)
def test_what_is_no_copy_of_the_bill_asked(text, intent, day):
    assert acted(read(text, THURSDAY)) == (intent, day)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("ja pgei", None),
        ("ja pguei moço", None),
        ("paguei onte", date(2026, 12, 9)),
        ("pgei onte de noite", date(2026, 12, 9)),
    ],
)
def test_a_payment_claimed_with_a_typo_is_paid(text, day):
    """ "ja pgei" went to a person and "paguei onte" was paid on no day: the
    reminders went on while it waited, or the paid day was asked again."""
    assert acted(read(text, THURSDAY)) == (PAID, day)


def test_a_payment_claimed_without_its_receipt_is_still_paid():
    """ "ja paguei nao tenho comprovante mas paguei" read "paguei não" as a
    denial: a person got it and the reminders went on."""
    assert acted(read("ja paguei nao tenho comprovante mas paguei", THURSDAY)) == (PAID, None)
    assert acted(read("paguei não achei o comprovante", THURSDAY)) == (PAID, None)


@pytest.mark.parametrize(
    ("text", "intent", "day"),
    [
        ("paguei não", OTHER, None),
        ("paguei não, mas pago amanhã", PROMISE, date(2026, 12, 11)),
        ("paguei nao, nao tenho dinheiro", OTHER, None),
    ],
)
def test_paguei_nao_is_still_a_denial(text, intent, day):
    assert acted(read(text, THURSDAY)) == (intent, day)


@pytest.mark.parametrize(
    "text",
    [
        "paguei mas n caiu ainda?",
        "paguei ontem mas ainda não caiu?",
        "ja paguei mas vcs receberam?",
    ],
)
def test_a_question_after_mas_beside_a_claim_keeps_the_claim(text):
    """ "paguei mas n caiu ainda?" was read as a question about a payment:
    a person got it while the reminders went on."""
    assert acted(read(text, THURSDAY))[0] == PAID


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("já paguei?", OTHER),
        ("mas eu já paguei?", OTHER),
        ("será que paguei?", OTHER),
        # leave asked after a day: no payment, no promise for the 15th
        ("pago dia 10 mas posso pagar dia 15?", NEGOTIATE),
    ],
)
def test_a_payment_only_asked_about_is_still_no_claim(text, intent):
    assert acted(read(text, THURSDAY))[0] == intent


@pytest.mark.parametrize(
    ("text", "channel", "stopped", "kept"),
    [
        ("não quero ligação nem mensagem", "sms", {"call", "sms"}, set()),
        ("nao quero ligacao nem mensagem", "whatsapp", {"call", "whatsapp"}, set()),
        ("não quero ligação, prefiro mensagem", "sms", {"call"}, {"sms"}),
        ("bloqueia meu numero ai", "whatsapp", {"whatsapp"}, set()),
        ("bloqueiem esse número por favor", "sms", {"sms"}, set()),
        ("pode bloquear meu número", "sms", {"sms"}, set()),
    ],
)
def test_no_calls_nor_messages_and_a_number_to_block_stop(text, channel, stopped, kept):
    """ "não quero ligação nem mensagem" and "bloqueia meu numero ai" went to
    a person: the calls and messages went on until someone read them."""
    reading = read_message(text, THURSDAY, channel)
    assert acted(reading)[0] == OPTOUT
    assert all(reading.opts_out_of(name) for name in stopped)
    assert not any(reading.opts_out_of(name) for name in kept)


@pytest.mark.parametrize(
    "text",
    [
        "meu cartão foi bloqueado, pago amanhã",
        "o banco bloqueia o pix de noite, pago amanhã cedo",
        "bloquearam minha conta no banco",
        "não quero ligação com essa dívida no meu nome, vou pagar dia 15",
    ],
)
def test_what_blocks_or_refuses_something_else_is_no_stop(text):
    assert not read_message(text, THURSDAY, "whatsapp").stop


@pytest.mark.parametrize(
    "text",
    [
        "o tecnico nunca apareceu pra instalar",
        "O técnico não apareceu para fazer a instalação e vcs me cobrando",
        "ninguém veio instalar, como vou pagar?",
        "o instalador nunca veio",
    ],
)
def test_a_service_never_delivered_is_a_dispute_of_a_service_not_received(text):
    """ "o tecnico nunca apareceu pra instalar" went to a person: the
    reminders went on for a service the customer never got."""
    assert acted(read(text, THURSDAY))[0] == DISPUTE
    assert dispute_reason(text) == "not_received"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("o técnico veio ontem, ficou ótimo, pago sexta", PROMISE),
        ("o técnico não apareceu hoje, remarcaram, pago dia 15", PROMISE),
    ],
)
def test_a_technician_who_came_or_is_due_is_no_dispute(text, intent):
    assert acted(read(text, THURSDAY))[0] == intent


# -- a tenth writer (benchmarks/replies/probe5.jsonl), Monday 7 December 2026 -------------
MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "text",
    [
        "to sem grana agora",
        "to sem dinheiro agora",
        "agora to sem dinheiro",
        "nao tenho dinheiro agora",
        "agora nao tenho",
        "agora ta dificil",
        "to liso agora",
        "estou sem dinheiro hoje",
        "hoje nao tenho",
        "sem condicoes agora",
        "to sem grana hj",
        "hoje ta apertado",
        "to desempregado hoje",
    ],
)
def test_no_money_now_is_no_promise_for_today(text):
    """ "to sem grana agora" was confirmed as a promise to pay today: the
    customer who said they could not pay got "Anotado: pagamento em 07/12"
    and, the day after, a reminder of a promise they never made."""
    assert acted(read(text, MONDAY)) == (OTHER, None)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("amanha", date(2026, 12, 8)),
        ("sexta que vem sem falta", date(2026, 12, 18)),
        ("amanha sem falta", date(2026, 12, 8)),
        ("to sem grana agora mas dia 15 pago", date(2026, 12, 15)),
        ("hoje a tarde", date(2026, 12, 7)),
    ],
)
def test_a_day_said_without_hardship_is_still_a_promise(text, day):
    assert acted(read(text, MONDAY)) == (PROMISE, day)


@pytest.mark.parametrize(
    "text",
    [
        "paguei errado",
        "paguei errado, e agora?",
        "paguei a mais",
        "paguei a menos",
        "paguei em duplicidade",
        "paguei em dobro",
        "fiz o pix errado",
        "paguei com o codigo errado",
        "paguei o boleto errado",
        "fiz o pix pra conta errada",
    ],
)
def test_a_payment_made_wrong_goes_to_a_person(text):
    """ "paguei errado" was taken for a payment of the invoice: the reminders
    paused and the customer was thanked, while their money went to the wrong
    bill, in the wrong amount or twice; a person sorts it out."""
    assert acted(read(text, MONDAY)) == (OTHER, None)


@pytest.mark.parametrize(
    "text",
    ["ja paguei, o valor que veio no boleto estava certo", "paguei ontem, nao errei o valor"],
)
def test_a_payment_without_a_mistake_is_still_paid(text):
    assert acted(read(text, MONDAY))[0] == PAID


@pytest.mark.parametrize(
    "text",
    [
        "pode tirar meu numero?",
        "pode tirar meu numero",
        "podem tirar meu numero da lista pfv",
        "pode me tirar da lista?",
        "da pra me tirar dessa lista?",
        "apaga meu numero",
        "podem apagar meu contato?",
        "como faço pra parar de receber essas mensagens?",
        "como faz pra deixar de receber sms?",
    ],
)
def test_an_opt_out_asked_as_a_favour_stops(text):
    """ "pode tirar meu número?" was left to a person: the SMS went on to a
    customer who had asked, politely, for them to stop."""
    reading = read_message(text, MONDAY, "sms")
    assert reading.opts_out_of("sms")


@pytest.mark.parametrize(
    "text",
    [
        "como faço pra sair do serasa?",
        "pode tirar meu nome do spc?",
        "como tirar o numero do boleto?",
        "como faço pra receber o boleto?",
    ],
)
def test_asking_about_something_else_is_no_opt_out(text):
    assert not read_message(text, MONDAY, "sms").stop


def test_an_opt_out_asked_beside_the_boleto_by_email_keeps_the_email():
    """The WhatsApp stops, the e-mail the customer keeps does not, and a person
    sends the boleto by e-mail (it was an opt-out alone: of the e-mail too,
    and the boleto asked for was left unsent)."""
    reading = read_message(
        "pode tirar meu numero? mas o boleto quero por email", MONDAY, "whatsapp"
    )
    assert reading.opts_out_of("whatsapp")
    assert "email" not in reading.channels
    assert not reading.sure


def test_messages_stopped_here_but_welcome_by_email_keep_the_email():
    reading = read_message(
        "pare de enviar mensagem por aqui, qualquer coisa manda por email", MONDAY, "whatsapp"
    )
    assert reading.opts_out_of("whatsapp")
    assert "email" not in reading.channels


@pytest.mark.parametrize(
    "text",
    [
        "tem pix copia e cola?",
        "tem link?",
        "tem boleto?",
        "vcs tem pix?",
        "link pra pagar?",
        "boleto pra pagar",
        "o link de pagamento?",
    ],
)
def test_asking_whether_there_is_a_way_to_pay_gets_the_link(text):
    """ "tem pix copia e cola?" was left to a person: the customer ready to
    pay waited for an answer the régua sends at once."""
    assert acted(read(text, MONDAY))[0] == PAYLINK


@pytest.mark.parametrize(
    "text", ["tem boleto vencido?", "tem link de golpe circulando?", "o link ta dando erro"]
)
def test_other_questions_about_the_link_get_no_link(text):
    assert acted(read(text, MONDAY))[0] != PAYLINK


@pytest.mark.parametrize(
    "text",
    [
        "Esse telefone agora é meu, o antigo dono não usa mais",
        "esse numero agora e meu",
        "esse numero era de outra pessoa",
        "comprei esse chip faz 2 meses, nao conheco essa pessoa",
        "o dono anterior desse numero nao usa mais",
    ],
)
def test_a_number_now_someone_elses_is_a_wrong_number(text):
    """ "esse telefone agora é meu, o antigo dono não usa mais" was left to a
    person as any question, and the reminders of someone else's debt went on
    to the number's new owner."""
    assert read(text, MONDAY).concern == WRONG_NUMBER


@pytest.mark.parametrize(
    "text", ["esse numero e meu sim, pago sexta", "o antigo dono da loja ficou de pagar"]
)
def test_the_customers_own_number_is_no_wrong_number(text):
    assert read(text, MONDAY).concern is None


def test_a_death_told_by_the_numbers_new_owner_is_a_death():
    reading = read("o Joao faleceu em dezembro, esse numero agora é meu", MONDAY)
    assert reading.concern == DEATH


@pytest.mark.parametrize(
    "text",
    [
        "no quiero recibir más mensajes",
        "no quiero mas mensajes",
        "dejen de enviarme mensajes",
        "quiero darme de baja",
    ],
)
def test_a_stop_in_spanish_stops(text):
    """ "no quiero recibir más mensajes" was left to a person: the messages
    went on to a customer who had asked, in Spanish, for them to stop."""
    assert read_message(text, MONDAY, "whatsapp").opts_out_of("whatsapp")


@pytest.mark.parametrize("text", ["no quiero pagar intereses", "ya pagué, gracias"])
def test_other_spanish_is_no_stop(text):
    assert not read_message(text, MONDAY, "whatsapp").stop


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("pago el lunes, disculpe", date(2026, 12, 14)),
        ("le pago el viernes", date(2026, 12, 11)),
        ("pago mañana sin falta", date(2026, 12, 8)),
        ("el jueves pago todo", date(2026, 12, 10)),
    ],
)
def test_a_promise_in_spanish_is_no_payment(text, day):
    """ "pago el lunes" (Spanish: "I pay on Monday") was read as "já pago": the
    invoice's payment claimed and a to-do to check a payment never made."""
    assert acted(read_message(text, MONDAY, "whatsapp")) == (PROMISE, day)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("ya pagué el lunes pasado", date(2026, 11, 30)),
        ("ya pagué ayer", date(2026, 12, 6)),
        ("pagué hoy por la mañana", date(2026, 12, 7)),
    ],
)
def test_a_payment_in_spanish_has_its_day(text, day):
    assert acted(read_message(text, MONDAY, "whatsapp")) == (PAID, day)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("me deixem em paz pelo amor de deus", "whatsapp"),
        ("me deixa em paz, pelo amor de Deus!!", "sms"),
        ("sai fora pelo amor de deus", "whatsapp"),
        ("parem pelo amor de deus", "sms"),
        ("para com isso pelo amor de deus", "whatsapp"),
        ("Please remove me from this mailing list.", "email"),
        ("remove me from your list", "sms"),
        ("take me off your list please", "whatsapp"),
        ("do not text me again", "sms"),
        ("I want to opt out", "whatsapp"),
    ],
)
def test_a_stop_begged_or_in_english_stops(text, channel):
    """ "me deixem em paz pelo amor de deus" and "Please remove me from this
    mailing list" were left to a person: the reminders went on to customers
    who had asked for them to stop."""
    reading = read_message(text, MONDAY, channel)
    assert (acted(reading)[0], reading.opts_out_of(channel)) == (OPTOUT, True)


@pytest.mark.parametrize(
    "text", ["pelo amor de deus, pago sexta", "remove me from the debtors list, I paid"]
)
def test_a_plea_or_a_register_is_no_stop(text):
    assert not read_message(text, MONDAY, "whatsapp").stop


@pytest.mark.parametrize(
    "text",
    [
        "isso é verdade? nunca recebi msg de vcs por aqui",
        "nunca recebi mensagem de vocês, quem é?",
        "nunca recebi ligação de vcs",
        "nunca recebi nenhum aviso por email",
    ],
)
def test_never_having_had_a_message_is_no_dispute(text):
    """ "nunca recebi msg de vcs" (never had a message from you) was read as a
    dispute: the invoice paused as contested by a customer who only doubted
    the sender."""
    assert acted(read_message(text, MONDAY, "whatsapp"))[0] != DISPUTE


@pytest.mark.parametrize(
    "text", ["nunca recebi o produto", "nunca recebi nada de vcs", "nunca recebi a mercadoria"]
)
def test_never_having_had_the_goods_is_a_dispute(text):
    assert acted(read_message(text, MONDAY, "whatsapp"))[0] == DISPUTE


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("pago dia 10 pode ser?", date(2026, 12, 10)),
        ("pago sexta ok?", date(2026, 12, 11)),
        ("vou pagar dia 15 tudo bem?", date(2026, 12, 15)),
        ("pago dia 10, pode ser?", date(2026, 12, 10)),
    ],
)
def test_a_promise_with_its_tag_unseparated_is_a_promise(text, day):
    """ "pago dia 10 pode ser?" (no comma before the tag) was read as leave
    asked: the customer got the link to choose a day they had already said,
    and no promise was kept."""
    assert acted(read_message(text, MONDAY, "whatsapp")) == (PROMISE, day)


@pytest.mark.parametrize(
    "text", ["posso pagar dia 10 pode ser?", "da pra pagar dia 10 ok?", "posso pagar dia 10?"]
)
def test_leave_asked_with_a_tag_is_still_asked(text):
    assert acted(read_message(text, MONDAY, "whatsapp"))[0] == NEGOTIATE


@pytest.mark.parametrize(
    "text",
    [
        "posso pagar no cartao?",
        "posso pagar no cartão de crédito?",
        "o boleto ta vencido, consigo pagar ele ainda?",
        "da pra pagar na loteria?",
    ],
)
def test_asking_how_one_may_pay_is_no_leave_asked(text):
    """ "posso pagar no cartão?" was read as leave asked for a new day: the
    customer got the installments link for a question about the means, which
    a person answers."""
    assert acted(read_message(text, MONDAY, "whatsapp"))[0] != NEGOTIATE


@pytest.mark.parametrize(
    "text",
    [
        "posso pagar mês que vem?",
        "dá pra esperar até o salário?",
        "posso pagar depois do dia 20?",
        "seria possível pagar em janeiro?",
    ],
)
def test_asking_leave_for_a_later_day_is_negotiate(text):
    assert acted(read_message(text, MONDAY, "whatsapp"))[0] == NEGOTIATE


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("O boleto será quitado até o dia 12.", date(2026, 12, 12)),
        ("a fatura vai ser quitada sexta", date(2026, 12, 11)),
        ("os boletos serão liquidados no dia 15", date(2026, 12, 15)),
    ],
)
def test_a_payment_to_be_made_is_a_promise(text, day):
    """ "O boleto será quitado até o dia 12" was read as paid on the 12th of
    the month gone by: a paid claim for money that had not been sent."""
    assert acted(read_message(text, MONDAY, "email")) == (PROMISE, day)


@pytest.mark.parametrize(
    "text",
    [
        "ia pagar dia 10 mas o salario atrasou, agora nao sei",
        "eu iria pagar sexta mas nao deu",
        "era pra pagar amanha, agora nao sei",
    ],
)
def test_a_payment_once_meant_is_no_promise(text):
    """ "ia pagar dia 10 mas o salário atrasou, agora não sei" was read as a
    promise for the 10th: the invoice paused on a day the customer had given
    up."""
    assert acted(read_message(text, MONDAY, "whatsapp"))[0] == OTHER


def _failed(*blocks):
    report = "".join(
        f"\r\nFinal-Recipient: rfc822; r{n}@x.example\r\n{block}" for n, block in enumerate(blocks)
    )
    return _report(
        "multipart/report; report-type=delivery-status",
        f"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n{report}",
    )


@pytest.mark.parametrize(
    ("message", "detail"),
    [
        (
            _failed(
                "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550-5.1.1 The email\r\n"
                " account that you tried to reach does not exist.\r\n"
            ),
            "5.1.1 smtp; 550-5.1.1 The email account that you tried to reach does not exist.",
        ),
        (_failed("Action: Failed\r\nStatus: 5.2.2\r\n"), "5.2.2"),
        # A recipient still tried says nothing of a failure.
        (
            _failed(
                "Action: delayed\r\nStatus: 4.2.2\r\n",
                "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 unknown\r\n",
            ),
            "5.1.1 smtp; 550 unknown",
        ),
        (_failed("Action: delayed\r\nStatus: 4.2.2\r\n"), None),
        (_report("multipart/report; report-type=delivery-status"), None),
        (_report("multipart/mixed"), None),
    ],
)
def test_the_words_of_the_server_that_gave_up(message, detail):
    assert failure_detail(message) == detail


def test_the_words_of_a_server_that_quotes_a_whole_dialogue_are_cut():
    words = "smtp; " + "550 no " * 100
    detail = failure_detail(
        _failed(f"Action: failed\r\nStatus: 5.0.0\r\nDiagnostic-Code: {words}\r\n")
    )
    assert len(detail) <= 300
    assert detail.startswith("5.0.0 smtp; 550 no") and detail.endswith("…")


# Replies a ninth writer wrote (330 on a phone, none of the corpora's): what
# the régua did wrong by itself with them. Read on Tuesday 8 December 2026.
TUESDAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    "text",
    [
        # "pague" is Portuguese's subjunctive, not Spanish "pagué"
        "vc quer q eu pague por onde",
        "espera eu receber pra que eu pague",
        "assim que meu cliente me pague eu te pago",
        # part of it paid: a person sees what is still owed
        "paguei a de novembro, a de dezembro ainda nao",
        "paguei só a primeira parcela",
        "paguei a parcela 3, falta a 4",
        "paguei 2 das 3 parcelas",
        "paguei 150 dos 300",
        "paguei uma das duas",
        "paguei a minha parte, falta a do meu irmao",
        "já paguei a maior parte, falta pouco",
        # paid, but the money came back
        "Paguei o boleto mas o banco devolveu",
        # not a day fixed
        "amanha ou depois eu pago",
        # "não devo conseguir": I probably won't, not "I owe nothing"
        "nao pago essa semana",
    ],
)
def test_a_phone_testers_replies_a_person_must_read(text):
    # (a promise without its day is not acted on either: a person agrees on it)
    reading = read(text, TUESDAY)
    acted = reading.intent in (PAID, DISPUTE) or (reading.intent == PROMISE and reading.day)
    assert not (reading.sure and acted), reading


@pytest.mark.parametrize(
    "text, intent, day",
    [
        ("minha esposa já tinha pago no dia 2", PAID, date(2026, 12, 2)),
        ("ja tinha pagado dia 1", PAID, date(2026, 12, 1)),
        ("nao devo conseguir pagar hj, so amanha", PROMISE, date(2026, 12, 9)),
        ("meu cachorro morreu e eu to sem cabeça, pago sexta", PROMISE, date(2026, 12, 11)),
        ("ya pagué ayer", PAID, date(2026, 12, 7)),
    ],
)
def test_what_the_ninth_writer_meant(text, intent, day):
    reading = read(text, TUESDAY)
    assert (reading.intent, reading.sure, reading.day) == (intent, True, day), reading


@pytest.mark.parametrize(
    "text",
    [
        "STOP IT",
        "já pedi mil vezes pra não mandarem mais mensagem",
        "Deixem de enviar-me mensagens, por favor.",
    ],
)
def test_more_opt_outs_as_customers_write_them(text):
    reading = read(text, TUESDAY)
    assert reading.stop and reading.intent == OPTOUT, reading


@pytest.mark.parametrize(
    "text",
    [
        "Estou de folga até 14/12. Pagamentos serão feitos pela Joana no dia 15.",
        "Estou afastada por licença médica até 20/12. Assuntos de pagamento com o financeiro.",
        "Olá! O setor de contas a pagar atende de segunda a sexta. Retornaremos amanhã.",
    ],
)
def test_an_away_message_promises_nothing(text):
    reading = read_message(text, TUESDAY, "email")
    assert not (reading.sure and reading.intent == PROMISE), reading


def test_a_quote_header_wrapped_over_two_lines_is_cut():
    wrapped = (
        "Já paguei.\n\nEm seg., 7 de dez. de 2026 às 10:00, Cobrança Aurora <\n"
        "cobranca@aurora.example> escreveu:\n> Sua fatura vence em 10/12/2026."
    )
    reading = read_message(wrapped, TUESDAY, "email")
    assert (reading.intent, reading.sure, reading.day) == (PAID, True, None), reading
