"""How a stored run is keyed and labelled, the same for every kind.

- The **fingerprint** is a SHA-256 of what the run computes (its kind, grid and parameters)
  and of the data it computed it from (`selectors/watermark.py`): the same spec over the same
  data finds the stored snapshot (a rerun after a killed worker writes nothing new); over
  changed data (an incident file imported, a report moderated or edited) it is a new one.
- The stored **parameters** are the spec's, plus `data_watermark` (the watermark, visible) and
  `nightly`: true when the spec, over its grid, is the one the nightly computes for its date
  (whoever started it: the beat schedule, an analyst's "Run now", or anybody passing the same
  spec). Pages and the API read only those (`selectors/runs.py`): a run with other parameters
  or over another grid is stored and findable, but never replaces a page's layer."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from curim.analytics.selectors.watermark import DataWatermark

WATERMARK = "data_watermark"
NIGHTLY = "nightly"


def run_fingerprint(key: Mapping[str, Any], watermark: DataWatermark) -> str:
    found = json.dumps({**key, WATERMARK: watermark.as_json()}, sort_keys=True, default=str)
    return hashlib.sha256(found.encode()).hexdigest()


def run_parameters(
    parameters: Mapping[str, Any], *, watermark: DataWatermark, nightly: bool
) -> dict[str, Any]:
    return {**parameters, WATERMARK: watermark.as_json(), NIGHTLY: nightly}
