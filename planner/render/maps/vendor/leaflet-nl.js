/* planner: Leaflet's own words in Dutch. Runs after Leaflet, before any map is made. */
(function (L) {
  'use strict';
  L.Control.Zoom.prototype.options.zoomInTitle = 'Inzoomen';
  L.Control.Zoom.prototype.options.zoomOutTitle = 'Uitzoomen';
  L.Control.Attribution.prototype.options.prefix =
    '<a href="https://leafletjs.com" title="JavaScript-bibliotheek voor interactieve kaarten">Leaflet</a>';
  var layersLayout = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.prototype._initLayout = function () {
    layersLayout.apply(this, arguments);
    if (this._layersLink) {
      this._layersLink.title = 'Kaartlagen';
      this._layersLink.setAttribute('aria-label', 'Kaartlagen');
    }
  };
  var popupLayout = L.Popup.prototype._initLayout;
  L.Popup.prototype._initLayout = function () {
    popupLayout.apply(this, arguments);
    if (this._closeButton) {
      this._closeButton.title = 'Sluiten';
      this._closeButton.setAttribute('aria-label', 'Sluiten');
    }
  };
})(window.L);
