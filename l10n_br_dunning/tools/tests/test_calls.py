# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ..calls import answered_company

SP, RIO = 1, 2


def test_the_only_company_calling_is_answered_whatever_is_owed_or_active():
    assert answered_company([RIO], [SP, RIO], SP) == RIO


def test_two_companies_calling_a_person_chooses():
    assert answered_company([SP, RIO], [SP, RIO], SP) is None


def test_no_call_the_only_company_owed():
    assert answered_company([], [RIO], SP) == RIO


def test_no_call_two_companies_owed_a_person_chooses():
    assert answered_company([], [SP, RIO, RIO], SP) is None


def test_nothing_owed_nor_called_the_active_company():
    assert answered_company([], [], SP) == SP
