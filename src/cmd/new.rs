//! `gen new`: a new stretch, routine or page from the theme's archetype, or
//! a new theme copied from the built-in one.

use std::path::{Path, PathBuf};

use super::Ui;
use crate::Error;
use crate::archetype::{self, Kind};
use crate::cli::NewKind;
use crate::diagnostics::Diagnostic;

/// `gen new` from the command line.
pub fn run(args: crate::cli::NewArgs, ui: &Ui) -> Result<(), Error> {
    let kind = match args.kind {
        NewKind::Stretch => Kind::Stretch,
        NewKind::Routine => Kind::Routine,
        NewKind::Page => Kind::Page,
        NewKind::Theme => {
            let (folder, name) = new_theme(&args.root, &args.title)?;
            ui.summary(&format!(
                "Created {}, a copy of the built-in theme: set `theme = \"{name}\"` in gen.toml to build with it, then change what you like (a file you remove is taken from the built-in theme again)",
                ui.shown(&folder).display()
            ));
            return Ok(());
        }
    };
    let created = archetype::create(&args.root, kind, &args.title)?;
    if created.problems.iter().any(|d| d.is_error()) {
        return Err(Error::Site(created.problems));
    }
    ui.report(&created.problems);
    // A theme's own archetype may make a file that is published at once.
    let text = std::fs::read_to_string(args.root.join(&created.path)).unwrap_or_default();
    let draft = ["draft = true", "draft: true"]
        .into_iter()
        .find(|line| text.lines().any(|l| l.trim() == *line));
    let next = match draft {
        Some(line) => format!(
            "a draft {}: fill it in, then remove `{line}` to publish it",
            kind.name()
        ),
        None => format!("a {} published at the next build: fill it in", kind.name()),
    };
    ui.summary(&format!(
        "Created {}, {next}{}",
        ui.shown(&created.path).display(),
        super::warnings_suffix(&created.problems)
    ));
    if let Some(stretch) = &created.stretch {
        ui.info(&format!(
            "It lists `{stretch}` to start with; put 1 to 6 stretch slugs in `stretches`."
        ));
    }
    Ok(())
}

/// Writes the built-in theme's files into `themes/<slug of name>/` of the
/// site at `root`, whole or not at all. Returns the folder (relative to the
/// root) and the theme's name.
fn new_theme(root: &Path, name: &str) -> Result<(PathBuf, String), Diagnostic> {
    crate::site::require_root(root)?;
    if name.chars().any(char::is_control) {
        return Err(
            Diagnostic::error("the theme name has a line break or control character")
                .help("give the name on one line, e.g. `gen new theme calm`"),
        );
    }
    let slug = crate::content::slug::slugify(name);
    if slug.is_empty() {
        return Err(Diagnostic::error(format!(
            "the theme name \"{name}\" has no letter a–z or digit 0–9 to name its folder"
        ))
        .help("name it in letters a–z and digits, e.g. `gen new theme calm`"));
    }
    if slug == "default" {
        return Err(Diagnostic::error("`default` is the built-in theme's name")
            .help("give yours another name, e.g. `gen new theme calm`"));
    }
    let relative = PathBuf::from("themes").join(&slug);
    let folder = root.join(&relative);
    if folder.exists() {
        return Err(
            Diagnostic::error(format!("{} is there already", relative.display()))
                .help("choose another name, or remove the folder first"),
        );
    }
    // Written beside, then renamed: never half a theme.
    let themes = root.join("themes");
    let had_themes = themes.exists();
    let staging = themes.join(format!(".{slug}.gen-new-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&staging)?;
        for (path, bytes) in crate::embedded::THEME {
            let to = staging.join(path);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&to, bytes)?;
        }
        std::fs::rename(&staging, &folder)
    };
    write().map_err(|err| {
        let _ = std::fs::remove_dir_all(&staging);
        if !had_themes {
            // Only if empty: nothing of the user's goes.
            let _ = std::fs::remove_dir(&themes);
        }
        Diagnostic::error(format!("cannot write {}: {err}", relative.display())).help(
            crate::files::help_for(&err, "check the permissions of the site's themes/ folder"),
        )
    })?;
    Ok((relative, slug))
}
