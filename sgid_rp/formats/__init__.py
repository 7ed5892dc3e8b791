"""Date formats where Singapore's usage differs from Django's (FORMAT_MODULE_PATH).

Django looks here first, name by name, then in its own locale formats: a name not set here
(Chinese sets none) is Django's.
"""
