"""Reminders: the status reminder, stuurgroep preparation and the summary before a meeting."""
