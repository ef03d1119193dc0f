//! Typed reading of a front-matter table: each getter checks one key's type
//! and limits and records a diagnostic pointing at the key or value; `finish`
//! reports unknown keys with the nearest known one.

use std::ops::Range;

use super::front_matter::{Key, Node, Value};
use crate::diagnostics::{Diagnostic, SourceFile, closest};

/// A value with the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// Reads the keys of one table, collecting every problem.
pub struct Fields<'a> {
    file: &'a SourceFile,
    entries: Vec<(Key, Node)>,
    used: Vec<bool>,
    /// Where "missing key" errors point (the closing fence).
    missing_at: Range<usize>,
    /// What the table is called in messages ("front matter", "[handout]").
    context: &'static str,
    /// Whether examples in messages are written in YAML (`key: value`).
    yaml: bool,
    /// Problems found so far.
    pub errors: Vec<Diagnostic>,
    /// The required keys found missing, with their error's place in
    /// `errors`: a misspelt key that means one is one mistake, reported once.
    missing: Vec<(String, usize)>,
}

impl<'a> Fields<'a> {
    /// Starts reading `entries`; missing keys are reported at `missing_at`.
    pub fn new(
        file: &'a SourceFile,
        entries: Vec<(Key, Node)>,
        missing_at: Range<usize>,
        context: &'static str,
    ) -> Self {
        let used = vec![false; entries.len()];
        Self {
            file,
            entries,
            used,
            missing_at,
            context,
            yaml: false,
            errors: Vec::new(),
            missing: Vec::new(),
        }
    }

    /// The file being read.
    pub fn file(&self) -> &'a SourceFile {
        self.file
    }

    /// Takes the node of `key`, marking it used.
    pub fn take(&mut self, key: &str) -> Option<Node> {
        let index = self.entries.iter().position(|(k, _)| k.name == key)?;
        self.used[index] = true;
        Some(self.entries[index].1.clone())
    }

    /// Writes the examples of messages in YAML, for `---` front matter.
    pub fn yaml_examples(&mut self) {
        self.yaml = true;
    }

    /// An example line (`title = "A"`) in the file's own syntax.
    pub fn example(&self, toml: &str) -> String {
        if self.yaml {
            toml.replacen(" = ", ": ", 1)
        } else {
            toml.to_string()
        }
    }

    /// Where an error about a missing key points (the closing fence).
    pub fn missing_at(&self) -> Range<usize> {
        self.missing_at.clone()
    }

    /// Reports the required `key` missing; the help shows `example`.
    pub fn missing(&mut self, key: &str, example: &str) {
        let example = self.example(example);
        let diagnostic = self
            .file
            .error(
                self.missing_at.clone(),
                format!("missing required key `{key}` in {}", self.context),
            )
            .help(format!("add a line such as `{example}`"));
        self.missing.push((key.to_string(), self.errors.len()));
        self.errors.push(diagnostic);
    }

    fn wrong_type(&mut self, key: &str, node: &Node, expected: &str) {
        let mut diagnostic = self.type_error(key, node, expected);
        if let Some(help) = self.type_help(key, node, expected) {
            diagnostic = diagnostic.help(help);
        }
        self.errors.push(diagnostic);
    }

    /// How to write `node` as `expected`, when it can be told from what was
    /// written: a number or date in quotes as text, a text in brackets as a
    /// list, a number in quotes without them.
    fn type_help(&self, key: &str, node: &Node, expected: &str) -> Option<String> {
        let written = self.file.text.get(node.span.clone())?.trim();
        let short = written.chars().count() <= 60 && !written.contains('\n');
        let line = |value: String| format!("`{}`", self.example(&format!("{key} = {value}")));
        if expected.starts_with("text") {
            if let Some(scalar) = self.quotable(node) {
                return Some(format!(
                    "put it in quotes to make it text: {}",
                    line(format!("\"{scalar}\""))
                ));
            }
        }
        match &node.value {
            Value::String(_) if expected.starts_with("a list") && short => Some(format!(
                "write it as a list, in brackets: {}",
                line(format!("[{written}]"))
            )),
            Value::String(text)
                if expected == "a whole number" && text.trim().parse::<i64>().is_ok() =>
            {
                Some(format!(
                    "write the number without quotes: {}",
                    line(text.trim().to_string())
                ))
            }
            Value::Array(_) | Value::Table(_) if expected.starts_with("text") => {
                Some("write one text value, in quotes".to_string())
            }
            Value::Float(f) if expected == "a whole number" => {
                Some(if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
                    format!(
                        "write it without a decimal point: {}",
                        line(format!("{}", *f as i64))
                    )
                } else {
                    format!("write a whole number, such as {}", line("1".to_string()))
                })
            }
            _ if expected == "a table" => Some(if self.yaml {
                format!("write its keys on the lines below `{key}:`, indented")
            } else {
                format!(
                    "write `[{key}]` on a line of its own, below the other keys, and its keys on the lines after it"
                )
            }),
            _ => None,
        }
    }

    /// A number, boolean or date as written, when short enough to show in
    /// quotes as the text it was probably meant to be.
    fn quotable(&self, node: &Node) -> Option<&'a str> {
        let written = self.file.text.get(node.span.clone())?.trim();
        (matches!(
            node.value,
            Value::Integer(_) | Value::Float(_) | Value::Bool(_) | Value::Datetime(_)
        ) && written.chars().count() <= 60
            && !written.contains('\n'))
        .then_some(written)
    }

    fn type_error(&self, key: &str, node: &Node, expected: &str) -> Diagnostic {
        self.file.error(
            node.span.clone(),
            format!("`{key}` must be {expected}, found {}", node.value.kind()),
        )
    }

    /// Warns when `text`, printed on the handout as `what`, is written in
    /// capitals: they are harder to read, and wider than the sentence case
    /// the length limits assume (six red-flag points in capitals take a
    /// line more each, and the sheet runs onto a second page).
    pub fn warn_if_capitals(&mut self, span: Range<usize>, what: &str, text: &str) {
        // Sentence case shows at once: more lower-case letters than a fifth
        // of the text's length cannot leave 80% of its letters in capitals.
        let most_lower = text.len() / 5;
        if text
            .bytes()
            .filter(u8::is_ascii_lowercase)
            .take(most_lower + 1)
            .count()
            > most_lower
        {
            return;
        }
        let (upper, letters) = if text.is_ascii() {
            text.bytes()
                .filter(u8::is_ascii_alphabetic)
                .fold((0, 0), |(u, l), b| {
                    (u + usize::from(b.is_ascii_uppercase()), l + 1)
                })
        } else {
            text.chars()
                .filter(|c| c.is_alphabetic())
                .fold((0, 0), |(u, l), c| {
                    (u + usize::from(c.is_uppercase()), l + 1)
                })
        };
        if letters >= 12 && upper * 10 >= letters * 8 {
            let diagnostic = self
                .file
                .warning(span, format!("{what} is written in capitals"))
                .help("write it in sentence case: capitals are harder to read, and wider than the handout's length limits allow for");
            self.errors.push(diagnostic);
        }
    }

    /// How text is written in this file's front matter, for an error about
    /// `found`: TOML quotes it; YAML needs quotes only around what would
    /// read as something else, a number or `true`, which is said when that
    /// is what it read.
    fn text_kind(&self, found: &Value) -> &'static str {
        match found {
            Value::Integer(_) | Value::Float(_) | Value::Bool(_) | Value::Datetime(_)
                if self.yaml =>
            {
                "text (in YAML, put a value that reads as a number, a date or true/false in quotes)"
            }
            _ if self.yaml => "text",
            _ => "text in quotes",
        }
    }

    /// Records an error at a span.
    pub fn error_at(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let diagnostic = self.file.error(span, message).help(help);
        self.errors.push(diagnostic);
    }

    /// An optional string of at most `max` characters (0: no limit).
    pub fn string(&mut self, key: &str, max: usize) -> Option<Spanned<String>> {
        let node = self.take(key)?;
        match &node.value {
            Value::String(s) => {
                let s = s.clone();
                self.check_text(key, &s, node.span.clone(), max);
                Some(Spanned {
                    value: s,
                    span: node.span,
                })
            }
            _ => {
                let expected = self.text_kind(&node.value);
                self.wrong_type(key, &node, expected);
                None
            }
        }
    }

    /// An optional text that may be left empty: one of spaces alone is as
    /// if not written (the page then shows what it shows without it: a
    /// stretch's cue for its summary, the site's title for the home page's),
    /// never a heading or description of blanks.
    pub fn optional_text(&mut self, key: &str, max: usize) -> Option<String> {
        self.string(key, max)
            .map(|s| s.value)
            .filter(|text| !text.trim().is_empty())
    }

    /// An optional date: a TOML date or a string, as written (checked by
    /// the caller).
    pub fn date(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.take(key)?;
        match &node.value {
            Value::String(s) | Value::Datetime(s) => Some(Spanned {
                value: s.clone(),
                span: node.span,
            }),
            _ => {
                self.wrong_type(key, &node, "a date such as `2026-11-23`");
                None
            }
        }
    }

    /// A required string of at most `max` characters that is not blank.
    pub fn required_string(
        &mut self,
        key: &str,
        max: usize,
        example: &str,
    ) -> Option<Spanned<String>> {
        if !self.has(key) {
            self.missing(key, example);
            return None;
        }
        let value = self.string(key, max)?;
        if value.value.trim().is_empty() {
            self.error_at(
                value.span.clone(),
                format!("`{key}` is empty"),
                format!("write it, e.g. `{}`", self.example(example)),
            );
            return None;
        }
        Some(value)
    }

    /// Checks a text value: no control characters, at most `max` characters.
    fn check_text(&mut self, key: &str, text: &str, span: Range<usize>, max: usize) {
        // A control character (written as an escape, `\u001b`) is not allowed
        // in a web page's text: the HTML would be invalid.
        // Bytes first (this runs on every text of every file): C0 controls
        // and DEL are single bytes, and every C1 control starts with 0xC2.
        let suspect =
            |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2;
        let control = || {
            text.chars()
                .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        };
        if let Some(c) = text.bytes().any(suspect).then(control).flatten() {
            self.error_at(
                span.clone(),
                format!("`{key}` holds the control character U+{:04X}", c as u32),
                "remove it: a web page's text may not hold control characters",
            );
        }
        // The text as a reader sees it: without the line end that ends a
        // YAML `>` or `|` block, or the spaces around a quoted value.
        let count = super::slug::length(text.trim());
        if max > 0 && count > max {
            self.error_at(
                span,
                format!("`{key}` is {count} characters long; the limit is {max}"),
                format!("shorten it to at most {max} characters"),
            );
        }
    }

    /// Whether the table has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.name == key)
    }

    /// An optional boolean.
    pub fn bool(&mut self, key: &str) -> Option<bool> {
        let node = self.take(key)?;
        match &node.value {
            Value::Bool(b) => Some(*b),
            value => {
                let mut diagnostic = self.type_error(key, &node, "`true` or `false`");
                if let Value::String(text) = value
                    && let Some(meant) = boolean_in_words(text)
                {
                    let example = self.example(&format!("{key} = {meant}"));
                    diagnostic = diagnostic.help(format!(
                        "write `{example}`, without quotes: `{text}` is text here"
                    ));
                }
                self.errors.push(diagnostic);
                None
            }
        }
    }

    /// An optional integer within `range`.
    pub fn integer(
        &mut self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<Spanned<i64>> {
        let node = self.take(key)?;
        match node.value {
            Value::Integer(i) if range.contains(&i) => Some(Spanned {
                value: i,
                span: node.span,
            }),
            Value::Integer(i) => {
                self.error_at(
                    node.span.clone(),
                    format!(
                        "`{key}` is {i}; it must be from {} to {}",
                        range.start(),
                        range.end()
                    ),
                    format!(
                        "use a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
            _ => {
                // Digits that did not fit a 64-bit integer arrive as text or a float.
                let written = self.file.text.get(node.span.clone()).unwrap_or("").trim();
                let digits = written.trim_start_matches(['+', '-']);
                let too_long = digits.replace('_', "").parse::<i64>().is_err();
                if !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
                    && too_long
                {
                    self.error_at(
                        node.span.clone(),
                        format!("`{key}` is {written}, which is out of range"),
                        format!(
                            "use a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    );
                } else {
                    self.wrong_type(key, &node, "a whole number");
                }
                None
            }
        }
    }

    /// A list of strings: `count` bounds the number of items, `max` the
    /// characters of each (0: no limit). Missing when `required` is an error.
    pub fn string_list(
        &mut self,
        key: &str,
        count: std::ops::RangeInclusive<usize>,
        max: usize,
        required: Option<&str>,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let Some(node) = self.take(key) else {
            if let Some(example) = required {
                self.missing(key, example);
            }
            return None;
        };
        let Value::Array(items) = &node.value else {
            self.wrong_type(key, &node, "a list of text, like `[\"a\", \"b\"]`");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match &item.value {
                Value::String(s) if s.trim().is_empty() => {
                    self.error_at(
                        item.span.clone(),
                        format!("an entry of `{key}` is empty"),
                        "remove it or write it",
                    );
                }
                Value::String(s) => {
                    self.check_text(key, s, item.span.clone(), max);
                    out.push(Spanned {
                        value: s.clone(),
                        span: item.span.clone(),
                    });
                }
                _ => {
                    // The help quotes the entry alone: the list stays.
                    let expected = self.text_kind(&item.value);
                    let mut diagnostic = self.type_error(key, item, expected);
                    if let Some(scalar) = self.quotable(item) {
                        diagnostic = diagnostic.help(format!(
                            "put the entry in quotes to make it text: `\"{scalar}\"`"
                        ));
                    }
                    self.errors.push(diagnostic);
                }
            }
        }
        if !count.contains(&items.len()) {
            let (lo, hi) = (count.start(), count.end());
            self.error_at(
                node.span.clone(),
                format!("`{key}` has {} entries; it takes {lo} to {hi}", items.len()),
                format!("give between {lo} and {hi} entries"),
            );
        }
        Some(Spanned {
            value: out,
            span: node.span,
        })
    }

    /// A free-form table, as JSON for templates (an empty object when absent).
    pub fn extra(&mut self, key: &str) -> serde_json::Value {
        match self.take(key) {
            Some(
                node @ Node {
                    value: Value::Table(_),
                    ..
                },
            ) => node.to_json(),
            Some(node) => {
                self.wrong_type(key, &node, "a table");
                serde_json::Value::Object(Default::default())
            }
            None => serde_json::Value::Object(Default::default()),
        }
    }

    /// A sub-table, read with its own `Fields`.
    pub fn table(&mut self, key: &str, context: &'static str) -> Option<Fields<'a>> {
        let node = self.take(key)?;
        match node.value {
            Value::Table(entries) => Some(Fields::new(self.file, entries, node.span, context)),
            _ => {
                self.wrong_type(key, &node, "a table");
                None
            }
        }
    }

    /// An enum given as a string, one of `accepted`.
    pub fn choice(
        &mut self,
        key: &str,
        accepted: &[&'static str],
    ) -> Option<Spanned<&'static str>> {
        if self
            .entries
            .iter()
            .find(|(k, _)| k.name == key)
            .is_some_and(|(_, node)| !matches!(node.value, Value::String(_)))
        {
            // A number or list where a name goes: quoting it would not make
            // it one of the names.
            let node = self.take(key)?;
            let expected = self.text_kind(&node.value);
            let list = accepted
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let example = self.example(&format!("{key} = \"{}\"", accepted[0]));
            let diagnostic = self
                .type_error(key, &node, expected)
                .help(format!("write one of {list}, in quotes: `{example}`"));
            self.errors.push(diagnostic);
            return None;
        }
        let value = self.string(key, 0)?;
        let found = accepted.iter().find(|a| **a == value.value.trim());
        match found {
            Some(a) => Some(Spanned {
                value: a,
                span: value.span,
            }),
            None => {
                let list = crate::diagnostics::code_list(accepted);
                let mut help = format!("accepted: {list}");
                if let Some(near) = closest(&value.value, accepted) {
                    help = format!("did you mean `{near}`? {help}");
                }
                self.error_at(
                    value.span,
                    format!("`{key}` is `{}`, which is not accepted", value.value),
                    help,
                );
                None
            }
        }
    }

    /// Reports keys not read by any getter, suggesting the nearest of `known`,
    /// and returns every problem found.
    pub fn finish(self, known: &[&str]) -> Vec<Diagnostic> {
        self.finish_placed(known, &|_| None)
    }

    /// [`Fields::finish`], where `elsewhere` says where a key known in
    /// another table belongs (gen.toml's `base_url` written under
    /// `[markdown]`, `paper` outside `[handout]`): that is the help.
    pub fn finish_placed(
        mut self,
        known: &[&str],
        elsewhere: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Diagnostic> {
        let mut meant = Vec::new();
        for (index, (key, _)) in self.entries.iter().enumerate() {
            if self.used[index] {
                continue;
            }
            let list = crate::diagnostics::code_list(known);
            let help = match elsewhere(&key.name) {
                Some(place) => place,
                None => match closest(&key.name, known) {
                    // The key meant is missing: one mistake, one error.
                    Some(near) if self.missing.iter().any(|(k, _)| k == near) => {
                        meant.push(near);
                        format!("did you mean `{near}`? It is required, and missing")
                    }
                    Some(near) => format!(
                        "did you mean `{near}`? Known keys: {list}; free-form data goes under `extra`"
                    ),
                    None => format!("known keys: {list}; free-form data goes under `extra`"),
                },
            };
            let diagnostic = self
                .file
                .error(
                    key.span.clone(),
                    format!("unknown key `{}` in {}", key.name, self.context),
                )
                .help(help);
            self.errors.push(diagnostic);
        }
        let mut dropped: Vec<usize> = self
            .missing
            .iter()
            .filter(|(key, _)| meant.contains(&key.as_str()))
            .map(|(_, at)| *at)
            .collect();
        dropped.sort_unstable();
        for at in dropped.into_iter().rev() {
            self.errors.remove(at);
        }
        // Report in file order.
        self.errors
            .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        self.errors
    }
}

/// The boolean that text such as `no` or `"true"` stands for: YAML 1.1 read
/// `yes`, `no`, `on` and `off` as booleans (older Hugo did); here, as in
/// YAML 1.2, they are text.
fn boolean_in_words(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" | "true" => Some(true),
        "no" | "n" | "off" | "false" => Some(false),
        _ => None,
    }
}
