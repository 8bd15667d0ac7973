// Package markup parses Rich console markup ("[bold red]failed[/] after [dim]3[/dim] tries"),
// renders it to ANSI escape sequences for a color profile, and strips it to plain text. The
// console sink renders with it (Parse, then AppendSGR and AppendReset per segment), the file
// sink strips with AppendStrip and the OTLP sink with Strip.
//
// # Grammar
//
// The grammar is Rich's (rich/markup.py). A tag is '[', a character in [a-z#/@], then any
// characters but '[' up to the first ']':
//
//	[bold]  [bold red on white]  [#ff8800]  [link=https://example.com]  [/bold]  [/]
//
// A '[' that does not start a tag ("[1, 2, 3]", "[INFO]", "[]", an unterminated "[x") is
// plain text. Backslashes escape tags:
//
//   - 2n+1 backslashes right before a tag are n literal backslashes followed by the tag as
//     literal text: `\[bold]` is "[bold]", `\\\[bold]` is `\[bold]`;
//   - 2n backslashes before a tag are n literal backslashes and the tag is live:
//     `\\[bold]x` is `\x` in bold;
//   - in plain text, one backslash right before a '[' that does not start a tag is dropped
//     (`\[1]` is "[1]"), as Rich does; other backslashes are kept (`\\` stays `\\`).
//
// Escape builds markup that shows a given text exactly.
//
// # Markup or literal text
//
// A tag is markup only when it means something:
//
//   - an opening tag whose content is a valid Rich style (see ParseStyle): bold, dim,
//     italic, underline, strike, reverse, blink, conceal, overline and the other attributes
//     (with their short forms b, d, i, u, s, r, o, uu, c), "not <attr>", Rich's color names,
//     "#rrggbb", "rgb(r,g,b)", "color(n)", "default", "<fg> on <bg>", "on <bg>",
//     "link=URL" or "link URL", and combinations of these;
//   - a closing tag that closes an open tag: "[/]" closes the tag opened last, "[/name]" the
//     tag opened last whose name means the same style as name (Rich compares
//     Style.normalize of both, so "[/bold red]" closes "[red bold]" and "[/bold]" closes
//     "[b]"); for a tag with a parameter the name is the part before '=', so "[/link]"
//     closes "[link=URL]".
//
// Every other tag is literal text and comes through unchanged, brackets included: "[admin]",
// "[info]", "[x=1]", Rich's "[@click=...]" event handlers (meaningless outside a Textual
// app) and Rich theme names such as "[repr.number]" (there is no theme here).
//
// Markup never fails and never loses text: a closing tag with nothing to close (where Rich
// raises MarkupError) is literal text, a tag left open extends to the end of the text, and a
// '[' without a matching ']' is plain text. At most 64 tags can be open at once; a further
// opening tag is literal text.
//
// For input whose tags are all valid styles and closing tags that close something, Strip
// gives exactly Rich's Text.from_markup(s).plain, with one exception: Rich also replaces
// emoji codes such as ":warning:" (its emoji=True default), which this package leaves as
// they are.
//
// # Emoji codes
//
// As Rich's markup does (rich/_emoji_replace.py), the plain text has Rich's emoji codes
// replaced: ":rocket:" is the rocket, ":rocket-text:" and ":rocket-emoji:" add a variant
// selector, names match case-insensitively, and a code not in Rich's table stays as it is.
// Codes are found in each run of text between tags, with Rich's pattern, so a code cut by a
// tag is no code. The table (emoji_codes.go) is generated from Rich's own by
// gen_emoji_codes.py (go generate); tests check it against the Rich installed, and Strip
// against Rich's Text.from_markup(s).plain.
//
// # Styles
//
// The style over a run of text is the combination of the styles of all tags open there, in
// the order Rich's Text.render combines its spans: a tag opened later overrides one opened
// earlier for what it sets (Style.Combine). Rich orders tags that open at the same place by
// when they close; Parse and AppendANSI reproduce that too ("[red][blue]X[/red]Y[/blue]"
// shows X in red, as in Rich).
//
// # Rendering
//
// AppendSGR writes the SGR sequence of a style (and an OSC 8 hyperlink for links),
// AppendTransition the change from one style to another, and AppendReset the single reset
// at the end of a line. Colors degrade to the Profile as Rich degrades them: a truecolor to
// the 256-color palette by Rich's mapping (the 6x6x6 cube, or the gray ramp for
// near-grays), a 256-color or truecolor to the nearest of the 16 standard colors by Rich's
// weighted distance. NoColor writes no escape sequences
// at all. Link URLs are neutralized (percent-encoded outside printable ASCII). The message
// text itself is not sanitized by AppendANSI; see its documentation.
//
// # Performance
//
// Strip returns its argument without allocating when it contains no '[' nor emoji code (or
// no markup, escape or emoji code). Strip and AppendStrip keep the plain text of messages (up to 256 bytes) they
// have seen twice in a small process-wide cache (512 slots, lock-free), so a message logged
// again costs a hash and a compare instead of a parse, and Strip no allocation; a message
// seen once (built with its data) costs what it would without the cache. Parse, AppendStrip, AppendSGR, AppendTransition and AppendANSI do not allocate
// when their destination has room, as long as no more than 8 tags are open at once (and, in
// the rare case of overlapping tags that open at the same place, the text has at most 16
// tags in all). Text without '[' takes a fast path: one byte search.
package markup
