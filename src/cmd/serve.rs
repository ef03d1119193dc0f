//! `gen serve`: build into memory, serve, watch, rebuild, reload.

use std::path::Path;
use std::time::Duration;

use super::Ui;
use crate::Error;
use crate::diagnostics::Diagnostic;
use crate::serve::preview::{Outcome, Preview, Scope};
use crate::serve::{self, Server, Snapshot, watch};

/// `gen serve` from the command line. Runs until interrupted.
pub fn run(args: crate::cli::ServeArgs, ui: &Ui) -> Result<(), Error> {
    // A folder that does not exist is said so, as by `build` and `check`.
    crate::site::require_root(&args.root)?;
    let root = crate::output::resolve(&args.root);
    if !root.join("content").is_dir() && !root.join("gen.toml").is_file() {
        return Err(Diagnostic::error(format!(
            "{} is not a Bedside site: it has no content/ folder and no gen.toml",
            root.display()
        ))
        .help("pass the site folder with --root DIR, or make a new site with `gen init DIR`")
        .into());
    }
    let listener = serve::bind(&args.interface, args.port)?;
    let mut preview = Preview::new(root.clone(), args.drafts);
    let outcome = preview.build();
    let shown = |d: Diagnostic| ui.rebase(d);
    let server = Server::start(
        listener,
        Snapshot::of(&preview, serve::first_generation(), shown),
    )?;
    report(ui, &preview, &outcome, None);
    let changes = watch::watch(&root)?;
    if !server.address().ip().is_loopback() {
        ui.report(&[Diagnostic::warning(format!(
            "serving on {}: other machines on the network can open this preview",
            server.address()
        ))
        .help("leave out --interface to serve on 127.0.0.1 only")]);
    }
    let url = server.url();
    ui.essential(&format!(
        "Serving {} at {url} (Ctrl-C to stop)",
        root.display()
    ));
    if args.open {
        let later = ui.clone();
        if let Err(diagnostic) = serve::open_browser(&url, move |d| later.report(&[d])) {
            ui.report(&[diagnostic]);
        }
    }
    for change in changes {
        let outcome = preview.update(&change.paths);
        if outcome.scope == Scope::Nothing {
            continue;
        }
        let mount = server.snapshot().mount.clone();
        server.publish(Snapshot::of(&preview, server.next_generation(), shown));
        let latency = change.first_event.elapsed();
        report(ui, &preview, &outcome, Some(latency));
        if server.snapshot().mount != mount {
            // A new `base_url` path: the pages open at the old address
            // are gone.
            ui.essential(&format!(
                "The site moved with base_url: now serving {} at {}",
                root.display(),
                server.url()
            ));
        }
    }
    Err(Diagnostic::error("the file watcher stopped; restart `gen serve`").into())
}

/// Prints what a build did: its diagnostics and one line.
fn report(ui: &Ui, preview: &Preview, outcome: &Outcome, latency: Option<Duration>) {
    let diagnostics = preview.diagnostics();
    let ms = outcome.elapsed.as_millis();
    if preview.has_errors() {
        ui.report(&diagnostics);
        let errors = Error::Site(diagnostics);
        ui.summary(&format!(
            "Build failed: {errors}; the browser shows the errors until they are fixed"
        ));
    } else {
        let pages = |n: usize| format!("{n} page{}", if n == 1 { "" } else { "s" });
        let line = match (&outcome.scope, latency) {
            (Scope::Pages(sources), Some(_)) => {
                format!("Rebuilt {} in {ms} ms", files(ui, sources))
            }
            (Scope::Content(sources), Some(_)) => format!(
                "Rebuilt {} and the pages that show {} ({}) in {ms} ms",
                files(ui, sources),
                if sources.len() == 1 { "it" } else { "them" },
                pages(outcome.pages)
            ),
            (_, Some(_)) => format!("Rebuilt the site: {} in {ms} ms", pages(outcome.pages)),
            (_, None) => format!(
                "Built {} pages ({} files) in memory in {ms} ms",
                outcome.pages, outcome.files
            ),
        };
        // Quick rebuilds repeat only the warnings of the pages they made.
        let shown: Vec<Diagnostic> = match &outcome.scope {
            Scope::Pages(sources) | Scope::Content(sources) => diagnostics
                .into_iter()
                .filter(|d| d.path.as_deref().is_some_and(|p| is_one_of(p, sources)))
                .collect(),
            _ => diagnostics,
        };
        ui.report(&shown);
        ui.summary(&format!("{line}{}", super::warnings_suffix(&shown)));
    }
    if let Some(latency) = latency {
        ui.detail(&format!(
            "  reload sent {} ms after the change was seen (debounce {} ms)",
            latency.as_millis(),
            watch::DEBOUNCE.as_millis()
        ));
    }
}

/// `content/a.md` (named from where `gen` runs), or `3 files`.
fn files(ui: &Ui, sources: &[std::path::PathBuf]) -> String {
    match sources {
        [one] => ui.shown(one).display().to_string(),
        many => format!("{} files", many.len()),
    }
}

fn is_one_of(path: &Path, sources: &[std::path::PathBuf]) -> bool {
    sources.iter().any(|s| s == path)
}
