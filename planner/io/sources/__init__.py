"""Real data: CBS wards, OpenStreetMap/NWB roads, PDOK addresses."""
