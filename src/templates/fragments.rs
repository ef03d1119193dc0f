//! Includes rendered once for many pages.
//!
//! Every page of the default theme includes the site's header and footer,
//! and to Tera each value they print is a lookup of about two thousand
//! instructions: the two were a tenth of a 10,000-page build. Yet they come
//! out the same on all pages at one folder depth in one section. So when the
//! templates load, an `{% include %}` at the top level of a page's outermost
//! template becomes a variable, `{{ __bedside_include_N | safe }}`, wherever
//! the included file's output can depend on nothing but the context values
//! it names; before a page renders, the variable is set to that output,
//! rendered once for each distinct set of those values and kept.
//!
//! An include qualifies when the file it includes (and every file that one
//! includes) reads the context only by plain names: no function calls
//! (`get_env` reads the environment), no macros, no `set`, no blocks, no
//! `__tera_context`, no `[…]` subscripts. No template may `set` a variable
//! of a name it reads (the value set would shadow the context's), the
//! template holding the include may not itself be included anywhere (its
//! include would then see another frame), and the pages rendered through it
//! must be escaped as the included file is (Tera escapes by the name of the
//! page's template; a kept output was escaped by the included file's).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use tera::ast::{Expr, ExprVal, FunctionCall, Node};
use tera::{Context, Tera};

use crate::render::ledger::Key;

/// The start of the variables includes become: no context value or template
/// variable of a site starts so.
const PREFIX: &str = "__bedside_include_";

/// A fragment stops keeping its outputs when, after this many were made,
/// fewer were used again than made (a file that shows each page's own data).
const GIVE_UP: usize = 64;

/// The most outputs kept, for all fragments together; past it, they are
/// all let go and kept anew.
const MOST_KEPT: usize = 4096;

/// The includes the templates' loading turned into variables, and the
/// outputs kept for them.
#[derive(Default)]
pub struct Fragments {
    /// The fragments each template's pages set, by the page's template.
    by_template: HashMap<String, Vec<usize>>,
    list: Vec<Fragment>,
    kept: RwLock<HashMap<(usize, u128), Arc<str>>>,
}

/// One included file whose output is kept.
struct Fragment {
    /// The file included.
    template: String,
    /// The variable the include became.
    variable: String,
    /// The names it reads (`root`, `site.title`), sorted.
    reads: Vec<String>,
    /// Outputs made, and outputs used again.
    made: AtomicUsize,
    reused: AtomicUsize,
}

impl Fragment {
    /// Whether keeping this fragment's outputs stopped paying.
    fn gave_up(&self) -> bool {
        let made = self.made.load(Ordering::Relaxed);
        made > GIVE_UP && self.reused.load(Ordering::Relaxed) < made
    }

    /// A hash of what the output depends on: each name read and its value
    /// (or its absence, which `is defined` tells apart from `null`). A
    /// dotted name stands for the one value it leads to, as for Tera:
    /// `site.title` hashes the title, not the whole site.
    fn key(&self, context: &Context) -> u128 {
        thread_local! {
            /// Each thread's key, made again for every page without
            /// allocating.
            static KEY: RefCell<Key> = RefCell::new(Key::new());
        }
        KEY.with_borrow_mut(|key| {
            key.clear();
            for name in &self.reads {
                key.text(name);
                match find(context, name) {
                    Some(value) => key.value(value),
                    None => key.absent(),
                }
            }
            key.finish()
        })
    }

    fn render(&self, tera: &Tera, context: &Context) -> tera::Result<Arc<str>> {
        let mut out = Vec::with_capacity(4096);
        tera.render_to(&self.template, context, super::Capped::new(&mut out))?;
        Ok(String::from_utf8_lossy(&out).into())
    }
}

impl Fragments {
    /// Finds the includes that qualify (see the module's documentation) and
    /// turns each into its variable, in `tera`'s own parsed templates.
    pub fn prepare(tera: &mut Tera) -> Fragments {
        let mut assigned = HashSet::new();
        let mut included = HashSet::new();
        for template in tera.templates.values() {
            names_set_and_included(&template.ast, &mut assigned, &mut included);
            for definition in template.macros.values() {
                names_set_and_included(&definition.body, &mut assigned, &mut included);
            }
        }
        // The pages whose top-level nodes are each template's.
        let mut pages: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, template) in &tera.templates {
            let outermost = template.parents.last().unwrap_or(name);
            pages.entry(outermost).or_default().push(name);
        }
        let escapes = |name: &str| tera.autoescape_suffixes.iter().any(|s| name.ends_with(s));
        let mut reads_of = HashMap::new();
        let mut fragments = Fragments::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut rewrites = Vec::new();
        let mut outermost: Vec<&str> = pages.keys().copied().collect();
        outermost.sort_unstable();
        for name in outermost {
            if included.contains(name) {
                continue;
            }
            let Some(template) = tera.templates.get(name) else {
                continue;
            };
            for (at, node) in template.ast.iter().enumerate() {
                let Node::Include(_, names, _) = node else {
                    continue;
                };
                let Some(file) = names.iter().find(|n| tera.templates.contains_key(*n)) else {
                    continue;
                };
                if pages[name]
                    .iter()
                    .any(|page| escapes(page) != escapes(file))
                {
                    continue;
                }
                let Some(reads) = reads(tera, file, &mut reads_of, 0) else {
                    continue;
                };
                if reads.iter().any(|r| assigned.contains(root(r))) {
                    continue;
                }
                let id = *index.entry(file.clone()).or_insert_with(|| {
                    fragments.list.push(Fragment {
                        template: file.clone(),
                        variable: format!("{PREFIX}{}", fragments.list.len()),
                        reads: reads.into_iter().collect(),
                        made: AtomicUsize::new(0),
                        reused: AtomicUsize::new(0),
                    });
                    fragments.list.len() - 1
                });
                rewrites.push((name.to_string(), at, id));
            }
        }
        let pages: HashMap<String, Vec<String>> = pages
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
            .collect();
        for (name, at, id) in rewrites {
            let Some(template) = tera.templates.get_mut(&name) else {
                continue;
            };
            if let Node::Include(ws, ..) = template.ast[at] {
                let safe = FunctionCall {
                    name: "safe".to_string(),
                    args: HashMap::new(),
                };
                let variable = ExprVal::Ident(fragments.list[id].variable.clone());
                template.ast[at] =
                    Node::VariableBlock(ws, Expr::with_filters(variable, vec![safe]));
            }
            for page in &pages[&name] {
                fragments
                    .by_template
                    .entry(page.clone())
                    .or_default()
                    .push(id);
            }
        }
        fragments
    }

    /// Whether pages of `template` print fragments.
    pub fn used_by(&self, template: &str) -> bool {
        self.by_template.contains_key(template)
    }

    /// Sets the variables of `template`'s fragments in `context`: a kept
    /// output when one was made from the same values, else a new one.
    pub fn set(&self, tera: &Tera, template: &str, context: &mut Context) -> tera::Result<()> {
        let Some(ids) = self.by_template.get(template) else {
            return Ok(());
        };
        for &id in ids {
            let fragment = &self.list[id];
            let html = if fragment.gave_up() {
                fragment.render(tera, context)?
            } else {
                let key = (id, fragment.key(context));
                let kept = self
                    .kept
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(&key)
                    .cloned();
                match kept {
                    Some(html) => {
                        fragment.reused.fetch_add(1, Ordering::Relaxed);
                        html
                    }
                    None => {
                        let html = fragment.render(tera, context)?;
                        fragment.made.fetch_add(1, Ordering::Relaxed);
                        let mut kept = self.kept.write().unwrap_or_else(PoisonError::into_inner);
                        // `gen serve` keeps its templates while the site
                        // changes: outputs of old values are let go.
                        if kept.len() >= MOST_KEPT {
                            kept.clear();
                        }
                        kept.insert(key, Arc::clone(&html));
                        html
                    }
                }
            };
            context.insert(fragment.variable.as_str(), &*html);
        }
        Ok(())
    }

    /// Removes what [`Fragments::set`] added to `context`.
    pub fn unset(&self, template: &str, context: &mut Context) {
        for &id in self.by_template.get(template).into_iter().flatten() {
            context.remove(&self.list[id].variable);
        }
    }
}

/// Collects the names any `set` assigns and the files any include names.
fn names_set_and_included(
    nodes: &[Node],
    assigned: &mut HashSet<String>,
    included: &mut HashSet<String>,
) {
    for node in nodes {
        match node {
            Node::Set(_, set) => {
                assigned.insert(set.key.clone());
            }
            Node::Include(_, names, _) => included.extend(names.iter().cloned()),
            Node::Block(_, block, _) => names_set_and_included(&block.body, assigned, included),
            Node::FilterSection(_, section, _) => {
                names_set_and_included(&section.body, assigned, included);
            }
            Node::Forloop(_, forloop, _) => {
                names_set_and_included(&forloop.body, assigned, included);
                if let Some(empty) = &forloop.empty_body {
                    names_set_and_included(empty, assigned, included);
                }
            }
            Node::If(branches, _) => {
                for (_, _, body) in &branches.conditions {
                    names_set_and_included(body, assigned, included);
                }
                if let Some((_, body)) = &branches.otherwise {
                    names_set_and_included(body, assigned, included);
                }
            }
            _ => {}
        }
    }
}

/// The context names `file` reads, with the files it includes; `None` when
/// its output may depend on more than their values.
fn reads(
    tera: &Tera,
    file: &str,
    known: &mut HashMap<String, Option<BTreeSet<String>>>,
    depth: usize,
) -> Option<BTreeSet<String>> {
    if let Some(found) = known.get(file) {
        return found.clone();
    }
    // Loops of includes are refused when the templates load; this is a
    // second guard.
    if depth > 32 {
        return None;
    }
    let template = tera.templates.get(file)?;
    let mut names = BTreeSet::new();
    let found = nodes_read(
        tera,
        &template.ast,
        &mut Vec::new(),
        &mut names,
        known,
        depth,
    )
    .is_some()
    .then_some(names);
    known.insert(file.to_string(), found.clone());
    found
}

/// Notes the names `nodes` read from the context; `bound` holds the loop
/// variables in scope, which are not the context's.
fn nodes_read(
    tera: &Tera,
    nodes: &[Node],
    bound: &mut Vec<String>,
    names: &mut BTreeSet<String>,
    known: &mut HashMap<String, Option<BTreeSet<String>>>,
    depth: usize,
) -> Option<()> {
    for node in nodes {
        match node {
            Node::Text(_) | Node::Raw(..) | Node::Comment(..) => {}
            Node::Break(_) | Node::Continue(_) => {}
            Node::VariableBlock(_, expr) => expr_read(expr, bound, names)?,
            Node::Include(_, files, _) => {
                let file = files.iter().find(|n| tera.templates.contains_key(*n))?;
                names.extend(reads(tera, file, known, depth + 1)?);
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    expr_read(condition, bound, names)?;
                    nodes_read(tera, body, bound, names, known, depth)?;
                }
                if let Some((_, body)) = &branches.otherwise {
                    nodes_read(tera, body, bound, names, known, depth)?;
                }
            }
            Node::Forloop(_, forloop, _) => {
                expr_read(&forloop.container, bound, names)?;
                // The loop's variables (and `loop`) hide the context's
                // within its body; an include in it is read as if outside,
                // which counts a few names too many, never too few.
                let scope = bound.len();
                bound.extend(forloop.key.iter().cloned());
                bound.push(forloop.value.clone());
                bound.push("loop".to_string());
                nodes_read(tera, &forloop.body, bound, names, known, depth)?;
                bound.truncate(scope);
                if let Some(empty) = &forloop.empty_body {
                    nodes_read(tera, empty, bound, names, known, depth)?;
                }
            }
            Node::FilterSection(_, section, _) => {
                for arg in section.filter.args.values() {
                    expr_read(arg, bound, names)?;
                }
                nodes_read(tera, &section.body, bound, names, known, depth)?;
            }
            Node::Set(..)
            | Node::Block(..)
            | Node::Super
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::MacroDefinition(..) => return None,
        }
    }
    Some(())
}

fn expr_read(expr: &Expr, bound: &[String], names: &mut BTreeSet<String>) -> Option<()> {
    value_read(&expr.val, bound, names)?;
    for filter in &expr.filters {
        for arg in filter.args.values() {
            expr_read(arg, bound, names)?;
        }
    }
    Some(())
}

fn value_read(value: &ExprVal, bound: &[String], names: &mut BTreeSet<String>) -> Option<()> {
    match value {
        ExprVal::Ident(ident) => ident_read(ident, bound, names)?,
        ExprVal::Math(math) => {
            expr_read(&math.lhs, bound, names)?;
            expr_read(&math.rhs, bound, names)?;
        }
        ExprVal::Logic(logic) => {
            expr_read(&logic.lhs, bound, names)?;
            expr_read(&logic.rhs, bound, names)?;
        }
        ExprVal::In(within) => {
            expr_read(&within.lhs, bound, names)?;
            expr_read(&within.rhs, bound, names)?;
        }
        ExprVal::Test(test) => {
            ident_read(&test.ident, bound, names)?;
            for arg in &test.args {
                expr_read(arg, bound, names)?;
            }
        }
        ExprVal::Array(items) => {
            for item in items {
                expr_read(item, bound, names)?;
            }
        }
        ExprVal::StringConcat(concat) => {
            for value in &concat.values {
                value_read(value, bound, names)?;
            }
        }
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
        ExprVal::FunctionCall(_) | ExprVal::MacroCall(_) => return None,
    }
    Some(())
}

/// Notes a name read: a plain or dotted name, as Tera looks it up. Tera's
/// escapes in names (`~0`, `~1`) and subscripts (`a[b]`) do not qualify.
fn ident_read(ident: &str, bound: &[String], names: &mut BTreeSet<String>) -> Option<()> {
    if ident.contains(['[', '~'])
        || ident.starts_with("__tera_context")
        || ident.starts_with(PREFIX)
    {
        return None;
    }
    if !bound.iter().any(|name| name == root(ident)) {
        names.insert(ident.to_string());
    }
    Some(())
}

/// The context name a name read starts with (`site` of `site.title`).
fn root(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// The value a dotted name leads to in `context`: each part a key of an
/// object or the index of an array, as Tera finds it.
fn find<'c>(context: &'c Context, name: &str) -> Option<&'c serde_json::Value> {
    let mut parts = name.split('.');
    let mut value = context.get(parts.next()?)?;
    for part in parts {
        value = match value {
            serde_json::Value::Object(map) => map.get(part)?,
            serde_json::Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(files: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(crate::templates::escape_html);
        tera.add_raw_templates(files.to_vec())
            .expect("the test templates parse");
        tera
    }

    /// The includes of `template` that became variables, by the file they
    /// included.
    fn variables(tera: &Tera, fragments: &Fragments, template: &str) -> Vec<String> {
        let ids = fragments
            .by_template
            .get(template)
            .cloned()
            .unwrap_or_default();
        let outermost = tera.templates[template]
            .parents
            .last()
            .map_or(template, String::as_str);
        let ast = &tera.templates[outermost].ast;
        for &id in &ids {
            let variable = &fragments.list[id].variable;
            assert!(
                ast.iter().any(|node| matches!(node,
                    Node::VariableBlock(_, Expr { val: ExprVal::Ident(name), .. }) if name == variable)),
                "{variable} is printed by {outermost}"
            );
        }
        ids.iter()
            .map(|&id| fragments.list[id].template.clone())
            .collect()
    }

    #[test]
    fn only_includes_whose_output_the_context_alone_decides_become_variables() {
        let base = "{% include \"plain.html\" %}\
            {% if x %}{% include \"plain.html\" %}{% endif %}\
            {% include \"function.html\" %}\
            {% include \"macro.html\" %}\
            {% include \"sets.html\" %}\
            {% include \"shadowed.html\" %}\
            {% include \"subscript.html\" %}\
            {% include \"nested.html\" %}\
            {% include \"context.html\" %}\
            {% block content %}{% endblock content %}";
        let mut tera = tera(&[
            ("base.html", base),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}{% set who = 1 %}{% endblock content %}",
            ),
            (
                "plain.html",
                "{{ site.title }}{% for item in nav %}{{ item.href }}{% endfor %}",
            ),
            (
                "function.html",
                "{{ get_env(name=\"HOME\", default=\"\") }}",
            ),
            ("macros.html", "{% macro m() %}m{% endmacro m %}"),
            (
                "macro.html",
                "{% import \"macros.html\" as macros %}{{ macros::m() }}",
            ),
            ("sets.html", "{% set y = 1 %}{{ y }}"),
            ("shadowed.html", "{{ who.name }}"),
            ("subscript.html", "{{ site[key] }}"),
            (
                "nested.html",
                "<b>{% include \"plain.html\" %}</b>{{ root }}",
            ),
            ("context.html", "{{ __tera_context }}"),
        ]);
        let fragments = Fragments::prepare(&mut tera);
        let expected = ["plain.html", "nested.html"];
        assert_eq!(variables(&tera, &fragments, "base.html"), expected);
        assert_eq!(variables(&tera, &fragments, "page.html"), expected);
        // The include inside `if` stays an include.
        assert!(matches!(tera.templates["base.html"].ast[1], Node::If(..)));
        let nested = &fragments.list[fragments.by_template["base.html"][1]];
        // A loop's variable is not the context's: `item` is not read.
        assert_eq!(nested.reads, ["nav", "root", "site.title"]);
    }

    #[test]
    fn included_templates_and_other_escaping_keep_their_includes() {
        let mut tera = tera(&[
            (
                "base.html",
                "{% include \"header.html\" %}{% block content %}{% endblock content %}",
            ),
            ("outer.html", "{% include \"base.html\" %}"),
            ("feed.txt", "{% include \"header.html\" %}"),
            ("header.html", "{{ site.title }}"),
        ]);
        let fragments = Fragments::prepare(&mut tera);
        // `base.html` is itself included: its include would see another
        // frame. A `.txt` page is not escaped; the kept output would be.
        assert!(variables(&tera, &fragments, "base.html").is_empty());
        assert!(variables(&tera, &fragments, "feed.txt").is_empty());
        assert!(variables(&tera, &fragments, "outer.html").is_empty());
    }

    #[test]
    fn pages_render_as_written_and_outputs_are_kept_per_distinct_values() {
        let files = [
            (
                "base.html",
                "<header>{% include \"header.html\" %}</header>{% block content %}{% endblock content %}{% include \"footer.html\" %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% endblock content %}",
            ),
            (
                "header.html",
                "<a href=\"{{ root }}\">{{ site.title }}</a>{% if stretch is defined %} {{ stretch.title }}{% endif %}{% for item in nav %}<i>{{ item.label }}</i>{% endfor %}",
            ),
            (
                "footer.html",
                "<footer>{{ site.note }} &amp; {{ root }}{% for site in nav %}/{{ site.label }}{{ loop.index }}{% endfor %}</footer>",
            ),
        ];
        let written = tera(&files);
        let mut tera = tera(&files);
        let fragments = Fragments::prepare(&mut tera);
        let nav = serde_json::json!([{"label": "Home"}, {"label": "A < B"}]);
        let mut outputs = Vec::new();
        for (root, title, stretch) in [
            ("../", "One", None),
            ("../", "Two", None),
            ("../../", "Three", Some("Cat & cow")),
            ("../../", "Four", Some("Knee hug")),
            ("../../", "Five", Some("Knee hug")),
        ] {
            let mut context = Context::new();
            context.insert("root", root);
            context.insert(
                "site",
                &serde_json::json!({"title": "S", "note": "<i>n</i>"}),
            );
            context.insert("nav", &nav);
            context.insert("page", &serde_json::json!({"title": title}));
            if let Some(stretch) = stretch {
                context.insert("stretch", &serde_json::json!({"title": stretch}));
            }
            let before = context.clone().into_json();
            fragments
                .set(&tera, "page.html", &mut context)
                .expect("the fragments render");
            let html = tera
                .render("page.html", &context)
                .expect("the page renders");
            fragments.unset("page.html", &mut context);
            assert_eq!(
                context.clone().into_json(),
                before,
                "the context is left as given"
            );
            let expected = written.render("page.html", &context).expect("as written");
            assert_eq!(html, expected);
            outputs.push(html);
        }
        assert!(
            outputs[2].contains(
                "<header><a href=\"../../\">S</a> Cat &amp; cow<i>Home</i><i>A &lt; B</i></header>"
            ),
            "{}",
            outputs[2]
        );
        assert!(
            outputs[2]
                .contains("<footer>&lt;i&gt;n&lt;/i&gt; &amp; ../..//Home1/A &lt; B2</footer>"),
            "{}",
            outputs[2]
        );
        let footer = fragments
            .list
            .iter()
            .find(|f| f.template == "footer.html")
            .expect("the footer is kept");
        assert_eq!(footer.reads, ["nav", "root", "site.note"]);
        // Headers for (../, none), (../../, Cat & cow), (../../, Knee hug);
        // footers for ../ and ../../.
        let kept = fragments.kept.read().expect("not poisoned").len();
        assert_eq!(kept, 5);
    }

    #[test]
    fn a_fragment_that_differs_on_every_page_stops_being_kept() {
        let files = [
            (
                "base.html",
                "{% include \"header.html\" %}{% block content %}{% endblock content %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}!{% endblock content %}",
            ),
            ("header.html", "<h1>{{ page.title }}</h1>"),
        ];
        let mut tera = tera(&files);
        let fragments = Fragments::prepare(&mut tera);
        for n in 0..(GIVE_UP * 2) {
            let mut context = Context::new();
            context.insert("page", &serde_json::json!({ "title": format!("Page {n}") }));
            fragments
                .set(&tera, "page.html", &mut context)
                .expect("set");
            let html = tera.render("page.html", &context).expect("rendered");
            assert_eq!(html, format!("<h1>Page {n}</h1>!"));
        }
        let header = &fragments.list[0];
        assert!(header.gave_up());
        assert_eq!(header.made.load(Ordering::Relaxed), GIVE_UP + 1);
        let kept = fragments.kept.read().expect("not poisoned").len();
        assert_eq!(kept, GIVE_UP + 1, "nothing kept once given up");
    }
}
