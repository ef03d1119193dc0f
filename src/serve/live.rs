//! Live reload: a build counter that open pages follow over server-sent
//! events. Each finished rebuild (good or failed) bumps the counter; every
//! page whose build number differs from the server's reloads itself.

use std::io::{self, Write};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// How often an idle event stream sends a comment, to notice closed pages.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The build counter and the pages waiting on it.
#[derive(Debug, Default)]
pub struct Live {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Live {
    /// A counter at build 0.
    pub fn new() -> Live {
        Live::default()
    }

    /// The current build number.
    pub fn generation(&self) -> u64 {
        *self
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the build number and wakes every stream.
    pub fn publish(&self, generation: u64) {
        *self
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = generation;
        self.changed.notify_all();
    }

    /// Waits until the build number is not `seen` (returning it) or until
    /// `timeout` passes (returning `None`).
    pub fn wait_for_change(&self, seen: u64, timeout: Duration) -> Option<u64> {
        let guard = self
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |g| *g == seen)
            .unwrap_or_else(PoisonError::into_inner);
        (*guard != seen).then_some(*guard)
    }

    /// Streams the build number to one page as server-sent events (the raw
    /// HTTP response, headers included) until the page goes away: first the
    /// current number, then each new one.
    pub fn stream(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
Connection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 500\n\n",
        )?;
        let mut seen = self.generation();
        write!(out, "data: {seen}\n\n")?;
        out.flush()?;
        loop {
            match self.wait_for_change(seen, KEEP_ALIVE) {
                Some(generation) => {
                    seen = generation;
                    write!(out, "data: {seen}\n\n")?;
                }
                None => out.write_all(b": keep-alive\n\n")?,
            }
            out.flush()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn waiting_streams_see_each_publish() {
        let live = Arc::new(Live::new());
        assert_eq!(live.wait_for_change(0, Duration::from_millis(1)), None);
        let waiter = {
            let live = Arc::clone(&live);
            std::thread::spawn(move || live.wait_for_change(0, Duration::from_secs(10)))
        };
        live.publish(1);
        assert_eq!(waiter.join().ok().flatten(), Some(1));
        assert_eq!(live.generation(), 1);
    }
}
