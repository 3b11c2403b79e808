from . import test_dunning_pix
from . import test_dunning_pix_settings
from . import test_dunning_pix_backoffice
from . import test_pixbank_e2e
from . import test_dunning_pix_companies
