// Starts GOV.UK Frontend's components (the elements with data-module="govuk-…") on every page.
// A module file rather than GOV.UK's inline snippet, so that the Content-Security-Policy needs no
// 'unsafe-inline': the class that tells GOV.UK Frontend's CSS and JS that the browser runs
// modules is set here, by a script that only such a browser runs.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
