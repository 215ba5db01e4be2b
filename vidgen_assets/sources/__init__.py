"""Reading dropped files: kind detection and text/figure extraction."""
