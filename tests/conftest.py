"""Settings shared by every test module."""
import matplotlib

matplotlib.use("Agg")  # plots are drawn without a display
