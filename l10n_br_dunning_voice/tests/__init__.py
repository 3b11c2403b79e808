from . import test_dunning_voice
from . import test_dunning_voice_menu
