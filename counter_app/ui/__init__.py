"""Qt widgets. Everything else in counter_app stays free of Qt."""
