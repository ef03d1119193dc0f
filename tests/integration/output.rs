//! Safety of data (SPEC §7): the build is swapped in only when it all
//! succeeded; refused output folders; `--force`; dot-entries carried over;
//! stale files gone; nothing left behind.

use super::support::{
    Run, TestSite, entries_starting_with, files, gen_command, run_to_end, stretch,
};

/// Asserts that no staging or old tree is left beside `output` in `dir`.
#[track_caller]
fn nothing_left_behind(dir: &std::path::Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gen-"))
        .collect();
    assert!(
        left.is_empty(),
        "left behind in {}: {left:?}",
        dir.display()
    );
}

/// Asserts that every file of `public/` has one link: none is still shared
/// with the build it replaced, which is gone.
#[track_caller]
fn no_file_shared_with_the_old_build(site: &TestSite) {
    use std::os::unix::fs::MetadataExt;
    for file in files(&site.path("public")).keys() {
        let links = std::fs::metadata(site.path("public").join(file))
            .unwrap()
            .nlink();
        assert_eq!(links, 1, "{file} is still shared with the old build");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    std::fs::create_dir(site.path("public/.git")).unwrap();
    std::fs::write(site.path("public/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = site.files("public");
    assert!(before.contains_key(".bedside-build"));

    // A content error, then a template error found only while rendering.
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("reps", Some("99"))]),
    );
    site.build(&[]).failure();
    assert_eq!(site.files("public"), before, "the old output changed");
    nothing_left_behind(&site.root);

    site.write("content/stretches/01-knee-hug.md", &stretch(&[]));
    site.write(
        "templates/stretch.html",
        "{{ stretch.no_such_thing.at_all }}\n",
    );
    site.build(&[])
        .failure()
        .stderr_has(&["template `stretch.html` failed"]);
    assert_eq!(site.files("public"), before, "the old output changed");
    nothing_left_behind(&site.root);
    assert!(entries_starting_with(&site.root, ".public").is_empty());
}

#[test]
fn a_successful_build_replaces_stale_files_and_keeps_dot_entries() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    std::fs::create_dir_all(site.path("public/.git/objects")).unwrap();
    std::fs::write(site.path("public/.git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(site.path("public/.git/objects/ab"), [0u8, 1, 2]).unwrap();
    std::fs::write(site.path("public/.nojekyll"), "").unwrap();
    std::fs::write(site.path("public/stale.html"), "old").unwrap();
    std::fs::create_dir_all(site.path("public/stretches/gone")).unwrap();
    std::fs::write(site.path("public/stretches/gone/index.html"), "old").unwrap();
    // A stretch renamed: its old page must go.
    std::fs::rename(
        site.path("content/stretches/02-pelvic-tilt.md"),
        site.path("content/stretches/02-tilt.md"),
    )
    .unwrap();
    site.replace("content/routines/morning.md", "\"pelvic-tilt\"", "\"tilt\"");
    site.build(&[]).success();

    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert_eq!(
        std::fs::read(site.path("public/.git/objects/ab")).unwrap(),
        [0u8, 1, 2]
    );
    assert!(site.exists("public/.nojekyll"));
    assert!(!site.exists("public/stale.html"));
    assert!(!site.exists("public/stretches/gone"));
    assert!(!site.exists("public/stretches/pelvic-tilt"));
    assert!(site.exists("public/stretches/tilt/index.html"));
    nothing_left_behind(&site.root);
}

#[test]
fn output_folders_that_hold_or_are_the_site_are_refused() {
    let site = TestSite::new("minimal");
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::fs::create_dir_all(site.path("templates")).unwrap();
    std::fs::create_dir_all(site.path("themes/mine")).unwrap();
    let other = site.parent().join("other-site");
    std::fs::create_dir_all(other.join("content")).unwrap();
    let configured = site.parent().join("configured");
    std::fs::create_dir_all(&configured).unwrap();
    std::fs::write(configured.join("gen.toml"), "").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&site.root, site.parent().join("link")).unwrap();
    let before = files(&site.parent());
    let cases: Vec<(String, &str)> = vec![
        (".".into(), "it is the site folder itself"),
        (
            site.root.display().to_string(),
            "it is the site folder itself",
        ),
        ("./content/..".into(), "it is the site folder itself"),
        ("..".into(), "it contains the site folder"),
        #[cfg(unix)]
        ("../link".into(), "it is the site folder itself"),
        ("/".into(), "it contains the site folder"),
        (
            other.display().to_string(),
            "it holds a site (content/ or gen.toml), not a build",
        ),
        (
            configured.display().to_string(),
            "it holds a site (content/ or gen.toml), not a build",
        ),
        ("content".into(), "it is inside the site's content/ folder"),
        (
            "content/out".into(),
            "it is inside the site's content/ folder",
        ),
        (
            "static/out".into(),
            "it is inside the site's static/ folder",
        ),
        (
            "templates".into(),
            "it is inside the site's templates/ folder",
        ),
        (
            "themes/mine/out".into(),
            "it is inside the site's themes/ folder",
        ),
    ];
    for (dir, why) in &cases {
        let run = site.build(&["--output-dir", dir]).failure();
        run.stderr_has(&["refusing to use ", " as the output folder: ", why]);
        run.stderr_has(&["help: choose another folder with --output-dir"]);
        assert!(run.stdout.is_empty(), "{run}");
    }
    // --force does not override a refusal.
    for dir in [
        ".".to_string(),
        "content/out".into(),
        other.display().to_string(),
    ] {
        site.build(&["--output-dir", &dir, "--force"])
            .failure()
            .stderr_has(&["refusing to use "]);
    }
    assert_eq!(
        files(&site.parent()),
        before,
        "a refused build changed files"
    );
    nothing_left_behind(&site.root);
    nothing_left_behind(&site.parent());
}

/// SPEC §7: a folder of the site reached through a symbolic link is the
/// site's folder all the same. An output that is `static/` (the link
/// `static` → `public`), that holds it (`static` → `public/assets`, which a
/// swap would delete) or lies in a theme linked from `themes/` is refused
/// before anything is written, `--force` or not, and the user's files stay.
#[test]
fn output_folders_that_hold_or_are_the_sites_folders_through_links_are_refused() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    std::fs::create_dir(site.path("public/assets")).unwrap();
    std::fs::write(site.path("public/assets/logo.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink("public/assets", site.path("static")).unwrap();
    std::fs::create_dir_all(site.path("mytheme/templates")).unwrap();
    std::fs::create_dir(site.path("themes")).unwrap();
    std::os::unix::fs::symlink("../mytheme", site.path("themes/mine")).unwrap();
    let before = files(&site.parent());
    for (args, why) in [
        (
            vec![],
            "it holds the site's static/ folder, a symbolic link to ",
        ),
        (vec!["--force"], "it holds the site's static/ folder"),
        (
            vec!["--output-dir", "public/assets"],
            "it is inside the site's static/ folder",
        ),
        (
            vec!["--output-dir", "mytheme/out"],
            "it is inside the site's themes/mine/ folder",
        ),
    ] {
        let run = site.build(&args).failure();
        run.stderr_has(&["refusing to use ", " as the output folder: ", why]);
        assert_eq!(run.errors(), 1, "{run}");
    }
    std::fs::remove_file(site.path("static")).unwrap();
    std::os::unix::fs::symlink("public", site.path("static")).unwrap();
    site.build(&[])
        .failure()
        .stderr_has(&["public as the output folder: it is inside the site's static/ folder"]);
    std::fs::remove_file(site.path("static")).unwrap();
    std::os::unix::fs::symlink("public/assets", site.path("static")).unwrap();
    assert_eq!(
        files(&site.parent()),
        before,
        "a refused build changed files"
    );
    assert_eq!(site.read("public/assets/logo.svg"), "<svg/>");
    nothing_left_behind(&site.root);
}

/// `--output-dir` is read as the system reads a path: `link/..` is the folder
/// above where `link` leads, not the folder that holds the link. So the build
/// lands where `ls link/../www` looks, and a path that leads into `content/`
/// that way is refused.
#[test]
fn output_dir_follows_a_link_before_the_dot_dot_after_it() {
    let site = TestSite::new("minimal");
    let elsewhere = site.parent().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("deep")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("deep"), site.path("away")).unwrap();
    std::os::unix::fs::symlink("content/stretches", site.path("inward")).unwrap();

    site.build(&["--output-dir", "away/../www"]).success();
    assert!(elsewhere.join("www/index.html").is_file());
    assert!(
        !site.exists("www"),
        "built beside the link, not where it leads"
    );

    let run = site.build(&["--output-dir", "inward/../out"]).failure();
    run.stderr_has(&["out as the output folder: it is inside the site's content/ folder"]);
    assert!(!site.exists("out") && !site.exists("content/out"));
    nothing_left_behind(&site.root);
    nothing_left_behind(&elsewhere);
}

/// An output folder that cannot be made, because a file or a symbolic link
/// to nothing stands where it or a folder above it should be, is refused
/// before the build, naming what is in the way, not found at the swap.
#[test]
fn an_output_folder_blocked_by_a_file_or_a_broken_link_is_refused_up_front() {
    let site = TestSite::new("minimal");
    std::fs::write(site.parent().join("file"), "x").unwrap();
    std::os::unix::fs::symlink("content/gone", site.path("public")).unwrap();
    std::os::unix::fs::symlink("loop", site.parent().join("loop")).unwrap();
    let file = site.parent().join("file");
    let cases = [
        (
            vec![],
            format!(
                "{} is a symbolic link to content/gone, which does not lead to a folder",
                site.path("public").display()
            ),
        ),
        (
            vec!["--output-dir", "../file/www"],
            format!("{} is a file, not a folder", file.display()),
        ),
        (
            vec!["--output-dir", "../loop/www"],
            "is a symbolic link to loop, which does not lead to a folder".into(),
        ),
    ];
    let before = files(&site.parent());
    for (args, why) in &cases {
        let run = site.build(args).failure();
        run.stderr_has(&["refusing to use ", why]);
        assert_eq!(run.errors(), 1, "{run}");
        assert!(run.stdout.is_empty(), "{run}");
    }
    assert_eq!(
        files(&site.parent()),
        before,
        "a refused build changed files"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    nothing_left_behind(&site.root);
    nothing_left_behind(&site.parent());
}

#[test]
fn a_refused_output_folder_is_reported_with_the_content_errors() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("reps", Some("0"))]),
    );
    let run = site.build(&["--output-dir", "content"]).failure();
    run.stderr_has(&["refusing to use", "`reps` is 0"]);
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_folder_without_a_previous_build_is_replaced_only_with_force() {
    let site = TestSite::new("minimal");
    std::fs::create_dir(site.path("public")).unwrap();
    std::fs::write(site.path("public/notes.txt"), "mine").unwrap();
    let run = site.build(&[]).failure();
    let d = run.diagnostic("is not empty and holds no previous Bedside build");
    assert!(
        d.contains(&site.path("public").display().to_string()),
        "{d}"
    );
    assert!(d.contains("help: pass --force to replace it"), "{d}");
    assert_eq!(site.read("public/notes.txt"), "mine");
    assert_eq!(site.files("public").len(), 1);
    nothing_left_behind(&site.root);

    site.build(&["--force"]).success();
    assert!(!site.exists("public/notes.txt"));
    assert!(site.exists("public/index.html"));
    // Now it holds a Bedside build: no --force needed any more.
    site.build(&[]).success();
    nothing_left_behind(&site.root);
}

#[test]
fn a_folder_of_dot_entries_alone_needs_no_force_and_keeps_them() {
    // A `gh-pages` clone: `.git` is carried into each build, so nothing is
    // lost.
    let site = TestSite::new("minimal");
    std::fs::create_dir_all(site.path("public/.git")).unwrap();
    std::fs::write(site.path("public/.git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(site.path("public/.nojekyll"), "").unwrap();
    site.build(&[]).success();
    assert!(site.exists("public/index.html"));
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert!(site.exists("public/.nojekyll"));
    nothing_left_behind(&site.root);
}

#[test]
fn an_empty_folder_or_a_new_one_needs_no_force() {
    let site = TestSite::new("minimal");
    std::fs::create_dir(site.path("public")).unwrap();
    site.build(&[]).success();
    assert!(site.exists("public/index.html"));

    let out = site.parent().join("a/b/c/www");
    site.build(&["--output-dir", &out.display().to_string()])
        .success();
    assert!(out.join("index.html").exists());
    assert!(out.join(".bedside-build").exists());
    nothing_left_behind(out.parent().unwrap());

    // A file in the way is refused.
    std::fs::write(site.parent().join("file"), "x").unwrap();
    site.build(&["--output-dir", "../file"])
        .failure()
        .stderr_has(&["it is a file"]);
    assert_eq!(
        std::fs::read_to_string(site.parent().join("file")).unwrap(),
        "x"
    );
}

#[test]
fn the_output_folder_holds_only_the_build() {
    let site = TestSite::new("full");
    site.write("content/notes.md~", "editor backup");
    site.write("content/.hidden.md", "hidden");
    site.write("content/#draft.md#", "autosave");
    site.write("content/stretches/.01-knee-to-chest.md.swp", "swap");
    site.write("static/.DS_Store", "mac");
    site.write("static/notes.txt~", "backup");
    site.build(&[]).success();
    for (path, _) in site.files("public") {
        assert!(
            !path.ends_with('~') && !path.ends_with(".swp") && !path.contains(".DS_Store"),
            "{path}"
        );
        assert!(!path.ends_with(".md"), "{path}");
    }
}

#[test]
fn an_alias_may_not_make_a_top_level_dot_entry() {
    // SPEC §7: the old output's top-level dot-entries are carried into the
    // new one, so the build may not make one: an alias into `.well-known/`
    // is refused at its line, before anything is written, and never fails
    // later builds.
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    std::fs::create_dir(site.path("public/.well-known")).unwrap();
    std::fs::write(site.path("public/.well-known/security.txt"), "Contact: x\n").unwrap();
    let before = site.files("public");
    site.write(
        "content/about.md",
        &super::support::page(&[(
            "aliases",
            Some("[\"/.well-known/old/\", \"/.hidden\", \".old.html\", \"/a/.b/\"]"),
        )]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic(
        "alias \"/.well-known/old/\" would make `.well-known`, a top-level dot-entry of the output",
    );
    assert!(
        d.contains(" --> content/about.md:3:12\n"),
        "at the alias: {d}"
    );
    assert!(
        d.contains("help: the output's top-level names that start with `.`"),
        "{d}"
    );
    let d = run.diagnostic("alias \"/.hidden\" would make `.hidden`");
    assert!(d.contains(" --> content/about.md:3:33\n"), "{d}");
    run.diagnostic("alias \".old.html\" would make `.old.html`");
    run.stderr_lacks(&["cannot carry", "error: alias \"/a/.b/\""]);
    assert_eq!(run.errors(), 3, "a dot below the top is fine: {run}");
    assert_eq!(site.files("public"), before, "the old output changed");
    nothing_left_behind(&site.root);

    // Without the aliases the site builds, again and again, carrying
    // `.well-known/` over.
    site.write("content/about.md", &super::support::page(&[]));
    site.build(&[]).success();
    site.build(&[]).success();
    assert_eq!(site.read("public/.well-known/security.txt"), "Contact: x\n");
}

#[test]
fn a_hidden_static_folder_is_not_published_and_builds_again() {
    // Hidden files in static/ are ignored (SPEC §1), so `static/.well-known/`
    // never makes a top-level dot-entry that a rebuild would have to carry
    // over; the output's own `.well-known/` is carried over instead.
    let site = TestSite::new("minimal");
    site.write("static/.well-known/security.txt", "Contact: static\n");
    site.write("static/docs/.hidden/x.txt", "hidden\n");
    site.build(&[]).success();
    site.build(&[]).success();
    assert!(!site.exists("public/.well-known"));
    assert!(!site.exists("public/docs"));
    std::fs::create_dir(site.path("public/.well-known")).unwrap();
    std::fs::write(
        site.path("public/.well-known/security.txt"),
        "Contact: own\n",
    )
    .unwrap();
    site.build(&[]).success();
    site.build(&[]).success();
    assert_eq!(
        site.read("public/.well-known/security.txt"),
        "Contact: own\n"
    );
    nothing_left_behind(&site.root);
}

/// A rebuild links the files whose bytes did not change from the previous
/// build (same inode) and writes the changed ones anew; a file edited by
/// hand in the old output is written again, never kept.
#[cfg(unix)]
#[test]
fn a_rebuild_reuses_unchanged_files_and_writes_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let inode = |relative: &str| std::fs::metadata(site.path(relative)).unwrap().ino();
    let before_css = inode("public/css/style.css");
    let before_tilt = inode("public/stretches/pelvic-tilt/index.html");
    let before_hug = inode("public/stretches/knee-hug/index.html");
    std::fs::write(site.path("public/favicon.svg"), "edited by hand").unwrap();
    let body = site.read("content/stretches/01-knee-hug.md");
    site.write(
        "content/stretches/01-knee-hug.md",
        &format!("{body}\nA sentence added on the second build.\n"),
    );
    site.build(&[]).success();

    assert_eq!(inode("public/css/style.css"), before_css);
    assert_eq!(
        inode("public/stretches/pelvic-tilt/index.html"),
        before_tilt
    );
    assert_ne!(inode("public/stretches/knee-hug/index.html"), before_hug);
    assert!(
        site.read("public/stretches/knee-hug/index.html")
            .contains("A sentence added on the second build.")
    );
    assert_ne!(site.read("public/favicon.svg"), "edited by hand");
    no_file_shared_with_the_old_build(&site);
    nothing_left_behind(&site.root);
}

/// A previous output large enough for the threaded removal (hundreds of
/// folders under `stretches/`), rebuilt over with one stretch renamed and
/// one added: the old tree goes, and the new one is complete, with neither
/// a stale folder nor a file still shared with the old build.
#[test]
fn a_rebuild_over_a_large_output_removes_all_of_the_old_one() {
    let site = TestSite::new("minimal");
    for n in 0..300 {
        site.write(
            &format!("content/stretches/{:03}-extra-{n}.md", n + 10),
            &stretch(&[("title", Some(&format!("\"Extra stretch {n}\"")))]),
        );
    }
    site.build(&[]).success();
    let count = |dir: &str| std::fs::read_dir(site.path(dir)).unwrap().count();
    // 302 stretch folders, the library's index.html and its page/ folder.
    assert_eq!(count("public/stretches"), 304);
    site.remove("content/stretches/010-extra-0.md");
    site.write(
        "content/stretches/400-renamed.md",
        &stretch(&[("title", Some("\"Renamed stretch\""))]),
    );
    site.build(&[]).success();

    assert_eq!(count("public/stretches"), 304);
    assert!(!site.exists("public/stretches/extra-0"));
    assert!(
        site.read("public/stretches/renamed/index.html")
            .contains("Renamed stretch")
    );
    no_file_shared_with_the_old_build(&site);
    nothing_left_behind(&site.root);
}

/// Something other than a file where the previous build had a page (here a
/// FIFO, which would block whoever opens it to read) is replaced by the
/// page, never read, and the build does not wait on it.
#[test]
fn a_fifo_in_the_previous_output_is_replaced_without_waiting_on_it() {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let page = site.path("public/stretches/knee-hug/index.html");
    std::fs::remove_file(&page).unwrap();
    mknodat(CWD, &page, FileType::Fifo, Mode::from_raw_mode(0o644), 0).unwrap();
    site.build(&[]).success();
    assert!(
        site.read("public/stretches/knee-hug/index.html")
            .contains("Knee hug")
    );
    nothing_left_behind(&site.root);
}

/// Runs `gen ARGS` in the site as the unprivileged user `nobody`, through
/// util-linux's `setpriv`: root ignores permission bits, so a folder it
/// cannot remove needs another user. The ledgers are off (`nobody` may not
/// write where the tests keep them). A missing `setpriv` fails the test.
fn gen_as_nobody(site: &TestSite, args: &[&str]) -> Run {
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .map(std::path::Path::new)
        .find(|path| path.is_file())
        .expect("setpriv (Debian package util-linux) is needed: run scripts/test");
    // A copy beside the site: `nobody` may not reach the build's own binary
    // (a checkout under a private home folder).
    // A hard link when it can be: a copy is written through a file
    // descriptor that a process forked meanwhile by another test holds
    // until it runs its own program, and running the copy then fails with
    // "Text file busy" (ETXTBSY).
    let copy = site.parent().join("gen-for-nobody");
    if !copy.is_file() && std::fs::hard_link(env!("CARGO_BIN_EXE_gen"), &copy).is_err() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::copy(env!("CARGO_BIN_EXE_gen"), &copy).expect("gen copies");
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755))
            .expect("the copy is executable");
    }
    let gen_path = copy.to_str().expect("a UTF-8 path");
    let before = ["--reuid=65534", "--regid=65534", "--clear-groups", gen_path];
    let mut tries = 0;
    loop {
        let command = gen_command(
            setpriv,
            &before,
            &site.root,
            args,
            &[("BEDSIDE_CACHE_DIR", "")],
        );
        let run = run_to_end(command, "setpriv gen", std::time::Duration::from_secs(60));
        // The copy is busy only until that other process runs its program.
        if run.code == Some(126) && run.stderr.contains("Text file busy") && tries < 50 {
            tries += 1;
            std::thread::sleep(std::time::Duration::from_millis(20));
            continue;
        }
        assert!(!run.stderr.contains("panicked"), "gen panicked\n{run}");
        return run;
    }
}

/// Makes every folder and file under `dir` (and `dir`) writable by anyone,
/// so that `nobody` can build there.
fn open_to_everyone(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if dir.is_dir() { 0o777 } else { 0o666 };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            open_to_everyone(&entry.unwrap().path());
        }
    }
}

/// The names beside the output that start with `.public.gen-`.
fn trees_beside(site: &TestSite) -> Vec<String> {
    entries_starting_with(&site.root, ".public.gen-")
}

/// SPEC §7: once the new build is swapped in, an old tree that cannot be
/// removed (here a folder of it is read-only to the user) does not make the
/// build a failure: the report says the new build is in place and which
/// folder to remove, the exit status is 0, and the next build removes it.
#[test]
fn an_old_build_that_cannot_be_removed_is_reported_truthfully_and_removed_later() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::new("minimal");
    open_to_everyone(&site.parent());
    gen_as_nobody(&site, &["build"]).success();
    let read_only = site.path("public/stretches");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o555)).unwrap();
    site.replace(
        "content/stretches/01-knee-hug.md",
        "Hug one knee at a time.",
        "Hug one knee, then the other.",
    );

    let run = gen_as_nobody(&site, &["build"]).success();
    assert!(run.stdout.starts_with("Built "), "{run}");
    assert!(
        site.read("public/stretches/knee-hug/index.html")
            .contains("Hug one knee, then the other."),
        "the new build is in place"
    );
    let left = trees_beside(&site);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".public.gen-old-"), "{left:?}");
    let d = run.diagnostic("the new build is in place");
    assert!(d.starts_with("warning: "), "{d}");
    assert!(
        d.contains(&site.path("public").display().to_string()),
        "{d}"
    );
    assert!(d.contains("could not be removed: Permission denied"), "{d}");
    assert!(
        d.contains(&site.path(&left[0]).display().to_string()),
        "{d}"
    );
    assert!(d.contains("help: remove that folder yourself"), "{d}");
    run.stderr_lacks(&["error:", "Build failed"]);

    // While it still cannot be removed, every build says so.
    let run = gen_as_nobody(&site, &["build"]).success();
    let d = run.diagnostic("cannot remove a folder left beside the output");
    assert!(d.contains(&left[0]), "{d}");

    // Once it can be, the next build removes it.
    let stuck = site.path(&left[0]).join("stretches");
    std::fs::set_permissions(&stuck, std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = gen_as_nobody(&site, &["build"]).success();
    assert_eq!(run.warnings(), 0, "{run}");
    nothing_left_behind(&site.root);
}

/// Trees left beside the output by runs that were stopped (their process
/// is gone) are removed by the next build; those of a running process, a
/// build going on beside this one, are kept, and so is anything else.
#[test]
fn a_build_removes_the_trees_left_by_dead_runs_and_keeps_those_of_live_ones() {
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    ended.wait().unwrap();
    let dead = ended.id();
    let live = std::process::id();
    let plant = |name: &str| {
        let folder = site.path(name);
        std::fs::create_dir_all(folder.join("stretches/x")).unwrap();
        std::fs::write(folder.join("stretches/x/index.html"), "old").unwrap();
    };
    let gone = [
        format!(".public.gen-old-{dead}"),
        format!(".public.gen-new-{dead}"),
    ];
    let kept = [
        format!(".public.gen-old-{live}"),
        format!(".public.gen-new-{live}"),
        format!(".other.gen-old-{dead}"),
        ".public.gen-old-notes".to_string(),
    ];
    for name in gone.iter().chain(&kept) {
        plant(name);
    }
    site.build(&[]).success();
    for name in &gone {
        assert!(!site.exists(name), "{name} is still there");
    }
    for name in &kept {
        assert!(
            site.exists(&format!("{name}/stretches/x/index.html")),
            "{name} was touched"
        );
    }
    assert!(site.exists("public/index.html"));
}

/// A build that fails leaves no folder it made: none above the output
/// when the site has errors (nothing is made before it is checked), and
/// those it made for the output removed again when rendering fails.
#[test]
fn a_failed_build_removes_the_folders_it_made_above_the_output() {
    let site = TestSite::new("minimal");
    let x = site.parent().join("x");
    std::fs::create_dir(&x).unwrap();
    let out = x.join("deep/y/public");
    let out = out.to_str().unwrap();
    let empty = |dir: &std::path::Path| std::fs::read_dir(dir).unwrap().count() == 0;

    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("reps", Some("99"))]),
    );
    site.build(&["-o", out]).failure();
    assert!(empty(&x), "a site with errors made {:?}", files(&x));

    site.write("content/stretches/01-knee-hug.md", &stretch(&[]));
    site.write(
        "templates/stretch.html",
        "{{ stretch.no_such_thing.at_all }}\n",
    );
    site.build(&["-o", out]).failure();
    assert!(
        empty(&x),
        "a failed render left {:?}",
        std::fs::read_dir(&x).unwrap().collect::<Vec<_>>()
    );

    site.remove("templates/stretch.html");
    site.build(&["-o", out]).success();
    assert!(x.join("deep/y/public/index.html").is_file());
    nothing_left_behind(&x.join("deep/y"));
}

/// Runs `gen ARGS` in the site under `umask MASK`, through `sh`.
fn gen_with_umask(site: &TestSite, mask: &str, args: &[&str]) -> Run {
    let script = format!("umask {mask} && exec \"$0\" \"$@\"");
    let before = ["-c", script.as_str(), env!("CARGO_BIN_EXE_gen")];
    let command = gen_command(
        std::path::Path::new("/bin/sh"),
        &before,
        &site.root,
        args,
        &[],
    );
    run_to_end(command, "sh gen", std::time::Duration::from_secs(60))
}

/// A file taken unchanged from the previous build is linked, so it shares
/// that file's permissions: it is linked only when they are those a file
/// written now gets. A build under `umask 077`, then one under `umask 022`,
/// leaves every file readable by all, as a fresh build does; a `chmod` made
/// in the output does not outlast the next build either.
#[test]
fn files_taken_from_the_previous_build_have_the_permissions_of_this_one() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::new("minimal");
    let mode = |relative: &str| {
        std::fs::metadata(site.path(relative))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    gen_with_umask(&site, "077", &["build"]).success();
    assert_eq!(mode("public/index.html"), 0o600);
    gen_with_umask(&site, "022", &["build"]).success();
    for file in [
        "public/index.html",
        "public/css/style.css",
        "public/stretches/knee-hug/index.html",
    ] {
        assert_eq!(mode(file), 0o644, "{file}");
    }
    std::fs::set_permissions(
        site.path("public/index.html"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    gen_with_umask(&site, "022", &["build"]).success();
    assert_eq!(mode("public/index.html"), 0o644);
}

/// Every folder below `dir`, by path, sorted.
fn folders(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                let relative = path.strip_prefix(dir).unwrap();
                found.push(relative.display().to_string());
                pending.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A rebuild of a site large enough to be spread over the disk (change 31
/// in docs/performance.md): the folders of pages gone are not published,
/// and a file may take the place of a folder the previous build had, deep
/// or at the top. The output is what a build from scratch writes, folders
/// included.
#[test]
fn a_rebuild_publishes_only_the_folders_of_this_build() {
    let site = TestSite::new("minimal");
    for n in 0..80 {
        site.write(
            &format!("content/stretches/{:03}-extra-{n}.md", n + 10),
            &stretch(&[("title", Some(&format!("\"Extra stretch {n}\"")))]),
        );
    }
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nWho wrote this.\n",
    );
    site.build(&[]).success();
    assert!(site.exists("public/about/index.html"));
    assert!(site.exists("public/stretches/extra-1/index.html"));

    for n in 0..5 {
        site.remove(&format!("content/stretches/{:03}-extra-{n}.md", n + 10));
    }
    site.remove("content/about.md");
    site.write("static/about", "A file where a page was.\n");
    site.write("static/stretches/extra-1", "Another.\n");
    site.build(&[]).success();

    assert_eq!(site.read("public/about"), "A file where a page was.\n");
    assert_eq!(site.read("public/stretches/extra-1"), "Another.\n");
    for n in [0, 2, 3, 4] {
        assert!(!site.exists(&format!("public/stretches/extra-{n}")));
    }
    let scratch = site.parent().join("scratch");
    site.gen_with_env(
        &["build", "--output-dir", &scratch.display().to_string()],
        &[("BEDSIDE_CACHE_DIR", "")],
    )
    .success();
    assert_eq!(folders(&site.path("public")), folders(&scratch));
    assert_eq!(site.files("public"), files(&scratch));
    nothing_left_behind(&site.root);
}

/// A rebuild of a large site that fails leaves the previous output as it
/// was, and nothing beside it.
#[test]
fn a_failed_rebuild_of_a_large_site_leaves_nothing_behind() {
    let site = TestSite::new("minimal");
    for n in 0..80 {
        site.write(
            &format!("content/stretches/{:03}-extra-{n}.md", n + 10),
            &stretch(&[("title", Some(&format!("\"Extra stretch {n}\"")))]),
        );
    }
    site.build(&[]).success();
    let before = site.files("public");
    site.write(
        "content/stretches/200-broken.md",
        &stretch(&[("hold", Some("\"a while\""))]),
    );
    site.build(&[]).failure();
    assert_eq!(site.files("public"), before);
    nothing_left_behind(&site.root);
}
