"""Loading police.uk and partner files through the browser, as background tasks."""
