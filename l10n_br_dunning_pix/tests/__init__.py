from . import test_dunning_pix
