"""The Microsoft Teams adapter (the optional extra ``[teams]``)."""
