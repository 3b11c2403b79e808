from . import test_voice_calls
