"""Test support: what the tests and the benchmark share, one noun per module.

Keys and signed material, fake and hostile sgIDs, the in-process transport, the one sign-in
helper, and the deployment helpers. Imported by tests/ and bench/ only; it imports no test module
and nothing imports it from the apps.
"""
