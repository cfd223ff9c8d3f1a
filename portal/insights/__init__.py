"""Figures for the staff dashboard: a few GROUP BY queries (services) and chart geometry (charts)."""
