"""Prints the color system Rich's Console picks for the environment given as arguments
(KEY=value ...), writing to this process's stdout (a terminal or a pipe, as the test sets
it up). With --force, the console is made with force_terminal=True (a forced color mode).
Output on stderr: "<color_system or None> <no_color>"."""
import sys

from rich.console import Console

args = sys.argv[1:]
force = None
if args and args[0] == "--force":
    force, args = True, args[1:]
env = dict(a.split("=", 1) for a in args)
c = Console(file=sys.stdout, force_terminal=force, force_jupyter=False, _environ=env)
print(c.color_system, c.no_color, file=sys.stderr)
