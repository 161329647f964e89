"""The interface shell: GOV.UK layout, the form renderer, home and error pages."""
