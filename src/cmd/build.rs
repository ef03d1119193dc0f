//! `gen build`: load, check, render into a staging folder, swap it in.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::render;
use crate::site::Site;
use crate::templates::Templates;
use crate::Error;

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
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages rendered.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Loads and checks a site, with its templates. Errors carry every problem.
pub fn load(root: &std::path::Path, drafts: bool, base_url: Option<&str>) -> Result<(Site, Templates, Vec<Diagnostic>), Error> {
    let (site, mut diagnostics) = Site::load(root, drafts, base_url);
    let templates = match &site {
        Some(site) => match Templates::load(root, &site.theme) {
            Ok(templates) => Some(templates),
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        },
        None => None,
    };
    match (site, templates) {
        (Some(site), Some(templates)) if !diagnostics.iter().any(Diagnostic::is_error) => Ok((site, templates, diagnostics)),
        _ => Err(Error::Site(diagnostics)),
    }
}

/// Builds the site. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let start = Instant::now();
    let root = &options.root;
    let target = options.output_dir.clone().unwrap_or_else(|| root.join("public"));
    let output = Output::begin(root, &target, options.force);
    let loaded = load(root, options.drafts, options.base_url.as_deref());
    let (output, (site, templates, mut diagnostics)) = match (output, loaded) {
        (Ok(output), Ok(loaded)) => (output, loaded),
        (output, loaded) => {
            let mut all = Vec::new();
            if let Err(diagnostic) = output {
                all.push(diagnostic);
            }
            if let Err(Error::Site(diagnostics)) = loaded {
                all.extend(diagnostics);
            }
            return Err(Error::Site(all));
        }
    };
    let (stats, problems) = render::render_site(&site, &templates, &output);
    diagnostics.extend(problems);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(diagnostics));
    }
    let written = output.target().to_path_buf();
    output.commit()?;
    Ok(BuildReport {
        pages: stats.pages,
        files: stats.files,
        output: written,
        warnings: diagnostics,
        elapsed: start.elapsed(),
    })
}

/// `gen build` from the command line.
pub fn run(args: crate::cli::BuildArgs, ui: &super::Ui) -> Result<(), Error> {
    let options = BuildOptions {
        root: args.root,
        output_dir: args.output_dir,
        base_url: args.base_url,
        drafts: args.drafts,
        force: args.force,
    };
    let built = build(&options)?;
    ui.report(&built.warnings);
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
