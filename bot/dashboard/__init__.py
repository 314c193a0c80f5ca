"""A dashboard: a gemeente's plan and the regiobeeld at a glance, as HTML pages."""
