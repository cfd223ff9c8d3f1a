"""Guidance: pathway guides (staff-edited articles), the "Am I ready?" check, the per-job checklist,
the glossary of posting terms and the take-home pay estimate."""
