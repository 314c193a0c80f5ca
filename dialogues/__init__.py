"""Questionnaire content as data, its loader, and the dialogue state machines. No I/O, no SQL."""
