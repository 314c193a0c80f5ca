"""Documents for people to send on: Markdown, Word and Excel, built from ``bot.report`` data."""
