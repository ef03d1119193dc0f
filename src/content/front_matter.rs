//! Front matter: split a content file into its front matter and body, and parse
//! TOML (`+++`) or YAML (`---`) into one spanned tree, [`Node`], so that every
//! later check can point at the exact key or value.

use std::collections::HashSet;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::diagnostics::{Diagnostic, SourceFile};

/// The syntax of a front-matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `+++` fences.
    Toml,
    /// `---` fences.
    Yaml,
}

/// A content file cut at its fences. All ranges are byte offsets into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The front-matter syntax, or `None` when the file has no front matter.
    pub format: Option<Format>,
    /// The text between the fences.
    pub front_matter: Range<usize>,
    /// The closing fence line (where "missing key" errors point).
    pub closing_fence: Range<usize>,
    /// The body after the closing fence.
    pub body: Range<usize>,
}

/// Cuts `text` into front matter and body.
///
/// The opening fence must be the first line and be exactly `+++` or `---`
/// (trailing spaces allowed). Blank lines (and a stray byte-order mark)
/// before an exact fence are skipped, as Zola and Hugo do, so that the front
/// matter is never taken for body text. A malformed fence such as `++++` or
/// an unclosed block is an error pointing at the fence.
pub fn split(file: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &*file.text;
    let start = fence_start(text);
    let first_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let first = text[start..first_end].trim_end();
    let format = match first {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ if (first.starts_with("+++\r") || first.starts_with("---\r")) && !text.contains('\n') => {
            // Old Mac line ends: the whole file reads as its first line.
            return Err(file
                .error(
                    start..start + 3,
                    "the file's lines end in a lone carriage return (CR)",
                )
                .help("save it with LF or CRLF line ends (your editor's line-ending setting)"));
        }
        _ if first.starts_with("+++") || first.starts_with("---") => {
            return Err(file
                .error(
                    start..start + first.len(),
                    format!("malformed front-matter fence `{first}`"),
                )
                .help(
                    "open the front matter with a line of exactly `+++` (TOML) or `---` (YAML)",
                ));
        }
        _ => {
            return Ok(Split {
                format: None,
                front_matter: 0..0,
                closing_fence: 0..0,
                body: 0..text.len(),
            });
        }
    };
    let fence = &first[..3];
    let mut offset = first_end;
    let mut document_end = None;
    while offset < text.len() {
        let line_end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let line = text[offset..line_end].trim_end();
        if line == fence {
            return Ok(Split {
                format: Some(format),
                front_matter: first_end..offset,
                closing_fence: offset..offset + 3,
                body: line_end..text.len(),
            });
        }
        // YAML's end of a document, which Hugo does not take for a fence:
        // valid before a closing `---`, else what was meant for one.
        if fence == "---" && line == "..." && document_end.is_none() {
            document_end = Some(offset);
        }
        if line.len() > 3 && line.chars().all(|c| c == fence.as_bytes()[0] as char) {
            return Err(file
                .error(
                    offset..offset + line.len(),
                    format!("malformed front-matter fence `{line}`"),
                )
                .help(format!(
                    "close the front matter with a line of exactly `{fence}`"
                )));
        }
        offset = line_end;
    }
    if let Some(at) = document_end {
        return Err(file
            .error(
                at..at + 3,
                "`...` ends a YAML document, not the front matter",
            )
            .help("close the front matter with a line of exactly `---`"));
    }
    Err(file
        .error(start..start + 3, "front matter is never closed")
        .help(format!(
            "add a line of exactly `{fence}` after the last key"
        )))
}

/// Where the opening fence starts: 0, or after the blank lines (and stray
/// byte-order marks) that come before a line of exactly `+++` or `---`.
/// Anything else after blank lines stays body text.
fn fence_start(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_start_matches('\u{feff}');
        match content.trim_end() {
            "" => offset += line.len(),
            // A fence, or what was meant for a TOML one (`++++`, `+++ toml`),
            // reported where it stands. A line of dashes may be a thematic
            // break of a page without front matter: only an exact `---` counts.
            fence if fence == "---" || fence.starts_with("+++") => {
                return offset + (line.len() - content.len());
            }
            _ => return 0,
        }
    }
    0
}

/// A value with the byte range it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it stands in the file.
    pub span: Range<usize>,
}

/// A key of a table with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// Where it stands in the file.
    pub span: Range<usize>,
}

/// A front-matter value, the same for TOML and YAML.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A TOML date or date-time, as written.
    Datetime(String),
    /// YAML null / empty value.
    Null,
    /// A list.
    Array(Vec<Node>),
    /// A table, keys in source order.
    Table(Vec<(Key, Node)>),
}

impl Value {
    /// The name of the value's type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date",
            Value::Null => "nothing",
            Value::Array(_) => "a list",
            Value::Table(_) => "a table",
        }
    }
}

impl Node {
    /// Converts to JSON for templates (`extra` tables reach templates untouched).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::String(s) | Value::Datetime(s) => J::String(s.clone()),
            Value::Integer(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Bool(b) => J::Bool(*b),
            Value::Null => J::Null,
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Table(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses the front matter of `split` into a table. Errors point into the file.
pub fn parse(file: &SourceFile, split: &Split) -> Result<Vec<(Key, Node)>, Vec<Diagnostic>> {
    let range = split.front_matter.clone();
    let source = &file.text[range.clone()];
    let node = match split.format {
        None => return Ok(Vec::new()),
        Some(Format::Toml) => match parse_toml(file, source, range.start) {
            Ok(node) => node,
            // YAML between TOML's fences: one error that says so, not the
            // TOML parser's view of each line.
            Err(errors) => match first_key_line(source).filter(|l| l.separator == ':') {
                Some(line) => {
                    return Err(vec![
                        file.error(
                            range.start + line.span.start..range.start + line.span.end,
                            "this front matter is YAML, but its fences are `+++`, which hold TOML",
                        )
                        .help("write YAML between `---` fences, or TOML between `+++`: `title = \"About\"`"),
                    ]);
                }
                None => return Err(errors),
            },
        },
        Some(Format::Yaml) => parse_yaml(file, source, range.start)?,
    };
    match node.value {
        Value::Table(entries) => Ok(entries),
        Value::Null => Ok(Vec::new()),
        other => {
            let help = match first_key_line(source).filter(|l| l.separator == '=') {
                Some(_) => {
                    "this is TOML, but its fences are `---`, which hold YAML: write TOML between `+++` fences, or YAML between `---`: `title: About`"
                }
                None => "write `key = value` lines (TOML) or `key: value` lines (YAML)",
            };
            Err(vec![
                file.error(
                    node.span,
                    format!(
                        "front matter must be a table of keys, found {}",
                        other.kind()
                    ),
                )
                .help(help),
            ])
        }
    }
}

/// The first line of a front matter that names a key, and what follows its
/// name: `=` (TOML) or `:` (YAML).
struct KeyLine {
    span: std::ops::Range<usize>,
    separator: char,
}

/// The first line of `source` that is not blank nor a comment, when it
/// starts with a plain key name followed by `=` or `:` (then a space or the
/// line's end, as YAML requires).
fn first_key_line(source: &str) -> Option<KeyLine> {
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let at = start;
        start += line.len();
        let text = line.trim_end();
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let name_end = trimmed
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(trimmed.len());
        if name_end == 0 {
            return None;
        }
        let rest = trimmed[name_end..].trim_start();
        let separator = match rest.chars().next()? {
            '=' => '=',
            ':' if rest[1..].is_empty() || rest[1..].starts_with([' ', '\t']) => ':',
            _ => return None,
        };
        let indent = text.len() - trimmed.len();
        return Some(KeyLine {
            span: at + indent..at + text.len(),
            separator,
        });
    }
    None
}

/// Parses a whole TOML document (front matter or `gen.toml`) into a table node.
/// `base` is the byte offset of `source` in the file.
pub fn parse_toml(file: &SourceFile, source: &str, base: usize) -> Result<Node, Vec<Diagnostic>> {
    let (table, errors) = toml::de::DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let mut message = e.message().trim().trim_end_matches('.').to_string();
                let mut help = "see https://toml.io for the syntax: `key = \"text\"`, `key = [\"a\", \"b\"]`";
                if message == "duplicate key" {
                    // Name it: a key given twice, or a `[table]` opened twice.
                    if let Some(key) = source.get(span.clone()).filter(|k| !k.is_empty()) {
                        message = format!("duplicate key `{key}`");
                    }
                    help = "give each key, and each `[table]`, once; put all of a table's keys under one heading";
                }
                file.error(
                    base + span.start..base + span.end,
                    format!("invalid TOML: {message}"),
                )
                .help(help)
            })
            .collect());
    }
    let span = table.span();
    let entries = toml_table(table.get_ref(), base);
    Ok(Node {
        value: Value::Table(entries),
        span: base + span.start..base + span.end,
    })
}

fn toml_table(table: &toml::de::DeTable<'_>, base: usize) -> Vec<(Key, Node)> {
    let mut entries: Vec<(Key, Node)> = table
        .iter()
        .map(|(key, value)| {
            let ks = key.span();
            (
                Key {
                    name: key.get_ref().to_string(),
                    span: base + ks.start..base + ks.end,
                },
                toml_node(value, base),
            )
        })
        .collect();
    entries.sort_by_key(|(k, _)| k.span.start);
    entries
}

fn toml_node(value: &toml::Spanned<toml::de::DeValue<'_>>, base: usize) -> Node {
    use toml::de::DeValue;
    let s = value.span();
    let span = base + s.start..base + s.end;
    let value = match value.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits
                .trim_start_matches('+')
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            match i64::from_str_radix(digits, i.radix()) {
                Ok(n) => Value::Integer(n),
                Err(_) => Value::String(i.as_str().to_string()),
            }
        }
        DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|v| toml_node(v, base)).collect()),
        DeValue::Table(t) => Value::Table(toml_table(t, base)),
    };
    Node { value, span }
}

/// Parses YAML front matter into a table node (one document, no anchors).
fn parse_yaml(file: &SourceFile, source: &str, base: usize) -> Result<Node, Vec<Diagnostic>> {
    // YAML allows a tab after a key's `:` (`title:<tab>Knee hug`), which saphyr refuses;
    // such a tab is read as a space, which keeps every byte offset where it was.
    let mut text = std::borrow::Cow::Borrowed(source);
    loop {
        match parse_yaml_text(file, &text, base) {
            Err(YamlError::TabAfterColon(at)) => text.to_mut().replace_range(at..at + 1, " "),
            Err(YamlError::Reported(diagnostics)) => return Err(diagnostics),
            Ok(node) => return Ok(node),
        }
    }
}

enum YamlError {
    /// A tab right after a key's `:`, at this offset in the text: retry with a space.
    TabAfterColon(usize),
    Reported(Vec<Diagnostic>),
}

fn parse_yaml_text(file: &SourceFile, source: &str, base: usize) -> Result<Node, YamlError> {
    // saphyr reports positions in characters; map them to bytes once.
    let char_to_byte: Vec<usize> = source
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(source.len()))
        .collect();
    let offset = |chars: usize| char_to_byte.get(chars).copied().unwrap_or(source.len());
    let to_byte = |chars: usize| base + offset(chars);
    let mut builder = YamlBuilder::default();
    // Anchors, aliases and merge keys, each an error at its place: the
    // tree is still built (an alias stands for nothing), so that they are
    // all reported in one run.
    let mut unsupported = Vec::new();
    let mut parser = Parser::new_from_str(source);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => {
                let range = to_byte(span.start.index())..to_byte(span.end.index());
                let unsupported_at = |what: &str, at: Range<usize>| {
                    file.error(at, format!("YAML {what} are not supported in front matter"))
                        .help("write the value out in full where it is used")
                };
                // At the `&name` or `*name` itself, before the node's start.
                let marked_at = |sign: char| {
                    marked(source, offset(span.start.index()), sign)
                        .map_or(range.clone(), |at| base + at.start..base + at.end)
                };
                match &event {
                    Event::Scalar(_, _, anchor, _)
                    | Event::SequenceStart(anchor, _)
                    | Event::MappingStart(anchor, _)
                        if *anchor != 0 =>
                    {
                        unsupported.push(unsupported_at("anchors (`&name`)", marked_at('&')));
                    }
                    Event::Alias(_) => {
                        unsupported.push(unsupported_at("aliases (`*name`)", marked_at('*')));
                    }
                    Event::Scalar(text, ScalarStyle::Plain, _, None)
                        if text == "<<" && builder.expects_key() =>
                    {
                        unsupported.push(unsupported_at("merge keys (`<<:`)", range.clone()));
                    }
                    _ => {}
                }
                let event = match event {
                    Event::Alias(_) => Event::Scalar("".into(), ScalarStyle::Plain, 0, None),
                    event => event,
                };
                if let Err(problem) = builder.push(event, range.clone()) {
                    return Err(YamlError::Reported(vec![
                        file.error(problem.span.unwrap_or(range), problem.message)
                            .help(problem.help),
                    ]));
                }
            }
            Err(e) => {
                let marker = offset(e.marker().index());
                let info = e.info();
                if info.contains("must be followed by") {
                    // The marker is just past the separator: find the key's `:` and its tab.
                    let line_start = source[..marker].rfind('\n').map_or(0, |i| i + 1);
                    if let Some(colon) = source[line_start..marker].rfind(":\t") {
                        return Err(YamlError::TabAfterColon(line_start + colon + 1));
                    }
                }
                let mut help = "write `key: value` lines; quote text that contains `: ` or starts with a symbol";
                let mut at = marker;
                if info.contains("found a tab") {
                    // saphyr points at the start of the token; the tab itself is the news.
                    if let Some(tab) = source[marker..].find('\t') {
                        at = marker + tab;
                    }
                    help = "YAML indents with spaces only: replace the tab with spaces";
                }
                return Err(YamlError::Reported(vec![
                    file.error(base + at..base + at + 1, format!("invalid YAML: {info}"))
                        .help(help),
                ]));
            }
        }
    }
    if !unsupported.is_empty() {
        return Err(YamlError::Reported(unsupported));
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        span: base..base,
    }))
}

/// Where the `&name` anchor or `*name` alias (`sign`) of the node that
/// starts at `start` (a byte offset in `source`) is written: at `start`, or
/// before it on its line.
fn marked(source: &str, start: usize, sign: char) -> Option<Range<usize>> {
    let line_start = source.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let from = if source[start..].starts_with(sign) {
        start
    } else {
        line_start + source[line_start..start].rfind(sign)?
    };
    let len = source[from..]
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
        .unwrap_or(source.len() - from);
    Some(from..from + len)
}

/// How deep YAML lists and tables may nest. Deeper trees would overflow the
/// stack of the recursive steps that follow (`to_json`, templates, drop);
/// TOML's parser has a limit of its own.
const MAX_YAML_DEPTH: usize = 100;

/// A problem the YAML tree builder meets.
struct YamlProblem {
    message: String,
    /// Where, when not at the event that found it.
    span: Option<Range<usize>>,
    help: &'static str,
}

impl<T: Into<String>> From<T> for YamlProblem {
    fn from(message: T) -> YamlProblem {
        YamlProblem {
            message: message.into(),
            span: None,
            help: "front matter takes plain `key: value` lines, lists and nested tables",
        }
    }
}

#[derive(Default)]
struct YamlBuilder {
    /// Open containers: a list, or a table with a pending key and the names
    /// of its keys so far (a set: a table of many keys is checked for a
    /// repeated one in a time that grows with their number, not its square).
    stack: Vec<(Node, Option<Key>, HashSet<String>)>,
    root: Option<Node>,
    documents: usize,
}

impl YamlBuilder {
    fn push(&mut self, event: Event<'_>, span: Range<usize>) -> Result<(), YamlProblem> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err("front matter holds more than one YAML document".into());
                }
            }
            Event::Scalar(text, style, _, tag) => {
                let value = yaml_scalar(&text, style, tag.is_some());
                self.add(Node { value, span })?;
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if self.stack.len() >= MAX_YAML_DEPTH =>
            {
                return Err(format!(
                    "front matter nests lists and tables more than {MAX_YAML_DEPTH} levels deep"
                )
                .into());
            }
            Event::SequenceStart(..) => self.stack.push((
                Node {
                    value: Value::Array(Vec::new()),
                    span,
                },
                None,
                HashSet::new(),
            )),
            Event::MappingStart(..) => self.stack.push((
                Node {
                    value: Value::Table(Vec::new()),
                    span,
                },
                None,
                HashSet::new(),
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((mut node, _, _)) = self.stack.pop() {
                    // A collection runs to its end: the `]` or `}` of a flow
                    // one (its start is its `[` or `{`), the end of the last
                    // item of a block one (which starts as an empty span).
                    let last = match &node.value {
                        Value::Array(items) => items.last().map(|item| item.span.end),
                        Value::Table(entries) => entries.last().map(|(_, value)| value.span.end),
                        _ => None,
                    };
                    node.span.end = if node.span.is_empty() {
                        last.unwrap_or(node.span.end)
                    } else {
                        // The end event starts at the closing bracket; its
                        // span runs on over a comment after it.
                        node.span.end.max(span.start + 1)
                    };
                    self.add(node)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether the next scalar is a table's key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some((
                Node {
                    value: Value::Table(_),
                    ..
                },
                None,
                _
            ))
        )
    }

    fn add(&mut self, node: Node) -> Result<(), YamlProblem> {
        let Some((parent, pending, names)) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut parent.value {
            Value::Array(items) => items.push(node),
            Value::Table(entries) => match pending.take() {
                None => match node.value {
                    Value::String(name) => {
                        *pending = Some(Key {
                            name,
                            span: node.span,
                        })
                    }
                    Value::Null => {
                        *pending = Some(Key {
                            name: String::new(),
                            span: node.span,
                        })
                    }
                    Value::Integer(i) => {
                        *pending = Some(Key {
                            name: i.to_string(),
                            span: node.span,
                        })
                    }
                    Value::Bool(b) => {
                        *pending = Some(Key {
                            name: b.to_string(),
                            span: node.span,
                        })
                    }
                    _ => return Err("a table key must be plain text".into()),
                },
                Some(key) => {
                    if !names.insert(key.name.clone()) {
                        // At the second key, as TOML's duplicate-key error is.
                        return Err(YamlProblem {
                            message: format!("key `{}` is given twice", key.name),
                            span: Some(key.span),
                            help: "give each key once; put all of a table's keys under it once",
                        });
                    }
                    entries.push((key, node));
                }
            },
            _ => {}
        }
        Ok(())
    }
}

fn yaml_scalar(text: &str, style: ScalarStyle, tagged: bool) -> Value {
    if style != ScalarStyle::Plain || tagged {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t => {
            // YAML 1.2's core schema also writes integers in hexadecimal
            // (`0x1F`) and octal (`0o17`).
            let radix = |prefix: &str, radix: u32| {
                t.strip_prefix(prefix)
                    .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(radix)))
                    .and_then(|d| i64::from_str_radix(d, radix).ok())
            };
            if let Some(i) = t
                .parse::<i64>()
                .ok()
                .or_else(|| radix("0x", 16))
                .or_else(|| radix("0o", 8))
            {
                Value::Integer(i)
            } else if t.parse::<f64>().is_ok() && t.chars().any(|c| c.is_ascii_digit()) {
                Value::Float(t.parse().unwrap_or(f64::NAN))
            } else {
                Value::String(t.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t.md", text)
    }

    #[test]
    fn yaml_integers_of_the_core_schema() {
        let plain = |t: &str| yaml_scalar(t, ScalarStyle::Plain, false);
        assert_eq!(plain("12"), Value::Integer(12));
        assert_eq!(plain("0x1F"), Value::Integer(31));
        assert_eq!(plain("0o17"), Value::Integer(15));
        // Not integers in YAML 1.2: text, reported as the wrong type.
        for text in ["0x", "0x-3", "0o8", "1_0", "0b11"] {
            assert_eq!(plain(text), Value::String(text.to_string()), "{text}");
        }
        let quoted = yaml_scalar("0x1F", ScalarStyle::DoubleQuoted, false);
        assert_eq!(quoted, Value::String("0x1F".to_string()));
    }

    #[test]
    fn splits_toml_front_matter() {
        let f = file("+++\ntitle = \"A\"\n+++\nBody\n");
        let s = split(&f).unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(&f.text[s.front_matter.clone()], "title = \"A\"\n");
        assert_eq!(&f.text[s.body.clone()], "Body\n");
    }

    #[test]
    fn splits_crlf_yaml() {
        let f = file("---\r\ntitle: A\r\n---\r\nBody\r\n");
        let s = split(&f).unwrap();
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(&f.text[s.body.clone()], "Body\r\n");
        let table = parse(&f, &s).unwrap();
        assert_eq!(table[0].0.name, "title");
        assert_eq!(table[0].1.value, Value::String("A".into()));
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let f = file("# Hello\n");
        let s = split(&f).unwrap();
        assert_eq!(s.format, None);
        assert_eq!(s.body, 0..8);
    }

    #[test]
    fn cr_only_line_ends_are_named() {
        let f = file("+++\rtitle = \"A\"\r+++\rBody\r");
        let e = split(&f).unwrap_err();
        assert!(e.message.contains("lone carriage return"), "{e}");
    }

    #[test]
    fn four_plus_signs_is_a_malformed_fence() {
        let err = split(&file("++++\ntitle = 1\n++++\n")).unwrap_err();
        assert!(err.message.contains("malformed front-matter fence `++++`"));
        assert_eq!(err.location.unwrap().line, 1);
    }

    #[test]
    fn malformed_closing_fence_points_at_it() {
        let err = split(&file("+++\ntitle = 1\n++++\n")).unwrap_err();
        assert_eq!(err.location.unwrap().line, 3);
    }

    #[test]
    fn blank_lines_before_the_fence_are_skipped() {
        let f = file("\n  \r\n\u{feff}+++\ntitle = \"A\"\n+++\nBody\n");
        let s = split(&f).unwrap();
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(&f.text[s.front_matter.clone()], "title = \"A\"\n");
        assert_eq!(&f.text[s.body.clone()], "Body\n");
        // Only an exact fence counts: other text after blank lines is body.
        let f = file("\n\n-----\nText\n");
        assert_eq!(split(&f).unwrap().format, None);
        let e = split(&file("\n---\ntitle: A\n")).unwrap_err();
        assert!(e.message.contains("never closed"));
        assert_eq!(e.location.map(|l| (l.line, l.column)), Some((2, 1)));
    }

    #[test]
    fn unclosed_fence_is_an_error() {
        let err = split(&file("+++\ntitle = 1\n")).unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn toml_errors_point_into_the_file() {
        let f = file("+++\ntitle = \n+++\n");
        let s = split(&f).unwrap();
        let errs = parse(&f, &s).unwrap_err();
        assert_eq!(errs[0].location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn toml_keys_keep_spans_and_order() {
        let f = file("+++\nb = 1\na = [\"x\"]\n+++\n");
        let s = split(&f).unwrap();
        let t = parse(&f, &s).unwrap();
        assert_eq!(t[0].0.name, "b");
        assert_eq!(&f.text[t[0].0.span.clone()], "b");
        assert_eq!(&f.text[t[1].1.span.clone()], "[\"x\"]");
    }

    #[test]
    fn yaml_values_have_types_and_spans() {
        let f = file("---\nreps: 3\nname: é x\nlist:\n  - a\n  - b\n---\n");
        let s = split(&f).unwrap();
        let t = parse(&f, &s).unwrap();
        assert_eq!(t[0].1.value, Value::Integer(3));
        assert_eq!(&f.text[t[1].1.span.clone()], "é x");
        assert!(matches!(&t[2].1.value, Value::Array(items) if items.len() == 2));
    }

    /// A list or table spans from its first character to its last: `]`, `}`,
    /// or the end of its last item, never into the next key or a comment.
    #[test]
    fn yaml_lists_and_tables_span_all_they_hold() {
        let f = file(
            "---\nflow: [a, \"b\" ]  # note\nblock:\n  - a\n  - b c\n# note\nmap: {k: v}\n\
             table:\n  k: v\n  l: [1, 2]\nlast: 1\n---\n",
        );
        let s = split(&f).unwrap();
        let t = parse(&f, &s).unwrap();
        let spans: Vec<&str> = t
            .iter()
            .map(|(_, node)| &f.text[node.span.clone()])
            .collect();
        assert_eq!(
            spans,
            [
                "[a, \"b\" ]",
                "- a\n  - b c",
                "{k: v}",
                "k: v\n  l: [1, 2]",
                "1"
            ]
        );
    }

    #[test]
    fn deeply_nested_yaml_is_an_error() {
        let mut text = String::from("---\nextra:\n");
        for depth in 1..=MAX_YAML_DEPTH + 1 {
            text.push_str(&" ".repeat(depth));
            text.push_str("k:\n");
        }
        text.push_str("---\n");
        let f = file(&text);
        let s = split(&f).unwrap();
        let errs = parse(&f, &s).unwrap_err();
        assert!(
            errs[0].message.contains("levels deep"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn yaml_takes_a_tab_after_a_key() {
        let f = file("---\ntitle:\tKnee hug\nreps:\t\t3\n---\n");
        let s = split(&f).unwrap();
        let t = parse(&f, &s).unwrap();
        assert_eq!(t[0].1.value, Value::String("Knee hug".into()));
        assert_eq!(&f.text[t[0].1.span.clone()], "Knee hug");
        assert_eq!(t[1].1.value, Value::Integer(3));
    }

    #[test]
    fn yaml_tab_indentation_is_reported_at_the_tab() {
        let f = file("---\ntitle: Knee hug\nposition: supine\n\thold: 20 s\n---\n");
        let s = split(&f).unwrap();
        let errs = parse(&f, &s).unwrap_err();
        let loc = errs[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (4, 1), "{}", errs[0]);
        assert!(errs[0].help.as_deref().unwrap().contains("spaces only"));
    }

    #[test]
    fn yaml_duplicate_key_is_an_error() {
        let f = file("---\na: 1\na: 2\n---\n");
        let s = split(&f).unwrap();
        let errs = parse(&f, &s).unwrap_err();
        assert!(errs[0].message.contains("twice"));
        // At the second key, also when its value is a table.
        let f = file("---\nextra:\n  b: 1\nextra:\n  c: 2\n---\n");
        let s = split(&f).unwrap();
        let errs = parse(&f, &s).unwrap_err();
        let loc = errs[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column, loc.width), (4, 1, 5));
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("give each key once")
        );
    }
}
