//! `gen new`: a new stretch, routine or page from the theme's archetype
//! (`themes/<theme>/archetypes/<kind>.md`, else the built-in theme's), in the
//! right folder, with the next `NN-` prefix. The archetype holds valid
//! placeholders for the required keys and `draft = true`, so the site still
//! builds; placeholders `{{title}}`, `{{slug}}`, `{{date}}` and (for a
//! routine) `{{stretch}}` are filled in.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::config::Config;
use crate::content::load::{RESERVED, STRETCH_RESERVED, is_ignored};
use crate::content::{self, slug};
use crate::diagnostics::Diagnostic;
use crate::embedded;

/// What `gen new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `content/stretches/NN-slug.md`
    Stretch,
    /// `content/routines/NN-slug.md`
    Routine,
    /// `content/NN-slug.md`
    Page,
}

impl Kind {
    /// The archetype's name and the word for users.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Stretch => "stretch",
            Kind::Routine => "routine",
            Kind::Page => "page",
        }
    }

    fn folder(self) -> &'static str {
        match self {
            Kind::Stretch => "content/stretches",
            Kind::Routine => "content/routines",
            Kind::Page => "content",
        }
    }

    /// A title to show in a help.
    fn example(self) -> &'static str {
        match self {
            Kind::Stretch => "Cat Cow",
            Kind::Routine => "Evening",
            Kind::Page => "About",
        }
    }

    fn max_title(self) -> Option<usize> {
        match self {
            Kind::Stretch => Some(48),
            Kind::Routine => Some(60),
            Kind::Page => None,
        }
    }
}

/// A file `gen new` wrote.
#[derive(Debug)]
pub struct Created {
    /// Its path, relative to the site root (`content/stretches/07-cat-cow.md`).
    pub path: PathBuf,
    /// For a routine: the stretch filled in to start with.
    pub stretch: Option<String>,
    /// Problems the new file has (none with the built-in archetypes).
    pub problems: Vec<Diagnostic>,
}

/// Writes a new `kind` titled `title` into the site at `root`.
pub fn create(root: &Path, kind: Kind, title: &str) -> Result<Created, Error> {
    let title = title.trim();
    check_title(kind, title)?;
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(format!(
            "the title \"{title}\" has no letters or digits of a–z and 0–9 to make a file name from"
        ))
        .help(format!("file names and web addresses keep the letters a–z and the digits 0–9 of the title: give a title with some, e.g. `gen new {} \"{}\"`", kind.name(), kind.example()))
        .into());
    }
    // `NN-<slug>.md` must fit the 255 bytes a file name may take.
    const MOST_SLUG: usize = 240;
    if slug.len() > MOST_SLUG {
        return Err(Diagnostic::error(format!(
            "the title makes a file name of {} characters; file systems take at most 255",
            slug.len() + 6
        ))
        .help("give a shorter title here, then write the full one in the new file's `title`")
        .into());
    }
    crate::site::require_root(root)?;
    if !root.join("content").is_dir() && !root.join("gen.toml").is_file() {
        return Err(Diagnostic::error(format!(
            "{} is not a Bedside site: it has no content/ folder and no gen.toml",
            root.display()
        ))
        .help(
            "run `gen new` in a site folder or pass `--root DIR`; `gen init DIR` makes a new site",
        )
        .into());
    }
    let config = Config::load(root).map_err(Error::Site)?;
    let (archetype, source) = archetype(root, &config.theme, kind)?;
    let folder = root.join(kind.folder());
    // The folder is made first, so that the site is checked before and
    // after the new file with the same folders: a site of only `gen.toml`
    // has no `content/` to report once the file is written, which is not
    // the new file's doing. Folders made here go again when it is not kept.
    let made = make_folders(root, &folder)?;
    let mut created = create_in(root, kind, title, &slug, &config, &archetype, &folder);
    if let Ok(created) = &mut created {
        created
            .problems
            .splice(0..0, unknown_placeholders(&archetype, &source));
    }
    let kept = created
        .as_ref()
        .is_ok_and(|c| !c.problems.iter().any(Diagnostic::is_error));
    if !kept {
        for dir in made.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
    created
}

/// Makes `folder` (below `root`) and the folders above it that are
/// missing; returns those it made, the outermost first.
fn make_folders(root: &Path, folder: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut missing: Vec<PathBuf> = folder
        .ancestors()
        .take_while(|dir| *dir != root && !dir.exists())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    for dir in &missing {
        fs::create_dir(dir).map_err(|e| {
            let shown = dir.strip_prefix(root).unwrap_or(dir);
            Diagnostic::error(format!("cannot make the folder {}: {e}", shown.display()))
                .help("check that the site's folders are folders, and their permissions")
        })?;
    }
    Ok(missing)
}

/// [`create`] once the kind's folder exists.
fn create_in(
    root: &Path,
    kind: Kind,
    title: &str,
    slug: &str,
    config: &Config,
    archetype: &str,
    folder: &Path,
) -> Result<Created, Error> {
    let names = markdown_files(root, folder)?;
    let (content, _) = content::load(root, true);
    // What is wrong with the site already, so that only what the new file
    // brings is laid at its door.
    let before = site_errors(root);
    check_slug_is_free(kind, slug, &names, &content)?;
    let stretch = match kind {
        Kind::Routine if placeholders(archetype).any(|(_, name)| name == "stretch") => {
            Some(first_stretch(&content)?)
        }
        _ => None,
    };
    let text = fill(
        archetype,
        &[
            ("title", &quote(title)),
            ("slug", slug),
            ("date", &today()),
            ("stretch", stretch.as_deref().unwrap_or("")),
        ],
    );
    let stem = format!("{}-{slug}", next_prefix(&names));
    // A title that starts with digits ("90-90 hip stretch", "404") makes a
    // file name whose number prefix swallows them: the file says its slug.
    let text = if slug::from_stem(&stem) == slug {
        text
    } else {
        with_slug(&text, slug)
    };
    let name = format!("{stem}.md");
    let relative = Path::new(kind.folder()).join(&name);
    let path = folder.join(&name);
    crate::files::write_new(&path, text.as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::error(format!(
                "refusing to overwrite {}: the file exists",
                relative.display()
            ))
            .help("choose another title, or edit the existing file")
        } else {
            Diagnostic::error(format!("cannot write {}: {e}", relative.display()))
                .help(crate::files::help_for(&e, "check the folder's permissions"))
        }
    })?;
    // The new file must pass the checks; a theme's own archetype might not.
    // Its own problems (warnings too), and any error it brings to the rest
    // of the site (a slug or path that collides, a link to nothing).
    let mut problems: Vec<Diagnostic> = site_problems(root)
        .into_iter()
        .filter(|d| {
            d.path.as_deref() == Some(relative.as_path())
                || (d.is_error() && !before.contains(&identity(d)))
        })
        .collect();
    if problems.iter().any(Diagnostic::is_error) {
        // SPEC §6: the site still builds. A file that would break it is not
        // kept; the errors above show its lines as they were made.
        let _ = fs::remove_file(&path);
        let own_errors = problems
            .iter()
            .any(|d| d.is_error() && d.path.as_deref() == Some(relative.as_path()));
        let last = if own_errors {
            let source = Path::new("themes")
                .join(&config.theme)
                .join(format!("archetypes/{}.md", kind.name()));
            Diagnostic::error(format!(
                "the archetype for a new {} makes a file with errors, so {} was not kept",
                kind.name(),
                relative.display()
            ))
            .help(format!("fix the archetype, {}", source.display()))
        } else {
            Diagnostic::error(format!(
                "the new {} would break the build (above), so {} was not kept",
                kind.name(),
                relative.display()
            ))
            .help("give it another title, so that it takes another path")
        };
        problems.push(last);
    }
    Ok(Created {
        path: relative,
        stretch,
        problems,
    })
}

fn check_title(kind: Kind, title: &str) -> Result<(), Diagnostic> {
    if title.is_empty() {
        return Err(
            Diagnostic::error(format!("the new {} needs a title", kind.name())).help(format!(
                "e.g. `gen new {} \"{}\"`",
                kind.name(),
                kind.example()
            )),
        );
    }
    if title.chars().any(char::is_control) {
        return Err(
            Diagnostic::error("the title has a line break or control character")
                .help("give the title on one line"),
        );
    }
    if let Some(max) = kind.max_title() {
        let length = crate::content::slug::length(title);
        if length > max {
            return Err(Diagnostic::error(format!(
                "the title is {length} characters; a {}'s title has at most {max}",
                kind.name()
            ))
            .help("a shorter title fits the handout; put more in `summary`"));
        }
    }
    Ok(())
}

/// The archetype text: the site's theme folder's, else the built-in one.
/// The archetype of `kind`, and its path as shown.
fn archetype(root: &Path, theme: &str, kind: Kind) -> Result<(String, PathBuf), Diagnostic> {
    let relative = format!("archetypes/{}.md", kind.name());
    let own = root.join("themes").join(theme).join(&relative);
    if own.is_file() {
        let shown = Path::new("themes").join(theme).join(&relative);
        return match fs::read_to_string(&own) {
            Ok(text) => Ok((text, shown)),
            Err(e) => Err(
                Diagnostic::error(format!("cannot read {}: {e}", shown.display()))
                    .in_file(shown)
                    .help("the archetype must be UTF-8 text"),
            ),
        };
    }
    embedded::theme_file(&relative)
        .map(|bytes| {
            let shown = PathBuf::from(format!("(built-in theme)/{relative}"));
            (String::from_utf8_lossy(bytes).into_owned(), shown)
        })
        .ok_or_else(|| {
            Diagnostic::error(format!("the built-in theme has no {relative}"))
                .help(format!("add themes/{theme}/{relative} to the site"))
        })
}

/// What a build of the site at `root` (drafts included) would report before
/// rendering, its links' errors among it.
fn site_problems(root: &Path) -> Vec<Diagnostic> {
    let (site, mut problems) = crate::site::Site::load(root, true, None);
    if let Some(site) = site {
        problems.extend(crate::render::link_problems(&site));
    }
    problems
}

/// The errors of [`site_problems`], as [`identity`], to compare before and after.
fn site_errors(root: &Path) -> std::collections::HashSet<String> {
    site_problems(root)
        .iter()
        .filter(|d| d.is_error())
        .map(identity)
        .collect()
}

/// An error as rendered without its help: the help may name what the new
/// file adds (`routines: \`evening\``) to an error the site had before.
fn identity(diagnostic: &Diagnostic) -> String {
    let mut plain = diagnostic.clone();
    plain.help = None;
    plain.render(false)
}

/// The Markdown files directly in `folder` (not hidden, not `_index.md`).
fn markdown_files(root: &Path, folder: &Path) -> Result<Vec<String>, Diagnostic> {
    if !folder.exists() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(folder).map_err(|e| {
        let shown = content::load::display(root, folder);
        let help = if e.kind() == std::io::ErrorKind::NotADirectory {
            format!("{} must be a folder: move the file away", shown.display())
        } else {
            "check the folder's permissions".to_string()
        };
        Diagnostic::error(format!("cannot read {}: {e}", shown.display()))
            .in_file(&shown)
            .help(help)
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "_index.md" && !is_ignored(n))
        .collect();
    names.sort();
    Ok(names)
}

/// One above the highest `NN-` (or `NN_`) prefix, at least two digits (more
/// when the folder's prefixes have more), e.g. `07`.
pub fn next_prefix(names: &[String]) -> String {
    let mut highest: u64 = 0;
    let mut width = 2;
    for name in names {
        let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
        let after = name[digits.len()..].chars().next();
        if digits.is_empty() || !matches!(after, Some('-' | '_')) {
            continue;
        }
        if let Ok(n) = digits.parse::<u64>() {
            highest = highest.max(n);
            width = width.max(digits.len());
        }
    }
    format!("{:0width$}", highest.saturating_add(1))
}

fn check_slug_is_free(
    kind: Kind,
    slug: &str,
    names: &[String],
    content: &content::Content,
) -> Result<(), Diagnostic> {
    let reserved = match kind {
        Kind::Page => RESERVED,
        Kind::Stretch => STRETCH_RESERVED,
        Kind::Routine => &[],
    };
    if reserved.contains(&slug) {
        return Err(Diagnostic::error(format!(
            "a {} cannot be called `{slug}`: the site makes that path itself",
            kind.name()
        ))
        .help(format!(
            "reserved: {}; choose another title",
            reserved.join(", ")
        )));
    }
    let taken: Option<String> = names
        .iter()
        .find(|n| slug::from_stem(n.trim_end_matches(".md")) == slug)
        .map(|n| format!("{}/{n}", kind.folder()))
        .or_else(|| {
            let metas: Vec<&content::Meta> = match kind {
                Kind::Stretch => content.stretches.iter().map(|s| &s.meta).collect(),
                Kind::Routine => content.routines.iter().map(|r| &r.meta).collect(),
                Kind::Page => content.pages.iter().map(|p| &p.meta).collect(),
            };
            metas
                .into_iter()
                .find(|m| m.slug == slug)
                .map(|m| m.path().display().to_string())
        });
    match taken {
        Some(file) => Err(Diagnostic::error(format!(
            "there is already a {} with the slug `{slug}`",
            kind.name()
        ))
        .in_file(file)
        .help("choose another title, or edit the existing file")),
        None => Ok(()),
    }
}

/// The slug a new routine starts with: the first published stretch of the
/// library, else the first draft (a draft routine may list a draft).
fn first_stretch(content: &content::Content) -> Result<String, Diagnostic> {
    content
        .stretches
        .iter()
        .find(|s| !s.meta.draft)
        .or_else(|| content.stretches.first())
        .map(|s| s.meta.slug.clone())
        .ok_or_else(|| {
            Diagnostic::error("a routine lists 1 to 6 stretches, and the site has none yet")
                .help("make a stretch first, e.g. `gen new stretch \"Knee to chest\"`")
        })
}

/// `text` with `slug` set at the top of its front matter (TOML after `+++`,
/// YAML after `---`), unless the archetype sets `slug` itself; text without
/// an opening fence is left as it is, for the checks to report.
fn with_slug(text: &str, slug: &str) -> String {
    let sets_slug = text.lines().any(|line| {
        line.strip_prefix("slug")
            .is_some_and(|rest| matches!(rest.trim_start().chars().next(), Some('=' | ':')))
    });
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(end) = body.find('\n') else {
        return text.to_string();
    };
    let line = match body[..end].trim_end() {
        "+++" => format!("slug = \"{slug}\""),
        "---" => format!("slug: \"{slug}\""),
        _ => return text.to_string(),
    };
    if sets_slug {
        return text.to_string();
    }
    let bom = &text[..text.len() - body.len()];
    let newline = if body[..end].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    format!("{bom}{}{line}{newline}{}", &body[..=end], &body[end + 1..])
}

/// The placeholders `gen new` fills.
const PLACEHOLDERS: [&str; 4] = ["title", "slug", "date", "stretch"];

/// The placeholders of `archetype`, in order, as `(start..end, name)`:
/// `{{name}}` with or without spaces inside the braces (`{{ title }}`, as
/// Tera writes it), `name` a lowercase word.
fn placeholders(archetype: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = archetype.get(from..)?.find("{{") {
            let start = from + found;
            from = start + 2;
            let Some(length) = archetype[from..].find("}}").filter(|&n| n <= 40) else {
                continue;
            };
            let name = archetype[from..from + length].trim_matches([' ', '\t']);
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                from += length + 2;
                return Some((start..from, name));
            }
        }
        None
    })
}

/// `archetype` with each placeholder replaced by its value, in one pass: a
/// title that holds `{{date}}` keeps it as written. Placeholders of other
/// names are left as written.
fn fill(archetype: &str, values: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(archetype.len());
    let mut done = 0;
    for (at, name) in placeholders(archetype) {
        if let Some((_, value)) = values.iter().find(|(known, _)| *known == name) {
            text.push_str(&archetype[done..at.start]);
            text.push_str(value);
            done = at.end;
        }
    }
    text.push_str(&archetype[done..]);
    text
}

/// A warning for each placeholder of `archetype` that `gen new` does not
/// fill (`{{titel}}`), at its first use: it stays in the new file as
/// written.
fn unknown_placeholders(archetype: &str, source: &Path) -> Vec<Diagnostic> {
    let file = crate::diagnostics::SourceFile::new(source, archetype);
    let mut seen = Vec::new();
    placeholders(archetype)
        .filter(|(_, name)| !PLACEHOLDERS.contains(name))
        .filter_map(|(at, name)| {
            (!seen.contains(&name)).then(|| {
                seen.push(name);
                let help = match crate::diagnostics::closest(name, &PLACEHOLDERS) {
                    Some(like) => format!("did you mean `{{{{{like}}}}}`?"),
                    None => "the placeholders are `{{title}}`, `{{slug}}`, `{{date}}` and, for a routine, `{{stretch}}`".to_string(),
                };
                file.warning(
                    at,
                    format!("the archetype's `{{{{{name}}}}}` is not a placeholder gen fills; it is kept as written"),
                )
                .help(help)
            })
        })
        .collect()
}

/// Escapes text for a double-quoted TOML or YAML string.
fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day), by Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn next_prefix_is_one_above_the_highest() {
        assert_eq!(next_prefix(&names(&[])), "01");
        assert_eq!(next_prefix(&names(&["morning.md"])), "01");
        assert_eq!(
            next_prefix(&names(&["01-a.md", "06-b.md", "03_c.md"])),
            "07"
        );
        assert_eq!(next_prefix(&names(&["09-a.md"])), "10");
        assert_eq!(next_prefix(&names(&["99-a.md"])), "100");
        assert_eq!(next_prefix(&names(&["007-a.md", "2024.md"])), "008");
    }

    #[test]
    fn a_slug_is_set_after_the_opening_fence() {
        assert_eq!(
            with_slug("+++\ntitle = \"404\"\n+++\n", "404"),
            "+++\nslug = \"404\"\ntitle = \"404\"\n+++\n"
        );
        assert_eq!(
            with_slug("\u{feff}---\r\ntitle: x\r\n---\r\n", "2-x"),
            "\u{feff}---\r\nslug: \"2-x\"\r\ntitle: x\r\n---\r\n"
        );
        // The archetype's own `slug`, or no fence: left alone.
        let own = "+++\nslug = \"404\"\n+++\n";
        assert_eq!(with_slug(own, "404"), own);
        assert_eq!(with_slug("title = 1\n", "404"), "title = 1\n");
        assert_eq!(with_slug("++++\n", "404"), "++++\n");
    }

    #[test]
    fn placeholders_are_filled_once() {
        let values = [("title", "A {{slug}} b"), ("slug", "a-slug-b")];
        assert_eq!(
            fill("t = \"{{title}}\" s = {{slug}} {{other}} {{", &values),
            "t = \"A {{slug}} b\" s = a-slug-b {{other}} {{"
        );
        // As Tera writes them, with spaces; not across a line, nor a
        // name that is not a word.
        assert_eq!(
            fill(
                "{{ title }} {{\ttitle}} {{ Title }} {{ a b }} {{ slug",
                &values
            ),
            "A {{slug}} b A {{slug}} b {{ Title }} {{ a b }} {{ slug"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn titles_are_quoted_and_checked() {
        assert_eq!(quote(r#"A "b" \ c"#), r#"A \"b\" \\ c"#);
        assert!(check_title(Kind::Stretch, &"x".repeat(49)).is_err());
        assert!(check_title(Kind::Page, &"x".repeat(49)).is_ok());
        assert!(check_title(Kind::Page, "a\nb").is_err());
        assert!(check_title(Kind::Page, "").is_err());
    }
}
