//! Diagnostics: the one error format users see.
//!
//! Every problem with a site becomes a [`Diagnostic`]: what is wrong, where
//! (`path:line:column`, the source line and a caret), and what is accepted.
//! Content problems are collected, not thrown, so that one run reports them all.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails.
    Error,
    /// The build goes on; the user should look.
    Warning,
}

/// A place in a source file, resolved to line and column (both from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as shown to the user (relative to the site root where possible).
    pub path: PathBuf,
    /// Line, counted from 1 in the whole file (front-matter fences included).
    pub line: usize,
    /// Column in characters, counted from 1.
    pub column: usize,
    /// The text of that line, without its line end.
    pub source_line: String,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
}

impl std::fmt::Display for Location {
    /// `path:line:column`, as a diagnostic names a place in its message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// One problem found in a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, when the problem has a place (boxed: keeps `Result<_, Diagnostic>` small).
    pub location: Option<Box<Location>>,
    /// A path without a line (I/O problems, whole-file problems).
    pub path: Option<PathBuf>,
    /// What is accepted, or how to fix it.
    pub help: Option<String>,
    /// Further places or facts (e.g. the other file of a collision).
    pub notes: Vec<String>,
    /// For an error many pages can meet alike (a bad name in a shared
    /// template): its cause, and the page this one was met on. Errors with
    /// one cause are reported once (see `render::merge_repeated`).
    pub repeated: Option<Box<Repeated>>,
}

/// The cause an error shares with others, and where this one was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeated {
    /// The same for every error of one cause.
    pub cause: String,
    /// The page (content file or output path) it was met on.
    pub page: String,
}

impl Diagnostic {
    /// An error with a message and nothing else yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            path: None,
            help: None,
            notes: Vec::new(),
            repeated: None,
        }
    }

    /// A warning with a message and nothing else yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    /// Places the diagnostic at a resolved location.
    pub fn at(mut self, location: Location) -> Self {
        self.path = Some(location.path.clone());
        self.location = Some(Box::new(location));
        self
    }

    /// Names the file the diagnostic is about, without a line.
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Adds what is accepted or how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks the error as one many pages can meet alike: `cause` is the same
    /// for all of them, `page` where this one was met.
    pub fn repeated(mut self, cause: String, page: impl Into<String>) -> Self {
        self.repeated = Some(Box::new(Repeated {
            cause,
            page: page.into(),
        }));
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic the way rustc does, optionally with ANSI colour.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let (label, code) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {}",
            paint(code, label),
            paint("1", &visible(&self.message))
        );
        // `= help` lines up with the `|` of the source lines, as in rustc.
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |loc| loc.line.to_string().len());
        let margin = " ".repeat(gutter + 1);
        match (&self.location, &self.path) {
            (Some(loc), _) => {
                let number = loc.line.to_string();
                let pad = " ".repeat(number.len());
                let _ = writeln!(
                    out,
                    "{pad}{} {}:{}:{}",
                    paint("1;34", "-->"),
                    visible(&loc.path.display().to_string()),
                    loc.line,
                    loc.column
                );
                let bar = paint("1;34", "|");
                let _ = writeln!(out, "{pad} {bar}");
                let (shown, before, under) = shown_line(loc);
                let _ = writeln!(
                    out,
                    "{} {bar} {}",
                    paint("1;34", &number),
                    visible(&shown.replace('\t', " "))
                );
                // Under wide characters (CJK, most emoji) the caret takes two
                // cells for one, as the terminal shows them.
                let mut chars = shown.chars();
                let before: usize = chars.by_ref().take(before).map(cells).sum();
                let under: usize = chars.take(under.max(1)).map(cells).sum();
                let caret = format!("{}{}", " ".repeat(before), "^".repeat(under.max(1)));
                let _ = writeln!(out, "{pad} {bar} {}", paint(code, &caret));
            }
            (None, Some(path)) => {
                let _ = writeln!(
                    out,
                    " {} {}",
                    paint("1;34", "-->"),
                    visible(&path.display().to_string())
                );
            }
            (None, None) => {}
        }
        for note in &self.notes {
            let _ = writeln!(out, "{margin}= note: {}", visible(note));
        }
        if let Some(help) = &self.help {
            let mut lines = help.lines();
            if let Some(first) = lines.next() {
                let _ = writeln!(out, "{margin}= {}: {}", paint("1", "help"), visible(first));
            }
            for line in lines {
                let _ = writeln!(out, "{margin}        {}", visible(line));
            }
        }
        out
    }
}

/// The most characters of a source line a diagnostic quotes. A longer line
/// (a minified value, a file with no line breaks) is cut to a window around
/// the caret, `…` marking what is left out, as rustc does: a 4 MiB line
/// would otherwise fill the terminal twice over, caret line included.
const SHOWN_CHARS: usize = 120;

/// How many characters of the quoted line the window keeps before the caret.
const SHOWN_BEFORE: usize = 40;

/// The part of `loc`'s line a diagnostic quotes, with how many of its
/// characters come before the caret and how many the caret underlines.
fn shown_line(loc: &Location) -> (std::borrow::Cow<'_, str>, usize, usize) {
    let before = loc.column.saturating_sub(1);
    let count = loc.source_line.chars().count();
    if count <= SHOWN_CHARS {
        return (loc.source_line.as_str().into(), before, loc.width);
    }
    let before = before.min(count);
    let mut start = before.saturating_sub(SHOWN_BEFORE);
    let end = (start + SHOWN_CHARS).min(count);
    start = start.min(end.saturating_sub(SHOWN_CHARS));
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(loc.source_line.chars().skip(start).take(end - start));
    if end < count {
        shown.push('…');
    }
    let lead = usize::from(start > 0);
    let under = loc.width.min(end.saturating_sub(before)).max(1);
    (shown.into(), before - start + lead, under)
}

/// How many terminal cells a character takes: two for the East Asian wide
/// and full-width ranges and most emoji, one for the rest.
fn cells(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x1F900..=0x1F9FF
            | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// `text` with its control characters made visible, so that what a file holds can never
/// move the cursor, clear the screen or retitle the terminal when a diagnostic quotes it.
/// C0 controls and DEL become their Unicode control pictures (`␛` for ESC), one character
/// for one, so carets stay under their columns; C1 controls become `\u{9b}` escapes.
/// Line breaks are kept: messages and help may span lines.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| (c.is_control() && c != '\n') || c == '\u{7f}';
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{7f}' => out.push('\u{2421}'),
            c if c < ' ' && c != '\n' => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A source file held in memory, able to turn byte offsets into locations.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown to the user.
    pub path: PathBuf,
    /// The whole text (byte-order mark removed).
    pub text: Arc<str>,
}

impl SourceFile {
    /// Wraps a text and the path to show for it.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The location of a byte range (clamped to the text).
    pub fn locate(&self, span: Range<usize>) -> Location {
        locate(&self.path, &self.text, span)
    }

    /// An error at a byte range of this file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(self.locate(span))
    }

    /// A warning at a byte range of this file.
    pub fn warning(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(message).at(self.locate(span))
    }
}

/// Resolves a byte range of `text` to a [`Location`] in `path`.
pub fn locate(path: &Path, text: &str, span: Range<usize>) -> Location {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[..line_start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let source_line = text[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    let mut end = span.end.clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let width = text[start..end]
        .trim_end_matches('\r')
        .chars()
        .count()
        .max(1);
    Location {
        path: path.to_path_buf(),
        line,
        column,
        source_line,
        width,
    }
}

/// Finds the closest of `candidates` to `word`, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&word, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns_from_one() {
        let text = "+++\ntitle = 1\n+++\n";
        let loc = locate(Path::new("a.md"), text, 12..13);
        assert_eq!((loc.line, loc.column), (2, 9));
        assert_eq!(loc.source_line, "title = 1");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // `x` is at byte 5 (`é` takes two) and is the fifth character.
        let text = "é = x";
        let loc = locate(Path::new("a.md"), text, 5..6);
        assert_eq!(loc.column, 5);
    }

    #[test]
    fn suggests_nearest_key() {
        assert_eq!(closest("titel", &["title", "slug"]), Some("title"));
        assert_eq!(closest("zzzzzz", &["title", "slug"]), None);
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        let text = "title = \"\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}x\"\n";
        let file = SourceFile::new("content/a.md", text);
        let shown = file
            .error(9..10, "bad \u{1b}[31mvalue\u{7f}")
            .help("not \u{8}this")
            .render(false);
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        assert!(shown.contains("bad \u{241b}[31mvalue\u{2421}"), "{shown}");
        assert!(
            shown.contains("\u{241b}[2J\u{241b}]0;pwned\u{2407}\\u{9b}x"),
            "{shown}"
        );
        assert!(shown.contains("help: not \u{2408}this"), "{shown}");
        // One picture for one control: the caret stays under column 10.
        assert!(shown.contains("1 | title = \"\u{241b}"), "{shown}");
        assert!(shown.contains("  |          ^"), "{shown}");
    }

    #[test]
    fn the_caret_is_as_wide_as_wide_characters_show() {
        let file = SourceFile::new("a.md", "title = \"日本の朝\"\n");
        let shown = file.error(8..22, "too long").render(false);
        // Column 9 in characters; the caret under 4 + 2 quotes = 10 cells.
        assert!(shown.contains(" --> a.md:1:9"), "{shown}");
        assert!(shown.contains("  |         ^^^^^^^^^^\n"), "{shown}");
    }

    #[test]
    fn a_long_line_is_quoted_around_the_caret() {
        let text = format!("title = \"{}\"\nhold = 3", "x".repeat(5000));
        // A value far into the line: the window starts before it, with `…`.
        let d = Diagnostic::error("bad").at(locate(Path::new("a.md"), &text, 4000..4010));
        let out = d.render(false);
        let quoted = out.lines().nth(3).unwrap();
        assert!(quoted.starts_with("1 | …xxx"), "{out}");
        assert!(quoted.ends_with("x…"), "{out}");
        assert_eq!(quoted.chars().count(), "1 | ".len() + SHOWN_CHARS + 2);
        let caret = out.lines().nth(4).unwrap();
        assert_eq!(
            caret,
            format!("  | {}{}", " ".repeat(SHOWN_BEFORE + 1), "^".repeat(10))
        );
        // A whole 5,000-character value: the caret stops with the window.
        let d = Diagnostic::error("bad").at(locate(Path::new("a.md"), &text, 8..5010));
        let out = d.render(false);
        let caret = out.lines().nth(4).unwrap();
        assert_eq!(
            caret,
            format!("  | {}{}", " ".repeat(8), "^".repeat(SHOWN_CHARS - 8))
        );
        // A caret at the end of the line keeps a full window before it.
        let d = Diagnostic::error("bad").at(locate(Path::new("a.md"), &text, 5009..5010));
        let out = d.render(false);
        let quoted = out.lines().nth(3).unwrap();
        assert!(
            quoted.starts_with("1 | …") && quoted.ends_with("x\""),
            "{out}"
        );
        assert!(out.lines().nth(4).unwrap().ends_with(" ^"), "{out}");
    }

    #[test]
    fn renders_caret_under_span() {
        let file = SourceFile::new("x.md", "+++\nholds = 1\n+++\n");
        let text = file
            .error(4..9, "unknown key `holds`")
            .help("did you mean `hold`?")
            .render(false);
        assert!(text.contains(" --> x.md:2:1"), "{text}");
        assert!(text.contains("2 | holds = 1"), "{text}");
        assert!(text.contains("  | ^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `hold`?"), "{text}");
    }
}
