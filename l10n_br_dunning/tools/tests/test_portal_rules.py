from datetime import date, datetime

import pytest

from ..portal_rules import (
    LINK_CANCELLED,
    LINK_EXPIRED,
    LINK_VALID,
    PromiseError,
    UploadError,
    address_holds_secret,
    check_promise_date,
    interest_above_usual,
    late_charges,
    link_state,
    sniff_receipt,
)


def test_no_charges_before_or_on_the_due_date():
    assert late_charges(1000.0, 0, 2.0, 1.0).total == 0.0
    assert late_charges(1000.0, -3, 2.0, 1.0).total == 0.0


def test_fine_and_interest_pro_rata_die():
    charges = late_charges(1180.50, 10, 2.0, 1.0)
    assert charges.fine == 23.61  # 2 % of 1,180.50
    assert charges.interest == 3.94  # 1 % a month for 10 of 30 days: 3.935 rounded half up
    assert charges.total == 27.55


def test_fine_is_capped_at_the_cdc_two_percent():
    assert late_charges(100.0, 5, 10.0, 0.0).fine == 2.0


def test_promise_date_window():
    today = date(2026, 12, 1)
    assert check_promise_date(date(2026, 12, 16), today, 15) == date(2026, 12, 16)
    with pytest.raises(PromiseError) as error:
        check_promise_date(date(2026, 12, 17), today, 15)
    assert error.value.code == "too_late"
    assert error.value.latest == date(2026, 12, 16)
    with pytest.raises(PromiseError) as error:
        check_promise_date(today, today, 15)
    assert error.value.code == "past"


@pytest.mark.parametrize(
    ("content", "mimetype"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    ],
)
def test_receipts_are_recognised_by_their_content(content, mimetype):
    assert sniff_receipt(content, 1024) == mimetype


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"%PDF-" + b"x" * 2000, "too_large"),
        (b"MZ\x90\x00 an executable named recibo.pdf", "type"),
        (b"<html><script>alert(1)</script>", "type"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "type"),
    ],
)
def test_other_uploads_are_refused(content, code):
    with pytest.raises(UploadError) as error:
        sniff_receipt(content, 1024)
    assert error.value.code == code


def test_interest_above_one_percent_a_month_is_above_the_usual_ceiling():
    assert not interest_above_usual(0.0)
    assert not interest_above_usual(1.0)
    assert interest_above_usual(1.01)
    assert interest_above_usual(2.5)


def test_a_token_link_lives_while_there_is_something_to_do_and_60_days_after():
    now = datetime(2026, 12, 15, 13, 0)
    assert link_state(False, None, None, 60, now) == LINK_VALID  # open
    assert link_state(True, None, None, 60, now) == LINK_CANCELLED
    assert link_state(False, date(2026, 10, 16), None, 60, now) == LINK_VALID  # 60 days
    assert link_state(False, date(2026, 10, 15), None, 60, now) == LINK_EXPIRED  # 61
    # At 22:00 in São Paulo on the 60th day, UTC's date is already the 61st:
    # the customer's date says.
    evening = datetime(2026, 12, 16, 1, 0)
    assert link_state(False, date(2026, 10, 16), None, 60, evening) == LINK_EXPIRED
    late = link_state(False, date(2026, 10, 16), None, 60, evening, today=date(2026, 12, 15))
    assert late == LINK_VALID
    # A fresh link sent on request lives until its own end.
    fresh = datetime(2026, 12, 22, 13, 0)
    assert link_state(False, date(2026, 1, 1), fresh, 60, now) == LINK_VALID
    assert link_state(False, date(2026, 1, 1), fresh, 60, fresh.replace(hour=14)) == LINK_EXPIRED


def test_the_addresses_that_hold_a_token():
    for path in ("/c/AbC-12_xyz9", "/l/AbC-12_xyz9", "/my/dunning/items/AbC-12_xyz9"):
        assert address_holds_secret(path, {})
    assert address_holds_secret("/dunning/unsubscribe/7/1/" + "a" * 64, {})
    assert address_holds_secret("/my/invoices/7", {"access_token": "x"})
    assert address_holds_secret("/my/agreements/7/term", {"access_token": ""})
    for path in ("/my/invoices/7", "/my", "/contactus", "/cart/", "/my/dunning/preferences"):
        assert not address_holds_secret(path, {})
