//! A walk over a Tera template's syntax tree, for the checks that read it
//! when the templates load ([`super::cycles`], [`super::names`]).

use tera::ast::{Expr, ExprVal, Node};

/// What a walk is told of, in the order the template holds them.
pub trait Visit {
    /// A node, before the nodes and expressions inside it.
    fn node(&mut self, _node: &Node) {}
    /// An expression's value, before the expressions inside it.
    fn value(&mut self, _value: &ExprVal) {}
    /// A filter applied to an expression (`| upper`) or to a section.
    fn filter(&mut self, _name: &str) {}
}

/// Walks `nodes` and everything inside them, but not the bodies of the
/// macros they define: each of those is walked on its own (the template's
/// `macros`).
pub fn nodes(nodes: &[Node], visit: &mut impl Visit) {
    for node in nodes {
        visit.node(node);
        match node {
            Node::VariableBlock(_, expr) => self::expr(expr, visit),
            Node::Set(_, set) => expr(&set.value, visit),
            Node::FilterSection(_, section, _) => {
                visit.filter(&section.filter.name);
                section
                    .filter
                    .args
                    .values()
                    .for_each(|arg| expr(arg, visit));
                self::nodes(&section.body, visit);
            }
            Node::Block(_, block, _) => self::nodes(&block.body, visit),
            Node::Forloop(_, forloop, _) => {
                expr(&forloop.container, visit);
                self::nodes(&forloop.body, visit);
                if let Some(empty) = &forloop.empty_body {
                    self::nodes(empty, visit);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    expr(condition, visit);
                    self::nodes(body, visit);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self::nodes(body, visit);
                }
            }
            Node::MacroDefinition(..)
            | Node::Include(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn expr(expr: &Expr, visit: &mut impl Visit) {
    value(&expr.val, visit);
    for filter in &expr.filters {
        visit.filter(&filter.name);
        filter.args.values().for_each(|arg| self::expr(arg, visit));
    }
}

fn value(value: &ExprVal, visit: &mut impl Visit) {
    visit.value(value);
    match value {
        ExprVal::MacroCall(call) => call.args.values().for_each(|arg| expr(arg, visit)),
        ExprVal::FunctionCall(call) => call.args.values().for_each(|arg| expr(arg, visit)),
        ExprVal::Math(math) => {
            expr(&math.lhs, visit);
            expr(&math.rhs, visit);
        }
        ExprVal::Logic(logic) => {
            expr(&logic.lhs, visit);
            expr(&logic.rhs, visit);
        }
        ExprVal::Test(test) => test.args.iter().for_each(|arg| expr(arg, visit)),
        ExprVal::Array(items) => items.iter().for_each(|item| expr(item, visit)),
        ExprVal::StringConcat(concat) => concat
            .values
            .iter()
            .for_each(|part| self::value(part, visit)),
        ExprVal::In(within) => {
            expr(&within.lhs, visit);
            expr(&within.rhs, visit);
        }
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}
