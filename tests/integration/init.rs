//! `gen init`: a new site from the starter built into the binary.

use super::editor_support::{EditorSite, gen_in};

#[test]
fn a_new_site_builds_with_the_built_in_theme() {
    let dir = EditorSite::empty();
    let run = gen_in(&dir.root, &["init", "my-site"]).status(0);
    assert!(run.stdout.contains("Next steps"), "{}", run.stdout);
    assert!(run.stdout.contains("cd my-site"), "{}", run.stdout);
    assert!(run.stdout.contains("gen serve"), "{}", run.stdout);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("Created a new site in my-site"), "{last}");
    let site = dir.path("my-site");
    assert!(site.join("gen.toml").is_file());
    assert!(site.join("content/_index.md").is_file());
    assert!(!site.join("themes").exists());
    gen_in(&site, &["build"]).status(0);
    assert!(site.join("public/index.html").is_file());
    assert!(site.join("public/handout/index.html").is_file());
    gen_in(&site, &["check"]).status(0);
}

#[test]
fn init_in_the_current_folder() {
    let dir = EditorSite::empty();
    std::fs::create_dir(dir.path(".git")).expect("a folder");
    let run = gen_in(&dir.root, &["init"]).status(0);
    assert!(!run.stdout.contains("  cd "), "{}", run.stdout);
    assert!(dir.path("gen.toml").is_file());
}

/// A folder holding only hidden entries counts as empty, as in Zola's
/// `init`: `git init` (or a `.gitignore`, an `.editorconfig`) may come first.
/// They are left as they were.
#[test]
fn a_folder_holding_only_hidden_entries_is_accepted() {
    let dir = EditorSite::empty();
    dir.write("site/.git/HEAD", "ref: refs/heads/main\n");
    dir.write("site/.gitignore", "public/\n");
    let run = gen_in(&dir.root, &["init", "site"]).status(0);
    assert!(run.stdout.contains("cd site"), "{}", run.stdout);
    assert_eq!(dir.read("site/.git/HEAD"), "ref: refs/heads/main\n");
    assert_eq!(dir.read("site/.gitignore"), "public/\n");
    assert!(dir.path("site/gen.toml").is_file());
    gen_in(&dir.path("site"), &["build"]).status(0);

    // A visible entry beside hidden ones is refused; the note names only it.
    let dir = EditorSite::empty();
    dir.write("site/.git/HEAD", "ref: refs/heads/main\n");
    dir.write("site/README.md", "mine");
    let run = gen_in(&dir.root, &["init", "site"]).status(1);
    assert!(
        run.stderr.contains("note: it holds README.md\n"),
        "{}",
        run.stderr
    );
    assert!(!dir.path("site/gen.toml").exists());
    assert!(!dir.path("site/content").exists());
}

#[test]
fn a_folder_that_is_not_empty_is_refused() {
    let dir = EditorSite::empty();
    dir.write("notes.txt", "mine");
    let run = gen_in(&dir.root, &["init", "."]).status(1);
    assert!(
        run.stderr.contains("the folder is not empty"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Init failed: 1 error."),
        "{}",
        run.stderr
    );
    assert!(!dir.path("gen.toml").exists());
    assert!(!dir.path("content").exists());
    assert_eq!(dir.read("notes.txt"), "mine");

    // Twice into the same folder: the second run is refused, and its help
    // names another folder than the one refused.
    gen_in(&dir.root, &["init", "my-site"]).status(0);
    let run = gen_in(&dir.root, &["init", "my-site"]).status(1);
    assert!(
        run.stderr
            .contains("help: choose a new or empty folder, e.g. `gen init my-stretches`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_link_to_nowhere_is_named_as_such() {
    let dir = EditorSite::empty();
    std::os::unix::fs::symlink("/nonexistent/bedside-site", dir.path("site")).expect("a link");
    let run = gen_in(&dir.root, &["init", "site"]).status(1);
    assert!(
        run.stderr.contains(
            "error: cannot make a site in site: it is a symbolic link to /nonexistent/bedside-site, which does not lead to a folder"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("File exists"), "{}", run.stderr);
    assert!(!run.stderr.contains("permissions"), "{}", run.stderr);
}

#[test]
fn a_file_in_the_way_of_the_folder_is_named_as_such() {
    let dir = EditorSite::empty();
    dir.write("notes", "mine");
    let run = gen_in(&dir.root, &["init", "notes/site"]).status(1);
    assert!(
        run.stderr
            .contains("help: a part of that path is a file, not a folder"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("permissions"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path("notes")).unwrap(), "mine");
}

#[test]
fn the_next_steps_cd_into_a_folder_named_like_an_option() {
    // `cd -site` is an invalid option to a shell's `cd`.
    let dir = EditorSite::empty();
    let run = gen_in(&dir.root, &["init", "--", "-site"]).status(0);
    assert!(run.stdout.contains("  cd ./-site\n"), "{}", run.stdout);
    assert!(dir.path("-site/gen.toml").is_file());
}
