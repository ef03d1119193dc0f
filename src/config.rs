//! Configuration: `gen.toml` into [`Config`]. Every key is optional. A
//! theme's `theme.toml` is read the same way ([`theme`]).

pub mod theme;

use std::path::Path;

use crate::content::fields::Fields;
use crate::content::front_matter::{self, Value};
use crate::content::load::read_source;
use crate::diagnostics::{Diagnostic, SourceFile};

/// Paper size of `--pdf` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 8.5 × 11 in.
    Letter,
}

/// The site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Public address, always ending in `/`, or `None`.
    pub base_url: Option<String>,
    /// Language code for `<html lang>`.
    pub language: String,
    /// Theme name (folder under `themes/`, or the built-in `default`).
    pub theme: String,
    /// Where `theme` is written in `gen.toml`, for errors about it.
    pub theme_span: Option<SourceSpan>,
    /// Items per list or term page.
    pub paginate_by: usize,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
    /// Paper of `--pdf` output.
    pub paper: Paper,
    /// Slug of the main routine.
    pub main_routine: Option<(String, Option<SourceSpan>)>,
    /// Syntax-highlight theme (light).
    pub highlight_theme: String,
    /// Syntax-highlight theme under `prefers-color-scheme: dark`.
    pub highlight_theme_dark: String,
    /// Whether raw HTML in Markdown is kept.
    pub raw_html: bool,
    /// `gen.toml`, when there is one (for locating later errors).
    pub file: Option<SourceFile>,
}

/// A span in `gen.toml`.
pub type SourceSpan = std::ops::Range<usize>;

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "Bedside".to_string(),
            description: String::new(),
            base_url: None,
            language: "en".to_string(),
            theme: "default".to_string(),
            theme_span: None,
            paginate_by: 50,
            extra: serde_json::Value::Object(Default::default()),
            paper: Paper::A4,
            main_routine: None,
            highlight_theme: crate::markdown::highlight::DEFAULT_THEME.to_string(),
            highlight_theme_dark: crate::markdown::highlight::DEFAULT_THEME_DARK.to_string(),
            raw_html: false,
            file: None,
        }
    }
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "paginate_by",
    "extra",
    "handout",
    "markdown",
];

impl Config {
    /// Reads `root/gen.toml`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let (config, errors) = Self::load_partial(root);
        if errors.iter().any(Diagnostic::is_error) {
            Err(errors)
        } else {
            Ok(config)
        }
    }

    /// Reads `root/gen.toml` as far as it is valid: the keys that are, with
    /// defaults for the others, and every problem. A build goes on checking
    /// the site with it, so that one run reports every problem (SPEC §7).
    pub fn load_partial(root: &Path) -> (Config, Vec<Diagnostic>) {
        let path = root.join("gen.toml");
        if !path.exists() {
            return (Config::default(), Vec::new());
        }
        if let Some(outside) = link_outside(root, &path) {
            return (Config::default(), vec![outside]);
        }
        match read_source(root, &path) {
            Ok(file) => Self::parse_partial(file),
            Err(diagnostic) => (Config::default(), vec![diagnostic]),
        }
    }

    /// Parses the text of a `gen.toml`.
    pub fn parse(file: SourceFile) -> Result<Config, Vec<Diagnostic>> {
        let (config, errors) = Self::parse_partial(file);
        if errors.iter().any(Diagnostic::is_error) {
            Err(errors)
        } else {
            Ok(config)
        }
    }

    /// Parses the text of a `gen.toml` as far as it is valid (see
    /// [`Config::load_partial`]).
    pub fn parse_partial(file: SourceFile) -> (Config, Vec<Diagnostic>) {
        let text = file.text.clone();
        let node = match front_matter::parse_toml(&file, &text, 0) {
            Ok(node) => node,
            Err(errors) => return (Config::default(), errors),
        };
        let Value::Table(entries) = node.value else {
            return (Config::default(), Vec::new());
        };
        let end = text.len();
        let mut fields = Fields::new(&file, entries, end..end, "gen.toml");
        let mut config = Config::default();
        let mut errors = Vec::new();
        if let Some(title) = fields.string("title", 0) {
            if title.value.trim().is_empty() {
                fields.error_at(
                    title.span,
                    "`title` is empty",
                    "give the site's name, e.g. `title = \"Morning stretches\"`: it heads every page and the handout's footer",
                );
            } else {
                config.title = title.value;
            }
        }
        if let Some(d) = fields.optional_text("description", 0) {
            config.description = d;
        }
        if let Some(url) = fields.string("base_url", 0) {
            match normalize_base_url(&url.value) {
                Ok(url) => config.base_url = url,
                Err(help) => fields.error_at(
                    url.span,
                    format!("`base_url` \"{}\" is not a web address", url.value),
                    help,
                ),
            }
        }
        if let Some(language) = fields.string("language", 0) {
            if is_language_tag(&language.value) {
                config.language = language.value;
            } else {
                let mut help = String::from(
                    "give a BCP 47 tag, as HTML's `lang` takes: e.g. \"en\", \"en-GB\", \"de\", \"pt-BR\"",
                );
                // `en_US`, as locales are written on Unix, is `en-US` in HTML.
                let dashed = language.value.trim().replace('_', "-");
                if language.value.trim() != language.value && is_language_tag(language.value.trim())
                {
                    help = format!(
                        "did you mean \"{}\"? Write the tag without spaces around it",
                        language.value.trim()
                    );
                } else if dashed != language.value && is_language_tag(&dashed) {
                    help = format!(
                        "did you mean \"{dashed}\"? A language tag joins its parts with `-`, not `_`"
                    );
                } else if language.value.len() > 3
                    && language.value.bytes().all(|b| b.is_ascii_alphabetic())
                {
                    // `english`, `Deutsch`: a language's name.
                    help = String::from(
                        "a language is named by its code of two or three letters, not its name: e.g. \"en\" for English, \"de\" for German, \"fr\" for French",
                    );
                }
                fields.error_at(
                    language.span,
                    format!("`language` \"{}\" is not a language tag", language.value),
                    help,
                );
            }
        }
        if let Some(theme) = fields.string("theme", 0) {
            if theme.value.trim().is_empty() {
                // `themes/` joined with "" is `themes/` itself, not a theme.
                fields.error_at(
                    theme.span,
                    "`theme` is empty",
                    "leave `theme` out or set `theme = \"default\"` for the built-in theme, or give the name of a folder under themes/",
                );
            } else {
                config.theme = theme.value;
                config.theme_span = Some(theme.span);
            }
        }
        if let Some(n) = fields.integer("paginate_by", 1..=100_000) {
            config.paginate_by = n.value as usize;
        }
        config.extra = fields.extra("extra");
        if let Some(mut handout) = fields.table("handout", "[handout] of gen.toml") {
            if let Some(paper) = handout.choice("paper", &["a4", "letter"]) {
                config.paper = if paper.value == "a4" {
                    Paper::A4
                } else {
                    Paper::Letter
                };
            }
            if let Some(routine) = handout.string("routine", 0) {
                config.main_routine = Some((routine.value, Some(routine.span)));
            }
            errors.extend(handout.finish_placed(HANDOUT_KEYS, &|key| placed(key, "handout")));
        }
        if let Some(mut markdown) = fields.table("markdown", "[markdown] of gen.toml") {
            for key in ["highlight_theme", "highlight_theme_dark"] {
                let Some(theme) = markdown.string(key, 0) else {
                    continue;
                };
                if !crate::markdown::highlight::is_theme(&theme.value) {
                    let names = crate::markdown::highlight::theme_names().join(", ");
                    markdown.error_at(
                        theme.span,
                        format!("highlight theme `{}` is not known", theme.value),
                        format!("`{key}` takes one of: {names}"),
                    );
                } else if key == "highlight_theme" {
                    config.highlight_theme = theme.value;
                } else {
                    config.highlight_theme_dark = theme.value;
                }
            }
            if let Some(raw) = markdown.bool("raw_html") {
                config.raw_html = raw;
            }
            errors.extend(markdown.finish_placed(MARKDOWN_KEYS, &|key| placed(key, "markdown")));
        }
        errors.extend(fields.finish_placed(KEYS, &|key| placed(key, "")));
        // In the order of the file, tables included (a stable sort keeps
        // the problems without a place, and those of one place, in turn).
        errors.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        config.file = Some(file);
        (config, errors)
    }

    /// The path part of `base_url` (`/back/`), or `/`: where `404.html` roots its links.
    pub fn base_path(&self) -> String {
        match &self.base_url {
            Some(url) => {
                let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                match after_scheme.find('/') {
                    Some(i) => after_scheme[i..].to_string(),
                    None => "/".to_string(),
                }
            }
            None => "/".to_string(),
        }
    }

    /// The absolute URL of a site path (`routines/morning/`), when `base_url` is set.
    pub fn absolute_url(&self, path: &str) -> Option<String> {
        self.base_url
            .as_ref()
            .map(|base| format!("{base}{}", path.trim_start_matches('/')))
    }
}

/// The error for a file of the site at `path` that is a symbolic link to
/// outside the site: nothing is read from there (SPEC §7).
fn link_outside(root: &Path, path: &Path) -> Option<Diagnostic> {
    if !path.is_symlink() {
        return None;
    }
    let (Ok(target), Ok(site)) = (path.canonicalize(), root.canonicalize()) else {
        return None;
    };
    if target.starts_with(&site) {
        return None;
    }
    let shown = crate::content::load::display(root, path);
    Some(
        Diagnostic::error(format!(
            "symbolic link {} points outside the site, to {}",
            shown.display(),
            target.display()
        ))
        .in_file(shown)
        .help("copy the file into the site instead of linking to it"),
    )
}

/// The keys of gen.toml's `[handout]` table.
const HANDOUT_KEYS: &[&str] = &["paper", "routine"];

/// The keys of gen.toml's `[markdown]` table.
const MARKDOWN_KEYS: &[&str] = &["highlight_theme", "highlight_theme_dark", "raw_html"];

/// Where a key of gen.toml belongs when it is written in `table` (`""`: the
/// top level) but is a key of another: the help for its "unknown key".
fn placed(key: &str, table: &str) -> Option<String> {
    let home = if KEYS.contains(&key) {
        ""
    } else if HANDOUT_KEYS.contains(&key) {
        "handout"
    } else if MARKDOWN_KEYS.contains(&key) {
        "markdown"
    } else {
        return None;
    };
    if home == table {
        return None;
    }
    Some(if home.is_empty() {
        format!(
            "`{key}` is a top-level key, but every key after the `[{table}]` heading belongs to [{table}]: move `{key}` above the first `[table]` heading"
        )
    } else {
        format!("`{key}` belongs in [{home}]: write it under a `[{home}]` heading")
    })
}

/// Checks the host part of a base URL (`example.org`, `example.org:8080`,
/// `192.0.2.1`, `[2001:db8::1]:8080`): a name of letters, digits, `-` and `_`
/// in dot-separated labels (an IPv4 address when the last is a number), or
/// an IPv6 address in brackets, then an optional port from 1 to 65535. It
/// is printed on every page and in the QR code. Returns it as a browser
/// writes it: in lower case, an IPv6 address in its short form (`[::1]`),
/// the port without leading zeros, and no port at all when it is the
/// scheme's own (`https://example.org:443/` is `https://example.org/`).
fn checked_host(scheme: &str, host: &str) -> Result<String, String> {
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => {
            let Some((address, after)) = v6.split_once(']') else {
                return Err(format!(
                    "`{host}` has no closing `]`: write an IPv6 address in brackets, e.g. `https://[2001:db8::1]/back/`"
                ));
            };
            let Ok(address) = address.parse::<std::net::Ipv6Addr>() else {
                return Err(format!(
                    "`[{address}]` is not an IPv6 address, e.g. `https://[2001:db8::1]/back/`"
                ));
            };
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => Some("?"),
                },
            };
            (Some(format!("[{address}]")), port)
        }
        None => {
            let (name, port) = match host.split_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (host, None),
            };
            let labels = name.strip_suffix('.').unwrap_or(name);
            let valid = labels.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
            // A host whose last part is a number is an IPv4 address to a
            // browser (the URL standard), and must be one.
            let numeric = labels
                .rsplit('.')
                .next()
                .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()));
            if valid && numeric && labels.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(format!(
                    "`{name}` is not an IPv4 address: four numbers from 0 to 255 joined by dots, e.g. `http://192.0.2.1/back/`"
                ));
            }
            (valid.then(|| name.to_ascii_lowercase()), port)
        }
    };
    let Some(name) = name else {
        return Err(format!(
            "`{host}` is not a host name: write letters, digits and `-` in parts separated by dots, e.g. `https://example.org/back/`"
        ));
    };
    let Some(port) = port else {
        return Ok(name);
    };
    let number = if port.chars().all(|c| c.is_ascii_digit()) && port.len() <= 5 {
        port.parse::<u32>().ok()
    } else {
        None
    };
    match number {
        Some(n) if (1..=65_535).contains(&n) => {
            let default = if scheme == "https" { 443 } else { 80 };
            Ok(if n == default {
                name
            } else {
                format!("{name}:{n}")
            })
        }
        _ => Err(format!(
            "the port in `{host}` must be a number from 1 to 65535, e.g. `https://example.org:8080/back/`"
        )),
    }
}

/// Checks a base URL and makes it end in exactly one `/`.
pub fn normalize_base_url(url: &str) -> Result<Option<String>, String> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("write the full address, e.g. `https://example.org/back/`".into());
    };
    let scheme = scheme.to_ascii_lowercase();
    let host = rest.split('/').next().unwrap_or_default();
    if !matches!(scheme.as_str(), "http" | "https")
        || host.is_empty()
        || host.contains(char::is_whitespace)
    {
        return Err("write the full address, e.g. `https://example.org/back/`".into());
    }
    if host.contains('@') {
        // It is printed on every page, in the sitemap and in the QR code.
        return Err("write the address without a user name or password (`user:pw@`): it is published on every page".into());
    }
    if url.contains(['?', '#']) {
        // Page paths are joined after it: a query or fragment would swallow them.
        return Err(
            "write the address without `?` or `#`, e.g. `https://example.org/back/`".into(),
        );
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !host.is_ascii() {
        return Err(
            "write the host name in its ASCII form (punycode, `xn--…`), e.g. `https://xn--bcher-kva.example/`"
                .into(),
        );
    }
    // Host names are case-insensitive: one spelling, as a browser shows it.
    let host = checked_host(&scheme, host)?;
    // The path goes into sitemap.xml, canonical links and the QR code as it
    // is: letters beyond ASCII, and the few ASCII characters a URL may not
    // hold, are percent-encoded (what is already encoded is kept).
    let mut encoded = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii()
            && !matches!(
                c,
                ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
            && !c.is_ascii_control()
        {
            encoded.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    // Empty segments and dot segments go, as a browser resolves them: the
    // path is joined to page paths with one slash, and `404.html` roots its
    // links at it, where a leading `//` would name another host.
    let mut segments: Vec<&str> = Vec::new();
    for segment in encoded.split('/') {
        match segment.to_ascii_lowercase().as_str() {
            "" | "." | "%2e" => {}
            ".." | ".%2e" | "%2e." | "%2e%2e" => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    // The address of the site's folder, not of a page in it: page paths
    // would follow the page's name (`…/index.html/stretches/`).
    if let Some(page) = segments.last().filter(|last| {
        let last = last.to_ascii_lowercase();
        last.ends_with(".html") || last.ends_with(".htm")
    }) && !path.ends_with('/')
    {
        let folder = segments[..segments.len() - 1]
            .iter()
            .map(|s| format!("{s}/"))
            .collect::<String>();
        return Err(format!(
            "write the address of the site's folder, not of a page (`{page}`), e.g. `{scheme}://{host}/{folder}`"
        ));
    }
    let path = segments.iter().map(|s| format!("{s}/")).collect::<String>();
    Ok(Some(format!("{scheme}://{host}/{path}")))
}

/// A BCP 47 language tag by its shape: a primary language of 2–3 letters
/// (an ISO 639 code; BCP 47 reserves 4 letters, and no language of 5–8 is
/// registered, so `english` is a name, not a tag) or `x`/`i`, then subtags
/// of 1–8 letters and digits, joined by `-`.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    // RFC 5646's `langtag`, its language a code of two or three letters:
    // language, extlang*, script?, region?, variant*, extension*,
    // privateuse?, in that order, each once where it may be once.
    // The tags RFC 5646 keeps from before its syntax ("grandfathered",
    // irregular), those of a language of two or three letters.
    const IRREGULAR: [&str; 4] = ["en-GB-oed", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE"];
    if IRREGULAR.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
        return true;
    }
    let parts: Vec<&str> = tag.split('-').collect();
    let alpha = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let alnum = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let at = |i: usize| parts.get(i).copied().unwrap_or("");
    if !alpha(at(0), 2..=3) {
        return false;
    }
    let mut i = 1;
    for _ in 0..3 {
        if i < parts.len() && alpha(at(i), 3..=3) {
            i += 1;
        }
    }
    if i < parts.len() && alpha(at(i), 4..=4) {
        i += 1;
    }
    if i < parts.len()
        && (alpha(at(i), 2..=2) || (at(i).len() == 3 && at(i).bytes().all(|b| b.is_ascii_digit())))
    {
        i += 1;
    }
    let mut variants: Vec<String> = Vec::new();
    while i < parts.len()
        && (alnum(at(i), 5..=8)
            || (alnum(at(i), 4..=4) && at(i).starts_with(|c: char| c.is_ascii_digit())))
    {
        let variant = at(i).to_ascii_lowercase();
        if variants.contains(&variant) {
            return false;
        }
        variants.push(variant);
        i += 1;
    }
    let mut singletons: Vec<String> = Vec::new();
    while i < parts.len() && alnum(at(i), 1..=1) && !at(i).eq_ignore_ascii_case("x") {
        let singleton = at(i).to_ascii_lowercase();
        if singletons.contains(&singleton) {
            return false;
        }
        singletons.push(singleton);
        i += 1;
        let first = i;
        while i < parts.len() && alnum(at(i), 2..=8) {
            i += 1;
        }
        if i == first {
            return false;
        }
    }
    if i < parts.len() && at(i).eq_ignore_ascii_case("x") {
        i += 1;
        let first = i;
        while i < parts.len() && alnum(at(i), 1..=8) {
            i += 1;
        }
        if i == first {
            return false;
        }
    }
    i == parts.len()
}

#[cfg(test)]
mod tests {
    use super::{is_language_tag, normalize_base_url};

    #[test]
    fn base_url_paths_are_percent_encoded_and_hosts_ascii() {
        let url = |u: &str| normalize_base_url(u).ok().flatten();
        assert_eq!(
            url("https://example.org/rücken/{a}").as_deref(),
            Some("https://example.org/r%C3%BCcken/%7Ba%7D/")
        );
        assert_eq!(
            url("https://example.org/r%C3%BCcken").as_deref(),
            Some("https://example.org/r%C3%BCcken/")
        );
        assert_eq!(
            url("https://example.org").as_deref(),
            Some("https://example.org/")
        );
        assert!(normalize_base_url("https://bücher.example/").is_err());
        assert_eq!(
            url("HTTPS://example.org/my back/").as_deref(),
            Some("https://example.org/my%20back/")
        );
        assert!(normalize_base_url("https://exa mple.org/").is_err());
        // Hosts and ports a browser would not open, or would read otherwise.
        for bad in [
            "https://example.org:99999/",
            "https://example.org:abc/",
            "https://example.org:/",
            "https://example.org:0/",
            "https://.../",
            "https://example..org/",
            "https://example.org\\back",
            "https://[::1/",
            "https://[::1]x/",
            "https://[example]/",
            "https://[1::2::3]/back/",
            "https://[1:2:3:4:5:6:7:8:9]/",
            "https://[12345::]/",
            "https://[:::]/",
            "https://[1:2:3:4:5:6:7]/",
            "https://[::1.2.3.999]/",
            "https://256.256.256.256/",
            "https://1.2.3.4.5/",
            "https://1.2.3/",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
        for (good, normal) in [
            ("https://Example.ORG:8080", "https://example.org:8080/"),
            ("https://example.org:443/back", "https://example.org/back/"),
            ("http://example.org:80/", "http://example.org/"),
            ("http://example.org:443/", "http://example.org:443/"),
            ("https://example.org:08080/", "https://example.org:8080/"),
            ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
            ("http://[::1]:80/", "http://[::1]/"),
            ("http://192.0.2.1/x", "http://192.0.2.1/x/"),
            ("https://[2001:DB8::1]:8443/", "https://[2001:db8::1]:8443/"),
            ("https://localhost./", "https://localhost./"),
            ("https://my_host.example/", "https://my_host.example/"),
        ] {
            assert_eq!(normalize_base_url(good), Ok(Some(normal.into())), "{good}");
        }
        assert!(normalize_base_url("ftp://example.org/").is_err());
        let message = normalize_base_url("https://[::1/").unwrap_err();
        assert!(
            message.starts_with("`[::1` has no closing `]`"),
            "{message}"
        );
        let message = normalize_base_url("https://[1::2::3]/").unwrap_err();
        assert!(
            message.starts_with("`[1::2::3]` is not an IPv6 address"),
            "{message}"
        );
        assert!(normalize_base_url("https://user:pw@example.org/").is_err());
    }

    #[test]
    fn base_url_paths_lose_empty_and_dot_segments() {
        let url = |u: &str| normalize_base_url(u).ok().flatten();
        assert_eq!(
            url("https://example.org//back//").as_deref(),
            Some("https://example.org/back/")
        );
        assert_eq!(
            url("https://example.org/a//b/./c/../d").as_deref(),
            Some("https://example.org/a/b/d/")
        );
        assert_eq!(
            url("https://example.org/%2E%2e/../x/").as_deref(),
            Some("https://example.org/x/")
        );
        assert_eq!(
            url("https://example.org//").as_deref(),
            Some("https://example.org/")
        );
    }

    #[test]
    fn language_tags_by_their_shape() {
        for good in [
            "en",
            "en-GB",
            "pt-BR",
            "zh-Hant-TW",
            "de-CH-1996",
            "zh-yue-HK",
            "es-419",
            "en-US-u-ca-gregory",
            "en-GB-x-private",
            "sl-rozaj-biske",
            "sgn-BE-FR",
            "zh-min-nan",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "x y<",
            "en_GB",
            "en-",
            "-en",
            "en-toolongsubtag",
            "fr-ça",
            "english",
            "Deutsch",
            "engl-GB",
            // Not well-formed BCP 47 (RFC 5646).
            "en-a",
            "en-GB-a-x",
            "en-1",
            "en-12",
            "en-GB-GB",
            "en-Latn-Latn",
            "x-klingon",
            "i-klingon",
            "de-1996-1996",
            "en-u-ca-u-nu",
            "en-x",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(SourceFile::new("gen.toml", text))
    }

    #[test]
    fn every_key_has_a_default() {
        let config = parse("").unwrap();
        assert_eq!(config.theme, "default");
        assert_eq!(config.paginate_by, 50);
        assert_eq!(config.language, "en");
        assert_eq!(config.paper, Paper::A4);
        assert!(!config.raw_html);
        assert_eq!(config.base_url, None);
        assert_eq!(config.base_path(), "/");
    }

    #[test]
    fn base_url_keeps_its_sub_path() {
        let config = parse("base_url = \"https://example.org/back\"").unwrap();
        assert_eq!(
            config.base_url.as_deref(),
            Some("https://example.org/back/")
        );
        assert_eq!(config.base_path(), "/back/");
        assert_eq!(
            config.absolute_url("/routines/morning/").as_deref(),
            Some("https://example.org/back/routines/morning/")
        );
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let errors = parse("titel = \"x\"\n[handout]\npaper = \"a5\"\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.render(false)).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("unknown key `titel`") && t.contains("did you mean `title`")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("`paper` is `a5`")),
            "{text:?}"
        );
    }
}
