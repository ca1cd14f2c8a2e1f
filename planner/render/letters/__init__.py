"""The decision letter: model, PDF/DOCX rendering, its map, the sender."""
