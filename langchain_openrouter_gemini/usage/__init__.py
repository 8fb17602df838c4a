"""Usage and accounting: token and cost callbacks, key limits, generation costs, estimates."""
