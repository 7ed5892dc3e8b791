"""Relying-party conformance cases, driven by the hostile sgID of tests/support/hostile_sgid.py."""
