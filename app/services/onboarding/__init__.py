"""Onboarding: templates, assignments, tasks, dashboards and reminders (one module each)."""
