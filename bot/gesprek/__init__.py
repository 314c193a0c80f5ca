"""The gesprek: the Checklist sturing (Bijlage 1), Deel I and Deel II, as a dialogue."""
