"""Tests of appliance/storage/ (one file per module)."""
