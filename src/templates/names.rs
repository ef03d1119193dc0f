//! Finds the filters, tests and functions a template names that Tera does
//! not have (`| uper`, `is odd_number`, `now()`). Tera finds them only when
//! it renders the expression, so a build whose content has errors, or a
//! template no page uses, would not report them; read from the syntax tree
//! when the templates load, they are reported with every other problem.

use std::collections::BTreeSet;

use tera::Tera;
use tera::ast::{Expr, ExprVal, Node};

/// What kind of name an expression calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Filter,
    Test,
    Function,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Filter => "filter",
            Kind::Test => "test",
            Kind::Function => "function",
        }
    }
}

/// The names `tera` knows of a kind, sorted.
pub fn known(tera: &Tera, kind: Kind) -> Vec<&str> {
    let mut known: Vec<&str> = match kind {
        // `safe` and `default` are Tera's own, outside its list.
        Kind::Filter => tera
            .filters
            .keys()
            .map(String::as_str)
            .chain(["safe", "default"])
            .collect(),
        Kind::Test => tera.testers.keys().map(String::as_str).collect(),
        Kind::Function => tera.functions.keys().map(String::as_str).collect(),
    };
    known.sort_unstable();
    known
}

/// Every unknown name, by template, each once, sorted.
pub fn unknown(tera: &Tera) -> BTreeSet<(String, Kind, String)> {
    let filters = known(tera, Kind::Filter);
    let tests = known(tera, Kind::Test);
    let functions = known(tera, Kind::Function);
    let mut found = BTreeSet::new();
    for (file, template) in &tera.templates {
        let mut named = BTreeSet::new();
        collect_nodes(&template.ast, &mut named);
        for definition in template.macros.values() {
            collect_nodes(&definition.body, &mut named);
        }
        for (kind, name) in named {
            let list = match kind {
                Kind::Filter => &filters,
                Kind::Test => &tests,
                Kind::Function => &functions,
            };
            if list.binary_search(&name.as_str()).is_err() {
                found.insert((file.clone(), kind, name));
            }
        }
    }
    found
}

fn collect_nodes(nodes: &[Node], out: &mut BTreeSet<(Kind, String)>) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, expr) => collect_expr(expr, out),
            Node::MacroDefinition(_, definition, _) => collect_nodes(&definition.body, out),
            Node::Set(_, set) => collect_expr(&set.value, out),
            Node::FilterSection(_, section, _) => {
                out.insert((Kind::Filter, section.filter.name.clone()));
                section
                    .filter
                    .args
                    .values()
                    .for_each(|arg| collect_expr(arg, out));
                collect_nodes(&section.body, out);
            }
            Node::Block(_, block, _) => collect_nodes(&block.body, out),
            Node::Forloop(_, forloop, _) => {
                collect_expr(&forloop.container, out);
                collect_nodes(&forloop.body, out);
                if let Some(empty) = &forloop.empty_body {
                    collect_nodes(empty, out);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    collect_expr(condition, out);
                    collect_nodes(body, out);
                }
                if let Some((_, body)) = &branches.otherwise {
                    collect_nodes(body, out);
                }
            }
            Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::Include(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn collect_expr(expr: &Expr, out: &mut BTreeSet<(Kind, String)>) {
    collect_value(&expr.val, out);
    for filter in &expr.filters {
        out.insert((Kind::Filter, filter.name.clone()));
        filter.args.values().for_each(|arg| collect_expr(arg, out));
    }
}

fn collect_value(value: &ExprVal, out: &mut BTreeSet<(Kind, String)>) {
    match value {
        ExprVal::MacroCall(call) => call.args.values().for_each(|arg| collect_expr(arg, out)),
        ExprVal::FunctionCall(call) => {
            out.insert((Kind::Function, call.name.clone()));
            call.args.values().for_each(|arg| collect_expr(arg, out));
        }
        ExprVal::Math(math) => {
            collect_expr(&math.lhs, out);
            collect_expr(&math.rhs, out);
        }
        ExprVal::Logic(logic) => {
            collect_expr(&logic.lhs, out);
            collect_expr(&logic.rhs, out);
        }
        ExprVal::Test(test) => {
            out.insert((Kind::Test, test.name.clone()));
            test.args.iter().for_each(|arg| collect_expr(arg, out));
        }
        ExprVal::Array(items) => items.iter().for_each(|item| collect_expr(item, out)),
        ExprVal::StringConcat(concat) => concat
            .values
            .iter()
            .for_each(|value| collect_value(value, out)),
        ExprVal::In(within) => {
            collect_expr(&within.lhs, out);
            collect_expr(&within.rhs, out);
        }
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}
