"""The production topology on loopback: the machine's services and private ones, TLS, gunicorn
app servers, their logs, and the deployment that ties them together (tests/deploy, bench/)."""
