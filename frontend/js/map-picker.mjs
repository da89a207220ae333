// Choose an initiative's point on a map: progressive enhancement of the latitude and longitude
// boxes on the initiative form, when Leaflet and a tile server are there.
// Selecting the map (or dragging the pin) writes the point into the boxes; typing in the boxes
// moves the pin. The boxes stay the way to do it by keyboard: the map takes focus only to pan,
// and Tab moves on as usual. Its settings come from a JSON <script type="application/json">
// element, never run as script, so the Content Security Policy can forbid inline script.
const picker = document.querySelector("[data-map-picker]");
const latInput = picker && document.getElementById(picker.dataset.latitudeInput);
const lonInput = picker && document.getElementById(picker.dataset.longitudeInput);
if (picker && window.L && picker.dataset.tileUrl && latInput && lonInput) {
  const L = window.L;
  const config = JSON.parse(document.getElementById(picker.dataset.configId).textContent);
  // Show it before Leaflet measures it: a hidden element has no size to fit into.
  picker.hidden = false;
  const map = L.map(picker.querySelector("[data-map-picker-map]"), { scrollWheelZoom: false });
  L.tileLayer(picker.dataset.tileUrl, {
    attribution: picker.dataset.tileAttribution,
    maxZoom: 19,
  }).addTo(map);
  // A CSS pin rather than Leaflet's image marker: hashed static file names break its image path.
  const icon = L.divIcon({ className: "gr-map-pin", iconSize: [22, 22], iconAnchor: [11, 11] });
  let marker = null;

  // Six decimal places of a degree is about 10 cm: more would be noise.
  const fixed = (n) => String(Math.round(n * 1e6) / 1e6);

  const write = (latlng) => {
    latInput.value = fixed(latlng.lat);
    lonInput.value = fixed(latlng.lng);
    for (const input of [latInput, lonInput]) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  const pin = (latlng) => {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    // Not in the Tab order: dragging needs a pointer, and the boxes do the same by keyboard.
    marker = L.marker(latlng, { icon, draggable: true, keyboard: false, autoPan: true });
    marker.on("dragend", () => write(marker.getLatLng()));
    marker.addTo(map);
  };

  const typed = () => {
    const lat = Number.parseFloat(latInput.value);
    const lng = Number.parseFloat(lonInput.value);
    if (Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      return L.latLng(lat, lng);
    }
    return null;
  };

  map.on("click", (event) => {
    pin(event.latlng);
    write(event.latlng);
  });
  for (const input of [latInput, lonInput]) {
    input.addEventListener("input", () => {
      const latlng = typed();
      if (latlng) {
        pin(latlng);
        map.panTo(latlng);
      }
    });
  }

  const start = typed() || (config.point && L.latLng(config.point[0], config.point[1]));
  if (start) {
    pin(start);
    map.setView(start, 16);
  } else {
    map.fitBounds(config.bounds);
  }
}
