"""Where the project under test is: the checkout these tests belong to."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
