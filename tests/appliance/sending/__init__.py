"""Tests of appliance/sending/ (one file per module)."""
