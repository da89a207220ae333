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

// Opinion-map report: while the map is being worked out again, ask how far it has got every
// few seconds and say so in the aria-live paragraph. Without this the page has a Refresh link.
for (const box of document.querySelectorAll("[data-module='opinion-progress']")) {
  const live = box.querySelector("[aria-live]");
  const ask = async () => {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      if (state.computing) {
        live.textContent = box.dataset.progressText.replace("{p}", String(state.progress));
        window.setTimeout(ask, 3000);
      } else {
        live.textContent = box.dataset.doneText;
      }
    } catch {
      // Offline or the server is busy: the Refresh link still works.
    }
  };
  window.setTimeout(ask, 3000);
}
