"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), in JSON and XML: views,
rendering and URLs. Its reads are in `reports.selectors`, its writes in `reports.services`."""
