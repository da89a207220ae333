// Builds the front-end assets into build/static/ (served by Django/WhiteNoise) and the test-only
// axe-core script into build/test/ (never served).
// GOV.UK Frontend is compiled from Sass with the council's own font stack: the GDS Transport
// font and the crown belong to GOV.UK only.
import { mkdirSync, copyFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static");
const testOut = join(root, "build", "test");
const nm = join(root, "node_modules");

mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });
mkdirSync(join(out, "vendor", "leaflet", "images"), { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "app.scss"), {
  loadPaths: [nm],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "app.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["leaflet/dist/leaflet.js", "vendor/leaflet/leaflet.js"],
  // leaflet.js names its source map; the manifest storage of collectstatic needs it present.
  ["leaflet/dist/leaflet.js.map", "vendor/leaflet/leaflet.js.map"],
  ["leaflet/dist/leaflet.css", "vendor/leaflet/leaflet.css"],
  ["../frontend/js/body-start.js", "js/body-start.js"],
  ["../frontend/js/app.mjs", "js/app.mjs"],
  ["../frontend/js/map.mjs", "js/map.mjs"],
  ["../frontend/js/map-picker.mjs", "js/map-picker.mjs"],
  ["../frontend/img/favicon.svg", "img/favicon.svg"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(nm, from), join(out, to));
}
mkdirSync(testOut, { recursive: true });
copyFileSync(join(nm, "axe-core", "axe.min.js"), join(testOut, "axe.min.js"));
// Every image leaflet.css refers to (layers, markers), so hashed static files resolve.
for (const name of readdirSync(join(nm, "leaflet", "dist", "images"))) {
  copyFileSync(join(nm, "leaflet", "dist", "images", name), join(out, "vendor", "leaflet", "images", name));
}
console.log("assets built in build/static/");
