"""The Microsoft Teams adapter (the optional extra ``[teams]``)."""

import warnings

# The SDK announces a preview feature we do not use (HTML widgets) on every import.
warnings.filterwarnings("ignore", message="HtmlWidgetSecurityPolicy is in preview")
