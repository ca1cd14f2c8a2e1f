"""The web maps (Leaflet through folium)."""
