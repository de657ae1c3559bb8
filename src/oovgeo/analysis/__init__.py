"""Analysis: aggregation and rates, classification, density, hotspots, profiles."""
