//! Embeds the default theme (`themes/default/`) and the starter site
//! (`content/` and `gen.toml` of this repository) into the binary, and fails
//! the cargo build when a default-theme template does not parse. Sets
//! `BEDSIDE_BUILD_ID`, which tells builds of `gen` apart.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            !(name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp"))
        })
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn table(name: &str, base: &Path, paths: &[PathBuf], code: &mut String) {
    let _ = writeln!(code, "/// Files of the {name}, relative paths and bytes.");
    let _ = writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[");
    for path in paths {
        let relative = path.strip_prefix(base).unwrap_or(path);
        let relative = relative.to_string_lossy().replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({relative:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    let _ = writeln!(code, "];");
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let theme = manifest.join("themes/default");
    println!("cargo::rerun-if-changed=themes/default");
    println!("cargo::rerun-if-changed=content");
    println!("cargo::rerun-if-changed=gen.toml");

    let theme_files = files(&theme);
    // Every template must parse: a broken default theme is a build failure.
    let mut tera = tera::Tera::default();
    let mut templates = Vec::new();
    for path in &theme_files {
        if let Ok(relative) = path.strip_prefix(theme.join("templates")) {
            let text = fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            templates.push((relative.to_string_lossy().replace('\\', "/"), text));
        }
    }
    if let Err(err) = tera.add_raw_templates(templates) {
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(inner) = source {
            let _ = write!(message, "\n{inner}");
            source = inner.source();
        }
        panic!(
            "a template of the default theme (themes/default/templates) does not parse:\n{message}"
        );
    }

    build_id(&manifest);

    let mut code = String::new();
    table("THEME", &theme, &theme_files, &mut code);
    let mut starter = files(&manifest.join("content"));
    let gen_toml = manifest.join("gen.toml");
    if gen_toml.exists() {
        starter.push(gen_toml);
    }
    table("STARTER", &manifest, &starter, &mut code);
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("embedded.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Sets `BEDSIDE_BUILD_ID`, a hash of everything `gen` is compiled from (its
/// sources, manifest and lock file): the ledger of rendered pages
/// (`src/render/ledger.rs`) trusts no page rendered by another build of `gen`.
fn build_id(manifest: &Path) {
    use std::hash::{DefaultHasher, Hasher};
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed=Cargo.toml");
    println!("cargo::rerun-if-changed=Cargo.lock");
    let mut inputs = files(&manifest.join("src"));
    inputs.extend(["Cargo.toml", "Cargo.lock", "build.rs"].map(|name| manifest.join(name)));
    // `DefaultHasher::new` has fixed keys: the same inputs give the same id.
    let mut hasher = DefaultHasher::new();
    for path in &inputs {
        let relative = path.strip_prefix(manifest).unwrap_or(path);
        let name = relative.to_string_lossy();
        let bytes = fs::read(path).unwrap_or_default();
        hasher.write_usize(name.len());
        hasher.write(name.as_bytes());
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    hasher.write(env::var("PROFILE").unwrap_or_default().as_bytes());
    println!(
        "cargo::rustc-env=BEDSIDE_BUILD_ID={}-{:016x}",
        env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        hasher.finish()
    );
}
