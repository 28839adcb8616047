"""Wagtail admin registrations for the archive. Each import below registers one admin area."""
