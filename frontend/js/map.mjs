// Enhances a server-drawn map (wards, or initiatives as points) into a Leaflet map with tiles,
// when a tile server is set. The SVG map and the list beside it remain the no-JavaScript
// experience.
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
  // Points (initiatives) are CSS pins that take focus like links: Enter opens the page.
  const pointIcon = L.divIcon({ className: "gr-map-marker", iconSize: [18, 18], iconAnchor: [9, 9] });
  const layer = L.geoJSON(data, {
    style: () => ({ color: "#1d70b8", weight: 2, fillOpacity: 0.15 }),
    pointToLayer: (feature, latlng) =>
      L.marker(latlng, { icon: pointIcon, title: feature.properties.name, keyboard: true }),
    onEachFeature: (feature, featureLayer) => {
      const open = () => {
        window.location.href = feature.properties.url;
      };
      featureLayer.on("click", open);
      // A pin takes focus as a button (Leaflet gives it the role): Enter or Space opens it.
      featureLayer.on("keydown", (event) => {
        if (event.originalEvent.key === "Enter" || event.originalEvent.key === " ") open();
      });
      // A name is what a person typed: Leaflet would read a string as HTML, so it gets an
      // element whose text is the name, never markup.
      const tip = document.createElement("span");
      tip.textContent = feature.properties.name;
      featureLayer.bindTooltip(tip);
    },
  }).addTo(map);
  // A single point would otherwise be shown at the closest zoom, with no streets to place it.
  map.fitBounds(layer.getBounds(), { maxZoom: 16 });
}
