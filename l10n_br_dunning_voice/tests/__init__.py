from . import test_dunning_voice
from . import test_dunning_voice_menu
from . import test_dunning_voice_single_step
