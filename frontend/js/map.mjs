// Enhances a server-drawn ward map into a Leaflet map with tiles, when a tile server is set.
// The SVG map and the list of wards beside it remain the no-JavaScript experience.
// The data comes from a JSON <script type="application/json"> element (not run as script, so
// the Content Security Policy can forbid inline script).
const holder = document.querySelector("[data-leaflet-map]");
if (holder && window.L && holder.dataset.tileUrl) {
  const L = window.L;
  const data = JSON.parse(document.getElementById(holder.dataset.geojsonId).textContent);
  // Show the holder before Leaflet measures it: a hidden element has no size to fit into.
  holder.hidden = false;
  const fallback = document.querySelector("[data-map-fallback]");
  if (fallback) fallback.hidden = true;
  const map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(holder.dataset.tileUrl, {
    attribution: holder.dataset.tileAttribution,
    maxZoom: 18,
  }).addTo(map);
  const layer = L.geoJSON(data, {
    style: () => ({ color: "#1d70b8", weight: 2, fillOpacity: 0.15 }),
    onEachFeature: (feature, featureLayer) => {
      featureLayer.on("click", () => {
        window.location.href = feature.properties.url;
      });
      featureLayer.bindTooltip(feature.properties.name);
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds());
}
