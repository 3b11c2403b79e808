import pytest

from stand_ins.pix_psp import PixStandIn


@pytest.fixture()
def bank():
    """The stand-in bank on 127.0.0.1, checking every request and answer
    against the Banco Central's specification."""
    with PixStandIn() as stand_in:
        yield stand_in
