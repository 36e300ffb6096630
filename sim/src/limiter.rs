//! Per-app QPS limit: a sliding one-second window of accepted calls.
//!
//! A sliding window (not fixed one-second buckets) so that a burst straddling a second boundary
//! cannot pass twice the limit; only accepted calls enter the window, so a client that backs off
//! by `Retry-After` gets through.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// The windows of every app.
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<i32, VecDeque<Instant>>>,
}

impl Limiter {
    /// Admits a call of `app` at `now`, or refuses it with the `Retry-After` seconds (≥ 1).
    pub fn admit(&self, app: i32, qps: u32, now: Instant) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = windows.entry(app).or_default();
        while window
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= WINDOW)
        {
            window.pop_front();
        }
        if window.len() < qps as usize {
            window.push_back(now);
            return Ok(());
        }
        // The oldest call leaves the window at `front + 1 s`; whole seconds, rounded up.
        let oldest = *window
            .front()
            .expect("qps >= 1, so the window is not empty");
        let wait = (oldest + WINDOW).saturating_duration_since(now);
        Err(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let l = Limiter::default();
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(l.admit(1, 3, t0 + Duration::from_millis(i * 100)), Ok(()));
        }
        assert_eq!(l.admit(1, 3, t0 + Duration::from_millis(500)), Err(1));
        // Another app has its own window.
        assert_eq!(l.admit(2, 3, t0 + Duration::from_millis(500)), Ok(()));
        // The first call leaves at t0+1s: one more fits, not two.
        assert_eq!(l.admit(1, 3, t0 + Duration::from_millis(1000)), Ok(()));
        assert_eq!(l.admit(1, 3, t0 + Duration::from_millis(1050)), Err(1));
        assert_eq!(l.admit(1, 3, t0 + Duration::from_millis(1100)), Ok(()));
    }
}
