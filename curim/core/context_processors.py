"""What every template sees from the core: the request's CSP nonce."""

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, object]:
    # What a template writes on an inline <script> or <style>: see curim.core.security_headers.
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
