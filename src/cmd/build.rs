//! `gen build`: load, check, render into a staging folder, swap it in.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::Error;
use crate::diagnostics::Diagnostic;
use crate::output::{Destination, Output};
use crate::render;
use crate::site::Site;
use crate::templates::Templates;

/// What `gen build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The output folder (default `ROOT/public`).
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Replace a non-Bedside output folder.
    pub force: bool,
    /// Print each handout to PDF.
    pub pdf: bool,
    /// The browser for `pdf` (else found on `PATH`).
    pub browser: Option<PathBuf>,
    /// Whether the loaded site is freed after the build, or left to the
    /// process's exit (`gen build` on the command line).
    pub teardown: render::Teardown,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages made (rendered or reused).
    pub pages: usize,
    /// Pages taken unchanged from the previous build, not rendered again.
    pub reused: usize,
    /// Files written.
    pub files: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time of each stage, in order (`--verbose` prints them).
    pub stages: Vec<(&'static str, Duration)>,
}

/// Loads and checks a site, with its templates. Errors carry every problem.
pub fn load(
    root: &std::path::Path,
    drafts: bool,
    base_url: Option<&str>,
) -> Result<(Site, Templates, Vec<Diagnostic>), Error> {
    crate::site::require_root(root)?;
    load_with(root, drafts, base_url, &|_| false)
}

/// [`load`], leaving templates uncompiled when `known` says that templates
/// of their fingerprint built the output before (see [`Templates::read`]).
fn load_with(
    root: &std::path::Path,
    drafts: bool,
    base_url: Option<&str>,
    known: &(dyn Fn(Option<u128>) -> bool + Sync),
) -> Result<(Site, Templates, Vec<Diagnostic>), Error> {
    // Templates are parsed while the content loads: parsing them is most of
    // a small site's build. With gen.toml broken, the theme it names is
    // still checked (the default when `theme` itself is wrong), so that
    // every problem is reported in one run.
    let theme = crate::site::configured_theme(root);
    let ((site, mut diagnostics), templates) = rayon::join(
        || Site::load(root, drafts, base_url),
        || {
            theme.map(|theme| {
                let templates = Templates::read(root, &theme)?;
                if !known(templates.fingerprint()) {
                    templates.check()?;
                }
                let warnings = templates.warnings().to_vec();
                Ok::<_, Vec<Diagnostic>>((templates, warnings))
            })
        },
    );
    let templates = match templates {
        Some(Ok((templates, warnings))) => {
            diagnostics.extend(warnings);
            Some(templates)
        }
        Some(Err(errors)) => {
            diagnostics.extend(errors);
            None
        }
        None => None,
    };
    match (site, templates) {
        (Some(site), Some(templates)) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((site, templates, diagnostics))
        }
        (Some(site), _) => {
            // Broken templates: the content is sound but is not rendered,
            // which is where its links are resolved.
            diagnostics.extend(crate::render::link_problems(&site));
            Err(Error::Site(diagnostics))
        }
        _ => Err(Error::Site(diagnostics)),
    }
}

/// Builds the site. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let start = Instant::now();
    let root = &options.root;
    crate::site::require_root(root)?;
    let target = options
        .output_dir
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let browser = if options.pdf {
        Some(crate::pdf::find_browser(options.browser.as_deref())?)
    } else {
        None
    };
    let mut stages = Vec::new();
    let mut stage_start = Instant::now();
    let mut stage = |name: &'static str| {
        let now = Instant::now();
        stages.push((name, now - stage_start));
        stage_start = now;
    };
    let destination = Destination::check(root, &target, options.force);
    let env = |name: &str| std::env::var_os(name);
    // Over a previous build, pages may all be taken from it: templates
    // known from it are compiled only if one is not. Into a fresh folder
    // every page is rendered, and compiling beside the content's loading is
    // quicker.
    let known = |templates| {
        destination.as_ref().is_ok_and(|destination| {
            destination.has_previous()
                && render::ledger::Ledger::knows_templates(
                    root,
                    destination.target(),
                    templates,
                    env,
                )
        })
    };
    let loaded = load_with(root, options.drafts, options.base_url.as_deref(), &known);
    stage("load and check content and templates");
    let (destination, (site, templates, mut diagnostics)) = match (destination, loaded) {
        (Ok(destination), Ok(loaded)) => (destination, loaded),
        (destination, loaded) => {
            let mut all = Vec::new();
            if let Err(diagnostic) = destination {
                all.push(diagnostic);
            }
            if let Err(Error::Site(diagnostics)) = loaded {
                all.extend(diagnostics);
            }
            return Err(Error::Site(all));
        }
    };
    // Nothing is made on disk (the staging folder, the folders above the
    // output) before the site is known to be sound.
    let output = destination.begin(site.targets.len())?;
    let mut ledger = render::ledger::Ledger::open(
        root,
        output.target(),
        templates.fingerprint(),
        output.has_previous(),
        env,
    );
    if let Some(ledger) = ledger.as_mut().filter(|_| !templates.warnings().is_empty()) {
        ledger.templates_warned();
    }
    let (stats, problems) = render::render_site(
        &site,
        &templates,
        &output,
        ledger.as_ref(),
        options.teardown,
    );
    stage("render and write into the staging folder");
    diagnostics.extend(problems);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(diagnostics));
    }
    let mut files = stats.files;
    if let Some(browser) = &browser {
        let (printed, warnings) = print_handouts(&site, &output, browser)?;
        files += printed;
        diagnostics.extend(warnings);
        stage("print the handouts to PDF");
    }
    let written = output.target().to_path_buf();
    // The content and templates are freed (unless the process is about to
    // exit), and the ledger written, while the old build is removed.
    let reused = ledger.as_ref().map_or(0, render::ledger::Ledger::reused);
    let (committed, ledger) = rayon::join(
        || output.commit(),
        move || {
            options.teardown.dispose((site, templates));
            ledger.and_then(render::ledger::Ledger::write)
        },
    );
    diagnostics.extend(committed?);
    if let Some(ledger) = ledger {
        ledger.keep();
    }
    stage("swap the build in and remove the old one");
    Ok(BuildReport {
        pages: stats.pages,
        reused,
        files,
        output: written,
        warnings: diagnostics,
        elapsed: start.elapsed(),
        stages,
    })
}

/// Prints every routine's handout to PDF in the staging folder; the main
/// routine's also to `handout.pdf`. Returns how many files were written. An
/// error names the routine's file and where its PDF is published, never
/// the staging folder.
/// A handout that prints on more than one page is a warning: the PDF is
/// written, and the layout or the texts must change for it to keep its promise.
fn print_handouts(
    site: &Site,
    output: &Output,
    browser: &std::path::Path,
) -> Result<(usize, Vec<Diagnostic>), Error> {
    use rayon::prelude::*;
    let paper = site.config.paper;
    let staging = output.staged("");
    let published_root = format!("{}/", output.target().display());
    let help = format!(
        "check that {} prints a page headless (`--headless --print-to-pdf=FILE URL`), or pass another browser with --browser",
        browser.display()
    );
    let results: Vec<Result<(), Diagnostic>> = site
        .content
        .routines
        .par_iter()
        .map(|routine| {
            let slug = &routine.meta.slug;
            let path = format!("routines/{slug}/handout.pdf");
            let html = output.staged(&crate::site::handout_path(slug));
            let pdf = output.staged(&path);
            crate::pdf::print(browser, &html, &pdf, paper).map_err(|why| {
                // The browser's messages name the files it was given.
                let why = why.replace(staging.to_string_lossy().as_ref(), &published_root);
                let mut lines = why.lines();
                let diagnostic = Diagnostic::error(format!(
                    "cannot print the handout of routine `{slug}` to {}: {}",
                    output.target().join(&path).display(),
                    lines.next().unwrap_or_default()
                ))
                .in_file(routine.meta.path())
                .help(&help);
                lines.fold(diagnostic, |d, line| d.note(format!("browser: {line}")))
            })
        })
        .collect();
    let errors: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
    if !errors.is_empty() {
        return Err(Error::Site(errors));
    }
    let paper_name = match paper {
        crate::config::Paper::A4 => "A4",
        crate::config::Paper::Letter => "US Letter",
    };
    let mut warnings = Vec::new();
    for routine in &site.content.routines {
        let slug = &routine.meta.slug;
        let path = format!("routines/{slug}/handout.pdf");
        let pages = std::fs::read(output.staged(&path))
            .ok()
            .and_then(|pdf| crate::pdf::page_count(&pdf));
        if let Some(pages) = pages.filter(|&n| n > 1) {
            warnings.push(
                Diagnostic::warning(format!(
                    "the handout of routine `{slug}` prints on {pages} pages of {paper_name}, not one"
                ))
                .in_file(routine.meta.path())
                .note(format!("written to {}", output.target().join(&path).display()))
                .help("shorten the longest texts it prints (titles, cues, main cautions, points), or fix the theme's handout layout"),
            );
        }
    }
    let mut written = site.content.routines.len();
    if let Some(main) = site.main_routine {
        let slug = &site.content.routines[main].meta.slug;
        let from = output.staged(&format!("routines/{slug}/handout.pdf"));
        std::fs::copy(&from, output.staged("handout.pdf")).map_err(|e| {
            Diagnostic::error(format!(
                "cannot copy the handout of routine `{slug}` to {}: {e}",
                output.target().join("handout.pdf").display()
            ))
        })?;
        written += 1;
    }
    Ok((written, warnings))
}

/// `gen build` from the command line.
pub fn run(args: crate::cli::BuildArgs, ui: &super::Ui) -> Result<(), Error> {
    // From here on, Ctrl-C, SIGTERM and SIGHUP stop the build, its browsers
    // and remove what it made, leaving the previous output as it was.
    if let Err(err) = crate::interrupt::install("Build") {
        ui.detail(&format!(
            "cannot watch for Ctrl-C ({err}): an interrupted build may leave its staging folder behind"
        ));
    }
    let options = BuildOptions {
        root: args.root,
        output_dir: args.output_dir,
        base_url: args.base_url,
        drafts: args.drafts,
        force: args.force,
        pdf: args.pdf,
        browser: args.browser,
        // `main` exits when this returns.
        teardown: render::Teardown::Leave,
    };
    let built = build(&options)?;
    ui.report(&built.warnings);
    for (stage, took) in &built.stages {
        ui.detail(&format!("{:>6} ms  {stage}", took.as_millis()));
    }
    ui.detail(&format!(
        "{} of {} pages unchanged since the last build, taken from it",
        built.reused, built.pages
    ));
    ui.summary(&format!(
        "Built {} pages ({} files) into {} in {} ms{}",
        built.pages,
        built.files,
        built.output.display(),
        built.elapsed.as_millis(),
        super::warnings_suffix(&built.warnings)
    ));
    Ok(())
}
