"""The core: coordinates, text, vocabulary, policies, wards and their notions, coverage."""
