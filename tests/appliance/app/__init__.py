"""Tests of appliance/app/ (one file per module)."""
