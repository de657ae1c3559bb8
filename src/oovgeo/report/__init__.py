"""Meeting output that leaves the application: static maps (PNG) for slides and print."""
