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
  // 24 by 24 pixels: the smallest target WCAG 2.2 (2.5.8) allows when pins sit close together.
  const pointIcon = L.divIcon({ className: "gr-map-marker", iconSize: [24, 24], iconAnchor: [12, 12] });
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
  // The padding keeps pins out from under the zoom buttons (top left) and the attribution.
  map.fitBounds(layer.getBounds(), {
    maxZoom: 16,
    paddingTopLeft: [64, 24],
    paddingBottomRight: [24, 40],
  });
  // Pins closer than a pin's width would cover each other, and a covered pin is hard to click
  // (WCAG 2.2, 2.5.8): at each zoom, a pin that would overlap one already placed is drawn
  // beside it instead, going round in a circle. The list beside the map keeps exact places.
  const pins = [];
  layer.eachLayer((featureLayer) => {
    if (featureLayer instanceof L.Marker) pins.push({ marker: featureLayer, at: featureLayer.getLatLng() });
  });
  const spread = () => {
    const placed = [];
    for (const pin of pins) {
      let point = map.latLngToLayerPoint(pin.at);
      for (let step = 0; step < 24 && placed.some((p) => p.distanceTo(point) < 28); step += 1) {
        const angle = step * 0.9;
        const radius = 28 * (1 + Math.floor(step / 7));
        point = map.latLngToLayerPoint(pin.at).add([radius * Math.cos(angle), radius * Math.sin(angle)]);
      }
      placed.push(point);
      pin.marker.setLatLng(map.layerPointToLatLng(point));
    }
  };
  spread();
  map.on("zoomend", spread);
}
