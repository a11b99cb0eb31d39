"""The client's address as this deployment can trust it, for lockouts and rate limits.

Behind N reverse proxies, each proxy appends the address it received the request from to
X-Forwarded-For, so the client is the N-th entry from the right; entries further left are
whatever the client chose to send. IPv6 addresses are reduced to their /64 network (its first
address), since one subscriber usually holds a whole /64 and could otherwise rotate addresses.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    address = request.META.get("REMOTE_ADDR", "")
    hops: int = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _network_of(address)


def _network_of(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None  # no usable address (e.g. a request built in code, not from a socket)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        # The network's first address, so it still fits an IP address column.
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
    return str(ip)
