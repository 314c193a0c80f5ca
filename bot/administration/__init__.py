"""Managing a gemeente: its channels, its members, its regio and the regio's projectleiders."""
