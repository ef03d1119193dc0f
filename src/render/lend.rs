//! Values many pages show, lent to one page's template context at a time.
//!
//! Tera renders from a context that owns its values, so every page that shows
//! a stretch (its own page, the library, its position and target pages) needs
//! the stretch's JSON in a context of its own. Copying it in and dropping the
//! copy afterwards was a fifth of a 10,000-page build. Instead a page takes
//! the value out of its [`Pool`], renders, and gives it back. A value another
//! thread is using at that moment is made anew, so a pool ends up holding at
//! most one copy per thread that wanted it at the same time.

use std::sync::Mutex;

use serde_json::Value;

/// Spare copies of one value.
#[derive(Debug, Default)]
pub struct Pool(Mutex<Vec<Value>>);

impl Pool {
    /// A pool holding `value`.
    pub fn with(value: Value) -> Pool {
        Pool(Mutex::new(vec![value]))
    }

    /// A spare copy, or a new one from `make` when none is free.
    pub fn take(&self, make: impl FnOnce() -> Value) -> Value {
        let spare = self.0.lock().ok().and_then(|mut spare| spare.pop());
        spare.unwrap_or_else(make)
    }

    /// Returns a copy taken with [`Pool::take`], unchanged.
    pub fn give(&self, value: Value) {
        if let Ok(mut spare) = self.0.lock() {
            spare.push(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lends_one_copy_and_makes_another_only_while_it_is_out() {
        let pool = Pool::default();
        let mut made = 0;
        let mut make = || {
            made += 1;
            Value::from(made)
        };
        let first = pool.take(&mut make);
        let second = pool.take(&mut make);
        assert_eq!(
            (first.clone(), second.clone()),
            (Value::from(1), Value::from(2))
        );
        pool.give(first);
        pool.give(second);
        let again = pool.take(&mut make);
        let and_again = pool.take(&mut make);
        assert_eq!(made, 2, "both copies were lent again, none made");
        assert_ne!(again, and_again);
    }
}
