"""Applications: a seeker applies to a posting, the recruiter moves it through the pipeline, and
an offer gets a road-to-departure checklist both sides keep up to date."""
