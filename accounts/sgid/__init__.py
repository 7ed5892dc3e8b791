"""The sgID (v2) OpenID Connect client: plain Python, no Django.

Modules follow the protocol's steps: `config` (endpoints from the issuer), `pkce` (RFC 7636),
`authorize` (the authorization request and its login attempt), `tokens` (the token request),
`jwks` (sgID's signing keys), `id_token` (OIDC Core §3.1.3.7), `e2ee` and `userinfo` (sgID's
end-to-end encrypted userinfo), `catalog` (what each scope's value means), `keys` (the client's
private key), `errors`, and `client`, which ties them into one login.
"""
