// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Filters wait behind a closed "Filter" control so that on a phone the results come first; on
// a screen wide enough to show them beside the results, open them.
if (window.matchMedia("(min-width: 40.0625em)").matches) {
  for (const details of document.querySelectorAll("details[data-gr-open-wide]")) {
    details.open = true;
  }
}
