"""Risk assessment: versioned questionnaires (DASH, ASB victim risk), grades and the
Community Trigger (ASB case review) check."""
