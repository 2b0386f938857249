"""Tests of appliance/core/ (one file per module)."""
