"""Places: addresses and locations, with their LSOA, ward and district where a lookup is loaded."""
