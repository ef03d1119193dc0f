//! Finds templates that would render forever: a file that includes itself
//! (directly, or through other includes, a parent it extends, or a macro),
//! and macros that call themselves. Tera would recurse until the stack
//! overflows and the process aborts; Bedside's template context holds no
//! nested data that needs recursion, so both are refused when the
//! templates load.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tera::Template;
use tera::ast::{ExprVal, Node};

use super::walk::{self, Visit};

/// Something a template renders: a whole file, or one macro of a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    File(String),
    Macro(String, String),
}

impl Item {
    fn describe(&self) -> String {
        match self {
            Item::File(file) => format!("`{file}`"),
            Item::Macro(file, name) => format!("macro `{name}` of `{file}`"),
        }
    }
}

/// A loop of `{% extends %}` among `templates`: the templates in the loop,
/// each extending the next, the first again at the end (`["a.html",
/// "a.html"]` for one that extends itself), or `None`.
///
/// Tera finds only the loops that come back to the template it starts from:
/// for `page.html` extending `base.html` extending itself it follows the
/// parents until the stack overflows. So every chain is followed here first,
/// each template once, before Tera builds its chains.
pub fn extends_loop(templates: &HashMap<String, Template>) -> Option<Vec<String>> {
    let mut names: Vec<&String> = templates.keys().collect();
    names.sort();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for name in names {
        let mut chain: Vec<&str> = Vec::new();
        let mut current = Some(name.as_str());
        while let Some(at) = current {
            if done.contains(at) {
                break;
            }
            if let Some(start) = chain.iter().position(|seen| *seen == at) {
                let mut looped: Vec<String> =
                    chain[start..].iter().map(|s| s.to_string()).collect();
                looped.push(at.to_string());
                return Some(looped);
            }
            chain.push(at);
            current = templates.get(at).and_then(|t| t.parent.as_deref());
        }
        done.extend(chain);
    }
    None
}

/// What rendering each item renders in turn.
#[derive(Default)]
struct Graph {
    edges: BTreeMap<Item, BTreeSet<Item>>,
}

/// The cycles among `templates`, each as the file it is reported in and a
/// message that names the whole loop. Empty when there are none.
pub fn find(templates: &HashMap<String, Template>) -> Vec<(String, String)> {
    let mut graph = Graph::default();
    for (file, template) in templates {
        let namespaces: HashMap<&str, &str> = template
            .imported_macro_files
            .iter()
            .map(|(path, namespace)| (namespace.as_str(), path.as_str()))
            .collect();
        let resolve = |namespace: &str| -> String {
            if namespace == "self" {
                file.clone()
            } else {
                namespaces
                    .get(namespace)
                    .map_or_else(String::new, |f| f.to_string())
            }
        };
        let whole = Item::File(file.clone());
        let mut targets = BTreeSet::new();
        if let Some(parent) = &template.parent {
            targets.insert(Item::File(parent.clone()));
        }
        collect_nodes(&template.ast, &resolve, &mut targets);
        graph.edges.insert(whole, targets);
        for (name, definition) in &template.macros {
            let mut targets = BTreeSet::new();
            collect_nodes(&definition.body, &resolve, &mut targets);
            graph
                .edges
                .insert(Item::Macro(file.clone(), name.clone()), targets);
        }
    }
    graph.cycles()
}

/// What a file or a macro renders: the files it includes and the macros it
/// calls.
struct Renders<'a> {
    resolve: &'a dyn Fn(&str) -> String,
    out: &'a mut BTreeSet<Item>,
}

impl Visit for Renders<'_> {
    fn node(&mut self, node: &Node) {
        if let Node::Include(_, names, _) = node {
            self.out
                .extend(names.iter().map(|name| Item::File(name.clone())));
        }
    }

    fn value(&mut self, value: &ExprVal) {
        if let ExprVal::MacroCall(call) = value {
            self.out.insert(Item::Macro(
                (self.resolve)(&call.namespace),
                call.name.clone(),
            ));
        }
    }
}

fn collect_nodes(nodes: &[Node], resolve: &dyn Fn(&str) -> String, out: &mut BTreeSet<Item>) {
    walk::nodes(nodes, &mut Renders { resolve, out });
}

impl Graph {
    /// Every cycle, found by depth-first search; each loop is reported once,
    /// at its smallest item.
    fn cycles(&self) -> Vec<(String, String)> {
        let mut found: BTreeMap<Vec<Item>, ()> = BTreeMap::new();
        let mut done: BTreeSet<&Item> = BTreeSet::new();
        for start in self.edges.keys() {
            let mut path: Vec<&Item> = Vec::new();
            self.visit(start, &mut path, &mut done, &mut found);
        }
        found
            .into_keys()
            .map(|cycle| {
                let file = match &cycle[0] {
                    Item::File(file) | Item::Macro(file, _) => file.clone(),
                };
                let mut chain: Vec<String> = cycle.iter().map(Item::describe).collect();
                chain.push(cycle[0].describe());
                (file, chain.join(" renders "))
            })
            .collect()
    }

    fn visit<'a>(
        &'a self,
        item: &'a Item,
        path: &mut Vec<&'a Item>,
        done: &mut BTreeSet<&'a Item>,
        found: &mut BTreeMap<Vec<Item>, ()>,
    ) {
        if let Some(at) = path.iter().position(|p| *p == item) {
            let mut cycle: Vec<Item> = path[at..].iter().map(|i| (*i).clone()).collect();
            let smallest = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
            cycle.rotate_left(smallest);
            found.insert(cycle, ());
            return;
        }
        if done.contains(item) {
            return;
        }
        path.push(item);
        for next in self.edges.get(item).into_iter().flatten() {
            self.visit(next, path, done, found);
        }
        path.pop();
        done.insert(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(files: &[(&str, &str)]) -> HashMap<String, Template> {
        files
            .iter()
            .map(|(name, text)| (name.to_string(), Template::new(name, None, text).unwrap()))
            .collect()
    }

    #[test]
    fn finds_include_and_macro_loops_and_passes_the_rest() {
        let cycles = find(&parse(&[("a.html", "{% include \"a.html\" %}")]));
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert!(
            cycles[0].1.contains("`a.html` renders `a.html`"),
            "{cycles:?}"
        );

        let cycles = find(&parse(&[
            ("a.html", "{% if x %}{% include \"b.html\" %}{% endif %}"),
            (
                "b.html",
                "{% for i in y %}{% include \"a.html\" %}{% endfor %}",
            ),
        ]));
        assert_eq!(cycles.len(), 1, "{cycles:?}");

        let cycles = find(&parse(&[
            ("m.html", "{% macro m() %}{{ self::m() }}{% endmacro m %}"),
            ("p.html", "{% import \"m.html\" as mm %}{{ mm::m() }}"),
        ]));
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert!(cycles[0].1.contains("macro `m` of `m.html`"), "{cycles:?}");

        let cycles = find(&parse(&[
            (
                "base.html",
                "{% block body %}{% endblock body %}{% include \"p.html\" %}",
            ),
            ("p.html", "{% extends \"base.html\" %}"),
        ]));
        assert_eq!(cycles.len(), 1, "{cycles:?}");

        let fine = find(&parse(&[
            (
                "m.html",
                "{% macro a() %}{{ self::b() }}{% endmacro a %}{% macro b() %}b{% endmacro b %}",
            ),
            (
                "p.html",
                "{% import \"m.html\" as mm %}{{ mm::a() }}{% include \"q.html\" %}{% include \"q.html\" %}",
            ),
            ("q.html", "q"),
        ]));
        assert!(fine.is_empty(), "{fine:?}");
    }
}
