"""The project archive over HTTP: make a package on demand, download it and its supplements."""
