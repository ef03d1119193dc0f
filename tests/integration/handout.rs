//! The printed handout (issue 4), read back from the PDF itself: printed by headless
//! Chromium at A4 and at US Letter with the page's own size not preferred, the repository's
//! handout and the worst-case fixture (every text at its SPEC §1 maximum) must each take
//! exactly one page of the right size, with every word at 12 pt or more (the footer line at
//! 9 pt or more), every word on the sheet, every text in full, and a QR code that decodes to
//! the routine's URL. Also `gen build --pdf` and its error without a browser.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::browser::{self, Tool};
use crate::support::TestSite;

/// The base URL the repository's handout is built with, so that it has a QR code.
const BASE_URL: &str = "https://example.org/back/";

/// A paper: name and size in points.
#[derive(Debug, Clone, Copy)]
struct Paper {
    name: &'static str,
    width: f64,
    height: f64,
}

const A4: Paper = Paper {
    name: "a4",
    width: 595.0,
    height: 842.0,
};
const LETTER: Paper = Paper {
    name: "letter",
    width: 612.0,
    height: 792.0,
};

/// The smallest type size allowed on the handout, and on its footer line.
const MIN_PT: f64 = 12.0;
const MIN_FOOTER_PT: f64 = 9.0;
/// pdfplumber reports sizes to 1/100 pt; below this a word counts as smaller than 12 pt.
const SIZE_EPSILON: f64 = 0.01;

// ---------- What the handout must say, from the site's sources ----------

/// The texts a built handout must carry, each with what it is.
struct Expected {
    /// `(what, text)`: titles, dose lines, cues, main cautions, points, total time.
    texts: Vec<(String, String)>,
    /// The dose lines, in order.
    doses: Vec<String>,
    /// The footer line's text.
    footer: String,
    /// The routine's absolute URL, when the site has a base URL.
    url: Option<String>,
    /// The routine's title (for the failure report).
    title: String,
}

/// The TOML front matter of a content file (`+++` fences only: the sites here use TOML).
fn front_matter(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let body = text
        .strip_prefix("+++\n")
        .and_then(|rest| rest.split_once("\n+++").map(|(fm, _)| fm))
        .unwrap_or_else(|| panic!("{}: this test reads TOML front matter only", path.display()));
    body.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The default slug of a file stem (SPEC §1 Slugs).
fn slug_of(stem: &str) -> String {
    let stem = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    let mut slug = String::new();
    let mut gap = false;
    for c in stem.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push(c);
        } else {
            gap = true;
        }
    }
    slug
}

fn string(table: &toml::Table, key: &str) -> String {
    table
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no string `{key}` in {table:?}"))
        .to_string()
}

fn strings(table: &toml::Table, key: &str) -> Vec<String> {
    table
        .get(key)
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The Markdown files of a folder, by slug, with their front matter.
fn content_files(dir: &Path) -> BTreeMap<String, toml::Table> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_none_or(|n| n != "_index.md")
        {
            let table = front_matter(&path);
            let stem = path.file_stem().expect("a stem").to_string_lossy();
            let slug = table
                .get("slug")
                .and_then(|v| v.as_str())
                .map_or_else(|| slug_of(&stem), str::to_string);
            files.insert(slug, table);
        }
    }
    files
}

/// Decodes the few entities Tera's escaping writes.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The text of every element that starts with `open` (e.g. `<p class="dose">`) up to the
/// next `close`, tags removed.
fn elements(html: &str, open: &str, close: &str) -> Vec<String> {
    html.match_indices(open)
        .filter_map(|(at, _)| {
            let start = at + open.len();
            html[start..]
                .find(close)
                .map(|end| &html[start..start + end])
        })
        .map(|inner| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            unescape(&text).trim().to_string()
        })
        .collect()
}

/// What the handout of the main routine of the site at `root`, built into `out`, must say.
fn expected(root: &Path, out: &Path, base_url: Option<&str>) -> Expected {
    let config: toml::Table = std::fs::read_to_string(root.join("gen.toml"))
        .map(|t| t.parse().expect("gen.toml parses"))
        .unwrap_or_default();
    let routines = content_files(&root.join("content/routines"));
    let main = config
        .get("handout")
        .and_then(|h| h.get("routine"))
        .and_then(|r| r.as_str())
        .map(str::to_string)
        .or_else(|| {
            if routines.len() == 1 {
                routines.keys().next().cloned()
            } else {
                None
            }
        })
        .expect("the main routine: [handout] routine in gen.toml, or a single routine");
    let routine = &routines[&main];
    let stretches = content_files(&root.join("content/stretches"));
    let mut pages = content_files(&root.join("content"));
    for dir in std::fs::read_dir(root.join("content"))
        .expect("content/")
        .flatten()
    {
        let name = dir.file_name();
        if dir.path().is_dir() && name != "stretches" && name != "routines" {
            pages.extend(content_files(&dir.path()));
        }
    }

    let html = std::fs::read_to_string(out.join("handout/index.html")).expect("the handout");
    let doses = elements(&html, "<p class=\"dose\">", "</p>");
    let total = elements(&html, "<p class=\"total\">", "</p>");
    let footer = elements(&html, "<footer class=\"sheet-footer\">", "</footer>");

    let title = string(routine, "title");
    let mut texts = vec![("routine title".to_string(), title.clone())];
    let order = strings(routine, "stretches");
    assert_eq!(
        doses.len(),
        order.len(),
        "one dose line per stretch in the handout's HTML"
    );
    for (slug, dose) in order.iter().zip(&doses) {
        let stretch = &stretches[slug];
        texts.push((format!("{slug}: title"), string(stretch, "title")));
        texts.push((format!("{slug}: dose line"), dose.clone()));
        texts.push((format!("{slug}: cue"), string(stretch, "cue")));
        let caution = strings(stretch, "cautions").into_iter().next();
        texts.push((
            format!("{slug}: main caution"),
            caution.expect("a main caution"),
        ));
    }
    for (slug, page) in &pages {
        let role = page.get("role").and_then(|r| r.as_str());
        if matches!(role, Some("preparation" | "red-flags")) {
            for (i, point) in strings(page, "handout_points").into_iter().enumerate() {
                texts.push((format!("{slug}: point {}", i + 1), point));
            }
        }
    }
    let total = total.first().cloned().expect("a total time in the handout");
    let time = total
        .split(" · ")
        .last()
        .expect("the total time")
        .to_string();
    assert!(time.contains("minute"), "total time {time:?}");
    texts.push(("total time".to_string(), time));

    let url = base_url.map(|b| format!("{}/routines/{main}/", b.trim_end_matches('/')));
    Expected {
        texts,
        doses,
        footer: footer.first().cloned().expect("a footer line"),
        url,
        title,
    }
}

// ---------- What the PDF says ----------

/// Whitespace runs made one space.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// As [`normalise`], and without hyphens: pdftotext joins a word broken at a hyphen at the
/// end of a line ("warm-" + "up" gives "warmup").
fn dehyphenate(text: &str) -> String {
    normalise(text)
        .replace(['-', '\u{2010}', '\u{ad}'], "")
        .replace(' ', "")
}

/// The PDF's text by pdftotext, of the whole page and of a part of it (`-x -y -W -H` in
/// points) when `area` is given.
fn pdftotext(pdf: &Path, area: Option<(f64, f64, f64, f64)>) -> String {
    let mut args: Vec<String> = vec!["-enc".into(), "UTF-8".into(), "-f".into(), "1".into()];
    args.extend(["-l".into(), "1".into()]);
    if let Some((x, y, w, h)) = area {
        for (flag, value) in [("-x", x), ("-y", y), ("-W", w), ("-H", h)] {
            args.push(flag.into());
            args.push(format!("{}", value.round() as i64));
        }
    }
    args.push(pdf.to_str().expect("UTF-8").into());
    args.push("-".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = browser::run("pdftotext", &args, Duration::from_secs(60));
    assert_eq!(output.code, Some(0), "pdftotext failed\n{output}");
    output.stdout
}

/// The texts of every QR code on the PDF's first page, rendered at 300 dpi.
fn qr_codes(pdf: &Path) -> Vec<String> {
    let png = pdf.with_extension("300dpi");
    let output = browser::run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-singlefile",
            "-f",
            "1",
            pdf.to_str().expect("UTF-8"),
            png.to_str().expect("UTF-8"),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(output.code, Some(0), "pdftoppm failed\n{output}");
    let png = png.with_extension("300dpi.png");
    let output = browser::run(
        "zbarimg",
        &["-q", "--raw", png.to_str().expect("UTF-8")],
        Duration::from_secs(60),
    );
    // zbarimg exits 4 when it finds no code.
    assert!(
        matches!(output.code, Some(0 | 4)),
        "zbarimg failed\n{output}"
    );
    output.stdout.lines().map(str::to_string).collect()
}

/// One printed handout's measurements, for the report.
struct Measured {
    /// The bottom of the lowest word, in points from the top of the page.
    lowest: f64,
    pages: u64,
    size: (f64, f64),
    smallest: f64,
    smallest_footer: f64,
    qr: Vec<String>,
}

/// Checks one printed handout; pushes what is wrong to `problems`.
fn check_sheet(
    label: &str,
    pdf: &Path,
    paper: Paper,
    expected: &Expected,
    problems: &mut Vec<String>,
) -> Measured {
    let facts = browser::pdf_facts(pdf);
    let mut problem = |text: String| problems.push(format!("{label}: {text}"));

    let pages = facts["pages"].as_u64().unwrap_or(0);
    if pages != 1 {
        problem(format!("{pages} pages, not one"));
    }
    let size = (
        facts["sizes"][0][0].as_f64().unwrap_or(0.0),
        facts["sizes"][0][1].as_f64().unwrap_or(0.0),
    );
    if (size.0 - paper.width).abs() > 1.0 || (size.1 - paper.height).abs() > 1.0 {
        problem(format!(
            "page size {:.2} × {:.2} pt, not {} ({} × {} pt ± 1)",
            size.0, size.1, paper.name, paper.width, paper.height
        ));
    }
    if facts["all_inside"] != true {
        problem(format!("words off the sheet: {}", facts["outside"]));
    }

    // Type size: every word at 12 pt or more, except the footer line, at 9 pt or more.
    let words = facts["words"].as_array().cloned().unwrap_or_default();
    if words.is_empty() {
        problem("no words in the PDF".to_string());
    }
    let size_of = |w: &Value| w["size"].as_f64().unwrap_or(0.0);
    let (small, large): (Vec<&Value>, Vec<&Value>) = words
        .iter()
        .partition(|w| size_of(w) < MIN_PT - SIZE_EPSILON);
    let smallest = large.iter().map(|w| size_of(w)).fold(f64::MAX, f64::min);
    let smallest_footer = small.iter().map(|w| size_of(w)).fold(f64::MAX, f64::min);
    if let Some(tiny) = small
        .iter()
        .find(|w| size_of(w) < MIN_FOOTER_PT - SIZE_EPSILON)
    {
        problem(format!("a word below {MIN_FOOTER_PT} pt: {tiny}"));
    }
    let lowest_large = large
        .iter()
        .map(|w| w["bottom"].as_f64().unwrap_or(0.0))
        .fold(0.0, f64::max);
    if let Some(above) = small
        .iter()
        .find(|w| w["top"].as_f64().unwrap_or(0.0) < lowest_large - 0.5)
    {
        problem(format!(
            "a word below 12 pt that is not on the footer line at the bottom: {above}"
        ));
    }
    let small_text: String = small
        .iter()
        .filter_map(|w| w["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if dehyphenate(&small_text) != dehyphenate(&expected.footer) {
        problem(format!(
            "the words below 12 pt are not exactly the footer line:\n  small: {small_text}\n  footer: {}",
            expected.footer
        ));
    }

    // Every text in full: in the page's text, or in that of its left or right half, since
    // pdftotext may interleave the lines of the two columns of stretches.
    let (width, height) = size;
    let texts: Vec<String> = [
        None,
        Some((0.0, 0.0, width / 2.0, height)),
        Some((width / 2.0, 0.0, width / 2.0, height)),
    ]
    .into_iter()
    .map(|area| pdftotext(pdf, area))
    .collect();
    let flat: Vec<String> = texts.iter().map(|t| normalise(t)).collect();
    let loose: Vec<String> = texts.iter().map(|t| dehyphenate(t)).collect();
    for (what, expected_text) in &expected.texts {
        let (want, want_loose) = (normalise(expected_text), dehyphenate(expected_text));
        if !flat.iter().any(|t| t.contains(&want)) && !loose.iter().any(|t| t.contains(&want_loose))
        {
            problem(format!(
                "{what} is not in the PDF's text in full: {expected_text:?}"
            ));
        }
    }

    // The QR code.
    let qr = qr_codes(pdf);
    match &expected.url {
        Some(url) if qr != [url.clone()] => {
            problem(format!("the QR code decodes to {qr:?}, not [{url:?}]"));
        }
        None if !qr.is_empty() => {
            problem(format!("a QR code without a base_url: {qr:?}"));
        }
        _ => {}
    }
    let lowest = words
        .iter()
        .filter(|w| w["page"] == 1)
        .map(|w| w["bottom"].as_f64().unwrap_or(0.0))
        .fold(0.0, f64::max);
    Measured {
        lowest,
        pages,
        size,
        smallest,
        smallest_footer,
        qr,
    }
}

/// The worst-case fixture's base URL (its gen.toml's).
fn worst_case_base_url(site: &TestSite) -> String {
    let config: toml::Table = site.read("gen.toml").parse().expect("gen.toml parses");
    string(&config, "base_url")
}

/// Makes the worst case German (`language = "de"`), with long compounds where a line that
/// ends early before them costs the sheet a line: a before-you-start point (beside the QR
/// code) and the cues of one stretch of each row, each at its maximum length.
fn in_german(site: &TestSite) {
    site.replace("gen.toml", "language = \"en\"", "language = \"de\"");
    let point = "Oberschenkelmuskulaturdehnung: Kniegelenksbeugung maximal schmerzfrei ausführen.";
    assert_eq!(point.chars().count(), 80);
    site.replace(
        "content/before-you-start.md",
        "\"Warm muscles move more; wait a few minutes with warm, slow breaths before moving\"",
        &format!("\"{point}\""),
    );
    let cue = "Rückenlage: Oberschenkelrückseitenmuskulatur dehnen, Lendenwirbelsäulenbeweglichkeit sachte einüben.";
    assert_eq!(cue.chars().count(), 100);
    for file in [
        "content/stretches/01-swimming-arms.md",
        "content/stretches/03-hamstring-sweep.md",
        "content/stretches/05-mammoth-warm-ups.md",
    ] {
        let text = site.read(file);
        let line = text
            .lines()
            .find(|l| l.starts_with("cue = "))
            .expect("a cue")
            .to_string();
        site.write(file, &text.replace(&line, &format!("cue = \"{cue}\"")));
    }
}

/// Puts the `title` of every routine and stretch of `site` in capitals.
fn titles_in_capitals(site: &TestSite) {
    for folder in ["content/routines", "content/stretches"] {
        let dir = site.path(folder);
        for entry in std::fs::read_dir(&dir).expect("the folder lists") {
            let path = entry.expect("an entry").path();
            let text = std::fs::read_to_string(&path).expect("the file reads");
            let changed: Vec<String> = text
                .lines()
                .map(|line| match line.strip_prefix("title = ") {
                    Some(value) => format!("title = {}", value.to_uppercase()),
                    None => line.to_string(),
                })
                .collect();
            assert_ne!(
                changed.join("\n"),
                text.trim_end(),
                "{} has no title line",
                path.display()
            );
            std::fs::write(&path, changed.join("\n") + "\n").expect("the file writes");
        }
    }
}

/// One handout to print: a label, its HTML, and what it must say.
struct Sheet {
    label: &'static str,
    html: PathBuf,
    expected: Expected,
}

#[test]
fn handouts_print_on_one_sheet_of_a4_and_of_letter_at_full_type_size() {
    browser::require(&[
        Tool::Node,
        Tool::Chromium,
        Tool::Pdfplumber,
        Tool::Poppler,
        Tool::Zbar,
    ]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let repo = browser::repository();

    let repo_out = dir.path().join("repository");
    browser::build_repository(&repo_out, &["--base-url", BASE_URL]);
    let plain_out = dir.path().join("no-base-url");
    browser::build_repository(&plain_out, &[]);
    let worst = TestSite::new("worst-case");
    worst.build(&["--quiet"]).success();
    let worst_out = worst.path("public");
    let worst_base = worst_case_base_url(&worst);
    // The same texts with the routine's and the stretches' titles in capitals, which are
    // wider than any mixed-case title: they must fit as well.
    let capitals = TestSite::new("worst-case");
    titles_in_capitals(&capitals);
    capitals.build(&["--quiet"]).success();
    let capitals_out = capitals.path("public");
    let german = TestSite::new("worst-case");
    in_german(&german);
    german.build(&["--quiet"]).success();
    let german_out = german.path("public");

    let plain_html = std::fs::read_to_string(plain_out.join("handout/index.html")).expect("HTML");
    assert!(
        !plain_html.contains("class=\"qr\"") && !plain_html.contains("<svg class=\"qr\""),
        "a handout without base_url has a QR code"
    );
    for out in [&repo_out, &worst_out] {
        let html = std::fs::read_to_string(out.join("handout/index.html")).expect("HTML");
        assert!(
            html.contains("class=\"qr\""),
            "no QR code in {}",
            out.display()
        );
    }

    let sheets = [
        Sheet {
            label: "repository",
            html: repo_out.join("handout/index.html"),
            expected: expected(&repo, &repo_out, Some(BASE_URL)),
        },
        Sheet {
            label: "worst case",
            html: worst_out.join("handout/index.html"),
            expected: expected(&worst.root, &worst_out, Some(&worst_base)),
        },
        Sheet {
            label: "repository without base_url",
            html: plain_out.join("handout/index.html"),
            expected: expected(&repo, &plain_out, None),
        },
        Sheet {
            label: "worst case in capitals",
            html: capitals_out.join("handout/index.html"),
            expected: expected(&capitals.root, &capitals_out, Some(&worst_base)),
        },
        Sheet {
            label: "worst case in German",
            html: german_out.join("handout/index.html"),
            expected: expected(&german.root, &german_out, Some(&worst_base)),
        },
    ];
    let doses: Vec<String> = sheets[1]
        .expected
        .doses
        .iter()
        .map(|d| normalise(d))
        .collect();
    assert_eq!(doses, WORST_CASE_DOSES, "the worst case's dose lines");

    // One browser prints every job.
    let mut jobs: Vec<(String, String, Paper, usize)> = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let papers: &[Paper] = if i == 2 { &[A4] } else { &[A4, LETTER] };
        for paper in papers {
            let pdf = dir.path().join(format!("sheet-{i}-{}.pdf", paper.name));
            jobs.push((
                sheet.html.to_str().expect("UTF-8").to_string(),
                pdf.to_str().expect("UTF-8").to_string(),
                *paper,
                i,
            ));
        }
    }
    let args: Vec<&str> = jobs
        .iter()
        .flat_map(|(html, pdf, paper, _)| [html.as_str(), pdf.as_str(), paper.name])
        .collect();
    {
        let _one = browser::one_at_a_time();
        browser::node("print.mjs", &args);
    }

    let mut problems = Vec::new();
    for (_, pdf, paper, i) in &jobs {
        let sheet = &sheets[*i];
        let label = format!("{} at {}", sheet.label, paper.name);
        let measured = check_sheet(
            &label,
            Path::new(pdf),
            *paper,
            &sheet.expected,
            &mut problems,
        );
        eprintln!(
            "{label} ({:?}): {} page(s), {:.2} × {:.2} pt, lowest text at {:.1} pt, smallest type {:.2} pt, footer {:.2} pt, QR {:?}",
            sheet.expected.title,
            measured.pages,
            measured.size.0,
            measured.size.1,
            measured.lowest,
            measured.smallest,
            measured.smallest_footer,
            measured.qr
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The worst case's dose lines: the widest positions, holds and repetitions.
const WORST_CASE_DOSES: [&str; 6] = [
    "Lying on your back · hold 20–30 s · each side · 10 times",
    "Lying on your side · hold about 30 s · each side · 10 times",
    "Lying on your front · hold up to 30 s · each side · 10 times",
    "Lying on your back · hold 20–30 s · each side · 10 times",
    "Lying on your front · hold up to 30 s · each side · 10 times",
    "Lying on your front · hold 20–30 s · both sides · 10 times",
];

#[test]
fn worst_case_fixture_holds_every_handout_text_at_its_maximum_length() {
    let root = crate::support::fixtures().join("worst-case");
    let chars = |s: &str| s.chars().count();
    let routine = content_files(&root.join("content/routines"));
    assert_eq!(routine.len(), 1);
    let routine = routine.values().next().expect("a routine");
    assert_eq!(chars(&string(routine, "title")), 60, "routine title");
    let order = strings(routine, "stretches");
    assert_eq!(order.len(), 6, "six stretches");
    let stretches = content_files(&root.join("content/stretches"));
    for slug in &order {
        let s = &stretches[slug];
        assert_eq!(chars(&string(s, "title")), 48, "{slug}: title");
        assert_eq!(chars(&string(s, "cue")), 100, "{slug}: cue");
        assert_eq!(
            chars(&strings(s, "cautions")[0]),
            80,
            "{slug}: main caution"
        );
    }
    let pages = content_files(&root.join("content"));
    for (role, count) in [("preparation", 4), ("red-flags", 6)] {
        let page = pages
            .values()
            .find(|p| p.get("role").and_then(|r| r.as_str()) == Some(role))
            .unwrap_or_else(|| panic!("a {role} page"));
        let points = strings(page, "handout_points");
        assert_eq!(points.len(), count, "{role} points");
        for point in points {
            assert_eq!(chars(&point), 80, "{role} point {point:?}");
        }
    }
}

/// The theme bundles its fonts so that the sheet is laid out the same on every machine: the
/// letters of Polish, Czech or Turkish come from its Latin Extended subset, not from whatever
/// font the machine has.
#[test]
fn letters_beyond_basic_latin_print_in_the_bundled_font() {
    browser::require(&[Tool::Chromium, Tool::Poppler]);
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "cue = \"Lie on your back and hug one knee to your chest.\"",
        "cue = \"Połóż się na plecach; přitáhni koleno, şimdi yavaşça.\"",
    );
    {
        let _one = browser::one_at_a_time();
        site.build(&["--quiet", "--pdf"]).success();
    }
    let pdf = site.path("public/handout.pdf");
    let run = std::process::Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("pdffonts runs");
    let fonts = String::from_utf8_lossy(&run.stdout).into_owned();
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(!names.is_empty(), "no fonts in the PDF:\n{fonts}");
    for name in &names {
        assert!(
            name.contains("AtkinsonHyperlegible"),
            "{name} is not the bundled font:\n{fonts}"
        );
    }
    let text = pdftotext(&pdf, None);
    assert!(text.contains("Połóż"), "{text}");
}

#[test]
fn gen_build_pdf_writes_one_page_handouts_at_the_configured_paper() {
    browser::require(&[Tool::Chromium, Tool::Pdfplumber]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let repo_out = dir.path().join("repository");
    let worst = TestSite::new("worst-case");
    {
        let _one = browser::one_at_a_time();
        browser::build_repository(&repo_out, &["--pdf"]);
        worst.build(&["--quiet", "--pdf"]).success();
    }
    let mut problems = Vec::new();
    for (out, routine, paper) in [
        (repo_out.clone(), "morning", A4),
        (worst.path("public"), "warm-morning-movements", LETTER),
    ] {
        for pdf in [
            "handout.pdf".to_string(),
            format!("routines/{routine}/handout.pdf"),
        ] {
            let path = out.join(&pdf);
            if !path.is_file() {
                problems.push(format!("no {pdf} in {}", out.display()));
                continue;
            }
            let facts = browser::pdf_facts(&path);
            let (w, h) = (
                facts["sizes"][0][0].as_f64().unwrap_or(0.0),
                facts["sizes"][0][1].as_f64().unwrap_or(0.0),
            );
            eprintln!(
                "gen --pdf {routine} {pdf}: {} page(s), {w:.2} × {h:.2} pt, smallest type {} pt",
                facts["pages"], facts["min_size"]
            );
            if facts["pages"] != 1 {
                problems.push(format!("{pdf} of {routine}: {} pages", facts["pages"]));
            }
            if (w - paper.width).abs() > 1.0 || (h - paper.height).abs() > 1.0 {
                problems.push(format!(
                    "{pdf} of {routine}: {w} × {h} pt, not {} ({} × {} pt)",
                    paper.name, paper.width, paper.height
                ));
            }
            if facts["all_inside"] != true {
                problems.push(format!("{pdf} of {routine}: words off the sheet"));
            }
            if facts["min_size"].as_f64().unwrap_or(0.0) < MIN_FOOTER_PT - SIZE_EPSILON {
                problems.push(format!("{pdf} of {routine}: type below 9 pt"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn gen_build_pdf_without_a_browser_fails_saying_what_to_install() {
    let site = TestSite::new("worst-case");
    let run = site.build(&["--pdf", "--browser", "/nonexistent/chromium"]);
    assert_eq!(run.code, Some(1), "--browser /nonexistent\n{run}");
    assert!(
        run.stderr.contains("/nonexistent/chromium") && run.stderr.contains("Chromium"),
        "the error should name the browser given and what is needed\n{run}"
    );

    let empty = tempfile::tempdir().expect("a temporary folder");
    let folder = empty.path().to_str().expect("UTF-8");
    let run = site.build(&["--pdf", "--browser", folder]).failure();
    run.stderr_has(&[&format!("--browser {folder}: is a folder, not a program")]);
    let run = site.gen_with_env(
        &["build", "--pdf"],
        &[("PATH", empty.path().to_str().expect("UTF-8"))],
    );
    assert_eq!(run.code, Some(1), "--pdf with no browser on PATH\n{run}");
    let stderr = run.stderr.to_lowercase();
    assert!(
        stderr.contains("chromium") && stderr.contains("install"),
        "the error should say what to install\n{run}"
    );
    assert!(
        !site.exists("public/handout.pdf"),
        "no PDF without a browser"
    );
}

/// A browser that fails names the routine's file and where its PDF is
/// published, never the temporary folder the build was written to; the
/// previous output is left as it was.
#[test]
fn gen_build_pdf_names_the_routine_and_its_pdf_when_the_browser_fails() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let before = site.files("public");
    let browser = site.parent().join("failing-chromium");
    std::fs::write(
        &browser,
        "#!/bin/sh\necho \"cannot print: $*\" >&2\nexit 3\n",
    )
    .expect("the browser script");
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))
        .expect("an executable script");
    let run = site.build(&["--pdf", "--browser", browser.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Some(1), "{run}");
    let published = site.path("public/routines/morning/handout.pdf");
    let d = run.diagnostic("cannot print the handout of routine `morning`");
    assert!(
        d.contains(&format!("to {}: ", published.display())),
        "names the published PDF: {d}"
    );
    assert!(d.contains("exited with exit status: 3"), "{d}");
    assert!(
        d.contains(" --> content/routines/morning.md"),
        "names the routine's file: {d}"
    );
    assert!(
        d.contains("note: browser: cannot print: "),
        "shows what the browser said: {d}"
    );
    assert!(d.contains("help: check that "), "{d}");
    assert!(
        !run.stderr.contains(".gen-new-"),
        "names the staging folder\n{run}"
    );
    assert!(
        site.files("public") == before,
        "the previous output changed"
    );
    assert!(crate::support::entries_starting_with(&site.root, ".public.gen-").is_empty());
}

/// A `--browser` that is not a browser and ends well without printing is an error
/// that says so, not "exited with exit status: 0", which reads as a success.
#[test]
fn gen_build_pdf_with_a_program_that_prints_nothing_says_it_wrote_no_pdf() {
    let site = TestSite::new("minimal");
    let run = site.build(&["--pdf", "--browser", "/bin/true"]).failure();
    let d = run.diagnostic("cannot print the handout of routine `morning`");
    assert!(
        d.contains("/bin/true ended without writing a PDF (is it Chromium or Chrome?)"),
        "{d}"
    );
    assert!(!d.contains("exit status: 0"), "{d}");
    assert!(!site.exists("public/handout.pdf"), "{run}");
}

#[test]
fn gen_build_pdf_warns_when_a_handout_runs_onto_a_second_page() {
    browser::require(&[Tool::Chromium, Tool::Pdfplumber]);
    let site = TestSite::new("minimal");
    // A theme whose handout cannot fit: sixty paragraphs of 12pt type.
    site.write(
        "templates/handout.html",
        "<!DOCTYPE html><html><head><style>p { font-size: 12pt; margin: 0 0 6mm; }</style></head>\
         <body>{% for i in range(end=60) %}<p>Line {{ i }}</p>{% endfor %}</body></html>\n",
    );
    let run = {
        let _one = browser::one_at_a_time();
        site.build(&["--pdf"]).success()
    };
    let d = run.diagnostic("the handout of routine `morning` prints on");
    assert!(d.starts_with("warning: "), "{d}");
    let pdf = site.path("public/routines/morning/handout.pdf");
    let facts = browser::pdf_facts(&pdf);
    let pages = facts["pages"].as_u64().unwrap_or(0);
    assert!(pages > 1, "{facts}");
    assert!(
        d.contains(&format!("prints on {pages} pages of A4, not one")),
        "{d}"
    );
    assert!(d.contains(" --> content/routines/morning.md"), "{d}");
}

/// The widest dose lines the rules allow: the longest position label, a hold of
/// three-digit seconds in each form, each side and 50 times, in the worst case with
/// its titles in capitals. A four-digit hold ("1000–3600 s", once accepted) took a third
/// line beside the illustration and pushed the sheet onto a second page of both papers.
#[test]
fn the_widest_dose_lines_still_print_on_one_page_of_a4_and_of_letter() {
    browser::require(&[Tool::Chromium, Tool::Pdfplumber]);
    let holds = ["100–999 s", "up to 999 s", "about 999 s", "100-999 seconds"];
    let mut problems = Vec::new();
    for paper in [A4, LETTER] {
        let site = TestSite::new("worst-case");
        titles_in_capitals(&site);
        let dir = site.path("content/stretches");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the folder lists")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        files.sort();
        for (i, path) in files.iter().enumerate() {
            let text = std::fs::read_to_string(path).expect("the file reads");
            let changed: Vec<String> = text
                .lines()
                .map(|line| match line.split_once(" = ") {
                    Some(("hold", _)) => format!("hold = \"{}\"", holds[i % holds.len()]),
                    Some(("position", _)) => "position = \"prone\"".to_string(),
                    Some(("sides", _)) => "sides = \"each\"".to_string(),
                    Some(("reps", _)) => "reps = 50".to_string(),
                    _ => line.to_string(),
                })
                .collect();
            std::fs::write(path, changed.join("\n") + "\n").expect("the file writes");
        }
        site.replace(
            "gen.toml",
            "paper = \"letter\"",
            &format!("paper = \"{}\"", paper.name),
        );
        {
            let _one = browser::one_at_a_time();
            site.build(&["--quiet", "--pdf"]).success();
        }
        let html = site.read("public/handout/index.html");
        for time in [
            "up to <span class=\"nowrap\">999 s</span>",
            "100–999 s",
            "50 times",
        ] {
            assert!(html.contains(time), "no {time:?} on the handout");
        }
        let facts = browser::pdf_facts(&site.path("public/handout.pdf"));
        eprintln!(
            "widest doses at {}: {} page(s), smallest type {} pt",
            paper.name, facts["pages"], facts["min_size"]
        );
        if facts["pages"] != 1 {
            problems.push(format!("{}: {} pages, not one", paper.name, facts["pages"]));
        }
        if facts["all_inside"] != true {
            problems.push(format!("{}: words off the sheet", paper.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A title whose first word does not fit beside the step number on the
/// handout's narrow column (a long compound word, as German has) keeps the
/// number on its first line: the number went alone on a line of its own,
/// which cost every such stretch a line of the sheet.
#[test]
fn a_long_first_word_of_a_title_keeps_its_step_number_beside_it() {
    browser::require(&[Tool::Chromium, Tool::Pdfplumber]);
    let site = TestSite::new("minimal");
    let word = "Oberschenkelrückseitendehnungswiederholungsübung";
    assert_eq!(word.chars().count(), 48, "the longest title allowed");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "title = \"Knee hug\"",
        &format!("title = \"{word}\"\nslug = \"knee-hug\""),
    );
    {
        let _one = browser::one_at_a_time();
        site.build(&["--quiet", "--pdf"]).success();
    }
    let facts = browser::pdf_facts(&site.path("public/handout.pdf"));
    let words = facts["words"].as_array().expect("the PDF's words");
    let top = |text: &str| {
        words
            .iter()
            .find(|w| w["text"].as_str().is_some_and(|t| t.starts_with(text)))
            .and_then(|w| w["top"].as_f64())
            .unwrap_or_else(|| panic!("no {text:?} on the handout: {facts}"))
    };
    let number = words
        .iter()
        .find(|w| w["text"] == "1")
        .and_then(|w| w["top"].as_f64())
        .unwrap_or_else(|| panic!("no step number 1 on the handout: {facts}"));
    // Hyphenated, its first line may hold only its first syllables.
    let title = top("Ober");
    assert!(
        (number - title).abs() < 3.0,
        "the number 1 at {number} pt and the title's first line at {title} pt"
    );
}
