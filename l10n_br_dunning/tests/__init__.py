from . import test_dunning_engine
from . import test_dunning_channels
