"""Reads a JSON list of markup strings on stdin and writes the JSON list of their plain
texts as Rich renders them: Text.from_markup(s).plain (emoji codes replaced)."""
import json
import sys

from rich.text import Text

print(json.dumps([Text.from_markup(s).plain for s in json.load(sys.stdin)]))
