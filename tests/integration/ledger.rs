//! The ledger of rendered pages (`src/render/ledger.rs`): a rebuild takes a
//! page from the previous build when nothing it is rendered from changed,
//! and renders it again otherwise. Whatever happened in between, a rebuild
//! writes exactly what a build from scratch writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::support::{Run, TestSite, files};

/// A site with its own ledger folder, beside the site.
struct Ledgered {
    site: TestSite,
    cache: PathBuf,
}

impl Ledgered {
    fn new(fixture: &str) -> Ledgered {
        let site = TestSite::new(fixture);
        let cache = site.parent().join("cache");
        Ledgered { site, cache }
    }

    /// `gen build -v` with this site's ledger folder and `env`.
    fn build(&self, env: &[(&str, &str)]) -> Run {
        let cache = self.cache.display().to_string();
        let mut all = vec![("BEDSIDE_CACHE_DIR", cache.as_str())];
        all.extend_from_slice(env);
        self.site.gen_with_env(&["build", "-v"], &all).success()
    }

    /// The one ledger file of the site.
    fn ledger_file(&self) -> PathBuf {
        let names: Vec<PathBuf> = std::fs::read_dir(&self.cache)
            .expect("the ledger folder")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        names[0].clone()
    }

    /// Asserts that `public/` holds exactly what a build from scratch, with
    /// no ledger, writes into another folder.
    #[track_caller]
    fn assert_as_from_scratch(&self) {
        let scratch = self.site.parent().join("scratch");
        let _ = std::fs::remove_dir_all(&scratch);
        let out = scratch.display().to_string();
        self.site
            .gen_with_env(
                &["build", "--output-dir", &out],
                &[("BEDSIDE_CACHE_DIR", "")],
            )
            .success();
        let built = self.site.files("public");
        let expected = files(&scratch);
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &expected {
            assert!(
                built[path] == *bytes,
                "{path} differs from a build from scratch:\n{}",
                String::from_utf8_lossy(&built[path])
            );
        }
    }
}

/// The pages reused and made, from `-v`'s "N of M pages unchanged" line.
#[track_caller]
fn reused(run: &Run) -> (usize, usize) {
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("pages unchanged since the last build"))
        .unwrap_or_else(|| panic!("no ledger line\n{run}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |at: usize| {
        words[at]
            .parse()
            .unwrap_or_else(|_| panic!("not a count in {line:?}"))
    };
    (number(0), number(2))
}

/// The pages of a build of a site without aliases: its HTML files but the
/// redirects at `page/1/` of its lists.
fn pages(site: &TestSite) -> usize {
    site.files("public")
        .keys()
        .filter(|p| p.ends_with(".html") && !p.ends_with("/page/1/index.html"))
        .count()
}

#[test]
fn a_rebuild_with_nothing_changed_renders_no_page_again() {
    use std::os::unix::fs::MetadataExt;
    let l = Ledgered::new("full");
    let (first, total) = reused(&l.build(&[]));
    assert_eq!(first, 0);
    assert!(total > 20, "{total} pages");
    let inode = |relative: &str| std::fs::metadata(l.site.path(relative)).unwrap().ino();
    let before = inode("public/stretches/pelvic-tilt/index.html");
    assert_eq!(reused(&l.build(&[])), (total, total));
    assert_eq!(inode("public/stretches/pelvic-tilt/index.html"), before);
    l.assert_as_from_scratch();
}

#[test]
fn an_edited_body_renders_its_own_page_again_and_no_other() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let body = l.site.read("content/stretches/02-pelvic-tilt.md");
    l.site.write(
        "content/stretches/02-pelvic-tilt.md",
        &format!("{body}\nA sentence added on the second build.\n"),
    );
    assert_eq!(reused(&l.build(&[])), (total - 1, total));
    assert!(
        l.site
            .read("public/stretches/pelvic-tilt/index.html")
            .contains("A sentence added on the second build.")
    );
    l.assert_as_from_scratch();
}

#[test]
fn an_edited_title_renders_every_page_that_shows_it_again() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    l.site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "title: Pelvic tilt",
        "title: Gentle pelvic tilt",
    );
    let (kept, _) = reused(&l.build(&[]));
    assert!(kept < total - 1, "{kept} of {total} pages kept");
    assert!(kept > 0, "no page kept");
    let shown = l
        .site
        .html("public")
        .values()
        .filter(|html| html.contains("Gentle pelvic tilt"))
        .count();
    // Its own page, the library, its term pages, its routine, the handouts,
    // its neighbours' links: every page that shows the title is new.
    assert!(shown >= 4, "the new title is on {shown} pages");
    l.assert_as_from_scratch();
}

#[test]
fn a_changed_template_renders_every_page_again() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let footer = "themes/default/templates/partials/footer.html";
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join(footer);
    let text = std::fs::read_to_string(theme).unwrap();
    l.site.write(
        "templates/partials/footer.html",
        &text.replace("General guidance", "General guidance (edited)"),
    );
    assert_eq!(reused(&l.build(&[])), (0, total));
    assert!(l.site.read("public/index.html").contains("(edited)"));
    l.assert_as_from_scratch();
}

/// A rebuild with the templates of the build before does not compile them
/// unless a page must be rendered; a template broken since is still
/// reported, with its place, and the output is left as it was.
#[test]
fn a_template_broken_after_a_build_is_reported_and_an_edit_still_renders() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    assert_eq!(reused(&l.build(&[])), (total, total));
    // An edited body needs the templates, known from the build before.
    l.site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "Lie on your back",
        "Lie flat on your back",
    );
    assert_eq!(reused(&l.build(&[])), (total - 1, total));
    l.assert_as_from_scratch();
    let before = l.site.files("public");
    l.site.write(
        "templates/partials/footer.html",
        "<footer>{% if site.title %}unclosed</footer>\n",
    );
    let run = l
        .site
        .gen_with_env(
            &["build"],
            &[("BEDSIDE_CACHE_DIR", &l.cache.display().to_string())],
        )
        .failure();
    let d = run.diagnostic("template does not parse");
    assert!(d.contains("templates/partials/footer.html"), "{d}");
    assert_eq!(l.site.files("public"), before);
}

#[test]
fn another_base_url_renders_every_page_again() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let run = l
        .site
        .gen_with_env(
            &["build", "-v", "--base-url", "https://example.com/other/"],
            &[("BEDSIDE_CACHE_DIR", &l.cache.display().to_string())],
        )
        .success();
    assert_eq!(reused(&run), (0, total));
    assert!(
        l.site
            .read("public/stretches/pelvic-tilt/index.html")
            .contains("https://example.com/other/stretches/pelvic-tilt/")
    );
}

/// A page edited in the output (even to the same length) is rendered
/// again, never kept: the ledger checks that the old file is the one the
/// build wrote (its inode), unwritten since (its modification time).
#[test]
fn a_page_edited_in_the_output_is_rendered_again() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let page = "public/stretches/pelvic-tilt/index.html";
    let html = l.site.read(page);
    let edited = html.replacen("<h1", "<h2", 1);
    assert_eq!(edited.len(), html.len());
    // A new file in place of the build's, the way many editors save.
    std::fs::remove_file(l.site.path(page)).unwrap();
    std::fs::write(l.site.path(page), &edited).unwrap();
    assert_eq!(reused(&l.build(&[])), (total - 1, total));
    assert_eq!(l.site.read(page), html);
    // The build's own file changed in place.
    std::fs::write(l.site.path(page), &edited).unwrap();
    assert_eq!(reused(&l.build(&[])), (total - 1, total));
    assert_eq!(l.site.read(page), html);
    l.assert_as_from_scratch();
}

/// A page file written in the build's last tick of the file system's clock
/// is read before it is taken: were it written to again within that tick,
/// its time would not tell. Here it is edited in place and given back its
/// time, and is still rendered again.
#[test]
fn a_page_written_in_the_builds_last_tick_is_read_even_with_its_time_given_back() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let text = std::fs::read_to_string(l.ledger_file()).unwrap();
    let newest = text
        .lines()
        .find_map(|line| line.strip_prefix("newest "))
        .and_then(|rest| rest.split_once(' '))
        .map(|(s, ns)| {
            let s = u64::from_str_radix(s, 16).unwrap();
            (s, u32::from_str_radix(ns, 16).unwrap())
        })
        .expect("the ledger's newest time");
    let modified = |path: &Path| {
        let time = std::fs::metadata(path).unwrap().modified().unwrap();
        let since = time.duration_since(std::time::UNIX_EPOCH).unwrap();
        (time, (since.as_secs(), since.subsec_nanos()))
    };
    let page = text
        .lines()
        .filter_map(|line| line.splitn(8, ' ').nth(7))
        .map(|path| l.site.path(&format!("public/{path}")))
        .find(|path| modified(path).1 == newest)
        .expect("a page written at the newest time");
    let html = std::fs::read_to_string(&page).unwrap();
    let edited = html.replacen("<title>", "<TITLE>", 1);
    assert_ne!(edited, html);
    let (time, _) = modified(&page);
    let mut file = std::fs::OpenOptions::new().write(true).open(&page).unwrap();
    std::io::Write::write_all(&mut file, edited.as_bytes()).unwrap();
    file.set_modified(time).unwrap();
    drop(file);
    assert_eq!(modified(&page).1, newest, "the time is given back");
    assert_eq!(reused(&l.build(&[])), (total - 1, total));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), html);
    l.assert_as_from_scratch();
}

#[test]
fn a_damaged_or_missing_ledger_only_means_every_page_is_rendered() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let ledger = l.ledger_file();
    let text = std::fs::read_to_string(&ledger).unwrap();
    // Every key changed: no page may be taken on the ledger's word.
    let damaged: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| match line.get(32..) {
            // The header, and the newest time the builds saw.
            Some(rest) if i > 0 && !line.starts_with("newest ") => {
                format!("{}{rest}\n", "0".repeat(32))
            }
            _ => format!("{line}\n"),
        })
        .collect();
    std::fs::write(&ledger, damaged).unwrap();
    assert_eq!(reused(&l.build(&[])), (0, total));
    std::fs::write(&ledger, [0xff, 0xfe, 0x00, 0x9f]).unwrap();
    assert_eq!(reused(&l.build(&[])), (0, total));
    std::fs::remove_file(&ledger).unwrap();
    assert_eq!(reused(&l.build(&[])), (0, total));
    assert_eq!(reused(&l.build(&[])), (total, total));
    l.assert_as_from_scratch();
}

/// `get_env` is the one template function whose result the ledger cannot
/// see: a site whose templates mention it is never remembered.
#[test]
fn templates_that_read_the_environment_are_rendered_every_time() {
    let l = Ledgered::new("minimal");
    l.site.write(
        "templates/partials/footer.html",
        "<footer>{{ get_env(name=\"BEDSIDE_TEST_WORD\", default=\"none\") }}</footer>\n",
    );
    l.build(&[("BEDSIDE_TEST_WORD", "first")]);
    assert!(l.site.read("public/index.html").contains("<footer>first"));
    let run = l.build(&[("BEDSIDE_TEST_WORD", "second")]);
    assert_eq!(reused(&run).0, 0);
    assert!(l.site.read("public/index.html").contains("<footer>second"));
}

/// With `BEDSIDE_CACHE_DIR` set to nothing, or none of it, `XDG_CACHE_HOME`
/// and `HOME` set, there is no ledger: every build renders every page, and
/// writes nothing outside the output.
#[test]
fn without_a_cache_folder_nothing_is_remembered() {
    let site = TestSite::new("minimal");
    let home = site.parent().join("home");
    let home = home.display().to_string();
    let build = || {
        site.gen_with_env(
            &["build", "-v"],
            &[("BEDSIDE_CACHE_DIR", ""), ("HOME", &home)],
        )
        .success()
    };
    build();
    let total = pages(&site);
    assert_eq!(reused(&build()), (0, total));
    let beside: Vec<_> = std::fs::read_dir(site.parent())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(beside, ["site"]);
}

/// A cache folder that cannot be made costs the speed, not the build.
#[test]
fn a_cache_folder_that_cannot_be_written_is_not_an_error() {
    let l = Ledgered::new("minimal");
    std::fs::write(&l.cache, "a file where the folder would be").unwrap();
    let (_, total) = reused(&l.build(&[]));
    let run = l.build(&[]);
    assert_eq!(reused(&run), (0, total));
    assert!(run.stderr.lines().all(|line| !line.starts_with("warning")));
    assert!(l.site.exists("public/index.html"));
}

/// A failed build keeps the ledger of the build still in the output, whose
/// pages the next build reuses.
#[test]
fn a_failed_build_leaves_the_ledger_of_the_output_as_it_was() {
    let l = Ledgered::new("full");
    let (_, total) = reused(&l.build(&[]));
    let before: BTreeMap<String, Vec<u8>> = l.site.files("public");
    let ledger = std::fs::read(l.ledger_file()).unwrap();
    let good = l.site.read("content/stretches/02-pelvic-tilt.md");
    l.site.write(
        "content/stretches/02-pelvic-tilt.md",
        "---\ntitle: [\n---\n",
    );
    l.site
        .gen_with_env(
            &["build"],
            &[("BEDSIDE_CACHE_DIR", &l.cache.display().to_string())],
        )
        .failure();
    assert_eq!(std::fs::read(l.ledger_file()).unwrap(), ledger);
    assert_eq!(l.site.files("public"), before);
    l.site.write("content/stretches/02-pelvic-tilt.md", &good);
    assert_eq!(reused(&l.build(&[])), (total, total));
}

/// A body is rendered again when a content file it links to is published
/// somewhere else, though nothing else of its page changed.
#[test]
fn a_moved_link_target_renders_the_bodies_that_link_to_it_again() {
    let l = Ledgered::new("full");
    l.build(&[]);
    let guide = "public/sleeping-positions/index.html";
    assert!(
        l.site
            .read(guide)
            .contains("../stretches/seated-twist/index.html")
    );
    l.site.replace(
        "content/stretches/04-seated-twist.md",
        "+++\n",
        "+++\nslug = \"sitting-twist\"\n",
    );
    l.site.replace(
        "content/routines/evening.md",
        "[seated-twist,",
        "[sitting-twist,",
    );
    l.build(&[]);
    assert!(
        l.site
            .read(guide)
            .contains("../stretches/sitting-twist/index.html")
    );
    l.assert_as_from_scratch();
}

/// A body whose raw HTML is left out warns on every build, and is rendered
/// on every build to do so; `raw_html` turned on renders it again, kept.
#[test]
fn bodies_with_warnings_warn_on_every_build() {
    let l = Ledgered::new("full");
    let body = l.site.read("content/stretches/04-seated-twist.md");
    l.site.write(
        "content/stretches/04-seated-twist.md",
        &format!("{body}\n<div class=\"note\">A note in HTML.</div>\n"),
    );
    let first = l.build(&[]);
    let (_, total) = reused(&first);
    assert_eq!(first.warnings(), 1, "{first}");
    let second = l.build(&[]);
    assert_eq!(second.warnings(), 1, "{second}");
    assert_eq!(reused(&second), (total - 1, total));
    assert!(
        !l.site
            .read("public/stretches/seated-twist/index.html")
            .contains("A note in HTML.")
    );
    l.site
        .replace("gen.toml", "raw_html = false", "raw_html = true");
    let third = l.build(&[]);
    assert_eq!(third.warnings(), 0, "{third}");
    assert!(
        l.site
            .read("public/stretches/seated-twist/index.html")
            .contains("<div class=\"note\">A note in HTML.</div>")
    );
    l.assert_as_from_scratch();
}
