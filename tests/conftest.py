"""Suite-wide Hypothesis settings; the AWS isolation lives in the root conftest.py."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# The machine running the suite is shared and noisy: timing-based health checks and
# deadlines would fail tests for reasons unrelated to the property under test.
settings.register_profile(
    "project",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("project")
