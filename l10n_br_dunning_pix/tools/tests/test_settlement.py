from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ..settlement import (
    OVERPAID,
    PARTIAL,
    PARTS_MISMATCH,
    PixRecordError,
    booking,
    notified_e2eids,
    parse_pix,
    with_charge_parts,
)

E2E = "E12345678202612101400000000000001"[:32]


def record(value="1030.00", **parts):
    components = {"original": {"valor": parts.pop("original", "1000.00")}}
    components.update({name: {"valor": amount} for name, amount in parts.items()})
    return {
        "endToEndId": E2E,
        "txid": "RG00000000004200abcdefabcdefabcdefa",
        "valor": value,
        "componentesValor": components,
        "horario": "2026-12-10T17:00:00-03:00",
    }


def test_late_payment_splits_fine_and_interest_to_income():
    pix = parse_pix(record(multa="20.00", juros="10.00"))
    plan = booking(pix, Decimal("1000.00"))
    assert (plan.received, plan.receivable, plan.income, plan.expense) == (
        Decimal("1030.00"),
        Decimal("1000.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )
    assert plan.left_open == 0 and plan.credit == 0 and plan.reasons == ()
    assert pix.paid_at.isoformat() == "2026-12-10T20:00:00+00:00"


def test_the_late_charges_a_charge_holds_in_its_original_are_income():
    # A charge created 15 days after the due date: 1000 owed, 25 of fine and
    # interest in its original, then 1.32 of interest by the day.
    pix = parse_pix(record(value="1026.32", original="1025.00", juros="1.32"))
    plan = booking(pix, Decimal("1000.00"), Decimal("25.00"))
    assert (plan.receivable, plan.income, plan.applied, plan.reasons) == (
        Decimal("1000.00"),
        Decimal("26.32"),
        Decimal("1000.00"),
        (),
    )
    # Paid less than the installment: all of it pays the installment first.
    partial = booking(parse_pix(record(value="600.00", original="600.00")), Decimal("1000.00"), 25)
    assert (partial.receivable, partial.income, partial.left_open) == (
        Decimal("600.00"),
        Decimal("0"),
        Decimal("400.00"),
    )


def test_early_payment_books_the_discount_as_expense():
    plan = booking(parse_pix(record(value="975.31", desconto="24.69")), Decimal("1000.00"))
    assert (plan.receivable, plan.expense, plan.reasons) == (
        Decimal("1000.00"),
        Decimal("24.69"),
        (),
    )


def test_partial_and_over_payments_are_left_for_a_person():
    partial = booking(parse_pix(record(value="400.00", original="400.00")), Decimal("1000.00"))
    assert (partial.applied, partial.left_open, partial.reasons) == (
        Decimal("400.00"),
        Decimal("600.00"),
        (PARTIAL,),
    )
    over = booking(parse_pix(record(value="1000.00", original="1000.00")), Decimal("700.00"))
    assert (over.applied, over.credit, over.reasons) == (
        Decimal("700.00"),
        Decimal("300.00"),
        (OVERPAID,),
    )


def test_parts_that_do_not_add_up_book_the_value():
    plan = booking(parse_pix(record(value="1050.00", multa="20.00")), Decimal("1050.00"))
    assert plan.reasons == (PARTS_MISMATCH,)
    assert (plan.receivable, plan.income) == (Decimal("1050.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    "broken",
    [
        {"valor": "10"},
        {"endToEndId": "short"},
        {"horario": "2026-12-10T17:00:00"},
        {"componentesValor": "x"},
    ],
)
def test_malformed_records_are_refused(broken):
    with pytest.raises(PixRecordError):
        parse_pix({**record(), **broken})


def test_notification_ids_once_each_in_order():
    other = "E" + "9" * 31
    body = {"pix": [{"endToEndId": E2E}, {"endToEndId": other}, {"endToEndId": E2E}]}
    assert notified_e2eids(body) == [E2E, other]
    for bad in ({"pix": [{"endToEndId": 5}]}, [{"endToEndId": 5}], {"pix": "x"}, "pix", 3):
        with pytest.raises(PixRecordError):
            notified_e2eids(bad)


def test_notification_shapes_banks_post_besides_the_specifications():
    # Banco Inter posts the records as a JSON array at the root, not under
    # "pix"; the specification's own example of a notification (pixWebhook1)
    # writes one record as an object. Each Pix named is read from the bank
    # anyway: the shape is no reason to refuse the notification.
    other = "E" + "9" * 31
    assert notified_e2eids([{"endToEndId": E2E}, {"endToEndId": other}]) == [E2E, other]
    assert notified_e2eids({"pix": {"endToEndId": E2E, "valor": "1.00"}}) == [E2E]
    assert notified_e2eids([]) == []


@pytest.mark.parametrize(
    "check", [None, {}, {"pix": []}, {"evento": "teste_webhook"}, {"webhookUrl": "x"}]
)
def test_a_banks_check_of_the_address_names_no_pix(check):
    # At registration a bank may post an empty list, an empty body or a test
    # event to the address: the webhook answers it, with nothing to book.
    assert notified_e2eids(check) == []


def test_a_devolucao_says_when_the_bank_gave_the_money_back():
    # The booking dates a refund on that day (in the customer's calendar), not
    # on the day the polling pass finds it; a time left out or unreadable
    # leaves it to the day it is booked.
    def refund(status, **times):
        return {"id": "D1", "rtrId": "D" + "1" * 31, "valor": "7.89", "status": status, **times}

    settled = refund(
        "DEVOLVIDO",
        horario={"solicitacao": "2026-12-10T23:30:00Z", "liquidacao": "2026-12-11T01:30:00-03:00"},
    )
    asked = refund("DEVOLVIDO", horario={"solicitacao": "2026-12-09T12:00:00Z"})
    pending = refund("EM_PROCESSAMENTO", horario={"solicitacao": "2026-12-12T12:00:00Z"})
    pix = parse_pix({**record(), "devolucoes": [asked, settled, pending]})
    assert pix.refunded_at == datetime(2026, 12, 11, 4, 30, tzinfo=UTC)
    assert parse_pix({**record(), "devolucoes": [asked]}).refunded_at == datetime(
        2026, 12, 9, 12, 0, tzinfo=UTC
    )
    for times in ({}, {"horario": {"liquidacao": "yesterday"}}, {"horario": "2026-12-09"}):
        assert (
            parse_pix({**record(), "devolucoes": [refund("DEVOLVIDO", **times)]}).refunded_at
            is None
        )


def test_a_single_devolucao_given_as_an_object_is_read():
    # The specification's own notification example (pixWebhook1) writes one
    # devolução as an object, where its schema says a list.
    refund = {"id": "D1", "rtrId": "D" + "1" * 31, "valor": "7.89", "status": "DEVOLVIDO"}
    pix = parse_pix({**record(), "devolucoes": refund})
    assert pix.refunds == (("D1", "D" + "1" * 31, Decimal("7.89"), "DEVOLVIDO"),)
    assert pix.refunded == Decimal("7.89")
    with pytest.raises(PixRecordError):
        parse_pix({**record(), "devolucoes": ["not an object"]})


def test_a_charges_late_payment_without_parts_has_its_excess_as_fine_and_interest():
    bare = record(value="1030.00")
    del bare["componentesValor"]
    pix = parse_pix(bare)
    assert not pix.parts_given and pix.original == Decimal("1030.00")
    late = with_charge_parts(pix, 1000.0, paid_late=True)
    plan = booking(late, Decimal("1000.00"))
    assert (plan.receivable, plan.income, plan.reasons) == (
        Decimal("1000.00"),
        Decimal("30.00"),
        (),
    )
    # On time, or with its parts given: as the bank gave it (a person looks at a surplus).
    assert with_charge_parts(pix, 1000.0, paid_late=False) is pix
    given = parse_pix(record(value="1030.00"))
    assert with_charge_parts(given, 1000.0, paid_late=True) is given


def test_an_early_payment_without_parts_took_the_charges_discount():
    # 500.00 with 10.00 off until 10/12, paid 490.00 on 08/12 by a bank that
    # leaves out componentesValor: the discount, not a partial payment.
    from datetime import date

    bare = record(value="490.00")
    del bare["componentesValor"]
    pix = parse_pix(bare)
    discounts = [(date(2026, 12, 10), Decimal("10.00"))]
    early = with_charge_parts(pix, 500.0, False, discounts, paid_on=date(2026, 12, 8))
    plan = booking(early, Decimal("500.00"))
    assert (plan.receivable, plan.expense, plan.left_open, plan.reasons) == (
        Decimal("500.00"),
        Decimal("10.00"),
        Decimal("0"),
        (),
    )
    # On the discount's day still; not after it, and not another amount: as
    # the bank gave it (a partial payment a person looks at).
    assert with_charge_parts(pix, 500.0, False, discounts, paid_on=date(2026, 12, 10)).discount
    assert with_charge_parts(pix, 500.0, False, discounts, paid_on=date(2026, 12, 11)) is pix
    assert with_charge_parts(pix, 501.0, False, discounts, paid_on=date(2026, 12, 8)) is pix
    assert with_charge_parts(pix, 500.0, False, (), paid_on=date(2026, 12, 8)) is pix
    # Several dates: the first one not yet past is the one the payer's bank gave.
    two = [(date(2026, 12, 5), Decimal("20.00")), (date(2026, 12, 10), Decimal("10.00"))]
    assert with_charge_parts(pix, 500.0, False, two, paid_on=date(2026, 12, 8)).discount == 10
    assert with_charge_parts(pix, 500.0, False, two, paid_on=date(2026, 12, 4)) is pix
