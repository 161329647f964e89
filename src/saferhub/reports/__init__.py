"""Board reports (PDF, HTML, Excel, CSV), analysts' commentary, and published reports."""
