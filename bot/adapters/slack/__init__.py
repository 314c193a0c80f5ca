"""The Slack adapter (slack-bolt): Socket Mode or the Events API over HTTP."""
