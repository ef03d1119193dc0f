//! Diagnostics: the one error format users see.
//!
//! Every problem with a site becomes a [`Diagnostic`]: what is wrong, where
//! (`path:line:column`, the source line and a caret), and what is accepted.
//! Content problems are collected, not thrown, so that one run reports them all.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use unicode_width::UnicodeWidthStr;

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
    /// The text of that line, without its line end. Of a line longer than
    /// [`SHOWN_CHARS`] (a minified value, a file with no line breaks), only
    /// the window around the column that a diagnostic quotes, `…` marking
    /// what is left out: a 4 MiB line would otherwise fill the terminal twice
    /// over, and be copied into every error on it.
    pub source_line: String,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
    /// How many characters of `source_line` come before the caret.
    quoted_before: usize,
    /// How many characters of `source_line` the caret underlines (at least 1).
    quoted_width: usize,
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

    /// The diagnostic with the site's files named from where `gen` runs:
    /// a path relative to the site folder `root` (`content/a.md`) becomes
    /// `root`'s (`my-site/content/a.md`), so that it can be opened as
    /// printed. Only a path that names a file there, or one in a folder
    /// there (a file `gen new` made and did not keep), is changed; the rest
    /// (the output's folders, named as given) are kept.
    ///
    /// The site's files named in the text (`content/a.md has no front
    /// matter`, a note naming another file) are changed alike, so that the
    /// text and the ` --> ` line agree. A name in backticks is left as it
    /// is: it quotes what the user wrote.
    pub fn rebased(mut self, root: &Path) -> Self {
        if let Some(location) = self.location.as_mut() {
            if let Some(joined) = rebased_path(root, &location.path) {
                location.path = joined;
            }
        }
        if let Some(path) = self.path.as_mut() {
            if let Some(joined) = rebased_path(root, path) {
                *path = joined;
            }
        }
        rebase_text(root, &mut self.message);
        if let Some(help) = self.help.as_mut() {
            rebase_text(root, help);
        }
        for note in &mut self.notes {
            rebase_text(root, note);
        }
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
                let (shown, before, under) =
                    (&loc.source_line, loc.quoted_before, loc.quoted_width);
                let _ = writeln!(out, "{} {bar} {}", paint("1;34", &number), quoted(shown));
                // The caret is placed in terminal cells of the line as quoted:
                // two for a wide character (CJK, most emoji), none for a
                // combining mark or joiner, one per character of an escape.
                let start = shown
                    .char_indices()
                    .nth(before)
                    .map_or(shown.len(), |(i, _)| i);
                let end = shown[start..]
                    .char_indices()
                    .nth(under.max(1))
                    .map_or(shown.len(), |(i, _)| start + i);
                let before = quoted(&shown[..start]).width();
                let under = quoted(&shown[..end]).width().saturating_sub(before);
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

/// The most characters of a source line a diagnostic quotes (see
/// [`Location::source_line`]), as rustc does.
const SHOWN_CHARS: usize = 120;

/// How many characters of the quoted line the window keeps before the caret.
const SHOWN_BEFORE: usize = 40;

/// A source line as a diagnostic quotes it: tabs as one space each, and
/// what [`visible`] escapes escaped.
fn quoted(line: &str) -> String {
    visible(&line.replace('\t', " ")).into_owned()
}

/// `text` with its control characters made visible, so that what a file holds can never
/// move the cursor, clear the screen or retitle the terminal when a diagnostic quotes it.
/// C0 controls and DEL become their Unicode control pictures (`␛` for ESC), one character
/// for one; C1 controls become `\u{9b}` escapes, and so do the invisible characters that
/// would reorder or break the quoted line or hide in it: bidirectional controls (a
/// right-to-left override turns the rest of the line around), line and paragraph
/// separators, and a byte-order mark inside the text. Line breaks are kept: messages and
/// help may span lines.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(
                c,
                '\u{61c}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{feff}'
            )
    };
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
    /// Where each line starts, worked out at the first [`SourceFile::locate`]:
    /// a file with thousands of errors is then read through once, not once
    /// for each error.
    index: OnceLock<Index>,
}

impl SourceFile {
    /// Wraps a text and the path to show for it.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            index: OnceLock::new(),
        }
    }

    /// The location of a byte range (clamped to the text).
    pub fn locate(&self, span: Range<usize>) -> Location {
        let index = self.index.get_or_init(|| Index::new(&self.text));
        locate_in(&self.path, &self.text, span, index)
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
    locate_in(path, text, span, &Index::new(text))
}

/// How many bytes [`Index`] counts the characters of at a time.
const BLOCK: usize = 4096;

/// Where a text's lines start and how many characters come before each
/// block of it: with it, a byte offset becomes a line and column without
/// reading the text from its start, so that a file with thousands of errors
/// is not read through once for each.
#[derive(Debug, Clone)]
struct Index {
    /// The byte offset where each line starts: 0, then one past each `\n`.
    line_starts: Vec<usize>,
    /// How many characters come before byte `i * BLOCK`, for each `i` up to
    /// and including the text's length.
    chars_before: Vec<usize>,
}

impl Index {
    fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_before = Vec::with_capacity(text.len() / BLOCK + 2);
        let mut count = 0;
        for block in text.as_bytes().chunks(BLOCK) {
            chars_before.push(count);
            count += chars_in(block);
        }
        chars_before.push(count);
        Self {
            line_starts,
            chars_before,
        }
    }

    /// How many characters of `text` come before byte `offset`.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        let counted = self.chars_before.get(block).copied().unwrap_or(0);
        counted + chars_in(&text.as_bytes()[(block * BLOCK).min(offset)..offset])
    }
}

/// How many characters start in `bytes` of UTF-8: every byte but the
/// continuation bytes (`10xxxxxx`).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// [`locate`], with `text`'s [`Index`] at hand.
fn locate_in(path: &Path, text: &str, span: Range<usize>, index: &Index) -> Location {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // The end of a file that ends its last line (an unclosed block) is shown
    // at the end of that line, not on a line after it that no editor shows.
    if start == text.len() && text.ends_with('\n') {
        start -= 1;
    }
    // A line end is one place after the line's text, CRLF or LF.
    if text[start..].starts_with('\n') && text[..start].ends_with('\r') {
        start -= 1;
    }
    let chars_to = |offset: usize| index.chars_to(text, offset);
    // The last line that starts at or before `start`; the first starts at 0.
    let line = index.line_starts.partition_point(|&s| s <= start).max(1);
    let line_start = index.line_starts.get(line - 1).copied().unwrap_or(0);
    let line_end = index
        .line_starts
        .get(line)
        .map_or(text.len(), |next| next - 1);
    let text_end = line_start + text[line_start..line_end].trim_end_matches('\r').len();
    let column = chars_to(start) - chars_to(line_start) + 1;
    let mut end = span.end.clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = start + text[start..end].trim_end_matches('\r').len();
    let width = (chars_to(end) - chars_to(start)).max(1);

    // The window of the line that is quoted: all of it, or SHOWN_CHARS
    // characters from SHOWN_BEFORE before the caret (fewer before it when the
    // line ends sooner after it).
    let count = chars_to(text_end) - chars_to(line_start);
    let before = (column - 1).min(count);
    let mut from = before.saturating_sub(SHOWN_BEFORE);
    let to = (from + SHOWN_CHARS).min(count);
    from = from.min(to.saturating_sub(SHOWN_CHARS));
    let anchor = start.min(text_end);
    let from_byte = match before - from {
        0 => anchor,
        back => text[line_start..anchor]
            .char_indices()
            .rev()
            .nth(back - 1)
            .map_or(line_start, |(i, _)| line_start + i),
    };
    let to_byte = text[anchor..text_end]
        .char_indices()
        .nth(to - before)
        .map_or(text_end, |(i, _)| anchor + i);
    let mut source_line = String::with_capacity(to_byte - from_byte + 6);
    if from > 0 {
        source_line.push('…');
    }
    source_line.push_str(&text[from_byte..to_byte]);
    if to < count {
        source_line.push('…');
    }
    Location {
        path: path.to_path_buf(),
        line,
        column,
        source_line,
        width,
        quoted_before: before - from + usize::from(from > 0),
        quoted_width: width.min(to.saturating_sub(before)).max(1),
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

/// Names as a help lists them: each in backticks, with commas between
/// (`` `a`, `b`, `c` ``).
pub fn code_list<T: std::fmt::Display>(names: impl IntoIterator<Item = T>) -> String {
    let mut list = String::new();
    for (i, name) in names.into_iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        list.push('`');
        list.push_str(&name.to_string());
        list.push('`');
    }
    list
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

/// `path` (relative to the site folder `root`) joined to `root`, when it
/// names a file there or one in a folder there; `None` otherwise.
fn rebased_path(root: &Path, path: &Path) -> Option<PathBuf> {
    if !path.is_relative() {
        return None;
    }
    let joined = root.join(path);
    let there = joined.symlink_metadata().is_ok()
        || (path.parent().is_some_and(|p| !p.as_os_str().is_empty())
            && joined.parent().is_some_and(Path::is_dir));
    there.then_some(joined)
}

/// The names of a site's inputs, relative to its folder, as messages write
/// them.
const SITE_NAMES: [&str; 5] = ["content/", "static/", "templates/", "themes/", "gen.toml"];

/// Joins to `root` each name of a site file in `text` (see
/// [`Diagnostic::rebased`]): a name starts with one of [`SITE_NAMES`], after
/// the start of the text, a space or an opening bracket, and ends at a
/// space, a comma, a semicolon or a closing bracket; a `:line:column` or a
/// full stop after it is not part of it.
fn rebase_text(root: &Path, text: &mut String) {
    let mut out = String::new();
    let mut copied = 0;
    let mut changed = false;
    let mut quoted = false;
    let mut previous = None;
    for (at, c) in text.char_indices() {
        let starts = !quoted
            && matches!(previous, None | Some(' ' | '(' | '['))
            && SITE_NAMES.iter().any(|name| text[at..].starts_with(name));
        if c == '`' {
            quoted = !quoted;
        }
        previous = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[at..];
        let end = rest
            .find([' ', ',', ';', ')', ']', '`', '\n'])
            .unwrap_or(rest.len());
        let name = rest[..end].split(':').next().unwrap_or_default();
        let there = rebased_path(root, Path::new(name)).is_some()
            || name
                .strip_suffix('.')
                .is_some_and(|name| rebased_path(root, Path::new(name)).is_some());
        if there {
            out.push_str(&text[copied..at]);
            out.push_str(&root.join("").display().to_string());
            copied = at;
            changed = true;
        }
    }
    if changed {
        out.push_str(&text[copied..]);
        *text = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_list_quotes_each_name_and_separates_them() {
        assert_eq!(code_list(["a", "b", "c"]), "`a`, `b`, `c`");
        assert_eq!(code_list(["one"]), "`one`");
        assert_eq!(code_list(Vec::<String>::new()), "");
    }

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
    fn a_location_keeps_only_the_quoted_window_of_a_long_line() {
        // Each error on a 1 MB line held a copy of it: thousands of errors on
        // one minified line took gigabytes.
        let text = format!("a = \"{}\" b", "é".repeat(1_000_000));
        let file = SourceFile::new("a.md", text.as_str());
        let loc = file.locate(text.len() - 1..text.len());
        assert_eq!((loc.line, loc.column), (1, 1_000_008));
        assert_eq!(loc.source_line.chars().count(), SHOWN_CHARS + 1);
        assert!(loc.source_line.starts_with('…') && loc.source_line.ends_with("é\" b"));
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
    #[test]
    fn rebasing_names_the_sites_files_in_the_text_as_on_the_arrow_line() {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let root = scratch.path().join("site");
        std::fs::create_dir_all(root.join("content/stretches")).expect("folders");
        std::fs::write(root.join("content/stretches/a.md"), "").expect("file");
        std::fs::write(root.join("gen.toml"), "").expect("file");
        let shown = |name: &str| root.join(name).display().to_string();
        let d = Diagnostic::error("content/stretches/a.md has no front matter")
            .in_file("content/stretches/a.md")
            .note("the same error in 2 other pages: content/stretches/a.md, content/stretches/b.md and (content/stretches/a.md:3:1).")
            .note("quoted: `content/stretches/a.md`; named in a word: xcontent/stretches/a.md")
            .help("set `base_url` in gen.toml.")
            .rebased(&root);
        assert_eq!(
            d.message,
            format!("{} has no front matter", shown("content/stretches/a.md"))
        );
        assert_eq!(d.path, Some(root.join("content/stretches/a.md")));
        // A file in a folder of the site is named alike, even when it is
        // gone (`b.md`): the folder is there.
        assert_eq!(
            d.notes[0],
            format!(
                "the same error in 2 other pages: {}, {} and ({}:3:1).",
                shown("content/stretches/a.md"),
                shown("content/stretches/b.md"),
                shown("content/stretches/a.md")
            )
        );
        assert_eq!(
            d.notes[1],
            "quoted: `content/stretches/a.md`; named in a word: xcontent/stretches/a.md"
        );
        assert_eq!(
            d.help.as_deref(),
            Some(format!("set `base_url` in {}.", shown("gen.toml")).as_str())
        );
        // A name that is no file of the site, nor in one of its folders, is kept.
        let d = Diagnostic::error("themes/nope/ is missing").rebased(&root);
        assert_eq!(d.message, "themes/nope/ is missing");
    }
}
