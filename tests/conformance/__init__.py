"""A hostile sgID on a loopback port, and the relying-party conformance cases it drives."""
