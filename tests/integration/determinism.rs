//! Deterministic output: the same input gives byte-identical files whatever
//! the absolute path or the thread count.

use super::support::{TestSite, copy_tree, fixtures, gen_in};

#[test]
fn the_full_site_builds_byte_for_byte_the_same_anywhere() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = a.path().join("site");
    let second = b.path().join("a/much/longer/path/to/another-site");
    copy_tree(&fixtures().join("full"), &first);
    copy_tree(&fixtures().join("full"), &second);
    gen_in(&first, &["build"], &[("RAYON_NUM_THREADS", "1")]).success();
    gen_in(&second, &["build"], &[("RAYON_NUM_THREADS", "2")]).success();
    let one = super::support::files(&first.join("public"));
    let two = super::support::files(&second.join("public"));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between the two builds");
        let text = String::from_utf8_lossy(bytes);
        for root in [&first, &second] {
            assert!(
                !text.contains(&*root.to_string_lossy()),
                "{path} holds the site's absolute path"
            );
        }
    }
    assert!(one.len() > 50, "{} files", one.len());
}

#[test]
fn a_rebuild_gives_the_same_files() {
    let site = TestSite::new("full");
    site.gen_with_env(&["build", "--drafts"], &[("RAYON_NUM_THREADS", "2")])
        .success();
    let first = site.files("public");
    site.gen_with_env(&["build", "--drafts"], &[("RAYON_NUM_THREADS", "1")])
        .success();
    assert_eq!(site.files("public"), first);
}
