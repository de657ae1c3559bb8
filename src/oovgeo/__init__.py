"""oovgeo: signals, interventions and CBS areas for municipal OOV teams."""

__version__ = "0.1.0"
