#!/usr/bin/env bash
# Builds the design system from frontend/ (GOV.UK Frontend and dart-sass, pinned by
# frontend/package-lock.json) into static/vendor/govuk-frontend/, and copies axe-core for the
# accessibility tests into tests/e2e/vendor/axe-core/. The output is committed: running the
# platform or its tests never needs npm. See static/vendor/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/frontend"
npm ci --no-audit --no-fund --ignore-scripts

out="$root/static/vendor/govuk-frontend"
dist=node_modules/govuk-frontend/dist/govuk
mkdir -p "$out"
npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
  curim.scss "$out/curim-govuk.min.css"
# The source map is not shipped, so its reference goes (Django's manifest storage would
# otherwise look for the map when collecting static files).
sed '$ s#//\# sourceMappingURL=[^ ]*$##' "$dist/govuk-frontend.min.js" > "$out/govuk-frontend.min.js"
# The npm package has no licence file; this is the repository's LICENSE.txt, as published.
cp govuk-frontend.LICENCE.txt "$out/LICENCE.txt"

axe="$root/tests/e2e/vendor/axe-core"
mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$axe/"

# Neither GOV.UK's typeface nor its crown may reach our pages.
if grep -Eqi 'GDS Transport|@font-face|\.woff|crest|crown|url\((["'\'']?)/' "$out/curim-govuk.min.css"; then
  echo "frontend_build: the stylesheet names GOV.UK's font, a font file or an image" >&2
  exit 1
fi
echo "frontend_build: $(wc -c < "$out/curim-govuk.min.css") bytes of CSS, $(wc -c < "$out/govuk-frontend.min.js") of JS"
