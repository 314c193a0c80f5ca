"""The gemeente's team sharing the work: questions handed to colleagues, absences, hand-overs."""
