//! Finds the filters, tests and functions a template names that Tera does
//! not have (`| uper`, `is odd_number`, `now()`). Tera finds them only when
//! it renders the expression, so a build whose content has errors, or a
//! template no page uses, would not report them; read from the syntax tree
//! when the templates load, they are reported with every other problem.

use std::collections::BTreeSet;

use tera::Tera;
use tera::ast::ExprVal;

use super::walk::{self, Visit};

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
        let mut named = Named::default();
        walk::nodes(&template.ast, &mut named);
        for definition in template.macros.values() {
            walk::nodes(&definition.body, &mut named);
        }
        for (kind, name) in named.0 {
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

/// The names a template calls, by kind.
#[derive(Default)]
struct Named(BTreeSet<(Kind, String)>);

impl Visit for Named {
    fn value(&mut self, value: &ExprVal) {
        match value {
            ExprVal::FunctionCall(call) => {
                self.0.insert((Kind::Function, call.name.clone()));
            }
            ExprVal::Test(test) => {
                self.0.insert((Kind::Test, test.name.clone()));
            }
            _ => {}
        }
    }

    fn filter(&mut self, name: &str) {
        self.0.insert((Kind::Filter, name.to_string()));
    }
}
