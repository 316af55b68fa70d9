"""Layout-only widgets: no behaviour, no store access. Behaviour lives in counter_app.ui."""
