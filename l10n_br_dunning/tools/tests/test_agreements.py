from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..agreements import (
    CANCEL_REFUSED,
    DOWN_PAYMENT_TOO_LARGE,
    DOWN_PAYMENT_TOO_SMALL,
    FIRST_IN_PAST,
    FIRST_TOO_LATE,
    INSTALLMENT_TOO_SMALL,
    NOTHING_DUE,
    TOO_MANY,
    AgreementRefused,
    AgreementRules,
    Debt,
    add_months,
    amount_runs,
    annual_rate,
    build,
    cancel_refusal,
    check,
    clean_vat,
    options,
    split,
    term_address,
    term_field,
    term_sha256,
)

TODAY = date(2026, 12, 3)
DEBTS = [Debt(1, 1000.00, days_overdue=30), Debt(2, 234.56, days_overdue=10)]


def test_three_installments_add_up_to_the_debt_without_charges():
    schedule = build(DEBTS, 3, date(2026, 12, 10))
    assert (schedule.principal, schedule.fine, schedule.interest) == (1234.56, 0.0, 0.0)
    assert [(i.number, i.due, i.amount) for i in schedule.installments] == [
        (1, date(2026, 12, 10), 411.52),
        (2, date(2027, 1, 10), 411.52),
        (3, date(2027, 2, 10), 411.52),
    ]


def test_charges_only_when_the_contracts_provide_them_and_fine_capped_at_2():
    schedule = build(DEBTS, 2, date(2026, 12, 10), fine_percent=10, interest_percent_month=1)
    assert schedule.total == 1234.56  # no contract: no charges
    schedule = build(
        DEBTS, 2, date(2026, 12, 10), fine_percent=10, interest_percent_month=1, with_charges=True
    )
    assert schedule.fine == round(1234.56 * 0.02, 2)  # 2 %, not 10 %
    assert schedule.interest == round(1000 * 0.01 + 234.56 * 0.01 / 30 * 10, 2)
    assert sum(i.amount for i in schedule.installments) == pytest.approx(schedule.total)


def test_down_payment_is_taken_before_the_installments():
    schedule = build(DEBTS, 2, date(2026, 12, 10), down_payment=234.56)
    assert [i.amount for i in schedule.installments] == [500.0, 500.0]


def test_monthly_dates_keep_the_day_or_take_the_months_last():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


@given(
    amount=st.decimals(min_value="0.01", max_value="9999999.99", places=2),
    count=st.integers(1, 48),
)
def test_split_adds_up_to_the_cent(amount, count):
    parts = split(float(amount), count)
    assert len(parts) == count
    assert round(sum(parts), 2) == float(amount)
    assert max(parts) - min(parts) <= 0.01 * count


def test_an_option_states_every_installment_amount():
    """R$ 1.180,50 in 4 is 295,14 and three of 295,12: never "4 of 295,12"."""
    schedule = build([Debt(1, 1180.50)], 4, date(2026, 12, 22))
    assert amount_runs(schedule.installments) == [(1, 295.14), (3, 295.12)]
    assert amount_runs(build([Debt(1, 300.0)], 3, date(2026, 12, 22)).installments) == [(3, 100.0)]
    assert amount_runs([]) == []


@given(
    amount=st.decimals(min_value="0.01", max_value="9999999.99", places=2),
    count=st.integers(1, 48),
)
def test_the_runs_add_up_to_the_schedule(amount, count):
    installments = build([Debt(1, float(amount))], count, TODAY).installments
    runs = amount_runs(installments)
    assert sum(how_many for how_many, _amount in runs) == len(installments)
    assert round(sum(how_many * value for how_many, value in runs), 2) == float(amount)
    assert len(runs) <= 2  # the first takes the remainder, the others are equal


RULES = AgreementRules(
    max_installments=6, min_installment=100.0, max_days_to_first=15, min_down_payment_percent=10
)


@pytest.mark.parametrize(
    "count,first,down,code",
    [
        (7, date(2026, 12, 10), 200.0, TOO_MANY),
        (6, date(2026, 12, 10), 1000.0, INSTALLMENT_TOO_SMALL),
        (3, date(2026, 12, 2), 200.0, FIRST_IN_PAST),
        (3, date(2026, 12, 19), 200.0, FIRST_TOO_LATE),
        (3, date(2026, 12, 10), 100.0, DOWN_PAYMENT_TOO_SMALL),
        (3, date(2026, 12, 10), 1234.56, DOWN_PAYMENT_TOO_LARGE),
    ],
)
def test_proposals_outside_the_rules_are_refused_with_the_reason(count, first, down, code):
    with pytest.raises(AgreementRefused) as refused:
        check(build(DEBTS, count, first, down_payment=down), RULES, TODAY)
    assert refused.value.code == code


def test_nothing_due_is_refused():
    with pytest.raises(AgreementRefused) as refused:
        check(build([Debt(1, 0.0)], 1, TODAY), RULES, TODAY)
    assert refused.value.code == NOTHING_DUE


def test_options_offer_what_the_rules_allow():
    offered = options(DEBTS, RULES, TODAY)
    assert [len(s.installments) for s in offered] == [1, 2, 3, 4, 5, 6][: len(offered)]
    for schedule in offered:
        assert schedule.down_payment == round(1234.56 * 0.10, 2)
        assert schedule.installments[0].due == date(2026, 12, 10)
        assert min(i.amount for i in schedule.installments) >= 100.0
    # 1,111.10 financed: at most 11 installments of 100; the rules stop at 6.
    assert len(offered) == 6


def test_no_installment_of_nothing_whatever_the_companys_minimum():
    """A minimum of zero in Settings: R$ 0.01 is one installment, never
    0.01 + 0.00 + 0.00 (a term promising installments of nothing)."""
    free = AgreementRules(
        max_installments=4, min_installment=0.0, max_days_to_first=15, min_down_payment_percent=0
    )
    offered = options([Debt(1, 0.01)], free, TODAY)
    assert [[i.amount for i in s.installments] for s in offered] == [[0.01]]
    with pytest.raises(AgreementRefused) as refused:
        check(build([Debt(1, 0.01)], 3, TODAY), free, TODAY)
    assert refused.value.code == INSTALLMENT_TOO_SMALL
    assert [len(s.installments) for s in options([Debt(1, 0.03)], free, TODAY)] == [1, 2, 3]


def test_a_cpf_or_cnpj_typed_any_way_is_formatted_or_refused():
    assert clean_vat("52998224725") == "529.982.247-25"
    assert clean_vat(" 529.982.247-25 ") == "529.982.247-25"
    assert clean_vat("15881399000134") == "15.881.399/0001-34"
    # The last one found by the portal's generated requests (a server error).
    for wrong in ("529.982.247-26", "111", "", None, "00000000000", "abc", "9" * 20_000):
        assert clean_vat(wrong) is None


def test_the_hash_of_a_term_is_its_utf8_sha256():
    assert term_sha256("a") == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
    assert term_sha256("Eu, João") != term_sha256("Eu, Joao")


def test_term_values_stay_on_one_line_without_repeating_the_name():
    assert term_field("Maria\nSouza\t &  Filhos") == "Maria Souza & Filhos"
    assert term_field("") == "-"
    address = "Papelaria Aurora Ltda\nRua Augusta, 1500\n\nSão Paulo SP 01310-100\nBrazil"
    assert term_address(address, "Papelaria Aurora Ltda") == (
        "Rua Augusta, 1500, São Paulo SP 01310-100, Brazil"
    )
    assert term_address(",  SP, Brazil", "Maria") == "SP, Brazil"
    assert term_address("", "Maria") == "-"


def test_an_accepted_agreement_is_cancelled_only_on_the_grounds_of_clause_3_5():
    # Never accepted: withdrawn freely, whatever the ground.
    assert cancel_refusal(False, None, None, False) is None
    # Accepted: a ground, the customer's request saying how, or a late first payment.
    assert cancel_refusal(True, None, None, True) == CANCEL_REFUSED["ground"]
    assert cancel_refusal(True, "whim", None, True) == CANCEL_REFUSED["ground"]
    assert cancel_refusal(True, "customer_request", None, False) == CANCEL_REFUSED["channel"]
    assert cancel_refusal(True, "customer_request", "phone", False) is None
    assert cancel_refusal(True, "first_payment_missed", None, False) == CANCEL_REFUSED["not_late"]
    assert cancel_refusal(True, "first_payment_missed", None, True) is None


@pytest.mark.parametrize(
    ("monthly", "annual"),
    [(1.0, 12.68), (0.0, 0.0), (0.5, 6.17), (2.0, 26.82), (0.33, 4.03), (1.5, 19.56)],
)
def test_a_monthly_rate_is_stated_with_its_compounded_annual_equivalent(monthly, annual):
    # CDC art. 52, II: (1 + i)^12 - 1, two decimals.
    assert annual_rate(monthly) == annual
