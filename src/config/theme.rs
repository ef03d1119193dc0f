//! A theme's `theme.toml` (SPEC §1): what the theme is, who made it, and the
//! oldest `gen` it works with. The file is optional; when there, it is read
//! like `gen.toml`, so a TOML error has its line and column and an unknown
//! key names the closest known one.

use std::path::Path;

use crate::content::fields::Fields;
use crate::content::front_matter::{self, Value};
use crate::content::load::read_source;
use crate::diagnostics::{Diagnostic, SourceFile};

/// The keys `theme.toml` takes (the README's theme section documents them).
pub const KEYS: &[&str] = &[
    "name",
    "description",
    "license",
    "homepage",
    "demo",
    "authors",
    "min_version",
    "extra",
];

/// What a theme says about itself in its `theme.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThemeInfo {
    /// The theme's name.
    pub name: Option<String>,
    /// One or two sentences about it.
    pub description: Option<String>,
    /// Its licence, as an SPDX expression (`MIT OR Apache-2.0`).
    pub license: Option<String>,
    /// Where it is published.
    pub homepage: Option<String>,
    /// A site that shows it.
    pub demo: Option<String>,
    /// Who made it.
    pub authors: Vec<String>,
    /// The oldest `gen` it works with (`0.1.0`).
    pub min_version: Option<String>,
    /// Free-form data; `gen` does not read it.
    pub extra: serde_json::Value,
}

impl ThemeInfo {
    /// Reads `theme.toml` in the theme folder `dir` of the site at `root`:
    /// `None` when the theme has none, and every problem found.
    pub fn load(root: &Path, dir: &Path) -> (Option<ThemeInfo>, Vec<Diagnostic>) {
        let path = dir.join("theme.toml");
        if !path.exists() && !path.is_symlink() {
            return (None, Vec::new());
        }
        if let Some(outside) = super::link_outside(root, &path) {
            return (None, vec![outside]);
        }
        match read_source(root, &path) {
            Ok(file) => {
                let (info, problems) = ThemeInfo::parse(file);
                (Some(info), problems)
            }
            Err(diagnostic) => (None, vec![diagnostic]),
        }
    }

    /// Parses the text of a `theme.toml`, as far as it is valid.
    pub fn parse(file: SourceFile) -> (ThemeInfo, Vec<Diagnostic>) {
        let text = file.text.clone();
        let node = match front_matter::parse_toml(&file, &text, 0) {
            Ok(node) => node,
            Err(errors) => return (ThemeInfo::default(), errors),
        };
        let Value::Table(entries) = node.value else {
            return (ThemeInfo::default(), Vec::new());
        };
        let end = text.len();
        let mut fields = Fields::new(&file, entries, end..end, "theme.toml");
        let mut text_of = |key: &str| fields.string(key, 0).map(|s| s.value);
        let mut info = ThemeInfo {
            name: text_of("name"),
            description: text_of("description"),
            license: text_of("license"),
            ..ThemeInfo::default()
        };
        for key in ["homepage", "demo"] {
            let Some(url) = fields.string(key, 0) else {
                continue;
            };
            let address = url.value.trim();
            if address.starts_with("https://") || address.starts_with("http://") {
                let value = Some(address.to_string());
                match key {
                    "homepage" => info.homepage = value,
                    _ => info.demo = value,
                }
            } else {
                fields.error_at(
                    url.span,
                    format!("`{key}` \"{}\" is not a web address", url.value),
                    "write the full address, e.g. `https://example.org/my-theme/`",
                );
            }
        }
        if let Some(authors) = fields.string_list("authors", 0..=100, 0, None) {
            info.authors = authors.value.into_iter().map(|a| a.value).collect();
        }
        if let Some(version) = fields.string("min_version", 0) {
            match check_min_version(&version.value, env!("CARGO_PKG_VERSION")) {
                Ok(()) => info.min_version = Some(version.value),
                Err((message, help)) => fields.error_at(version.span, message, help),
            }
        }
        info.extra = fields.extra("extra");
        (info, fields.finish(KEYS))
    }
}

/// A version `MAJOR[.MINOR[.PATCH]]`, missing parts 0.
fn version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.trim().split('.');
    let mut next = |required: bool| match parts.next() {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
        None if !required => Some(0),
        _ => None,
    };
    let version = (next(true)?, next(false)?, next(false)?);
    parts.next().is_none().then_some(version)
}

/// Checks `min_version` against the running `gen`'s version `current`: a
/// message and a help when it is not a version or is newer.
fn check_min_version(min: &str, current: &str) -> Result<(), (String, String)> {
    let Some(wanted) = version(min) else {
        return Err((
            format!("`min_version` \"{min}\" is not a version"),
            format!(
                "write the oldest gen version the theme works with, such as \"{current}\" (`gen --version` prints this one's)"
            ),
        ));
    };
    match version(current) {
        Some(running) if running < wanted => Err((
            format!(
                "the theme needs gen {} or later; this gen is {current}",
                min.trim()
            ),
            "install a newer gen, or choose another theme with `theme` in gen.toml".to_string(),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (ThemeInfo, Vec<String>) {
        let (info, problems) = ThemeInfo::parse(SourceFile::new("themes/x/theme.toml", text));
        (info, problems.iter().map(|p| p.render(false)).collect())
    }

    #[test]
    fn the_built_in_themes_file_is_valid() {
        let bytes = crate::embedded::theme_file("theme.toml").unwrap_or_default();
        let (info, problems) = parse(&String::from_utf8_lossy(bytes));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(info.name.as_deref(), Some("default"));
        assert!(info.license.is_some());
    }

    #[test]
    fn every_key_is_read() {
        let (info, problems) = parse(
            "name = \"calm\"\ndescription = \"Calm.\"\nlicense = \"MIT\"\nhomepage = \"https://example.org/calm/\"\ndemo = \"https://calm.example.org/\"\nauthors = [\"A. Writer\"]\nmin_version = \"0.1\"\n[extra]\ncolour = \"blue\"\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(info.authors, ["A. Writer"]);
        assert_eq!(info.min_version.as_deref(), Some("0.1"));
        assert_eq!(info.extra["colour"], "blue");
    }

    #[test]
    fn problems_have_places_and_say_what_to_do() {
        let (_, problems) = parse("name = \n");
        assert!(
            problems[0].contains("invalid TOML") && problems[0].contains("theme.toml:1:"),
            "{problems:?}"
        );
        let (_, problems) = parse("name = \"x\"\nauthor = [\"A\"]\nhomepage = \"example.org\"\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("unknown key `author` in theme.toml")
                && problems[0].contains("did you mean `authors`?")
                && problems[0].contains("theme.toml:2:1"),
            "{problems:?}"
        );
        assert!(problems[1].contains("`homepage` \"example.org\" is not a web address"));
    }

    #[test]
    fn min_version_is_a_version_no_newer_than_gen() {
        assert_eq!(version("1"), Some((1, 0, 0)));
        assert_eq!(version(" 0.12.3 "), Some((0, 12, 3)));
        for bad in ["", "1.", "v1", "1.2.3.4", "1.x", "1.2-beta"] {
            assert_eq!(version(bad), None, "{bad}");
        }
        assert!(check_min_version("0.1.0", "0.1.0").is_ok());
        assert!(check_min_version("0.0.9", "0.1.0").is_ok());
        let (message, _) = check_min_version("0.2", "0.1.0").unwrap_err();
        assert_eq!(
            message,
            "the theme needs gen 0.2 or later; this gen is 0.1.0"
        );
        let (message, _) = check_min_version("soon", "0.1.0").unwrap_err();
        assert_eq!(message, "`min_version` \"soon\" is not a version");
    }
}
