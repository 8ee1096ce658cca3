"""SigV4 on the server side: the credential scope gives the region; signatures can be checked.

Bedrock scopes every request to a region through the `Authorization` header's
credential scope (`AKID/20261121/eu-west-1/bedrock/aws4_request`). The emulator
reads the region from there, exactly as AWS does, so a client built for eu-west-1
sees the eu-west-1 world whatever endpoint URL it was given.

Verification recomputes the signature with botocore's own `SigV4Auth` over the
request as received (same method, raw path, query, signed headers and body), so
the emulator cannot drift from the signer real clients use.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._json import has_lone_surrogate
from langchain_bedrock_enhanced.emulator._types import EmulatedError

_AUTH_RE = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<akid>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
    r"(?P<service>[^/,\s]+)/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]+)"
)


@dataclass(frozen=True)
class Authorization:
    """The parts of a SigV4 `Authorization` header."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str | None) -> Authorization | None:
    """Parse a SigV4 `Authorization` header, or return None when it is absent or not SigV4.

    Example:
        >>> auth = parse_authorization(
        ...     "AWS4-HMAC-SHA256 Credential=AKID/20261121/eu-west-1/bedrock/aws4_request, "
        ...     "SignedHeaders=host;x-amz-date, Signature=abc123"
        ... )
        >>> auth.region
        'eu-west-1'
    """
    if not header:
        return None
    match = _AUTH_RE.match(header.strip())
    if match is None:
        return None
    return Authorization(
        access_key_id=match["akid"],
        date=match["date"],
        region=match["region"],
        service=match["service"],
        signed_headers=tuple(match["signed"].split(";")),
        signature=match["signature"],
    )


def verify(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Mapping[str, str],
) -> Authorization:
    """Check a request's SigV4 signature against the known test credentials.

    Args:
        method: The HTTP method as received.
        url: The full URL as received, with the raw (still percent-encoded) path and query.
        headers: The request headers as received (case-insensitive mapping).
        body: The raw request body.
        credentials: Accepted access key IDs mapped to their secret keys.

    Returns:
        The parsed authorization of a correctly signed request.

    Raises:
        EmulatedError: With AWS's codes and messages when the header is missing
            (`MissingAuthenticationTokenException`), the key is unknown
            (`UnrecognizedClientException`) or the signature does not match
            (`InvalidSignatureException`, also for a signed header that is not
            valid UTF-8, which no client could have signed as received); all
            answer 403.
    """
    auth = parse_authorization(headers.get("Authorization"))
    if auth is None:
        raise EmulatedError("MissingAuthenticationTokenException", _errors.MISSING_AUTH)
    secret = credentials.get(auth.access_key_id)
    if secret is None:
        raise EmulatedError("UnrecognizedClientException", _errors.UNRECOGNIZED_CLIENT)
    amz_date = headers.get("X-Amz-Date", "")
    signed = {name: headers.get(name, "") for name in auth.signed_headers}
    # aiohttp keeps bytes that are not UTF-8 as lone surrogates; botocore's signer can
    # neither encode nor (in its email-based header map) hold them.
    if has_lone_surrogate([url, amz_date, auth.region, auth.service, *signed, *signed.values()]):
        raise EmulatedError("InvalidSignatureException", _errors.SIGNATURE_MISMATCH)
    request = AWSRequest(method=method, url=url, headers=signed, data=body)
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(auth.access_key_id, secret), auth.service, auth.region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, auth.signature):
        raise EmulatedError("InvalidSignatureException", _errors.SIGNATURE_MISMATCH)
    return auth
