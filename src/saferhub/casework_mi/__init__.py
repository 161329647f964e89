"""Management information for casework (the Sentinel reports): cases opened, closed and open
by type, district, organisation and month; median days to close; reviews overdue; MARAC
volumes. Counts only, over the cases the viewer's organisation may see."""
