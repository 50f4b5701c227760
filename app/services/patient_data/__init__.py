"""The patient-data guard: a detector of likely patient identifiers, checked before anything is published."""
