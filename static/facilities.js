// facilities.js — the facility finder's enhancements (templates/facilities/search.html): "near me"
// from the browser's location, and the Leaflet map (static/vendor/leaflet/) when the page has one.
// The page works without it: the list, the search and the postcode need no script.
'use strict';
(function () {
	var form = document.querySelector('[data-fc-form]');
	var locate = document.querySelector('[data-fc-locate]');
	var status = document.querySelector('[data-fc-locate-status]');
	if (form && locate && navigator.geolocation) {
		locate.hidden = false;
		locate.addEventListener('click', function () {
			navigator.geolocation.getCurrentPosition(
				function (pos) {
					form.querySelector('[data-fc-near]').value = pos.coords.latitude.toFixed(5) + ',' + pos.coords.longitude.toFixed(5);
					form.querySelector('[name="postcode"]').value = '';
					form.submit();
				},
				function () {
					status.textContent = status.dataset.denied;
				},
				{ timeout: 10000, maximumAge: 60000 }
			);
		});
	}

	var el = document.getElementById('fc-map');
	if (!el || !window.L) return;
	var points = JSON.parse(el.dataset.points || '[]');
	var L = window.L;
	// The marker pictures come from /static, beside leaflet.js.
	L.Icon.Default.prototype.options.imagePath = '/static/vendor/leaflet/images/';
	// On a kiosk every marker is a touch target: the large picture, at 48 px wide.
	if (document.body.classList.contains('kiosk')) {
		L.Icon.Default.mergeOptions({
			iconUrl: 'marker-icon-2x.png',
			iconSize: [48, 79],
			iconAnchor: [24, 79],
			popupAnchor: [1, -66],
			shadowSize: [79, 79],
			shadowAnchor: [24, 79],
		});
	}
	var map = L.map(el, { scrollWheelZoom: false });
	// The credit without a link out: a kiosk must not wander off to other sites.
	map.attributionControl.setPrefix('Leaflet');
	L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
	var bounds = [];
	points.forEach(function (p) {
		var label = document.createElement('span');
		label.textContent = p.name;
		L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).addTo(map).bindPopup(label);
		bounds.push([p.lat, p.lon]);
	});
	if (bounds.length === 1) map.setView(bounds[0], 16);
	else map.fitBounds(bounds, { padding: [30, 30] });
})();
