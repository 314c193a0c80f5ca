"""Where a gemeente stands: summaries for the stuurgroep, the regiobeeld, and the exports."""
