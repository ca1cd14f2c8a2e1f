"""Reading and writing files: GeoJSON, atomic outputs, and the real-data sources."""
