"""The embedded, sgID-compatible OpenID Connect provider for development; never for production."""
