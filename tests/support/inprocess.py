"""A requests transport adapter that serves requests from this Django site, in process.

Mounted on the sgID client's HTTP session for the dev provider's origin, it lets the client's
server-to-server calls (token, userinfo, JWKS) reach the embedded dev sgID with no socket, while
every byte still goes through real HTTP semantics: method, headers, body and status.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

_NOT_META = {"content-type", "content-length", "host"}


class DjangoAppAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.client = Client()
        self.paths: list[str] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        self.paths.append(url.path)
        meta = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.headers.items()
            if name.lower() not in _NOT_META
        }
        body = request.body or b""
        result = self.client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=body.encode() if isinstance(body, str) else body,
            content_type=request.headers.get("Content-Type", ""),
            secure=url.scheme == "https",
            HTTP_HOST=url.netloc,
            **meta,
        )
        response = requests.Response()
        response.status_code = result.status_code
        response.headers = CaseInsensitiveDict(result.headers)
        response.raw = io.BytesIO(result.content)
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass
