"""The public API of citizen reports, one module per resource; routes in api/urls.py."""
