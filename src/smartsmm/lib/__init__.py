"""Infrastructure shared by every part of smartsmm: the outbound HTTP choke point and token encryption.

Unlike `smartsmm.core`, modules here may use Django settings; they hold no domain rules.
"""
