import io

import pytest
from PIL import Image

from ..qr import MAX_VALUE, QrValueError, qr_png

PIX = (
    "00020101021226400014br.gov.bcb.pix0118pix@aurora.example5204000053039865409"
    "123456.785802BR5925PAPELARIA AURORA COMERCIO6009SAO PAULO62070503***63047F26"
)


def test_a_pix_code_becomes_a_square_png():
    image = Image.open(io.BytesIO(qr_png(PIX)))
    assert image.format == "PNG"
    assert image.size[0] == image.size[1] >= 200


def test_the_same_code_gives_the_same_image():
    assert qr_png(PIX) == qr_png(PIX)
    assert qr_png(PIX) != qr_png(PIX.replace("123456.78", "123456.79"))


@pytest.mark.parametrize("value", ["", None, "x" * (MAX_VALUE + 1)])
def test_empty_or_huge_values_are_refused(value):
    with pytest.raises(QrValueError):
        qr_png(value)
