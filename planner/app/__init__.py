"""The use cases, with keyword arguments: decide, inputs, outputs, lifecycle, letters."""
