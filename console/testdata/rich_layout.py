"""Renders records through Rich's RichHandler, as the console layout test compares them.

Reads JSON on stdin: {"width": N, "records": [{"level": 20, "body": "...", "path": "..."}]},
and writes the JSON list of each record's rendering (its lines, trailing spaces removed).
The body is the text logbridge shows (message and attributes, markup already rendered), so
it is passed with markup off; "path" is logbridge's right-hand text (category, logger name),
shown where Rich shows the source path. The time column is logbridge's, 12 columns wide.
"""
import io
import json
import logging
import sys

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

req = json.load(sys.stdin)
out = []
for rec in req["records"]:
    buf = io.StringIO()
    console = Console(file=buf, width=req["width"], color_system=None, force_terminal=False,
                      force_jupyter=False, _environ={})
    handler = RichHandler(console=console, markup=False, highlighter=None,
                          omit_repeated_times=False, show_path=bool(rec["path"]),
                          log_time_format=lambda _: Text("14:05:06.789"))
    r = logging.LogRecord("x", rec["level"], rec["path"] or "x.py", 0, rec["body"], None, None)
    handler.handle(r)
    out.append("\n".join(line.rstrip() for line in buf.getvalue().rstrip("\n").split("\n")))
print(json.dumps(out))
