from . import test_dunning_engine
from . import test_dunning_channels
from . import test_dunning_portal
from . import test_dunning_portal_tour
from . import test_dunning_backoffice
from . import test_dunning_backoffice_tour
from . import test_dunning_truth
from . import test_dunning_sms_texts
