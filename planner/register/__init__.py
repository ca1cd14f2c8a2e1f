"""The register: GeoPackage or PostGIS store, groups, requests, signs, export."""
