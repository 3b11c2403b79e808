from . import test_dunning_pix
from . import test_dunning_pix_settings
