"""Resolution: targets -> numbers with the athlete's thresholds (targets), the resolved
timeline of a workout (profile), and what it measures (metrics)."""
