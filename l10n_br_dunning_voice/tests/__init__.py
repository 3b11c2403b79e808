from . import test_dunning_voice
